#!/usr/bin/env bash
# The ONNX conformance harness. Compiles every node test of the ONNX test
# data for lpu-tiny and runs each compiled model on every test_data_set_*
# with ONNX's tolerances (rtol 1e-3, atol 1e-7), then checks:
#  - lpuc never crashes, hangs or asserts: each compile succeeds (exit 0) or
#    fails cleanly (exit 1 with exactly one "lpuc: error:" line);
#  - nothing that compiles gives wrong numbers (unsupported must be an error);
#  - the tests that pass are exactly those listed in EXPECTED (one name per
#    line), so the checked-in list is always true.
# Tests rejected because shape operands, indices or recurrent weights are graph inputs are
# retried with those fixed at compile time (classify_bound).
# A test whose numbers differ for a stated reason (the test data's fault or
# a deliberate choice, each explained) is listed in known-differences.txt
# beside EXPECTED: it is reported, not counted as wrong, and must go on
# differing.
# Runs LPU_JOBS models at a time. With --update, rewrites EXPECTED instead of
# comparing with it.
# Usage: run-conformance.sh LPUC LPU_RUN NODE_TESTS_DIR WORK_DIR EXPECTED [--update]
set -uo pipefail
export LC_ALL=C # one sort order for the lists and comm
lpuc=$1 lpu_run=$2 node_dir=$3 work=$4 expected=$5 mode=${6:-check}
rm -rf "$work" && mkdir -p "$work"
LPU_HARNESS_DIR=$(cd "$(dirname "$0")" && pwd)
export LPU_HARNESS_DIR

# Prints one line for a model directory: "pass NAME", "rejected NAME",
# "WRONG NAME: ..." or "CRASH NAME: ...".
classify() {
  local lpuc=$1 lpu_run=$2 dir=$3 work=$4 name log rc lines data
  name=$(basename "$dir")
  log="$work/$name.log"
  timeout 60 "$lpuc" "$dir/model.onnx" --target=lpu-tiny --f64-as-f32 \
    -o "$work/$name.lpu" > "$log" 2>&1
  rc=$?
  lines=$(wc -l < "$log")
  if [ "$rc" = 1 ] && [ "$lines" = 1 ] && grep -q '^lpuc: error: ' "$log"; then
    classify_bound "$lpuc" "$lpu_run" "$dir" "$work"
    return
  elif [ "$rc" != 0 ]; then
    echo "CRASH $name: exit $rc, $lines lines of output: $(head -c 300 "$log" | tr "\n" " ")"
    return
  fi
  for data in "$dir"/test_data_set_*; do
    if ! timeout 120 "$lpu_run" "$work/$name.lpu" --test-data "$data" -q \
        --rtol 1e-3 --atol 1e-7 > "$log" 2>&1; then
      echo "WRONG $name: $(basename "$data"): $(grep -m1 -E 'MISMATCH|error' "$log" | head -c 300)"
      rm -f "$work/$name.lpu"
      return
    fi
  done
  rm -f "$work/$name.lpu"
  echo "pass $name"
}
# A rejected test whose graph inputs include shape operands or indices
# (Slice starts, Pad pads, Resize sizes, Gather indices...; see
# shape-operands.py) is compiled again per data set with those fixed at
# compile time (lpuc --input-value), the data inputs still given at run
# time: "pass-bound NAME" if every data set then matches.
classify_bound() {
  local lpuc=$1 lpu_run=$2 dir=$3 work=$4 name log data bindings args
  name=$(basename "$dir")
  log="$work/$name.log"
  for data in "$dir"/test_data_set_*; do
    bindings=$(/usr/bin/python3 "$LPU_HARNESS_DIR/shape-operands.py" "$dir" "$data" 2>/dev/null)
    if [ -z "$bindings" ]; then
      echo "rejected $name"
      return
    fi
    args=()
    for b in $bindings; do args+=(--input-value "$b"); done
    timeout 60 "$lpuc" "$dir/model.onnx" --target=lpu-tiny --f64-as-f32 "${args[@]}" \
      -o "$work/$name.lpu" > "$log.bound" 2>&1
    local rc=$?
    if [ "$rc" = 1 ] && [ "$(wc -l < "$log.bound")" = 1 ] &&
        grep -q '^lpuc: error: ' "$log.bound"; then
      echo "rejected $name"
      return
    elif [ "$rc" != 0 ]; then
      echo "CRASH $name (inputs fixed): exit $rc: $(head -c 300 "$log.bound" | tr "\n" " ")"
      return
    fi
    if ! timeout 120 "$lpu_run" "$work/$name.lpu" --test-data "$data" -q \
        --rtol 1e-3 --atol 1e-7 > "$log.bound" 2>&1; then
      echo "WRONG $name (inputs fixed): $(basename "$data"): $(grep -m1 -E 'MISMATCH|error' "$log.bound" | head -c 300)"
      rm -f "$work/$name.lpu"
      return
    fi
  done
  rm -f "$work/$name.lpu"
  echo "pass-bound $name"
}
export -f classify classify_bound

find "$node_dir" -mindepth 1 -maxdepth 1 -type d | sort |
  xargs -P "${LPU_JOBS:-2}" -I{} bash -c 'classify "$@"' _ "$lpuc" "$lpu_run" {} "$work" |
  sort > "$work/results"

known_file="$(dirname "$expected")/known-differences.txt"
grep -v '^#' "$known_file" | awk 'NF { print $1 }' | sort > "$work/known"
# WRONG lines of listed tests become "known" lines.
awk 'NR == FNR { known[$1] = 1; next }
     $1 == "WRONG" { name = $2; sub(/:$/, "", name)
                     if (name in known) { $1 = "known"; print; next } }
     { print }' "$work/known" "$work/results" > "$work/results.classified"
mv "$work/results.classified" "$work/results"
grep '^known ' "$work/results"
total=$(wc -l < "$work/results")
passed=$(grep -c -E '^pass(-bound)? ' "$work/results")
bound=$(grep -c '^pass-bound ' "$work/results")
rejected=$(grep -c '^rejected ' "$work/results")
known=$(grep -c '^known ' "$work/results")
grep -E '^(CRASH|WRONG) ' "$work/results"
broken=$((total - passed - rejected - known))
echo "$total node tests: $passed pass ($bound of them with shape operands fixed at compile time), $rejected rejected cleanly, $known differ for a known reason, $broken crash or give wrong numbers"
sed -n -E 's/^pass(-bound)? //p' "$work/results" > "$work/passing"

if [ "$mode" = --update ]; then
  cp "$work/passing" "$expected"
  echo "wrote $expected"
  [ "$broken" = 0 ]
  exit
fi
status=0
sed -n 's/^known \([^ :]*\).*/\1/p' "$work/results" | sort > "$work/known-seen"
if ! diff -q "$work/known" "$work/known-seen" > /dev/null; then
  comm -23 "$work/known" "$work/known-seen" |
    sed 's/^/listed as a known difference but does not differ: /'
  status=1
fi
if ! diff -q "$expected" "$work/passing" > /dev/null; then
  comm -13 "$expected" "$work/passing" | sed 's/^/passes but is not listed: /'
  comm -23 "$expected" "$work/passing" | sed 's/^/listed but does not pass: /'
  echo "update the list with: run-conformance.sh ... --update (or cmake --build BUILD --target update-conformance)"
  status=1
fi
[ "$broken" = 0 ] && [ "$total" -gt 0 ] && exit $status
exit 1
