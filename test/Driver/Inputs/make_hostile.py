#!/usr/bin/python3
"""Writes small ONNX files that ask for huge or inconsistent tensors.

Usage: make_hostile.py OUT_DIR

range.onnx       Range(0, 2^40, 1) of constants
fill.onnx        ConstantOfShape([2^20, 2^20])
huge-input.onnx  a Relu on a 1x3x100000x100000 input
reshape.onnx     a Reshape of a 2x3 input to [4, 2]
negative-pads.onnx, huge-pads.onnx, huge-kernel.onnx, groups.onnx
                 a 3x3 Conv over 1x3x8x8 with pads -2, pads 100000, a 9x9
                 kernel, group 2 (which divides neither 3 nor 4 channels)
channels.onnx, transposed-channels.onnx
                 a Conv and a ConvTranspose over 1x3x8x8 whose weights take
                 4 input channels
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
value = h.make_tensor_value_info


def save(name, nodes, inputs, outputs, initializers=(), opset=13):
    graph = h.make_graph(nodes, name, inputs, outputs, list(initializers))
    model = h.make_model(graph, opset_imports=[h.make_opsetid("", opset)])
    onnx.save(model, os.path.join(out, name + ".onnx"))


def ints(name, values):
    return nh.from_array(np.array(values, np.int64), name)


save("range", [h.make_node("Range", ["s", "l", "d"], ["y"])], [],
     [value("y", T.INT64, ["n"])],
     [ints("s", 0), ints("l", 2**40), ints("d", 1)])
save("fill", [h.make_node("ConstantOfShape", ["s"], ["y"])], [],
     [value("y", T.FLOAT, ["a", "b"])], [ints("s", [2**20, 2**20])])
save("huge-input", [h.make_node("Relu", ["x"], ["y"])],
     [value("x", T.FLOAT, [1, 3, 100000, 100000])],
     [value("y", T.FLOAT, [1, 3, 100000, 100000])])
save("reshape", [h.make_node("Reshape", ["x", "s"], ["y"])],
     [value("x", T.FLOAT, [2, 3])], [value("y", T.FLOAT, ["a", "b"])],
     [ints("s", [4, 2])])


weights = nh.from_array(np.ones((4, 3, 3, 3), np.float32), "w")
image = value("x", T.FLOAT, [1, 3, 8, 8])
unknown = [value("y", T.FLOAT, ["n", "c", "h", "w"])]
save("negative-pads", [h.make_node("Conv", ["x", "w"], ["y"], pads=[-2] * 4)],
     [image], unknown, [weights])
save("huge-pads", [h.make_node("Conv", ["x", "w"], ["y"], pads=[100000] * 4)],
     [image], unknown, [weights])
save("huge-kernel", [h.make_node("Conv", ["x", "w9"], ["y"])], [image], unknown,
     [nh.from_array(np.ones((4, 3, 9, 9), np.float32), "w9")])
save("groups", [h.make_node("Conv", ["x", "w"], ["y"], group=2)], [image],
     unknown, [weights])
wrong = nh.from_array(np.ones((4, 4, 3, 3), np.float32), "w4")
save("channels", [h.make_node("Conv", ["x", "w4"], ["y"])], [image], unknown,
     [wrong])
save("transposed-channels", [h.make_node("ConvTranspose", ["x", "w4"], ["y"])],
     [image], unknown, [wrong])

# Attributes ONNX 1.12's own shape inference trusts (fuzzing found both):
# a stride of 0 divided by zero, an axis far out of range indexed past the
# shape.
save("zero-stride", [h.make_node("Conv", ["x", "w"], ["y"], strides=[2, 0])],
     [image], unknown, [weights])
scale = nh.from_array(np.ones((8,), np.float32), "scale")
save("layernorm-axis",
     [h.make_node("LayerNormalization", ["x", "scale"], ["y", "mean"],
                  axis=-33554433)],
     [image], unknown + [value("mean", T.FLOAT, ["a", "b", "c", "d"])],
     [scale], opset=17)

# Shape operands whose values no shape can have: named, not left dynamic
# (which the user was told to fix with --shape).
save("negative-fill", [h.make_node("ConstantOfShape", ["s"], ["y"])], [],
     [value("y", T.FLOAT, ["a", "b"])], [ints("s", [2, -3])])
save("zero-delta", [h.make_node("Range", ["s", "l", "d"], ["y"])], [],
     [value("y", T.INT64, ["n"])], [ints("s", 0), ints("l", 4), ints("d", 0)])
save("onehot-depth", [h.make_node("OneHot", ["i", "d", "v"], ["y"])],
     [value("i", T.INT64, [3])], [value("y", T.FLOAT, ["a", "b"])],
     [ints("d", -2), nh.from_array(np.array([0, 1], np.float32), "v")])
# A declared shape ONNX's inference contradicts: its message comes without
# the header of the usual ones.
save("declared-rank", [h.make_node("Gather", ["x", "i"], ["y"], axis=1)],
     [value("x", T.FLOAT, [2, 4, 6])], [value("y", T.FLOAT, ["a", "b"])],
     [ints("i", [3])])
# ONNX's DepthToSpace and SpaceToDepth inference divide by the block without
# checking that it divides the channels or the image; a block larger than
# them leaves an empty result.
save("depth-blocks", [h.make_node("DepthToSpace", ["x"], ["y"], blocksize=2)],
     [value("x", T.FLOAT, [1, 3, 3, 3])], [value("y", T.FLOAT, "nchw")])
save("space-blocks", [h.make_node("SpaceToDepth", ["x"], ["y"], blocksize=2)],
     [value("x", T.FLOAT, [1, 4, 4, 1])], [value("y", T.FLOAT, "nchw")])
