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
