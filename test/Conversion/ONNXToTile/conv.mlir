// RUN: lpu-opt %s -split-input-file --convert-onnx-to-tile=target=lpu-tiny | FileCheck %s
// Spatial ops work channels last, between transposes from and back to NCHW.

// A 3x3 convolution with SAME_UPPER padding and a bias epilogue, then max
// pooling 2x2 with stride 2.
// CHECK-LABEL: func.func @main
// CHECK: %[[IN:.*]] = tile.transpose %arg0 [0, 2, 3, 1] : tensor<1x2x4x4xf32> -> tensor<1x4x4x2xf32>
// CHECK: %[[C:.*]] = tile.conv %[[IN]], %{{.*}} epilogue(%{{.*}} : tensor<3xf32>) [add in0] {dilations = array<i64: 1, 1>, group = 1 : i64, kernel = array<i64: 3, 3>, pad_begin = array<i64: 1, 1>, strides = array<i64: 1, 1>} : tensor<1x4x4x2xf32>, tensor<3x2x3x3xf32> -> tensor<1x4x4x3xf32>
// CHECK: %[[Y:.*]] = tile.transpose %[[C]] [0, 3, 1, 2]
// CHECK: %[[PIN:.*]] = tile.transpose %[[Y]] [0, 2, 3, 1]
// CHECK: %[[P:.*]] = tile.pool max %[[PIN]] {dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pad_begin = array<i64: 0, 0>, strides = array<i64: 2, 2>} : tensor<1x4x4x3xf32> -> tensor<1x2x2x3xf32>
// CHECK: tile.transpose %[[P]] [0, 3, 1, 2]
func.func @main(%x: tensor<1x2x4x4xf32> {onnx.name = "x"}) -> (tensor<1x3x2x2xf32> {onnx.name = "y"}) {
  %w = arith.constant dense<1.0> : tensor<3x2x3x3xf32> loc("w")
  %b = arith.constant dense<0.5> : tensor<3xf32> loc("b")
  %0 = onnx.Conv %x, %w, %b {auto_pad = "SAME_UPPER", kernel_shape = [3, 3]} : (tensor<1x2x4x4xf32>, tensor<3x2x3x3xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32> loc("conv")
  %1 = onnx.MaxPool %0 {kernel_shape = [2, 2], strides = [2, 2]} : (tensor<1x3x4x4xf32>) -> tensor<1x3x2x2xf32> loc("pool")
  return %1 : tensor<1x3x2x2xf32>
}

// -----

// Weights computed at run time are laid out tap-major on the MXM; a
// ConvTranspose keeps its [C, F/g, KH, KW] constant weights.
// CHECK-LABEL: func.func @main
// CHECK: %[[W:.*]] = tile.transpose %arg1 [2, 3, 1, 0] : tensor<3x2x1x1xf32> -> tensor<1x1x2x3xf32>
// CHECK: tile.conv %{{.*}}, %[[W]] [] {{{.*}}tap_major}
// CHECK: tile.conv %{{.*}}, %{{.*}} [] {dilations = array<i64: 1, 1>, group = 1 : i64, kernel = array<i64: 2, 2>, pad_begin = array<i64: 0, 0>, strides = array<i64: 2, 2>, transposed} : tensor<1x4x4x3xf32>, tensor<3x1x2x2xf32> -> tensor<1x8x8x1xf32>
func.func @main(%x: tensor<1x2x4x4xf32> {onnx.name = "x"}, %w: tensor<3x2x1x1xf32> {onnx.name = "w"}) -> (tensor<1x1x8x8xf32> {onnx.name = "y"}) {
  %wt = arith.constant dense<1.0> : tensor<3x1x2x2xf32> loc("wt")
  %0 = onnx.Conv %x, %w {kernel_shape = [1, 1]} : (tensor<1x2x4x4xf32>, tensor<3x2x1x1xf32>) -> tensor<1x3x4x4xf32> loc("conv")
  %1 = onnx.ConvTranspose %0, %wt {kernel_shape = [2, 2], strides = [2, 2]} : (tensor<1x3x4x4xf32>, tensor<3x1x2x2xf32>) -> tensor<1x1x8x8xf32> loc("deconv")
  return %1 : tensor<1x1x8x8xf32>
}

// -----

// Global average pooling, then a batch normalization whose constant
// parameters fold into one multiply-add per channel.
// CHECK-LABEL: func.func @main
// CHECK: tile.global_pool %{{.*}} : tensor<1x3x3x2xf32> -> tensor<1x1x1x2xf32>
// CHECK-DAG: %[[A:.*]] = arith.constant dense<{{\[\[\[}}2.000000e+00]], {{\[\[}}4.000000e+00]]]> : tensor<2x1x1xf32>
// CHECK-DAG: %[[C:.*]] = arith.constant dense<{{\[\[\[}}-1.000000e+00]], {{\[\[}}-3.000000e+00]]]> : tensor<2x1x1xf32>
// CHECK: tile.map(%{{.*}}, %[[A]], %[[C]]) [in0, mul in1, add in2]
func.func @main(%x: tensor<1x2x3x3xf32> {onnx.name = "x"}) -> (tensor<1x2x1x1xf32> {onnx.name = "y"}) {
  %scale = arith.constant dense<[2.0, 4.0]> : tensor<2xf32>
  %bias = arith.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %mean = arith.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %var = arith.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %0 = onnx.GlobalAveragePool %x : (tensor<1x2x3x3xf32>) -> tensor<1x2x1x1xf32> loc("gap")
  %1 = onnx.BatchNormalization %0, %scale, %bias, %mean, %var {epsilon = 0.0 : f32} : (tensor<1x2x1x1xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x1x1xf32> loc("bn")
  return %1 : tensor<1x2x1x1xf32>
}

// -----

// A 1-D convolution is the 2-D one over a single row: [N, C, W] as
// [N, C, 1, W], the constant weights reshaped at compile time (they stay a
// constant), kernel, strides and pads with a unit row.
// CHECK-LABEL: func.func @main
// CHECK: %[[ROW:.*]] = tile.reshape %arg0 : tensor<1x4x10xf32> -> tensor<1x4x1x10xf32>
// CHECK: %[[W:.*]] = arith.constant dense<5.000000e-01> : tensor<6x4x1x3xf32>
// CHECK: %[[NHWC:.*]] = tile.transpose %[[ROW]] [0, 2, 3, 1]
// CHECK: %[[CONV:.*]] = tile.conv %[[NHWC]], %[[W]] [] {dilations = array<i64: 1, 1>, group = 1 : i64, kernel = array<i64: 1, 3>, pad_begin = array<i64: 0, 1>, strides = array<i64: 1, 2>}
// CHECK: %[[NCHW:.*]] = tile.transpose %[[CONV]] [0, 3, 1, 2] : tensor<1x1x5x6xf32> -> tensor<1x6x1x5xf32>
// CHECK: tile.reshape %[[NCHW]] : tensor<1x6x1x5xf32> -> tensor<1x6x5xf32>
func.func @main(%x: tensor<1x4x10xf32> {onnx.name = "x"}) -> (tensor<1x6x5xf32> {onnx.name = "y"}) {
  %w = arith.constant dense<0.5> : tensor<6x4x3xf32>
  %0 = onnx.Conv %x, %w {kernel_shape = [3], pads = [1, 1], strides = [2]} : (tensor<1x4x10xf32>, tensor<6x4x3xf32>) -> tensor<1x6x5xf32>
  return %0 : tensor<1x6x5xf32>
}
