#!/usr/bin/env bash
# Installs the build into a temporary prefix and uses it as a user would:
# the installed lpuc compiles a model; a separate C project finds the runtime
# with find_package(lpuc) and runs it, as does a program built with
# pkg-config; the installed Python package runs it too, from the prefix and
# after the prefix has moved. All three must print the same numbers.
# Usage: check-install.sh BUILD_DIR MODEL_DIR WORK_DIR PYTHON
set -euo pipefail
build=$1 model=$2 work=$3 python=$4
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work"
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" > "$work/install.log"

libdir=$(sed -n 's/^libdir=\${prefix}\///p' "$prefix"/lib*/pkgconfig/lpuc-runtime.pc)
pydir=$(cd "$prefix" && ls -d lib/python3*/dist-packages)
for file in bin/lpuc bin/lpu-run bin/lpu-objdump bin/lpu-opt \
    "$libdir/liblpu-runtime.so" include/lpu/runtime.h \
    "$libdir/cmake/lpuc/lpucConfig.cmake" share/lpuc/targets/lpu-v1.json \
    "$pydir/lpu/__init__.py"; do
  [[ -e $prefix/$file ]] || { echo "not installed: $file" >&2; exit 1; }
done
soname=$(objdump -p "$prefix/$libdir/liblpu-runtime.so" | awk '/SONAME/ {print $2}')
api=$(sed -n 's/^#define LPU_RUNTIME_API_VERSION \([0-9]*\)$/\1/p' "$prefix/include/lpu/runtime.h")
[[ $soname == "liblpu-runtime.so.$api" ]] || { echo "SONAME $soname, API $api" >&2; exit 1; }
# The runtime carries nothing of the compiler's.
if objdump -p "$prefix/$libdir/liblpu-runtime.so" | grep NEEDED |
    grep -Ei 'mlir|llvm|onnx|protobuf'; then
  echo "the runtime library needs compiler libraries" >&2
  exit 1
fi
if nm -D --defined-only "$prefix/$libdir/liblpu-runtime.so" | awk '{print $3}' |
    grep -v '^lpu_'; then
  echo "the runtime library exports more than the C API" >&2
  exit 1
fi

"$prefix/bin/lpuc" "$model/model.onnx" --target=lpu-tiny -o "$work/model.lpu"
"$prefix/bin/lpu-objdump" --info "$work/model.lpu" | grep -q "; model.sha256: "
"$prefix/bin/lpu-run" "$work/model.lpu" --test-data "$model/test_data_set_0" -q

cmake -S "$here/consumer" -B "$work/consumer" -G Ninja \
  -DCMAKE_PREFIX_PATH="$prefix" > "$work/consumer.log"
cmake --build "$work/consumer" >> "$work/consumer.log"
"$work/consumer/run-model" "$work/model.lpu" > "$work/c.txt"

export PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig
# shellcheck disable=SC2046
cc "$here/consumer/run_model.c" -o "$work/run-model-pc" \
  $(pkg-config --cflags --libs lpuc-runtime) \
  -Wl,-rpath,"$(pkg-config --variable=libdir lpuc-runtime)"
"$work/run-model-pc" "$work/model.lpu" > "$work/pc.txt"

PYTHONPATH=$prefix/$pydir "$python" "$here/run_model.py" "$work/model.lpu" \
  > "$work/py.txt"
# lpu.compile runs the lpuc installed beside the package: the same bytes.
PYTHONPATH=$prefix/$pydir PATH=/usr/bin:/bin "$python" -c \
  "import lpu, sys; lpu.compile(sys.argv[1], sys.argv[2], target='lpu-tiny')" \
  "$model/model.onnx" "$work/from-python.lpu"
cmp "$work/model.lpu" "$work/from-python.lpu"
mv "$prefix" "$work/moved"
PYTHONPATH=$work/moved/$pydir "$python" "$here/run_model.py" "$work/model.lpu" \
  > "$work/py-moved.txt"

diff "$work/c.txt" "$work/pc.txt"
diff "$work/c.txt" "$work/py.txt"
diff "$work/c.txt" "$work/py-moved.txt"
grep -q "^cycles [1-9]" "$work/c.txt"
echo "install ok: $(wc -l < "$work/c.txt") lines agree (C via find_package and pkg-config, Python)"
