#!/usr/bin/env bash
# The README's test command, and exactly what CI runs (.ci/run): install, build, and run the
# whole test suite (unit, command-line and real-data tests), then build the same tests with
# AddressSanitizer + UndefinedBehaviorSanitizer and run them again (all but the few named
# below), malformed-input corpus included; last, every reader is fuzzed for 10 s with libFuzzer
# (scripts/fuzz.sh). Real-data tests skip cleanly when ../shared/data is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=${PHASEWISE_JOBS:-2}
# ctest runs $jobs test processes at once, each with LibTorch's OpenMP pool on every core; with
# OpenMP's default policy an idle thread spins for its next task on a core the other process
# needs (two ASan learn tests side by side: 25.7 s spinning, 6.3 s passive; release ctest -j2:
# 203 s -> 140 s). Passive threads sleep instead.
export OMP_WAIT_POLICY=PASSIVE

cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DPHASEWISE_BUILD_TESTS=ON
cmake --build build/release -j"$jobs"
ctest --test-dir build/release -j"$jobs" --output-on-failure

cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Asan -DPHASEWISE_BUILD_TESTS=ON -DPHASEWISE_BUILD_GUI=OFF
cmake --build build/asan -j"$jobs" --target phasewise_core_tests phasewise_formats_tests phasewise_simulate_tests phasewise_decompose_tests phasewise_learn_tests phasewise_digits_tests phasewise-cli
# Left to the release stage above, where they run too: tests labelled "slow" (minutes under the
# sanitizers for code their unit tests take), the benchmark tool's runs (a measuring tool over
# the same core; bench identify alone took 80 s here) and the digits' real-data training (72 s;
# the image unit tests train and refine through the same code).
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 LSAN_OPTIONS=suppressions=$PWD/cmake/lsan.supp \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/asan -j"$jobs" --output-on-failure --label-exclude 'slow|bench' \
  --exclude-regex 'DigitsRealDataTest\.TypesetTrained'

bash scripts/fuzz.sh "${PHASEWISE_FUZZ_SECONDS:-10}"
