// RUN: lpu-opt %s -split-input-file -verify-diagnostics --convert-onnx-to-tile=target=lpu-tiny | FileCheck %s
// ScatterND of whole rows: the data as a [R, D] table, each index's row
// number ((i0 * d1 + i1) from its components, gathered as columns), one
// tile.scatter_rows.

// CHECK-LABEL: func.func @main
// CHECK: %[[T:.*]] = tile.reshape %arg0 : tensor<2x8x20xf32> -> tensor<16x20xf32>
// CHECK: %[[I:.*]] = tile.reshape %arg1 : tensor<2x1x2xi32> -> tensor<2x2xi32>
// CHECK: %[[U:.*]] = tile.reshape %arg2 : tensor<2x1x20xf32> -> tensor<2x20xf32>
// CHECK: %[[C0:.*]] = tile.gather %[[I]] {count = array<i64: 1, 0>, first = array<i64: 0, 0>, tables = [array<i64: 0, 1>, array<i64: 0>]} : tensor<2x2xi32> -> tensor<2xi32>
// CHECK: %[[D1:.*]] = arith.constant dense<8> : tensor<1xi32>
// CHECK: %[[C1:.*]] = tile.gather %[[I]] {count = array<i64: 1, 0>, first = array<i64: 0, 0>, tables = [array<i64: 0, 1>, array<i64: 1>]} : tensor<2x2xi32> -> tensor<2xi32>
// CHECK: %[[R:.*]] = tile.map(%[[C0]], %[[D1]], %[[C1]]) [in0, mul in1, add in2] : (tensor<2xi32>, tensor<1xi32>, tensor<2xi32>) -> tensor<2xi32>
// CHECK: %[[S:.*]] = tile.scatter_rows %[[T]][%[[R]]] = %[[U]] : tensor<16x20xf32>, tensor<2xi32>, tensor<2x20xf32>
// CHECK: tile.reshape %[[S]] : tensor<16x20xf32> -> tensor<2x8x20xf32>
func.func @main(%cache: tensor<2x8x20xf32> {onnx.name = "cache"}, %idx: tensor<2x1x2xi64> {onnx.name = "idx"}, %new: tensor<2x1x20xf32> {onnx.name = "new"}) -> (tensor<2x8x20xf32> {onnx.name = "present"}) {
  %0 = onnx.ScatterND %cache, %idx, %new : (tensor<2x8x20xf32>, tensor<2x1x2xi64>, tensor<2x1x20xf32>) -> tensor<2x8x20xf32>
  return %0 : tensor<2x8x20xf32>
}

// -----

func.func @main(%cache: tensor<2x8x20xf32> {onnx.name = "cache"}, %idx: tensor<2x3xi64> {onnx.name = "idx"}, %new: tensor<2xf32> {onnx.name = "new"}) -> (tensor<2x8x20xf32> {onnx.name = "present"}) {
  // expected-error @+1 {{ScatterND replaces whole rows on the LPU: its indices need rank(data) - 1 = 2 components, not 3}}
  %0 = onnx.ScatterND %cache, %idx, %new : (tensor<2x8x20xf32>, tensor<2x3xi64>, tensor<2xf32>) -> tensor<2x8x20xf32>
  return %0 : tensor<2x8x20xf32>
}
