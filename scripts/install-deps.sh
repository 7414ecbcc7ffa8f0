#!/usr/bin/env bash
# Install the Debian packages labourshift needs, and only those that are missing.
# Idempotent: when everything is present it prints one line and changes nothing.
set -euo pipefail

packages=(
  cmake make g++ pkg-config clang-format clang libclang-rt-14-dev
  libeigen3-dev libboost-random-dev libtbb-dev libhdf5-dev libcli11-dev
  catch2 libtomlplusplus-dev librandom123-dev libnlopt-cxx-dev
  python3 python3-h5py python3-numpy python3-matplotlib hdf5-tools
  python3-xarray python3-h5netcdf python3-pandas python3-nbclient python3-nbformat python3-ipykernel
  pybind11-dev python3-dev libcpp-httplib-dev chromium r-base-core r-cran-hdf5r
  libopenmpi-dev openmpi-bin
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# npm (for the page of `labourshift serve` and its browser test): Debian's unless one is there.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)

# The front-end packages, pinned by web/package-lock.json, from the npm registry.
web_packages() {
  local here
  here=$(cd "$(dirname "$0")/.." && pwd)
  if [ ! -f "$here/web/node_modules/.package-lock.json" ] ||
     [ "$here/web/package-lock.json" -nt "$here/web/node_modules/.package-lock.json" ]; then
    echo "install-deps: npm ci in web/"
    (cd "$here/web" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  web_packages
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo); else
    echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
web_packages
