#!/usr/bin/env bash
# Compiles a decode-step model directory (model.onnx, lpuc-args naming its
# state, prompt.npy, generated.npy: the reference's greedy decoding) for a
# target and checks that `lpu-run --generate` gives the same tokens.
# $LPUC_FLAGS (e.g. --precision=bf16) go to lpuc.
# Usage: run-generate-test.sh LPUC LPU_RUN MODEL_DIR TARGET WORK_DIR TOKENS
set -euo pipefail
lpuc=$1 lpu_run=$2 model_dir=$3 target=$4 work=$5 tokens=$6
mkdir -p "$work"
read -r -a model_flags < "$model_dir/lpuc-args"
# shellcheck disable=SC2086 # LPUC_FLAGS is a list of flags
"$lpuc" "$model_dir/model.onnx" --target="$target" ${LPUC_FLAGS:-} \
  "${model_flags[@]}" -o "$work/model.lpu"
"$lpu_run" "$work/model.lpu" --generate "$tokens" \
  --prompt "$model_dir/prompt.npy" --expect-tokens "$model_dir/generated.npy"
# A prompt and generation that need more positions than the cache holds are
# refused before anything runs, with both lengths.
context=$(/usr/bin/python3 -c "import onnx; m = onnx.load('$model_dir/model.onnx'); print([i for i in m.graph.input if i.name == '${model_flags[1]#*=}'][0].type.tensor_type.shape.dim[-2].dim_value)")
/usr/bin/python3 -c "import numpy as np; np.save('$work/long.npy', np.ones($context, np.int64))"
if "$lpu_run" "$work/model.lpu" --generate 2 --prompt "$work/long.npy" \
    2> "$work/long.err"; then
  echo "a prompt of $context tokens and 2 more ran on a context of $context" >&2
  exit 1
fi
grep -q "a prompt of $context tokens and 2 more take $((context + 1)) positions, more than the program's context of $context" "$work/long.err"
