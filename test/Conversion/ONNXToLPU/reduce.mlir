// RUN: lpu-opt %s -split-input-file -verify-diagnostics --convert-onnx-to-lpu=target=lpu-tiny | FileCheck %s

// Max over one 5-wide row on 16 lanes (too few rows for the MXM): padding
// lanes take lane 0's value, then four shift-and-max steps (each staged in
// SRAM and read twice) fold the lanes into lane 0, which is all the result
// keeps.
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

// Max over 8 rows of 5 on the MXM: the rows are installed transposed, each
// unit vector e_k brings element k of every row into that row's lane, a VXM
// chain keeps the maxima, staged once, and one distribute per row moves its
// maximum to lane 0.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[I:.*]] = lpu.buffer constant "identity"
// CHECK: %[[X:.*]] = lpu.buffer input "x" : tensor<8x5xf32>
// CHECK: %[[Y:.*]] = lpu.buffer output "y" : tensor<8x1xf32>
// CHECK: %[[S:.*]] = lpu.buffer scratch "max.extrema" : tensor<1x16xf32>
// CHECK-COUNT-8: lpu.mxm.load_weights
// CHECK: lpu.mxm.install rows 8 transposed
// CHECK: %[[E0:.*]] = lpu.mem.read %[[I]][0]
// CHECK: %[[C0:.*]] = lpu.mxm.matmul %[[E0]]
// CHECK: %[[E1:.*]] = lpu.mem.read %[[I]][1]
// CHECK: %[[C1:.*]] = lpu.mxm.matmul %[[E1]]
// CHECK: lpu.vxm.max %[[C0]], %[[C1]]
// CHECK-COUNT-3: lpu.vxm.max
// CHECK: lpu.mem.write %{{.*}}, %[[S]][0]
// CHECK: %[[M:.*]] = lpu.mem.read %[[S]][0]
// CHECK: %[[D:.*]] = lpu.sxm.distribute %[[M]], lane 0, width 1
// CHECK: lpu.mem.write %[[D]], %[[Y]][0]
// CHECK: lpu.sxm.distribute %{{.*}}, lane 7, width 1
// CHECK-NOT: lpu.sxm.shift
func.func @main(%x: tensor<8x5xf32> {onnx.name = "x"}) -> (tensor<8x1xf32> {onnx.name = "y"}) {
  %0 = onnx.ReduceMax %x {axes = [1]} : (tensor<8x5xf32>) -> tensor<8x1xf32> loc("max")
  return %0 : tensor<8x1xf32>
}

// -----

// Mean over rows of 20 (two vectors on 16 lanes) on the MXM: one weight row
// of 1/20, installed transposed, is column 0 of the array, so one matmul sums
// a vector into lane 0 and the row's second vector accumulates onto it on
// the same plane.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[X:.*]] = lpu.buffer input "x" : tensor<2x20xf32>
// CHECK: %[[Y:.*]] = lpu.buffer output "y" : tensor<2x1xf32>
// CHECK: %[[W:.*]] = lpu.buffer constant "mean.sum" init(dense<5.000000e-02> : tensor<16xf32>) : tensor<16xf32>
// CHECK: %[[R:.*]] = lpu.mem.read %[[W]][0]
// CHECK: lpu.mxm.load_weights %[[R]], row 0 {unit = 0 : i32}
// CHECK-NEXT: lpu.mxm.install rows 1 transposed {unit = 0 : i32} : f32
// CHECK: %[[A:.*]] = lpu.mem.read %[[X]][0]
// CHECK: %[[S:.*]] = lpu.mxm.matmul %[[A]] {unit = 0 : i32}
// CHECK: %[[B:.*]] = lpu.mem.read %[[X]][1]
// CHECK: %[[T:.*]] = lpu.mxm.matmul_acc %[[B]], %[[S]] {unit = 0 : i32}
// CHECK: lpu.mem.write %[[T]], %[[Y]][0]
// CHECK-NOT: lpu.sxm
func.func @main(%x: tensor<2x20xf32> {onnx.name = "x"}) -> (tensor<2x1xf32> {onnx.name = "y"}) {
  %0 = onnx.ReduceMean %x {axes = [1]} : (tensor<2x20xf32>) -> tensor<2x1xf32> loc("mean")
  return %0 : tensor<2x1xf32>
}

// -----

// Over a leading axis, rows combine lane-wise: each output vector is a VXM
// chain over the input rows that differ only along axis 0, written straight
// into the result.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[X:.*]] = lpu.buffer input "x" : tensor<3x4xf32>
// CHECK: %[[Y:.*]] = lpu.buffer output "y" : tensor<1x4xf32>
// CHECK-NOT: lpu.buffer
// CHECK: %[[A:.*]] = lpu.mem.read %[[X]][0]
// CHECK: %[[B:.*]] = lpu.mem.read %[[X]][1]
// CHECK: %[[S:.*]] = lpu.vxm.add %[[A]], %[[B]]
// CHECK: %[[C:.*]] = lpu.mem.read %[[X]][2]
// CHECK: %[[T:.*]] = lpu.vxm.add %[[S]], %[[C]]
// CHECK: lpu.mem.write %[[T]], %[[Y]][0]
// CHECK-NOT: lpu.mem
func.func @main(%x: tensor<3x4xf32> {onnx.name = "x"}) -> (tensor<1x4xf32> {onnx.name = "y"}) {
  %0 = onnx.ReduceSum %x {axes = [0]} : (tensor<3x4xf32>) -> tensor<1x4xf32> loc("sum")
  return %0 : tensor<1x4xf32>
}

// -----

// L2 norm over both axes with keepdims = 0: squares, lane-wise sum of the
// rows, a row sum on the MXM, the square root, and the scalar laid out as
// the 0-d result.
// CHECK-LABEL: lpu.program @main
// CHECK: lpu.buffer scratch "l2.terms" : tensor<3x4xf32>
// CHECK: lpu.vxm.mul
// CHECK: lpu.buffer scratch "l2.partial" : tensor<1x4xf32>
// CHECK: lpu.buffer scratch "l2.rows" : tensor<1x1xf32>
// CHECK: lpu.mxm.matmul
// CHECK: lpu.vxm.sqrt
func.func @main(%x: tensor<3x4xf32> {onnx.name = "x"}) -> (tensor<f32> {onnx.name = "y"}) {
  %0 = onnx.ReduceL2 %x {keepdims = 0 : i64} : (tensor<3x4xf32>) -> tensor<f32> loc("l2")
  return %0 : tensor<f32>
}

// -----

// Softmax over a leading axis (opset 13): the max and the sum combine rows
// lane-wise (emitReduction), then broadcast back over that axis.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[X:.*]] = lpu.buffer input "x" : tensor<3x4xf32>
// CHECK: %[[MAX:.*]] = lpu.buffer scratch "softmax.max" : tensor<1x4xf32>
// CHECK-NOT: lpu.buffer
// CHECK: %[[R0:.*]] = lpu.mem.read %[[X]][0]
// CHECK: %[[R1:.*]] = lpu.mem.read %[[X]][1]
// CHECK: %[[M01:.*]] = lpu.vxm.max %[[R0]], %[[R1]]
// CHECK: %[[R2:.*]] = lpu.mem.read %[[X]][2]
// CHECK: %[[M:.*]] = lpu.vxm.max %[[M01]], %[[R2]]
// CHECK: lpu.mem.write %[[M]], %[[MAX]][0]
// CHECK: lpu.buffer scratch "softmax.exp" : tensor<3x4xf32>
// CHECK: lpu.vxm.exp
// CHECK: %[[SUM:.*]] = lpu.buffer scratch "softmax.sum" : tensor<1x4xf32>
// CHECK: lpu.vxm.div
func.func @main(%x: tensor<3x4xf32> {onnx.name = "x"}) -> (tensor<3x4xf32> {onnx.name = "y"}) attributes {onnx.opset = 13 : i64} {
  %0 = onnx.Softmax %x {axis = 0 : i64} : (tensor<3x4xf32>) -> tensor<3x4xf32> loc("softmax")
  return %0 : tensor<3x4xf32>
}
