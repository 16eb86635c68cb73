// RUN: lpu-opt %s -split-input-file --convert-onnx-to-tile=target=lpu-tiny | FileCheck %s
// Slice, Pad, Gather, Expand and Tile are gathers: per input dimension, a
// table of the index along one or more output dimensions. Resize of the last
// two axes is a product with a resampling matrix per axis.

// CHECK-LABEL: func.func @main
// Slice [1:3] of dim 0, every other element of dim 1:
// CHECK: tile.gather %arg0 {count = array<i64: 1, 1>, first = array<i64: 0, 1>, tables = [array<i64: 1, 2>, array<i64: 0, 2, 4>]} : tensor<4x6xf32> -> tensor<2x3xf32>
// Reflect padding by 1 on dim 1 (-1 would be constant padding):
// CHECK: tile.gather %arg0 {count = array<i64: 1, 1>, first = array<i64: 0, 1>, tables = [array<i64: 0, 1, 2, 3>, array<i64: 1, 0, 1, 2, 3, 4, 5, 4>]} : tensor<4x6xf32> -> tensor<4x8xf32>
// Gather rows 3 and 0 with [2] indices, then a scalar index (no output
// dimension):
// CHECK: tile.gather %arg0 {count = array<i64: 1, 1>, first = array<i64: 0, 1>, tables = [array<i64: 3, 0>, array<i64: 0, 1, 2, 3, 4, 5>]} : tensor<4x6xf32> -> tensor<2x6xf32>
// CHECK: tile.gather %arg0 {count = array<i64: 0, 1>, first = array<i64: 0, 0>, tables = [array<i64: 2>, array<i64: 0, 1, 2, 3, 4, 5>]} : tensor<4x6xf32> -> tensor<6xf32>
func.func @main(%x: tensor<4x6xf32> {onnx.name = "x"}) -> (tensor<2x3xf32> {onnx.name = "s"}, tensor<4x8xf32> {onnx.name = "p"}, tensor<2x6xf32> {onnx.name = "g"}, tensor<6xf32> {onnx.name = "g0"}) {
  %starts = arith.constant dense<[1, 0]> : tensor<2xi64>
  %ends = arith.constant dense<[3, 6]> : tensor<2xi64>
  %axes = arith.constant dense<[0, 1]> : tensor<2xi64>
  %steps = arith.constant dense<[1, 2]> : tensor<2xi64>
  %pads = arith.constant dense<[0, 1, 0, 1]> : tensor<4xi64>
  %idx = arith.constant dense<[3, 0]> : tensor<2xi64>
  %one = arith.constant dense<2> : tensor<i64>
  %0 = onnx.Slice %x, %starts, %ends, %axes, %steps : (tensor<4x6xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) -> tensor<2x3xf32> loc("slice")
  %1 = onnx.Pad %x, %pads {mode = "reflect"} : (tensor<4x6xf32>, tensor<4xi64>) -> tensor<4x8xf32> loc("pad")
  %2 = onnx.Gather %x, %idx {axis = 0 : i64} : (tensor<4x6xf32>, tensor<2xi64>) -> tensor<2x6xf32> loc("gather")
  %3 = onnx.Gather %x, %one {axis = 0 : i64} : (tensor<4x6xf32>, tensor<i64>) -> tensor<6xf32> loc("gather0")
  return %0, %1, %2, %3 : tensor<2x3xf32>, tensor<4x8xf32>, tensor<2x6xf32>, tensor<6xf32>
}

// -----

// A constant non-zero pad value fills the padding.
// CHECK-LABEL: func.func @main
// CHECK: tile.gather %arg0 padding %{{.*}} : tensor<f32> {count = array<i64: 1>, first = array<i64: 0>, tables = [array<i64: -1, 0, 1, 2, -1>]} : tensor<3xf32> -> tensor<5xf32>
func.func @main(%x: tensor<3xf32> {onnx.name = "x"}) -> (tensor<5xf32> {onnx.name = "y"}) {
  %pads = arith.constant dense<[1, 1]> : tensor<2xi64>
  %value = arith.constant dense<7.0> : tensor<f32>
  %0 = onnx.Pad %x, %pads, %value : (tensor<3xf32>, tensor<2xi64>, tensor<f32>) -> tensor<5xf32> loc("pad")
  return %0 : tensor<5xf32>
}

// -----

// Bilinear 2x upsampling of [1, 2, 2, 2] (half_pixel), one product per
// axis, in the order with fewer MXM cycles: every row times the [2, 4]
// column matrix, then one product per channel plane with the [4, 2] row
// matrix as A and the plane as B. Output x reads input (x + 0.5) / 2 - 0.5,
// clamped: weights 1 | 0.75, 0.25 | 0.25, 0.75 | 1.
// CHECK-LABEL: func.func @main
// CHECK: %[[COLS:.*]] = arith.constant dense<{{\[}}[1.000000e+00, 7.500000e-01, 2.500000e-01, 0.000000e+00], [0.000000e+00, 2.500000e-01, 7.500000e-01, 1.000000e+00]]> : tensor<2x4xf32>
// CHECK: %[[W:.*]] = tile.matmul %arg0, %[[COLS]] [] {batches = array<i64: 0, 0, 0>, k = 2 : i64, m = 4 : i64, n = 4 : i64} : tensor<1x2x2x2xf32>, tensor<2x4xf32> -> tensor<1x2x2x4xf32>
// CHECK: %[[ROWS:.*]] = arith.constant dense<{{\[}}[1.000000e+00, 0.000000e+00], [7.500000e-01, 2.500000e-01], [2.500000e-01, 7.500000e-01], [0.000000e+00, 1.000000e+00]]> : tensor<4x2xf32>
// CHECK: tile.matmul %[[ROWS]], %[[W]] [] {batches = array<i64: 0, 0, 0, 0, 2, 4>, k = 2 : i64, m = 4 : i64, n = 4 : i64} : tensor<4x2xf32>, tensor<1x2x2x4xf32> -> tensor<1x2x4x4xf32>
// Nearest along the rows only copies rows: a gather.
// CHECK: tile.gather %arg0 {{.*}}tables = [array<i64: 0>, array<i64: 0, 1>, array<i64: 0, 0, 1, 1>, array<i64: 0, 1>]} : tensor<1x2x2x2xf32> -> tensor<1x2x4x2xf32>
func.func @main(%x: tensor<1x2x2x2xf32> {onnx.name = "x"}) -> (tensor<1x2x4x4xf32> {onnx.name = "y"}, tensor<1x2x4x2xf32> {onnx.name = "z"}) {
  %none = onnx.NoValue
  %scales = arith.constant dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>
  %rows = arith.constant dense<[1.0, 1.0, 2.0, 1.0]> : tensor<4xf32>
  %y = onnx.Resize %x, %none, %scales {mode = "linear"} : (tensor<1x2x2x2xf32>, none, tensor<4xf32>) -> tensor<1x2x4x4xf32>
  %z = onnx.Resize %x, %none, %rows {mode = "nearest"} : (tensor<1x2x2x2xf32>, none, tensor<4xf32>) -> tensor<1x2x4x2xf32>
  return %y, %z : tensor<1x2x4x4xf32>, tensor<1x2x4x2xf32>
}

// -----

// DepthToSpace (CRD): channels as [C / b^2, b, b], the block axes moved
// beside the rows and columns they extend.
// CHECK-LABEL: func.func @main
// CHECK: %[[B:.*]] = tile.reshape %arg0 : tensor<1x8x2x3xf32> -> tensor<1x2x2x2x2x3xf32>
// CHECK: %[[T:.*]] = tile.transpose %[[B]] [0, 1, 4, 2, 5, 3]
// CHECK: tile.reshape %[[T]] : tensor<1x2x2x2x3x2xf32> -> tensor<1x2x4x6xf32>
func.func @main(%x: tensor<1x8x2x3xf32> {onnx.name = "x"}) -> (tensor<1x2x4x6xf32> {onnx.name = "y"}) {
  %0 = onnx.DepthToSpace %x {blocksize = 2 : i64, mode = "CRD"} : (tensor<1x8x2x3xf32>) -> tensor<1x2x4x6xf32>
  return %0 : tensor<1x2x4x6xf32>
}

// -----

// SpaceToDepth: b x b pixel blocks into channels.
// CHECK-LABEL: func.func @main
// CHECK: %[[B:.*]] = tile.reshape %arg0 : tensor<1x2x4x6xf32> -> tensor<1x2x2x2x3x2xf32>
// CHECK: %[[T:.*]] = tile.transpose %[[B]] [0, 3, 5, 1, 2, 4]
// CHECK: tile.reshape %[[T]] : tensor<1x2x2x2x2x3xf32> -> tensor<1x8x2x3xf32>
func.func @main(%x: tensor<1x2x4x6xf32> {onnx.name = "x"}) -> (tensor<1x8x2x3xf32> {onnx.name = "y"}) {
  %0 = onnx.SpaceToDepth %x {blocksize = 2 : i64} : (tensor<1x2x4x6xf32>) -> tensor<1x8x2x3xf32>
  return %0 : tensor<1x8x2x3xf32>
}

// -----

// OneHot: int64 indices as f32, those below 0 counted from depth, compared
// with the positions along the new axis, scaled from values[0] to
// values[1].
// CHECK-LABEL: func.func @main
// CHECK: %[[F:.*]] = tile.map(%arg0) [in0, to_f32] : (tensor<3xi32>) -> tensor<3xf32>
// CHECK: %[[NEG:.*]] = tile.map(%[[F]], %{{.*}}) [in0, lt in1]
// CHECK: %[[I:.*]] = tile.map(%[[NEG]], %[[F]]) [in0, scale 4.000000e+00, add in1]
// CHECK: %[[COL:.*]] = tile.reshape %[[I]] : tensor<3xf32> -> tensor<3x1xf32>
// CHECK: tile.map(%{{.*}}, %[[COL]], %{{.*}}) [in0, eq in1, scale 2.000000e+00, add in2] : (tensor<1x4xf32>, tensor<3x1xf32>, tensor<1xf32>) -> tensor<3x4xf32>
func.func @main(%i: tensor<3xi64> {onnx.name = "i"}) -> (tensor<3x4xf32> {onnx.name = "y"}) {
  %d = arith.constant dense<4.0> : tensor<f32>
  %v = arith.constant dense<[1.0, 3.0]> : tensor<2xf32>
  %0 = onnx.OneHot %i, %d, %v {axis = 1 : i64} : (tensor<3xi64>, tensor<f32>, tensor<2xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}
