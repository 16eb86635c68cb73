// RUN: lpu-opt %s --split-input-file --convert-tile-to-lpu | FileCheck %s
// lpu-v1: 88 MEM slices. A constant row every output row reads (a bias) is
// stored in copies, dealt one per slice, a copy per 4 output rows and 22 in
// all; output row r reads copy r % copies. 8 rows: 2 copies.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[C:.*]] = lpu.buffer constant "add.copies{{[0-9]+}}" init({{.*}} : tensor<2x320xf32>) {min_parts = 2 : i64} : tensor<2x320xf32>
// CHECK: lpu.mem.read %[[C]][0]
// CHECK: lpu.mem.write
// CHECK: lpu.mem.read %[[C]][1]
// CHECK: lpu.mem.write
// CHECK: lpu.mem.read %[[C]][0]
module attributes {tile.target = "lpu-v1"} {
  func.func @main(%x: tensor<8x320xf32> {onnx.name = "x"}) -> (tensor<8x320xf32> {onnx.name = "y"}) {
    %b = arith.constant dense<0.5> : tensor<1x320xf32> loc("b")
    %0 = tile.map(%x, %b) [in0, add in1] : (tensor<8x320xf32>, tensor<1x320xf32>) -> tensor<8x320xf32> loc("add")
    return %0 : tensor<8x320xf32>
  }
}

// -----

// 128 rows: 22 copies (88 / 4), row 22 reads copy 0 again.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[C:.*]] = lpu.buffer constant "add.copies{{[0-9]+}}" init({{.*}} : tensor<22x320xf32>) {min_parts = 22 : i64} : tensor<22x320xf32>
// CHECK: lpu.mem.read %[[C]][21]
// CHECK: lpu.mem.write
// CHECK: lpu.mem.read %[[C]][0]
module attributes {tile.target = "lpu-v1"} {
  func.func @main(%x: tensor<128x320xf32> {onnx.name = "x"}) -> (tensor<128x320xf32> {onnx.name = "y"}) {
    %b = arith.constant dense<0.5> : tensor<1x320xf32> loc("b")
    %0 = tile.map(%x, %b) [in0, add in1] : (tensor<128x320xf32>, tensor<1x320xf32>) -> tensor<128x320xf32> loc("add")
    return %0 : tensor<128x320xf32>
  }
}

// -----

// A row computed at run time is copied only over more rows: a copy per 16
// output rows and 11 in all. 128 rows: 8 copies, each written once.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[S:.*]] = lpu.buffer scratch "{{.*}}.copies{{[0-9]+}}" {min_parts = 8 : i64} : tensor<8x320xf32>
module attributes {tile.target = "lpu-v1"} {
  func.func @main(%x: tensor<128x320xf32> {onnx.name = "x"}, %s: tensor<1x320xf32> {onnx.name = "s"}) -> (tensor<128x320xf32> {onnx.name = "y"}) {
    %e = tile.map(%s) [in0, exp] : (tensor<1x320xf32>) -> tensor<1x320xf32> loc("e")
    %0 = tile.map(%x, %e) [in0, mul in1] : (tensor<128x320xf32>, tensor<1x320xf32>) -> tensor<128x320xf32> loc("scale")
    return %0 : tensor<128x320xf32>
  }
}

// -----

// Several rows computed at run time, each read by many output rows (a
// transposed softmax's maximum per head): copies of each, copy c of row h
// at row h * copies + c. 2 heads of 64 rows: 4 copies per head; output row
// r of head h reads row 4h + r % 4.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[S:.*]] = lpu.buffer scratch "{{.*}}.copies{{[0-9]+}}" {min_parts = 4 : i64} : tensor<8x320xf32>
// CHECK-COUNT-8: lpu.mem.write %{{.*}}, %[[S]]
// CHECK: lpu.mem.read %[[S]][0]
// CHECK: lpu.mem.read %[[S]][1]
// CHECK: lpu.mem.read %[[S]][2]
// CHECK: lpu.mem.read %[[S]][3]
// CHECK: lpu.mem.read %[[S]][0]
// CHECK: lpu.mem.read %[[S]][4]
// CHECK: lpu.mem.read %[[S]][5]
module attributes {tile.target = "lpu-v1"} {
  func.func @main(%x: tensor<2x64x320xf32> {onnx.name = "x"}, %s: tensor<2x1x320xf32> {onnx.name = "s"}) -> (tensor<2x64x320xf32> {onnx.name = "y"}) {
    %e = tile.map(%s) [in0, exp] : (tensor<2x1x320xf32>) -> tensor<2x1x320xf32> loc("e")
    %0 = tile.map(%x, %e) [in0, sub in1] : (tensor<2x64x320xf32>, tensor<2x1x320xf32>) -> tensor<2x64x320xf32> loc("shifted")
    return %0 : tensor<2x64x320xf32>
  }
}
