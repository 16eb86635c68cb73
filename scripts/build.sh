#!/usr/bin/env bash
# Configures and builds lpuc (Release, Ninja, ccache when present).
# Usage: scripts/build.sh [BUILD_DIR]   (default: build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-"$root/build"}
jobs=${LPU_JOBS:-$(nproc)}
cmake -G Ninja -S "$root" -B "$build" \
  -DCMAKE_BUILD_TYPE=Release \
  -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
  -DLPU_PYTHON=/usr/bin/python3
cmake --build "$build" -j "$jobs"
