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

// Indices of every component name single elements: the row from all but the
// last component, moved past the table when the last, the column, is outside
// [0, 20) (row + 16 * max(column < 0, column > 19)), and a tile.scatter_rows
// with columns.
// CHECK-LABEL: func.func @main
// CHECK: %[[U:.*]] = tile.reshape %arg2 : tensor<2xf32> -> tensor<2x1xf32>
// CHECK: %[[R:.*]] = tile.map({{.*}}) [in0, mul in1, add in2]
// CHECK: %[[C:.*]] = tile.gather %{{.*}} tables = [array<i64: 0, 1>, array<i64: 2>]} : tensor<2x3xi32> -> tensor<2xi32>
// CHECK-DAG: %[[LAST:.*]] = arith.constant dense<19> : tensor<1xi32>
// CHECK-DAG: %[[ROWS:.*]] = arith.constant dense<16> : tensor<1xi32>
// CHECK: %[[ABOVE:.*]] = tile.map(%[[C]], %[[LAST]]) [in0, gt in1]
// CHECK: %[[AT:.*]] = tile.map(%[[C]], %{{.*}}, %[[ABOVE]], %[[ROWS]], %[[R]]) [in0, lt in1, max in2, mul in3, add in4]
// CHECK: tile.scatter_rows %{{.*}}[%[[AT]]] = %[[U]] columns %[[C]] : tensor<2xi32> : tensor<16x20xf32>, tensor<2xi32>, tensor<2x1xf32>
func.func @main(%cache: tensor<2x8x20xf32> {onnx.name = "cache"}, %idx: tensor<2x3xi64> {onnx.name = "idx"}, %new: tensor<2xf32> {onnx.name = "new"}) -> (tensor<2x8x20xf32> {onnx.name = "present"}) {
  %0 = onnx.ScatterND %cache, %idx, %new : (tensor<2x8x20xf32>, tensor<2x3xi64>, tensor<2xf32>) -> tensor<2x8x20xf32>
  return %0 : tensor<2x8x20xf32>
}

// -----

// Indices of one component name blocks of 8 rows: each index's row number
// spread over its block (id * 8 + [0, 8)).
// CHECK-LABEL: func.func @main
// CHECK: %[[U:.*]] = tile.reshape %arg2 : tensor<1x8x20xf32> -> tensor<8x20xf32>
// CHECK: %[[SPREAD:.*]] = tile.gather %{{.*}} : tensor<1xi32> -> tensor<1x8xi32>
// CHECK: %[[ROWS:.*]] = tile.map(%[[SPREAD]], %{{.*}}, %{{.*}}) [in0, mul in1, add in2] : (tensor<1x8xi32>, tensor<1xi32>, tensor<1x8xi32>) -> tensor<1x8xi32>
// CHECK: %[[FLAT:.*]] = tile.reshape %[[ROWS]] : tensor<1x8xi32> -> tensor<8xi32>
// CHECK: tile.scatter_rows %{{.*}}[%[[FLAT]]] = %[[U]] : tensor<16x20xf32>, tensor<8xi32>, tensor<8x20xf32>
func.func @main(%cache: tensor<2x8x20xf32> {onnx.name = "cache"}, %idx: tensor<1x1xi64> {onnx.name = "idx"}, %new: tensor<1x8x20xf32> {onnx.name = "new"}) -> (tensor<2x8x20xf32> {onnx.name = "present"}) {
  %0 = onnx.ScatterND %cache, %idx, %new : (tensor<2x8x20xf32>, tensor<1x1xi64>, tensor<1x8x20xf32>) -> tensor<2x8x20xf32>
  return %0 : tensor<2x8x20xf32>
}

// -----

func.func @main(%cache: tensor<2x8x20xf32> {onnx.name = "cache"}, %idx: tensor<2x4xi64> {onnx.name = "idx"}, %new: tensor<2xf32> {onnx.name = "new"}) -> (tensor<2x8x20xf32> {onnx.name = "present"}) {
  // expected-error @+1 {{ScatterND indices need 1 to rank(data) = 3 components, not 4}}
  %0 = onnx.ScatterND %cache, %idx, %new : (tensor<2x8x20xf32>, tensor<2x4xi64>, tensor<2xf32>) -> tensor<2x8x20xf32>
  return %0 : tensor<2x8x20xf32>
}
