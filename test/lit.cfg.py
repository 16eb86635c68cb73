# lit configuration for lpuc. Tools come from the build directory given as
# the lit parameter `lpu_build_dir` (set by ctest and the check-lpuc target).
import os

import lit.formats

config.name = "lpuc"
# Tests use the shell (pipes, `$?`), so run them with bash.
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "models", "unit", "e2e", "CMakeLists.txt"]
config.test_source_root = os.path.dirname(__file__)

build_dir = lit_config.params.get("lpu_build_dir")
if not build_dir:
    lit_config.fatal("run lit with --param lpu_build_dir=<cmake build dir>")
llvm_tools_dir = lit_config.params.get("llvm_tools_dir", "/usr/lib/llvm-22/bin")
python = lit_config.params.get("python", "/usr/bin/python3")
# ctest runs each file in its own lit process; separate execution roots keep
# them from racing on lit's shared timing file.
config.test_exec_root = lit_config.params.get(
    "lpu_exec_root", os.path.join(build_dir, "test"))

config.environment["PATH"] = os.pathsep.join(
    [os.path.join(build_dir, "bin"), llvm_tools_dir, config.environment.get("PATH", "")])
config.substitutions.append(("%python", python))
config.substitutions.append(
    ("%make_model", python + " " + os.path.join(config.test_source_root, "models", "make_models.py")))
# A command that must refuse its input (exit 1) within 2 s and 200 MiB.
config.substitutions.append(
    ("%refused_within", python + " " + os.path.join(config.test_source_root, "Inputs", "refused_within.py") + " 2 200"))
config.substitutions.append(("%onnx_node_tests", "/usr/share/libonnx-testdata/data/node"))
