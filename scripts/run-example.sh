#!/usr/bin/env bash
# The README's first command: install, build, and run Phasewise's main job on its built-in
# example (a synthetic Fe-Co-Ni composition spread that Phasewise generates itself).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build/release --target phasewise-cli -j2
cli=build/release/app/cli/phasewise-cli
mkdir -p build/example
"$cli" example -o build/example/fe-co-ni.h5
"$cli" convert build/example/fe-co-ni.h5 build/example/fe-co-ni_inst.txt
"$cli" info build/example/fe-co-ni_inst.txt
echo "The example library is in build/example/ (HDF5 and instance text). Try: $cli --help"
