// RUN: lpu-opt %s -split-input-file -verify-diagnostics --convert-onnx-to-lpu=target=lpu-tiny | FileCheck %s

// Keeping the innermost dimension keeps the rows: a copy, row by row.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[X:.*]] = lpu.buffer input "x" : tensor<2x3x5xf32>
// CHECK: %[[Y:.*]] = lpu.buffer output "y" : tensor<6x5xf32>
// CHECK-COUNT-6: lpu.mem.read %[[X]]
// CHECK-NOT: lpu.mem.read
func.func @main(%x: tensor<2x3x5xf32> {onnx.name = "x"}) -> (tensor<6x5xf32> {onnx.name = "y"}) {
  %0 = onnx.Flatten %x {axis = 2 : i64} : (tensor<2x3x5xf32>) -> tensor<6x5xf32> loc("flat")
  return %0 : tensor<6x5xf32>
}

// -----

func.func @main(%x: tensor<2x3x5xf32> {onnx.name = "x"}) -> (tensor<2x15xf32> {onnx.name = "y"}) {
  // expected-error @+1 {{reshaping 'tensor<2x3x5xf32>' to 'tensor<2x15xf32>' changes the innermost dimension, which is not supported yet}}
  %0 = onnx.Flatten %x {axis = 1 : i64} : (tensor<2x3x5xf32>) -> tensor<2x15xf32>
  return %0 : tensor<2x15xf32>
}
