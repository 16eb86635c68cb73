// RUN: lpu-opt %s -split-input-file -verify-diagnostics --convert-tile-to-lpu
// The expansion keeps tile-allocate-sram's placements, so it checks them
// against the tensors and the target first (lpu-tiny: 8 MEM slices of 4096
// vectors).

module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
    // expected-error @+1 {{'tile.sram' part 0 (slice 9, address 0, 16 addresses) is outside lpu-tiny's 8 MEM slices of 4096 addresses or on the slice of another part}}
    %0 = tile.map(%x) [in0, relu] {tile.sram = array<i32: 9, 0>} : (tensor<4x16xf32>) -> tensor<4x16xf32>
    %1 = tile.map(%0) [in0, relu] : (tensor<4x16xf32>) -> tensor<4x16xf32>
    return %1 : tensor<4x16xf32>
  }
}

// -----

module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
    // expected-error @+1 {{'tile.sram' part 1 (slice 2, address 4095, 8 addresses) is outside lpu-tiny's 8 MEM slices of 4096 addresses or on the slice of another part}}
    %0 = tile.map(%x) [in0, relu] {tile.sram = array<i32: 1, 0, 2, 4095>} : (tensor<4x16xf32>) -> tensor<4x16xf32>
    %1 = tile.map(%0) [in0, relu] : (tensor<4x16xf32>) -> tensor<4x16xf32>
    return %1 : tensor<4x16xf32>
  }
}

// -----

module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%a: tensor<4x32xf32>) -> tensor<4x16xf32> {
    %w = arith.constant dense<1.0> : tensor<32x16xf32>
    // expected-error @+1 {{'tile.weight_sram' places 1 weight tiles; the op stores 2}}
    %0 = tile.matmul %a, %w [] {batches = array<i64: 0, 0, 0>, k = 32 : i64, m = 4 : i64, n = 16 : i64, packed_weights, planes = array<i32: 0, 1>, tile.weight_sram = array<i32: 1, 0, 0>, turn = 2 : i64} : tensor<4x32xf32>, tensor<32x16xf32> -> tensor<4x16xf32>
    return %0 : tensor<4x16xf32>
  }
}

// -----

module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%a: tensor<4x32xf32>) -> tensor<4x16xf32> {
    %w = arith.constant dense<1.0> : tensor<32x16xf32>
    // expected-error @+1 {{'tile.weight_sram' lists, per weight tile, a part count P >= 1 then P (slice, address) pairs}}
    %0 = tile.matmul %a, %w [] {batches = array<i64: 0, 0, 0>, k = 32 : i64, m = 4 : i64, n = 16 : i64, packed_weights, planes = array<i32: 0, 1>, tile.weight_sram = array<i32: 2, 0, 0, 1>, turn = 2 : i64} : tensor<4x32xf32>, tensor<32x16xf32> -> tensor<4x16xf32>
    return %0 : tensor<4x16xf32>
  }
}

// -----

// An i8 product's weight tiles are i8 (16 addresses for 16 rows on
// lpu-tiny), not the module's f32 (64): a tile in the last 16 addresses of
// a slice fits.
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%a: tensor<4x16xi8> {onnx.name = "a"}) -> (tensor<4x16xf32> {onnx.name = "y"}) {
    %w = arith.constant dense<1> : tensor<16x16xi8>
    %0 = tile.matmul %a, %w [] {batches = array<i64: 0, 0, 0>, k = 16 : i64, m = 4 : i64, n = 16 : i64, packed_weights, planes = array<i32: 0>, tile.weight_sram = array<i32: 1, 0, 4080>, turn = 1 : i64} : tensor<4x16xi8>, tensor<16x16xi8> -> tensor<4x16xf32>
    return %0 : tensor<4x16xf32>
  }
}
