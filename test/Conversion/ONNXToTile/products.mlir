// RUN: lpu-opt %s -split-input-file --convert-onnx-to-tile=target=lpu-tiny | FileCheck %s
// MatMul and Gemm become tile.matmul; Gemm's alpha and C a map after it
// (tile-fuse-elementwise folds it into the product's epilogue).

// Gemm with a constant transposed B keeps B as it is stored.
// CHECK-LABEL: func.func @main
// CHECK: %[[P:.*]] = tile.matmul %arg0, %{{.*}} [] {batches = array<i64: 0, 0, 0>, k = 3 : i64, m = 2 : i64, n = 4 : i64, transpose_b}
// CHECK: tile.map(%[[P]], %{{.*}}) [in0 * 2.000000e+00, add in1 * 5.000000e-01]
func.func @main(%a: tensor<2x3xf32> {onnx.name = "a"}) -> (tensor<2x4xf32> {onnx.name = "y"}) {
  %b = arith.constant dense<1.0> : tensor<4x3xf32> loc("b")
  %c = arith.constant dense<1.0> : tensor<4xf32> loc("c")
  %0 = onnx.Gemm %a, %b, %c {alpha = 2.0 : f32, beta = 0.5 : f32, transB = 1 : i64} : (tensor<2x3xf32>, tensor<4x3xf32>, tensor<4xf32>) -> tensor<2x4xf32> loc("gemm")
  return %0 : tensor<2x4xf32>
}

// -----

// Operands computed at run time and transposed are transposed on the MXM
// (tile-assign-layout merges the two); a constant A at compile time.
// CHECK-LABEL: func.func @main
// CHECK: %[[BT:.*]] = tile.transpose %arg1 [1, 0] : tensor<4x3xf32> -> tensor<3x4xf32>
// CHECK: tile.matmul %arg0, %[[BT]]
// CHECK: %[[AT:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 3.000000e+00, 5.000000e+00], [2.000000e+00, 4.000000e+00, 6.000000e+00]]> : tensor<2x3xf32>
// CHECK: %[[BT2:.*]] = tile.transpose %arg1 [1, 0]
// CHECK: tile.matmul %[[AT]], %[[BT2]]
func.func @main(%a: tensor<2x3xf32> {onnx.name = "a"}, %b: tensor<4x3xf32> {onnx.name = "b"}) -> (tensor<2x4xf32> {onnx.name = "y"}, tensor<2x4xf32> {onnx.name = "z"}) {
  %at = arith.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32> loc("at")
  %0 = onnx.Gemm %a, %b {transB = 1 : i64} : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x4xf32> loc("g1")
  %1 = onnx.Gemm %at, %b {transA = 1 : i64, transB = 1 : i64} : (tensor<3x2xf32>, tensor<4x3xf32>) -> tensor<2x4xf32> loc("g2")
  return %0, %1 : tensor<2x4xf32>, tensor<2x4xf32>
}

// -----

// Batched MatMul with NumPy broadcasting: one (a, b, out) row triple per
// output matrix; B's batch of 1 is shared.
// CHECK-LABEL: func.func @main
// CHECK: tile.matmul %arg0, %arg1 [] {batches = array<i64: 0, 0, 0, 2, 0, 2, 4, 0, 4>, k = 3 : i64, m = 2 : i64, n = 5 : i64}
func.func @main(%a: tensor<3x2x3xf32> {onnx.name = "a"}, %b: tensor<1x3x5xf32> {onnx.name = "b"}) -> (tensor<3x2x5xf32> {onnx.name = "y"}) {
  %0 = onnx.MatMul %a, %b : (tensor<3x2x3xf32>, tensor<1x3x5xf32>) -> tensor<3x2x5xf32> loc("mm")
  return %0 : tensor<3x2x5xf32>
}
