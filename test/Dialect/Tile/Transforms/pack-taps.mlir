// RUN: lpu-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(tile-pack-taps{max-pixels=1}))' | FileCheck %s
// lpu-tiny: 16 lanes, f32 products 16 rows deep, 2 MXM planes, 2 SXM units.

// Two channels, 3x3: a window row's 3 taps x 2 channels fit one vector. The
// pack lays them side by side ([1, 8, 8, 6]); the convolution becomes 3x1
// over 6 channels, with weight row kx * 2 + c of tap ky holding the old
// weight (c, ky, kx), and keeps its epilogue and vertical window.
// CHECK-LABEL: func.func @packed
// CHECK: %[[P:.*]] = tile.pack_taps %arg0 {dilation = 1 : i64, dim = 2 : i64, pad_begin = 1 : i64, stride = 1 : i64, taps = 3 : i64, tile.split_rows = 1 : i64} : tensor<1x8x8x2xf32> -> tensor<1x8x8x6xf32>
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[\[}}[1.000000e+00], [4.000000e+00], [7.000000e+00]], {{\[\[}}1.000000e+01], [1.300000e+01], [1.600000e+01]], {{\[\[}}2.000000e+00], [5.000000e+00], [8.000000e+00]], {{\[\[}}1.100000e+01], [1.400000e+01], [1.700000e+01]], {{\[\[}}3.000000e+00], [6.000000e+00], [9.000000e+00]], {{\[\[}}1.200000e+01], [1.500000e+01], [1.800000e+01]]]]> : tensor<1x6x3x1xf32>
// CHECK: %[[Y:.*]] = tile.conv %[[P]], %[[W]] epilogue(%arg1 : tensor<1xf32>) [add in0, relu] {dilations = array<i64: 1, 1>, group = 1 : i64, kernel = array<i64: 3, 1>, pad_begin = array<i64: 1, 0>, strides = array<i64: 1, 1>} : tensor<1x8x8x6xf32>, tensor<1x6x3x1xf32> -> tensor<1x8x8x1xf32>
// CHECK: return %[[Y]]
module attributes {tile.target = "lpu-tiny"} {
  func.func @packed(%x: tensor<1x8x8x2xf32>, %b: tensor<1xf32>) -> tensor<1x8x8x1xf32> {
    %w = arith.constant dense<[[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]], [[10.0, 11.0, 12.0], [13.0, 14.0, 15.0], [16.0, 17.0, 18.0]]]]> : tensor<1x2x3x3xf32>
    %y = tile.conv %x, %w epilogue(%b : tensor<1xf32>) [add in0, relu] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x8x8x2xf32>, tensor<1x2x3x3xf32> -> tensor<1x8x8x1xf32>
    return %y : tensor<1x8x8x1xf32>
  }

  // Strides and dilations: the pack takes the horizontal ones (the result
  // has the output's width), the convolution keeps the vertical ones.
  // Quantized, the pack pads with the convolution's padding value.
  // CHECK-LABEL: func.func @strided
  // CHECK: %[[P:.*]] = tile.pack_taps %arg0 {dilation = 2 : i64, dim = 2 : i64, pad_begin = 2 : i64, padding_value = -7 : i64, stride = 2 : i64, taps = 3 : i64, tile.split_rows = 1 : i64} : tensor<1x8x8x4xi8> -> tensor<1x8x4x12xi8>
  // CHECK: tile.conv %[[P]], %{{.*}} [] {dilations = array<i64: 2, 1>, group = 1 : i64, kernel = array<i64: 3, 1>, pad_begin = array<i64: 2, 0>, padding_value = -7 : i64, strides = array<i64: 2, 1>} : tensor<1x8x4x12xi8>, tensor<2x12x3x1xi8> -> tensor<1x4x4x2xf32>
  func.func @strided(%x: tensor<1x8x8x4xi8>) -> tensor<1x4x4x2xf32> {
    %w = arith.constant dense<3> : tensor<2x4x3x3xi8>
    %y = tile.conv %x, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 2, 2>, pad_begin = array<i64: 2, 2>, group = 1 : i64, padding_value = -7 : i64} : tensor<1x8x8x4xi8>, tensor<2x4x3x3xi8> -> tensor<1x4x4x2xf32>
    return %y : tensor<1x4x4x2xf32>
  }

  // Taps wider than a vector: 3 taps x 6 channels take 18 lanes, two
  // product windows per kernel row instead of three.
  // CHECK-LABEL: func.func @straddling
  // CHECK: %[[P:.*]] = tile.pack_taps %arg0 {{.*}}taps = 3 : i64{{.*}} : tensor<1x8x8x6xf32> -> tensor<1x8x8x18xf32>
  // CHECK: tile.conv %[[P]], %{{.*}} {{.*}}kernel = array<i64: 3, 1>{{.*}} : tensor<1x8x8x18xf32>, tensor<2x18x3x1xf32> -> tensor<1x8x8x2xf32>
  func.func @straddling(%x6: tensor<1x8x8x6xf32>) -> tensor<1x8x8x2xf32> {
    %w6 = arith.constant dense<1.0> : tensor<2x6x3x3xf32>
    %0 = tile.conv %x6, %w6 [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x8x8x6xf32>, tensor<2x6x3x3xf32> -> tensor<1x8x8x2xf32>
    return %0 : tensor<1x8x8x2xf32>
  }

  // Left alone: 3 taps x 12 channels take as many windows packed (36 lanes)
  // as apart, along rows or columns; a grouped convolution; a depthwise one
  // on the VXM.
  // CHECK-LABEL: func.func @kept
  // CHECK-NOT: tile.pack_taps
  // CHECK-COUNT-3: tile.conv %arg
  func.func @kept(%x6: tensor<1x8x8x12xf32>, %x2: tensor<1x8x8x2xf32>) -> (tensor<1x8x8x2xf32>, tensor<1x8x8x2xf32>, tensor<1x8x8x2xf32>) {
    %w6 = arith.constant dense<1.0> : tensor<2x12x3x3xf32>
    %wg = arith.constant dense<1.0> : tensor<2x1x3x3xf32>
    %0 = tile.conv %x6, %w6 [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x8x8x12xf32>, tensor<2x12x3x3xf32> -> tensor<1x8x8x2xf32>
    %1 = tile.conv %x2, %wg [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 2 : i64} : tensor<1x8x8x2xf32>, tensor<2x1x3x3xf32> -> tensor<1x8x8x2xf32>
    %2 = tile.conv %x2, %wg [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 2 : i64, on_vxm} : tensor<1x8x8x2xf32>, tensor<2x1x3x3xf32> -> tensor<1x8x8x2xf32>
    return %0, %1, %2 : tensor<1x8x8x2xf32>, tensor<1x8x8x2xf32>, tensor<1x8x8x2xf32>
  }

  // A window column: a 3x1 convolution over 2 channels becomes a 1x1 one
  // over 6, with weight row ky * 2 + c holding the old weight (c, ky).
  // CHECK-LABEL: func.func @column
  // CHECK: %[[P:.*]] = tile.pack_taps %arg0 {dilation = 1 : i64, dim = 1 : i64, pad_begin = 1 : i64, stride = 2 : i64, taps = 3 : i64, tile.split_rows = 1 : i64} : tensor<1x8x8x2xf32> -> tensor<1x4x8x6xf32>
  // CHECK: %[[W:.*]] = arith.constant dense<{{\[\[\[}}[1.000000e+00]], {{\[\[}}4.000000e+00]], {{\[\[}}2.000000e+00]], {{\[\[}}5.000000e+00]], {{\[\[}}3.000000e+00]], {{\[\[}}6.000000e+00]]]]> : tensor<1x6x1x1xf32>
  // CHECK: tile.conv %[[P]], %[[W]] [] {dilations = array<i64: 1, 1>, group = 1 : i64, kernel = array<i64: 1, 1>, pad_begin = array<i64: 0, 0>, strides = array<i64: 1, 1>} : tensor<1x4x8x6xf32>, tensor<1x6x1x1xf32> -> tensor<1x4x8x1xf32>
  func.func @column(%x: tensor<1x8x8x2xf32>) -> tensor<1x4x8x1xf32> {
    %w = arith.constant dense<[[[[1.0], [2.0], [3.0]], [[4.0], [5.0], [6.0]]]]> : tensor<1x2x3x1xf32>
    %y = tile.conv %x, %w [] {kernel = array<i64: 3, 1>, strides = array<i64: 2, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 0>, group = 1 : i64} : tensor<1x8x8x2xf32>, tensor<1x2x3x1xf32> -> tensor<1x4x8x1xf32>
    return %y : tensor<1x4x8x1xf32>
  }
}

// -----

// f16 products take K windows of 8 rows on lpu-tiny. A 3x3 convolution over
// 4 channels: rows alone make 3 windows of 12 rows (6 per pixel); packing
// the rows' pack along columns too makes one tap of 36 rows, 5 windows,
// with weight row ky * 12 + kx * 4 + c holding the old weight (c, ky, kx).
// CHECK-LABEL: func.func @rows_and_columns
// CHECK: %[[R:.*]] = tile.pack_taps %arg0 {dilation = 1 : i64, dim = 2 : i64, pad_begin = 1 : i64, stride = 1 : i64, taps = 3 : i64, tile.split_rows = 1 : i64} : tensor<1x8x8x4xf32> -> tensor<1x8x8x12xf32>
// CHECK: %[[C:.*]] = tile.pack_taps %[[R]] {dilation = 1 : i64, dim = 1 : i64, pad_begin = 1 : i64, stride = 1 : i64, taps = 3 : i64, tile.split_rows = 1 : i64} : tensor<1x8x8x12xf32> -> tensor<1x8x8x36xf32>
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[}}{{\[\[}}0.000000e+00]], {{\[\[}}1.000000e+02]], {{\[\[}}2.000000e+02]], {{\[\[}}3.000000e+02]], {{\[\[}}1.000000e+00]], {{\[\[}}1.010000e+02]], {{\[\[}}2.010000e+02]], {{\[\[}}3.010000e+02]], {{\[\[}}2.000000e+00]], {{\[\[}}1.020000e+02]], {{\[\[}}2.020000e+02]], {{\[\[}}3.020000e+02]], {{\[\[}}1.000000e+01]], {{\[\[}}1.100000e+02]], {{\[\[}}2.100000e+02]], {{\[\[}}3.100000e+02]], {{\[\[}}1.100000e+01]], {{\[\[}}1.110000e+02]], {{\[\[}}2.110000e+02]], {{\[\[}}3.110000e+02]], {{\[\[}}1.200000e+01]], {{\[\[}}1.120000e+02]], {{\[\[}}2.120000e+02]], {{\[\[}}3.120000e+02]], {{\[\[}}2.000000e+01]], {{\[\[}}1.200000e+02]], {{\[\[}}2.200000e+02]], {{\[\[}}3.200000e+02]], {{\[\[}}2.100000e+01]], {{\[\[}}1.210000e+02]], {{\[\[}}2.210000e+02]], {{\[\[}}3.210000e+02]], {{\[\[}}2.200000e+01]], {{\[\[}}1.220000e+02]], {{\[\[}}2.220000e+02]], {{\[\[}}3.220000e+02]]]]> : tensor<1x36x1x1xf32>
// CHECK: tile.conv %[[C]], %[[W]] [] {{.*}}kernel = array<i64: 1, 1>, pad_begin = array<i64: 0, 0>{{.*}} : tensor<1x8x8x36xf32>, tensor<1x36x1x1xf32> -> tensor<1x8x8x1xf32>
module attributes {tile.target = "lpu-tiny", tile.precision = f16} {
  func.func @rows_and_columns(%x: tensor<1x8x8x4xf32>) -> tensor<1x8x8x1xf32> {
    %w = arith.constant dense<[[[[0.0, 1.0, 2.0], [10.0, 11.0, 12.0], [20.0, 21.0, 22.0]], [[100.0, 101.0, 102.0], [110.0, 111.0, 112.0], [120.0, 121.0, 122.0]], [[200.0, 201.0, 202.0], [210.0, 211.0, 212.0], [220.0, 221.0, 222.0]], [[300.0, 301.0, 302.0], [310.0, 311.0, 312.0], [320.0, 321.0, 322.0]]]]> : tensor<1x4x3x3xf32>
    %y = tile.conv %x, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x8x8x4xf32>, tensor<1x4x3x3xf32> -> tensor<1x8x8x1xf32>
    return %y : tensor<1x8x8x1xf32>
  }
}

// -----

// lpu-v1, i8: a 3x3 convolution over 128 channels (ResNet's second stage).
// A window row's pack is 384 lanes, wider than a vector, and its window
// columns are packed too: each pixel's 1,152 values then fill 4 K windows
// of 320 rows, where 3 window rows of 384 took 6 (two of them 64 rows).
// CHECK-LABEL: func.func @wide_rows
// CHECK: %[[R:.*]] = tile.pack_taps %arg0 {dilation = 1 : i64, dim = 2 : i64, pad_begin = 1 : i64, padding_value = -128 : i64, stride = 1 : i64, taps = 3 : i64, tile.split_rows = 1 : i64} : tensor<1x28x28x128xi8> -> tensor<1x28x28x384xi8>
// CHECK: %[[C:.*]] = tile.pack_taps %[[R]] {dilation = 1 : i64, dim = 1 : i64, pad_begin = 1 : i64, padding_value = -128 : i64, stride = 1 : i64, taps = 3 : i64, tile.split_rows = 1 : i64} : tensor<1x28x28x384xi8> -> tensor<1x28x28x1152xi8>
// CHECK: tile.conv %[[C]], %{{.*}} [] {{.*}}kernel = array<i64: 1, 1>{{.*}} : tensor<1x28x28x1152xi8>, tensor<128x1152x1x1xi8> -> tensor<1x28x28x128xf32>
// Over 256 channels on 14x14 pixels, packing rows and columns would save 1
// of 9 K windows per pixel (196 products per plane of 1,764), less than the
// two packs' passes through SRAM (two thirds of the chip's 96 columns each):
// left alone.
// CHECK-LABEL: func.func @wide_rows_small
// CHECK-NOT: tile.pack_taps
// CHECK: tile.conv %arg0, %{{.*}} {{.*}}kernel = array<i64: 3, 3>
module attributes {tile.target = "lpu-v1"} {
  func.func @wide_rows(%x: tensor<1x28x28x128xi8>) -> tensor<1x28x28x128xf32> {
    %w = arith.constant dense<1> : tensor<128x128x3x3xi8>
    %y = tile.conv %x, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64, padding_value = -128 : i64} : tensor<1x28x28x128xi8>, tensor<128x128x3x3xi8> -> tensor<1x28x28x128xf32>
    return %y : tensor<1x28x28x128xf32>
  }
  func.func @wide_rows_small(%x: tensor<1x14x14x256xi8>) -> tensor<1x14x14x256xf32> {
    %w = arith.constant dense<1> : tensor<256x256x3x3xi8>
    %y = tile.conv %x, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64, padding_value = -128 : i64} : tensor<1x14x14x256xi8>, tensor<256x256x3x3xi8> -> tensor<1x14x14x256xf32>
    return %y : tensor<1x14x14x256xf32>
  }
}
