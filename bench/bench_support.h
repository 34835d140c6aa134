#pragma once
// Helpers shared by the benchmark commands: the Python peers' scripts, running a peer or child
// process and reading its output, and this process's resident memory.

#include <cstdint>
#include <filesystem>
#include <string>

namespace phasewise::cli {

// A Python peer's script in bench/peers/ (or $PHASEWISE_BENCH_PEERS); throws Error when absent.
std::filesystem::path peerScript(const std::string& name);

// Runs a shell command and returns what it printed on stdout; `succeeded` (when given) tells
// whether it started and exited with status 0.
std::string runCapturing(const std::string& command, bool* succeeded = nullptr);

// Environment assignments that hold a Python peer's BLAS and OpenMP pools to `threads`, to put
// before its command: an unpinned peer takes every core (or waits on a busy one) and is then not
// compared at Phasewise's thread count.
std::string pinnedThreads(unsigned threads);

// The formula in a reference phase's name or file name, for scoring identities by formula:
// "10+Al2O3_00-046-1215_Orthorhombic.txt" -> "Al2O3"; "cod_NiO-Bunsenite.cif" -> "NiO".
std::string formulaOf(std::string name);

// VmRSS or VmHWM (peak) of this process, in bytes, from /proc/self/status.
std::uint64_t procStatusBytes(const std::string& key);

}  // namespace phasewise::cli
