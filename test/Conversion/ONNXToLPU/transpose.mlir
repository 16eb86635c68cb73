// RUN: lpu-opt %s -split-input-file --convert-onnx-to-lpu=target=lpu-tiny | FileCheck %s
// Transposes on lpu-tiny (16 lanes, 2 MXM planes).

// The innermost dimension stays: whole rows move, output row (j, i) is input
// row (i, j).
// CHECK-LABEL: lpu.program @main
// CHECK: %[[X:.*]] = lpu.buffer input "x" : tensor<2x3x4xf32>
// CHECK: %[[Y:.*]] = lpu.buffer output "y" : tensor<3x2x4xf32>
// CHECK: %[[A:.*]] = lpu.mem.read %[[X]][0]
// CHECK: lpu.mem.write %[[A]], %[[Y]][0]
// CHECK: %[[B:.*]] = lpu.mem.read %[[X]][3]
// CHECK: lpu.mem.write %[[B]], %[[Y]][1]
// CHECK: %[[C:.*]] = lpu.mem.read %[[X]][1]
// CHECK: lpu.mem.write %[[C]], %[[Y]][2]
// CHECK-NOT: lpu.mxm
func.func @main(%x: tensor<2x3x4xf32> {onnx.name = "x"}) -> (tensor<3x2x4xf32> {onnx.name = "y"}) {
  %0 = onnx.Transpose %x {perm = [1, 0, 2]} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
  return %0 : tensor<3x2x4xf32>
}

// -----

// A matrix transpose on the MXM: the 3 rows are installed transposed (row n
// becomes column n), and streaming unit vector e_z gives lane n = x[n][z]:
// output row z.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[I:.*]] = lpu.buffer constant "identity" init(dense<{{.*}}> : tensor<16x16xf32>) : tensor<16x16xf32>
// CHECK: %[[X:.*]] = lpu.buffer input "x" : tensor<3x5xf32>
// CHECK: %[[Y:.*]] = lpu.buffer output "y" : tensor<5x3xf32>
// CHECK: %[[R0:.*]] = lpu.mem.read %[[X]][0]
// CHECK: lpu.mxm.load_weights %[[R0]], row 0 {unit = 0 : i32}
// CHECK-COUNT-2: lpu.mxm.load_weights
// CHECK: lpu.mxm.install rows 3 transposed {unit = 0 : i32} : f32
// CHECK: %[[E0:.*]] = lpu.mem.read %[[I]][0]
// CHECK: %[[C0:.*]] = lpu.mxm.matmul %[[E0]] {unit = 0 : i32}
// CHECK: lpu.mem.write %[[C0]], %[[Y]][0]
// CHECK-COUNT-4: lpu.mxm.matmul
// CHECK: lpu.mem.write %{{.*}}, %[[Y]][4]
func.func @main(%x: tensor<3x5xf32> {onnx.name = "x"}) -> (tensor<5x3xf32> {onnx.name = "y"}) {
  %0 = onnx.Transpose %x : (tensor<3x5xf32>) -> tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}

// -----

// Batched MatMul with a right operand computed at run time: one product
// per batch, each loading its own matrix's rows (B rows 0..3, then 4..7).
// CHECK-LABEL: lpu.program @main
// CHECK: %[[B:.*]] = lpu.buffer input "b" : tensor<2x4x5xf32>
// CHECK: lpu.mem.read %[[B]][0]
// CHECK: lpu.mxm.install rows 4 {unit = 0 : i32}
// CHECK: lpu.mem.read %[[B]][4]
// CHECK: lpu.mxm.install rows 4 {unit = 1 : i32}
func.func @main(%a: tensor<2x3x4xf32> {onnx.name = "a"}, %b: tensor<2x4x5xf32> {onnx.name = "b"}) -> (tensor<2x3x5xf32> {onnx.name = "y"}) {
  %0 = onnx.MatMul %a, %b : (tensor<2x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}
