// RUN: lpu-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(tile-store-product-inputs))' | FileCheck %s

// In f16, a tensor only products stream is stored in f16 (its producer rounds
// it once); one an element-wise map also reads, or a graph output, stays f32.
// CHECK-LABEL: func.func @main
// CHECK: %[[A:.*]] = tile.conv %arg0, {{.*}} -> tensor<1x4x4x8xf16>
// CHECK: %[[B:.*]] = tile.conv %[[A]], {{.*}} : tensor<1x4x4x8xf16>, tensor<8x8x3x3xf32> -> tensor<1x4x4x8xf32>
// CHECK: %[[C:.*]] = tile.map(%[[B]]) {{.*}} -> tensor<1x4x4x8xf32>
// CHECK: tile.conv %[[B]], {{.*}} -> tensor<1x4x4x8xf32>
module attributes {tile.target = "lpu-v1", tile.precision = f16} {
  func.func @main(%x: tensor<1x4x4x8xf32>) -> (tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) {
    %w = arith.constant dense<0.5> : tensor<8x8x3x3xf32>
    %0 = tile.conv %x, %w [relu] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x4x4x8xf32>, tensor<8x8x3x3xf32> -> tensor<1x4x4x8xf32>
    %1 = tile.conv %0, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x4x4x8xf32>, tensor<8x8x3x3xf32> -> tensor<1x4x4x8xf32>
    %2 = tile.map(%1) [in0, relu] : (tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
    %3 = tile.conv %1, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x4x4x8xf32>, tensor<8x8x3x3xf32> -> tensor<1x4x4x8xf32>
    return %2, %3 : tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>
  }
}

// -----

// Products in f32 (lpu-tiny's default) round nothing: types stay.
// CHECK-LABEL: func.func @main
// CHECK-NOT: xf16
// CHECK: return
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
    %w = arith.constant dense<0.5> : tensor<8x8x3x3xf32>
    %0 = tile.conv %x, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x4x4x8xf32>, tensor<8x8x3x3xf32> -> tensor<1x4x4x8xf32>
    %1 = tile.conv %0, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x4x4x8xf32>, tensor<8x8x3x3xf32> -> tensor<1x4x4x8xf32>
    return %1 : tensor<1x4x4x8xf32>
  }
}

// -----

// In bf16, and for both operands of a matrix product: B computed at run
// time is installed in bf16 too (tap rows).
// CHECK-LABEL: func.func @main
// CHECK: %[[P:.*]] = tile.map(%arg0) {{.*}} -> tensor<4x32xbf16>
// CHECK: %[[Q:.*]] = tile.map(%arg1) {{.*}} -> tensor<32x8xbf16>
// CHECK: tile.matmul %[[P]], %[[Q]]
module attributes {tile.target = "lpu-v1", tile.precision = bf16} {
  func.func @main(%a: tensor<4x32xf32>, %b: tensor<32x8xf32>) -> tensor<4x8xf32> {
    %p = tile.map(%a) [in0, relu] : (tensor<4x32xf32>) -> tensor<4x32xf32>
    %q = tile.map(%b) [in0, relu] : (tensor<32x8xf32>) -> tensor<32x8xf32>
    %0 = tile.matmul %p, %q [] {batches = array<i64: 0, 0, 0>, k = 32 : i64, m = 4 : i64, n = 8 : i64} : tensor<4x32xf32>, tensor<32x8xf32> -> tensor<4x8xf32>
    return %0 : tensor<4x8xf32>
  }
}

// -----

// Through a window-row packing: its result, which only products stream, is
// f16, and so is the tensor only that packing reads. A tensor a map also
// reads stays f32 and the packing converts as it writes.
// CHECK-LABEL: func.func @main
// CHECK: %[[A:.*]] = tile.conv %arg0, {{.*}} -> tensor<1x4x4x8xf16>
// CHECK: %[[P:.*]] = tile.pack_taps %[[A]] {{.*}} : tensor<1x4x4x8xf16> -> tensor<1x4x4x24xf16>
// CHECK: %[[B:.*]] = tile.conv %[[P]], {{.*}} -> tensor<1x4x4x8xf32>
// CHECK: %[[Q:.*]] = tile.pack_taps %[[B]] {{.*}} : tensor<1x4x4x8xf32> -> tensor<1x4x4x24xf16>
module attributes {tile.target = "lpu-v1", tile.precision = f16} {
  func.func @main(%x: tensor<1x4x4x8xf32>) -> (tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) {
    %w = arith.constant dense<0.5> : tensor<8x8x1x1xf32>
    %w3 = arith.constant dense<0.5> : tensor<8x24x3x1xf32>
    %0 = tile.conv %x, %w [] {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 0, 0>, group = 1 : i64} : tensor<1x4x4x8xf32>, tensor<8x8x1x1xf32> -> tensor<1x4x4x8xf32>
    %1 = tile.pack_taps %0 {dim = 2 : i64, taps = 3 : i64, stride = 1 : i64, dilation = 1 : i64, pad_begin = 1 : i64} : tensor<1x4x4x8xf32> -> tensor<1x4x4x24xf32>
    %2 = tile.conv %1, %w3 [] {kernel = array<i64: 3, 1>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 0>, group = 1 : i64} : tensor<1x4x4x24xf32>, tensor<8x24x3x1xf32> -> tensor<1x4x4x8xf32>
    %3 = tile.map(%2) [in0, relu] : (tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
    %4 = tile.pack_taps %2 {dim = 2 : i64, taps = 3 : i64, stride = 1 : i64, dilation = 1 : i64, pad_begin = 1 : i64} : tensor<1x4x4x8xf32> -> tensor<1x4x4x24xf32>
    %5 = tile.conv %4, %w3 [] {kernel = array<i64: 3, 1>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 0>, group = 1 : i64} : tensor<1x4x4x24xf32>, tensor<8x24x3x1xf32> -> tensor<1x4x4x8xf32>
    return %3, %5 : tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>
  }
}

// -----

// A Winograd transform's input is stored as the convolution it stands for
// would have rounded it, and its transformed tiles as the product that
// streams them; the products themselves, which the output transform reads,
// are not a product's input and keep their type.
// CHECK-LABEL: func.func @winograd
// CHECK: %[[X:.*]] = tile.conv %arg0, {{.*}} -> tensor<1x4x4x8xf16>
// CHECK: %[[V:.*]] = tile.winograd_input %[[X]] {{.*}} : tensor<1x4x4x8xf16> -> tensor<16x4x8xf16>
// CHECK: %[[M:.*]] = tile.matmul %[[V]], {{.*}} -> tensor<16x4x8xf32>
// CHECK: tile.winograd_output %[[M]] {{.*}} -> tensor<1x4x4x8xf32>
module attributes {tile.target = "lpu-v1", tile.precision = f16} {
  func.func @winograd(%x: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
    %w = arith.constant dense<0.5> : tensor<8x8x3x3xf32>
    %u = arith.constant dense<0.5> : tensor<128x8xf32>
    %0 = tile.conv %x, %w [relu] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x4x4x8xf32>, tensor<8x8x3x3xf32> -> tensor<1x4x4x8xf32>
    %1 = tile.winograd_input %0 {pad_begin = array<i64: 1, 1>, output_size = array<i64: 4, 4>} : tensor<1x4x4x8xf32> -> tensor<16x4x8xf32>
    %2 = tile.matmul %1, %u [] {batches = array<i64: 0, 0, 0, 4, 8, 4, 8, 16, 8, 12, 24, 12, 16, 32, 16, 20, 40, 20, 24, 48, 24, 28, 56, 28, 32, 64, 32, 36, 72, 36, 40, 80, 40, 44, 88, 44, 48, 96, 48, 52, 104, 52, 56, 112, 56, 60, 120, 60>, k = 8 : i64, m = 4 : i64, n = 8 : i64} : tensor<16x4x8xf32>, tensor<128x8xf32> -> tensor<16x4x8xf32>
    %3 = tile.winograd_output %2 [] : tensor<16x4x8xf32> -> tensor<1x4x4x8xf32>
    return %3 : tensor<1x4x4x8xf32>
  }
}

// -----

// A constant only products stream (a convolution's filters as the rows of
// its tap-row products) is rounded at compile time; one an epilogue also
// reads, or a product installs, keeps its type.
// CHECK-LABEL: func.func @constants
// CHECK-DAG: %[[A:.*]] = arith.constant dense<9.997550e-02> : tensor<4x32xf16>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<1.000000e-01> : tensor<32x8xf32>
// CHECK-DAG: %[[E:.*]] = arith.constant dense<1.000000e-01> : tensor<4x8xf32>
// CHECK: tile.matmul %[[A]], %arg0 [] {{.*}} : tensor<4x32xf16>, tensor<32x8xf32>
// CHECK: tile.matmul %arg1, %[[B]] [] {{.*}} : tensor<4x32xf32>, tensor<32x8xf32>
// CHECK: tile.matmul %[[E]], %arg2 epilogue(%[[E]] : tensor<4x8xf32>)
module attributes {tile.target = "lpu-v1", tile.precision = f16} {
  func.func @constants(%b: tensor<32x8xf32>, %a: tensor<4x32xf32>, %b8: tensor<8x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) {
    %ca = arith.constant dense<0.1> : tensor<4x32xf32>
    %cb = arith.constant dense<0.1> : tensor<32x8xf32>
    %ce = arith.constant dense<0.1> : tensor<4x8xf32>
    %0 = tile.matmul %ca, %b [] {batches = array<i64: 0, 0, 0>, k = 32 : i64, m = 4 : i64, n = 8 : i64} : tensor<4x32xf32>, tensor<32x8xf32> -> tensor<4x8xf32>
    %1 = tile.matmul %a, %cb [] {batches = array<i64: 0, 0, 0>, k = 32 : i64, m = 4 : i64, n = 8 : i64} : tensor<4x32xf32>, tensor<32x8xf32> -> tensor<4x8xf32>
    %2 = tile.matmul %ce, %b8 epilogue(%ce : tensor<4x8xf32>) [add in0] {batches = array<i64: 0, 0, 0>, k = 8 : i64, m = 4 : i64, n = 8 : i64} : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
    return %0, %1, %2 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>
  }
}

// -----

// A gather without padding moves values unchanged (here the unpacking of
// 2-pixel groups): a tensor that only products read through it is stored in
// f16, and the gather moves f16. One that a map also reads after the gather
// stays f32.
// CHECK-LABEL: func.func @main
// CHECK: %[[G:.*]] = tile.matmul {{.*}} -> tensor<1x2x1x8xf16>
// CHECK: %[[U:.*]] = tile.gather %[[G]] {{.*}} : tensor<1x2x1x8xf16> -> tensor<1x2x2x4xf16>
// CHECK: tile.conv %[[U]], {{.*}} : tensor<1x2x2x4xf16>,
// CHECK: %[[H:.*]] = tile.matmul {{.*}} -> tensor<1x2x1x8xf32>
// CHECK: tile.gather %[[H]] {{.*}} : tensor<1x2x1x8xf32> -> tensor<1x2x2x4xf32>
module attributes {tile.target = "lpu-v1", tile.precision = f16} {
  func.func @main(%a: tensor<1x2x1x6xf32>, %b: tensor<6x8xf32>) -> (tensor<1x2x2x4xf32>, tensor<1x2x2x4xf32>) {
    %w = arith.constant dense<0.5> : tensor<4x4x1x1xf32>
    %0 = tile.matmul %a, %b [] {batches = array<i64: 0, 0, 0>, k = 6 : i64, m = 2 : i64, n = 8 : i64} : tensor<1x2x1x6xf32>, tensor<6x8xf32> -> tensor<1x2x1x8xf32>
    %1 = tile.gather %0 {count = array<i64: 1, 1, 1, 2>, first = array<i64: 0, 1, 2, 2>, tables = [array<i64: 0>, array<i64: 0, 1>, array<i64: 0, 0>, array<i64: 0, 1, 2, 3, 4, 5, 6, 7>]} : tensor<1x2x1x8xf32> -> tensor<1x2x2x4xf32>
    %2 = tile.conv %1, %w [] {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 0, 0>, group = 1 : i64} : tensor<1x2x2x4xf32>, tensor<4x4x1x1xf32> -> tensor<1x2x2x4xf32>
    %3 = tile.matmul %a, %b [] {batches = array<i64: 0, 0, 0>, k = 6 : i64, m = 2 : i64, n = 8 : i64} : tensor<1x2x1x6xf32>, tensor<6x8xf32> -> tensor<1x2x1x8xf32>
    %4 = tile.gather %3 {count = array<i64: 1, 1, 1, 2>, first = array<i64: 0, 1, 2, 2>, tables = [array<i64: 0>, array<i64: 0, 1>, array<i64: 0, 0>, array<i64: 0, 1, 2, 3, 4, 5, 6, 7>]} : tensor<1x2x1x8xf32> -> tensor<1x2x2x4xf32>
    %5 = tile.conv %4, %w [] {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 0, 0>, group = 1 : i64} : tensor<1x2x2x4xf32>, tensor<4x4x1x1xf32> -> tensor<1x2x2x4xf32>
    %6 = tile.map(%4) [in0, relu] : (tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32>
    return %2, %6 : tensor<1x2x2x4xf32>, tensor<1x2x2x4xf32>
  }
}
