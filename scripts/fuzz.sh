#!/usr/bin/env bash
# Coverage-guided fuzzing of every reader (fuzz/read_fuzzer.cpp) with libFuzzer, under
# AddressSanitizer + UndefinedBehaviorSanitizer: builds build/fuzz with clang, writes the seed
# corpus (valid files of every format and the malformed-input corpus, by the formats tests),
# then runs each target for SECONDS (default 10; CI), PHASEWISE_JOBS (2) targets at a time,
# with bounded memory and time per input.
# Any crash, sanitizer report, leak, time-out, allocation over the limit or RSS over the limit
# fails the run; the input that did it is kept under build/fuzz/findings/TARGET/ (turn it into
# a case of tests/plugins/malformed_input_test.cpp). A longer run: bash scripts/fuzz.sh 600
# (every target 10 minutes); some targets: bash scripts/fuzz.sh 60 hdf5 project
# Needs the release build's test binary (bash scripts/run-tests.sh builds it).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
jobs=${PHASEWISE_JOBS:-2}
targets=(xy csv chi xrdml instance hdf5 project phase_library npy cif sticks solution registry xylib_raw xylib_text
  folder digits nexus)
if (($# > 1)); then targets=("${@:2}"); fi  # bash scripts/fuzz.sh 60 hdf5 project: some targets only

seed_writer=build/release/tests/phasewise_formats_tests
if [[ ! -x $seed_writer ]]; then
  echo "fuzz: $seed_writer is missing; build the tests first (bash scripts/run-tests.sh)" >&2
  exit 2
fi
cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DPHASEWISE_FUZZ=ON -DPHASEWISE_BUILD_TESTS=OFF -DPHASEWISE_BUILD_GUI=OFF >/dev/null
cmake --build build/fuzz -j"$jobs"

seeds=$PWD/build/fuzz/seeds
rm -rf "$seeds"
PHASEWISE_FUZZ_SEED_DIR=$seeds "$seed_writer" --gtest_filter='FuzzSeedsTest.*' >/dev/null

# One target's run; prints its one-line verdict and returns non-zero on a finding.
fuzz_one() {
  local target=$1
  local corpus=build/fuzz/corpus/$target findings=build/fuzz/findings/$target log=build/fuzz/$target.log
  rm -rf "$findings"
  mkdir -p "$corpus" "$findings"
  # 64 KiB inputs; no single allocation over 64 MB (4 x the largest input plus the HDF5
  # library's own buffers), 1 GB resident at most, 20 s per input (a damaged HDF5 file may use the
  # 5 s a child process gets to read it, twice through the registry).
  # allocator_may_return_null: a huge allocation fails as it does in a release build (libhdf5
  # then reports an error; our code would throw, which is a finding). HDF5 files that are not
  # sealed are read in a child process first (hdf5_integrity.h): a crash contained there
  # leaves an artifact from the child but is not a finding; the parent's exit status decides.
  if ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 LSAN_OPTIONS=suppressions=$PWD/cmake/lsan.supp \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "build/fuzz/fuzz/fuzz_$target" "$corpus" "$seeds/$target" -max_total_time="$seconds" -max_len=65536 \
    -rss_limit_mb=1024 -malloc_limit_mb=64 -timeout=20 -artifact_prefix="$findings/" -print_final_stats=1 \
    >"$log" 2>&1; then
    local runs
    runs=$(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
    echo "fuzz: $target: $runs inputs in ${seconds} s ($((runs / seconds))/s), no finding"
  else
    echo "fuzz: $target: FINDING (see $log and $findings/)"
    grep -m3 -E 'ERROR|SUMMARY|out-of-memory|timeout' "$log" || true
    return 1
  fi
}

# libFuzzer runs on one core: $jobs targets at a time, each verdict printed in the targets' order.
failed=()
for ((first = 0; first < ${#targets[@]}; first += jobs)); do
  batch=("${targets[@]:first:jobs}")
  pids=()
  for target in "${batch[@]}"; do
    fuzz_one "$target" >"build/fuzz/$target.verdict" &
    pids+=($!)
  done
  for i in "${!batch[@]}"; do
    wait "${pids[$i]}" || failed+=("${batch[$i]}")
    cat "build/fuzz/${batch[$i]}.verdict"
  done
done
if ((${#failed[@]})); then
  echo "fuzz: findings in: ${failed[*]}" >&2
  exit 1
fi
