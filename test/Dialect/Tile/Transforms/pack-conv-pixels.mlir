// RUN: lpu-opt %s --pass-pipeline='builtin.module(func.func(tile-pack-conv-taps))' | FileCheck %s
// RUN: lpu-opt %s --pass-pipeline='builtin.module(func.func(tile-pack-conv-taps{max-pixels=1}))' | FileCheck %s --check-prefix=ONE
// lpu-tiny: 16 lanes.

// Windows as rows, several output pixels per row: 2 filters leave most of
// the 16 columns idle, so neighbouring outputs share a product. Two outputs
// of a 3x3 stride-2 window read 5 input columns: the convolution becomes
// one of pixel groups, a 3x5 window with stride 4 (15 rows of 16 lanes),
// whose weights hold each pixel's filters over its own columns (pixel 1's
// start 2 columns on) and whose epilogue constants repeat per pixel; a
// tile.gather then gives every pixel its own vector.
module attributes {tile.target = "lpu-tiny"} {
// CHECK-LABEL: func.func @grouped
// CHECK: %[[B:.*]] = arith.constant dense<{{\[\[\[\[}}5.000000e-01, -5.000000e-01, 5.000000e-01, -5.000000e-01]]]]> : tensor<1x1x1x4xf32>
// CHECK: %[[P:.*]] = tile.im2col %arg0 {dilations = array<i64: 1, 1>, kernel = array<i64: 3, 5>, pad_begin = array<i64: 1, 1>, strides = array<i64: 2, 4>, tile.split_rows = 1 : i64} : tensor<1x1x8x8xf32> -> tensor<1x4x2x15xf32>
// Rows (ky, column): pixel 0 reads columns 0-2, pixel 1 columns 2-4.
// CHECK: %[[W:.*]] = arith.constant dense<{{\[}}[1.000000e+00, 1.000000e+01, 0.000000e+00, 0.000000e+00], [2.000000e+00, 2.000000e+01, 0.000000e+00, 0.000000e+00], [3.000000e+00, 3.000000e+01, 1.000000e+00, 1.000000e+01], [0.000000e+00, 0.000000e+00, 2.000000e+00, 2.000000e+01], [0.000000e+00, 0.000000e+00, 3.000000e+00, 3.000000e+01], [4.000000e+00,
// CHECK-SAME: tensor<15x4xf32>
// The node's own work stays with the product, for the physical floor.
// CHECK: %[[Y:.*]] = tile.matmul %[[P]], %[[W]] epilogue(%[[B]] : tensor<1x1x1x4xf32>) [add in0, relu] {batches = array<i64: 0, 0, 0>, k = 15 : i64, m = 8 : i64, n = 4 : i64, tile.model_work = array<i64: 288, 18>} : tensor<1x4x2x15xf32>, tensor<15x4xf32> -> tensor<1x4x2x4xf32>
// CHECK: %[[U:.*]] = tile.gather %[[Y]] {count = array<i64: 1, 1, 1, 2>, first = array<i64: 0, 1, 2, 2>, tables = [array<i64: 0>, array<i64: 0, 1, 2, 3>, array<i64: 0, 0, 1, 1>, array<i64: 0, 1, 2, 3, 0, 1, 2, 3>]} : tensor<1x4x2x4xf32> -> tensor<1x4x4x2xf32>
// CHECK: return %[[U]]
// ONE-LABEL: func.func @grouped
// ONE: tile.im2col {{.*}} -> tensor<1x4x4x9xf32>
// ONE-NOT: tile.gather
  func.func @grouped(%x: tensor<1x1x8x8xf32>) -> tensor<1x4x4x2xf32> {
    %w = arith.constant dense<[[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]], [[[10.0, 20.0, 30.0], [40.0, 50.0, 60.0], [70.0, 80.0, 90.0]]]]> : tensor<2x1x3x3xf32>
    %b = arith.constant dense<[[[[0.5, -0.5]]]]> : tensor<1x1x1x2xf32>
    %t = tile.transpose %x [0, 2, 3, 1] : tensor<1x1x8x8xf32> -> tensor<1x8x8x1xf32>
    %y = tile.conv %t, %w epilogue(%b : tensor<1x1x1x2xf32>) [add in0, relu] {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x8x8x1xf32>, tensor<2x1x3x3xf32> -> tensor<1x4x4x2xf32>
    return %y : tensor<1x4x4x2xf32>
  }

// An epilogue step that adds a tensor computed at run time waits for the
// unpacked pixels, as a tile.map; the constant steps before it stay with
// the groups.
// CHECK-LABEL: func.func @residual
// CHECK: %[[Y:.*]] = tile.matmul {{.*}} [add in0] {{.*}} -> tensor<1x4x2x4xf32>
// CHECK: %[[U:.*]] = tile.gather %[[Y]]
// CHECK: tile.map(%[[U]], %arg1) [in0, add in1, relu] : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  func.func @residual(%x: tensor<1x1x8x8xf32>, %r: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
    %w = arith.constant dense<1.0> : tensor<2x1x3x3xf32>
    %b = arith.constant dense<[[[[0.5, -0.5]]]]> : tensor<1x1x1x2xf32>
    %t = tile.transpose %x [0, 2, 3, 1] : tensor<1x1x8x8xf32> -> tensor<1x8x8x1xf32>
    %y = tile.conv %t, %w epilogue(%b, %r : tensor<1x1x1x2xf32>, tensor<1x4x4x2xf32>) [add in0, add in1, relu] {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x8x8x1xf32>, tensor<2x1x3x3xf32> -> tensor<1x4x4x2xf32>
    return %y : tensor<1x4x4x2xf32>
  }

// Quantized, 7 columns: the last group's second window reaches past the
// image's right edge, where it reads the padding value (the input's zero
// point); that pixel is not gathered.
// CHECK-LABEL: func.func @quantized
// CHECK: tile.im2col %arg0 {{{.*}}kernel = array<i64: 3, 5>, pad_begin = array<i64: 1, 1>, padding_value = -7 : i64, strides = array<i64: 2, 4>{{.*}}} : tensor<1x1x7x7xi8> -> tensor<1x4x2x15xi8>
// CHECK: tile.matmul {{.*}} : tensor<1x4x2x15xi8>, tensor<15x4xi8> -> tensor<1x4x2x4xf32>
// CHECK: tile.gather
  func.func @quantized(%x: tensor<1x1x7x7xi8>) -> tensor<1x4x4x2xf32> {
    %w = arith.constant dense<3> : tensor<2x1x3x3xi8>
    %t = tile.transpose %x [0, 2, 3, 1] : tensor<1x1x7x7xi8> -> tensor<1x7x7x1xi8>
    %y = tile.conv %t, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64, padding_value = -7 : i64} : tensor<1x7x7x1xi8>, tensor<2x1x3x3xi8> -> tensor<1x4x4x2xf32>
    return %y : tensor<1x4x4x2xf32>
  }

// 9 filters: two pixels' would exceed the 16 columns.
// CHECK-LABEL: func.func @wide
// CHECK: tile.im2col {{.*}} -> tensor<1x4x4x9xf32>
// CHECK-NOT: tile.gather
  func.func @wide(%x: tensor<1x1x8x8xf32>) -> tensor<1x4x4x9xf32> {
    %w = arith.constant dense<1.0> : tensor<9x1x3x3xf32>
    %t = tile.transpose %x [0, 2, 3, 1] : tensor<1x1x8x8xf32> -> tensor<1x8x8x1xf32>
    %y = tile.conv %t, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x8x8x1xf32>, tensor<9x1x3x3xf32> -> tensor<1x4x4x9xf32>
    return %y : tensor<1x4x4x9xf32>
  }
}
