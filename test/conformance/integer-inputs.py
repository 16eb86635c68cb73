#!/usr/bin/python3
"""Prints NAME=PATH for each int64 input of an ONNX test-data directory.

Usage: integer-inputs.py TEST_DATA_SET_DIR

The conformance harness fixes these at compile time (lpuc --input-value) for
node tests whose shape operands (Slice starts, Pad pads, Tile repeats, ...)
or gather indices are graph inputs, since an LPU program is static. Shape
computations (ConstantOfShape, Range...) then fold away entirely, as they
would in a real model.
"""

import glob
import os
import sys

import onnx


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    bound = []
    for path in sorted(glob.glob(os.path.join(sys.argv[1], "input_*.pb"))):
        tensor = onnx.TensorProto()
        with open(path, "rb") as f:
            tensor.ParseFromString(f.read())
        if tensor.data_type == onnx.TensorProto.INT64 and tensor.name:
            bound.append(f"{tensor.name}={path}")
    if bound:
        print("\n".join(bound))


if __name__ == "__main__":
    main()
