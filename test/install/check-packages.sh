#!/usr/bin/env bash
# Makes the Debian packages (cpack -G DEB) and checks each one's name,
# dependencies and contents: the runtime library package needs nothing of
# the compiler's, the -dev package pins it, the tools carry the compiler.
# Usage: check-packages.sh BUILD_DIR WORK_DIR
set -euo pipefail
build=$1 work=$2
rm -rf "$work" && mkdir -p "$work"
(cd "$build" && cpack -G DEB -B "$work" > "$work/cpack.log")
api=$(sed -n 's/^#define LPU_RUNTIME_API_VERSION \([0-9]*\)$/\1/p' \
  "$(dirname "$0")/../../runtime/include/lpu/runtime.h")

field() { dpkg-deb -f "$work/$1"_*.deb "$2"; }
contents() { dpkg-deb -c "$work/$1"_*.deb | awk '{print $6}'; }
expect() { # PACKAGE PATTERN: some file of PACKAGE matches
  contents "$1" | grep -Eq "$2" || { echo "$1 lacks $2" >&2; exit 1; }
}

runtime=liblpu-runtime$api
expect "$runtime" "^\./usr/lib/liblpu-runtime\.so\.$api$"
if field "$runtime" Depends | grep -Ei 'mlir|llvm|onnx|protobuf'; then
  echo "$runtime depends on the compiler's libraries" >&2
  exit 1
fi
if contents "$runtime" | grep -v "/$" |
    grep -Ev "^\./usr/lib/liblpu-runtime\.so\.$api(\.[0-9.]+)?$"; then
  echo "$runtime holds more than the library" >&2
  exit 1
fi

field liblpu-runtime-dev Depends | grep -q "^$runtime (= "
for file in 'include/lpu/runtime\.h' 'lib/liblpu-runtime\.so$' \
    'lib/cmake/lpuc/lpucConfig\.cmake' 'lib/pkgconfig/lpuc-runtime\.pc'; do
  expect liblpu-runtime-dev "^\./usr/$file"
done

for tool in lpuc lpu-run lpu-objdump lpu-opt; do
  expect lpuc "^\./usr/bin/$tool$"
done
expect lpuc '^\./usr/share/lpuc/targets/lpu-v1\.json$'
field lpuc Depends | grep -q "libmlir-22"

expect python3-lpu '^\./usr/lib/python3/dist-packages/lpu/__init__\.py$'
expect python3-lpu '^\./usr/lib/python3/dist-packages/lpu/_lpu\..*\.so$'
field python3-lpu Depends | grep -q "^$runtime (= .*python3-numpy"

for deb in "$work"/*.deb; do
  echo "$(basename "$deb"): $(stat -c %s "$deb") bytes; Depends: $(dpkg-deb -f "$deb" Depends)"
done
