// RUN: lpu-opt %s --pass-pipeline='builtin.module(func.func(tile-pack-conv-taps{max-pixels=1}))' | FileCheck %s
// lpu-tiny: 16 lanes.

// One channel, 3x3: the 9 taps of a window fit one K tile. The convolution
// reads its channels-first input through a transpose, which the pass drops:
// the windows are packed from the channels-first input, and the product
// keeps the epilogue and the weights reordered to [ky, kx, c] rows.
// CHECK-LABEL: func.func @packed
// CHECK-NOT: tile.transpose
// The packed rows are each read once: dealt one per slice.
// CHECK: %[[P:.*]] = tile.im2col %arg0 {dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, pad_begin = array<i64: 1, 1>, strides = array<i64: 2, 2>, tile.split_rows = 1 : i64} : tensor<1x1x8x8xf32> -> tensor<1x4x4x9xf32>
// CHECK: %[[W:.*]] = arith.constant dense<{{\[}}[1.000000e+00, 1.000000e+01], [2.000000e+00, 2.000000e+01], [3.000000e+00, 3.000000e+01], [4.000000e+00, 4.000000e+01], [5.000000e+00, 5.000000e+01], [6.000000e+00, 6.000000e+01], [7.000000e+00, 7.000000e+01], [8.000000e+00, 8.000000e+01], [9.000000e+00, 9.000000e+01]]> : tensor<9x2xf32>
// CHECK: %[[Y:.*]] = tile.matmul %[[P]], %[[W]] epilogue(%arg1 : tensor<2xf32>) [add in0, relu] {batches = array<i64: 0, 0, 0>, k = 9 : i64, m = 16 : i64, n = 2 : i64} : tensor<1x4x4x9xf32>, tensor<9x2xf32> -> tensor<1x4x4x2xf32>
// CHECK: return %[[Y]]
module attributes {tile.target = "lpu-tiny"} {
  func.func @packed(%x: tensor<1x1x8x8xf32>, %b: tensor<2xf32>) -> tensor<1x4x4x2xf32> {
    %w = arith.constant dense<[[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]], [[[10.0, 20.0, 30.0], [40.0, 50.0, 60.0], [70.0, 80.0, 90.0]]]]> : tensor<2x1x3x3xf32>
    %t = tile.transpose %x [0, 2, 3, 1] : tensor<1x1x8x8xf32> -> tensor<1x8x8x1xf32>
    %y = tile.conv %t, %w epilogue(%b : tensor<2xf32>) [add in0, relu] {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x8x8x1xf32>, tensor<2x1x3x3xf32> -> tensor<1x4x4x2xf32>
    return %y : tensor<1x4x4x2xf32>
  }

  // Quantized: the packed windows are i8 and keep the padding value (the
  // input's zero point); the weights stay i8.
  // CHECK-LABEL: func.func @quantized
  // CHECK: %[[P:.*]] = tile.im2col %arg0 {{{.*}}padding_value = -7 : i64{{.*}}} : tensor<1x1x8x8xi8> -> tensor<1x4x4x9xi8>
  // CHECK: tile.matmul %[[P]], %{{.*}} [] {{.*}} : tensor<1x4x4x9xi8>, tensor<9x2xi8> -> tensor<1x4x4x2xf32>
  func.func @quantized(%x: tensor<1x1x8x8xi8>) -> tensor<1x4x4x2xf32> {
    %w = arith.constant dense<3> : tensor<2x1x3x3xi8>
    %t = tile.transpose %x [0, 2, 3, 1] : tensor<1x1x8x8xi8> -> tensor<1x8x8x1xi8>
    %y = tile.conv %t, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64, padding_value = -7 : i64} : tensor<1x8x8x1xi8>, tensor<2x1x3x3xi8> -> tensor<1x4x4x2xf32>
    return %y : tensor<1x4x4x2xf32>
  }

  // Left alone: 2 channels x 9 taps do not fit 16 lanes; the input is not
  // channels first anywhere; a grouped convolution; a single tap.
  // CHECK-LABEL: func.func @kept
  // CHECK-NOT: tile.im2col
  // CHECK-COUNT-4: tile.conv
  func.func @kept(%x: tensor<1x2x8x8xf32>, %nhwc: tensor<1x8x8x1xf32>) -> (tensor<1x8x8x2xf32>, tensor<1x8x8x2xf32>, tensor<1x8x8x2xf32>, tensor<1x8x8x2xf32>) {
    %w2 = arith.constant dense<1.0> : tensor<2x2x3x3xf32>
    %w1 = arith.constant dense<1.0> : tensor<2x1x3x3xf32>
    %wg = arith.constant dense<1.0> : tensor<2x1x3x3xf32>
    %w11 = arith.constant dense<1.0> : tensor<2x2x1x1xf32>
    %t = tile.transpose %x [0, 2, 3, 1] : tensor<1x2x8x8xf32> -> tensor<1x8x8x2xf32>
    %0 = tile.conv %t, %w2 [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x8x8x2xf32>, tensor<2x2x3x3xf32> -> tensor<1x8x8x2xf32>
    %1 = tile.conv %nhwc, %w1 [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x8x8x1xf32>, tensor<2x1x3x3xf32> -> tensor<1x8x8x2xf32>
    %2 = tile.conv %t, %wg [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 2 : i64} : tensor<1x8x8x2xf32>, tensor<2x1x3x3xf32> -> tensor<1x8x8x2xf32>
    %3 = tile.conv %t, %w11 [] {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 0, 0>, group = 1 : i64} : tensor<1x8x8x2xf32>, tensor<2x2x1x1xf32> -> tensor<1x8x8x2xf32>
    return %0, %1, %2, %3 : tensor<1x8x8x2xf32>, tensor<1x8x8x2xf32>, tensor<1x8x8x2xf32>, tensor<1x8x8x2xf32>
  }
}
