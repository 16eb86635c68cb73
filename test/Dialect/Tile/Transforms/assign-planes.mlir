// RUN: lpu-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(tile-assign-planes))' | FileCheck %s
// lpu-tiny: 16 lanes, 2 MXM planes. Each install goes to the plane with the
// least work so far (weight rows + rows streamed); a turn's K tiles go to
// distinct planes, the largest first.

// CHECK-LABEL: func.func @main
// K = 24: tiles of 16 and 8 rows in one turn, 4 rows each: plane 0 gets
// the 16-row tile (work 20), plane 1 the 8-row one (12).
// CHECK: tile.matmul {{.*}}planes = array<i32: 0, 1>
// One 16-row tile streaming 4 rows: plane 1 has less work.
// CHECK: tile.matmul {{.*}}planes = array<i32: 1>
// A transpose moving the lanes: one install per 16 input rows (plane 1 has
// 32, plane 0 20).
// CHECK: tile.transpose {{.*}}planes = array<i32: 0>
// Row sums: one install of one transposed row (plane 0 has 25, plane 1 32).
// CHECK: tile.reduce_rows sum {{.*}}planes = array<i32: 0>
// Rows reduced by shift trees and transposes keeping the lanes use none.
// CHECK-NOT: planes
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%a: tensor<4x24xf32>, %b: tensor<24x8xf32>, %c: tensor<4x16xf32>, %d: tensor<16x8xf32>, %x: tensor<2x3xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<3x2xf32>, tensor<4x1xf32>, tensor<4x1xf32>) {
    %0 = tile.matmul %a, %b [] {batches = array<i64: 0, 0, 0>, k = 24 : i64, m = 4 : i64, n = 8 : i64, turn = 2 : i64} : tensor<4x24xf32>, tensor<24x8xf32> -> tensor<4x8xf32>
    %1 = tile.matmul %c, %d [] {batches = array<i64: 0, 0, 0>, k = 16 : i64, m = 4 : i64, n = 8 : i64, turn = 2 : i64} : tensor<4x16xf32>, tensor<16x8xf32> -> tensor<4x8xf32>
    %2 = tile.transpose %x [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
    %3 = tile.reduce_rows sum %c {strategy = #tile<row_strategy mxm_sum>} : tensor<4x16xf32> -> tensor<4x1xf32>
    %4 = tile.reduce_rows max %c {strategy = #tile<row_strategy shift_tree>} : tensor<4x16xf32> -> tensor<4x1xf32>
    return %0, %1, %2, %3, %4 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<3x2xf32>, tensor<4x1xf32>, tensor<4x1xf32>
  }
}

// -----

// A short turn streaming rows for 768 plane cycles or more (f32 rows take
// one) is installed on every plane it would leave idle, each copy streaming
// every other row: a product's only turn (a packed stem: one K tile); the
// last of a longer one (three K tiles in turns of two: the third tile
// twice) from 384 cycles. A full turn, or fewer cycles: once.
// CHECK-LABEL: func.func @copies
// CHECK: tile.matmul {{.*}}planes = array<i32: 0, 1>
// CHECK: tile.matmul {{.*}}planes = array<i32: {{[01]}}, {{[01]}}>
// CHECK: tile.matmul {{.*}}planes = array<i32: {{[01]}}>
// CHECK: tile.matmul {{.*}}planes = array<i32: {{[01]}}, {{[01]}}, {{[01]}}, {{[01]}}>
// CHECK: tile.matmul {{.*}}planes = array<i32: {{[01]}}, {{[01]}}, {{[01]}}>
module attributes {tile.target = "lpu-tiny"} {
  func.func @copies(%a: tensor<4096x16xf32>, %b: tensor<16x8xf32>, %k: tensor<4096x32xf32>, %w: tensor<32x8xf32>, %c: tensor<4x16xf32>, %g: tensor<384x48xf32>, %v: tensor<48x8xf32>, %h: tensor<383x48xf32>) -> (tensor<4096x8xf32>, tensor<4096x8xf32>, tensor<4x8xf32>, tensor<384x8xf32>, tensor<383x8xf32>) {
    %0 = tile.matmul %a, %b [] {batches = array<i64: 0, 0, 0>, k = 16 : i64, m = 4096 : i64, n = 8 : i64, turn = 2 : i64} : tensor<4096x16xf32>, tensor<16x8xf32> -> tensor<4096x8xf32>
    %1 = tile.matmul %k, %w [] {batches = array<i64: 0, 0, 0>, k = 32 : i64, m = 4096 : i64, n = 8 : i64, turn = 2 : i64} : tensor<4096x32xf32>, tensor<32x8xf32> -> tensor<4096x8xf32>
    %2 = tile.matmul %c, %b [] {batches = array<i64: 0, 0, 0>, k = 16 : i64, m = 4 : i64, n = 8 : i64, turn = 2 : i64} : tensor<4x16xf32>, tensor<16x8xf32> -> tensor<4x8xf32>
    %3 = tile.matmul %g, %v [] {batches = array<i64: 0, 0, 0>, k = 48 : i64, m = 384 : i64, n = 8 : i64, turn = 2 : i64} : tensor<384x48xf32>, tensor<48x8xf32> -> tensor<384x8xf32>
    %4 = tile.matmul %h, %v [] {batches = array<i64: 0, 0, 0>, k = 48 : i64, m = 383 : i64, n = 8 : i64, turn = 2 : i64} : tensor<383x48xf32>, tensor<48x8xf32> -> tensor<383x8xf32>
    return %0, %1, %2, %3, %4 : tensor<4096x8xf32>, tensor<4096x8xf32>, tensor<4x8xf32>, tensor<384x8xf32>, tensor<383x8xf32>
  }
}

// -----

// The threshold is in plane cycles: an f16 product holds its plane for two
// cycles a row on lpu-tiny, so 384 rows (768 cycles) make copies and 383
// do not.
// CHECK-LABEL: func.func @copies_f16
// CHECK: tile.matmul {{.*}}planes = array<i32: {{[01]}}, {{[01]}}>
// CHECK: tile.matmul {{.*}}planes = array<i32: {{[01]}}>
module attributes {tile.target = "lpu-tiny", tile.precision = f16} {
  func.func @copies_f16(%a: tensor<384x8xf16>, %b: tensor<8x8xf32>, %c: tensor<383x8xf16>) -> (tensor<384x8xf32>, tensor<383x8xf32>) {
    %0 = tile.matmul %a, %b [] {batches = array<i64: 0, 0, 0>, k = 8 : i64, m = 384 : i64, n = 8 : i64, turn = 2 : i64} : tensor<384x8xf16>, tensor<8x8xf32> -> tensor<384x8xf32>
    %1 = tile.matmul %c, %b [] {batches = array<i64: 0, 0, 0>, k = 8 : i64, m = 383 : i64, n = 8 : i64, turn = 2 : i64} : tensor<383x8xf16>, tensor<8x8xf32> -> tensor<383x8xf32>
    return %0, %1 : tensor<384x8xf32>, tensor<383x8xf32>
  }
}

// -----

// Row sums on lpu-v1 (4 planes; f16, 2 cycles a row): 256 rows of one
// window take 512 cycles, a copy of the install per plane (each at least 64
// cycles). A layer normalization's mean and variance run beside each other
// row by row (the second sums the squares of x - mean): half the planes each,
// so the second never waits for the first's last row.
// CHECK-LABEL: func.func @row_sums
// CHECK: tile.reduce_rows sum %arg0 {{.*}}planes = array<i32: 0, 1, 2, 3>
// CHECK: %[[MEAN:.*]] = tile.reduce_rows sum %arg1 {{.*}}planes = array<i32: {{[0-9]}}, {{[0-9]}}>
// CHECK: tile.reduce_rows sum {{.*}}planes = array<i32: {{[0-9]}}, {{[0-9]}}>
module attributes {tile.target = "lpu-v1", tile.precision = f16} {
  func.func @row_sums(%x: tensor<256x64xf32>, %y: tensor<256x64xf32>) -> (tensor<256x64xf32>, tensor<256x64xf32>) {
    %0 = tile.reduce_rows sum %x {strategy = #tile<row_strategy mxm_sum>} : tensor<256x64xf32> -> tensor<256x64xf32>
    %1 = tile.reduce_rows sum %y {strategy = #tile<row_strategy mxm_sum>} : tensor<256x64xf32> -> tensor<256x64xf32>
    %2 = tile.map(%y, %1) [in0, sub in1] : (tensor<256x64xf32>, tensor<256x64xf32>) -> tensor<256x64xf32>
    %3 = tile.map(%2) [in0, mul in0] : (tensor<256x64xf32>) -> tensor<256x64xf32>
    %4 = tile.reduce_rows sum %3 {strategy = #tile<row_strategy mxm_sum>} : tensor<256x64xf32> -> tensor<256x64xf32>
    return %0, %4 : tensor<256x64xf32>, tensor<256x64xf32>
  }
}

// -----

// lpu-v1 has no f32 products: a transpose of f32 values moves them in three
// bf16 parts, an install on three planes, unless only products read its
// result, which round it to their type anyway; a reshape between them
// moves the values as they are, so its readers count.
// CHECK-LABEL: func.func @movement_parts
// CHECK: tile.transpose %arg0 {{.*}}planes = array<i32: {{[0-9]+}}>}
// CHECK: tile.transpose %arg1 {{.*}}planes = array<i32: {{[0-9]+}}, {{[0-9]+}}, {{[0-9]+}}>}
module attributes {tile.target = "lpu-v1"} {
  func.func @movement_parts(%x: tensor<8x16xf32>, %y: tensor<8x16xf32>, %w: tensor<16x4xf32>) -> (tensor<8x4xf32>, tensor<16x8xf32>) {
    %0 = tile.transpose %x [1, 0] : tensor<8x16xf32> -> tensor<16x8xf32>
    %1 = tile.reshape %0 : tensor<16x8xf32> -> tensor<8x16xf32>
    %2 = tile.matmul %1, %w [] {batches = array<i64: 0, 0, 0>, k = 16 : i64, m = 8 : i64, n = 4 : i64, turn = 1 : i64} : tensor<8x16xf32>, tensor<16x4xf32> -> tensor<8x4xf32>
    %3 = tile.transpose %y [1, 0] : tensor<8x16xf32> -> tensor<16x8xf32>
    return %2, %3 : tensor<8x4xf32>, tensor<16x8xf32>
  }
}

// -----

// lpu-v1: planes 0 and 1 west of the VXM, 2 and 3 east. A row sum's windows
// add up product after product, so they take planes of one side: after a
// product on plane 0, the least-worked plane is 1 (west), and the second
// window takes plane 0 beside it, not plane 2 across the chip.
// CHECK-LABEL: func.func @sides
// CHECK: tile.matmul {{.*}}planes = array<i32: 0>
// CHECK: tile.reduce_rows sum {{.*}}planes = array<i32: 1, 0>
module attributes {tile.target = "lpu-v1", tile.precision = f16} {
  func.func @sides(%a: tensor<4x32xf16>, %x: tensor<1x512xf32>) -> (tensor<4x8xf32>, tensor<1x1xf32>) {
    %w = arith.constant dense<1.0> : tensor<32x8xf16>
    %0 = tile.matmul %a, %w [] {batches = array<i64: 0, 0, 0>, k = 32 : i64, m = 4 : i64, n = 8 : i64} : tensor<4x32xf16>, tensor<32x8xf16> -> tensor<4x8xf32>
    %1 = tile.reduce_rows sum %x {strategy = #tile<row_strategy mxm_sum>} : tensor<1x512xf32> -> tensor<1x1xf32>
    return %0, %1 : tensor<4x8xf32>, tensor<1x1xf32>
  }
}
