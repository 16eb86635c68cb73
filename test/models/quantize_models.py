#!/usr/bin/python3
"""Quantizes a float ONNX model to QDQ int8, as standard quantizers do, with
reference outputs from a NumPy implementation of the ONNX semantics.

Usage: quantize_models.py [--residuals] [--quanta N] FLOAT_MODEL_DIR OUTDIR

FLOAT_MODEL_DIR holds model.onnx and test_data_set_*/ (make_models.py or
make_torch_models.py). The quantized model:
  - folds BatchNormalization into the Conv before it;
  - stores the weights of Conv, MatMul and Gemm as int8, symmetric, with a
    scale per output channel, and their biases as int32 of scale
    input scale x weight scale, each read through DequantizeLinear;
  - quantizes the activations those nodes read, and the graph outputs, per
    tensor to uint8 with a zero point (QuantizeLinear then
    DequantizeLinear), calibrated on the minimum and maximum each tensor
    takes over four seeded random inputs;
  - with --residuals, also the two operands of every Add of two activations
    (a residual sum), as onnxruntime's QDQ quantizer does: the sum then
    reads quantized values, and the graph quantizes and dequantizes its
    products' outputs before adding them.
Integer inputs (token ids, masks) are calibrated on values drawn from the
range the test data's take. Outputs that are state (the source's lpuc-args
name them with --state) stay float, and lpuc-args is copied.
OUTDIR gets model.onnx, the float model's inputs with the quantized model's
outputs (onnx_numpy, float64), and lpu-run-args: the tolerance, one
quantum of the output's scale (N with --quanta: in a deep network a value
that rounds the other way in one layer moves the next layers' values).
"""

import glob
import os
import shutil
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnx_numpy  # noqa: E402
from make_models import save_data, save_model  # noqa: E402

CALIBRATION_SETS = 4


def initializers(model):
    return {t.name: t for t in model.graph.initializer}


def bypass_constant_identities(model):
    """Identity of an initializer (torch's shared weights) reads it
    directly, so the quantizer sees the weights as constants."""
    graph = model.graph
    inits = initializers(model)
    alias = {}
    kept = []
    for node in graph.node:
        if node.op_type == "Identity" and node.input[0] in inits:
            alias[node.output[0]] = node.input[0]
        else:
            kept.append(node)
    outputs = {o.name for o in graph.output}
    for node in kept:
        node.input[:] = [alias.get(i, i) for i in node.input]
    for name in outputs & set(alias):
        kept.append(helper.make_node("Identity", [alias[name]], [name]))
    del graph.node[:]
    graph.node.extend(kept)


def fold_batch_norms(model):
    """Conv followed only by BatchNormalization becomes one Conv."""
    graph = model.graph
    inits = initializers(model)
    readers = {}
    for node in graph.node:
        for name in node.input:
            readers.setdefault(name, []).append(node)
    producer = {out: node for node in graph.node for out in node.output}
    dropped = set()
    for bn in graph.node:
        if bn.op_type != "BatchNormalization":
            continue
        conv = producer.get(bn.input[0])
        if (conv is None or conv.op_type != "Conv"
                or len(readers[bn.input[0]]) != 1 or conv.input[1] not in inits
                or not all(n in inits for n in bn.input[1:5])):
            continue
        gamma, beta, mean, var = (numpy_helper.to_array(inits[n]).astype(
            np.float64) for n in bn.input[1:5])
        eps = next((a.f for a in bn.attribute if a.name == "epsilon"), 1e-5)
        scale = gamma / np.sqrt(var + eps)
        w = numpy_helper.to_array(inits[conv.input[1]]).astype(np.float64)
        b = (numpy_helper.to_array(inits[conv.input[2]]).astype(np.float64)
             if len(conv.input) > 2 and conv.input[2] else np.zeros(w.shape[0]))
        w_name, b_name = conv.output[0] + ".w", conv.output[0] + ".b"
        graph.initializer.extend([
            numpy_helper.from_array(
                (w * scale.reshape(-1, 1, 1, 1)).astype(np.float32), w_name),
            numpy_helper.from_array(((b - mean) * scale + beta).astype(
                np.float32), b_name)])
        del conv.input[1:]
        conv.input.extend([w_name, b_name])
        conv.output[0] = bn.output[0]
        dropped.add(id(bn))
    nodes = [n for n in graph.node if id(n) not in dropped]
    del graph.node[:]
    graph.node.extend(nodes)


def activation_quantization(lo, hi):
    """uint8 scale and zero point covering [lo, hi] and 0."""
    lo, hi = min(float(lo), 0.0), max(float(hi), 0.0)
    scale = (hi - lo) / 255.0 if hi > lo else 1.0
    zero = int(np.clip(np.rint(-lo / scale), 0, 255))
    return np.float32(scale), np.uint8(zero)


def weight_quantization(w, axis):
    """int8 values and per-channel scales along `axis`, symmetric."""
    other = tuple(d for d in range(w.ndim) if d != axis)
    peak = np.abs(w).max(axis=other)
    scale = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    shape = [1] * w.ndim
    shape[axis] = -1
    q = np.clip(np.rint(w / scale.reshape(shape)), -127, 127).astype(np.int8)
    return q, scale


class Quantizer:
    def __init__(self, model, ranges, residuals, float_outputs=()):
        self.model = model
        self.residuals = residuals
        self.float_outputs = set(float_outputs)
        self.ranges = ranges
        self.inits = initializers(model)
        self.nodes = []
        self.new_inits = []
        self.quantized = {}  # activation name -> (dequantized name, scale)

    def constant(self, name, array):
        self.new_inits.append(numpy_helper.from_array(array, name))
        return name

    def activation(self, name):
        """`name` through QuantizeLinear and DequantizeLinear."""
        if name not in self.quantized:
            scale, zero = activation_quantization(*self.ranges[name])
            s = self.constant(name + ".scale", np.array(scale))
            z = self.constant(name + ".zero", np.array(zero))
            self.nodes.append(helper.make_node(
                "QuantizeLinear", [name, s, z], [name + ".q"],
                name=name + ".quantize"))
            self.nodes.append(helper.make_node(
                "DequantizeLinear", [name + ".q", s, z], [name + ".dq"],
                name=name + ".dequantize"))
            self.quantized[name] = (name + ".dq", scale)
        return self.quantized[name]

    def weights(self, name, axis):
        """Shared weights are quantized once."""
        if (name, axis) not in self.quantized:
            self.quantized[(name, axis)] = self.new_weights(name, axis)
        return self.quantized[(name, axis)]

    def new_weights(self, name, axis):
        w = numpy_helper.to_array(self.inits[name]).astype(np.float64)
        q, scale = weight_quantization(w, axis)
        qn = self.constant(name + ".int8", q)
        s = self.constant(name + ".wscale", scale)
        z = self.constant(name + ".wzero", np.zeros_like(scale, np.int8))
        self.nodes.append(helper.make_node(
            "DequantizeLinear", [qn, s, z], [name + ".dq"], axis=axis,
            name=name + ".dequantize"))
        return name + ".dq", scale

    def bias(self, name, scale):
        """Each use has its own scale, so its own int32 copy."""
        b = numpy_helper.to_array(self.inits[name]).astype(np.float64)
        q = np.rint(b / scale).astype(np.int32)
        base = f"{name}.{len(self.new_inits)}"
        qn = self.constant(base + ".int32", q)
        s = self.constant(base + ".bscale", scale.astype(np.float32))
        self.nodes.append(helper.make_node(
            "DequantizeLinear", [qn, s], [base + ".dq"], axis=0,
            name=base + ".dequantize"))
        return base + ".dq"

    def product(self, node):
        """Conv, MatMul or Gemm with constant weights, on quantized values."""
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        x, w = node.input[0], node.input[1]
        if x in self.inits or w not in self.inits:
            return node
        rank = len(self.inits[w].dims)
        if node.op_type == "Conv":
            axis = 0
        elif node.op_type == "Gemm" and not attrs.get("transA", 0):
            axis = 0 if attrs.get("transB", 0) else 1
        elif node.op_type == "MatMul" and rank == 2:
            axis = 1
        else:
            return node
        xdq, xscale = self.activation(x)
        wdq, wscale = self.weights(w, axis)
        inputs = [xdq, wdq]
        if len(node.input) > 2 and node.input[2]:
            b = node.input[2]
            channels = self.inits[w].dims[axis]
            if (b in self.inits and len(self.inits[b].dims) == 1
                    and self.inits[b].dims[0] == channels
                    and attrs.get("beta", 1.0) == 1.0):
                inputs.append(self.bias(b, np.float64(xscale) * wscale))
            else:
                inputs.append(b)
        out = helper.make_node(node.op_type, inputs, node.output,
                               name=node.name)
        out.attribute.extend(node.attribute)
        return out

    def residual_sum(self, node, constants):
        """An Add of two activations (a residual connection) reads them
        quantized, as onnxruntime's QDQ quantizer does; an Add of a constant
        (a bias) stays float."""
        if any(i in self.inits or i in constants or i not in self.ranges
               for i in node.input):
            return node
        out = helper.make_node("Add", [self.activation(i)[0]
                                       for i in node.input],
                               node.output, name=node.name)
        return out

    def run(self):
        graph = self.model.graph
        constants = {o for node in graph.node if node.op_type == "Constant"
                     for o in node.output}
        for node in graph.node:
            if node.op_type in ("Conv", "MatMul", "Gemm"):
                node = self.product(node)
            elif node.op_type == "Add" and self.residuals:
                node = self.residual_sum(node, constants)
            self.nodes.append(node)
        # The outputs, quantized too: their quantum is the tolerance.
        scales = []
        for output in graph.output:
            name = output.name
            if name in self.float_outputs:
                continue
            for node in self.nodes:
                node.output[:] = [name + ".float" if o == name else o
                                  for o in node.output]
                node.input[:] = [name + ".float" if i == name else i
                                 for i in node.input]
            self.ranges[name + ".float"] = self.ranges[name]
            dq, scale = self.activation(name + ".float")
            self.nodes[-1].output[0] = name
            scales.append(scale)
        used = {n for node in self.nodes for n in node.input}
        inits = [t for t in graph.initializer if t.name in used]
        del graph.node[:]
        graph.node.extend(self.nodes)
        del graph.initializer[:]
        graph.initializer.extend(inits + self.new_inits)
        return scales


def read_inputs(data_dir):
    """(name, array) of each input_<i>.pb in a test data set, in order."""
    inputs = []
    for path in sorted(glob.glob(os.path.join(data_dir, "input_*.pb"))):
        tensor = onnx.TensorProto()
        with open(path, "rb") as f:
            tensor.ParseFromString(f.read())
        inputs.append((tensor.name, numpy_helper.to_array(tensor)))
    return inputs


def main():
    args = sys.argv[1:]
    residuals = "--residuals" in args
    args = [a for a in args if a != "--residuals"]
    quanta = 1
    if "--quanta" in args:
        at = args.index("--quanta")
        quanta = int(args[at + 1])
        del args[at:at + 2]
    if len(args) != 2:
        sys.exit(__doc__)
    source, outdir = args
    model = onnx.load(os.path.join(source, "model.onnx"))
    bypass_constant_identities(model)
    fold_batch_norms(model)
    rng = np.random.default_rng(12)
    graph_inputs = [i for i in model.graph.input
                    if i.name not in initializers(model)]
    test_inputs = dict(read_inputs(sorted(glob.glob(
        os.path.join(source, "test_data_set_*")))[0]))
    ranges = {}
    for _ in range(CALIBRATION_SETS):
        feeds = {}
        for i in graph_inputs:
            shape = [d.dim_value for d in i.type.tensor_type.shape.dim]
            sample = test_inputs[i.name]
            if sample.dtype.kind in "iu":
                # Token ids, masks, positions: uniform over the test data's
                # range of values.
                feeds[i.name] = rng.integers(sample.min(), sample.max(),
                                             size=shape, endpoint=True,
                                             dtype=sample.dtype)
            else:
                feeds[i.name] = rng.standard_normal(shape).astype(np.float32)
        for name, value in onnx_numpy.run_all(model, feeds).items():
            if isinstance(value, np.ndarray) and value.dtype.kind == "f":
                lo, hi = ranges.get(name, (np.inf, -np.inf))
                ranges[name] = (min(lo, value.min()), max(hi, value.max()))
    # State outputs (a KV cache the next step reads back, lpuc-args'
    # --state OUTPUT=INPUT) stay float, as the cache does.
    lpuc_args = os.path.join(source, "lpuc-args")
    states = []
    if os.path.exists(lpuc_args):
        with open(lpuc_args) as f:
            words = f.read().split()
        states = [value.split("=")[0] for flag, value in zip(words, words[1:])
                  if flag == "--state"]
    scales = Quantizer(model, ranges, residuals, states).run()
    model.producer_name = "lpuc-tests quantize_models.py"
    save_model(model, outdir)
    if os.path.exists(lpuc_args):
        shutil.copyfile(lpuc_args, os.path.join(outdir, "lpuc-args"))
    for index, data in enumerate(sorted(glob.glob(
            os.path.join(source, "test_data_set_*")))):
        feeds = dict(read_inputs(data))
        outputs = onnx_numpy.run(model, feeds)
        save_data(outdir, list(feeds.items()), list(outputs.items()), index)
    # `quanta` of the (largest) output scale, and a little for the f32
    # rounding of the dequantized values.
    with open(os.path.join(outdir, "lpu-run-args"), "w") as f:
        f.write(f"--rtol 0 --atol {float(max(scales)) * quanta * 1.0001:.9g}\n")


if __name__ == "__main__":
    main()
