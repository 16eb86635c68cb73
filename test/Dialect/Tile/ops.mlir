// RUN: lpu-opt %s | FileCheck %s
// RUN: lpu-opt %s | lpu-opt | FileCheck %s
// Every tile op prints and parses back.

module attributes {tile.target = "lpu-tiny"} {
  // CHECK-LABEL: func.func @main
  func.func @main(%x: tensor<2x4x4x3xf32>, %a: tensor<4x8xf32>, %b: tensor<8xf32>, %m: tensor<16x8x3xf32>, %r: tensor<2x4x3x3xf32>) -> (tensor<4x8xf32>, tensor<2x3x4x4xf32>, tensor<2x1x1x3xf32>) {
    %w = arith.constant dense<1.0> : tensor<8x8xf32>
    %k = arith.constant dense<0.5> : tensor<5x3x3x3xf32>
    %s = arith.constant dense<2.0> : tensor<1xf32>
    // CHECK: tile.map(%{{.*}}, %{{.*}}, %{{.*}}) [in0, add in1 * -2.000000e+00, relu, scale 5.000000e-01, max in2] {tile.split_rows = 4 : i64}
    %0 = tile.map(%a, %b, %s) [in0, add in1 * -2.0, relu, scale 0.5, max in2] {tile.split_rows = 4 : i64} : (tensor<4x8xf32>, tensor<8xf32>, tensor<1xf32>) -> tensor<4x8xf32>
    // CHECK: tile.matmul %{{.*}}, %{{.*}} epilogue(%{{.*}} : tensor<8xf32>) [add in0, sigmoid] {batches = array<i64: 0, 0, 0>, k = 8 : i64, m = 4 : i64, n = 8 : i64, packed_weights, planes = array<i32: 0>, separate_partials, transpose_b, turn = 2 : i64}
    %1 = tile.matmul %0, %w epilogue(%b : tensor<8xf32>) [add in0, sigmoid] {batches = array<i64: 0, 0, 0>, k = 8 : i64, m = 4 : i64, n = 8 : i64, transpose_b, packed_weights, separate_partials, turn = 2 : i64, planes = array<i32: 0>} : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
    // CHECK: tile.conv %{{.*}}, %{{.*}} [] {dilations = array<i64: 1, 1>, group = 1 : i64, kernel = array<i64: 3, 3>, pad_begin = array<i64: 1, 1>, strides = array<i64: 1, 1>}
    %2 = tile.conv %x, %k [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<2x4x4x3xf32>, tensor<5x3x3x3xf32> -> tensor<2x4x4x5xf32>
    // CHECK: tile.pool max %{{.*}} {dilations
    %3 = tile.pool max %x {kernel = array<i64: 2, 2>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 0, 0>} : tensor<2x4x4x3xf32> -> tensor<2x3x3x3xf32>
    // CHECK: tile.im2col %{{.*}} {dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pad_begin = array<i64: 0, 0>, planes = array<i32: 0, 1>, strides = array<i64: 1, 1>, turn = 2 : i64} : tensor<2x4x4x3xf32> -> tensor<2x3x2x16xf32>
    %im = tile.im2col %x {kernel = array<i64: 2, 2>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 0, 0>, turn = 2 : i64, planes = array<i32: 0, 1>} : tensor<2x4x4x3xf32> -> tensor<2x3x2x16xf32>
    // CHECK: tile.pack_taps %{{.*}} {dilation = 1 : i64, dim = 2 : i64, pad_begin = 1 : i64, stride = 2 : i64, taps = 3 : i64} : tensor<2x4x4x3xf32> -> tensor<2x4x2x9xf16>
    %rows = tile.pack_taps %x {dim = 2 : i64, taps = 3 : i64, stride = 2 : i64, dilation = 1 : i64, pad_begin = 1 : i64} : tensor<2x4x4x3xf32> -> tensor<2x4x2x9xf16>
    // CHECK: tile.pack_taps %{{.*}} {dilation = 1 : i64, dim = 1 : i64, pad_begin = 1 : i64, stride = 2 : i64, taps = 3 : i64} : tensor<2x4x4x3xf32> -> tensor<2x2x4x9xf32>
    %columns = tile.pack_taps %x {dim = 1 : i64, taps = 3 : i64, stride = 2 : i64, dilation = 1 : i64, pad_begin = 1 : i64} : tensor<2x4x4x3xf32> -> tensor<2x2x4x9xf32>
    // CHECK: tile.global_pool %{{.*}} : tensor<2x4x4x3xf32> -> tensor<2x1x1x3xf32>
    %4 = tile.global_pool %x : tensor<2x4x4x3xf32> -> tensor<2x1x1x3xf32>
    // CHECK: tile.transpose %{{.*}} [0, 3, 1, 2]
    %5 = tile.transpose %x [0, 3, 1, 2] : tensor<2x4x4x3xf32> -> tensor<2x3x4x4xf32>
    // CHECK: tile.gather %{{.*}} padding %{{.*}} : tensor<1xf32> {count = array<i64: 1, 1>, first = array<i64: 0, 1>, tables = [array<i64: 1, 2>, array<i64: -1, 0, 1, 2, 3, 4, 5, 6, 7, -1>]}
    %6 = tile.gather %a padding %s : tensor<1xf32> {first = array<i64: 0, 1>, count = array<i64: 1, 1>, tables = [array<i64: 1, 2>, array<i64: -1, 0, 1, 2, 3, 4, 5, 6, 7, -1>]} : tensor<4x8xf32> -> tensor<2x10xf32>
    // CHECK: tile.reshape %{{.*}} : tensor<4x8xf32> -> tensor<32xf32>
    %7 = tile.reshape %a : tensor<4x8xf32> -> tensor<32xf32>
    // CHECK: tile.concat %{{.*}}, %{{.*}} axis 0
    %8 = tile.concat %a, %0 axis 0 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<8x8xf32>
    // CHECK: tile.reduce_rows max %{{.*}} {scale = 2.500000e-01 : f32, strategy = #tile<row_strategy mxm_extremum>}
    %9 = tile.reduce_rows max %a {scale = 0.25 : f32, strategy = #tile<row_strategy mxm_extremum>} : tensor<4x8xf32> -> tensor<4x1xf32>
    // CHECK: tile.reduce_leading sum %{{.*}} [0]
    %10 = tile.reduce_leading sum %x [0] : tensor<2x4x4x3xf32> -> tensor<1x4x4x3xf32>
    // CHECK: tile.winograd_input %{{.*}} {output_size = array<i64: 4, 3>, pad_begin = array<i64: 1, 1>} : tensor<2x4x4x3xf32> -> tensor<16x8x3xf16>
    %11 = tile.winograd_input %x {pad_begin = array<i64: 1, 1>, output_size = array<i64: 4, 3>} : tensor<2x4x4x3xf32> -> tensor<16x8x3xf16>
    // CHECK: tile.winograd_output %{{.*}} epilogue(%{{.*}} : tensor<2x4x3x3xf32>) [add in0, relu] : tensor<16x8x3xf32> -> tensor<2x4x3x3xf32>
    %12 = tile.winograd_output %m epilogue(%r : tensor<2x4x3x3xf32>) [add in0, relu] : tensor<16x8x3xf32> -> tensor<2x4x3x3xf32>
    return %1, %5, %4 : tensor<4x8xf32>, tensor<2x3x4x4xf32>, tensor<2x1x1x3xf32>
  }

  // Tap rows of two image rows side by side, and filter rows pooled back
  // apart to channels last.
  // CHECK-LABEL: func.func @segments
  func.func @segments(%x: tensor<2x4x4x3xf32>, %rows: tensor<2x2x3x8xf16>) -> (tensor<2x2x36x6xf32>, tensor<2x2x2x3xf16>) {
    // CHECK: tile.im2col %{{.*}} {dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, pad_begin = array<i64: 1, 1>, segments = 2 : i64, strides = array<i64: 1, 1>, tap_rows} : tensor<2x4x4x3xf32> -> tensor<2x2x36x6xf32>
    %0 = tile.im2col %x {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, tap_rows, segments = 2 : i64} : tensor<2x4x4x3xf32> -> tensor<2x2x36x6xf32>
    // CHECK: tile.max_pool_transpose %{{.*}} {dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pad_begin = array<i64: 0, 0>, planes = array<i32: 0, 1>, segments = 2 : i64, strides = array<i64: 2, 2>} : tensor<2x2x3x8xf16> -> tensor<2x2x2x3xf16>
    %1 = tile.max_pool_transpose %rows {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 0, 0>, segments = 2 : i64, planes = array<i32: 0, 1>} : tensor<2x2x3x8xf16> -> tensor<2x2x2x3xf16>
    return %0, %1 : tensor<2x2x36x6xf32>, tensor<2x2x2x3xf16>
  }

  // CHECK-LABEL: func.func @lookup
  // CHECK: tile.lookup %{{.*}}[%{{.*}}] : tensor<50x24xf32>, tensor<2x3xi32> -> tensor<2x3x24xf32>
  func.func @lookup(%table: tensor<50x24xf32>, %ids: tensor<2x3xi32>) -> tensor<2x3x24xf32> {
    %0 = tile.lookup %table[%ids] : tensor<50x24xf32>, tensor<2x3xi32> -> tensor<2x3x24xf32>
    return %0 : tensor<2x3x24xf32>
  }

  // CHECK-LABEL: func.func @scatter_rows
  // CHECK: tile.scatter_rows %{{.*}}[%{{.*}}] = %{{.*}} : tensor<8x20xf32>, tensor<2xi32>, tensor<2x20xf32>
  func.func @scatter_rows(%t: tensor<8x20xf32>, %r: tensor<2xi32>, %u: tensor<2x20xf32>) -> tensor<8x20xf32> {
    %0 = tile.scatter_rows %t[%r] = %u : tensor<8x20xf32>, tensor<2xi32>, tensor<2x20xf32>
    return %0 : tensor<8x20xf32>
  }
}
