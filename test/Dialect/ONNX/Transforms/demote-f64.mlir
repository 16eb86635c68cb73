// RUN: lpu-opt %s --pass-pipeline='builtin.module(func.func(onnx-demote-f64))' | FileCheck %s

// Every f64 value, constant and type attribute becomes f32; the graph's
// f64 inputs and outputs keep f64 as their host type. Other types stay.
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%arg0: tensor<3xf32> {onnx.name = "a", tile.host_type = f64}, %arg1: tensor<3xi64> {onnx.name = "n"})
// CHECK-SAME: -> (tensor<3xf32> {onnx.name = "y", tile.host_type = f64}, tensor<3xf32> {onnx.name = "z"})
// CHECK: %[[C:.*]] = arith.constant dense<[1.000000e-01, 2.500000e+00, -3.000000e+00]> : tensor<3xf32>
// CHECK: %[[S:.*]] = onnx.Add %arg0, %[[C]] : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
// CHECK: %[[N:.*]] = onnx.Cast %arg1 {to = 1 : i64} : (tensor<3xi64>) -> tensor<3xf32>
// CHECK: %[[Y:.*]] = onnx.Mul %[[S]], %[[N]] : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
// CHECK: %[[Z:.*]] = onnx.Cast %[[Y]] {to = 1 : i64} : (tensor<3xf32>) -> tensor<3xf32>
// CHECK: return %[[Y]], %[[Z]]
func.func @main(%a: tensor<3xf64> {onnx.name = "a"}, %n: tensor<3xi64> {onnx.name = "n"}) -> (tensor<3xf64> {onnx.name = "y"}, tensor<3xf32> {onnx.name = "z"}) {
  %c = arith.constant dense<[0.1, 2.5, -3.0]> : tensor<3xf64>
  %s = onnx.Add %a, %c : (tensor<3xf64>, tensor<3xf64>) -> tensor<3xf64>
  %nf = onnx.Cast %n {to = 11 : i64} : (tensor<3xi64>) -> tensor<3xf64>
  %y = onnx.Mul %s, %nf : (tensor<3xf64>, tensor<3xf64>) -> tensor<3xf64>
  %z = onnx.Cast %y {to = 1 : i64} : (tensor<3xf64>) -> tensor<3xf32>
  return %y, %z : tensor<3xf64>, tensor<3xf32>
}
