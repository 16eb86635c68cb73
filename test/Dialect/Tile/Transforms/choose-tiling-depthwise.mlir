// RUN: lpu-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(tile-choose-tiling))' | FileCheck %s
// A depthwise convolution goes to the VXM when its multiply-adds (per output
// vector and tap a multiply and an add, and a widening to i32 for quantized
// values, over the VXM's ALUs) take fewer issue cycles than its products (a
// product per tap and window of rows, over the planes). The MXM then
// computes the last pixels at the same time (`vxm_pixels` on the VXM, the
// rest with `turn`), in the share that makes both finish together, unless
// that share is below 30%.

// lpu-v1 (16 ALUs, 4 planes), 3x3 taps: i8 (26 / 16 against 9 / 4 cycles
// per vector) goes to the VXM and shares with the MXM (9 of 16 pixels on the
// VXM: 2.25 / 3.875 of them; the MXM's 7 keep their turns' partial sums
// apart, in turns of two planes as i8 products do); f16 (17 / 16 against
// 18 / 4) goes to the VXM alone (the MXM's share would be 19%).
// CHECK-LABEL: func.func @v1
// CHECK: tile.conv {{.*}}on_vxm, {{.*}}separate_partials, {{.*}}turn = 2 : i64, vxm_pixels = 9 : i64} : tensor<1x4x4x8xi8>
// CHECK: tile.conv {{.*}}on_vxm, {{[^}]*}}strides = array<i64: 1, 1>} : tensor<1x4x4x8xf16>
// CHECK-LABEL: func.func @tiny
module attributes {tile.target = "lpu-v1", tile.precision = f16} {
  func.func @v1(%q: tensor<1x4x4x8xi8>, %h: tensor<1x4x4x8xf16>) -> (tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) {
    %wq = arith.constant dense<1> : tensor<8x1x3x3xi8>
    %wh = arith.constant dense<1.0> : tensor<8x1x3x3xf32>
    %0 = tile.conv %q, %wq [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 8 : i64, padding_value = -128 : i64} : tensor<1x4x4x8xi8>, tensor<8x1x3x3xi8> -> tensor<1x4x4x8xf32>
    %1 = tile.conv %h, %wh [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 8 : i64} : tensor<1x4x4x8xf16>, tensor<8x1x3x3xf32> -> tensor<1x4x4x8xf32>
    return %0, %1 : tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>
  }
}

// -----

// lpu-tiny (4 ALUs, 2 planes): i8 stays on the MXM (26 / 4 against 9 / 2),
// f32 goes to the VXM (17 / 4 against 9 / 2) and shares with the MXM nearly
// half and half (8 of 16 pixels on the VXM); an ordinary convolution never
// goes to the VXM.
// CHECK: tile.conv {{[^}]*}}turn = 2 : i64} : tensor<1x4x4x8xi8>
// CHECK: tile.conv {{.*}}on_vxm, {{.*}}turn = 2 : i64, vxm_pixels = 8 : i64} : tensor<1x4x4x8xf32>, tensor<8x1x3x3xf32>
// CHECK: tile.conv {{[^}]*}}turn = 2 : i64} : {{.*}}tensor<8x8x3x3xf32>
module attributes {tile.target = "lpu-tiny"} {
  func.func @tiny(%q: tensor<1x4x4x8xi8>, %x: tensor<1x4x4x8xf32>) -> (tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) {
    %wq = arith.constant dense<1> : tensor<8x1x3x3xi8>
    %w = arith.constant dense<1.0> : tensor<8x1x3x3xf32>
    %wf = arith.constant dense<1.0> : tensor<8x8x3x3xf32>
    %0 = tile.conv %q, %wq [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 8 : i64, padding_value = -128 : i64} : tensor<1x4x4x8xi8>, tensor<8x1x3x3xi8> -> tensor<1x4x4x8xf32>
    %1 = tile.conv %x, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 8 : i64} : tensor<1x4x4x8xf32>, tensor<8x1x3x3xf32> -> tensor<1x4x4x8xf32>
    %2 = tile.conv %x, %wf [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x4x4x8xf32>, tensor<8x8x3x3xf32> -> tensor<1x4x4x8xf32>
    return %0, %1, %2 : tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>
  }
}

// -----

// Bands (lpu-tiny, 16 lanes): 4 channels fit 4 bands of image rows side by
// side, whose taps compute 4 pixels a vector, for a quarter of the VXM's
// cost plus an add per input pixel. 32 rows make 4 bands of 8, on the VXM
// alone, i8 included (which the MXM would take: 26 / 4 against 9 / 2, in
// bands (26 / 4 + 1 / 4) / 4); 16 rows would make bands of 4, fewer than 8
// rows, and make 2 of 8; strided, 64 input rows make 4 bands of 16 input
// and 8 output rows.
// CHECK-LABEL: func.func @bands
// CHECK: tile.conv {{.*}}on_vxm, {{.*}}segments = 4 : i64, strides = array<i64: 1, 1>} : tensor<1x32x6x4xf32>
// CHECK: tile.conv {{.*}}on_vxm, {{.*}}padding_value = -128 : i64, segments = 4 : i64, strides = array<i64: 1, 1>} : tensor<1x32x6x4xi8>
// CHECK: tile.conv {{.*}}on_vxm, {{.*}}segments = 2 : i64, strides = array<i64: 1, 1>} : tensor<1x16x6x4xf32>
// CHECK: tile.conv {{.*}}on_vxm, {{.*}}segments = 4 : i64, strides = array<i64: 2, 2>} : tensor<1x64x6x4xf32>
// 17 rows make 2 bands of 9, the last one's ninth row padding: zero for
// f32, but a quantized input's padding is its zero point, so i8 takes no
// bands (and stays on the MXM).
// CHECK: tile.conv {{.*}}on_vxm, {{.*}}segments = 2 : i64, strides = array<i64: 1, 1>} : tensor<1x17x6x4xf32>
// CHECK: tile.conv {{[^}]*}}turn = 2 : i64} : tensor<1x17x6x4xi8>
module attributes {tile.target = "lpu-tiny"} {
  func.func @bands(%x: tensor<1x32x6x4xf32>, %q: tensor<1x32x6x4xi8>, %s: tensor<1x16x6x4xf32>, %t: tensor<1x64x6x4xf32>, %u: tensor<1x17x6x4xf32>, %v: tensor<1x17x6x4xi8>) -> (tensor<1x32x6x4xf32>, tensor<1x32x6x4xf32>, tensor<1x16x6x4xf32>, tensor<1x32x3x4xf32>, tensor<1x17x6x4xf32>, tensor<1x17x6x4xf32>) {
    %w = arith.constant dense<1.0> : tensor<4x1x3x3xf32>
    %wq = arith.constant dense<1> : tensor<4x1x3x3xi8>
    %0 = tile.conv %x, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 4 : i64} : tensor<1x32x6x4xf32>, tensor<4x1x3x3xf32> -> tensor<1x32x6x4xf32>
    %1 = tile.conv %q, %wq [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 4 : i64, padding_value = -128 : i64} : tensor<1x32x6x4xi8>, tensor<4x1x3x3xi8> -> tensor<1x32x6x4xf32>
    %2 = tile.conv %s, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 4 : i64} : tensor<1x16x6x4xf32>, tensor<4x1x3x3xf32> -> tensor<1x16x6x4xf32>
    %3 = tile.conv %t, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 4 : i64} : tensor<1x64x6x4xf32>, tensor<4x1x3x3xf32> -> tensor<1x32x3x4xf32>
    %4 = tile.conv %u, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 4 : i64} : tensor<1x17x6x4xf32>, tensor<4x1x3x3xf32> -> tensor<1x17x6x4xf32>
    %5 = tile.conv %v, %wq [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 4 : i64, padding_value = -128 : i64} : tensor<1x17x6x4xi8>, tensor<4x1x3x3xi8> -> tensor<1x17x6x4xf32>
    return %0, %1, %2, %3, %4, %5 : tensor<1x32x6x4xf32>, tensor<1x32x6x4xf32>, tensor<1x16x6x4xf32>, tensor<1x32x3x4xf32>, tensor<1x17x6x4xf32>, tensor<1x17x6x4xf32>
  }
}
