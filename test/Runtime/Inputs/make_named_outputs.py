#!/usr/bin/python3
"""Writes a model whose outputs have names that are not file names.

Usage: make_named_outputs.py OUT.onnx ABSOLUTE_NAME

Outputs (each an Identity of x, 1x4 f32): '../escaped', ABSOLUTE_NAME,
'a/b', 'a_b' (what 'a/b' becomes as a file name) and '.hidden'.
"""
import sys

import onnx
from onnx import TensorProto, helper

path, absolute = sys.argv[1], sys.argv[2]
names = ["../escaped", absolute, "a/b", "a_b", ".hidden"]
nodes = [helper.make_node("Identity", ["x"], [n]) for n in names]
graph = helper.make_graph(
    nodes, "named", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
    [helper.make_tensor_value_info(n, TensorProto.FLOAT, [1, 4]) for n in names])
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]),
          path)
