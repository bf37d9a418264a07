#!/bin/sh
# Install what is missing (Debian), then configure and build lmstab in build/.
# Usage: scripts/setup.sh [extra cmake args...]
set -eu
cd "$(dirname "$0")/.."
PKGS="build-essential cmake pkg-config libopenblas-dev libinih-dev check libcjson-dev gnuplot-nox openmpi-bin libopenmpi-dev libsentencepiece-dev"
missing=""
for p in $PKGS; do
    dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO=sudo
    echo "setup: installing$missing"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build build -j"$(nproc)"
