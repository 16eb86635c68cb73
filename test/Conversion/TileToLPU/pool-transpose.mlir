// RUN: lpu-opt %s -split-input-file --convert-tile-to-lpu | FileCheck %s
// lpu-tiny: 16 lanes, 2 MXM planes, f32 products.

// A 4x4 image of 2 filter rows, two image rows side by side in each row
// (segments = 2: image row 2 + p in lanes [4, 8) of row p), max-pooled 3x3
// with strides 1 (rows) and 2 (columns) and padding 1 to channels last.
// Output row 0 reads image rows 0 and 1, output row 1 image rows 0, 1 and 2
// (the last shifted down from lanes [4, 8)): each filter's maximum is
// staged. Their windows along the lanes come in two classes, output column
// 0 (taps 1 and 2: lanes x and x + 1) and column 1 (taps 0 to 2). Two output
// rows' filter rows (2 + 2 columns) share each class's install: two rows
// per plane of lpu-tiny's two leave an install for each. The window's unit
// vector picks a pixel of each, staged, and shifts bring each output row's
// two lanes down with the rest shifted out (the upper row's in one: nothing
// above it). Output rows 2 and 3 follow.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[I:.*]] = lpu.buffer constant "identity"
// CHECK: %[[R:.*]] = lpu.buffer input "r" : tensor<1x2x2x8xf32>
// CHECK: %[[Y:.*]] = lpu.buffer output "y" : tensor<1x4x2x2xf32>
// CHECK: %[[S:.*]] = lpu.buffer scratch "tmp" {{.*}}: tensor<8x4xf32>
// CHECK: %[[K:.*]] = lpu.buffer scratch "tmp" {{.*}}: tensor<8x4xf32>
// CHECK: %[[A0:.*]] = lpu.mem.read %[[R]][0]
// CHECK-NEXT: %[[A1:.*]] = lpu.mem.read %[[R]][2]
// CHECK-NEXT: %[[M0:.*]] = lpu.vxm.max %[[A0]], %[[A1]]
// CHECK-NEXT: lpu.mem.write %[[M0]], %[[S]][0]
// CHECK: %[[C0:.*]] = lpu.mem.read %[[R]][0]
// CHECK-NEXT: %[[C1:.*]] = lpu.mem.read %[[R]][2]
// CHECK-NEXT: %[[C01:.*]] = lpu.vxm.max %[[C0]], %[[C1]]
// CHECK-NEXT: %[[C2:.*]] = lpu.mem.read %[[R]][0]
// CHECK-NEXT: %[[C2S:.*]] = lpu.sxm.shift %[[C2]], -4
// CHECK-NEXT: %[[C012:.*]] = lpu.vxm.max %[[C01]], %[[C2S]]
// CHECK-NEXT: lpu.mem.write %[[C012]], %[[S]][2]
// CHECK: %[[B0:.*]] = lpu.mem.read %[[S]][0]
// CHECK-NEXT: %[[B1:.*]] = lpu.mem.read %[[S]][0]
// CHECK-NEXT: %[[B2:.*]] = lpu.sxm.shift %[[B1]], -1
// CHECK-NEXT: %[[E:.*]] = lpu.vxm.max %[[B0]], %[[B2]]
// CHECK: lpu.mxm.load_weights %[[E]] into row 0 {unit = 0 : i32}
// CHECK: lpu.mxm.install rows 4 transposed {unit = 0 : i32}
// CHECK-NEXT: %[[U0:.*]] = lpu.mem.read %[[I]][0]
// CHECK-NEXT: %[[P0:.*]] = lpu.mxm.matmul %[[U0]] {unit = 0 : i32}
// CHECK-NEXT: lpu.mem.write %[[P0]], %[[K]][0]
// CHECK-NEXT: %[[K0:.*]] = lpu.mem.read %[[K]][0]
// CHECK-NEXT: %[[K0U:.*]] = lpu.sxm.shift %[[K0]], 14
// CHECK-NEXT: %[[K0D:.*]] = lpu.sxm.shift %[[K0U]], -14
// CHECK-NEXT: lpu.mem.write %[[K0D]], %[[Y]][0]
// CHECK-NEXT: %[[K1:.*]] = lpu.mem.read %[[K]][0]
// CHECK-NEXT: %[[K1D:.*]] = lpu.sxm.shift %[[K1]], -2
// CHECK-NEXT: lpu.mem.write %[[K1D]], %[[Y]][2]
// CHECK: lpu.sxm.shift %{{.*}}, -2
// CHECK: lpu.mxm.install rows 4 transposed {unit = 1 : i32}
// CHECK-NEXT: %[[U1:.*]] = lpu.mem.read %[[I]][1]
// CHECK-NEXT: %[[P1:.*]] = lpu.mxm.matmul %[[U1]] {unit = 1 : i32}
// CHECK-NEXT: lpu.mem.write %[[P1]], %[[K]][1]
// CHECK: lpu.mem.write %{{.*}}, %[[Y]][1]
// CHECK: lpu.mem.write %{{.*}}, %[[Y]][3]
// CHECK: lpu.mxm.install rows 4 transposed {unit = 0 : i32}
// CHECK: lpu.mem.write %{{.*}}, %[[Y]][4]
// CHECK: lpu.mem.write %{{.*}}, %[[Y]][6]
// CHECK: lpu.mxm.install rows 4 transposed {unit = 1 : i32}
// CHECK: lpu.mem.write %{{.*}}, %[[Y]][7]
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%r: tensor<1x2x2x8xf32> {onnx.name = "r"}) -> (tensor<1x4x2x2xf32> {onnx.name = "y"}) {
    %0 = tile.max_pool_transpose %r {kernel = array<i64: 3, 3>, strides = array<i64: 1, 2>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, segments = 2 : i64, planes = array<i32: 0, 1, 0, 1>} : tensor<1x2x2x8xf32> -> tensor<1x4x2x2xf32>
    return %0 : tensor<1x4x2x2xf32>
  }
}

// -----

// Tap rows of a 1x3 window over a 4x4 image, two image rows to a row
// (segments = 2): row (p, tap) is the column of image row p plus that of
// image row 2 + p shifted up to lanes [4, 8). The input rows go through
// the first step in the order the rows of tap rows need them: 0 and 2
// (row block 0), then 1 and 3.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[X:.*]] = lpu.buffer input "x"
// CHECK: %[[Y:.*]] = lpu.buffer output "y" : tensor<1x2x3x8xf32>
// CHECK: %[[COLS:.*]] = lpu.buffer scratch "{{.*}}.columns" : tensor<12x4xf32>
// CHECK: lpu.mem.read %[[X]][0]
// CHECK: lpu.mem.read %[[X]][2]
// CHECK: lpu.mem.read %[[X]][1]
// CHECK: lpu.mem.read %[[X]][3]
// CHECK: %[[L0:.*]] = lpu.mem.read %[[COLS]][0]
// CHECK-NEXT: %[[H0:.*]] = lpu.mem.read %[[COLS]][2]
// CHECK-NEXT: %[[H0S:.*]] = lpu.sxm.shift %[[H0]], 4
// CHECK-NEXT: %[[T0:.*]] = lpu.vxm.add %[[L0]], %[[H0S]]
// CHECK-NEXT: lpu.mem.write %[[T0]], %[[Y]][0]
// CHECK: %[[L5:.*]] = lpu.mem.read %[[COLS]][9]
// CHECK-NEXT: %[[H5:.*]] = lpu.mem.read %[[COLS]][11]
// CHECK-NEXT: %[[H5S:.*]] = lpu.sxm.shift %[[H5]], 4
// CHECK-NEXT: %[[T5:.*]] = lpu.vxm.add %[[L5]], %[[H5S]]
// CHECK-NEXT: lpu.mem.write %[[T5]], %[[Y]][5]
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<1x1x4x4xf32> {onnx.name = "x"}) -> (tensor<1x2x3x8xf32> {onnx.name = "y"}) {
    %0 = tile.im2col %x {kernel = array<i64: 1, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 0, 1>, turn = 2 : i64, planes = array<i32: 0>, tap_rows, segments = 2 : i64} : tensor<1x1x4x4xf32> -> tensor<1x2x3x8xf32>
    return %0 : tensor<1x2x3x8xf32>
  }
}
