#!/usr/bin/python3
"""Generates the ONNX models lpuc's tests use, with reference outputs.

Usage: make_models.py NAME OUTDIR

Writes OUTDIR/model.onnx and, for models that run, OUTDIR/test_data_set_0/
input_<i>.pb and output_<i>.pb in the layout of the ONNX conformance data.
Weights and inputs are random with a fixed seed, so the files are the same
on every run. Reference outputs are computed with NumPy in float64.

Models:
  mlp            2-layer MLP: Gemm(transB=1) + Relu + MatMul + Add, batch 4,
                 64 -> 96 -> 10 (exercises K and N tiling on lpu-tiny)
  mlp-wide       4-layer MLP, 512 wide, batch 8
  row-reductions Softmax, LogSoftmax and reductions over 37-element rows
  row-extrema    ArgMax and ReduceMax over 80 rows of 64 values that f16
                 cannot tell apart (exact in every precision)
  mlp-large      4-layer MLP, 1024 wide, batch 64 (benchmark only)
  cnn-small      Conv+Relu, MaxPool, Conv+BatchNormalization+Relu,
                 GlobalAveragePool, Flatten, Gemm on a 1x3x32x32 image
  stem           a strided 3x3 Conv on a 1x1x24x40 image (packed windows),
                 Relu, a depthwise 3x3 Conv over 24 channels
  stem-pool      a 7x7 stride-2 Conv, Relu, MaxPool 3x3 stride 2 and a 1x1
                 Conv on a 1x3x32x38 image, beside a 3x3 stride-2 Conv, Relu
                 and a 1x1 Conv (on lpu-v1 in f16: 16 image rows of tap rows
                 side by side, pooled and moved to channels last at once)
  encoder-layer  a post-norm transformer encoder layer, seq 128, d 256, 4 heads,
                 feed-forward 1024, opset 17 (benchmark)
  winograd       two 3x3 Convs over 128 channels on a 15x17 image, the first
                 with a residual Add and Relu (Winograd F(2x2, 3x3) on lpu-v1)
  dynamic        an input with a symbolic batch dimension
  unsupported    a graph with an LpNormalization node
  float64        an Add on float64 tensors (needs --f64-as-f32)
  integer-ops    int64 token ids and mask through exact i32 arithmetic (Add,
                 Sub, Mul, Div, Mod, Min, Max, Neg, Abs, comparisons (also
                 GreaterOrEqual), Where,
                 Cast, Clip), reshapes, slices and concatenations
  embedding      token embeddings looked up by run-time int64 ids (negative
                 ones count from the end) plus position embeddings, and
                 lookups in a 1-D and a 3-D table (MEM gathers; the word
                 table spans several gather blocks on lpu-tiny)
  gather-elements  GatherElements by run-time int64 indices (negative ones
                 count from the end) along a middle axis, axis 0 of a table
                 with smaller indices, the innermost axis (torch.gather on
                 dim -1) and a 1-D tensor; data from inputs and constants
  scatter-nd     ScatterND by run-time int64 indices: single elements of a
                 [3, 5, 40] tensor (one index twice: the later update wins),
                 blocks of rows of a [4, 3, 20] one (indices of 1 component)
  kv-cache       a KV cache's new row: ScatterND of [2, 1, 20] rows into a
                 [2, 8, 20] cache at a run-time int64 position, the cache as
                 state (lpuc-args: --state present=cache), so only the new
                 rows are written
  concat-empty   a decoder's first step: keys = Concat of an empty past
                 ([1, 2, 0, 16] initializer) and the new keys, scores =
                 q @ keys^T; and a Concat with an empty input between two
                 others
  accumulator    total_next = total + x over 1x64 tensors: state when
                 compiled with --state total_next=total
  opset-too-new  imports opset 99 of the default domain
  if-branches    an If on a run-time bool input whose branches both define
                 values named t and out (then 2x + 1, else relu(-x)); one
                 data set per branch
  loops          a Loop (4 iterations, an If on the iteration number in its
                 body, a scan output) and a reversed Scan along axis 1
  opset9         Slice, Pad (its value left out, as torch does), Clip,
                 Unsqueeze and Squeeze in the attribute forms of opset 9, and
                 Upsample by fractional scales
  truncated      the mlp model cut to half its bytes
  broadcast      Add/Mul/Sub/Relu with NumPy broadcasting along every kind of
                 axis, rows wider than lpu-tiny's 16 lanes
  mixed          Constant nodes, an Add and an unknown-to-lpuc LpNormalization
                 with attributes, to check faithful import
  qlinear        QuantizeLinear, QLinearConv, QLinearMatMul, DequantizeLinear
                 (references from onnx_numpy.py)
  integer-products  ConvInteger and MatMulInteger with zero points, Cast
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 13

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def save_model(model, outdir, check=True):
    os.makedirs(outdir, exist_ok=True)
    if check:
        onnx.checker.check_model(model)
    path = os.path.join(outdir, "model.onnx")
    onnx.save(model, path)
    return path


def save_data(outdir, inputs, outputs, index=0):
    data_dir = os.path.join(outdir, f"test_data_set_{index}")
    os.makedirs(data_dir, exist_ok=True)
    for kind, tensors in (("input", inputs), ("output", outputs)):
        for i, (name, array) in enumerate(tensors):
            # float64 references are saved as float32; f16 inputs stay f16.
            if array.dtype.kind not in "iub" and array.dtype != np.float16:
                array = array.astype(np.float32)
            tensor = numpy_helper.from_array(array, name)
            with open(os.path.join(data_dir, f"{kind}_{i}.pb"), "wb") as f:
                f.write(tensor.SerializeToString())


def dense(rng, shape, scale):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def make_mlp(outdir, widths, batch, seed):
    """Alternates Gemm(transB=1)+Relu (torch Linear style) and MatMul+Add."""
    rng = np.random.default_rng(seed)
    x = dense(rng, (batch, widths[0]), 1.0)
    nodes, inits = [], []
    current, value = "x", x.astype(np.float64)
    for layer, (fan_in, fan_out) in enumerate(zip(widths, widths[1:])):
        w = dense(rng, (fan_out, fan_in), 1.0 / np.sqrt(fan_in))
        b = dense(rng, (fan_out,), 0.1)
        last = layer == len(widths) - 2
        out = "y" if last else f"h{layer}"
        pre = out if last else f"fc{layer}_out"
        if layer % 2 == 0:
            inits += [numpy_helper.from_array(w, f"fc{layer}.weight"),
                      numpy_helper.from_array(b, f"fc{layer}.bias")]
            nodes.append(helper.make_node(
                "Gemm", [current, f"fc{layer}.weight", f"fc{layer}.bias"], [pre],
                name=f"fc{layer}", transB=1))
        else:
            inits += [numpy_helper.from_array(w.T.copy(), f"fc{layer}.weight"),
                      numpy_helper.from_array(b, f"fc{layer}.bias")]
            nodes.append(helper.make_node(
                "MatMul", [current, f"fc{layer}.weight"], [f"fc{layer}_mm"],
                name=f"fc{layer}_matmul"))
            nodes.append(helper.make_node(
                "Add", [f"fc{layer}_mm", f"fc{layer}.bias"], [pre],
                name=f"fc{layer}_bias"))
        value = value @ w.T.astype(np.float64) + b.astype(np.float64)
        if not last:
            nodes.append(helper.make_node("Relu", [pre], [out],
                                          name=f"relu{layer}"))
            value = np.maximum(value, 0.0)
        current = out
    graph = helper.make_graph(
        nodes, "mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, widths[0]])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [batch, widths[-1]])],
        inits)
    model = helper.make_model(graph, producer_name="lpuc-tests",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    save_model(model, outdir)
    save_data(outdir, [("x", x)], [("y", value)])


def make_row_extrema(outdir, rows, width, seed):
    """ArgMax and ReduceMax over the innermost axis of values near 1000 that
    differ below f16's precision there (its step is 0.5): an f16 rounding of
    the maximum would be no element, so both must be computed exactly."""
    rng = np.random.default_rng(seed)
    x = (1000.0 + rng.random((rows, width)) * 0.5).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("ArgMax", ["x"], ["index"], name="argmax", axis=1),
         helper.make_node("ReduceMax", ["x"], ["max"], name="max", axes=[1])],
        "row_extrema",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [rows, width])],
        [helper.make_tensor_value_info("index", TensorProto.INT64, [rows, 1]),
         helper.make_tensor_value_info("max", TensorProto.FLOAT, [rows, 1])])
    model = helper.make_model(graph, producer_name="lpuc-tests",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    save_model(model, outdir)
    save_data(outdir, [("x", x)], [
        ("index", np.argmax(x, axis=1).reshape(rows, 1).astype(np.int64)),
        ("max", x.max(axis=1, keepdims=True))])


def make_row_reductions(outdir, shape, seed):
    """Softmax, LogSoftmax, ReduceMax/Min/Mean/Sum over the innermost axis of
    rows longer than lpu-tiny's vectors, references in float64."""
    rng = np.random.default_rng(seed)
    x = dense(rng, shape, 3.0)
    f32 = TensorProto.FLOAT
    kept = list(shape[:-1]) + [1]
    nodes = [
        helper.make_node("Softmax", ["x"], ["softmax"], name="softmax"),
        helper.make_node("LogSoftmax", ["x"], ["logsoftmax"], name="logsoftmax"),
        helper.make_node("ReduceMax", ["x"], ["max"], name="max", axes=[-1]),
        helper.make_node("ReduceMin", ["x"], ["min"], name="min", axes=[-1]),
        helper.make_node("ReduceMean", ["x"], ["mean"], name="mean", axes=[-1]),
        helper.make_node("ReduceSum", ["x", "axes"], ["sum"], name="sum"),
    ]
    outputs = [("softmax", shape), ("logsoftmax", shape), ("max", kept),
               ("min", kept), ("mean", kept), ("sum", kept)]
    graph = helper.make_graph(
        nodes, "row_reductions",
        [helper.make_tensor_value_info("x", f32, shape)],
        [helper.make_tensor_value_info(n, f32, s) for n, s in outputs],
        [numpy_helper.from_array(np.array([-1], np.int64), "axes")])
    model = helper.make_model(graph, producer_name="lpuc-tests",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    save_model(model, outdir)
    x64 = x.astype(np.float64)
    shifted = x64 - x64.max(axis=-1, keepdims=True)
    log_sum = np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    save_data(outdir, [("x", x)], [
        ("softmax", np.exp(shifted - log_sum)),
        ("logsoftmax", shifted - log_sum),
        ("max", x64.max(axis=-1, keepdims=True)),
        ("min", x64.min(axis=-1, keepdims=True)),
        ("mean", x64.mean(axis=-1, keepdims=True)),
        ("sum", x64.sum(axis=-1, keepdims=True))])


def conv2d(x, w, b, pad):
    """NCHW convolution, stride 1, in float64."""
    n, c, h, wd = x.shape
    co, ci, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh, ow = h + 2 * pad - kh + 1, wd + 2 * pad - kw + 1
    out = np.zeros((n, co, oh, ow))
    for dy in range(kh):
        for dx in range(kw):
            patch = xp[:, :, dy:dy + oh, dx:dx + ow]
            out += np.einsum("nchw,oc->nohw", patch, w[:, :, dy, dx])
    return out + b.reshape(1, -1, 1, 1)


def conv2d_general(x, w, b, stride, pad, group):
    """NCHW grouped convolution with stride and symmetric padding, float64."""
    n, c, h, wd = x.shape
    co, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh = (h + 2 * pad - kh) // stride + 1
    ow = (wd + 2 * pad - kw) // stride + 1
    out = np.zeros((n, co, oh, ow))
    per_out = co // group
    for f in range(co):
        g = f // per_out
        for dy in range(kh):
            for dx in range(kw):
                patch = xp[:, g * cg:(g + 1) * cg,
                           dy:dy + stride * (oh - 1) + 1:stride,
                           dx:dx + stride * (ow - 1) + 1:stride]
                out[:, f] += np.einsum("nchw,c->nhw", patch, w[f, :, dy, dx])
    return out + b.reshape(1, -1, 1, 1)


def make_stem(outdir, seed):
    """A one-channel image wider than lpu-tiny's lanes through a strided 3x3
    convolution (its windows packed into K tiles) and a depthwise 3x3 over
    more channels than the lanes (grouped weight tiles)."""
    rng = np.random.default_rng(seed)
    x = dense(rng, (1, 1, 24, 40), 1.0)
    w1, b1 = dense(rng, (24, 1, 3, 3), 0.5), dense(rng, (24,), 0.1)
    w2, b2 = dense(rng, (24, 1, 3, 3), 0.5), dense(rng, (24,), 0.1)
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="stem",
                         pads=[1, 1, 1, 1], strides=[2, 2],
                         kernel_shape=[3, 3]),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu"),
        helper.make_node("Conv", ["r1", "w2", "b2"], ["y"], name="depthwise",
                         pads=[1, 1, 1, 1], group=24, kernel_shape=[3, 3]),
    ]
    inits = [numpy_helper.from_array(a, n) for a, n in
             ((w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2"))]
    graph = helper.make_graph(
        nodes, "stem",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 24, 40])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                       [1, 24, 12, 20])], inits)
    save_model(helper.make_model(graph, producer_name="lpuc-tests",
                                 opset_imports=[helper.make_opsetid("", OPSET)]),
               outdir)
    f64 = lambda a: a.astype(np.float64)
    r1 = np.maximum(conv2d_general(f64(x), f64(w1), f64(b1), 2, 1, 1), 0.0)
    y = conv2d_general(r1, f64(w2), f64(b2), 1, 1, 24)
    save_data(outdir, [("x", x)], [("y", y)])


def make_cnn_small(outdir, seed):
    rng = np.random.default_rng(seed)
    x = dense(rng, (1, 3, 32, 32), 1.0)
    w1, b1 = dense(rng, (16, 3, 3, 3), 0.3), dense(rng, (16,), 0.1)
    w2, b2 = dense(rng, (32, 16, 3, 3), 0.1), dense(rng, (32,), 0.1)
    w3, b3 = dense(rng, (10, 32), 0.2), dense(rng, (10,), 0.1)
    gamma = (1.0 + dense(rng, (32,), 0.1)).astype(np.float32)
    beta, mean = dense(rng, (32,), 0.1), dense(rng, (32,), 0.1)
    var = (0.5 + np.abs(dense(rng, (32,), 0.5))).astype(np.float32)
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv1",
                         pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("MaxPool", ["r1"], ["p1"], name="pool1",
                         kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["p1", "w2", "b2"], ["c2"], name="conv2",
                         pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
        helper.make_node("BatchNormalization", ["c2", "gamma", "beta", "mean",
                                                "var"], ["n2"], name="bn2",
                         epsilon=1e-5),
        helper.make_node("Relu", ["n2"], ["r2"], name="relu2"),
        helper.make_node("GlobalAveragePool", ["r2"], ["g"], name="gap"),
        helper.make_node("Flatten", ["g"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "w3", "b3"], ["y"], name="fc",
                         transB=1),
    ]
    inits = [numpy_helper.from_array(a, n) for a, n in
             ((w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2"), (w3, "w3"),
              (b3, "b3"), (gamma, "gamma"), (beta, "beta"), (mean, "mean"),
              (var, "var"))]
    graph = helper.make_graph(
        nodes, "cnn_small",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 32, 32])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])], inits)
    save_model(helper.make_model(graph, producer_name="lpuc-tests",
                                 opset_imports=[helper.make_opsetid("", OPSET)]),
               outdir)
    f64 = lambda a: a.astype(np.float64)
    r1 = np.maximum(conv2d(f64(x), f64(w1), f64(b1), 1), 0.0)
    p1 = r1.reshape(1, 16, 16, 2, 16, 2).max(axis=(3, 5))
    c2 = conv2d(p1, f64(w2), f64(b2), 1)
    shape = (1, -1, 1, 1)
    n2 = ((c2 - f64(mean).reshape(shape)) / np.sqrt(f64(var).reshape(shape) + 1e-5)
          * f64(gamma).reshape(shape) + f64(beta).reshape(shape))
    r2 = np.maximum(n2, 0.0)
    y = r2.mean(axis=(2, 3)) @ f64(w3).T + f64(b3)
    save_data(outdir, [("x", x)], [("y", y)])


def make_stem_pool(outdir, seed):
    """A ResNet stem (7x7 stride-2 Conv, Relu, 3x3 stride-2 MaxPool) and a
    3x3 stride-2 Conv without a pool, each read by a 1x1 Conv, on an image
    whose 19 output columns leave a right-edge pooling window short."""
    rng = np.random.default_rng(seed)
    shape = (1, 3, 32, 38)
    x = dense(rng, shape, 1.0)
    w1, b1 = dense(rng, (16, 3, 7, 7), 0.1), dense(rng, (16,), 0.1)
    w2, b2 = dense(rng, (8, 16, 1, 1), 0.3), dense(rng, (8,), 0.1)
    w3, b3 = dense(rng, (16, 3, 3, 3), 0.3), dense(rng, (16,), 0.1)
    w4, b4 = dense(rng, (8, 16, 1, 1), 0.3), dense(rng, (8,), 0.1)
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="stem",
                         pads=[3, 3, 3, 3], strides=[2, 2],
                         kernel_shape=[7, 7]),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu"),
        helper.make_node("MaxPool", ["r1"], ["p1"], name="pool",
                         pads=[1, 1, 1, 1], strides=[2, 2],
                         kernel_shape=[3, 3]),
        helper.make_node("Conv", ["p1", "w2", "b2"], ["y"], name="project"),
        helper.make_node("Conv", ["x", "w3", "b3"], ["c3"], name="stem3",
                         pads=[1, 1, 1, 1], strides=[2, 2],
                         kernel_shape=[3, 3]),
        helper.make_node("Relu", ["c3"], ["r3"], name="relu3"),
        helper.make_node("Conv", ["r3", "w4", "b4"], ["z"], name="project3"),
    ]
    inits = [numpy_helper.from_array(a, n) for a, n in
             ((w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2"), (w3, "w3"),
              (b3, "b3"), (w4, "w4"), (b4, "b4"))]
    graph = helper.make_graph(
        nodes, "stem-pool",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(shape))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8, 8, 10]),
         helper.make_tensor_value_info("z", TensorProto.FLOAT, [1, 8, 16, 19])],
        inits)
    import onnx_numpy
    model = helper.make_model(graph, producer_name="lpuc-tests",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    save_model(model, outdir)
    save_data(outdir, [("x", x)], list(onnx_numpy.run(model, {"x": x}).items()))


def make_winograd(outdir, seed):
    """Two 3x3 convolutions over 128 channels, the first with a residual and
    relu, on an image of odd height and width: lpu-v1 computes them in
    Winograd's F(2x2, 3x3) form, its tiles cut short at the edges."""
    rng = np.random.default_rng(seed)
    shape = (1, 128, 15, 17)
    x = dense(rng, shape, 1.0)
    w1, b1 = dense(rng, (128, 128, 3, 3), 0.03), dense(rng, (128,), 0.1)
    w2, b2 = dense(rng, (128, 128, 3, 3), 0.03), dense(rng, (128,), 0.1)
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv1",
                         pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
        helper.make_node("Add", ["c1", "x"], ["s1"], name="residual"),
        helper.make_node("Relu", ["s1"], ["r1"], name="relu"),
        helper.make_node("Conv", ["r1", "w2", "b2"], ["y"], name="conv2",
                         pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
    ]
    inits = [numpy_helper.from_array(a, n) for a, n in
             ((w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2"))]
    graph = helper.make_graph(
        nodes, "winograd",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(shape))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, list(shape))],
        inits)
    save_model(helper.make_model(graph, producer_name="lpuc-tests",
                                 opset_imports=[helper.make_opsetid("", OPSET)]),
               outdir)
    f64 = lambda a: a.astype(np.float64)
    r1 = np.maximum(conv2d(f64(x), f64(w1), f64(b1), 1) + f64(x), 0.0)
    y = conv2d(r1, f64(w2), f64(b2), 1)
    save_data(outdir, [("x", x)], [("y", y)])


def make_encoder_layer(outdir, seq, d, heads, ff, seed):
    """torch.nn.TransformerEncoderLayer (post-norm, ReLU) spelled in ONNX."""
    rng = np.random.default_rng(seed)
    f32, dh = TensorProto.FLOAT, d // heads
    x = dense(rng, (1, seq, d), 1.0)
    params = {}
    for name, shape, scale in (
            ("wq", (d, d), d ** -0.5), ("wk", (d, d), d ** -0.5),
            ("wv", (d, d), d ** -0.5), ("wo", (d, d), d ** -0.5),
            ("w1", (d, ff), d ** -0.5), ("w2", (ff, d), ff ** -0.5)):
        params[name] = dense(rng, shape, scale)
        params["b" + name[1:]] = dense(rng, (shape[1],), 0.02)
    params["g1"] = (1.0 + dense(rng, (d,), 0.1)).astype(np.float32)
    params["n1"] = dense(rng, (d,), 0.1)
    params["g2"] = (1.0 + dense(rng, (d,), 0.1)).astype(np.float32)
    params["n2"] = dense(rng, (d,), 0.1)
    consts = {
        "heads_shape": np.array([1, seq, heads, dh], np.int64),
        "model_shape": np.array([1, seq, d], np.int64),
        "inv_sqrt_dh": np.array(1.0 / np.sqrt(dh), np.float32),
    }
    node = helper.make_node
    nodes = []
    for p in "qkv":
        nodes += [node("MatMul", ["x", "w" + p], [p + "_mm"], name=p + "_proj"),
                  node("Add", [p + "_mm", "b" + p], [p], name=p + "_bias"),
                  node("Reshape", [p, "heads_shape"], [p + "_h"],
                       name=p + "_split")]
    nodes += [
        node("Transpose", ["q_h"], ["q_t"], name="q_heads", perm=[0, 2, 1, 3]),
        node("Transpose", ["k_h"], ["k_t"], name="k_heads", perm=[0, 2, 3, 1]),
        node("Transpose", ["v_h"], ["v_t"], name="v_heads", perm=[0, 2, 1, 3]),
        node("MatMul", ["q_t", "k_t"], ["scores"], name="scores"),
        node("Mul", ["scores", "inv_sqrt_dh"], ["scaled"], name="scale"),
        node("Softmax", ["scaled"], ["probs"], name="softmax", axis=-1),
        node("MatMul", ["probs", "v_t"], ["ctx_t"], name="context"),
        node("Transpose", ["ctx_t"], ["ctx_h"], name="merge", perm=[0, 2, 1, 3]),
        node("Reshape", ["ctx_h", "model_shape"], ["ctx"], name="ctx_join"),
        node("MatMul", ["ctx", "wo"], ["o_mm"], name="o_proj"),
        node("Add", ["o_mm", "bo"], ["attn"], name="o_bias"),
        node("Add", ["x", "attn"], ["res1"], name="residual1"),
        node("LayerNormalization", ["res1", "g1", "n1"], ["h"], name="norm1",
             axis=-1, epsilon=1e-5),
        node("MatMul", ["h", "w1"], ["f1_mm"], name="ff1"),
        node("Add", ["f1_mm", "b1"], ["f1_b"], name="ff1_bias"),
        node("Relu", ["f1_b"], ["f1"], name="ff1_relu"),
        node("MatMul", ["f1", "w2"], ["f2_mm"], name="ff2"),
        node("Add", ["f2_mm", "b2"], ["f2"], name="ff2_bias"),
        node("Add", ["h", "f2"], ["res2"], name="residual2"),
        node("LayerNormalization", ["res2", "g2", "n2"], ["y"], name="norm2",
             axis=-1, epsilon=1e-5),
    ]
    inits = [numpy_helper.from_array(v, k) for k, v in params.items()]
    inits += [numpy_helper.from_array(v, k) for k, v in consts.items()]
    graph = helper.make_graph(
        nodes, "encoder_layer",
        [helper.make_tensor_value_info("x", f32, [1, seq, d])],
        [helper.make_tensor_value_info("y", f32, [1, seq, d])], inits)
    save_model(helper.make_model(graph, producer_name="lpuc-tests",
                                 opset_imports=[helper.make_opsetid("", 17)]),
               outdir)
    P = {k: v.astype(np.float64) for k, v in params.items()}

    def layer_norm(v, g, b):
        mean = v.mean(axis=-1, keepdims=True)
        var = ((v - mean) ** 2).mean(axis=-1, keepdims=True)
        return (v - mean) / np.sqrt(var + 1e-5) * g + b

    def split(v):
        return v.reshape(seq, heads, dh).transpose(1, 0, 2)

    x64 = x.astype(np.float64)[0]
    q, k, v = (split(x64 @ P["w" + p] + P["b" + p]) for p in "qkv")
    scores = q @ k.transpose(0, 2, 1) / np.sqrt(dh)
    probs = np.exp(scores - scores.max(axis=-1, keepdims=True))
    probs /= probs.sum(axis=-1, keepdims=True)
    ctx = (probs @ v).transpose(1, 0, 2).reshape(seq, d)
    h = layer_norm(x64 + ctx @ P["wo"] + P["bo"], P["g1"], P["n1"])
    f = np.maximum(h @ P["w1"] + P["b1"], 0.0) @ P["w2"] + P["b2"]
    y = layer_norm(h + f, P["g2"], P["n2"])
    save_data(outdir, [("x", x)], [("y", y[None])])


def make_quantized_graph(outdir, name, nodes, inits, x_shape, outputs,
                         tolerance, seed):
    """A graph on a float input `x`, saved with NumPy references
    (onnx_numpy: the ONNX semantics of the quantized operators) on two data
    sets and `tolerance` as lpu-run-args."""
    import onnx_numpy
    f32 = TensorProto.FLOAT
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("x", f32, x_shape)],
        [helper.make_tensor_value_info(o, f32, s) for o, s in outputs],
        [numpy_helper.from_array(a, n) for n, a in inits.items()])
    model = helper.make_model(graph, producer_name="lpuc-tests",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    save_model(model, outdir)
    rng = np.random.default_rng(seed)
    for index in range(2):
        x = dense(rng, x_shape, 1.0)
        y = onnx_numpy.run(model, {"x": x})
        save_data(outdir, [("x", x)], list(y.items()), index)
    with open(os.path.join(outdir, "lpu-run-args"), "w") as f:
        f.write(tolerance + "\n")


def make_qlinear(outdir, seed):
    """QuantizeLinear to uint8, QLinearConv (int8 weights per channel,
    int32 bias, padded: the padding is the zero point), QLinearMatMul (uint8
    weights with a zero point) and DequantizeLinear."""
    rng = np.random.default_rng(seed)
    w = rng.integers(-127, 128, (6, 3, 3, 3), dtype=np.int8)
    b = rng.integers(-400, 400, (6,), dtype=np.int32)
    m = rng.integers(0, 256, (10, 5), dtype=np.uint8)
    inits = {
        "xs": np.array(0.02, np.float32), "xz": np.array(120, np.uint8),
        "w": w, "ws": rng.uniform(0.001, 0.004, 6).astype(np.float32),
        "wz": np.zeros(6, np.int8), "b": b,
        "ys": np.array(0.05, np.float32), "yz": np.array(100, np.uint8),
        "m": m, "ms": np.array(0.003, np.float32),
        "mz": np.array(128, np.uint8),
        "zs": np.array(0.04, np.float32), "zz": np.array(-3, np.int8)}
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "xs", "xz"], ["q"],
                         name="quantize"),
        helper.make_node("QLinearConv",
                         ["q", "xs", "xz", "w", "ws", "wz", "ys", "yz", "b"],
                         ["c"], name="conv", pads=[1, 1, 1, 1],
                         kernel_shape=[3, 3]),
        helper.make_node("QLinearMatMul",
                         ["c", "ys", "yz", "m", "ms", "mz", "zs", "zz"],
                         ["p"], name="matmul"),
        helper.make_node("DequantizeLinear", ["p", "zs", "zz"], ["y"],
                         name="dequantize"),
    ]
    make_quantized_graph(outdir, "qlinear", nodes, inits, [1, 3, 9, 10],
                         [("y", [1, 6, 9, 5])],
                         f"--rtol 0 --atol {0.04 * 1.0001:.9g}", seed)


def make_integer_products(outdir, seed):
    """ConvInteger and MatMulInteger on int8 values with zero points (uint8
    weights with per-channel zero points), their int32 sums cast to float
    and scaled."""
    rng = np.random.default_rng(seed)
    inits = {
        "xs": np.array(0.03, np.float32), "xz": np.array(-5, np.int8),
        "w": rng.integers(0, 256, (4, 2, 3, 3), dtype=np.uint8),
        "wz": rng.integers(100, 156, (4,), dtype=np.uint8),
        "m": rng.integers(-128, 128, (12, 7), dtype=np.int8),
        "s": np.array(0.01, np.float32)}
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "xs", "xz"], ["q"],
                         name="quantize"),
        helper.make_node("ConvInteger", ["q", "w", "xz", "wz"], ["ci"],
                         name="conv", pads=[0, 1, 2, 1], strides=[2, 1],
                         kernel_shape=[3, 3]),
        helper.make_node("Cast", ["ci"], ["cf"], name="conv_float", to=1),
        helper.make_node("Mul", ["cf", "s"], ["y"], name="conv_scale"),
        helper.make_node("MatMulInteger", ["q", "m", "xz"], ["mi"],
                         name="matmul"),
        helper.make_node("Cast", ["mi"], ["z"], name="matmul_float", to=1),
    ]
    make_quantized_graph(outdir, "integer-products", nodes, inits,
                         [1, 2, 6, 12], [("y", [1, 4, 3, 12]),
                                         ("z", [1, 2, 6, 7])],
                         "--rtol 1e-6 --atol 1e-6", seed)


def make_embedding(outdir, seed):
    """Gather with indices known only at run time: rows of a [V, D] table
    (an embedding), of a [V] table and of a [V, 2, 3] table. The word table
    is larger than half an lpu-tiny slice, so each lookup reads several
    blocks."""
    rng = np.random.default_rng(seed)
    i64, f32 = TensorProto.INT64, TensorProto.FLOAT
    vocab, width, seq = 300, 40, 12
    ids = rng.integers(-vocab, vocab, size=(2, seq)).astype(np.int64)
    ids[0, :3] = [0, vocab - 1, -1]
    words = dense(rng, (vocab, width), 1.0)
    positions = dense(rng, (seq, width), 1.0)
    bias = dense(rng, (vocab,), 1.0)
    cubes = dense(rng, (vocab, 2, 3), 1.0)
    node = helper.make_node
    nodes = [
        node("Gather", ["words", "ids"], ["embedded"], name="word_embeddings"),
        node("Add", ["embedded", "positions"], ["hidden"], name="add_positions"),
        node("Gather", ["bias", "ids"], ["picked"], name="bias_lookup"),
        node("Gather", ["cubes", "ids"], ["blocks"], name="cube_lookup",
             axis=0),
    ]
    inits = [numpy_helper.from_array(v, k) for k, v in
             (("words", words), ("positions", positions), ("bias", bias),
              ("cubes", cubes))]
    graph = helper.make_graph(
        nodes, "embedding",
        [helper.make_tensor_value_info("ids", i64, ids.shape)],
        [helper.make_tensor_value_info("hidden", f32, (2, seq, width)),
         helper.make_tensor_value_info("picked", f32, (2, seq)),
         helper.make_tensor_value_info("blocks", f32, (2, seq, 2, 3))],
        inits)
    save_model(helper.make_model(graph, producer_name="lpuc-tests",
                                 opset_imports=[helper.make_opsetid("", OPSET)]),
               outdir)
    save_data(outdir, [("ids", ids)],
              [("hidden", words[ids].astype(np.float64) + positions),
               ("picked", bias[ids]), ("blocks", cubes[ids])])


def make_gather_elements(outdir, seed):
    """GatherElements with indices known only at run time (MEM gathers whose
    lanes take their own entries)."""
    rng = np.random.default_rng(seed)
    i64, f32 = TensorProto.INT64, TensorProto.FLOAT

    def gather_elements(data, indices, axis):
        indices = np.where(indices < 0, indices + data.shape[axis], indices)
        sliced = data[tuple(slice(0, n) if d != axis else slice(None)
                            for d, n in enumerate(indices.shape))]
        return np.take_along_axis(sliced, indices, axis)

    def indices(bound, shape):
        return rng.integers(-bound, bound, size=shape).astype(np.int64)

    # (name, data shape, data is an input, indices shape, axis)
    cases = [("middle", (3, 5, 2, 40), True, (3, 4, 2, 40), 1),
             ("rows", (6, 4, 20), False, (2, 3, 20), 0),
             ("last", (4, 30), True, (4, 7), 1),
             ("flat", (10,), False, (6,), 0)]
    nodes, inputs, outputs, inits = [], [], [], []
    feeds, expected = [], []
    for name, data_shape, is_input, index_shape, axis in cases:
        data = dense(rng, data_shape, 1.0)
        index = indices(data_shape[axis], index_shape)
        nodes.append(helper.make_node(
            "GatherElements", [name + "_data", name + "_indices"],
            [name + "_out"], name=name, axis=axis))
        if is_input:
            inputs.append(helper.make_tensor_value_info(
                name + "_data", f32, data_shape))
            feeds.append((name + "_data", data))
        else:
            inits.append(numpy_helper.from_array(data, name + "_data"))
        inputs.append(helper.make_tensor_value_info(
            name + "_indices", i64, index_shape))
        feeds.append((name + "_indices", index))
        outputs.append(helper.make_tensor_value_info(
            name + "_out", f32, index_shape))
        expected.append((name + "_out", gather_elements(data, index, axis)))
    graph = helper.make_graph(nodes, "gather_elements", inputs, outputs, inits)
    save_model(helper.make_model(graph, producer_name="lpuc-tests",
                                 opset_imports=[helper.make_opsetid("", OPSET)]),
               outdir)
    save_data(outdir, feeds, expected)


def make_scatter_nd(outdir, seed):
    """ScatterND with indices known only at run time, of every component
    (elements) and of fewer than rank - 1 (blocks of rows)."""
    rng = np.random.default_rng(seed)
    i64, f32 = TensorProto.INT64, TensorProto.FLOAT
    points = np.array([[0, 1, 2], [2, 4, 39], [1, 0, 17], [0, 1, 3],
                       [0, 1, 2]], np.int64)
    blocks = np.array([[3], [1]], np.int64)
    cases = [("points", (3, 5, 40), points, (5,)),
             ("blocks", (4, 3, 20), blocks, (2, 3, 20))]
    nodes, inputs, outputs, feeds, expected = [], [], [], [], []
    for name, shape, index, update_shape in cases:
        data = dense(rng, shape, 1.0)
        updates = dense(rng, update_shape, 1.0)
        nodes.append(helper.make_node(
            "ScatterND", [name + "_data", name + "_indices", name + "_updates"],
            [name + "_out"], name=name))
        for suffix, array, kind in (("_data", data, f32),
                                    ("_indices", index, i64),
                                    ("_updates", updates, f32)):
            inputs.append(helper.make_tensor_value_info(
                name + suffix, kind, array.shape))
            feeds.append((name + suffix, array))
        result = data.copy()
        for k in range(index.shape[0]):
            result[tuple(index[k])] = updates[k]
        outputs.append(helper.make_tensor_value_info(name + "_out", f32, shape))
        expected.append((name + "_out", result))
    graph = helper.make_graph(nodes, "scatter_nd", inputs, outputs)
    save_model(helper.make_model(graph, producer_name="lpuc-tests",
                                 opset_imports=[helper.make_opsetid("", OPSET)]),
               outdir)
    save_data(outdir, feeds, expected)


def make_kv_cache(outdir, seed):
    """present = cache with row `position` of each head replaced by `new`:
    indices (head, position) built in the graph from the run-time
    position."""
    rng = np.random.default_rng(seed)
    i64, f32 = TensorProto.INT64, TensorProto.FLOAT
    heads, context, width = 2, 8, 20
    node = helper.make_node
    nodes = [
        node("Reshape", ["position", "one_shape"], ["pos3"], name="pos3"),
        node("Expand", ["pos3", "index_shape"], ["positions"], name="positions"),
        node("Concat", ["heads", "positions"], ["indices"], name="indices",
             axis=-1),
        node("ScatterND", ["cache", "indices", "new"], ["present"],
             name="write_row"),
    ]
    inits = [numpy_helper.from_array(v, k) for k, v in (
        ("one_shape", np.array([1, 1, 1], np.int64)),
        ("index_shape", np.array([heads, 1, 1], np.int64)),
        ("heads", np.arange(heads, dtype=np.int64).reshape(heads, 1, 1)))]
    graph = helper.make_graph(
        nodes, "kv_cache",
        [helper.make_tensor_value_info("cache", f32, (heads, context, width)),
         helper.make_tensor_value_info("position", i64, (1,)),
         helper.make_tensor_value_info("new", f32, (heads, 1, width))],
        [helper.make_tensor_value_info("present", f32,
                                       (heads, context, width))],
        inits)
    save_model(helper.make_model(graph, producer_name="lpuc-tests",
                                 opset_imports=[helper.make_opsetid("", OPSET)]),
               outdir)
    for index, position in enumerate((0, 5)):
        cache = dense(rng, (heads, context, width), 1.0)
        new = dense(rng, (heads, 1, width), 1.0)
        present = cache.copy()
        present[:, position, :] = new[:, 0, :]
        save_data(outdir, [("cache", cache),
                           ("position", np.array([position], np.int64)),
                           ("new", new)], [("present", present)], index)
    with open(os.path.join(outdir, "lpuc-args"), "w") as f:
        f.write("--state present=cache\n")


def make_concat_empty(outdir, seed):
    """Concats onto an empty past, as a KV-cache decoder exported for its
    first step has them: the empty inputs add nothing."""
    rng = np.random.default_rng(seed)
    f32 = TensorProto.FLOAT
    shape = (1, 2, 4, 16)
    node = helper.make_node
    nodes = [
        node("Concat", ["past", "k"], ["keys"], name="keys", axis=-2),
        node("Transpose", ["keys"], ["keys_t"], name="keys_t",
             perm=[0, 1, 3, 2]),
        node("MatMul", ["q", "keys_t"], ["scores"], name="scores"),
        node("Concat", ["k", "past", "q"], ["joined"], name="joined", axis=2),
    ]
    past = numpy_helper.from_array(np.zeros((1, 2, 0, 16), np.float32),
                                   "past")
    graph = helper.make_graph(
        nodes, "concat_empty",
        [helper.make_tensor_value_info(name, f32, shape) for name in "qk"],
        [helper.make_tensor_value_info("scores", f32, (1, 2, 4, 4)),
         helper.make_tensor_value_info("joined", f32, (1, 2, 8, 16))],
        [past])
    save_model(helper.make_model(graph, producer_name="lpuc-tests",
                                 opset_imports=[helper.make_opsetid("", OPSET)]),
               outdir)
    q, k = dense(rng, shape, 1.0), dense(rng, shape, 1.0)
    scores = q.astype(np.float64) @ k.astype(np.float64).transpose(0, 1, 3, 2)
    save_data(outdir, [("q", q), ("k", k)],
              [("scores", scores), ("joined", np.concatenate([k, q], 2))])


def make_integer_ops(outdir, seed):
    """int64 inputs (ids, mask) and a float input through integer nodes;
    references in NumPy with ONNX's integer semantics (Div truncates toward
    zero, Mod takes the divisor's sign, or the dividend's with fmod=1, and
    Cast from float truncates)."""
    rng = np.random.default_rng(seed)
    i64, f32 = TensorProto.INT64, TensorProto.FLOAT
    shape = (2, 20)
    ids = rng.integers(-50000, 50000, size=shape).astype(np.int64)
    ids[0, :4] = [0, 2**31 - 8, -2**31 + 8, 7]  # near the int32 range's ends
    mask = rng.integers(0, 2, size=shape).astype(np.int64)
    x = (rng.standard_normal(shape) * 20).astype(np.float32)
    consts = {
        "seven": np.array(7, np.int64), "four": np.array(-4, np.int64),
        "five": np.array(5, np.int64), "three": np.array(-3, np.int64),
        "lo": np.array(-1000, np.int64), "hi": np.array(1000, np.int64),
        "ten": np.array(10.0, np.float32),
        "cols": np.array([3, 1, 0, 19], np.int64),
    }
    node = helper.make_node
    nodes = [
        node("Add", ["ids", "seven"], ["shifted"], name="add"),
        node("Mul", ["shifted", "mask"], ["masked"], name="mul"),
        node("Sub", ["masked", "ids"], ["diff"], name="sub"),
        node("Div", ["diff", "four"], ["quot"], name="div"),
        node("Mod", ["diff", "five"], ["rem"], name="mod"),
        node("Mod", ["diff", "three"], ["frem"], name="fmod", fmod=1),
        node("Max", ["quot", "rem"], ["big"], name="max"),
        node("Min", ["big", "frem"], ["small"], name="min"),
        node("Neg", ["small"], ["negated"], name="neg"),
        node("Abs", ["negated"], ["magnitude"], name="abs"),
        node("Clip", ["diff", "lo", "hi"], ["clipped"], name="clip"),
        node("Less", ["ids", "diff"], ["less"], name="less"),
        node("Not", ["less"], ["either"], name="not"),
        node("GreaterOrEqual", ["ids", "diff"], ["ge"], name="ge"),
        node("Where", ["either", "ids", "clipped"], ["picked"], name="where"),
        node("Cast", ["mask"], ["mask_f"], name="mask_float", to=f32),
        node("Mul", ["x", "mask_f"], ["xm"], name="masked_x"),
        node("Mul", ["xm", "ten"], ["scaled"], name="scale"),
        node("Cast", ["scaled"], ["truncated"], name="truncate", to=i64),
        node("Add", ["truncated", "magnitude"], ["summed"], name="sum"),
        node("Concat", ["picked", "summed"], ["joined"], name="concat",
             axis=1),
        node("Gather", ["joined", "cols"], ["ints"], name="columns", axis=1),
        node("Cast", ["ints"], ["floats"], name="to_float", to=f32),
    ]
    inits = [numpy_helper.from_array(v, k) for k, v in consts.items()]
    graph = helper.make_graph(
        nodes, "integer_ops",
        [helper.make_tensor_value_info("ids", i64, shape),
         helper.make_tensor_value_info("mask", i64, shape),
         helper.make_tensor_value_info("x", f32, shape)],
        [helper.make_tensor_value_info("joined", i64, (2, 40)),
         helper.make_tensor_value_info("ints", i64, (2, 4)),
         helper.make_tensor_value_info("floats", f32, (2, 4)),
         helper.make_tensor_value_info("quot", i64, shape),
         helper.make_tensor_value_info("ge", TensorProto.BOOL, shape)],
        inits)
    save_model(helper.make_model(graph, producer_name="lpuc-tests",
                                 opset_imports=[helper.make_opsetid("", 13)]),
               outdir)
    diff = (ids + 7) * mask - ids
    quot = np.trunc(diff / -4.0).astype(np.int64)
    rem = np.mod(diff, 5)
    frem = np.fmod(diff, -3)
    magnitude = np.abs(-np.minimum(np.maximum(quot, rem), frem))
    clipped = np.clip(diff, -1000, 1000)
    either = ~(ids < diff)
    picked = np.where(either, ids, clipped)
    scaled = (x.astype(np.float64) * mask) * np.float32(10)
    summed = np.trunc(scaled.astype(np.float32)).astype(np.int64) + magnitude
    joined = np.concatenate([picked, summed], axis=1)
    ints = joined[:, consts["cols"]]
    save_data(outdir, [("ids", ids), ("mask", mask), ("x", x)],
              [("joined", joined), ("ints", ints),
               ("floats", ints.astype(np.float32)), ("quot", quot),
               ("ge", ids >= diff)])


def make_opset9(outdir, seed):
    rng = np.random.default_rng(seed)
    x = dense(rng, (1, 2, 6, 6), 1.0)
    # Fractional scales, whose samples half_pixel would move.
    scales = np.array([1.0, 1.0, 1.5, 2.5], np.float32)
    nodes = [
        helper.make_node("Slice", ["x"], ["crop"], name="crop",
                         starts=[1, 1], ends=[5, 6], axes=[2, 3]),
        helper.make_node("Pad", ["crop"], ["padded"], name="pad",
                         pads=[0, 0, 1, 2, 0, 0, 2, 1], mode="constant"),
        helper.make_node("Clip", ["padded"], ["clipped"], name="clip",
                         min=-0.5, max=0.75),
        helper.make_node("Upsample", ["clipped", "scales"], ["upsampled"],
                         name="upsample", mode="nearest"),
        helper.make_node("Unsqueeze", ["upsampled"], ["wide"],
                         name="unsqueeze", axes=[0]),
        helper.make_node("Squeeze", ["wide"], ["y"], name="squeeze", axes=[0]),
    ]
    graph = helper.make_graph(
        nodes, "opset9", [helper.make_tensor_value_info(
            "x", TensorProto.FLOAT, [1, 2, 6, 6])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                       [1, 2, 10, 20])],
        [numpy_helper.from_array(scales, "scales")])
    save_model(helper.make_model(graph, producer_name="lpuc-tests",
                                 opset_imports=[helper.make_opsetid("", 9)]),
               outdir)
    padded = np.pad(x[:, :, 1:5, 1:6], ((0, 0), (0, 0), (1, 2), (2, 1)))
    clipped = np.clip(padded, -0.5, 0.75)
    # Upsample's nearest sample: input index floor(i / scale).
    rows = np.floor(np.arange(10) / scales[2]).astype(int)
    cols = np.floor(np.arange(20) / scales[3]).astype(int)
    save_data(outdir, [("x", x)], [("y", clipped[:, :, rows][:, :, :, cols])])


def make_if_branches(outdir, seed):
    rng = np.random.default_rng(seed)
    f32 = TensorProto.FLOAT

    def branch(name, nodes):
        return helper.make_graph(nodes, name, [], [
            helper.make_tensor_value_info("out", f32, [2, 8])])
    then_branch = branch("then", [
        helper.make_node("Mul", ["x", "two"], ["t"]),
        helper.make_node("Add", ["t", "one"], ["out"])])
    else_branch = branch("else", [
        helper.make_node("Neg", ["x"], ["t"]),
        helper.make_node("Relu", ["t"], ["out"])])
    graph = helper.make_graph(
        [helper.make_node("If", ["cond"], ["y"], name="choose",
                          then_branch=then_branch, else_branch=else_branch)],
        "if-branches",
        [helper.make_tensor_value_info("x", f32, [2, 8]),
         helper.make_tensor_value_info("cond", TensorProto.BOOL, [])],
        [helper.make_tensor_value_info("y", f32, [2, 8])],
        [numpy_helper.from_array(np.array(2.0, np.float32), "two"),
         numpy_helper.from_array(np.array(1.0, np.float32), "one")])
    save_model(helper.make_model(graph, producer_name="lpuc-tests",
                                 opset_imports=[helper.make_opsetid("", 13)]),
               outdir)
    x = dense(rng, (2, 8), 1.0)
    for index, cond in enumerate([True, False]):
        expected = 2 * x + 1 if cond else np.maximum(-x, 0)
        save_data(outdir, [("x", x), ("cond", np.array(cond))],
                  [("y", expected)], index)


def make_loops(outdir, seed):
    """A Loop of 4 iterations over a run-time x [4, 2, 8]: h = tanh(h W + x[i])
    in the first two, relu(...) after (an If on the iteration number), the
    h of each iteration stacked; and a reversed Scan along axis 1 of x's
    transpose summing its slices, the running sums doubled and stacked on
    axis 1."""
    rng = np.random.default_rng(seed)
    f32, i64 = TensorProto.FLOAT, TensorProto.INT64
    value = helper.make_tensor_value_info
    w = dense(rng, (8, 8), 0.3)
    then_branch = helper.make_graph(
        [helper.make_node("Tanh", ["pre"], ["act"])], "then", [],
        [value("act", f32, [2, 8])])
    else_branch = helper.make_graph(
        [helper.make_node("Relu", ["pre"], ["act"])], "else", [],
        [value("act", f32, [2, 8])])
    body = helper.make_graph([
        helper.make_node("Identity", ["cond_in"], ["cond_out"]),
        helper.make_node("Gather", ["x", "i"], ["x_i"], axis=0),
        helper.make_node("MatMul", ["h_in", "w"], ["hw"]),
        helper.make_node("Add", ["hw", "x_i"], ["pre"]),
        helper.make_node("Less", ["i", "two"], ["early"]),
        helper.make_node("If", ["early"], ["h_out"], name="act",
                         then_branch=then_branch, else_branch=else_branch),
        helper.make_node("Identity", ["h_out"], ["h_scan"]),
    ], "body", [value("i", i64, []), value("cond_in", TensorProto.BOOL, []),
                value("h_in", f32, [2, 8])],
        [value("cond_out", TensorProto.BOOL, []), value("h_out", f32, [2, 8]),
         value("h_scan", f32, [2, 8])])
    scan_body = helper.make_graph([
        helper.make_node("Add", ["s_in", "e"], ["s_out"]),
        helper.make_node("Add", ["s_out", "s_out"], ["s_twice"]),
    ], "scan_body", [value("s_in", f32, [2, 8]), value("e", f32, [2, 8])],
        [value("s_out", f32, [2, 8]), value("s_twice", f32, [2, 8])])
    graph = helper.make_graph([
        helper.make_node("Loop", ["trips", "", "h0"], ["h", "hs"], name="rnn",
                         body=body),
        helper.make_node("Transpose", ["x"], ["xt"], perm=[1, 0, 2]),
        helper.make_node("Scan", ["h0", "xt"], ["total", "sums"], name="sum",
                         body=scan_body, num_scan_inputs=1,
                         scan_input_axes=[1], scan_input_directions=[1],
                         scan_output_axes=[1]),
    ], "loops", [value("x", f32, [4, 2, 8]), value("h0", f32, [2, 8])],
        [value("h", f32, [2, 8]), value("hs", f32, [4, 2, 8]),
         value("total", f32, [2, 8]), value("sums", f32, [2, 4, 8])],
        [numpy_helper.from_array(np.array(4, np.int64), "trips"),
         numpy_helper.from_array(np.array(2, np.int64), "two"),
         numpy_helper.from_array(w, "w")])
    save_model(helper.make_model(graph, producer_name="lpuc-tests",
                                 opset_imports=[helper.make_opsetid("", 13)]),
               outdir)
    x = dense(rng, (4, 2, 8), 1.0)
    h0 = dense(rng, (2, 8), 0.5)
    h, hs = h0.astype(np.float64), []
    for i in range(4):
        pre = h @ w + x[i]
        h = np.tanh(pre) if i < 2 else np.maximum(pre, 0)
        hs.append(h)
    s, sums = h0.astype(np.float64), []
    for t in reversed(range(4)):
        s = s + x[t]
        sums.append(2 * s)
    save_data(outdir, [("x", x), ("h0", h0)],
              [("h", h), ("hs", np.stack(hs)), ("total", s),
               ("sums", np.stack(sums, axis=1))])


def make_simple(outdir, node, inputs, outputs, opset=OPSET, check=True):
    graph = helper.make_graph([node], "g", inputs, outputs)
    model = helper.make_model(graph, producer_name="lpuc-tests",
                              opset_imports=[helper.make_opsetid("", opset)])
    return save_model(model, outdir, check)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    name, outdir = sys.argv[1], sys.argv[2]
    f32 = TensorProto.FLOAT
    if name == "mlp":
        make_mlp(outdir, [64, 96, 10], batch=4, seed=7)
    elif name == "mlp-wide":
        make_mlp(outdir, [512, 512, 512, 512, 512], batch=8, seed=11)
    elif name == "row-reductions":
        make_row_reductions(outdir, (2, 3, 37), seed=17)
    elif name == "row-extrema":
        make_row_extrema(outdir, rows=80, width=64, seed=47)
    elif name == "mlp-large":
        make_mlp(outdir, [1024] * 5, batch=64, seed=13)
    elif name == "cnn-small":
        make_cnn_small(outdir, seed=19)
    elif name == "stem":
        make_stem(outdir, seed=29)
    elif name == "qlinear":
        make_qlinear(outdir, seed=31)
    elif name == "integer-products":
        make_integer_products(outdir, seed=37)
    elif name == "winograd":
        make_winograd(outdir, seed=41)
    elif name == "stem-pool":
        make_stem_pool(outdir, seed=43)
    elif name == "encoder-layer":
        make_encoder_layer(outdir, seq=128, d=256, heads=4, ff=1024, seed=23)
    elif name == "dynamic":
        make_simple(outdir, helper.make_node("Relu", ["x"], ["y"], name="relu"),
                    [helper.make_tensor_value_info("x", f32, ["N", 16])],
                    [helper.make_tensor_value_info("y", f32, ["N", 16])])
    elif name == "unsupported":
        make_simple(outdir,
                    helper.make_node("LpNormalization", ["x"], ["y"],
                                     name="probs"),
                    [helper.make_tensor_value_info("x", f32, [2, 8])],
                    [helper.make_tensor_value_info("y", f32, [2, 8])])
    elif name == "float64":
        f64 = TensorProto.DOUBLE
        make_simple(outdir,
                    helper.make_node("Add", ["a", "b"], ["c"], name="add_f64"),
                    [helper.make_tensor_value_info("a", f64, [4]),
                     helper.make_tensor_value_info("b", f64, [4])],
                    [helper.make_tensor_value_info("c", f64, [4])])
    elif name == "integer-ops":
        make_integer_ops(outdir, seed=47)
    elif name == "accumulator":
        make_simple(outdir,
                    helper.make_node("Add", ["total", "x"], ["total_next"],
                                     name="accumulate"),
                    [helper.make_tensor_value_info("total", f32, [1, 64]),
                     helper.make_tensor_value_info("x", f32, [1, 64])],
                    [helper.make_tensor_value_info("total_next", f32, [1, 64])])
    elif name == "embedding":
        make_embedding(outdir, seed=53)
    elif name == "kv-cache":
        make_kv_cache(outdir, seed=59)
    elif name == "concat-empty":
        make_concat_empty(outdir, seed=83)
    elif name == "gather-elements":
        make_gather_elements(outdir, seed=61)
    elif name == "scatter-nd":
        make_scatter_nd(outdir, seed=67)
    elif name == "if-branches":
        make_if_branches(outdir, seed=73)
    elif name == "opset9":
        make_opset9(outdir, seed=71)
    elif name == "loops":
        make_loops(outdir, seed=79)
    elif name == "opset-too-new":
        make_simple(outdir, helper.make_node("Relu", ["x"], ["y"], name="relu"),
                    [helper.make_tensor_value_info("x", f32, [4])],
                    [helper.make_tensor_value_info("y", f32, [4])],
                    opset=99, check=False)
    elif name == "truncated":
        make_mlp(outdir, [64, 96, 10], batch=4, seed=7)
        path = os.path.join(outdir, "model.onnx")
        with open(path, "rb") as f:
            data = f.read()
        with open(path, "wb") as f:
            f.write(data[: len(data) // 2])
    elif name == "broadcast":
        rng = np.random.default_rng(3)
        x = dense(rng, (2, 3, 20), 1.0)
        y = dense(rng, (2, 1, 20), 1.0)
        z = dense(rng, (3, 1), 1.0)
        s = np.array(0.25, dtype=np.float32)
        nodes = [
            helper.make_node("Add", ["x", "y"], ["a"], name="add_rows"),
            helper.make_node("Mul", ["a", "z"], ["b"], name="mul_lanes"),
            helper.make_node("Sub", ["b", "s"], ["c"], name="sub_scalar"),
            helper.make_node("Relu", ["c"], ["out"], name="relu"),
        ]
        graph = helper.make_graph(
            nodes, "broadcast",
            [helper.make_tensor_value_info("x", f32, [2, 3, 20]),
             helper.make_tensor_value_info("y", f32, [2, 1, 20]),
             helper.make_tensor_value_info("z", f32, [3, 1])],
            [helper.make_tensor_value_info("out", f32, [2, 3, 20])],
            [numpy_helper.from_array(s, "s")])
        save_model(helper.make_model(
            graph, producer_name="lpuc-tests",
            opset_imports=[helper.make_opsetid("", OPSET)]), outdir)
        expected = np.maximum(
            (x.astype(np.float64) + y) * z - np.float64(s), 0.0)
        save_data(outdir, [("x", x), ("y", y), ("z", z)], [("out", expected)])
    elif name == "mixed":
        nodes = [
            helper.make_node("Constant", [], ["k"], name="k_const",
                             value=numpy_helper.from_array(
                                 np.arange(8, dtype=np.float32).reshape(2, 4), "k")),
            helper.make_node("Constant", [], ["half"], name="half_const",
                             value_float=0.5),
            helper.make_node("Add", ["x", "k"], ["s"], name="add_k"),
            helper.make_node("Mul", ["s", "half"], ["m"], name="scale"),
            helper.make_node("LpNormalization", ["m"], ["y"], name="probs",
                             axis=1),
        ]
        graph = helper.make_graph(
            nodes, "mixed", [helper.make_tensor_value_info("x", f32, [2, 4])],
            [helper.make_tensor_value_info("y", f32, [2, 4])])
        save_model(helper.make_model(
            graph, producer_name="lpuc-tests",
            opset_imports=[helper.make_opsetid("", OPSET)]), outdir)
    else:
        sys.exit(f"unknown model '{name}'\n{__doc__}")


if __name__ == "__main__":
    main()
