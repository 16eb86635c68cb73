#!/usr/bin/env bash
# Compile-time, schedule-quality and simulator benchmarks on generated models.
#
# One row per (model, target):
#   compile_s    best lpuc wall time (process start included)
#   compile_mb   lpuc's peak resident memory (MiB) in that run
#   instr        issued instructions
#   cycles       simulated cycles (equal to the schedule's; checked)
#   us           cycles at the target's clock
#   floor        the model's physical floor on the target: the largest of its
#                products' MACs over the MXM rate of their type, its weight
#                bytes over the weight-install rate, and its I/O bytes over
#                the MEM ports (lpuc --report; docs/cli.md)
#   f/c          floor / cycles (what a perfect program reaches: 1.00)
#   bound        lower bound on cycles for the program on the target: the
#                larger of its critical path and each unit kind's work over
#                its queue count (lpuc --report)
#   b/c          bound / cycles (1.00 = no schedule could do better)
#   sram_peak    most SRAM whose contents are live at once
#   base_cycles  the op-by-op baseline (lpuc --schedule=op-by-op: node after
#                node, no fusion, partial sums through SRAM)
#   speedup      base_cycles / cycles
#   run_s        best lpu-run wall time (loading, simulating, checking)
#   sim_inst/s   simulated instructions per second of run_s
#   sim_MMAC/s   the model's MACs simulated per second of run_s (millions)
# With REAL_MODELS=1, a last table sets each real model's run_s beside the
# best single-thread forward pass of the same model in torch.
# Models that do not compile yet print the compiler's diagnostic.
# One table per MXM precision (PRECISIONS, default "fp16 bf16 int8"; lpu-v1
# has no fp32 products), plus mlp on lpu-tiny in its default fp32. Outputs
# are checked against the f32 references within 5% of their largest
# magnitude (docs/precision.md has the accuracy tests proper). int8 runs the
# models quantized by test/models/quantize_models.py (<model>-int8, built
# with the tests; <model>-qdq-int8 with --residuals, as onnxruntime
# quantizes ResNets), checked within one quantum of their output scale or
# 10% of the largest magnitude (ViT-B/16's 12 layers, docs/precision.md).
# Timings are the best of REPEAT runs (default 3).
# With REAL_MODELS=1, also the torch-exported ResNet-18, MobileNetV2,
# transformer encoder, ResNet-50, EfficientNet-B0, LR-ASPP at 640x640,
# ViT-B/16, the BERT-style encoder (int64 token ids, embedding lookups) and
# a GPT-2-style decoder's step, whose generation is timed at the end
# (test/models/make_torch_models.py; needs python3-torch; ten minutes or
# more: try REPEAT=1).
# Usage: bench/run-benchmarks.sh [BUILD_DIR]   (default: build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-"$root/build"}
repeat=${REPEAT:-3}
precisions=${PRECISIONS:-"fp16 bf16 int8"}
models="$build/models"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for model in mlp mlp-wide mlp-large cnn-small encoder-layer; do
  if [ ! -f "$models/$model/model.onnx" ]; then
    /usr/bin/python3 "$root/test/models/make_models.py" "$model" "$models/$model"
  fi
done
real_models=""
if [ "${REAL_MODELS:-0}" = 1 ]; then
  real_models="resnet18 mobilenet-v2 transformer resnet50 efficientnet-b0 lraspp
    vit-b16 bert gpt2"
  for model in $real_models; do
    if [ ! -f "$models/$model/model.onnx" ]; then
      /usr/bin/python3 "$root/test/models/make_torch_models.py" "$model" \
        "$models/$model"
    fi
  done
fi

best_of() { # best wall time in seconds of running "$@" $repeat times; the
  # peak resident memory of that run (MiB) goes to $work/best.mb
  local best=""
  for _ in $(seq "$repeat"); do
    local start end t
    start=$(date +%s.%N)
    /usr/bin/time -f %M -o "$work/rss" "$@" > "$work/last.out"
    end=$(date +%s.%N)
    t=$(echo "$end - $start" | bc)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then
      best=$t
      echo $(( $(tail -1 "$work/rss") / 1024 )) > "$work/best.mb"
    fi
  done
  echo "$best"
}

json() { # json FILE EXPR: a value from a --report file
  /usr/bin/python3 -c "import json, sys; r = json.load(open(sys.argv[1])); print($2)" "$1"
}

header() {
  printf "%-15s %-8s %9s %10s %8s %8s %8s %7s %5s %8s %5s %11s %11s %7s %8s %10s %10s\n" \
    model target compile_s compile_mb instr cycles us floor f/c bound b/c \
    sram_peak base_cycles speedup run_s sim_inst/s sim_MMAC/s
}
run_model() { # run_model MODEL TARGET [PRECISION]
  local model=$1 target=$2 bin="$work/$1.$2.${3:-fp32}.lpu"
  local base="$work/$1.$2.base.lpu"
  local lpuc_flags=() check=(--scaled-tol 5e-2) dir="$models/$1"
  if [ "${3:-}" = int8 ]; then
    # Quantized models say int8 themselves; their tolerance is theirs.
    dir="$models/$1-int8"
    if [ ! -f "$dir/model.onnx" ]; then
      printf "%-15s %-8s not quantized (build the tests first)\n" "$model" \
        "$target"
      return
    fi
    read -r -a check < "$dir/lpu-run-args"
    check+=(--scaled-tol 1e-1)
  elif [ -n "${3:-}" ]; then
    lpuc_flags=(--precision="$3")
  fi
  # A model may need flags of its own (a decoder's state: lpuc --state).
  if [ -f "$dir/lpuc-args" ]; then
    read -r -a model_flags < "$dir/lpuc-args"
    lpuc_flags+=("${model_flags[@]}")
  fi
  if ! "$build/bin/lpuc" "$dir/model.onnx" --target="$target" \
      "${lpuc_flags[@]}" -o "$bin" --report="$work/report.json" \
      2> "$work/err"; then
    printf "%-15s %-8s does not compile: %s\n" "$model" "$target" \
      "$(sed 's/^lpuc: error: [^:]*: //' "$work/err" | head -1 | cut -c1-100)"
    return
  fi
  # The baseline places tensors without spreading them over slices, so a
  # model with large activations may not fit it: "-" then.
  local have_base=1
  "$build/bin/lpuc" "$dir/model.onnx" --target="$target" \
    "${lpuc_flags[@]}" --schedule=op-by-op -o "$base" \
    --report="$work/base.json" 2> "$work/base.err" || have_base=0
  compile=$(best_of "$build/bin/lpuc" "$dir/model.onnx" \
    --target="$target" "${lpuc_flags[@]}" -o "$bin")
  compile_mb=$(cat "$work/best.mb")
  run=$(best_of "$build/bin/lpu-run" "$bin" --test-data \
    "$dir/test_data_set_0" --quiet --stats "${check[@]}")
  if [ "$have_base" = 1 ]; then
    "$build/bin/lpu-run" "$base" --test-data \
      "$dir/test_data_set_0" --quiet "${check[@]}" > /dev/null
  fi
  read -r cycles instructions < <(sed -n \
    's/^cycles: \([0-9]*\) (.*instructions: \([0-9]*\)$/\1 \2/p' "$work/last.out")
  if [ "$cycles" != "$(json "$work/report.json" "r['cycles']")" ]; then
    echo "error: $model on $target: simulated cycles differ from the schedule's" >&2
    exit 1
  fi
  bound=$(json "$work/report.json" "r['bound']['cycles']")
  ratio=$(json "$work/report.json" "'%.2f' % r['bound']['bound_over_cycles']")
  read -r us floor floor_ratio macs < <(json "$work/report.json" \
    "'%.1f %d %.3f %d' % (r['latency_us'], r['floor']['cycles'], r['floor']['floor_over_cycles'], r['floor']['macs'])")
  peak=$(json "$work/report.json" \
    "'%.1f KiB' % (r['sram']['peak_live_bytes'] / 1024)")
  base_cycles=- speedup=-
  if [ "$have_base" = 1 ]; then
    base_cycles=$(json "$work/base.json" "r['cycles']")
    speedup=$(echo "scale=2; $base_cycles / $cycles" | bc)x
  fi
  echo "$model ${3:-fp32} $target $bin $dir/test_data_set_0 ${check[*]}" \
    >> "$work/runs"
  rate=$(echo "$instructions / $run" | bc)
  mac_rate=$(echo "$macs / $run / 1000000" | bc)
  printf "%-15s %-8s %9.3f %10d %8d %8d %8s %7d %5s %8d %5s %11s %11s %7s %8.3f %10d %10d\n" \
    "$model" "$target" "$compile" "$compile_mb" "$instructions" "$cycles" \
    "$us" "$floor" "$floor_ratio" "$bound" "$ratio" "$peak" "$base_cycles" \
    "$speedup" "$run" "$rate" "$mac_rate"
}
echo "## lpu-tiny, fp32"
header
run_model mlp lpu-tiny
for precision in $precisions; do
  echo
  echo "## lpu-v1, $precision"
  header
  list="mlp mlp-wide mlp-large cnn-small encoder-layer $real_models"
  if [ "$precision" = int8 ]; then
    list="mlp cnn-small"
    [ -z "$real_models" ] || list+=" resnet18 mobilenet-v2 transformer resnet50
      vit-b16 resnet18-qdq resnet50-qdq bert gpt2"
  fi
  for model in $list; do
    run_model "$model" lpu-v1 "$precision"
  done
done

# The simulator beside torch: each real model's lpu-run time, the best of
# five whatever REPEAT says (one run varies by a third on a busy machine),
# over the best of 10 single-thread forward passes of the same torch model.
if [ -n "$real_models" ]; then
  echo
  echo "## lpu-run against torch (single thread; lpu-run best of 5, torch best of 10)"
  printf "%-15s %-9s %9s %8s %8s\n" model precision torch_s run_s ratio
  for model in $real_models; do
    torch_s=$(/usr/bin/python3 "$root/test/models/make_torch_models.py" \
      "$model" --time-forward 10)
    while read -r name precision target bin data check; do
      [ "$name" = "$model" ] && [ "$target" = lpu-v1 ] || continue
      # shellcheck disable=SC2086 # check holds several arguments
      run=$(repeat=5 best_of "$build/bin/lpu-run" "$bin" --test-data "$data" \
        --quiet $check)
      printf "%-15s %-9s %9.4f %8.3f %7.1fx\n" "$model" "$precision" \
        "$torch_s" "$run" "$(echo "$run / $torch_s" | bc -l)"
    done < "$work/runs"
  done
fi

# Generation with the GPT-2-style decoder (6 layers, d 512, vocabulary 8192,
# context 256), its KV cache kept in SRAM as state: the 64-token prompt run
# token by token, then 16 tokens, which must be torch's. Groq's published
# per-user rate (Llama-2-7B, about 750 tokens/s, on many chips) is compared
# as parameters times tokens per second.
if [ -n "$real_models" ]; then
  echo
  echo "## generation, gpt2 on lpu-v1 (64-token prompt, 16 tokens)"
  printf "%-9s %10s %12s %13s %11s %9s %16s\n" precision ttft_us step_cycles \
    tokens_per_s weight_floor floor/c param_tokens/s
  dir="$models/gpt2"
  read -r -a model_flags < "$dir/lpuc-args"
  params=$(/usr/bin/python3 -c "import onnx, numpy as np; m = onnx.load('$dir/model.onnx'); print(sum(int(np.prod(t.dims)) for t in m.graph.initializer))")
  for precision in fp16 bf16 int8; do
    # The QDQ int8 model's tokens are its own, not torch's float ones.
    model=$dir/model.onnx flags=(--precision="$precision")
    expect=(--expect-tokens "$dir/generated.npy")
    if [ "$precision" = int8 ]; then
      model=$models/gpt2-int8/model.onnx flags=() expect=()
      [ -f "$model" ] || continue
    fi
    "$build/bin/lpuc" "$model" --target=lpu-v1 "${flags[@]}" \
      "${model_flags[@]}" -o "$work/gpt2.lpu" --report="$work/gpt2.json"
    "$build/bin/lpu-run" "$work/gpt2.lpu" --generate 16 \
      --prompt "$dir/prompt.npy" "${expect[@]}" > "$work/generate.out"
    ttft=$(sed -n 's/^time to first token: \([0-9.]*\) us.*/\1/p' "$work/generate.out")
    read -r rate step < <(sed -n \
      's/^decode: \([0-9.]*\) tokens\/s per user (\([0-9]*\) cycles a step)/\1 \2/p' \
      "$work/generate.out")
    weights=$(json "$work/gpt2.json" "r['floor']['weight_cycles']")
    printf "%-9s %10s %12s %13s %11s %9.3f %16.3g\n" "$precision" "$ttft" \
      "$step" "$rate" "$weights" "$(echo "$weights / $step" | bc -l)" \
      "$(echo "$rate * $params" | bc -l)"
  done
  printf "Groq, Llama-2-7B: 750 tokens/s per user = %.3g parameter-tokens/s (over many chips)\n" \
    "$(echo "750 * 7000000000" | bc)"
fi
