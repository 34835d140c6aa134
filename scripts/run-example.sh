#!/usr/bin/env bash
# The README's first command: install, build, and run Phasewise's main job on its built-in
# example (a synthetic Fe-Co-Ni composition spread that Phasewise generates itself).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build/release --target phasewise-cli phasewise -j2
cli=build/release/app/cli/phasewise-cli
mkdir -p build/example
"$cli" example -o build/example/fe-co-ni.h5
"$cli" convert build/example/fe-co-ni.h5 build/example/fe-co-ni_inst.txt
"$cli" info build/example/fe-co-ni_inst.txt
# The main job: decompose the composition spread into its phases (shift-aware, Gibbs rule,
# connectivity) and save a project file with the library and the result.
"$cli" decompose build/example/fe-co-ni.h5 --phases 4 --quiet -o build/example/fe-co-ni_project.h5
"$cli" decompose build/example/fe-co-ni.h5 --phases 4 --quiet -o build/example/fe-co-ni_solution.txt
echo "The example library, its decomposition (project .h5 and solution .txt) are in build/example/."
echo "Try: $cli --help, or the desktop window: build/release/app/gui/phasewise build/example/fe-co-ni.h5"
