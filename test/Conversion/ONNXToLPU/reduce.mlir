// RUN: lpu-opt %s -split-input-file -verify-diagnostics --convert-onnx-to-lpu=target=lpu-tiny | FileCheck %s

// Max over a 5-wide row on 16 lanes: padding lanes take lane 0's value, then
// four shift-and-max steps (each staged in SRAM and read twice) fold the
// lanes into lane 0, which is all the result keeps.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[V:.*]] = lpu.mem.read %{{.*}}[0]
// CHECK: %[[F:.*]] = lpu.sxm.distribute %{{.*}}, lane 0, width 16
// CHECK: %[[P:.*]] = lpu.sxm.shift %[[F]], 5
// CHECK: lpu.vxm.add %{{.*}}, %[[P]]
// CHECK: lpu.sxm.shift %{{.*}}, -1
// CHECK: lpu.vxm.max
// CHECK: lpu.sxm.shift %{{.*}}, -2
// CHECK: lpu.sxm.shift %{{.*}}, -4
// CHECK: lpu.sxm.shift %{{.*}}, -8
// CHECK: %[[R:.*]] = lpu.sxm.distribute %{{.*}}, lane 0, width 1
// CHECK: lpu.mem.write %[[R]]
func.func @main(%x: tensor<5xf32> {onnx.name = "x"}) -> (tensor<1xf32> {onnx.name = "y"}) {
  %0 = onnx.ReduceMax %x {axes = [0]} : (tensor<5xf32>) -> tensor<1xf32> loc("max")
  return %0 : tensor<1xf32>
}

// -----

func.func @main(%x: tensor<3x4xf32> {onnx.name = "x"}) -> (tensor<1x4xf32> {onnx.name = "y"}) {
  // expected-error @+1 {{only the innermost axis is supported yet, not axis 0}}
  %0 = onnx.ReduceSum %x {axes = [0]} : (tensor<3x4xf32>) -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}
