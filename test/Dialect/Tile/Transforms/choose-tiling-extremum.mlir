// RUN: lpu-opt %s --pass-pipeline='builtin.module(func.func(tile-choose-tiling))' | FileCheck %s
// In f16 products (lpu-tiny, tile.precision f16) an f32 row is rounded on
// its way into the MXM, so its maximum there may be no element of it. A
// softmax, which subtracts the maximum from its row before exp, may take
// that; a ReduceMax (or an ArgMax comparing elements with it) keeps the
// exact shift tree. i8 rows in i8 products are exact.

// CHECK-LABEL: func.func @softmax_shift
// CHECK: tile.reduce_rows max {{.*}}strategy = #tile<row_strategy mxm_extremum>
// CHECK-LABEL: func.func @reduce_max
// CHECK: tile.reduce_rows max {{.*}}strategy = #tile<row_strategy shift_tree>
// CHECK-LABEL: func.func @quantized
// CHECK: tile.reduce_rows max {{.*}}strategy = #tile<row_strategy mxm_extremum>
module attributes {tile.target = "lpu-tiny", tile.precision = f16} {
  func.func @softmax_shift(%x: tensor<32x16xf32>) -> tensor<32x16xf32> {
    %m = tile.reduce_rows max %x : tensor<32x16xf32> -> tensor<32x1xf32>
    %e = tile.map(%x, %m) [in0, sub in1, exp] : (tensor<32x16xf32>, tensor<32x1xf32>) -> tensor<32x16xf32>
    return %e : tensor<32x16xf32>
  }
  func.func @reduce_max(%x: tensor<32x16xf32>) -> tensor<32x1xf32> {
    %m = tile.reduce_rows max %x : tensor<32x16xf32> -> tensor<32x1xf32>
    return %m : tensor<32x1xf32>
  }
  func.func @quantized(%x: tensor<32x16xi8>) -> tensor<32x1xi8> {
    %m = tile.reduce_rows max %x : tensor<32x16xi8> -> tensor<32x1xi8>
    return %m : tensor<32x1xi8>
  }
}
