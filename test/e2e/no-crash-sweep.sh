#!/usr/bin/env bash
# Compiles every model of the ONNX conformance data (most use operators or
# types lpuc does not lower yet) and checks that lpuc never crashes, hangs or
# asserts: each compile must succeed (exit 0) or fail cleanly (exit 1 with
# exactly one "lpuc: error:" line). Runs LPU_JOBS compiles at a time.
# Usage: no-crash-sweep.sh LPUC NODE_TESTS_DIR WORK_DIR
set -uo pipefail
lpuc=$1 node_dir=$2 work=$3
rm -rf "$work" && mkdir -p "$work"

# Classifies one model directory; prints "compiled", "rejected" or a report.
classify() {
  local lpuc=$1 dir=$2 work=$3 name log rc lines
  name=$(basename "$dir")
  log="$work/$name.log"
  timeout 60 "$lpuc" "$dir/model.onnx" --target=lpu-tiny \
    -o "$work/$name.lpu" > "$log" 2>&1
  rc=$?
  rm -f "$work/$name.lpu"
  lines=$(wc -l < "$log")
  if [ "$rc" = 0 ]; then
    echo compiled
  elif [ "$rc" = 1 ] && [ "$lines" = 1 ] && grep -q '^lpuc: error: ' "$log"; then
    echo rejected
  else
    echo "FAIL $name: exit $rc, $lines lines of output: $(head -c 300 "$log" | tr "\n" " ")"
  fi
}
export -f classify

find "$node_dir" -mindepth 1 -maxdepth 1 -type d | sort |
  xargs -P "${LPU_JOBS:-2}" -I{} bash -c 'classify "$@"' _ "$lpuc" {} "$work" \
  > "$work/results"
total=$(wc -l < "$work/results")
compiled=$(grep -c '^compiled$' "$work/results")
rejected=$(grep -c '^rejected$' "$work/results")
grep '^FAIL ' "$work/results"
broken=$((total - compiled - rejected))
echo "$total models: $compiled compiled, $rejected rejected cleanly, $broken broken"
[ "$broken" = 0 ] && [ "$total" -gt 0 ]
