#!/usr/bin/env bash
# Installs every Debian 12 package lpuc needs to build, test and make test models.
# Safe to re-run; must run as root (or with sudo available).
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

PACKAGES=(
  # Toolchain and build.
  build-essential cmake ninja-build ccache git bc
  # MLIR/LLVM 22 (headers, CMake config, lit, FileCheck, mlir-tblgen).
  libmlir-22-dev mlir-22-tools llvm-22-dev llvm-22-tools
  # ONNX import: libonnx with checker and shape inference, protobuf.
  libonnx-dev libprotobuf-dev protobuf-compiler
  # Command-line parsing; JSON for target description files.
  libcli11-dev nlohmann-json3-dev
  # The binary format's checksum (CRC-32).
  zlib1g-dev
  # Unit tests.
  googletest libgtest-dev
  # The runtime's Python bindings (python3-dev for the headers) and Debian
  # packages of the install (cpack -G DEB runs dpkg-shlibdeps from dpkg-dev).
  pybind11-dev python3-dev dpkg-dev file pkgconf
  # ONNX conformance data and test-model generation (never used by the compiler itself).
  libonnx-testdata python3 python3-onnx python3-numpy
  # Real-model tests: export ResNet-18, MobileNetV2 and a transformer encoder with torch.
  python3-torch python3-torchvision
)

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"
