#!/usr/bin/python3
"""Exports real networks from torch / torchvision to ONNX, with torch's outputs.

Usage: make_torch_models.py NAME OUTDIR [--size PIXELS]
       make_torch_models.py NAME --time-forward RUNS [--size PIXELS]

Writes OUTDIR/model.onnx (opset 14 unless said, batch 1) and OUTDIR/test_data_set_{0,1,2}/
with three seeded random inputs and torch's outputs, in the layout of the ONNX
conformance data.
Weights are torch's default initialisation under a fixed seed; batch
normalisation statistics and affine parameters are randomised too, so that
the BatchNormalization nodes are not identities. Nothing is downloaded.
--time-forward prints the best of RUNS single-thread forward passes of the
same model in torch, in seconds (bench/ compares the simulator with it).

Models:
  resnet18      torchvision ResNet-18, BatchNormalization nodes kept (exported
                without torch's Conv+BN fusion), 1x3xSxS image (S = --size,
                224 by default)
  mobilenet-v2  torchvision MobileNetV2, 1x3xSxS image
  resnet50      torchvision ResNet-50, BatchNormalization kept, 1x3xSxS image
  efficientnet-b0
                torchvision EfficientNet-B0 (SiLU, squeeze-and-excitation,
                depthwise 3x3 and 5x5), 1x3xSxS image
  lraspp        torchvision LR-ASPP semantic segmentation on MobileNetV3-Large
                (hardswish, squeeze-and-excitation, bilinear upsampling), 21
                classes, 1x3xSxS image (S 640 by default)
  transformer   torch.nn.TransformerEncoder: 4 post-norm layers, d 256,
                4 heads, feed-forward 1024, ReLU, sequence 128, batch first
  bert          a BERT-style encoder written out as BERT is: token, position
                and segment embeddings, LayerNorm, 4 post-norm layers (d 256,
                4 heads, feed-forward 1024, GELU) with the additive attention
                mask BERT makes from its 0 / 1 mask; int64 inputs ids,
                attention_mask and token_type_ids of 1x128, vocabulary 8192
  gpt2          one decode step of a GPT-2-style decoder (pre-norm, GELU with
                tanh, tied embeddings) with a static KV cache: int64 ids 1x1
                and position 1, past_keys and past_values [6, 8, 256, 64]
                (layers, heads, context, head width) in, logits [1, 8192]
                and the caches with the position's rows written by ScatterND
                out; d 512,
                feed-forward 2048. Also writes prompt.npy (64 ids),
                generated.npy (torch's greedy decoding of 16 tokens after
                it) and lpuc-args (the caches as state: lpuc --state)
  gpt2-small    the same decoder with 2 layers, d 128, 4 heads, context 64,
                vocabulary 1024 and a 16-id prompt (tests)
  cnn-opset9    a small CNN exported at opset 9, as older exporters write
                models: Clip, Slice, Pad, Upsample, ReduceMean, Squeeze and
                Unsqueeze in their attribute forms; 1x3x32x32 image
  tcn-1d        a temporal CNN over 1x16x128 sequences: 1-D convolutions
                (padded, strided, dilated, depthwise), BatchNorm1d, GroupNorm
                (exported at opset 17 as InstanceNormalization), MaxPool1d,
                AvgPool1d and a strided ConvTranspose1d
  video-3d      a small 3-D CNN over a 1x3x6x12x12 clip: Conv3d (padded,
                dilated in depth, grouped, strided in depth), BatchNorm3d,
                MaxPool3d and AvgPool3d without the padding in its count
  lstm          a 2-layer bidirectional LSTM (hidden 32, batch first) and a
                GRU over a 1x16x24 sequence, a linear head on the last step
  vit-b16       torchvision ViT-B/16: 86 M parameters (346 MB in f32), 12
                layers, a 1x3x224x224 image in 16x16 patches; its classifier
                head, which torchvision initialises to zero, gets random
                weights so that the logits are not all zero
"""

import argparse
import io
import os
import sys
import time
import warnings

import numpy as np
import onnx
import torch
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_models import save_data, save_model  # noqa: E402

OPSET = 14
# Models exported at another opset.
OPSETS = {"cnn-opset9": 9}
# Random inputs per model: reduced-precision runs must give torch's argmax on each.
DATA_SETS = 3


def randomize_batch_norms(model, generator):
    """Gives every BatchNorm non-trivial running statistics and affine terms,
    and every GroupNorm non-trivial affine terms."""
    for module in model.modules():
        if isinstance(module, torch.nn.GroupNorm):
            c = module.num_channels
            module.weight.data.copy_(
                torch.rand(c, generator=generator) * 0.5 + 0.75)
            module.bias.data.copy_(torch.randn(c, generator=generator) * 0.1)
        if isinstance(module, (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d,
                               torch.nn.BatchNorm3d)):
            c = module.num_features
            module.running_mean.copy_(torch.randn(c, generator=generator) * 0.1)
            module.running_var.copy_(
                torch.rand(c, generator=generator) * 0.5 + 0.75)
            module.weight.data.copy_(
                torch.rand(c, generator=generator) * 0.5 + 0.75)
            module.bias.data.copy_(torch.randn(c, generator=generator) * 0.1)


# The torchvision CNNs, each exported with a 1x3xSxS image.
CNNS = {
    "resnet18": lambda: torchvision.models.resnet18(weights=None),
    "resnet50": lambda: torchvision.models.resnet50(weights=None),
    "mobilenet-v2": lambda: torchvision.models.mobilenet_v2(weights=None),
    "efficientnet-b0": lambda: torchvision.models.efficientnet_b0(weights=None),
    "lraspp": lambda: torchvision.models.segmentation.lraspp_mobilenet_v3_large(
        weights=None, weights_backbone=None),
}
# Input sizes other than --size's default.
DEFAULT_SIZES = {"lraspp": 640}


class OldOpsetCNN(torch.nn.Module):
    """Nodes whose form changed after opset 9, for the version converter:
    ReLU6 (Clip with min and max attributes), nearest upsampling (Upsample),
    crops (Slice with attributes), Pad with attributes, spatial means
    (ReduceMean with axes), Unsqueeze and Squeeze with axes."""

    def __init__(self):
        super().__init__()
        self.stem = torch.nn.Conv2d(3, 16, 3, padding=1)
        self.norm = torch.nn.BatchNorm2d(16)
        self.depthwise = torch.nn.Conv2d(16, 16, 3, padding=1, groups=16)
        self.mix = torch.nn.Conv2d(32, 8, 1)
        self.classifier = torch.nn.Linear(8 * 4 * 4, 10)

    def forward(self, x):
        f = torch.nn.functional
        y = f.relu6(self.norm(self.stem(x)))
        z = f.interpolate(self.depthwise(f.max_pool2d(y, 2)), scale_factor=2,
                          mode="nearest")
        y = f.pad(torch.cat([y, z], 1)[:, :, 1:-1, 1:-1], (1, 1, 1, 1))
        y = f.adaptive_avg_pool2d(self.mix(y), 4)
        y = y * y.mean(dim=[2, 3], keepdim=True)
        y = torch.flatten(y, 1).unsqueeze(1).squeeze(1)
        return f.softmax(self.classifier(y), dim=1)


class TemporalCNN(torch.nn.Module):
    """1-D convolutions and pools, as audio and sequence models use them."""

    def __init__(self):
        super().__init__()
        nn = torch.nn
        self.body = nn.Sequential(
            nn.Conv1d(16, 32, 5, padding=2), nn.BatchNorm1d(32), nn.ReLU(),
            nn.Conv1d(32, 32, 3, padding=2, dilation=2, groups=32),
            nn.GroupNorm(8, 32), nn.ReLU(),
            nn.MaxPool1d(2),
            nn.Conv1d(32, 48, 3, stride=2, padding=1), nn.ReLU(),
            nn.AvgPool1d(3, stride=1, padding=1),
            nn.ConvTranspose1d(48, 24, 4, stride=2, padding=1), nn.ReLU())
        self.classifier = nn.Linear(24, 10)

    def forward(self, x):
        return self.classifier(self.body(x).mean(dim=2))


class VideoCNN(torch.nn.Module):
    """3-D convolutions and pools, as video and volume models use them."""

    def __init__(self):
        super().__init__()
        nn = torch.nn
        self.body = nn.Sequential(
            nn.Conv3d(3, 8, 3, padding=1), nn.BatchNorm3d(8), nn.ReLU(),
            nn.MaxPool3d((1, 2, 2)),
            nn.Conv3d(8, 8, 3, padding=(2, 1, 1), dilation=(2, 1, 1),
                      groups=4), nn.ReLU(),
            nn.Conv3d(8, 24, (3, 1, 1), stride=(2, 1, 1), padding=(1, 0, 0)),
            nn.ReLU(),
            nn.AvgPool3d(3, stride=(1, 2, 2), padding=1,
                         count_include_pad=False),
            nn.MaxPool3d(2, stride=1, padding=1))
        self.classifier = nn.Linear(24, 10)

    def forward(self, x):
        return self.classifier(self.body(x).mean(dim=(2, 3, 4)))


class Recurrent(torch.nn.Module):
    """torch's LSTM and GRU, which export as ONNX LSTM and GRU nodes."""

    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(24, 32, num_layers=2, bidirectional=True,
                                  batch_first=True)
        self.gru = torch.nn.GRU(64, 32, batch_first=True)
        self.head = torch.nn.Linear(32, 10)

    def forward(self, x):
        y, _ = self.lstm(x)
        y, _ = self.gru(y)
        return self.head(y[:, -1])


class BertLayer(torch.nn.Module):
    """Post-norm self-attention and feed-forward, as BERT computes them."""

    def __init__(self, width, heads, hidden):
        super().__init__()
        self.heads = heads
        self.qkv = torch.nn.Linear(width, 3 * width)
        self.out = torch.nn.Linear(width, width)
        self.norm1 = torch.nn.LayerNorm(width, eps=1e-12)
        self.up = torch.nn.Linear(width, hidden)
        self.down = torch.nn.Linear(hidden, width)
        self.norm2 = torch.nn.LayerNorm(width, eps=1e-12)

    def forward(self, x, bias):
        batch, seq, width = x.shape
        head = width // self.heads

        def split(t):
            return t.reshape(batch, seq, self.heads, head).transpose(1, 2)

        q, k, v = (split(t) for t in self.qkv(x).split(width, dim=-1))
        scores = q @ k.transpose(-1, -2) / head**0.5 + bias
        context = (scores.softmax(-1) @ v).transpose(1, 2)
        x = self.norm1(x + self.out(context.reshape(batch, seq, width)))
        up = torch.nn.functional.gelu(self.up(x))
        return self.norm2(x + self.down(up))


class Bert(torch.nn.Module):
    """Embeddings of token ids, positions and segments, then the layers; the
    attention mask (1: a token, 0: padding) becomes BERT's additive bias."""

    def __init__(self, vocab=8192, seq=128, width=256, heads=4, layers=4,
                 hidden=1024, segments=2):
        super().__init__()
        self.words = torch.nn.Embedding(vocab, width)
        self.positions = torch.nn.Embedding(seq, width)
        self.segments = torch.nn.Embedding(segments, width)
        self.norm = torch.nn.LayerNorm(width, eps=1e-12)
        self.layers = torch.nn.ModuleList(
            BertLayer(width, heads, hidden) for _ in range(layers))

    def forward(self, ids, attention_mask, token_type_ids):
        positions = torch.arange(ids.shape[1]).unsqueeze(0)
        x = (self.words(ids) + self.positions(positions) +
             self.segments(token_type_ids))
        x = self.norm(x)
        bias = (1.0 - attention_mask[:, None, None, :].float()) * -10000.0
        for layer in self.layers:
            x = layer(x, bias)
        return x


def bert_inputs(generator, vocab=8192, seq=128):
    """Token ids, a mask padding the end of all but the first set, and two
    segments."""
    sets = []
    for length, split in ((seq, 40), (100, 64), (77, 30)):
        ids = torch.randint(0, vocab, (1, seq), generator=generator)
        mask = (torch.arange(seq) < length).long().unsqueeze(0)
        segments = (torch.arange(seq) >= split).long().unsqueeze(0)
        sets.append((ids * mask, mask, segments))
    return sets


class DecoderBlock(torch.nn.Module):
    """A GPT-2 block for one new token: it attends over the cached keys and
    values of the positions `bias` leaves visible (those before the token's)
    and over its own, and returns its key and value for the cache."""

    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.norm1 = torch.nn.LayerNorm(width)
        self.qkv = torch.nn.Linear(width, 3 * width)
        self.proj = torch.nn.Linear(width, width)
        self.norm2 = torch.nn.LayerNorm(width)
        self.up = torch.nn.Linear(width, 4 * width)
        self.down = torch.nn.Linear(4 * width, width)

    def forward(self, x, keys, values, bias):
        width = x.shape[-1]
        head = width // self.heads
        context = keys.shape[1]
        q, k, v = (t.reshape(self.heads, 1, head)
                   for t in self.qkv(self.norm1(x)).split(width, dim=-1))
        cached = q @ keys.transpose(-1, -2) + bias
        own = (q * k).sum(-1, keepdim=True)
        weights = (torch.cat([cached, own], -1) / head**0.5).softmax(-1)
        attended = (weights[..., :context] @ values +
                    weights[..., context:] * v).reshape(1, 1, width)
        x = x + self.proj(attended)
        up = torch.nn.functional.gelu(self.up(self.norm2(x)), approximate="tanh")
        return x + self.down(up), k.squeeze(1), v.squeeze(1)


class DecoderStep(torch.nn.Module):
    """One decode step of a GPT-2-style decoder with tied embeddings: the
    token at `position` in, the next token's logits and the caches with the
    token's keys and values written at `position` out (ScatterND of whole
    rows). Shapes are static: the cache holds the whole context, and the
    positions from `position` on are masked."""

    def __init__(self, vocab, context, width, heads, layers):
        super().__init__()
        self.context = context
        self.words = torch.nn.Embedding(vocab, width)
        self.positions = torch.nn.Embedding(context, width)
        self.blocks = torch.nn.ModuleList(
            DecoderBlock(width, heads) for _ in range(layers))
        self.norm = torch.nn.LayerNorm(width)
        with torch.no_grad():
            # GPT-2's initialisation (torch's N(0, 1) embeddings would make
            # each token predict itself through the tied head).
            self.words.weight.normal_(0.0, 0.02)
            self.positions.weight.normal_(0.0, 0.02)

    def forward(self, ids, position, past_keys, past_values):
        x = self.words(ids) + self.positions(position).unsqueeze(0)
        slots = torch.arange(self.context)
        bias = (1.0 - (slots < position).float()) * -10000.0
        keys, values = [], []
        for i, block in enumerate(self.blocks):
            x, k, v = block(x, past_keys[i], past_values[i], bias)
            keys.append(k)
            values.append(v)
        logits = self.norm(x) @ self.words.weight.t()
        layers, heads = len(self.blocks), self.blocks[0].heads
        at = (torch.arange(layers).reshape(layers, 1).expand(layers, heads),
              torch.arange(heads).reshape(1, heads).expand(layers, heads),
              position.reshape(1, 1).expand(layers, heads))
        return (logits.reshape(1, -1),
                past_keys.index_put(at, torch.stack(keys)),
                past_values.index_put(at, torch.stack(values)))


# (vocabulary, context, width, heads, layers, prompt length)
DECODERS = {"gpt2": (8192, 256, 512, 8, 6, 64),
            "gpt2-small": (1024, 64, 128, 4, 2, 16)}
GENERATED_TOKENS = 16


def decoder_runs(model, generator, vocab, prompt_length):
    """Greedy decoding in torch, step by step from empty caches: the prompt,
    its steps' inputs (data sets are three of them) and the generated ids."""
    layers = len(model.blocks)
    heads = model.blocks[0].heads
    head = model.words.weight.shape[1] // heads
    cache = (layers, heads, model.context, head)
    keys, values = torch.zeros(cache), torch.zeros(cache)
    prompt = torch.randint(0, vocab, (prompt_length,), generator=generator)
    steps, generated = [], []
    token = prompt[0]
    with torch.no_grad():
        for position in range(prompt_length + GENERATED_TOKENS - 1):
            inputs = (token.reshape(1, 1), torch.tensor([position]), keys,
                      values)
            steps.append(inputs)
            logits, keys, values = model(*inputs)
            if position + 1 < prompt_length:
                token = prompt[position + 1]
            else:
                token = logits.argmax(-1)[0]
                generated.append(int(token))
    return prompt, steps, generated


class SegmentationOutput(torch.nn.Module):
    """The tensor of a torchvision segmentation model's output dictionary."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return self.model(x)["out"]


def build(name, size):
    torch.manual_seed(0)
    generator = torch.Generator().manual_seed(1)
    if name in CNNS:
        model = CNNS[name]()
        randomize_batch_norms(model, generator)
        if name == "lraspp":
            model = SegmentationOutput(model)
        size = size or DEFAULT_SIZES.get(name, 224)
        shape = (1, 3, size, size)
    elif name == "lstm":
        model = Recurrent()
        shape = (1, 16, 24)
    elif name == "tcn-1d":
        model = TemporalCNN()
        randomize_batch_norms(model, generator)
        shape = (1, 16, 128)
    elif name == "video-3d":
        model = VideoCNN()
        randomize_batch_norms(model, generator)
        shape = (1, 3, 6, 12, 12)
    elif name == "cnn-opset9":
        model = OldOpsetCNN()
        randomize_batch_norms(model, generator)
        shape = (1, 3, 32, 32)
    elif name == "transformer":
        layer = torch.nn.TransformerEncoderLayer(
            d_model=256, nhead=4, dim_feedforward=1024, dropout=0.0,
            activation="relu", batch_first=True)
        model = torch.nn.TransformerEncoder(layer, num_layers=4,
                                            enable_nested_tensor=False)
        shape = (1, 128, 256)
    elif name == "bert":
        model = Bert().eval()
        return model, ["ids", "attention_mask", "token_type_ids"], \
            bert_inputs(generator)
    elif name in DECODERS:
        vocab, context, width, heads, layers, prompt_length = DECODERS[name]
        model = DecoderStep(vocab, context, width, heads, layers).eval()
        prompt, steps, generated = decoder_runs(model, generator, vocab,
                                                prompt_length)
        # Data sets: the first step, one halfway into the prompt, the last.
        sets = [steps[0], steps[prompt_length // 2], steps[-1]]
        model.greedy = (prompt, generated)
        return model, ["ids", "position", "past_keys", "past_values"], sets
    elif name == "vit-b16":
        model = torchvision.models.vit_b_16(weights=None)
        with torch.no_grad():
            model.heads.head.weight.normal_(0.0, 0.02, generator=generator)
        shape = (1, 3, 224, 224)
    else:
        sys.exit(f"unknown model {name}\n\n{__doc__}")
    model.eval()
    inputs = [(torch.randn(shape, generator=generator),)
              for _ in range(DATA_SETS)]
    return model, ["input"], inputs


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("name")
    parser.add_argument("outdir", nargs="?")
    parser.add_argument("--time-forward", type=int, default=0, metavar="RUNS",
                        help="print torch's best single-thread forward time "
                        "over RUNS runs instead of exporting")
    parser.add_argument("--size", type=int, default=0,
                        help="image height and width for the CNNs (224, or "
                        "640 for lraspp)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    # torch advises against constant folding with PRESERVE for models in
    # training mode; these are in eval mode.
    warnings.filterwarnings("ignore", category=UserWarning)
    model, names, inputs = build(args.name, args.size)
    x = inputs[0]
    if args.time_forward:
        best = float("inf")
        with torch.no_grad():
            for _ in range(args.time_forward):
                start = time.perf_counter()
                model(*x)
                best = min(best, time.perf_counter() - start)
        print(f"{best:.6f}")
        return
    if not args.outdir:
        parser.error("OUTDIR is required unless --time-forward is given")
    # Exported with gradients enabled: torch's fused inference kernel for
    # transformer layers (its "fast path") has no ONNX export. PRESERVE
    # exports the eval-mode graph without torch's eval-only peephole pass,
    # which would fold BatchNormalization into Conv.
    buffer = io.BytesIO()
    outputs = ["output"]
    if hasattr(model, "greedy"):
        outputs = ["logits", "present_keys", "present_values"]
    torch.onnx.export(model, x, buffer,
                      opset_version=OPSETS.get(args.name, OPSET),
                      input_names=names, output_names=outputs,
                      training=torch.onnx.TrainingMode.PRESERVE,
                      do_constant_folding=True)
    onnx_model = onnx.load_from_string(buffer.getvalue())
    onnx_model.producer_name = "lpuc-tests (torch " + torch.__version__ + ")"
    save_model(onnx_model, args.outdir)
    for index, x in enumerate(inputs):
        with torch.no_grad():
            y = model(*x)
        if not isinstance(y, tuple):
            y = (y,)
        save_data(args.outdir, [(n, t.numpy()) for n, t in zip(names, x)],
                  [(n, t.numpy()) for n, t in zip(outputs, y)], index)
    if hasattr(model, "greedy"):
        prompt, generated = model.greedy
        np.save(os.path.join(args.outdir, "prompt.npy"), prompt.numpy())
        np.save(os.path.join(args.outdir, "generated.npy"),
                np.array(generated, np.int64))
        # The caches are state: each step's present is the next's past.
        with open(os.path.join(args.outdir, "lpuc-args"), "w") as f:
            f.write("--state present_keys=past_keys "
                    "--state present_values=past_values\n")


if __name__ == "__main__":
    main()
