// RUN: lpu-opt %s -split-input-file -verify-diagnostics --convert-onnx-to-lpu=target=lpu-tiny | FileCheck %s
// Slice, Gather, Pad and friends are element maps: each output vector
// gathers runs of consecutive input elements (one read and SXM shifts per
// run, joined by VXM adds); whole rows are plain copies.

// Every other element of lanes 3..12: five runs of one element, each moved
// to its output lane (down 15 - 3 = 12 lanes... then back up to lane k).
// CHECK-LABEL: lpu.program @main
// CHECK: %[[X:.*]] = lpu.buffer input "x" : tensor<2x20xf32>
// CHECK: %[[Y:.*]] = lpu.buffer output "y" : tensor<2x5xf32>
// CHECK: %[[A:.*]] = lpu.mem.read %[[X]][0]
// CHECK: %[[A1:.*]] = lpu.sxm.shift %[[A]], 12
// CHECK: %[[A2:.*]] = lpu.sxm.shift %[[A1]], -15
// CHECK: %[[B:.*]] = lpu.mem.read %[[X]][0]
// CHECK: %[[B1:.*]] = lpu.sxm.shift %[[B]], 10
// CHECK: %[[B2:.*]] = lpu.sxm.shift %[[B1]], -15
// CHECK: %[[B3:.*]] = lpu.sxm.shift %[[B2]], 1
// CHECK: lpu.vxm.add %[[A2]], %[[B3]]
// CHECK-COUNT-3: lpu.vxm.add
// CHECK: lpu.mem.write %{{.*}}, %[[Y]][0]
// CHECK: lpu.mem.read %[[X]][2]
// CHECK: lpu.mem.write %{{.*}}, %[[Y]][1]
func.func @main(%x: tensor<2x20xf32> {onnx.name = "x"}) -> (tensor<2x5xf32> {onnx.name = "y"}) {
  %s = arith.constant dense<[3]> : tensor<1xi64>
  %e = arith.constant dense<[13]> : tensor<1xi64>
  %a = arith.constant dense<[1]> : tensor<1xi64>
  %st = arith.constant dense<[2]> : tensor<1xi64>
  %0 = onnx.Slice %x, %s, %e, %a, %st : (tensor<2x20xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// Gathering whole rows copies them.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[X:.*]] = lpu.buffer input "x" : tensor<3x4xf32>
// CHECK: %[[Y:.*]] = lpu.buffer output "y" : tensor<2x4xf32>
// CHECK: %[[R2:.*]] = lpu.mem.read %[[X]][2]
// CHECK-NEXT: lpu.mem.write %[[R2]], %[[Y]][0]
// CHECK-NEXT: %[[R0:.*]] = lpu.mem.read %[[X]][0]
// CHECK-NEXT: lpu.mem.write %[[R0]], %[[Y]][1]
func.func @main(%x: tensor<3x4xf32> {onnx.name = "x"}) -> (tensor<2x4xf32> {onnx.name = "y"}) {
  %i = arith.constant dense<[2, -3]> : tensor<2xi64>
  %0 = onnx.Gather %x, %i {axis = 0 : i64} : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// A pad value given at run time is spread over a row of lanes once; the
// padding copies from that row.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[X:.*]] = lpu.buffer input "x" : tensor<2x3xf32>
// CHECK: %[[V:.*]] = lpu.buffer input "v" : tensor<f32>
// CHECK: %[[P:.*]] = lpu.buffer scratch "pad.pad" : tensor<16xf32>
// CHECK: %[[S:.*]] = lpu.mem.read %[[V]][0]
// CHECK: %[[D:.*]] = lpu.sxm.distribute %[[S]], lane 0, width 16
// CHECK: lpu.mem.write %[[D]], %[[P]][0]
// CHECK: lpu.mem.read %[[P]][0]
// CHECK: %[[R:.*]] = lpu.mem.read %[[X]][0]
// CHECK: lpu.sxm.shift %[[R]], 1
func.func @main(%x: tensor<2x3xf32> {onnx.name = "x"}, %v: tensor<f32> {onnx.name = "v"}) -> (tensor<2x5xf32> {onnx.name = "y"}) {
  %p = arith.constant dense<[0, 1, 0, 1]> : tensor<4xi64>
  %0 = onnx.Pad %x, %p, %v : (tensor<2x3xf32>, tensor<4xi64>, tensor<f32>) -> tensor<2x5xf32> loc("pad")
  return %0 : tensor<2x5xf32>
}

// -----

func.func @main(%x: tensor<3xf32> {onnx.name = "x"}) -> (tensor<1xf32> {onnx.name = "y"}) {
  %i = arith.constant dense<[3]> : tensor<1xi64>
  // expected-error @+1 {{Gather index 3 is out of range for a dimension of 3}}
  %0 = onnx.Gather %x, %i {axis = 0 : i64} : (tensor<3xf32>, tensor<1xi64>) -> tensor<1xf32>
  return %0 : tensor<1xf32>
}

// -----

// Indices given at run time: the diagnostic says how to fix them.
// expected-error @+1 {{graph input 'i' has element type 'i64': integer inputs are not supported at run time; if it holds shapes, bounds or indices, fix its value at compile time with --input-value i=FILE.pb}}
func.func @main(%x: tensor<3xf32> {onnx.name = "x"}, %i: tensor<1xi64> {onnx.name = "i"}) -> (tensor<1xf32> {onnx.name = "y"}) {
  %0 = onnx.Gather %x, %i {axis = 0 : i64} : (tensor<3xf32>, tensor<1xi64>) -> tensor<1xf32>
  return %0 : tensor<1xf32>
}

// -----

// Linear Resize x2 (half_pixel) over H and W: four corner element maps, each
// times a constant weight tensor (products of 0.25 / 0.75) and summed.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[Y:.*]] = lpu.buffer output "y" : tensor<1x1x4x4xf32>
// CHECK: lpu.buffer scratch "resize.corner0" : tensor<1x1x4x4xf32>
// CHECK: lpu.buffer constant "resize.weight0" init(dense<{{\[\[\[\[}}6.250000e-02, 1.875000e-01, 6.250000e-02, 1.875000e-01], [1.875000e-01, 5.625000e-01,
// CHECK: lpu.buffer scratch "resize.corner1"
// CHECK: lpu.buffer scratch "resize.corner2"
// CHECK: lpu.buffer scratch "resize.corner3"
// CHECK: lpu.buffer constant "resize.weight3"
// CHECK-NOT: lpu.buffer
// CHECK: %[[P:.*]] = lpu.vxm.mul
// CHECK: %[[S:.*]] = lpu.vxm.add %[[P]]
// CHECK: lpu.mem.write %[[S]], %[[Y]][0]
func.func @main(%x: tensor<1x1x2x2xf32> {onnx.name = "x"}) -> (tensor<1x1x4x4xf32> {onnx.name = "y"}) {
  %roi = onnx.NoValue
  %scales = arith.constant dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>
  %0 = onnx.Resize %x, %roi, %scales {mode = "linear"} : (tensor<1x1x2x2xf32>, none, tensor<4xf32>) -> tensor<1x1x4x4xf32> loc("resize")
  return %0 : tensor<1x1x4x4xf32>
}

// -----

func.func @main(%x: tensor<1x1x2x2xf32> {onnx.name = "x"}) -> (tensor<1x1x4x4xf32> {onnx.name = "y"}) {
  %roi = onnx.NoValue
  %scales = arith.constant dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>
  // expected-error @+1 {{Resize mode 'cubic' is not supported}}
  %0 = onnx.Resize %x, %roi, %scales {mode = "cubic"} : (tensor<1x1x2x2xf32>, none, tensor<4xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}
