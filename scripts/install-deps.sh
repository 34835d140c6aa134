#!/usr/bin/env bash
# Installs Phasewise's build and test dependencies from Debian 12's archive (the one package
# line of ../shared/STACK.md, plus the fonts the digits demonstration renders). Skips apt
# entirely when everything is already installed.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  qt6-base-dev qt6-base-dev-tools libqcustomplot-dev libqcustomplot2.1-qt6
  libtorch-dev libopenblas0-openmp
  libhdf5-dev libgtest-dev libgmock-dev
  gemmi-dev tao-pegtl-dev libstb-dev zlib1g-dev
  libxrl-dev xvfb xauth qt6-svg-dev
  clang libclang-rt-14-dev libxy-dev
  fonts-dejavu-core fonts-dejavu-extra fonts-liberation2 fonts-freefont-ttf
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} Debian packages are present"
  exit 0
fi

sudo=()
if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi
echo "install-deps: installing ${#missing[@]} missing packages: ${missing[*]}"
"${sudo[@]}" apt-get update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${packages[@]}"
