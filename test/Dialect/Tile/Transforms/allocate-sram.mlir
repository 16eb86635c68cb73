// RUN: lpu-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(tile-allocate-sram))' | FileCheck %s
// RUN: lpu-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(tile-allocate-sram),convert-tile-to-lpu,lpu.program(lpu-allocate-sram))' | FileCheck %s --check-prefix=EXPANDED
// lpu-tiny: 8 MEM slices of 4096 addresses (an f32 vector takes 4, and holds
// its slice's bank ports for two cycles); mem[3] and mem[4] are the slices
// nearest the VXM.

// Tensors live from the op that writes them to the last op that reads
// them. A tensor takes addresses no tensor placed before used while its
// slice has them: one placed over a dead tensor's would order its writes
// after that tensor's reads, a dependence the program does not have (the
// last case below shows the reuse). A reshape that keeps rows is its input's
// tensor; the result computed for the graph output (through two reshapes)
// is the output's, placed on the function result.
// CHECK-LABEL: func.func @main
// CHECK-SAME: {tile.sram = array<i32: 3, 0>}) -> (tensor<2x2x16xf32> {tile.sram = array<i32: 3, 32>})
// CHECK: tile.map(%arg0) [in0, relu] {tile.sram = array<i32: 4, 0>}
// CHECK: tile.map(%0) [in0, exp] {tile.sram = array<i32: 3, 16>}
// CHECK: tile.map(%1) [in0, relu] {tile.sram = array<i32: 4, 16>}
// CHECK: tile.reshape %2 :
// CHECK: tile.map(%3) [in0, relu] :
// The expansion keeps every placement; lpu-allocate-sram leaves them.
// EXPANDED: lpu.buffer input "input0" {address = 0 : i32, slice = 3 : i32} : tensor<4x16xf32>
// EXPANDED: lpu.buffer output "output0" {address = 32 : i32, slice = 3 : i32} : tensor<2x2x16xf32>
// EXPANDED: lpu.buffer scratch "tmp" {address = 0 : i32, slice = 4 : i32} : tensor<4x16xf32>
// EXPANDED: lpu.buffer scratch "tmp" {address = 16 : i32, slice = 3 : i32} : tensor<4x16xf32>
// EXPANDED: lpu.buffer scratch "tmp" {address = 16 : i32, slice = 4 : i32} : tensor<4x16xf32>
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<4x16xf32>) -> tensor<2x2x16xf32> {
    %0 = tile.map(%x) [in0, relu] : (tensor<4x16xf32>) -> tensor<4x16xf32>
    %1 = tile.map(%0) [in0, exp] : (tensor<4x16xf32>) -> tensor<4x16xf32>
    %2 = tile.map(%1) [in0, relu] : (tensor<4x16xf32>) -> tensor<4x16xf32>
    %3 = tile.reshape %2 : tensor<4x16xf32> -> tensor<2x2x16xf32>
    %4 = tile.map(%3) [in0, relu] : (tensor<2x2x16xf32>) -> tensor<2x2x16xf32>
    %5 = tile.reshape %4 : tensor<2x2x16xf32> -> tensor<4x16xf32>
    %6 = tile.reshape %5 : tensor<4x16xf32> -> tensor<2x2x16xf32>
    return %6 : tensor<2x2x16xf32>
  }
}

// -----

// A tensor windows read (tile.split_rows: blocks of 4 rows, one image row)
// is dealt over as many slices as it has blocks, 8, nearest the VXM first,
// but slice 3 last: x is read from there while the map writes, so that
// slice is busier then; the part goes after x's 32 vectors (128 addresses).
// CHECK-LABEL: func.func @main
// CHECK: tile.map(%arg0) [in0, relu] {tile.split_rows = 4 : i64, tile.sram = array<i32: 4, 0, 2, 0, 5, 0, 1, 0, 6, 0, 0, 0, 7, 0, 3, 128>}
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<1x8x4x16xf32>) -> tensor<1x8x4x16xf32> {
    %0 = tile.map(%x) [in0, relu] {tile.split_rows = 4 : i64} : (tensor<1x8x4x16xf32>) -> tensor<1x8x4x16xf32>
    %1 = tile.pool max %0 {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>} : tensor<1x8x4x16xf32> -> tensor<1x8x4x16xf32>
    return %1 : tensor<1x8x4x16xf32>
  }
}

// -----

// Constants are placed too, in the order the expansion stores them, live
// from the start to their last reader: the weight tiles of a packed product
// one per install, near the plane that installs it, each dealt row by row
// over two slices (lpu-tiny loads two f32 rows per `lw`; plane 0 at slice 0
// takes mem[0] and mem[1], after the graph input in mem[0]; plane 1 at
// slice 12 mem[7] and mem[6]); the bias whole; the identity a transpose on
// the MXM streams, on the function, over two slices too. The output goes
// after the bias, dead by then, on the same slice.
// CHECK-LABEL: func.func @main
// CHECK-SAME: {tile.sram = array<i32: 0, 0>}) -> (tensor<16x4xf32> {tile.sram = array<i32: 3, 4>}) attributes {tile.identity_sram = array<i32: 7, 0, 6, 0>}
// CHECK: arith.constant dense<1.000000e+00>
// CHECK: arith.constant {tile.sram = array<i32: 3, 0>} dense<5.000000e-01>
// CHECK: tile.matmul {{.*}}tile.sram = array<i32: 4, 0>, tile.weight_sram = array<i32: 2, 0, 32, 1, 0, 2, 7, 32, 6, 32>
// EXPANDED: lpu.buffer constant "identity" {{.*}}{address = 0 : i32, min_parts = 2 : i64, slice = 7 : i32, spread = array<i32: 6, 0>} : tensor<16x16xf32>
// EXPANDED: lpu.buffer constant "constant.k0n0" {{.*}}{address = 32 : i32, min_parts = 2 : i64, slice = 0 : i32, spread = array<i32: 1, 0>} : tensor<16x16xf32>
// EXPANDED: lpu.buffer constant "constant.k1n0" {{.*}}{address = 32 : i32, min_parts = 2 : i64, slice = 7 : i32, spread = array<i32: 6, 32>} : tensor<16x16xf32>
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%a: tensor<4x32xf32>) -> tensor<16x4xf32> {
    %w = arith.constant dense<1.0> : tensor<32x16xf32>
    %b = arith.constant dense<0.5> : tensor<16xf32>
    %0 = tile.matmul %a, %w epilogue(%b : tensor<16xf32>) [add in0] {batches = array<i64: 0, 0, 0>, k = 32 : i64, m = 4 : i64, n = 16 : i64, packed_weights, planes = array<i32: 0, 1>, turn = 2 : i64} : tensor<4x32xf32>, tensor<32x16xf32> -> tensor<4x16xf32>
    %1 = tile.transpose %0 [1, 0] {planes = array<i32: 1>} : tensor<4x16xf32> -> tensor<16x4xf32>
    return %1 : tensor<16x4xf32>
  }
}

// -----

// Packed weights of two matrices (the batches start at rows 0 and 16 of B):
// a tile each, placed near the plane that installs it. A product reading
// only the first matrix stores and places its own tile: tiles are shared
// only between products of one matrix from row 0.
// CHECK-LABEL: func.func @main
// CHECK: tile.matmul {{.*}}tile.weight_sram = array<i32: 2, 0, 0, 1, 0, 2, 7, 8, 6, 0>
// CHECK: tile.matmul {{.*}}tile.weight_sram = array<i32: 2, 7, 40, 6, 32>
// EXPANDED: lpu.buffer constant "constant.k0n0" {{.*}}{address = 0 : i32, min_parts = 2 : i64, slice = 0 : i32, spread = array<i32: 1, 0>}
// EXPANDED: lpu.buffer constant "constant.b16.k0n0" {{.*}}{address = 8 : i32, min_parts = 2 : i64, slice = 7 : i32, spread = array<i32: 6, 0>}
// EXPANDED: lpu.buffer constant "constant.k0n0" {{.*}}{address = 40 : i32, min_parts = 2 : i64, slice = 7 : i32, spread = array<i32: 6, 32>}
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%a: tensor<2x16xf32>) -> (tensor<2x16xf32>, tensor<2x16xf32>) {
    %w = arith.constant dense<1.0> : tensor<32x16xf32>
    %0 = tile.matmul %a, %w [] {batches = array<i64: 0, 0, 0, 1, 16, 1>, k = 16 : i64, m = 1 : i64, n = 16 : i64, packed_weights, planes = array<i32: 0, 1>, turn = 1 : i64} : tensor<2x16xf32>, tensor<32x16xf32> -> tensor<2x16xf32>
    %1 = tile.matmul %a, %w [] {batches = array<i64: 0, 0, 0>, k = 16 : i64, m = 2 : i64, n = 16 : i64, packed_weights, planes = array<i32: 1>, turn = 1 : i64} : tensor<2x16xf32>, tensor<32x16xf32> -> tensor<2x16xf32>
    return %0, %1 : tensor<2x16xf32>, tensor<2x16xf32>
  }
}

// -----

module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
    // expected-error @+1 {{'tile.sram' lists (slice, address) pairs: array<i32: ...> of an even, non-zero length}}
    %0 = tile.map(%x) [in0, relu] {tile.sram = array<i32: 3>} : (tensor<4x16xf32>) -> tensor<4x16xf32>
    return %0 : tensor<4x16xf32>
  }
}

// -----

module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%a: tensor<4x32xf32>) -> tensor<4x16xf32> {
    %w = arith.constant dense<1.0> : tensor<32x16xf32>
    // expected-error @+1 {{'tile.weight_sram' is on a tile.matmul or tile.conv}}
    %0 = tile.map(%a) [in0, relu] {tile.weight_sram = array<i32: 1, 0, 0>} : (tensor<4x32xf32>) -> tensor<4x32xf32>
    %1 = tile.matmul %0, %w [] {batches = array<i64: 0, 0, 0>, k = 32 : i64, m = 4 : i64, n = 16 : i64, packed_weights, planes = array<i32: 0, 1>, turn = 2 : i64} : tensor<4x32xf32>, tensor<32x16xf32> -> tensor<4x16xf32>
    return %1 : tensor<4x16xf32>
  }
}

// -----

// Graph inputs and outputs are dealt over slices for bandwidth like any
// tensor with much traffic: the host writes and reads them part by part,
// and here two maps read each of x's 256 rows (two parts: lpu-tiny spreads
// over at most a quarter of its 8 slices).
// CHECK-LABEL: func.func @main(%arg0: tensor<256x16xf32>
// CHECK-SAME: tile.sram = array<i32: {{[0-9]+}}, 0, {{[0-9]+}}, 0>}) -> (tensor<256x16xf32> {tile.sram = array<i32: {{[0-9]+}}, {{[0-9]+}}, {{[0-9]+}}, {{[0-9]+}}>})
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<256x16xf32>) -> tensor<256x16xf32> {
    %0 = tile.map(%x) [in0, relu] : (tensor<256x16xf32>) -> tensor<256x16xf32>
    %1 = tile.map(%x, %0) [in0, add in1] : (tensor<256x16xf32>, tensor<256x16xf32>) -> tensor<256x16xf32>
    return %1 : tensor<256x16xf32>
  }
}
