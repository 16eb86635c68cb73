// RUN: lpu-opt %s -split-input-file -verify-diagnostics --convert-onnx-to-lpu=target=lpu-tiny | FileCheck %s

// Cast to f16: the chip holds f16 lanes; the write converts on the VXM.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[X:.*]] = lpu.buffer input "x" : tensor<3xf32>
// CHECK: %[[Y:.*]] = lpu.buffer output "y" : tensor<3xf16>
// CHECK: %[[V:.*]] = lpu.mem.read %[[X]][0] : <f32>
// CHECK: %[[H:.*]] = lpu.vxm.convert %[[V]] : <f32> -> <f16>
// CHECK: lpu.mem.write %[[H]], %[[Y]][0] : <f16>
func.func @main(%x: tensor<3xf32> {onnx.name = "x"}) -> (tensor<3xf16> {onnx.name = "y"}) {
  %0 = onnx.Cast %x {to = 10 : i64} : (tensor<3xf32>) -> tensor<3xf16> loc("cast")
  return %0 : tensor<3xf16>
}

// -----

// Cast to bool is 1 - [x == 0], carried as f32.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[Y:.*]] = lpu.buffer output "y" : tensor<3xf32>
// CHECK: %[[EQ:.*]] = lpu.vxm.eq
// CHECK: %[[NEG:.*]] = lpu.vxm.scale %[[EQ]], -1.0
// CHECK: lpu.vxm.add %[[NEG]]
func.func @main(%x: tensor<3xf32> {onnx.name = "x"}) -> (tensor<3xi1> {onnx.name = "y"}) {
  %0 = onnx.Cast %x {to = 9 : i64} : (tensor<3xf32>) -> tensor<3xi1> loc("cast")
  return %0 : tensor<3xi1>
}

// -----

func.func @main(%x: tensor<3xf32> {onnx.name = "x"}) -> (tensor<3xf32> {onnx.name = "y"}) {
  // expected-error @+1 {{Cast from 'f32' to 'f64' is not supported (f32, f16 and bool)}}
  %0 = onnx.Cast %x {to = 11 : i64} : (tensor<3xf32>) -> tensor<3xf64>
  %1 = onnx.Cast %0 {to = 1 : i64} : (tensor<3xf64>) -> tensor<3xf32>
  return %1 : tensor<3xf32>
}
