// RUN: lpu-opt %s --pass-pipeline='builtin.module(func.func(tile-pack-taps))' | FileCheck %s
// RUN: lpu-opt %s --pass-pipeline='builtin.module(func.func(tile-pack-taps{max-pixels=1}))' | FileCheck %s --check-prefix=SINGLE
// lpu-tiny: 16 lanes, f32 products 16 rows deep, 2 MXM planes, 2 SXM units.
// Output pixels made several per product (tile-pack-taps' pixel groups).

module attributes {tile.target = "lpu-tiny"} {
  // 3x3 over 2 channels into 4: two neighbouring outputs read 4 input
  // columns (8 lanes), packed by 2 strides; one 3x1 convolution makes both
  // pixels' 4 filters (8 lanes), the bias repeated per pixel, the scalar
  // kept; the gather gives pixel ox lanes (ox % 2) * 4 .. + 4 of group
  // ox / 2. The node's work stays on the convolution: 64 pixels x 72
  // weights.
  // CHECK-LABEL: func.func @grouped
  // CHECK-DAG: %[[S:.*]] = arith.constant dense<5.000000e-01> : tensor<1x1x1x1xf32>
  // CHECK-DAG: %[[P:.*]] = tile.pack_taps %arg0 {dilation = 1 : i64, dim = 2 : i64, pad_begin = 1 : i64, stride = 2 : i64, taps = 4 : i64, tile.split_rows = 1 : i64} : tensor<1x8x8x2xf32> -> tensor<1x8x4x8xf32>
  // CHECK-DAG: %[[W:.*]] = arith.constant {{.*}} : tensor<8x8x3x1xf32>
  // CHECK-DAG: %[[B:.*]] = arith.constant dense<{{\[\[\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]]]]> : tensor<1x1x1x8xf32>
  // CHECK: %[[Y:.*]] = tile.conv %[[P]], %[[W]] epilogue(%[[B]], %[[S]] : tensor<1x1x1x8xf32>, tensor<1x1x1x1xf32>) [add in0, mul in1, relu] {dilations = array<i64: 1, 1>, group = 1 : i64, kernel = array<i64: 3, 1>, pad_begin = array<i64: 1, 0>, strides = array<i64: 1, 1>, tile.model_work = array<i64: 4608, 72>} : tensor<1x8x4x8xf32>, tensor<8x8x3x1xf32> -> tensor<1x8x4x8xf32>
  // CHECK: %[[G:.*]] = tile.gather %[[Y]] {count = array<i64: 1, 1, 1, 2>, first = array<i64: 0, 1, 2, 2>, tables = [array<i64: 0>, array<i64: 0, 1, 2, 3, 4, 5, 6, 7>, array<i64: 0, 0, 1, 1, 2, 2, 3, 3>, array<i64: 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7>]} : tensor<1x8x4x8xf32> -> tensor<1x8x8x4xf32>
  // CHECK: return %[[G]]
  // With one pixel per product, the window rows are packed instead.
  // SINGLE-LABEL: func.func @grouped
  // SINGLE-NOT: tile.gather
  // SINGLE: tile.pack_taps %arg0 {{.*}}stride = 1 : i64, taps = 3 : i64
  // SINGLE-NOT: tile.gather
  func.func @grouped(%x: tensor<1x8x8x2xf32>) -> tensor<1x8x8x4xf32> {
    %w = arith.constant dense<1.0> : tensor<4x2x3x3xf32>
    %b = arith.constant dense<[[[[1.0, 2.0, 3.0, 4.0]]]]> : tensor<1x1x1x4xf32>
    %s = arith.constant dense<0.5> : tensor<1x1x1x1xf32>
    %y = tile.conv %x, %w epilogue(%b, %s : tensor<1x1x1x4xf32>, tensor<1x1x1x1xf32>) [add in0, mul in1, relu] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x8x8x2xf32>, tensor<4x2x3x3xf32> -> tensor<1x8x8x4xf32>
    return %y : tensor<1x8x8x4xf32>
  }

  // The weights: filter f of pixel j reads group column j (stride 1, one
  // tap wide) through every tap ky, and zeros elsewhere: row t * 2 + c of
  // result column j holds the old weight (c, ky) where t = j.
  // CHECK-LABEL: func.func @column
  // CHECK: tile.pack_taps %arg0 {dilation = 1 : i64, dim = 2 : i64, pad_begin = 0 : i64, stride = 2 : i64, taps = 2 : i64, tile.split_rows = 1 : i64} : tensor<1x8x8x2xf32> -> tensor<1x8x4x4xf32>
  // CHECK: arith.constant dense<{{\[\[\[\[}}1.000000e+00], [2.000000e+00], [3.000000e+00]], {{\[\[}}4.000000e+00], [5.000000e+00], [6.000000e+00]], {{\[\[}}0.000000e+00], [0.000000e+00], [0.000000e+00]], {{\[\[}}0.000000e+00], [0.000000e+00], [0.000000e+00]]], {{\[\[\[}}0.000000e+00], [0.000000e+00], [0.000000e+00]], {{\[\[}}0.000000e+00], [0.000000e+00], [0.000000e+00]], {{\[\[}}1.000000e+00], [2.000000e+00], [3.000000e+00]], {{\[\[}}4.000000e+00], [5.000000e+00], [6.000000e+00]]]]> : tensor<2x4x3x1xf32>
  // CHECK: tile.conv {{.*}}kernel = array<i64: 3, 1>, pad_begin = array<i64: 1, 0>, strides = array<i64: 2, 1>{{.*}} -> tensor<1x4x4x2xf32>
  // CHECK: tile.gather {{.*}} : tensor<1x4x4x2xf32> -> tensor<1x4x8x1xf32>
  func.func @column(%x: tensor<1x8x8x2xf32>) -> tensor<1x4x8x1xf32> {
    %w = arith.constant dense<[[[[1.0], [2.0], [3.0]], [[4.0], [5.0], [6.0]]]]> : tensor<1x2x3x1xf32>
    %y = tile.conv %x, %w [] {kernel = array<i64: 3, 1>, strides = array<i64: 2, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 0>, group = 1 : i64} : tensor<1x8x8x2xf32>, tensor<1x2x3x1xf32> -> tensor<1x4x8x1xf32>
    return %y : tensor<1x4x8x1xf32>
  }

  // An epilogue operand that differs per pixel (a residual) stops the steps
  // that run on groups: the bias is added to both pixels of a group, the
  // running value is stored as f32 and unpacked, and a map adds the residual
  // and applies the rest (a scalar keeps its index order) into the result's
  // f16.
  // CHECK-LABEL: func.func @residual
  // CHECK-DAG: %[[B:.*]] = arith.constant dense<{{\[\[\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]]]]> : tensor<1x1x1x8xf32>
  // CHECK: %[[Y:.*]] = tile.conv %{{.*}}, %{{.*}} epilogue(%[[B]] : tensor<1x1x1x8xf32>) [add in0] {{.*}} -> tensor<1x8x4x8xf32>
  // CHECK: %[[G:.*]] = tile.gather %[[Y]] {{.*}} : tensor<1x8x4x8xf32> -> tensor<1x8x8x4xf32>
  // CHECK: %[[M:.*]] = tile.map(%[[G]], %arg1, %{{.*}}) [in0, add in1, relu, mul in2] : (tensor<1x8x8x4xf32>, tensor<1x8x8x4xf32>, tensor<1xf32>) -> tensor<1x8x8x4xf16>
  // CHECK: return %[[M]]
  func.func @residual(%x: tensor<1x8x8x2xf32>, %r: tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf16> {
    %w = arith.constant dense<1.0> : tensor<4x2x3x3xf32>
    %b = arith.constant dense<[[[[1.0, 2.0, 3.0, 4.0]]]]> : tensor<1x1x1x4xf32>
    %s = arith.constant dense<0.5> : tensor<1xf32>
    %y = tile.conv %x, %w epilogue(%s, %b, %r : tensor<1xf32>, tensor<1x1x1x4xf32>, tensor<1x8x8x4xf32>) [add in1, add in2, relu, mul in0] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x8x8x2xf32>, tensor<4x2x3x3xf32> -> tensor<1x8x8x4xf16>
    return %y : tensor<1x8x8x4xf16>
  }

  // A residual first: the groups keep the bare products.
  // CHECK-LABEL: func.func @residual_first
  // CHECK: %[[Y:.*]] = tile.conv %{{.*}}, %{{.*}} [] {{.*}} -> tensor<1x8x4x8xf32>
  // CHECK: %[[G:.*]] = tile.gather %[[Y]]
  // CHECK: tile.map(%[[G]], %arg1) [in0, add in1, relu]
  func.func @residual_first(%x: tensor<1x8x8x2xf32>, %r: tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32> {
    %w = arith.constant dense<1.0> : tensor<4x2x3x3xf32>
    %y = tile.conv %x, %w epilogue(%r : tensor<1x8x8x4xf32>) [add in0, relu] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x8x8x2xf32>, tensor<4x2x3x3xf32> -> tensor<1x8x8x4xf32>
    return %y : tensor<1x8x8x4xf32>
  }

  // Unpacked for a residual, 40x40 pixels would take 100 KiB more in f32,
  // over an eighth of lpu-tiny's 512 KiB of SRAM: not grouped.
  // CHECK-LABEL: func.func @residual_large
  // CHECK-NOT: tile.gather
  // CHECK: tile.conv {{.*}}epilogue(%arg1 : tensor<1x40x40x4xf32>)
  // CHECK-NOT: tile.gather
  func.func @residual_large(%x: tensor<1x40x40x2xf32>, %r: tensor<1x40x40x4xf32>) -> tensor<1x40x40x4xf32> {
    %w = arith.constant dense<1.0> : tensor<4x2x3x3xf32>
    %y = tile.conv %x, %w epilogue(%r : tensor<1x40x40x4xf32>) [add in0, relu] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x40x40x2xf32>, tensor<4x2x3x3xf32> -> tensor<1x40x40x4xf32>
    return %y : tensor<1x40x40x4xf32>
  }

  // One value of any rank (a Clip's bound, ReLU6 in MobileNetV2) serves
  // every pixel of a group as it is: grouped, the residual added after the
  // gather.
  // CHECK-LABEL: func.func @scalar_before_residual
  // CHECK: %[[S:.*]] = arith.constant dense<5.000000e-01> : tensor<f32>
  // CHECK: %[[Y:.*]] = tile.conv {{.*}}epilogue(%[[S]] : tensor<f32>) [mul in0] {{.*}} -> tensor<1x8x4x8xf32>
  // CHECK: %[[G:.*]] = tile.gather %[[Y]]
  // CHECK: tile.map(%[[G]], %arg1) [in0, add in1]
  func.func @scalar_before_residual(%x: tensor<1x8x8x2xf32>, %r: tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32> {
    %w = arith.constant dense<1.0> : tensor<4x2x3x3xf32>
    %s = arith.constant dense<0.5> : tensor<f32>
    %y = tile.conv %x, %w epilogue(%s, %r : tensor<f32>, tensor<1x8x8x4xf32>) [mul in0, add in1] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x8x8x2xf32>, tensor<4x2x3x3xf32> -> tensor<1x8x8x4xf32>
    return %y : tensor<1x8x8x4xf32>
  }
}
