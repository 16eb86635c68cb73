// RUN: lpu-opt %s --mlir-elide-elementsattrs-if-larger=8 --pass-pipeline='builtin.module(func.func(tile-pack-taps))' | FileCheck %s
// RUN: lpu-opt %s --pass-pipeline='builtin.module(func.func(tile-pack-taps{winograd=false}))' | FileCheck %s --check-prefix=DIRECT
// lpu-v1 in f16: 320 lanes, K windows of 160, 2 cycles a row, 4 planes.
// Winograd's F(2x2, 3x3) form (tile-pack-taps).

module attributes {tile.target = "lpu-v1", tile.precision = f16} {
  // 128 channels into 128 over 8x8 pixels (16 tiles of 2x2): 16 x 16
  // products of one K window instead of 64 x 9 (or 64 x 8 with the window
  // rows and columns packed: 1,152 rows in K windows of 160). The input is
  // transformed into [16, 16, 128], each position a batch of the product
  // with the transformed weights [16 x 128, 128], the products stored in
  // f16 as the MXM multiplies, and the output transform
  // takes the epilogue (bias, residual, relu); the product keeps the node's
  // own work for the physical floor. 16 tiles stream too briefly to hide
  // a position's weight loads (160 f16 rows at 8 B a lane: 40 cycles, 2 a
  // row), so all go through each position at once.
  // CHECK-LABEL: func.func @winograd
  // CHECK: %[[V:.*]] = tile.winograd_input %arg0 {output_size = array<i64: 8, 8>, pad_begin = array<i64: 1, 1>} : tensor<1x8x8x128xf32> -> tensor<16x16x128xf32>
  // CHECK: %[[M:.*]] = tile.matmul %[[V]], %{{.*}} [] {batches = array<i64: 0, 0, 0, 16, 128, 16, 32, 256, 32, {{.*}}, 240, 1920, 240>, k = 128 : i64, m = 16 : i64, n = 128 : i64, tile.model_work = array<i64: 9437184, 147456>} : tensor<16x16x128xf32>, tensor<2048x128xf32> -> tensor<16x16x128xf16>
  // CHECK: %[[Y:.*]] = tile.winograd_output %[[M]] epilogue(%{{.*}}, %arg1 : tensor<1x1x1x128xf32>, tensor<1x8x8x128xf32>) [add in0, add in1, relu] : tensor<16x16x128xf16> -> tensor<1x8x8x128xf32>
  // CHECK: return %[[Y]]
  // DIRECT-LABEL: func.func @winograd
  // DIRECT-NOT: tile.winograd
  // DIRECT: tile.conv
  func.func @winograd(%x: tensor<1x8x8x128xf32>, %r: tensor<1x8x8x128xf32>) -> tensor<1x8x8x128xf32> {
    %w = arith.constant dense<1.0> : tensor<128x128x3x3xf32>
    %b = arith.constant dense<0.5> : tensor<1x1x1x128xf32>
    %y = tile.conv %x, %w epilogue(%b, %r : tensor<1x1x1x128xf32>, tensor<1x8x8x128xf32>) [add in0, add in1, relu] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x8x8x128xf32>, tensor<128x128x3x3xf32> -> tensor<1x8x8x128xf32>
    return %y : tensor<1x8x8x128xf32>
  }

  // Over 28x28 pixels (14 x 14 tiles), the products go by blocks of two
  // rows of tiles (28 x 2 cycles hide a 40-cycle load): each block through
  // the 16 positions before the next, so the output transform follows.
  // CHECK-LABEL: func.func @blocks
  // CHECK: tile.matmul {{.*}}batches = array<i64: 0, 0, 0, 196, 128, 196, {{.*}}, 2940, 1920, 2940, 28, 0, 28, 224, 128, 224, {{.*}}>, k = 128 : i64, m = 28 : i64
  func.func @blocks(%x: tensor<1x28x28x128xf32>) -> tensor<1x28x28x128xf32> {
    %w = arith.constant dense<1.0> : tensor<128x128x3x3xf32>
    %y = tile.conv %x, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x28x28x128xf32>, tensor<128x128x3x3xf32> -> tensor<1x28x28x128xf32>
    return %y : tensor<1x28x28x128xf32>
  }

  // Not in that form: a stride of 2, i8 values, and outputs whose windows
  // lie wholly in the padding (an end padding of 3).
  // CHECK-LABEL: func.func @direct
  // CHECK-NOT: tile.winograd
  // CHECK: return
  func.func @direct(%x: tensor<1x8x8x128xf32>, %q: tensor<1x8x8x128xi8>) -> (tensor<1x4x4x128xf32>, tensor<1x8x8x128xf32>, tensor<1x10x10x128xf32>) {
    %wide = arith.constant dense<1.0> : tensor<128x128x3x3xf32>
    %p = tile.conv %x, %wide [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x8x8x128xf32>, tensor<128x128x3x3xf32> -> tensor<1x10x10x128xf32>
    %w = arith.constant dense<1.0> : tensor<128x128x3x3xf32>
    %y = tile.conv %x, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x8x8x128xf32>, tensor<128x128x3x3xf32> -> tensor<1x4x4x128xf32>
    %wq = arith.constant dense<1> : tensor<128x128x3x3xi8>
    %z = tile.conv %q, %wq [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x8x8x128xi8>, tensor<128x128x3x3xi8> -> tensor<1x8x8x128xf32>
    return %y, %z, %p : tensor<1x4x4x128xf32>, tensor<1x8x8x128xf32>, tensor<1x10x10x128xf32>
  }
}
