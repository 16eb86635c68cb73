#!/usr/bin/python3
"""Checks a `lpuc --report=FILE` JSON report's physical floor against the
ONNX model, counted here independently: the MACs of every Conv, Gemm and
MatMul from the shapes ONNX infers, and the floor's cycles from the target's
published rates given on the command line.

Usage: check_floor.py MODEL.onnx REPORT.json MACS_PER_CYCLE
Prints "macs ok", per-node agreement and "floor ok", or what differs.
"""
import json
import math
import sys

import numpy as np
import onnx
from onnx import numpy_helper, shape_inference


def node_macs(model):
    model = shape_inference.infer_shapes(model)
    shapes = {}
    for info in list(model.graph.value_info) + list(model.graph.input) + list(
            model.graph.output):
        dims = info.type.tensor_type.shape.dim
        shapes[info.name] = [d.dim_value for d in dims]
    for init in model.graph.initializer:
        shapes[init.name] = list(init.dims)
    macs = {}
    for node in model.graph.node:
        if node.op_type == "Conv":
            w, y = shapes[node.input[1]], shapes[node.output[0]]
            macs[node.name] = int(np.prod(y)) * int(np.prod(w[1:]))
        elif node.op_type in ("Gemm", "MatMul"):
            a, y = shapes[node.input[0]], shapes[node.output[0]]
            trans_a = any(a.name == "transA" and a.i for a in node.attribute)
            k = a[-2] if trans_a else a[-1]
            macs[node.name] = int(np.prod(y)) * k
    return macs


def main():
    model = onnx.load(sys.argv[1])
    report = json.load(open(sys.argv[2]))
    rate = float(sys.argv[3])
    expected = node_macs(model)
    reported = {n["name"]: n["macs"] for n in report["nodes"] if "macs" in n}
    if reported != expected:
        print("macs differ:", reported, "expected", expected)
        return 1
    total = sum(expected.values())
    floor = report["floor"]
    if floor["macs"] != total:
        print("total macs differ:", floor["macs"], total)
        return 1
    print("macs ok", total)
    if floor["mac_cycles"] != math.ceil(total / rate):
        print("mac cycles differ:", floor["mac_cycles"], math.ceil(total / rate))
        return 1
    cycles = max(floor["mac_cycles"], floor["weight_cycles"],
                 floor["io_cycles"])
    ratio = cycles / report["cycles"]
    if floor["cycles"] != cycles or abs(floor["floor_over_cycles"] - ratio) > 1e-9:
        print("floor differs:", floor)
        return 1
    print("floor ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
