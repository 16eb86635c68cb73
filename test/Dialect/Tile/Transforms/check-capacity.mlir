// RUN: lpu-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(tile-check-capacity))' | FileCheck %s
// lpu-tiny: 8 MEM slices x 4096 addresses of 16 bytes = 512 KiB; an f32
// vector of 16 lanes takes 4 addresses.

// Fits: the program is left as it is.
// CHECK-LABEL: func.func @fits
// CHECK: tile.matmul
module attributes {tile.target = "lpu-tiny"} {
  func.func @fits(%a: tensor<4x32xf32>) -> tensor<4x16xf32> {
    %w = arith.constant dense<1.0> : tensor<32x16xf32>
    %0 = tile.matmul %a, %w [] {batches = array<i64: 0, 0, 0>, k = 32 : i64, m = 4 : i64, n = 16 : i64, packed_weights} : tensor<4x32xf32>, tensor<32x16xf32> -> tensor<4x16xf32>
    return %0 : tensor<4x16xf32>
  }
}

// -----

// Packed weights of 40000 rows (one vector each), an input of 2500 vectors
// and a result of one, all live at the product.
module attributes {tile.target = "lpu-tiny"} {
  // expected-error @+1 {{the model needs at least 2.59 MiB of SRAM (weights 2.44 MiB, live tensors 156.3 KiB) but lpu-tiny holds 512.0 KiB}}
  func.func @weights(%a: tensor<1x40000xf32>) -> tensor<1x16xf32> {
    %w = arith.constant dense<1.0> : tensor<40000x16xf32>
    %0 = tile.matmul %a, %w [] {batches = array<i64: 0, 0, 0>, k = 40000 : i64, m = 1 : i64, n = 16 : i64, packed_weights} : tensor<1x40000xf32>, tensor<40000x16xf32> -> tensor<1x16xf32>
    return %0 : tensor<1x16xf32>
  }
}

// -----

// Two 20000-vector tensors live at once; the reshape shares its input's
// rows, so it adds nothing.
module attributes {tile.target = "lpu-tiny"} {
  // expected-error @+1 {{the model needs at least 2.44 MiB of SRAM (weights 0 B, live tensors 2.44 MiB) but lpu-tiny holds 512.0 KiB}}
  func.func @activations(%x: tensor<20000x16xf32>) -> tensor<2x10000x16xf32> {
    %0 = tile.map(%x) [in0, relu] : (tensor<20000x16xf32>) -> tensor<20000x16xf32>
    %1 = tile.reshape %0 : tensor<20000x16xf32> -> tensor<2x10000x16xf32>
    return %1 : tensor<2x10000x16xf32>
  }
}

// -----

// A scalar constant takes one vector.
// CHECK-LABEL: func.func @scalar
module attributes {tile.target = "lpu-tiny"} {
  func.func @scalar(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
    %s = arith.constant dense<2.0> : tensor<f32>
    %0 = tile.map(%x, %s) [in0, mul in1] : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
    return %0 : tensor<4x16xf32>
  }
}

// -----

// Weight tiles are stored in the MXM's precision: 12000 rows of 16 weights
// take 750 KiB in f32, which with the input does not fit lpu-tiny ...
module attributes {tile.target = "lpu-tiny", tile.precision = f32} {
  // expected-error @+1 {{the model needs at least 796.9 KiB of SRAM (weights 750.0 KiB, live tensors 46.9 KiB) but lpu-tiny holds 512.0 KiB}}
  func.func @f32_weights(%a: tensor<1x12000xf32>) -> tensor<1x16xf32> {
    %w = arith.constant dense<1.0> : tensor<12000x16xf32>
    %0 = tile.matmul %a, %w [] {batches = array<i64: 0, 0, 0>, k = 12000 : i64, m = 1 : i64, n = 16 : i64, packed_weights} : tensor<1x12000xf32>, tensor<12000x16xf32> -> tensor<1x16xf32>
    return %0 : tensor<1x16xf32>
  }
}

// -----

// ... and half that in f16, which does.
// CHECK-LABEL: func.func @f16_weights
module attributes {tile.target = "lpu-tiny", tile.precision = f16} {
  func.func @f16_weights(%a: tensor<1x12000xf32>) -> tensor<1x16xf32> {
    %w = arith.constant dense<1.0> : tensor<12000x16xf32>
    %0 = tile.matmul %a, %w [] {batches = array<i64: 0, 0, 0>, k = 12000 : i64, m = 1 : i64, n = 16 : i64, packed_weights} : tensor<1x12000xf32>, tensor<12000x16xf32> -> tensor<1x16xf32>
    return %0 : tensor<1x16xf32>
  }
}
