// RUN: lpu-opt %s -split-input-file -verify-diagnostics | FileCheck %s

// CHECK-LABEL: func.func @all_ops
func.func @all_ops(%a: tensor<3x4xf32>, %b: tensor<4xf32>, %w: tensor<4x5xf32>, %c: tensor<5xf32>) -> tensor<3x5xf32> {
  // CHECK: onnx.Add %{{.*}}, %{{.*}} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %0 = onnx.Add %a, %b : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  // CHECK: onnx.Sub
  %1 = onnx.Sub %0, %a : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  // CHECK: onnx.Mul
  %2 = onnx.Mul %1, %b : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  // CHECK: onnx.Relu %{{.*}} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  %3 = onnx.Relu %2 : (tensor<3x4xf32>) -> tensor<3x4xf32>
  // CHECK: onnx.MatMul
  %4 = onnx.MatMul %3, %w : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  // CHECK: onnx.Gemm %{{.*}}, %{{.*}}, %{{.*}} {alpha = 5.000000e-01 : f32} :
  %5 = onnx.Gemm %3, %w, %c {alpha = 0.5 : f32} : (tensor<3x4xf32>, tensor<4x5xf32>, tensor<5xf32>) -> tensor<3x5xf32>
  // CHECK: onnx.Node "Softmax"(%{{.*}}) {domain = "", onnx_attributes = {axis = 1 : i64}}
  %6 = onnx.Node "Softmax"(%5) {domain = "", onnx_attributes = {axis = 1 : i64}} : (tensor<3x5xf32>) -> tensor<3x5xf32>
  return %6 : tensor<3x5xf32>
}

// -----

func.func @bad_broadcast(%a: tensor<3x4xf32>, %b: tensor<5xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{operands don't have broadcast-compatible shapes}}
  %0 = onnx.Add %a, %b : (tensor<3x4xf32>, tensor<5xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

func.func @bad_matmul(%a: tensor<3x4xf32>, %b: tensor<5x2xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{contraction dimensions differ: 4 vs 5}}
  %0 = onnx.MatMul %a, %b : (tensor<3x4xf32>, tensor<5x2xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @bad_gemm(%a: tensor<3x4xf32>, %b: tensor<3x2xf32>) -> tensor<4x2xf32> {
  // expected-error @+1 {{contraction dimensions differ: 4 vs 3}}
  %0 = onnx.Gemm %a, %b : (tensor<3x4xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}
