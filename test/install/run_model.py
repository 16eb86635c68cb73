"""The Python twin of consumer/run_model.c: runs a .lpu binary through the
installed lpu package with the same inputs and prints the same lines, so the
two outputs must be identical."""
import sys

import numpy as np

import lpu

program = lpu.Program(sys.argv[1])
inputs = {}
for tensor in program.inputs:
    count = int(np.prod(tensor.shape, dtype=np.int64))
    values = (np.arange(count) % 7 - 3).astype(np.float64)
    inputs[tensor.name] = values.astype(tensor.dtype).reshape(tensor.shape)
outputs = program.run(inputs)
for tensor in program.outputs:
    values = outputs[tensor.name].astype(np.float64).ravel()
    print(tensor.name + "".join(" %.9g" % v for v in values))
print("cycles %d" % program.stats["cycles"])
