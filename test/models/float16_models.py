#!/usr/bin/python3
"""Converts a float ONNX model to fp16, as fp16 converters do (every float
tensor f16: weights, graph inputs and outputs, Casts to float, constants),
with reference outputs computed exactly from the f16 model's values.

Usage: float16_models.py FLOAT_MODEL_DIR OUTDIR

FLOAT_MODEL_DIR holds model.onnx and test_data_set_*/ (make_models.py or
make_torch_models.py). OUTDIR gets the f16 model.onnx, each data set's
inputs rounded to f16, and the outputs onnx_numpy computes from those
inputs and the f16 weights in float64 (saved as float32): the reference
for an LPU that computes in f32 and rounds to f16 at the outputs. The
source's lpuc-args (a decoder's --state caches) are copied.
"""

import glob
import os
import shutil
import sys

import numpy as np
import onnx
from onnx import TensorProto, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnx_numpy  # noqa: E402
from make_models import save_data, save_model  # noqa: E402
from quantize_models import read_inputs  # noqa: E402


def to_half(tensor):
    """A FLOAT TensorProto as FLOAT16 (others unchanged)."""
    if tensor.data_type != TensorProto.FLOAT:
        return tensor
    return numpy_helper.from_array(
        numpy_helper.to_array(tensor).astype(np.float16), tensor.name)


def convert(model):
    graph = model.graph
    halves = [to_half(t) for t in graph.initializer]
    del graph.initializer[:]
    graph.initializer.extend(halves)
    for info in list(graph.input) + list(graph.output) + list(graph.value_info):
        if info.type.tensor_type.elem_type == TensorProto.FLOAT:
            info.type.tensor_type.elem_type = TensorProto.FLOAT16
    for node in graph.node:
        for attr in node.attribute:
            if node.op_type == "Cast" and attr.name == "to" and \
                    attr.i == TensorProto.FLOAT:
                attr.i = TensorProto.FLOAT16
            elif attr.type == attr.TENSOR:
                attr.t.CopyFrom(to_half(attr.t))
    model.producer_name = "lpuc-tests float16_models.py"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    source, outdir = sys.argv[1:]
    model = onnx.load(os.path.join(source, "model.onnx"))
    convert(model)
    save_model(model, outdir)
    lpuc_args = os.path.join(source, "lpuc-args")
    if os.path.exists(lpuc_args):
        shutil.copyfile(lpuc_args, os.path.join(outdir, "lpuc-args"))
    for index, data in enumerate(sorted(glob.glob(
            os.path.join(source, "test_data_set_*")))):
        feeds = {name: value.astype(np.float16) if value.dtype.kind == "f"
                 else value for name, value in read_inputs(data)}
        outputs = onnx_numpy.run(model, feeds)
        save_data(outdir, list(feeds.items()), list(outputs.items()), index)


if __name__ == "__main__":
    main()
