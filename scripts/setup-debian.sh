#!/usr/bin/env bash
# Installs what flipside needs on Debian 12 (Swift 6.3 itself is assumed present):
# Lua 5.4, OpenBLAS, zlib, SQLite (for the results store), gnuplot (figures),
# libedit (the REPL's line editing), Fashion-MNIST, gzip. Skips apt when all are installed.
# With --tests, also what the test suite alone needs: Slurm and munge for the
# cluster test (a one-node cluster the test starts itself).
set -euo pipefail
packages=(liblua5.4-dev libopenblas-dev zlib1g-dev libsqlite3-dev gnuplot-nox libedit-dev dataset-fashion-mnist pkg-config gzip)
[ "${1:-}" = "--tests" ] && packages+=(slurm-wlm munge)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi
