#!/usr/bin/env bash
# Compiles a model directory (ONNX test layout: model.onnx and
# test_data_set_*/) for a target, simulates every data set and compares the
# outputs. Extra arguments (tolerances) go to lpu-run.
# Usage: run-model-test.sh LPUC LPU_RUN MODEL_DIR TARGET WORK_DIR [ARGS...]
set -euo pipefail
lpuc=$1 lpu_run=$2 model_dir=$3 target=$4 work=$5
shift 5
mkdir -p "$work"
"$lpuc" "$model_dir/model.onnx" --target="$target" -o "$work/model.lpu"
found=0
for data in "$model_dir"/test_data_set_*; do
  found=1
  "$lpu_run" "$work/model.lpu" --test-data "$data" --quiet "$@"
done
if [ "$found" = 0 ]; then
  echo "no test_data_set_* in $model_dir" >&2
  exit 1
fi
