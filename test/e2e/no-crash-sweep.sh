#!/usr/bin/env bash
# Compiles every model of the ONNX conformance data (most use operators or
# types lpuc does not lower yet) and checks that lpuc never crashes, hangs or
# asserts: each compile must succeed (exit 0) or fail cleanly (exit 1 with
# exactly one "lpuc: error:" line).
# Usage: no-crash-sweep.sh LPUC NODE_TESTS_DIR WORK_DIR
set -uo pipefail
lpuc=$1 node_dir=$2 work=$3
mkdir -p "$work"
total=0 compiled=0 rejected=0 broken=0
for dir in "$node_dir"/*/; do
  name=$(basename "$dir")
  total=$((total + 1))
  timeout 60 "$lpuc" "$dir/model.onnx" --target=lpu-tiny -o "$work/out.lpu" \
    > "$work/log" 2>&1
  rc=$?
  lines=$(wc -l < "$work/log")
  if [ "$rc" = 0 ]; then
    compiled=$((compiled + 1))
  elif [ "$rc" = 1 ] && [ "$lines" = 1 ] && grep -q '^lpuc: error: ' "$work/log"; then
    rejected=$((rejected + 1))
  else
    broken=$((broken + 1))
    echo "FAIL $name: exit $rc, $lines lines of output:"
    head -5 "$work/log"
  fi
done
echo "$total models: $compiled compiled, $rejected rejected cleanly, $broken broken"
[ "$broken" = 0 ] && [ "$total" -gt 0 ]
