// RUN: lpu-opt %s -split-input-file --convert-onnx-to-tile=target=lpu-tiny | FileCheck %s
// Element-wise nodes become one tile.map each; booleans become f32 lanes.

// CHECK: module attributes {tile.precision = f32, tile.target = "lpu-tiny"}
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.*]]: tensor<2x8xf32> {onnx.name = "x"}, %[[B:.*]]: tensor<8xf32> {onnx.name = "b"}) -> (tensor<2x8xf32> {onnx.name = "y"})
// CHECK: %[[S:.*]] = tile.map(%[[X]], %[[B]]) [in0, add in1] : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
// CHECK: %[[R:.*]] = tile.map(%[[S]]) [in0, relu]
// CHECK: %[[N:.*]] = tile.map(%[[R]]) [in0 * -1.000000e+00]
// CHECK: %[[M:.*]] = tile.map(%[[N]], %[[X]], %[[B]]) [in0 * 0.333333343, add in1 * 0.333333343, add in2 * 0.333333343]
// CHECK: return %[[M]]
// CHECK-NOT: onnx.
func.func @main(%x: tensor<2x8xf32> {onnx.name = "x"}, %b: tensor<8xf32> {onnx.name = "b"}) -> (tensor<2x8xf32> {onnx.name = "y"}) {
  %0 = onnx.Add %x, %b : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32> loc("add")
  %1 = onnx.Relu %0 : (tensor<2x8xf32>) -> tensor<2x8xf32> loc("relu")
  %2 = onnx.Neg %1 : (tensor<2x8xf32>) -> tensor<2x8xf32> loc("neg")
  %3 = onnx.Mean %2, %x, %b : (tensor<2x8xf32>, tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32> loc("mean")
  return %3 : tensor<2x8xf32>
}

// -----

// HardSwish reads its input twice; LeakyRelu is max(x, alpha x); Clip's
// bounds are operands.
// CHECK-LABEL: func.func @main
// CHECK-DAG: %[[BETA:.*]] = arith.constant dense<5.000000e-01> : tensor<1xf32>
// CHECK-DAG: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : tensor<1xf32>
// CHECK-DAG: %[[ONE:.*]] = arith.constant dense<1.000000e+00> : tensor<1xf32>
// CHECK: %[[H:.*]] = tile.map(%arg0, %[[BETA]], %[[ZERO]], %[[ONE]]) [in0 * 0.166666672, add in1, max in2, min in3, mul in0]
// CHECK: %[[L:.*]] = tile.map(%[[H]]) [in0, max in0 * 0.00999999977]
// CHECK: tile.map(%[[L]], %{{.*}}, %{{.*}}) [in0, max in1, min in2]
func.func @main(%x: tensor<4xf32> {onnx.name = "x"}) -> (tensor<4xf32> {onnx.name = "y"}) {
  %lo = arith.constant dense<-1.0> : tensor<f32>
  %hi = arith.constant dense<1.0> : tensor<f32>
  %0 = onnx.HardSwish %x : (tensor<4xf32>) -> tensor<4xf32> loc("hs")
  %1 = onnx.LeakyRelu %0 {alpha = 0.01 : f32} : (tensor<4xf32>) -> tensor<4xf32> loc("leaky")
  %2 = onnx.Clip %1, %lo, %hi : (tensor<4xf32>, tensor<f32>, tensor<f32>) -> tensor<4xf32> loc("clip")
  return %2 : tensor<4xf32>
}

// -----

// Comparisons give f32 0 / 1; Not is 1 - x; a boolean constant becomes f32;
// Where is two maps.
// CHECK-LABEL: func.func @main
// CHECK-SAME: -> (tensor<4xf32> {onnx.name = "y"})
// CHECK-DAG: %[[MASK:.*]] = arith.constant dense<[1.000000e+00, 0.000000e+00, 1.000000e+00, 0.000000e+00]> : tensor<4xf32>
// CHECK: %[[LT:.*]] = tile.map(%arg0, %arg1) [in0, lt in1] : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
// CHECK: %[[NOT:.*]] = tile.map(%[[LT]], %{{.*}}) [in0 * -1.000000e+00, add in1]
// CHECK: %[[CX:.*]] = tile.map(%[[NOT]], %arg0) [in0, mul in1]
// CHECK: %[[W:.*]] = tile.map(%[[NOT]], %arg1, %[[CX]]) [in0, mul in1, sub in1, sub in2, scale -1.000000e+00]
// CHECK: tile.map(%[[W]], %[[MASK]]) [in0, mul in1]
func.func @main(%a: tensor<4xf32> {onnx.name = "a"}, %b: tensor<4xf32> {onnx.name = "b"}) -> (tensor<4xf32> {onnx.name = "y"}) {
  %mask = arith.constant dense<[true, false, true, false]> : tensor<4xi1>
  %0 = onnx.Less %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1> loc("lt")
  %1 = onnx.Not %0 : (tensor<4xi1>) -> tensor<4xi1> loc("not")
  %2 = onnx.Where %1, %a, %b : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("where")
  %3 = onnx.Mul %2, %mask : (tensor<4xf32>, tensor<4xi1>) -> tensor<4xf32> loc("mul")
  return %3 : tensor<4xf32>
}

// -----

// A Cast to f16 is a copy whose result is f16; graph outputs that are
// graph inputs stay as they are (the expansion copies them).
// CHECK-LABEL: func.func @main
// CHECK-SAME: -> (tensor<4xf16> {onnx.name = "h"}, tensor<4xf32> {onnx.name = "same"})
// CHECK: %[[H:.*]] = tile.map(%arg0) [in0] : (tensor<4xf32>) -> tensor<4xf16>
// CHECK: return %[[H]], %arg0
func.func @main(%x: tensor<4xf32> {onnx.name = "x"}) -> (tensor<4xf16> {onnx.name = "h"}, tensor<4xf32> {onnx.name = "same"}) {
  %0 = onnx.Cast %x {to = 10 : i64} : (tensor<4xf32>) -> tensor<4xf16> loc("cast")
  return %0, %x : tensor<4xf16>, tensor<4xf32>
}

// -----

// Logic on booleans (0.0 / 1.0): And is the minimum, Or the maximum, Xor
// the distance, with broadcasting.
// CHECK-LABEL: func.func @main
// CHECK: tile.map(%arg0, %arg1) [in0, min in1] : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
// CHECK: tile.map(%arg0, %arg1) [in0, max in1]
// CHECK: tile.map(%arg0, %arg1) [in0, sub in1, abs]
func.func @main(%a: tensor<2x4xi1> {onnx.name = "a"}, %b: tensor<4xi1> {onnx.name = "b"}) -> (tensor<2x4xi1> {onnx.name = "and"}, tensor<2x4xi1> {onnx.name = "or"}, tensor<2x4xi1> {onnx.name = "xor"}) {
  %0 = onnx.And %a, %b : (tensor<2x4xi1>, tensor<4xi1>) -> tensor<2x4xi1>
  %1 = onnx.Or %a, %b : (tensor<2x4xi1>, tensor<4xi1>) -> tensor<2x4xi1>
  %2 = onnx.Xor %a, %b : (tensor<2x4xi1>, tensor<4xi1>) -> tensor<2x4xi1>
  return %0, %1, %2 : tensor<2x4xi1>, tensor<2x4xi1>, tensor<2x4xi1>
}
