// RUN: lpu-opt %s -split-input-file -verify-diagnostics --convert-onnx-to-lpu=target=lpu-tiny | FileCheck %s

// Keeping the innermost dimension keeps the rows: a copy, row by row.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[X:.*]] = lpu.buffer input "x" : tensor<2x3x5xf32>
// CHECK: %[[Y:.*]] = lpu.buffer output "y" : tensor<6x5xf32>
// CHECK-COUNT-6: lpu.mem.read %[[X]]
// CHECK-NOT: lpu.mem.read
func.func @main(%x: tensor<2x3x5xf32> {onnx.name = "x"}) -> (tensor<6x5xf32> {onnx.name = "y"}) {
  %0 = onnx.Flatten %x {axis = 2 : i64} : (tensor<2x3x5xf32>) -> tensor<6x5xf32> loc("flat")
  return %0 : tensor<6x5xf32>
}

// -----

// Merging rows: output row r gathers three input rows of 5, the second and
// third moved up 5 and 10 lanes by the SXM and joined by VXM adds.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[X:.*]] = lpu.buffer input "x" : tensor<2x3x5xf32>
// CHECK: %[[Y:.*]] = lpu.buffer output "y" : tensor<2x15xf32>
// CHECK: %[[R0:.*]] = lpu.mem.read %[[X]][0]
// CHECK: %[[R1:.*]] = lpu.mem.read %[[X]][1]
// CHECK: %[[S1:.*]] = lpu.sxm.shift %[[R1]], 5
// CHECK: %[[A1:.*]] = lpu.vxm.add %[[R0]], %[[S1]]
// CHECK: %[[R2:.*]] = lpu.mem.read %[[X]][2]
// CHECK: %[[S2:.*]] = lpu.sxm.shift %[[R2]], 10
// CHECK: %[[A2:.*]] = lpu.vxm.add %[[A1]], %[[S2]]
// CHECK: lpu.mem.write %[[A2]], %[[Y]][0]
func.func @main(%x: tensor<2x3x5xf32> {onnx.name = "x"}) -> (tensor<2x15xf32> {onnx.name = "y"}) {
  %0 = onnx.Flatten %x {axis = 1 : i64} : (tensor<2x3x5xf32>) -> tensor<2x15xf32>
  return %0 : tensor<2x15xf32>
}

// -----

// Splitting a 20-element row (two vectors on 16 lanes) into rows of 5.
// Row 1 (elements 5..9) has data above it: shifted up 6 to drop lanes
// 10..15, then down 11 to lane 0. Row 3 (elements 15..19) joins lane 15 of
// the first vector, moved down 15, and lanes 0..3 of the second, moved up 1.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[X:.*]] = lpu.buffer input "x" : tensor<1x20xf32>
// CHECK: %[[Y:.*]] = lpu.buffer output "y" : tensor<4x5xf32>
// CHECK: lpu.mem.write %{{.*}}, %[[Y]][0]
// CHECK: %[[B:.*]] = lpu.mem.read %[[X]][0]
// CHECK: %[[U:.*]] = lpu.sxm.shift %[[B]], 6
// CHECK: %[[D:.*]] = lpu.sxm.shift %[[U]], -11
// CHECK: lpu.mem.write %[[D]], %[[Y]][1]
// CHECK: lpu.mem.write %{{.*}}, %[[Y]][2]
// CHECK: %[[L:.*]] = lpu.mem.read %[[X]][0]
// CHECK: %[[LS:.*]] = lpu.sxm.shift %[[L]], -15
// CHECK: %[[H:.*]] = lpu.mem.read %[[X]][1]
// CHECK: %[[HS:.*]] = lpu.sxm.shift %[[H]], 1
// CHECK: %[[J:.*]] = lpu.vxm.add %[[LS]], %[[HS]]
// CHECK: lpu.mem.write %[[J]], %[[Y]][3]
func.func @main(%x: tensor<1x20xf32> {onnx.name = "x"}) -> (tensor<4x5xf32> {onnx.name = "y"}) {
  %s = arith.constant dense<[4, 5]> : tensor<2xi64>
  %0 = onnx.Reshape %x, %s : (tensor<1x20xf32>, tensor<2xi64>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}
