#include "bench_support.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "util/error.h"

namespace phasewise::cli {

std::filesystem::path peerScript(const std::string& name) {
  const char* override_dir = std::getenv("PHASEWISE_BENCH_PEERS");
  const std::filesystem::path dir = override_dir && *override_dir ? override_dir : PHASEWISE_BENCH_PEERS;
  const std::filesystem::path script = dir / name;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(script, ec))
    throw core::Error(script.string() + ": the peer's script is missing (set PHASEWISE_BENCH_PEERS to bench/peers)");
  return script;
}

std::string runCapturing(const std::string& command, bool* succeeded) {
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  if (!pipe) {
    if (succeeded) *succeeded = false;
    return output;
  }
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
  const int status = pclose(pipe);
  if (succeeded) *succeeded = status == 0;
  return output;
}

std::string pinnedThreads(unsigned threads) {
  const std::string n = std::to_string(std::max(1U, threads));
  return "OMP_NUM_THREADS=" + n + " OPENBLAS_NUM_THREADS=" + n + " MKL_NUM_THREADS=" + n + " NUMEXPR_NUM_THREADS=" + n +
         " ";
}

std::uint64_t procStatusBytes(const std::string& key) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(key + ":", 0) == 0) {
      std::istringstream fields(line.substr(key.size() + 1));
      std::uint64_t kib = 0;
      fields >> kib;
      return kib * 1024;
    }
  }
  return 0;
}

std::string formulaOf(std::string name) {
  if (const auto plus = name.find('+'); plus != std::string::npos && plus < 5) name = name.substr(plus + 1);
  for (const char* prefix : {"cod_", "amcsd_"})
    if (name.rfind(prefix, 0) == 0) name = name.substr(std::string(prefix).size());
  for (const char* extension : {".txt", ".cif"})
    if (const auto at = name.rfind(extension); at != std::string::npos && at + 4 == name.size()) name.resize(at);
  const auto end = name.find_first_of("_-");
  return end == std::string::npos ? name : name.substr(0, end);
}

}  // namespace phasewise::cli
