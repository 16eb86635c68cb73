#!/usr/bin/env bash
# Builds the libFuzzer target for the binary loader (runtime only, clang,
# ASan+UBSan) and fuzzes it from a seed corpus of freshly compiled binaries.
# Usage: scripts/fuzz-loader.sh [SECONDS] [BUILD_DIR]   (default 300, build)
# Needs: clang-14 and libclang-rt-14-dev (Debian), and lpuc in BUILD_DIR.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-300}
build=$(cd "${2:-$root/build}" && pwd) # absolute: the run below changes directory
fuzz_build="$build/fuzz"
corpus="$fuzz_build/corpus"

CC=clang-14 CXX=clang++-14 cmake -S "$root/runtime" -B "$fuzz_build" -G Ninja \
  -DLPU_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C "$fuzz_build" lpu-fuzz-loader

mkdir -p "$corpus"
for model in mlp broadcast; do
  for target in lpu-tiny lpu-v1; do
    "$build/bin/lpuc" "$build/models/$model/model.onnx" --target=$target \
      -o "$corpus/$model-$target.lpu"
  done
done

# Crashes, leaks and timeouts stop the run and leave a reproducer here.
cd "$fuzz_build"
./lpu-fuzz-loader "$corpus" -max_total_time="$seconds" -timeout=10 \
  -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1
