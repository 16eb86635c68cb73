// RUN: lpu-opt %s --pass-pipeline='builtin.module(func.func(tile-assign-planes))' | FileCheck %s
// In f16 (tile.precision) an lpu-tiny install holds 8 array rows, so each K
// tile of up to 16 rows is installed in windows of 8 input lanes, each a
// job of its own for tile-assign-planes.

// CHECK-LABEL: func.func @main
// K = 24: the 16-row tile in two windows (one turn, both planes), the 8-row
// tile in one (the plane with less work).
// CHECK: tile.matmul {{.*}}planes = array<i32: 0, 1, 0>
// A row sum over 16 lanes: both windows at once, one on each plane.
// CHECK: tile.reduce_rows sum {{.*}}planes = array<i32: 1, 0>
// Row maxima over 16 lanes on the MXM: one install per window of 8 elements.
// CHECK: tile.reduce_rows max {{.*}}planes = array<i32: 1, 0>
module attributes {tile.target = "lpu-tiny", tile.precision = f16} {
  func.func @main(%a: tensor<4x24xf32>, %b: tensor<24x8xf32>, %c: tensor<4x16xf32>) -> (tensor<4x8xf32>, tensor<4x1xf32>, tensor<4x1xf32>) {
    %0 = tile.matmul %a, %b [] {batches = array<i64: 0, 0, 0>, k = 24 : i64, m = 4 : i64, n = 8 : i64, turn = 2 : i64} : tensor<4x24xf32>, tensor<24x8xf32> -> tensor<4x8xf32>
    %1 = tile.reduce_rows sum %c {strategy = #tile<row_strategy mxm_sum>} : tensor<4x16xf32> -> tensor<4x1xf32>
    %2 = tile.reduce_rows max %c {strategy = #tile<row_strategy mxm_extremum>} : tensor<4x16xf32> -> tensor<4x1xf32>
    return %0, %1, %2 : tensor<4x8xf32>, tensor<4x1xf32>, tensor<4x1xf32>
  }
}
