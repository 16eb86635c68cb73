// RUN: lpu-opt %s -split-input-file --convert-onnx-to-lpu=target=lpu-tiny | FileCheck %s
// Matrix products on lpu-tiny: 16x16 weight tiles, one per MXM plane in
// turn; K tiles after the first accumulate into the output through the VXM.

// [2,20] x [20,3]: two K tiles (16 rows, then 4), one N tile.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[A:.*]] = lpu.buffer input "a" : tensor<2x20xf32>
// CHECK: %[[B:.*]] = lpu.buffer input "b" : tensor<20x3xf32>
// CHECK: %[[Y:.*]] = lpu.buffer output "y" : tensor<2x3xf32>
// CHECK: %[[B0:.*]] = lpu.mem.read %[[B]][0]
// CHECK: lpu.mxm.load_weights %[[B0]], row 0 {unit = 0 : i32}
// CHECK-COUNT-15: lpu.mxm.load_weights {{.*}} {unit = 0 : i32}
// CHECK: lpu.mxm.install rows 16 {unit = 0 : i32} : f32
// CHECK: %[[A0:.*]] = lpu.mem.read %[[A]][0]
// CHECK: %[[M0:.*]] = lpu.mxm.matmul %[[A0]] {unit = 0 : i32}
// CHECK: lpu.mem.write %[[M0]], %[[Y]][0]
// CHECK: lpu.mem.read %[[A]][2]
// CHECK: lpu.mxm.matmul
// CHECK: lpu.mem.write %{{.*}}, %[[Y]][1]
// CHECK: %[[B16:.*]] = lpu.mem.read %[[B]][16]
// CHECK: lpu.mxm.load_weights %[[B16]], row 0 {unit = 1 : i32}
// CHECK-COUNT-3: lpu.mxm.load_weights {{.*}} {unit = 1 : i32}
// CHECK: lpu.mxm.install rows 4 {unit = 1 : i32} : f32
// CHECK: %[[A1:.*]] = lpu.mem.read %[[A]][1]
// CHECK: %[[M1:.*]] = lpu.mxm.matmul %[[A1]] {unit = 1 : i32}
// CHECK: %[[P:.*]] = lpu.mem.read %[[Y]][0]
// CHECK: %[[S:.*]] = lpu.vxm.add %[[M1]], %[[P]]
// CHECK: lpu.mem.write %[[S]], %[[Y]][0]
func.func @main(%a: tensor<2x20xf32> {onnx.name = "a"}, %b: tensor<20x3xf32> {onnx.name = "b"}) -> (tensor<2x3xf32> {onnx.name = "y"}) {
  %0 = onnx.MatMul %a, %b : (tensor<2x20xf32>, tensor<20x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Gemm with transB on a constant: the weights are transposed at compile
// time; alpha and beta become VXM scales around the product.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[Y:.*]] = lpu.buffer output "y" : tensor<1x2xf32>
// CHECK: %[[WT:.*]] = lpu.buffer constant "w.T" init(dense_resource<w.T> : tensor<3x2xf32>) : tensor<3x2xf32>
// CHECK: %[[P:.*]] = lpu.buffer scratch "gemm.product" : tensor<1x2xf32>
// CHECK: lpu.mxm.install rows 3
// CHECK: lpu.mem.write %{{.*}}, %[[P]][0]
// CHECK: %[[C:.*]] = lpu.buffer constant "c"
// CHECK: %[[PV:.*]] = lpu.mem.read %[[P]][0]
// CHECK: %[[PS:.*]] = lpu.vxm.scale %[[PV]], 2.000000e+00
// CHECK: %[[CV:.*]] = lpu.mem.read %[[C]][0]
// CHECK: %[[CS:.*]] = lpu.vxm.scale %[[CV]], 5.000000e-01
// CHECK: %[[SUM:.*]] = lpu.vxm.add %[[PS]], %[[CS]]
// CHECK: lpu.mem.write %[[SUM]], %[[Y]][0]
func.func @main(%x: tensor<1x3xf32> {onnx.name = "x"}) -> (tensor<1x2xf32> {onnx.name = "y"}) {
  %w = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32> loc("w")
  %c = arith.constant dense<[1.0, -1.0]> : tensor<2xf32> loc("c")
  %0 = onnx.Gemm %x, %w, %c {alpha = 2.0 : f32, beta = 0.5 : f32, transB = 1 : i64} : (tensor<1x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<1x2xf32> loc("gemm")
  return %0 : tensor<1x2xf32>
}
