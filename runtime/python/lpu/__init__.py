"""Run LPU programs (.lpu binaries) on the reference backend, and compile ONNX
models to them with the installed lpuc.

    import lpu, numpy as np
    program = lpu.Program("model.lpu")
    print(program.inputs)            # [Tensor(name='x', shape=(1, 64), dtype=float32)]
    outputs = program.run({"x": np.zeros((1, 64), np.float32)})
    print(program.stats["cycles"])

Runtime failures raise lpu.Error with the runtime's message; wrong input names,
dtypes and shapes raise KeyError, TypeError and ValueError naming the tensor.
"""

import os
import shutil
import subprocess
from typing import Dict, List, NamedTuple, Tuple

import numpy as np

from ._errors import Error
from . import _lpu
from ._paths import LPUC_FROM_PACKAGE

__all__ = ["Error", "Program", "Tensor", "compile", "API_VERSION"]

API_VERSION = _lpu.API_VERSION

# lpu_dtype (ONNX numbering) -> numpy. bfloat16 has no numpy type: such
# tensors are passed as their uint16 bit patterns.
_DTYPES = {
    1: np.float32, 2: np.uint8, 3: np.int8, 4: np.uint16, 5: np.int16,
    6: np.int32, 7: np.int64, 9: np.bool_, 10: np.float16, 11: np.float64,
    12: np.uint32, 13: np.uint64, 16: np.uint16,
}


class Tensor(NamedTuple):
    """An input or output: its name, shape and numpy dtype."""
    name: str
    shape: Tuple[int, ...]
    dtype: np.dtype


def _tensors(described) -> List[Tensor]:
    return [Tensor(t["name"], tuple(t["shape"]), np.dtype(_DTYPES[t["dtype"]]))
            for t in described]


class Program:
    """A loaded .lpu binary. Runs share one execution: a state output (a KV
    cache) carries its value to the next run."""

    def __init__(self, path):
        self._program = _lpu.Program(os.fspath(path))
        self.inputs: List[Tensor] = _tensors(self._program.inputs())
        self.outputs: List[Tensor] = _tensors(self._program.outputs())
        self._state_inputs = {
            t.name for i, t in enumerate(self.inputs)
            if self._program.state_output(i) >= 0}

    @property
    def target(self) -> str:
        """The chip the program was compiled for, e.g. 'lpu-v1'."""
        return self._program.target()

    @property
    def producer(self) -> str:
        """The compiler and version that made it, e.g. 'lpuc 0.1.0'."""
        return self._program.producer()

    @property
    def provenance(self) -> Dict[str, str]:
        """What it was made from: model.sha256, target, target.sha256,
        precision, flags (docs/binary-format.md)."""
        return self._program.provenance()

    @property
    def stats(self) -> dict:
        """The last run's cycles, latency_us and per-unit utilization
        ('units': kind, index, slice, busy_cycles, utilization)."""
        return self._program.stats()

    def run(self, inputs: Dict[str, np.ndarray]) -> Dict[str, np.ndarray]:
        """Runs the program on `inputs` (name -> array of exactly the input's
        dtype and shape; state inputs may be left out) and returns every
        output by name."""
        if not isinstance(inputs, dict):
            raise TypeError("Program.run takes a dict of input name -> array")
        known = {t.name for t in self.inputs}
        for name in inputs:
            if name not in known:
                raise KeyError(f"unknown input '{name}' (the program takes "
                               + ", ".join(sorted(known)) + ")")
        for index, tensor in enumerate(self.inputs):
            if tensor.name not in inputs:
                if tensor.name in self._state_inputs:
                    continue
                raise KeyError(f"missing input '{tensor.name}'")
            value = np.asarray(inputs[tensor.name])
            if value.dtype != tensor.dtype:
                raise TypeError(f"input '{tensor.name}' has dtype {value.dtype}, "
                                f"the program takes {tensor.dtype}")
            if value.shape != tensor.shape:
                raise ValueError(f"input '{tensor.name}' has shape {value.shape}, "
                                 f"the program takes {tensor.shape}")
            self._program.set_input(index, np.ascontiguousarray(value))
        self._program.run()
        results = {}
        for index, tensor in enumerate(self.outputs):
            out = np.empty(tensor.shape, tensor.dtype)
            self._program.get_output(index, out)
            results[tensor.name] = out
        return results


def _lpuc() -> str:
    """The lpuc installed with this package, else $LPUC, else lpuc on PATH."""
    beside = os.path.normpath(
        os.path.join(os.path.dirname(__file__), LPUC_FROM_PACKAGE))
    for candidate in (beside, os.environ.get("LPUC"), shutil.which("lpuc")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise Error("lpuc not found (beside the lpu package, $LPUC or PATH)")


def compile(model_path, output=None, **options) -> str:
    """Compiles an ONNX model with lpuc and returns the .lpu path (default:
    the model's, with .lpu). Options are lpuc's flags, dashes as underscores:
    target='lpu-tiny', precision='fp16', f64_as_f32=True, shape=['x=1x3'].
    lpuc's error message is the lpu.Error's."""
    model_path = os.fspath(model_path)
    if output is None:
        output = os.path.splitext(model_path)[0] + ".lpu"
    command = [_lpuc(), model_path, "-o", os.fspath(output)]
    for key, value in sorted(options.items()):
        flag = "--" + key.replace("_", "-")
        if value is True:
            command.append(flag)
        elif value is False or value is None:
            continue
        elif isinstance(value, (list, tuple)):
            command.extend(f"{flag}={v}" for v in value)
        else:
            command.append(f"{flag}={value}")
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise Error(done.stderr.strip() or f"lpuc exited with {done.returncode}")
    return os.fspath(output)
