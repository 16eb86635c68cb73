#!/usr/bin/env bash
# Compile-time, schedule and simulator benchmarks on the generated models.
# Prints one row per (model, target): compile seconds, instruction words in
# the binary, issued instructions, cycles, simulated latency, the whole
# lpu-run time (process start, loading and checking outputs included) and
# simulated instructions per second of that time. Each timing is the best of
# REPEAT runs (default 3). mlp-large (1024 wide, batch 64) is generated here.
# Usage: bench/run-benchmarks.sh [BUILD_DIR]   (default: build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-"$root/build"}
repeat=${REPEAT:-3}
models="$build/models"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ ! -f "$models/mlp-large/model.onnx" ]; then
  /usr/bin/python3 "$root/test/models/make_models.py" mlp-large "$models/mlp-large"
fi

best_of() { # best wall time in seconds of running "$@" $repeat times
  local best=""
  for _ in $(seq "$repeat"); do
    local start end t
    start=$(date +%s.%N)
    "$@" > "$work/last.out"
    end=$(date +%s.%N)
    t=$(echo "$end - $start" | bc)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
  done
  echo "$best"
}

printf "%-10s %-9s %9s %8s %12s %8s %10s %7s %12s\n" model target compile_s \
  words instructions cycles latency_us run_s sim_inst/s
for model in mlp mlp-wide mlp-large; do
  for target in lpu-tiny lpu-v1; do
    bin="$work/$model.$target.lpu"
    if ! "$build/bin/lpuc" "$models/$model/model.onnx" --target="$target" \
        -o "$bin" 2> "$work/err"; then
      printf "%-10s %-9s %s\n" "$model" "$target" "does not compile: $(head -c 90 "$work/err")"
      continue
    fi
    compile=$(best_of "$build/bin/lpuc" "$models/$model/model.onnx" \
      --target="$target" -o "$bin")
    run=$(best_of "$build/bin/lpu-run" "$bin" --test-data \
      "$models/$model/test_data_set_0" --quiet --stats)
    read -r cycles latency instructions < <(sed -n \
      's/^cycles: \([0-9]*\) (\([0-9.]*\) us.*instructions: \([0-9]*\)$/\1 \2 \3/p' \
      "$work/last.out")
    words=$(sed -n 's/^instruction words: \([0-9]*\)$/\1/p' "$work/last.out")
    rate=$(echo "$instructions / $run" | bc)
    printf "%-10s %-9s %9.3f %8d %12d %8d %10s %7.3f %12d\n" "$model" "$target" \
      "$compile" "$words" "$instructions" "$cycles" "$latency" "$run" "$rate"
  done
done
