#!/usr/bin/env bash
# The README's first command: install, build, and open Phasewise's desktop window on its
# built-in example (a synthetic Fe-Co-Ni composition spread that Phasewise generates itself),
# taken through the whole pipeline: decomposition into phases, a classifier trained on the
# example's reference phases, identification and imitation refinement of every phase, and
# library unmixing (the other reference phases and the background taken away).
# Without a display (a server, CI) it renders the same window to build/example/phasewise.png
# instead, and runs the same pipeline on the command line too, leaving its files there.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build/release --target phasewise-cli phasewise -j2
cli=build/release/app/cli/phasewise-cli
gui=build/release/app/gui/phasewise
mkdir -p build/example
if [[ -n "${DISPLAY:-}" || -n "${WAYLAND_DISPLAY:-}" ]]; then
  echo "Opening the desktop window on the built-in example (Help > Run the example pipeline runs it again)."
  exec "$gui" --example
fi
echo "No display: rendering the window to build/example/phasewise.png and running the pipeline on the CLI."
"$gui" --screenshot build/example/phasewise.png
"$cli" example -o build/example/fe-co-ni.h5 --reference-phases build/example/fe-co-ni_phases.h5
"$cli" decompose build/example/fe-co-ni.h5 --phases 4 --quiet -o build/example/fe-co-ni_project.h5
"$cli" train build/example/fe-co-ni_phases.h5 --grid q_nm:15:80:512 --per-phase 60 --epochs 4 --quiet \
  --fwhm-like build/example/fe-co-ni.h5 -o build/example/fe-co-ni_classifier.pt
"$cli" refine build/example/fe-co-ni_classifier.pt build/example/fe-co-ni_project.h5 --loss best-target \
  -o build/example/fe-co-ni_refined.csv
# Library unmixing: the other reference phases and the background fitted in each phase, taken away.
"$cli" refine build/example/fe-co-ni_classifier.pt build/example/fe-co-ni_project.h5 --quiet \
  --unmix-with build/example/fe-co-ni_phases.h5 -o build/example/fe-co-ni_unmixed.csv
echo "In build/example/: the window (phasewise.png), the library, its decomposition (project .h5), the"
echo "classifier, the refined phase patterns with their identities (fe-co-ni_refined.csv) and the"
echo "phases unmixed with the reference phases (fe-co-ni_unmixed.csv)."
