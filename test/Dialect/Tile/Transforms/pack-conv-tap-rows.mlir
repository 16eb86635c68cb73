// RUN: lpu-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(tile-pack-conv-taps))' | FileCheck %s
// RUN: lpu-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(tile-pack-conv-taps{tap-rows=false max-pixels=1}))' | FileCheck %s --check-prefix=ROWS
// lpu-tiny: 16 lanes.

// A quantized 3x3 convolution into 2 filters over 16 output columns, then
// a dequantization, a 3x3 max pool with stride 2 and a quantization: a
// product per filter and output image row (the weights [2, 9] as rows,
// times that row's 9 tap rows) makes [1, 8, 2, 16]; the maps follow in that
// layout, their per-filter operands as rows of 16 (dealt over slices, as
// the weights are), the quantization before the pool (max commutes with
// it), and the i8 rows are pooled and moved to channels last at once.
// CHECK-LABEL: func.func @pooled
// CHECK-DAG: %[[S:.*]] = arith.constant {tile.split_rows = 1 : i64} dense<{{\[\[\[\[}}5.000000e-01, {{.*}}], [2.500000e-01, {{.*}}]]]]> : tensor<1x1x2x16xf32>
// CHECK-DAG: %[[R:.*]] = tile.im2col %arg0 {dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, pad_begin = array<i64: 1, 1>, padding_value = -7 : i64, strides = array<i64: 1, 1>, tap_rows, tile.split_rows = 1 : i64} : tensor<1x1x8x16xi8> -> tensor<1x8x9x16xi8>
// CHECK-DAG: %[[W:.*]] = arith.constant {tile.split_rows = 1 : i64} dense<{{\[\[}}1, 2, 3, 4, 5, 6, 7, 8, 9], [10, 11, 12, 13, 14, 15, 16, 17, 18]]> : tensor<2x9xi8>
// CHECK: %[[P:.*]] = tile.matmul %[[W]], %[[R]] [] {batches = array<i64: 0, 0, 0, 0, 9, 2, 0, 18, 4, 0, 27, 6, 0, 36, 8, 0, 45, 10, 0, 54, 12, 0, 63, 14>, k = 9 : i64, m = 2 : i64, n = 16 : i64} : tensor<2x9xi8>, tensor<1x8x9x16xi8> -> tensor<1x8x2x16xf32>
// CHECK: %[[D:.*]] = tile.map(%[[P]], %[[S]], %{{.*}}) [in0, mul in1, add in2, relu] : (tensor<1x8x2x16xf32>, tensor<1x1x2x16xf32>, tensor<1x1x2x16xf32>) -> tensor<1x8x2x16xf32>
// CHECK: %[[Q:.*]] = tile.map(%[[D]], %{{.*}}, %{{.*}}) [in0, div in1, add in2] : (tensor<1x8x2x16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x2x16xi8>
// CHECK: %[[T:.*]] = tile.max_pool_transpose %[[Q]] {dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, pad_begin = array<i64: 1, 1>, strides = array<i64: 2, 2>, tile.split_rows = 1 : i64} : tensor<1x8x2x16xi8> -> tensor<1x4x8x2xi8>
// CHECK: return %[[T]]
// Without tap rows, each pixel's window is a row for a product.
// ROWS-LABEL: func.func @pooled
// ROWS: tile.im2col %arg0 {{.*}} -> tensor<1x8x16x9xi8>
// ROWS: tile.matmul
// ROWS: tile.pool max {{.*}}kernel = array<i64: 3, 3>
module attributes {tile.target = "lpu-tiny"} {
  func.func @pooled(%x: tensor<1x1x8x16xi8>) -> tensor<1x4x8x2xi8> {
    %w = arith.constant dense<[[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]], [[[10, 11, 12], [13, 14, 15], [16, 17, 18]]]]> : tensor<2x1x3x3xi8>
    %s = arith.constant dense<[[[[0.5, 0.25]]]]> : tensor<1x1x1x2xf32>
    %b = arith.constant dense<[[[[1.0, -1.0]]]]> : tensor<1x1x1x2xf32>
    %o = arith.constant dense<0.125> : tensor<1xf32>
    %z = arith.constant dense<-3.0> : tensor<1xf32>
    %t = tile.transpose %x [0, 2, 3, 1] : tensor<1x1x8x16xi8> -> tensor<1x8x16x1xi8>
    %y = tile.conv %t, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64, padding_value = -7 : i64} : tensor<1x8x16x1xi8>, tensor<2x1x3x3xi8> -> tensor<1x8x16x2xf32>
    %r = tile.map(%y, %s, %b) [in0, mul in1, add in2, relu] : (tensor<1x8x16x2xf32>, tensor<1x1x1x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x8x16x2xf32>
    %p = tile.pool max %r {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>} : tensor<1x8x16x2xf32> -> tensor<1x4x8x2xf32>
    %q = tile.map(%p, %o, %z) [in0, div in1, add in2] : (tensor<1x4x8x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x8x2xi8>
    return %q : tensor<1x4x8x2xi8>
  }

  // Kept as windows in rows: no max pool follows an i8 result (the
  // transpose would move every row the product makes), or the chain stays f32 (an f32 transpose
  // moves in parts) and is no product's input.
  // CHECK-LABEL: func.func @kept
  // CHECK-NOT: tap_rows
  // CHECK: return
  func.func @kept(%x: tensor<1x1x8x16xi8>) -> (tensor<1x8x16x2xi8>, tensor<1x4x8x2xf32>) {
    %w = arith.constant dense<3> : tensor<2x1x3x3xi8>
    %o = arith.constant dense<0.125> : tensor<1xf32>
    %t = tile.transpose %x [0, 2, 3, 1] : tensor<1x1x8x16xi8> -> tensor<1x8x16x1xi8>
    %y = tile.conv %t, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64, padding_value = -7 : i64} : tensor<1x8x16x1xi8>, tensor<2x1x3x3xi8> -> tensor<1x8x16x2xf32>
    %q = tile.map(%y, %o) [in0, div in1] : (tensor<1x8x16x2xf32>, tensor<1xf32>) -> tensor<1x8x16x2xi8>
    %y2 = tile.conv %t, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64, padding_value = -7 : i64} : tensor<1x8x16x1xi8>, tensor<2x1x3x3xi8> -> tensor<1x8x16x2xf32>
    %p = tile.pool max %y2 {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>} : tensor<1x8x16x2xf32> -> tensor<1x4x8x2xf32>
    return %q, %p : tensor<1x8x16x2xi8>, tensor<1x4x8x2xf32>
  }
}

// -----

// In f16, rows of f32 values that only f16 products read (two 1x1
// convolutions) are rounded to f16, and pooled and moved as f16 (rounding
// commutes with max).
// CHECK-LABEL: func.func @rounded
// CHECK: %[[P:.*]] = tile.matmul {{.*}} -> tensor<1x8x2x16xf32>
// CHECK: %[[H:.*]] = tile.map(%[[P]]) [in0] : (tensor<1x8x2x16xf32>) -> tensor<1x8x2x16xf16>
// CHECK: %[[C:.*]] = tile.max_pool_transpose %[[H]] {{.*}} : tensor<1x8x2x16xf16> -> tensor<1x4x8x2xf16>
// CHECK-COUNT-2: tile.conv %[[C]]
module attributes {tile.target = "lpu-tiny", tile.precision = f16} {
  func.func @rounded(%x: tensor<1x1x8x16xf32>) -> (tensor<1x4x8x2xf32>, tensor<1x4x8x2xf32>) {
    %w = arith.constant dense<1.0> : tensor<2x1x3x3xf32>
    %b = arith.constant dense<[[[[1.0, -1.0]]]]> : tensor<1x1x1x2xf32>
    %w1 = arith.constant dense<1.0> : tensor<2x2x1x1xf32>
    %t = tile.transpose %x [0, 2, 3, 1] : tensor<1x1x8x16xf32> -> tensor<1x8x16x1xf32>
    %y = tile.conv %t, %w epilogue(%b : tensor<1x1x1x2xf32>) [add in0, relu] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x8x16x1xf32>, tensor<2x1x3x3xf32> -> tensor<1x8x16x2xf32>
    %p = tile.pool max %y {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>} : tensor<1x8x16x2xf32> -> tensor<1x4x8x2xf32>
    %c0 = tile.conv %p, %w1 [] {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 0, 0>, group = 1 : i64} : tensor<1x4x8x2xf32>, tensor<2x2x1x1xf32> -> tensor<1x4x8x2xf32>
    %c1 = tile.conv %p, %w1 [] {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 0, 0>, group = 1 : i64} : tensor<1x4x8x2xf32>, tensor<2x2x1x1xf32> -> tensor<1x4x8x2xf32>
    return %c0, %c1 : tensor<1x4x8x2xf32>, tensor<1x4x8x2xf32>
  }
}

// -----

// In f16 without a pool: the product's rows are rounded to f16 and
// transposed to channels last, every image row of them.
// CHECK-LABEL: func.func @unpooled
// CHECK: tile.im2col %arg0 {{.*}}tap_rows
// CHECK: %[[P:.*]] = tile.matmul {{.*}} -> tensor<1x8x2x16xf32>
// CHECK: %[[H:.*]] = tile.map(%[[P]]) [in0] : (tensor<1x8x2x16xf32>) -> tensor<1x8x2x16xf16>
// CHECK: %[[T:.*]] = tile.transpose %[[H]] [0, 1, 3, 2] {tile.split_rows = 1 : i64} : tensor<1x8x2x16xf16> -> tensor<1x8x16x2xf16>
// CHECK-NOT: tile.pool
// CHECK: tile.conv %[[T]]
module attributes {tile.target = "lpu-tiny", tile.precision = f16} {
  func.func @unpooled(%x: tensor<1x1x8x16xf32>) -> tensor<1x8x16x2xf32> {
    %w = arith.constant dense<1.0> : tensor<2x1x3x3xf32>
    %b = arith.constant dense<[[[[1.0, -1.0]]]]> : tensor<1x1x1x2xf32>
    %w1 = arith.constant dense<1.0> : tensor<2x2x1x1xf32>
    %t = tile.transpose %x [0, 2, 3, 1] : tensor<1x1x8x16xf32> -> tensor<1x8x16x1xf32>
    %y = tile.conv %t, %w epilogue(%b : tensor<1x1x1x2xf32>) [add in0, relu] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x8x16x1xf32>, tensor<2x1x3x3xf32> -> tensor<1x8x16x2xf32>
    %c = tile.conv %y, %w1 [] {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 0, 0>, group = 1 : i64} : tensor<1x8x16x2xf32>, tensor<2x2x1x1xf32> -> tensor<1x8x16x2xf32>
    return %c : tensor<1x8x16x2xf32>
  }
}

// -----

// Rows of 8 output columns, two to a row of lpu-tiny's 16 lanes
// (`segments`): image rows p and 4 + p share tap rows, products and maps,
// and the pool, or without one a 1x1 window, brings them back apart.
// CHECK-LABEL: func.func @segments
// CHECK: %[[R:.*]] = tile.im2col %arg0 {{.*}}segments = 2 : i64{{.*}}tap_rows{{.*}} : tensor<1x1x8x16xf32> -> tensor<1x4x9x16xf32>
// CHECK: %[[P:.*]] = tile.matmul %{{.*}}, %[[R]] epilogue(%{{.*}} : tensor<1x1x2x16xf32>) [add in0, relu] {batches = array<i64: 0, 0, 0, 0, 9, 2, 0, 18, 4, 0, 27, 6>, k = 9 : i64, m = 2 : i64, n = 16 : i64} {{.*}} -> tensor<1x4x2x16xf32>
// CHECK: %[[H:.*]] = tile.map(%[[P]]) [in0] : (tensor<1x4x2x16xf32>) -> tensor<1x4x2x16xf16>
// CHECK: %[[T:.*]] = tile.max_pool_transpose %[[H]] {dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, pad_begin = array<i64: 1, 1>, segments = 2 : i64, strides = array<i64: 2, 2>, tile.split_rows = 1 : i64} : tensor<1x4x2x16xf16> -> tensor<1x4x4x2xf16>
// CHECK: tile.conv %[[T]]
// CHECK-LABEL: func.func @segments_unpooled
// CHECK: tile.im2col %arg0 {{.*}}segments = 2 : i64{{.*}} -> tensor<1x4x9x16xf32>
// CHECK: %[[U:.*]] = tile.max_pool_transpose %{{.*}} {dilations = array<i64: 1, 1>, kernel = array<i64: 1, 1>, pad_begin = array<i64: 0, 0>, segments = 2 : i64, strides = array<i64: 1, 1>, tile.split_rows = 1 : i64} : tensor<1x4x2x16xf16> -> tensor<1x8x8x2xf16>
// CHECK: tile.conv %[[U]]
module attributes {tile.target = "lpu-tiny", tile.precision = f16} {
  func.func @segments(%x: tensor<1x1x8x16xf32>) -> tensor<1x4x4x2xf32> {
    %w = arith.constant dense<1.0> : tensor<2x1x3x3xf32>
    %b = arith.constant dense<[[[[1.0, -1.0]]]]> : tensor<1x1x1x2xf32>
    %w1 = arith.constant dense<1.0> : tensor<2x2x1x1xf32>
    %t = tile.transpose %x [0, 2, 3, 1] : tensor<1x1x8x16xf32> -> tensor<1x8x16x1xf32>
    %y = tile.conv %t, %w epilogue(%b : tensor<1x1x1x2xf32>) [add in0, relu] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 2>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x8x16x1xf32>, tensor<2x1x3x3xf32> -> tensor<1x8x8x2xf32>
    %p = tile.pool max %y {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>} : tensor<1x8x8x2xf32> -> tensor<1x4x4x2xf32>
    %c = tile.conv %p, %w1 [] {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 0, 0>, group = 1 : i64} : tensor<1x4x4x2xf32>, tensor<2x2x1x1xf32> -> tensor<1x4x4x2xf32>
    return %c : tensor<1x4x4x2xf32>
  }
  func.func @segments_unpooled(%x: tensor<1x1x8x16xf32>) -> tensor<1x8x8x2xf32> {
    %w = arith.constant dense<1.0> : tensor<2x1x3x3xf32>
    %b = arith.constant dense<[[[[1.0, -1.0]]]]> : tensor<1x1x1x2xf32>
    %w1 = arith.constant dense<1.0> : tensor<2x2x1x1xf32>
    %t = tile.transpose %x [0, 2, 3, 1] : tensor<1x1x8x16xf32> -> tensor<1x8x16x1xf32>
    %y = tile.conv %t, %w epilogue(%b : tensor<1x1x1x2xf32>) [add in0, relu] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 2>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x8x16x1xf32>, tensor<2x1x3x3xf32> -> tensor<1x8x8x2xf32>
    %c = tile.conv %y, %w1 [] {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 0, 0>, group = 1 : i64} : tensor<1x8x8x2xf32>, tensor<2x2x1x1xf32> -> tensor<1x8x8x2xf32>
    return %c : tensor<1x8x8x2xf32>
  }
}
