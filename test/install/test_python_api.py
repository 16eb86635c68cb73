"""The lpu Python package on the mlp test model (argv[1]: its ONNX file),
compiled with lpu.compile: queries, runs, statistics, provenance, and the
errors a user can cause, each naming the tensor or carrying the runtime's
or lpuc's message."""
import hashlib
import os
import sys
import tempfile
import unittest

import numpy as np

import lpu

MODEL = sys.argv[1]
WORK = tempfile.TemporaryDirectory()
BINARY = os.path.join(WORK.name, "mlp.lpu")


def setUpModule():
    lpu.compile(MODEL, BINARY, target="lpu-tiny")


class ProgramTest(unittest.TestCase):
    def setUp(self):
        self.program = lpu.Program(BINARY)
        self.x = np.linspace(-1, 1, 4 * 64, dtype=np.float32).reshape(4, 64)

    def test_describes_inputs_and_outputs(self):
        self.assertEqual(self.program.inputs,
                         [lpu.Tensor("x", (4, 64), np.dtype(np.float32))])
        self.assertEqual(self.program.outputs,
                         [lpu.Tensor("y", (4, 10), np.dtype(np.float32))])
        self.assertEqual(self.program.target, "lpu-tiny")
        self.assertRegex(self.program.producer, r"^lpuc \d+\.\d+\.\d+$")

    def test_provenance_names_the_model(self):
        with open(MODEL, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        provenance = self.program.provenance
        self.assertEqual(provenance["model.sha256"], digest)
        self.assertEqual(provenance["target"], "lpu-tiny")
        self.assertEqual(len(provenance["target.sha256"]), 64)
        self.assertEqual(provenance["precision"], "fp32")
        self.assertIn("--target=lpu-tiny", provenance["flags"])

    def test_runs_are_deterministic_and_counted(self):
        first = self.program.run({"x": self.x})
        self.assertEqual(set(first), {"y"})
        self.assertEqual(first["y"].shape, (4, 10))
        self.assertEqual(first["y"].dtype, np.float32)
        self.assertTrue(np.isfinite(first["y"]).all())
        again = self.program.run({"x": self.x})
        np.testing.assert_array_equal(first["y"], again["y"])
        stats = self.program.stats
        self.assertGreater(stats["cycles"], 0)
        self.assertAlmostEqual(stats["latency_us"],
                               stats["cycles"] / stats["clock_mhz"], places=6)
        self.assertTrue(stats["units"])
        for unit in stats["units"]:
            self.assertIn(unit["kind"], {"mem", "vxm", "mxm", "sxm", "mxw"})
            self.assertTrue(0 < unit["utilization"] <= 1)

    def test_refuses_wrong_inputs_naming_the_tensor(self):
        with self.assertRaisesRegex(TypeError, "input 'x' has dtype float64"):
            self.program.run({"x": self.x.astype(np.float64)})
        with self.assertRaisesRegex(ValueError, r"input 'x' has shape \(4, 63\)"):
            self.program.run({"x": self.x[:, :63]})
        with self.assertRaisesRegex(KeyError, "missing input 'x'"):
            self.program.run({})
        with self.assertRaisesRegex(KeyError, "unknown input 'z'"):
            self.program.run({"x": self.x, "z": self.x})
        with self.assertRaises(TypeError):
            self.program.run([self.x])

    def test_a_strided_input_is_taken_as_its_values(self):
        wide = np.zeros((4, 128), np.float32)
        wide[:, ::2] = self.x
        strided = self.program.run({"x": wide[:, ::2]})
        np.testing.assert_array_equal(strided["y"],
                                      self.program.run({"x": self.x})["y"])


class ErrorTest(unittest.TestCase):
    def test_runtime_errors_carry_its_message(self):
        with self.assertRaisesRegex(lpu.Error, "cannot open file"):
            lpu.Program("/nonexistent/model.lpu")
        with tempfile.TemporaryDirectory() as tmp:
            newer = os.path.join(tmp, "newer.lpu")
            with open(BINARY, "rb") as f:
                data = bytearray(f.read())
            major = int.from_bytes(data[8:10], "little")
            minor = int.from_bytes(data[10:12], "little")
            data[8:10] = (major + 1).to_bytes(2, "little")
            with open(newer, "wb") as f:
                f.write(data)
            with self.assertRaisesRegex(
                    lpu.Error, f"unsupported format version {major + 1}\\.{minor} "
                    f"\\(this runtime reads {major}\\.x\\)"):
                lpu.Program(newer)

    def test_compile_reports_lpucs_error(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "m.lpu")
            self.assertEqual(lpu.compile(MODEL, out, target="lpu-tiny"), out)
            with open(out, "rb") as a, open(BINARY, "rb") as b:
                self.assertEqual(a.read(), b.read())
            with self.assertRaisesRegex(lpu.Error, "unknown --precision value"):
                lpu.compile(MODEL, out, target="lpu-tiny", precision="fp8")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=1)
