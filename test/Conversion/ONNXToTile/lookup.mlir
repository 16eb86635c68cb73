// RUN: lpu-opt %s -split-input-file -verify-diagnostics --convert-onnx-to-tile=target=lpu-tiny | FileCheck %s
// Gather by indices known only at run time looks up rows: the indices made
// non-negative (id + V * (id < 0)), then a tile.lookup of the data as a
// [V, D] table.

// CHECK-LABEL: func.func @main
// CHECK-DAG: %[[ZERO:.*]] = arith.constant dense<0> : tensor<1xi32>
// CHECK-DAG: %[[ROWS:.*]] = arith.constant dense<50> : tensor<1xi32>
// CHECK: %[[IDS:.*]] = tile.map(%arg0, %[[ZERO]], %[[ROWS]]) [in0, lt in1, mul in2, add in0] : (tensor<2x3xi32>, tensor<1xi32>, tensor<1xi32>) -> tensor<2x3xi32>
// CHECK: %[[ROWSOUT:.*]] = tile.lookup %{{.*}}[%[[IDS]]] : tensor<50x24xf32>, tensor<2x3xi32> -> tensor<2x3x24xf32>
// A [V, 2, 3] table is looked up as [V, 6], a [V] table as [V, 1]:
// CHECK: tile.reshape %{{.*}} : tensor<50x2x3xf32> -> tensor<50x6xf32>
// CHECK: tile.lookup %{{.*}} : tensor<50x6xf32>, tensor<2x3xi32> -> tensor<2x3x6xf32>
// CHECK: tile.reshape %{{.*}} : tensor<2x3x6xf32> -> tensor<2x3x2x3xf32>
// CHECK: tile.reshape %{{.*}} : tensor<50xf32> -> tensor<50x1xf32>
// CHECK: tile.lookup %{{.*}} : tensor<50x1xf32>, tensor<2x3xi32> -> tensor<2x3x1xf32>
// CHECK: tile.reshape %{{.*}} : tensor<2x3x1xf32> -> tensor<2x3xf32>
func.func @main(%ids: tensor<2x3xi64> {onnx.name = "ids"}) -> (tensor<2x3x24xf32> {onnx.name = "y"}, tensor<2x3x2x3xf32> {onnx.name = "z"}, tensor<2x3xf32> {onnx.name = "w"}) {
  %t = arith.constant dense<1.0> : tensor<50x24xf32>
  %c = arith.constant dense<2.0> : tensor<50x2x3xf32>
  %v = arith.constant dense<3.0> : tensor<50xf32>
  %0 = onnx.Gather %t, %ids {axis = 0 : i64} : (tensor<50x24xf32>, tensor<2x3xi64>) -> tensor<2x3x24xf32> loc("embed")
  %1 = onnx.Gather %c, %ids {axis = 0 : i64} : (tensor<50x2x3xf32>, tensor<2x3xi64>) -> tensor<2x3x2x3xf32> loc("cubes")
  %2 = onnx.Gather %v, %ids {axis = 0 : i64} : (tensor<50xf32>, tensor<2x3xi64>) -> tensor<2x3xf32> loc("bias")
  return %0, %1, %2 : tensor<2x3x24xf32>, tensor<2x3x2x3xf32>, tensor<2x3xf32>
}

// -----

func.func @main(%ids: tensor<3xi64> {onnx.name = "ids"}) -> (tensor<4x3xf32> {onnx.name = "y"}) {
  %t = arith.constant dense<1.0> : tensor<4x50xf32>
  // expected-error @+1 {{Gather with indices known only at run time looks up rows: it needs axis 0, not 1}}
  %0 = onnx.Gather %t, %ids {axis = 1 : i64} : (tensor<4x50xf32>, tensor<3xi64>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}
