#!/usr/bin/env bash
# Compiles a model directory (ONNX test layout: model.onnx and
# test_data_set_*/) for a target, simulates every data set, compares the
# outputs, and checks that the simulator's cycle count is the one the
# compiler's schedule predicts. MODEL_DIR/lpu-run-args (if any) and extra
# arguments (tolerances) go to lpu-run; MODEL_DIR/lpuc-args (if any) and
# $LPUC_FLAGS (e.g. --precision=bf16) to lpuc.
# Usage: run-model-test.sh LPUC LPU_RUN MODEL_DIR TARGET WORK_DIR [ARGS...]
set -euo pipefail
lpuc=$1 lpu_run=$2 model_dir=$3 target=$4 work=$5
shift 5
mkdir -p "$work"
model_flags=()
if [ -f "$model_dir/lpuc-args" ]; then
  read -r -a model_flags < "$model_dir/lpuc-args"
fi
# The report's first line: "<target>: <cycles> cycles = ...".
# shellcheck disable=SC2086 # LPUC_FLAGS is a list of flags
predicted=$("$lpuc" "$model_dir/model.onnx" --target="$target" ${LPUC_FLAGS:-} \
  "${model_flags[@]}" -o "$work/model.lpu" --report |
  sed -n '1s/^[^:]*: \([0-9]*\) cycles.*/\1/p')
if [ -z "$predicted" ]; then
  echo "lpuc --report gave no cycle count" >&2
  exit 1
fi
# A model may state its own tolerance (quantized models: one quantum).
model_args=()
if [ -f "$model_dir/lpu-run-args" ]; then
  read -r -a model_args < "$model_dir/lpu-run-args"
fi
found=0
for data in "$model_dir"/test_data_set_*; do
  found=1
  "$lpu_run" "$work/model.lpu" --test-data "$data" --quiet "${model_args[@]}" "$@" | tee "$work/run.log"
  simulated=$(sed -n 's/^cycles: \([0-9]*\) .*/\1/p' "$work/run.log")
  if [ -z "$simulated" ]; then
    echo "lpu-run printed no cycle count" >&2
    exit 1
  fi
  if [ "$simulated" != "$predicted" ]; then
    echo "the schedule predicts $predicted cycles, the simulator ran $simulated" >&2
    exit 1
  fi
done
if [ "$found" = 0 ]; then
  echo "no test_data_set_* in $model_dir" >&2
  exit 1
fi
