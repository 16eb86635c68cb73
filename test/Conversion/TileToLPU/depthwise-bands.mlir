// RUN: lpu-opt %s -split-input-file --convert-tile-to-lpu | FileCheck %s
// lpu-tiny: 16 lanes. A depthwise convolution on the VXM in 2 bands of 8
// image rows: 4 channels, so vector (y, x) of the bands holds pixel (y, x)
// in lanes [0, 4) and pixel (8 + y, x) in lanes [4, 8).

// The input moves into bands: rows y and 8 + y, the second shifted 4 lanes
// up. The taps' weights repeat per band ([9, 8]).
// CHECK-LABEL: lpu.program @main target("lpu-tiny")
// CHECK: %[[X:.*]] = lpu.buffer input "x" : tensor<1x16x2x4xf32>
// CHECK: %[[Y:.*]] = lpu.buffer output "y" : tensor<1x16x2x4xf32>
// CHECK: %[[TAPS:.*]] = lpu.buffer constant "constant.taps" {{.*}} : tensor<9x8xf32>
// CHECK: %[[IN:.*]] = lpu.buffer scratch "tmp.bands.in" : tensor<16x8xf32>
// CHECK: %[[A:.*]] = lpu.mem.read %[[X]][0]
// CHECK: %[[B:.*]] = lpu.mem.read %[[X]][16]
// CHECK: %[[BS:.*]] = lpu.sxm.shift %[[B]], 4
// CHECK: %[[AB:.*]] = lpu.vxm.add %[[A]], %[[BS]]
// CHECK: lpu.mem.write %[[AB]], %[[IN]][0]
// Output band row 0, column 0: the window row above is band row 7 of the
// band before, shifted 4 lanes up (band 0 gets zeros: the image's padding);
// the tap left of column 0 is padding, left out. The bias repeats per band.
// CHECK: %[[OUT:.*]] = lpu.buffer scratch "tmp.bands.out" : tensor<16x8xf32>
// CHECK: %[[BIAS:.*]] = lpu.buffer constant "constant.bands.epilogue0" init(dense<{{\[}}[5.000000e-01, 1.500000e+00, 2.500000e+00, 3.500000e+00, 5.000000e-01, 1.500000e+00, 2.500000e+00, 3.500000e+00]]>
// CHECK: %[[U:.*]] = lpu.mem.read %[[IN]][14]
// CHECK: %[[US:.*]] = lpu.sxm.shift %[[U]], 4
// CHECK: %[[W1:.*]] = lpu.mem.read %[[TAPS]][1]
// CHECK: lpu.vxm.mul %[[US]], %[[W1]]
// CHECK: lpu.mem.read %[[IN]][0]
// CHECK: lpu.mem.read %[[TAPS]][4]
// CHECK: lpu.mem.write %{{.*}}, %[[OUT]][0]
// Band row 7's window row below is band row 0 of the band after, shifted 4
// lanes down (the last band gets the padding lanes' zeros).
// CHECK-NOT: lpu.sxm.shift %{{.*}}, -4
// CHECK: lpu.mem.write %{{.*}}, %[[OUT]][13]
// CHECK: %[[D:.*]] = lpu.mem.read %[[IN]][0]
// CHECK-NEXT: lpu.sxm.shift %[[D]], -4
// CHECK: lpu.mem.write %{{.*}}, %[[OUT]][14]
// The pixels move back: pixel (0, 0) from band 0's lanes (the others
// shifted out), pixel (8, 0) from band 1's, one shift down.
// CHECK: %[[P0:.*]] = lpu.mem.read %[[OUT]][0]
// CHECK: %[[P0U:.*]] = lpu.sxm.shift %[[P0]], 12
// CHECK: %[[P0D:.*]] = lpu.sxm.shift %[[P0U]], -12
// CHECK: lpu.mem.write %[[P0D]], %[[Y]][0]
// CHECK: %[[P8:.*]] = lpu.mem.read %[[OUT]][0]
// CHECK: %[[P8D:.*]] = lpu.sxm.shift %[[P8]], -4
// CHECK: lpu.mem.write %[[P8D]], %[[Y]][16]
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<1x16x2x4xf32> {onnx.name = "x"}) -> (tensor<1x16x2x4xf32> {onnx.name = "y"}) {
    %w = arith.constant dense<[[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]], [[[1.0, 1.0, 1.0], [1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]], [[[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]]], [[[2.0, 2.0, 2.0], [2.0, 2.0, 2.0], [2.0, 2.0, 2.0]]]]> : tensor<4x1x3x3xf32>
    %b = arith.constant dense<[0.5, 1.5, 2.5, 3.5]> : tensor<4xf32>
    %0 = tile.conv %x, %w epilogue(%b : tensor<4xf32>) [add in0] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 4 : i64, on_vxm, segments = 2 : i64} : tensor<1x16x2x4xf32>, tensor<4x1x3x3xf32> -> tensor<1x16x2x4xf32>
    return %0 : tensor<1x16x2x4xf32>
  }
}

// -----

// 15 rows in 2 bands of 8: the last band's eighth row is past the image,
// padding (zero): band row 7 reads only image row 7. The 15 output pixels
// move back; the band's extra one is dropped.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[X:.*]] = lpu.buffer input "x" : tensor<1x15x1x4xf32>
// CHECK: %[[Y:.*]] = lpu.buffer output "y" : tensor<1x15x1x4xf32>
// CHECK: %[[IN:.*]] = lpu.buffer scratch "tmp.bands.in" : tensor<8x8xf32>
// CHECK: lpu.mem.read %[[X]][14]
// CHECK: lpu.mem.write %{{.*}}, %[[IN]][6]
// CHECK-NEXT: %[[R7:.*]] = lpu.mem.read %[[X]][7]
// CHECK-NEXT: lpu.mem.write %[[R7]], %[[IN]][7]
// CHECK-COUNT-15: lpu.mem.write %{{.*}}, %[[Y]]
// CHECK-NOT: lpu.mem.write %{{.*}}, %[[Y]]
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<1x15x1x4xf32> {onnx.name = "x"}) -> (tensor<1x15x1x4xf32> {onnx.name = "y"}) {
    %w = arith.constant dense<1.0> : tensor<4x1x3x3xf32>
    %0 = tile.conv %x, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 4 : i64, on_vxm, segments = 2 : i64} : tensor<1x15x1x4xf32>, tensor<4x1x3x3xf32> -> tensor<1x15x1x4xf32>
    return %0 : tensor<1x15x1x4xf32>
  }
}

// -----

// A transpose with `bands` [2, 16] writes the convolution's bands itself:
// one install per band row holds the filter rows of output rows b and 8 + b
// (rows 0-3 and 32-35 of the staged rows for b = 0), and each unit vector's
// product is a banded vector, written as it is. The convolution
// (`banded_input`) reads those rows: no moves into bands.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[T:.*]] = lpu.buffer scratch "tmp" : tensor<1x8x2x8xf32>
// CHECK: %[[S:.*]] = lpu.buffer scratch "tmp" {min_parts = 8 : i64} : tensor<64x2xf32>
// CHECK: lpu.mem.read %[[S]][0]
// CHECK: lpu.mem.read %[[S]][3]
// CHECK-NEXT: lpu.mem.read %[[S]][32]
// CHECK: lpu.mem.read %[[S]][35]
// CHECK: lpu.mxm.install rows 8 transposed
// CHECK: %[[P:.*]] = lpu.mxm.matmul
// CHECK-NEXT: lpu.mem.write %[[P]], %[[T]][0]
// CHECK-NOT: bands.in
// CHECK: lpu.buffer scratch "tmp.bands.out" : tensor<16x8xf32>
// CHECK: lpu.mem.read %[[T]][14]
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%r: tensor<1x16x4x2xf32> {onnx.name = "r"}) -> (tensor<1x16x2x4xf32> {onnx.name = "y"}) {
    %w = arith.constant dense<1.0> : tensor<4x1x3x3xf32>
    %0 = tile.max_pool_transpose %r {bands = array<i64: 2, 16>, kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 0, 0>, planes = array<i32: 0, 1, 0, 1, 0, 1, 0, 1>} : tensor<1x16x4x2xf32> -> tensor<1x8x2x8xf32>
    %1 = tile.conv %0, %w [] {banded_input = 16 : i64, kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 4 : i64, on_vxm, segments = 2 : i64} : tensor<1x8x2x8xf32>, tensor<4x1x3x3xf32> -> tensor<1x16x2x4xf32>
    return %1 : tensor<1x16x2x4xf32>
  }
}
