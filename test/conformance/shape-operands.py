#!/usr/bin/python3
"""Prints NAME=PATH for each graph input a node test gives as a shape operand.

Usage: shape-operands.py MODEL_DIR TEST_DATA_SET_DIR

An LPU program is static, so operands that fix an output's shape or which
elements move where (Slice starts, Pad pads, Resize sizes, Gather indices,
Reshape shapes, Range bounds...) must be known at compile time, and so must
recurrent layers' weights, which lpuc unrolls into their steps, and the
quantization parameters and weights of int8 products (real models hold
them as initializers; lpuc folds them into the product). ONNX node
tests give even these as graph inputs; the conformance harness fixes the
ones used only in such positions at compile time (lpuc --input-value) and
leaves every data input to run time.
"""

import os
import sys

import onnx

# Operator -> input positions that are shape operands (opsets <= 17).
SHAPE_OPERANDS = {
    "ConstantOfShape": {0},
    # Recurrent layers' weights, biases, sequence lengths and peepholes.
    "GRU": {1, 2, 3, 4},
    "LSTM": {1, 2, 3, 4, 7},
    "RNN": {1, 2, 3, 4},
    # Scales, zero points and weights of quantization and int8 products.
    "QuantizeLinear": {1, 2},
    "DequantizeLinear": {1, 2},
    "QLinearMatMul": {1, 2, 3, 4, 5, 6, 7},
    "QLinearConv": {1, 2, 3, 4, 5, 6, 7, 8},
    "MatMulInteger": {1, 2, 3},
    "ConvInteger": {1, 2, 3},
    # A Loop's trip count and initial condition: lpuc unrolls it.
    "Loop": {0, 1},
    "Expand": {1},
    "Gather": {1},
    "OneHot": {1, 2},
    "Pad": {1, 3},
    "Range": {0, 1, 2},
    "Reshape": {1},
    "Resize": {1, 2, 3},
    "Slice": {1, 2, 3, 4},
    "Split": {1},
    "Squeeze": {1},
    "Tile": {1},
    "Trilu": {1},
    "Unsqueeze": {1},
    "Upsample": {1},
    "ReduceSum": {1},
}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    model_dir, data_dir = sys.argv[1:]
    graph = onnx.load(os.path.join(model_dir, "model.onnx")).graph
    initializers = {t.name for t in graph.initializer}
    inputs = [i.name for i in graph.input if i.name not in initializers]
    uses = {name: [] for name in inputs}
    for node in graph.node:
        for position, name in enumerate(node.input):
            if name in uses:
                shape_operand = position in SHAPE_OPERANDS.get(node.op_type, ())
                uses[name].append(shape_operand)
    for index, name in enumerate(inputs):
        if uses[name] and all(uses[name]):
            path = os.path.join(data_dir, f"input_{index}.pb")
            if os.path.exists(path):
                print(f"{name}={path}")


if __name__ == "__main__":
    main()
