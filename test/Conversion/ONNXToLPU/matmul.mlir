// RUN: lpu-opt %s -split-input-file --convert-onnx-to-lpu=target=lpu-tiny | FileCheck %s
// RUN: lpu-opt %s -split-input-file --convert-onnx-to-lpu="target=lpu-tiny op-by-op" | FileCheck %s --check-prefix=OPBYOP
// Matrix products on lpu-tiny (16 lanes, 2 MXM planes): 16x16 weight tiles;
// the K tiles of one output column tile sit on different planes and each
// row's partial sum flows from plane to plane (mxm.matmul_acc).

// [2,20] x [20,3]: two K tiles (16 rows, then 4) on planes 0 and 1.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[A:.*]] = lpu.buffer input "a" : tensor<2x20xf32>
// CHECK: %[[B:.*]] = lpu.buffer input "b" : tensor<20x3xf32>
// CHECK: %[[Y:.*]] = lpu.buffer output "y" : tensor<2x3xf32>
// CHECK: %[[B0:.*]] = lpu.mem.read %[[B]][0]
// CHECK: lpu.mxm.load_weights %[[B0]], row 0 {unit = 0 : i32}
// CHECK-COUNT-15: lpu.mxm.load_weights {{.*}} {unit = 0 : i32}
// CHECK: lpu.mxm.install rows 16 {unit = 0 : i32} : f32
// CHECK: %[[B16:.*]] = lpu.mem.read %[[B]][16]
// CHECK: lpu.mxm.load_weights %[[B16]], row 0 {unit = 1 : i32}
// CHECK-COUNT-3: lpu.mxm.load_weights {{.*}} {unit = 1 : i32}
// CHECK: lpu.mxm.install rows 4 {unit = 1 : i32} : f32
// CHECK: %[[A0:.*]] = lpu.mem.read %[[A]][0]
// CHECK: %[[M0:.*]] = lpu.mxm.matmul %[[A0]] {unit = 0 : i32}
// CHECK: %[[A1:.*]] = lpu.mem.read %[[A]][1]
// CHECK: %[[S0:.*]] = lpu.mxm.matmul_acc %[[A1]], %[[M0]] {unit = 1 : i32}
// CHECK: lpu.mem.write %[[S0]], %[[Y]][0]
// CHECK: lpu.mem.read %[[A]][2]
// CHECK: lpu.mxm.matmul
// CHECK: lpu.mem.read %[[A]][3]
// CHECK: lpu.mxm.matmul_acc
// CHECK: lpu.mem.write %{{.*}}, %[[Y]][1]
// CHECK-NOT: lpu.vxm

// The baseline sends every K tile's partial sum through SRAM.
// OPBYOP-LABEL: lpu.program @main
// OPBYOP: lpu.mxm.install rows 16 {unit = 0 : i32}
// OPBYOP: lpu.mxm.matmul {{.*}} {unit = 0 : i32}
// OPBYOP: lpu.mem.write %{{.*}}, %[[Y:.*]][0]
// OPBYOP: lpu.mxm.install rows 4 {unit = 1 : i32}
// OPBYOP: %[[X:.*]] = lpu.mem.read %{{.*}}[1]
// OPBYOP: %[[P:.*]] = lpu.mem.read %[[Y]][0]
// OPBYOP: lpu.mxm.matmul_acc %[[X]], %[[P]] {unit = 1 : i32}
func.func @main(%a: tensor<2x20xf32> {onnx.name = "a"}, %b: tensor<20x3xf32> {onnx.name = "b"}) -> (tensor<2x3xf32> {onnx.name = "y"}) {
  %0 = onnx.MatMul %a, %b : (tensor<2x20xf32>, tensor<20x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Three K tiles on two planes: two turns; the second turn's first matmul
// adds the first turn's partial sum, read back from the output.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[A:.*]] = lpu.buffer input "a" : tensor<1x40xf32>
// CHECK: %[[Y:.*]] = lpu.buffer output "y" : tensor<1x2xf32>
// CHECK: lpu.mxm.install rows 16 {unit = 0 : i32}
// CHECK: lpu.mxm.install rows 16 {unit = 1 : i32}
// CHECK: lpu.mxm.matmul
// CHECK: lpu.mxm.matmul_acc
// CHECK: lpu.mem.write %{{.*}}, %[[Y]][0]
// CHECK: lpu.mxm.install rows 8 {unit = 0 : i32}
// CHECK: %[[X:.*]] = lpu.mem.read %[[A]][2]
// CHECK: %[[P:.*]] = lpu.mem.read %[[Y]][0]
// CHECK: %[[S:.*]] = lpu.mxm.matmul_acc %[[X]], %[[P]] {unit = 0 : i32}
// CHECK: lpu.mem.write %[[S]], %[[Y]][0]
func.func @main(%a: tensor<1x40xf32> {onnx.name = "a"}, %b: tensor<40x2xf32> {onnx.name = "b"}) -> (tensor<1x2xf32> {onnx.name = "y"}) {
  %0 = onnx.MatMul %a, %b : (tensor<1x40xf32>, tensor<40x2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

// Constant weights are stored tile by tile, one buffer per tile; the two
// column tiles go to the two planes, which then carry equal work.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[T0:.*]] = lpu.buffer constant "w.k0n0" init(dense_resource<w.k0n0> : tensor<4x16xf32>) : tensor<4x16xf32>
// CHECK: %[[T1:.*]] = lpu.buffer constant "w.k0n1" init(dense_resource<w.k0n1> : tensor<4x4xf32>) : tensor<4x4xf32>
// CHECK: %[[R:.*]] = lpu.mem.read %[[T0]][0]
// CHECK: lpu.mxm.load_weights %[[R]], row 0 {unit = 0 : i32}
// CHECK: lpu.mxm.install rows 4 {unit = 0 : i32}
// CHECK: lpu.mem.write %{{.*}}, %{{.*}}[0]
// CHECK: %[[R1:.*]] = lpu.mem.read %[[T1]][0]
// CHECK: lpu.mxm.load_weights %[[R1]], row 0 {unit = 1 : i32}
// CHECK: lpu.mxm.install rows 4 {unit = 1 : i32}
// CHECK: lpu.mem.write %{{.*}}, %{{.*}}[1]
func.func @main(%x: tensor<1x4xf32> {onnx.name = "x"}) -> (tensor<1x20xf32> {onnx.name = "y"}) {
  %w = arith.constant dense<1.0> : tensor<4x20xf32> loc("w")
  %0 = onnx.MatMul %x, %w : (tensor<1x4xf32>, tensor<4x20xf32>) -> tensor<1x20xf32>
  return %0 : tensor<1x20xf32>
}

// -----

// Gemm with transB on a constant: the tiles are transposed at compile time;
// alpha, beta * C and the Relu that only consumes the Gemm run on the VXM
// on the way from the MXM to SRAM, with no buffer in between.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[Y:.*]] = lpu.buffer output "y" : tensor<1x2xf32>
// CHECK: %[[C:.*]] = lpu.buffer constant "c"
// CHECK: %[[WT:.*]] = lpu.buffer constant "w.T.k0n0" init(dense_resource<w.T.k0n0> : tensor<3x2xf32>) : tensor<3x2xf32>
// CHECK-NOT: lpu.buffer
// CHECK: lpu.mxm.install rows 3
// CHECK: %[[M:.*]] = lpu.mxm.matmul
// CHECK: %[[PS:.*]] = lpu.vxm.scale %[[M]], 2.000000e+00
// CHECK: %[[CV:.*]] = lpu.mem.read %[[C]][0]
// CHECK: %[[CS:.*]] = lpu.vxm.scale %[[CV]], 5.000000e-01
// CHECK: %[[SUM:.*]] = lpu.vxm.add %[[PS]], %[[CS]]
// CHECK: %[[R:.*]] = lpu.vxm.relu %[[SUM]]
// CHECK: lpu.mem.write %[[R]], %[[Y]][0]
func.func @main(%x: tensor<1x3xf32> {onnx.name = "x"}) -> (tensor<1x2xf32> {onnx.name = "y"}) {
  %w = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32> loc("w")
  %c = arith.constant dense<[1.0, -1.0]> : tensor<2xf32> loc("c")
  %0 = onnx.Gemm %x, %w, %c {alpha = 2.0 : f32, beta = 0.5 : f32, transB = 1 : i64} : (tensor<1x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<1x2xf32> loc("gemm")
  %1 = onnx.Relu %0 : (tensor<1x2xf32>) -> tensor<1x2xf32> loc("relu")
  return %1 : tensor<1x2xf32>
}
