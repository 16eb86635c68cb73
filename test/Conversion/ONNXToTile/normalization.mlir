// RUN: lpu-opt %s -split-input-file --convert-onnx-to-tile=target=lpu-tiny | FileCheck %s
// LayerNormalization over the last two axes: the rows are laid out as
// [outer, inner] and back; mean and variance are row sums times 1/n; the
// Mean output is the mean's rows in the node's shape.

// CHECK-LABEL: func.func @main
// CHECK: %[[ROWS:.*]] = tile.reshape %arg0 : tensor<2x3x4xf32> -> tensor<2x12xf32>
// CHECK: %[[SCALE:.*]] = tile.reshape %{{.*}} : tensor<3x4xf32> -> tensor<12xf32>
// CHECK: %[[MEAN:.*]] = tile.reduce_rows sum %[[ROWS]] {scale = 0.0833333358 : f32} : tensor<2x12xf32> -> tensor<2x1xf32>
// CHECK: %[[CENT:.*]] = tile.map(%[[ROWS]], %[[MEAN]]) [in0, sub in1]
// CHECK: %[[SQ:.*]] = tile.map(%[[CENT]]) [in0, mul in0]
// CHECK: %[[VAR:.*]] = tile.reduce_rows sum %[[SQ]] {scale = 0.0833333358 : f32}
// CHECK: %[[INV:.*]] = tile.map(%[[VAR]], %{{.*}}) [in0, add in1, sqrt, reciprocal]
// CHECK: %[[MEANOUT:.*]] = tile.reshape %[[MEAN]] : tensor<2x1xf32> -> tensor<2x1x1xf32>
// CHECK: %[[NORM:.*]] = tile.map(%[[CENT]], %[[INV]], %[[SCALE]]) [in0, mul in1, mul in2]
// CHECK: %[[Y:.*]] = tile.reshape %[[NORM]] : tensor<2x12xf32> -> tensor<2x3x4xf32>
// CHECK: return %[[Y]], %[[MEANOUT]]
func.func @main(%x: tensor<2x3x4xf32> {onnx.name = "x"}) -> (tensor<2x3x4xf32> {onnx.name = "y"}, tensor<2x1x1xf32> {onnx.name = "mean"}) {
  %scale = arith.constant dense<1.0> : tensor<3x4xf32>
  %0:3 = onnx.LayerNormalization %x, %scale {axis = 1 : i64, epsilon = 1.0e-5 : f32} : (tensor<2x3x4xf32>, tensor<3x4xf32>) -> (tensor<2x3x4xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>) loc("ln")
  return %0#0, %0#1 : tensor<2x3x4xf32>, tensor<2x1x1xf32>
}

// -----

// InstanceNormalization: rows [N, C, positions], their mean and variance,
// then scale and B per channel.
// CHECK-LABEL: func.func @main
// CHECK: %[[ROWS:.*]] = tile.reshape %arg0 : tensor<2x3x4x5xf32> -> tensor<2x3x20xf32>
// CHECK: %[[MEAN:.*]] = tile.reduce_rows sum %[[ROWS]] {scale = 5.000000e-02 : f32} : tensor<2x3x20xf32> -> tensor<2x3x1xf32>
// CHECK: %[[C:.*]] = tile.map(%[[ROWS]], %[[MEAN]]) [in0, sub in1]
// CHECK: %[[SQ:.*]] = tile.map(%[[C]]) [in0, mul in0]
// CHECK: %[[VAR:.*]] = tile.reduce_rows sum %[[SQ]] {scale = 5.000000e-02 : f32}
// CHECK: %[[INV:.*]] = tile.map(%[[VAR]], %{{.*}}) [in0, add in1, sqrt, reciprocal]
// CHECK: %[[Y:.*]] = tile.map(%[[C]], %[[INV]], %{{.*}}, %{{.*}}) [in0, mul in1, mul in2, add in3] : (tensor<2x3x20xf32>, tensor<2x3x1xf32>, tensor<3x1xf32>, tensor<3x1xf32>) -> tensor<2x3x20xf32>
// CHECK: tile.reshape %[[Y]] : tensor<2x3x20xf32> -> tensor<2x3x4x5xf32>
func.func @main(%x: tensor<2x3x4x5xf32> {onnx.name = "x"}, %s: tensor<3xf32> {onnx.name = "s"}, %b: tensor<3xf32> {onnx.name = "b"}) -> (tensor<2x3x4x5xf32> {onnx.name = "y"}) {
  %0 = onnx.InstanceNormalization %x, %s, %b {epsilon = 0.01 : f32} : (tensor<2x3x4x5xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x5xf32>
  return %0 : tensor<2x3x4x5xf32>
}
