#!/usr/bin/env bash
# Builds one of the libFuzzer targets (clang, ASan + UBSan) and fuzzes it from
# a seed corpus. docs/fuzzing.md says what each target checks.
# Usage: scripts/fuzz.sh loader|importer [SECONDS] [BUILD_DIR]
#   loader    the binary loader and simulator (runtime only; seeds: binaries
#             lpuc compiles from the test models)
#   importer  the whole compile of an ONNX file (seeds: the ONNX node tests,
#             the small test models and the checked-in reproducers)
# SECONDS defaults to 300, BUILD_DIR (a normal build, for lpuc and the models)
# to build. Unset LPU_FUZZ_JOBS: one process, which stops at the first
# finding; LPU_FUZZ_JOBS=N: N processes sharing the corpus (libFuzzer's
# -workers), each restarted after a finding, logging to
# BUILD_DIR/fuzz-<target>/fuzz-<job>.log; stop them when SECONDS have passed.
# (libFuzzer's -fork restarts a process every few seconds, which halved the
# importer's rate.) LPU_FUZZ_RUNS=N stops a one-process run after N inputs.
# Findings are left in BUILD_DIR/fuzz-<target>/artifacts.
# Needs: clang-14 and libclang-rt-14-dev (Debian).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
target=${1:?usage: scripts/fuzz.sh loader|importer [SECONDS] [BUILD_DIR]}
seconds=${2:-300}
build=$(cd "${3:-$root/build}" && pwd) # absolute: the run changes directory
jobs=${LPU_FUZZ_JOBS:-0}
runs=${LPU_FUZZ_RUNS:--1}
fuzz_build="$build/fuzz-$target"
corpus="$fuzz_build/corpus"
seeds="$fuzz_build/seeds"
mkdir -p "$corpus" "$seeds" "$fuzz_build/artifacts"
if ! command -v clang++-14 >/dev/null ||
  ! compgen -G "/usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a" >/dev/null; then
  echo "scripts/fuzz.sh: needs clang-14 and libclang-rt-14-dev" \
    "(apt-get install clang-14 libclang-rt-14-dev)" >&2
  exit 2
fi

case "$target" in
loader)
  CC=clang-14 CXX=clang++-14 cmake -S "$root/runtime" -B "$fuzz_build" -G Ninja \
    -DLPU_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  for model in mlp broadcast; do
    for chip in lpu-tiny lpu-v1; do
      "$build/bin/lpuc" "$build/models/$model/model.onnx" --target=$chip \
        -o "$seeds/$model-$chip.lpu"
    done
  done
  # Per input: 10 s, 2 GiB.
  flags=(-timeout=10 -rss_limit_mb=2048 -max_len=65536)
  ;;
importer)
  CC=clang-14 CXX=clang++-14 cmake -S "$root" -B "$fuzz_build" -G Ninja \
    -DLPU_FUZZ=ON -DLPU_BUILD_TESTS=OFF -DLPU_BUILD_PYTHON=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir >/dev/null
  max_len=65536
  for dir in /usr/share/libonnx-testdata/data/node/* "$build"/models/*; do
    model="$dir/model.onnx"
    if [[ -f $model && $(stat -c %s "$model") -le $max_len ]]; then
      cp "$model" "$seeds/$(basename "$dir").onnx"
    fi
  done
  for reproducer in "$root"/test/fuzz/importer/*.onnx; do
    [[ -f $reproducer ]] && cp "$reproducer" "$seeds/"
  done
  # Per input: 30 s and 4 GiB under ASan (a Release lpuc refuses hostile
  # input within 2 s and 200 MB; Driver/hostile-input.test checks that).
  # lpuc's error lines go nowhere (-close_fd_mask=2); sanitizer reports and
  # the target's own findings still print.
  # -entropic=0: with the 160,000 features a compile covers, libFuzzer's
  # entropic schedule spent 62% of the time updating feature frequencies.
  flags=(-timeout=30 -rss_limit_mb=4096 -malloc_limit_mb=4096
         -max_len=$max_len -close_fd_mask=2 -entropic=0)
  ;;
*)
  echo "scripts/fuzz.sh: unknown target '$target' (loader or importer)" >&2
  exit 2
  ;;
esac
ninja -C "$fuzz_build" "lpu-fuzz-$target"

# UBSan's checks are built to recover (as ASan's are not); halting on the
# first report makes undefined behaviour a finding like any crash, with the
# input kept in the artifacts.
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

cd "$fuzz_build"
if ((jobs > 0)); then
  # Jobs run in their own process group, stopped as one when SECONDS have
  # passed (each job would run that long again after a finding).
  setsid "./bin/lpu-fuzz-$target" "$corpus" "$seeds" "${flags[@]}" \
    -jobs=1000 -workers="$jobs" -max_total_time="$seconds" \
    -artifact_prefix="$fuzz_build/artifacts/" -print_final_stats=1 &
  master=$!
  trap 'kill -- -"$master" 2>/dev/null || true' EXIT
  for ((waited = 0; waited < seconds; waited += 10)); do
    kill -0 "$master" 2>/dev/null || break
    sleep 10
  done
  exit 0
fi
"./bin/lpu-fuzz-$target" "$corpus" "$seeds" "${flags[@]}" \
  -max_total_time="$seconds" -runs="$runs" -artifact_prefix="$fuzz_build/artifacts/" \
  -print_final_stats=1
