// RUN: lpu-opt %s -split-input-file --convert-onnx-to-tile=target=lpu-tiny | FileCheck %s
// Reductions: leading axes lane-wise, the innermost axis row by row, lane
// functions before and after as maps.

// CHECK-LABEL: func.func @main
// ReduceMean over the innermost axis: one row reduction times 1/n.
// CHECK: %[[M:.*]] = tile.reduce_rows sum %arg0 {scale = 1.250000e-01 : f32} : tensor<2x3x8xf32> -> tensor<2x3x1xf32>
// ReduceL2 over axes 0 and 2, keepdims 0: squares, leading sum, row sum,
// sqrt, and the result laid out without the reduced axes.
// CHECK: %[[SQ:.*]] = tile.map(%arg0) [in0, mul in0]
// CHECK: %[[LEAD:.*]] = tile.reduce_leading sum %[[SQ]] [0] : tensor<2x3x8xf32> -> tensor<1x3x8xf32>
// CHECK: %[[ROWS:.*]] = tile.reduce_rows sum %[[LEAD]] : tensor<1x3x8xf32> -> tensor<1x3x1xf32>
// CHECK: %[[ROOT:.*]] = tile.map(%[[ROWS]]) [in0, sqrt]
// CHECK: %[[L2:.*]] = tile.reshape %[[ROOT]] : tensor<1x3x1xf32> -> tensor<3xf32>
// CHECK: return %[[M]], %[[L2]]
func.func @main(%x: tensor<2x3x8xf32> {onnx.name = "x"}) -> (tensor<2x3x1xf32> {onnx.name = "mean"}, tensor<3xf32> {onnx.name = "l2"}) {
  %0 = onnx.ReduceMean %x {axes = [-1]} : (tensor<2x3x8xf32>) -> tensor<2x3x1xf32> loc("mean")
  %1 = onnx.ReduceL2 %x {axes = [0, 2], keepdims = 0 : i64} : (tensor<2x3x8xf32>) -> tensor<3xf32> loc("l2")
  return %0, %1 : tensor<2x3x1xf32>, tensor<3xf32>
}

// -----

// Softmax: max, exp(x - max), sum, divide.
// CHECK-LABEL: func.func @main
// CHECK: %[[MAX:.*]] = tile.reduce_rows max %arg0
// CHECK: %[[E:.*]] = tile.map(%arg0, %[[MAX]]) [in0, sub in1, exp]
// CHECK: %[[S:.*]] = tile.reduce_rows sum %[[E]]
// CHECK: tile.map(%[[E]], %[[S]]) [in0, div in1]
func.func @main(%x: tensor<2x8xf32> {onnx.name = "x"}) -> (tensor<2x8xf32> {onnx.name = "y"}) attributes {onnx.opset = 13 : i64} {
  %0 = onnx.Softmax %x {axis = -1 : i64} : (tensor<2x8xf32>) -> tensor<2x8xf32> loc("softmax")
  return %0 : tensor<2x8xf32>
}

// -----

// ArgMax: the maximum, then the smallest index where the maximum is,
// every value an exact f32 integer; the i64 result is carried as f32 and
// leaves as the i32 the host widens to int64.
// CHECK-LABEL: func.func @main
// CHECK-SAME: -> (tensor<2x1xi32> {onnx.name = "i", tile.host_type = i64})
// CHECK: %[[MAX:.*]] = tile.reduce_rows max %arg0
// CHECK: %[[C:.*]] = tile.map(%arg0, %[[MAX]], %{{.*}}, %{{.*}}) [in0, eq in1, scale {{.*}}, add in2, add in3]
// CHECK: %[[I:.*]] = tile.reduce_rows min %[[C]]
// CHECK: tile.map(%[[I]]) [in0] : (tensor<2x1xf32>) -> tensor<2x1xi32>
func.func @main(%x: tensor<2x8xf32> {onnx.name = "x"}) -> (tensor<2x1xi64> {onnx.name = "i"}) {
  %0 = onnx.ArgMax %x {axis = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x1xi64> loc("argmax")
  return %0 : tensor<2x1xi64>
}

// -----

// ArgMin: the same with the minimum; select_last_index takes the largest
// index where it is (candidates i - B (1 - [x == m]), reduced with max).
// CHECK-LABEL: func.func @main
// CHECK: %[[MIN:.*]] = tile.reduce_rows min %arg0
// CHECK: %[[C:.*]] = tile.map(%arg0, %[[MIN]], %{{.*}}, %{{.*}}) [in0, eq in1, scale {{.*}}, sub in2, add in3]
// CHECK: %[[I:.*]] = tile.reduce_rows max %[[C]]
// CHECK: tile.map(%[[I]]) [in0] : (tensor<2x1xf32>) -> tensor<2x1xi32>
func.func @main(%x: tensor<2x8xf32> {onnx.name = "x"}) -> (tensor<2x1xi64> {onnx.name = "i"}) {
  %0 = onnx.ArgMin %x {axis = 1 : i64, select_last_index = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x1xi64> loc("argmin")
  return %0 : tensor<2x1xi64>
}

// -----

// Hardmax: [i == first index of the maximum] along the axis.
// CHECK-LABEL: func.func @main
// CHECK: %[[MAX:.*]] = tile.reduce_rows max %arg0
// CHECK: %[[C:.*]] = tile.map(%arg0, %[[MAX]], %{{.*}}, %[[IOTA:.*]]) [in0, eq in1, scale {{.*}}, add in2, add in3]
// CHECK: %[[I:.*]] = tile.reduce_rows min %[[C]]
// CHECK: tile.map(%[[IOTA]], %[[I]]) [in0, eq in1] : (tensor<1x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32>
func.func @main(%x: tensor<2x8xf32> {onnx.name = "x"}) -> (tensor<2x8xf32> {onnx.name = "y"}) attributes {onnx.opset = 13 : i64} {
  %0 = onnx.Hardmax %x : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// GlobalMaxPool: the maximum over the spatial axes.
// CHECK-LABEL: func.func @main
// CHECK: %[[H:.*]] = tile.reduce_leading max %arg0 [2] : tensor<1x3x4x5xf32> -> tensor<1x3x1x5xf32>
// CHECK: tile.reduce_rows max %[[H]] : tensor<1x3x1x5xf32> -> tensor<1x3x1x1xf32>
func.func @main(%x: tensor<1x3x4x5xf32> {onnx.name = "x"}) -> (tensor<1x3x1x1xf32> {onnx.name = "y"}) {
  %0 = onnx.GlobalMaxPool %x : (tensor<1x3x4x5xf32>) -> tensor<1x3x1x1xf32>
  return %0 : tensor<1x3x1x1xf32>
}
