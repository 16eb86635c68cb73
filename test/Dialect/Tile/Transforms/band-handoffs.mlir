// RUN: lpu-opt %s --pass-pipeline='builtin.module(func.func(tile-band-handoffs))' | FileCheck %s
// lpu-tiny: 16 lanes.

// A depthwise convolution in 2 bands reads a transpose of 4 filter rows
// that nothing else reads: the transpose writes the bands, [1, 8, 2, 2 x 4]
// for 16 output rows, and the convolution reads them as they are.
// CHECK-LABEL: func.func @handoff
// CHECK: %[[T:.*]] = tile.max_pool_transpose %arg0 {bands = array<i64: 2, 16>, {{.*}}} : tensor<1x16x4x2xf32> -> tensor<1x8x2x8xf32>
// CHECK: tile.conv %[[T]], %{{.*}} [] {banded_input = 16 : i64, {{.*}}segments = 2 : i64{{.*}}} : tensor<1x8x2x8xf32>, tensor<4x1x3x3xf32> -> tensor<1x16x2x4xf32>
// Left alone: a transpose another op reads too, and bands whose filters
// would exceed the lanes (3 bands of 8).
// CHECK-LABEL: func.func @kept
// CHECK-NOT: bands =
// CHECK-NOT: banded_input
// CHECK: return
module attributes {tile.target = "lpu-tiny"} {
  func.func @handoff(%r: tensor<1x16x4x2xf32>) -> tensor<1x16x2x4xf32> {
    %w = arith.constant dense<1.0> : tensor<4x1x3x3xf32>
    %0 = tile.max_pool_transpose %r {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 0, 0>} : tensor<1x16x4x2xf32> -> tensor<1x16x2x4xf32>
    %1 = tile.conv %0, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 4 : i64, on_vxm, segments = 2 : i64} : tensor<1x16x2x4xf32>, tensor<4x1x3x3xf32> -> tensor<1x16x2x4xf32>
    return %1 : tensor<1x16x2x4xf32>
  }
  func.func @kept(%r: tensor<1x16x4x2xf32>, %q: tensor<1x24x8x2xf32>) -> (tensor<1x16x2x4xf32>, tensor<1x16x2x4xf32>, tensor<1x24x2x8xf32>) {
    %w = arith.constant dense<1.0> : tensor<4x1x3x3xf32>
    %0 = tile.max_pool_transpose %r {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 0, 0>} : tensor<1x16x4x2xf32> -> tensor<1x16x2x4xf32>
    %1 = tile.conv %0, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 4 : i64, on_vxm, segments = 2 : i64} : tensor<1x16x2x4xf32>, tensor<4x1x3x3xf32> -> tensor<1x16x2x4xf32>
    %v = arith.constant dense<1.0> : tensor<8x1x3x3xf32>
    %2 = tile.max_pool_transpose %q {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 0, 0>} : tensor<1x24x8x2xf32> -> tensor<1x24x2x8xf32>
    %3 = tile.conv %2, %v [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 8 : i64, on_vxm, segments = 3 : i64} : tensor<1x24x2x8xf32>, tensor<8x1x3x3xf32> -> tensor<1x24x2x8xf32>
    return %1, %0, %3 : tensor<1x16x2x4xf32>, tensor<1x16x2x4xf32>, tensor<1x24x2x8xf32>
  }
}
