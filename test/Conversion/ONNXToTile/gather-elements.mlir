// RUN: lpu-opt %s -split-input-file -verify-diagnostics --convert-onnx-to-tile=target=lpu-tiny | FileCheck %s
// GatherElements by indices known only at run time: the indices made
// non-negative (i + N * (i < 0)), then a tile.gather_elements along the axis.

// CHECK-LABEL: func.func @main
// CHECK-DAG: %[[SIZE:.*]] = arith.constant dense<5> : tensor<1xi32>
// CHECK: %[[IDS:.*]] = tile.map(%arg1, %{{.*}}, %[[SIZE]]) [in0, lt in1, mul in2, add in0] : (tensor<3x4x40xi32>, tensor<1xi32>, tensor<1xi32>) -> tensor<3x4x40xi32>
// CHECK: tile.gather_elements %arg0[%[[IDS]]] axis 1 : tensor<3x5x40xf32>, tensor<3x4x40xi32> -> tensor<3x4x40xf32>
func.func @main(%x: tensor<3x5x40xf32> {onnx.name = "x"}, %i: tensor<3x4x40xi64> {onnx.name = "i"}) -> (tensor<3x4x40xf32> {onnx.name = "y"}) {
  %0 = onnx.GatherElements %x, %i {axis = -2 : i64} : (tensor<3x5x40xf32>, tensor<3x4x40xi64>) -> tensor<3x4x40xf32>
  return %0 : tensor<3x4x40xf32>
}

// -----

// Along the innermost axis, the data is first broadcast over a new innermost
// dimension as long as the indices' (their lanes), the indices get a unit
// dimension before theirs, and the gather runs along the data's old axis.
// Indices shorter than the data along other axes read its first rows.
// CHECK-LABEL: func.func @main
// CHECK: %[[WIDE:.*]] = tile.gather %arg0 {{.*}} : tensor<4x30xf32> -> tensor<3x30x7xf32>
// CHECK: %[[IDS:.*]] = tile.reshape %{{.*}} : tensor<3x7xi32> -> tensor<3x1x7xi32>
// CHECK: %[[G:.*]] = tile.gather_elements %[[WIDE]][%[[IDS]]] axis 1 : tensor<3x30x7xf32>, tensor<3x1x7xi32> -> tensor<3x1x7xf32>
// CHECK: tile.reshape %[[G]] : tensor<3x1x7xf32> -> tensor<3x7xf32>
func.func @main(%x: tensor<4x30xf32> {onnx.name = "x"}, %i: tensor<3x7xi64> {onnx.name = "i"}) -> (tensor<3x7xf32> {onnx.name = "y"}) {
  %0 = onnx.GatherElements %x, %i {axis = 1 : i64} : (tensor<4x30xf32>, tensor<3x7xi64>) -> tensor<3x7xf32>
  return %0 : tensor<3x7xf32>
}

// -----

// Indices known at compile time make a tile.gather (the axis's table over
// every output dimension).
// CHECK-LABEL: func.func @main
// CHECK-NOT: gather_elements
// CHECK: tile.gather %arg0 {count = array<i64: 1, 2>, first = array<i64: 0, 0>, tables = [array<i64: 0, 1>, array<i64: 1, 0, 0, 1>]} : tensor<2x2xf32> -> tensor<2x2xf32>
func.func @main(%x: tensor<2x2xf32> {onnx.name = "x"}) -> (tensor<2x2xf32> {onnx.name = "y"}) {
  %i = arith.constant dense<[[1, 0], [0, -1]]> : tensor<2x2xi64>
  %0 = onnx.GatherElements %x, %i {axis = 1 : i64} : (tensor<2x2xf32>, tensor<2x2xi64>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

func.func @main(%x: tensor<4x5xf32> {onnx.name = "x"}, %i: tensor<5x5xi64> {onnx.name = "i"}) -> (tensor<5x5xf32> {onnx.name = "y"}) {
  // expected-error @+1 {{GatherElements indices dimension 0 (5) exceeds the data's (4)}}
  %0 = onnx.GatherElements %x, %i {axis = 1 : i64} : (tensor<4x5xf32>, tensor<5x5xi64>) -> tensor<5x5xf32>
  return %0 : tensor<5x5xf32>
}

// -----

func.func @main(%x: tensor<4x5xf32> {onnx.name = "x"}, %i: tensor<4x5xf32> {onnx.name = "i"}) -> (tensor<4x5xf32> {onnx.name = "y"}) {
  // expected-error @+1 {{GatherElements indices must be int32 or int64}}
  %0 = onnx.GatherElements %x, %i {axis = 0 : i64} : (tensor<4x5xf32>, tensor<4x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}
