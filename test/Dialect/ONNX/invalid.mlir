// RUN: lpu-opt %s -split-input-file -verify-diagnostics

// The onnx ops check the shape rules ONNX's inference leaves out.
func.func @gemm_contraction(%a: tensor<3x5xf32>, %b: tensor<4x7xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{contraction dimensions differ: 5 vs 7}}
  %0 = onnx.Gemm %a, %b {transB = 1 : i64} : (tensor<3x5xf32>, tensor<4x7xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// C broadcasts one way to [M, N] (fuzzing finding 17: C [1x65] for [3x4]).
func.func @gemm_bias_shape(%a: tensor<3x5xf32>, %b: tensor<5x4xf32>, %c: tensor<1x65xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{C has shape [1x65], which does not broadcast to the result [3x4]}}
  %0 = onnx.Gemm %a, %b, %c {alpha = 0.5 : f32} : (tensor<3x5xf32>, tensor<5x4xf32>, tensor<1x65xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

func.func @gemm_bias_rank(%a: tensor<3x5xf32>, %b: tensor<5x4xf32>, %c: tensor<1x3x4xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{C has shape [1x3x4], which does not broadcast to the result [3x4]}}
  %0 = onnx.Gemm %a, %b, %c : (tensor<3x5xf32>, tensor<5x4xf32>, tensor<1x3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// A scalar, a row, a column and a full C all broadcast.
func.func @gemm_bias_ok(%a: tensor<3x5xf32>, %b: tensor<5x4xf32>, %s: tensor<f32>, %r: tensor<4xf32>, %c: tensor<3x1xf32>, %f: tensor<3x4xf32>) -> (tensor<3x4xf32>, tensor<3x4xf32>, tensor<3x4xf32>, tensor<3x4xf32>) {
  %0 = onnx.Gemm %a, %b, %s : (tensor<3x5xf32>, tensor<5x4xf32>, tensor<f32>) -> tensor<3x4xf32>
  %1 = onnx.Gemm %a, %b, %r : (tensor<3x5xf32>, tensor<5x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %2 = onnx.Gemm %a, %b, %c : (tensor<3x5xf32>, tensor<5x4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32>
  %3 = onnx.Gemm %a, %b, %f : (tensor<3x5xf32>, tensor<5x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0, %1, %2, %3 : tensor<3x4xf32>, tensor<3x4xf32>, tensor<3x4xf32>, tensor<3x4xf32>
}
