#!/usr/bin/env bash
# Function size and cognitive complexity (.clang-tidy: at most 80 lines, complexity at most 50)
# over core/, plugins/, app/ and bench/, with the release build's compile commands. Prints each
# function over a limit and exits 1 when there is one.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f build/release/compile_commands.json ] || { echo "build the release tree first (see README)"; exit 2; }
tidy=$(command -v run-clang-tidy || command -v run-clang-tidy-14)
log=$(mktemp)
"$tidy" -p build/release -j "${PHASEWISE_JOBS:-2}" -quiet \
  -checks='-*,readability-function-cognitive-complexity,readability-function-size' \
  "$PWD/(core|plugins|app|bench)/.*\.cpp" > "$log" 2>&1 || true
found=$(grep -E "warning: function .*(cognitive complexity|exceeds recommended size)" "$log" | sed 's/\x1b\[[0-9;]*m//g' | sort -u || true)
rm -f "$log"
if [ -n "$found" ]; then
  echo "$found"
  exit 1
fi
echo "no function over 80 lines or a cognitive complexity of 50"
