// RUN: lpu-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(onnx-widen-half))' | FileCheck %s

// An fp16 graph computes in f32: constants widen exactly (0.1 is f16's),
// every op's result is f32, and the graph's inputs and outputs are f32 on
// the chip and f16 at the host, which the runtime converts. A Cast to bf16
// still rounds, and its result stays bf16.
// CHECK-LABEL: func.func @fp16_graph
// CHECK-SAME: (%arg0: tensor<3xf32> {tile.host_type = f16})
// CHECK-SAME: -> (tensor<3xf32> {tile.host_type = f16}, tensor<3xbf16>, tensor<3xf32> {tile.host_type = f16})
// CHECK: %[[C:.*]] = arith.constant dense<[0.0999755859, 2.500000e+00, -3.000000e+00]> : tensor<3xf32>
// CHECK: %[[S:.*]] = onnx.Add %arg0, %[[C]] : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
// CHECK: %[[R:.*]] = onnx.Relu %[[S]] : (tensor<3xf32>) -> tensor<3xf32>
// CHECK: %[[B:.*]] = onnx.Cast %[[R]] {to = 16 : i64} : (tensor<3xf32>) -> tensor<3xbf16>
// CHECK: return %[[R]], %[[B]], %arg0
func.func @fp16_graph(%x: tensor<3xf16>) -> (tensor<3xf16>, tensor<3xbf16>, tensor<3xf16>) {
  %c = arith.constant dense<[0.1, 2.5, -3.0]> : tensor<3xf16>
  %s = onnx.Add %x, %c : (tensor<3xf16>, tensor<3xf16>) -> tensor<3xf16>
  %r = onnx.Relu %s : (tensor<3xf16>) -> tensor<3xf16>
  %b = onnx.Cast %r {to = 16 : i64} : (tensor<3xf16>) -> tensor<3xbf16>
  return %r, %b, %x : tensor<3xf16>, tensor<3xbf16>, tensor<3xf16>
}

// -----

// A Cast to f16 in an f32 graph (mixed precision) still rounds: its users
// that compute read the rounded value through a Cast to f32. Values that
// only Casts make and read stay half, graph inputs and outputs included.
// CHECK-LABEL: func.func @mixed_precision
// CHECK: %[[H:.*]] = onnx.Cast %arg0 {to = 10 : i64} : (tensor<4xf32>) -> tensor<4xf16>
// CHECK: %[[W:.*]] = onnx.Cast %[[H]] {to = 1 : i64} : (tensor<4xf16>) -> tensor<4xf32>
// CHECK: %[[N:.*]] = onnx.Neg %[[W]] : (tensor<4xf32>) -> tensor<4xf32>
// CHECK: %[[NF:.*]] = onnx.Cast %[[N]] {to = 1 : i64} : (tensor<4xf32>) -> tensor<4xf32>
// CHECK: %[[F:.*]] = onnx.Cast %[[H]] {to = 1 : i64} : (tensor<4xf16>) -> tensor<4xf32>
// CHECK: return %[[NF]], %[[F]], %[[H]] : tensor<4xf32>, tensor<4xf32>, tensor<4xf16>
func.func @mixed_precision(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf16>) {
  %h = onnx.Cast %x {to = 10 : i64} : (tensor<4xf32>) -> tensor<4xf16>
  %n = onnx.Neg %h : (tensor<4xf16>) -> tensor<4xf16>
  %nf = onnx.Cast %n {to = 1 : i64} : (tensor<4xf16>) -> tensor<4xf32>
  %f = onnx.Cast %h {to = 1 : i64} : (tensor<4xf16>) -> tensor<4xf32>
  return %nf, %f, %h : tensor<4xf32>, tensor<4xf32>, tensor<4xf16>
}

// CHECK-LABEL: func.func @half_input_cast
// CHECK-SAME: (%arg0: tensor<4xf16>) -> tensor<4xf32>
// CHECK-NEXT: onnx.Cast %arg0 {to = 1 : i64} : (tensor<4xf16>) -> tensor<4xf32>
func.func @half_input_cast(%x: tensor<4xf16>) -> tensor<4xf32> {
  %f = onnx.Cast %x {to = 1 : i64} : (tensor<4xf16>) -> tensor<4xf32>
  return %f : tensor<4xf32>
}

// -----

// Half values named by attributes widen too.
// CHECK-LABEL: func.func @attributes
// CHECK: onnx.ConstantOfShape %{{.*}} {value = dense<1.500000e+00> : tensor<1xf32>} : (tensor<2xi64>) -> tensor<2x3xf32>
// CHECK: onnx.EyeLike %{{.*}} {dtype = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
func.func @attributes(%x: tensor<2x3xf32>) -> (tensor<2x3xf16>, tensor<2x3xbf16>) {
  %dims = arith.constant dense<[2, 3]> : tensor<2xi64>
  %fill = onnx.ConstantOfShape %dims {value = dense<1.5> : tensor<1xf16>} : (tensor<2xi64>) -> tensor<2x3xf16>
  %eye = onnx.EyeLike %x {dtype = 16 : i64} : (tensor<2x3xf32>) -> tensor<2x3xbf16>
  return %fill, %eye : tensor<2x3xf16>, tensor<2x3xbf16>
}
