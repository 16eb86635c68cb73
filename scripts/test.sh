#!/usr/bin/env bash
# Runs every test: unit (GoogleTest), lit and end-to-end, through ctest.
# Usage: scripts/test.sh [BUILD_DIR]   (default: build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-"$root/build"}
ctest --test-dir "$build" --output-on-failure -j "${LPU_JOBS:-$(nproc)}"
