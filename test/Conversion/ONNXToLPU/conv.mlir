// RUN: lpu-opt %s -split-input-file --convert-onnx-to-lpu=target=lpu-tiny | FileCheck %s
// Convolution and pooling on lpu-tiny (16 lanes, 2 MXM planes): NCHW tensors
// are transposed to channels last on the MXM, each output pixel is a chain
// of matmuls over the kernel taps, and the result is transposed back.

// A 2x2 kernel over a 2-channel 3x3 image, one filter, bias and a fused
// Relu. The image goes channels last through three transposed installs (one
// per image row: its 2 channel rows become columns), into one buffer per
// image row, so a window's rows are on different slices. The four taps are four
// K tiles on two planes, so two turns: the second adds the first's partial
// sum, then the bias and the Relu on the way out.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[X:.*]] = lpu.buffer input "x" : tensor<1x2x3x3xf32>
// CHECK: %[[Y:.*]] = lpu.buffer output "y" : tensor<1x1x2x2xf32>
// CHECK: %[[XT:.*]] = lpu.buffer scratch "conv.input.nhwc.0" : tensor<3x2xf32>
// CHECK: %[[XT1:.*]] = lpu.buffer scratch "conv.input.nhwc.1" : tensor<3x2xf32>
// CHECK-COUNT-3: lpu.mxm.install rows 2 transposed
// CHECK: %[[T0:.*]] = lpu.buffer constant "w.t0c0f0" init(dense_resource<w.t0c0f0> : tensor<2x1xf32>) : tensor<2x1xf32>
// CHECK: %[[T3:.*]] = lpu.buffer constant "w.t3c0f0" init(dense_resource<w.t3c0f0> : tensor<2x1xf32>) : tensor<2x1xf32>
// CHECK: %[[B:.*]] = lpu.buffer constant "b"
// CHECK: %[[YT:.*]] = lpu.buffer scratch "conv.nhwc.0" : tensor<2x1xf32>
// CHECK: %[[YT1:.*]] = lpu.buffer scratch "conv.nhwc.1" : tensor<2x1xf32>
// Tap 0 went to the plane with less work (mxm[1], east), so partial sums
// start with tap 1 on mxm[0] and flow east.
// CHECK: %[[P1:.*]] = lpu.mem.read %[[XT]][1]
// CHECK: %[[M1:.*]] = lpu.mxm.matmul %[[P1]] {unit = 0 : i32}
// CHECK: %[[P0:.*]] = lpu.mem.read %[[XT]][0]
// CHECK: %[[M0:.*]] = lpu.mxm.matmul_acc %[[P0]], %[[M1]] {unit = 1 : i32}
// CHECK: lpu.mem.write %[[M0]], %[[YT]][0]
// CHECK: lpu.mem.write %{{.*}}, %[[YT1]][1]
// CHECK: %[[P4:.*]] = lpu.mem.read %[[XT1]][1]
// CHECK: %[[Q:.*]] = lpu.mem.read %[[YT]][0]
// CHECK: %[[M4:.*]] = lpu.mxm.matmul_acc %[[P4]], %[[Q]]
// CHECK: %[[P3:.*]] = lpu.mem.read %[[XT1]][0]
// CHECK: %[[M3:.*]] = lpu.mxm.matmul_acc %[[P3]], %[[M4]]
// CHECK: %[[BV:.*]] = lpu.mem.read %[[B]][0]
// CHECK: %[[S:.*]] = lpu.vxm.add %[[M3]], %[[BV]]
// CHECK: %[[R:.*]] = lpu.vxm.relu %[[S]]
// CHECK: lpu.mem.write %[[R]], %[[YT]][0]
// CHECK: lpu.mxm.install rows 2 transposed
// CHECK: lpu.mem.write %{{.*}}, %[[Y]][0]
func.func @main(%x: tensor<1x2x3x3xf32> {onnx.name = "x"}) -> (tensor<1x1x2x2xf32> {onnx.name = "y"}) {
  %w = arith.constant dense<1.0> : tensor<1x2x2x2xf32> loc("w")
  %b = arith.constant dense<0.5> : tensor<1xf32> loc("b")
  %0 = onnx.Conv %x, %w, %b {kernel_shape = [2, 2]} : (tensor<1x2x3x3xf32>, tensor<1x2x2x2xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32> loc("conv")
  %1 = onnx.Relu %0 : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> loc("relu")
  return %1 : tensor<1x1x2x2xf32>
}

// -----

// Max pooling 2x2, stride 2, after a convolution: the pooling reads the
// convolution's channels-last result (no transpose in between), and a chain
// of VXM maxes takes one window's four pixels.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[C:.*]] = lpu.buffer scratch "conv.nhwc.0" : tensor<4x1xf32>
// CHECK: %[[C1:.*]] = lpu.buffer scratch "conv.nhwc.1" : tensor<4x1xf32>
// CHECK-NOT: install rows {{.*}} transposed
// CHECK: %[[P:.*]] = lpu.buffer scratch "pool.nhwc.0" : tensor<2x1xf32>
// CHECK: %[[A:.*]] = lpu.mem.read %[[C]][0]
// CHECK: %[[B:.*]] = lpu.mem.read %[[C]][1]
// CHECK: %[[M1:.*]] = lpu.vxm.max %[[A]], %[[B]]
// CHECK: %[[D:.*]] = lpu.mem.read %[[C1]][0]
// CHECK: %[[M2:.*]] = lpu.vxm.max %[[M1]], %[[D]]
// CHECK: %[[E:.*]] = lpu.mem.read %[[C1]][1]
// CHECK: %[[M3:.*]] = lpu.vxm.max %[[M2]], %[[E]]
// CHECK: lpu.mem.write %[[M3]], %[[P]][0]
func.func @main(%x: tensor<1x1x4x4xf32> {onnx.name = "x"}) -> (tensor<1x1x2x2xf32> {onnx.name = "y"}) {
  %w = arith.constant dense<2.0> : tensor<1x1x1x1xf32> loc("w")
  %0 = onnx.Conv %x, %w {kernel_shape = [1, 1]} : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x4x4xf32> loc("conv")
  %1 = onnx.MaxPool %0 {kernel_shape = [2, 2], strides = [2, 2]} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> loc("pool")
  return %1 : tensor<1x1x2x2xf32>
}

// -----

// An inference BatchNormalization with constant parameters after a Conv is
// folded at compile time into a per-channel multiply-add (a = scale /
// sqrt(var + eps) = 2, c = B - mean * a = 1 - 2 = -1) in the convolution's
// epilogue, on channels across lanes; no node of its own.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[A:.*]] = lpu.buffer constant "bn.scale" init(dense<2.000000e+00> : tensor<1xf32>)
// CHECK: %[[C:.*]] = lpu.buffer constant "bn.shift" init(dense<-1.000000e+00> : tensor<1xf32>)
// CHECK: %[[M:.*]] = lpu.mxm.matmul
// CHECK: %[[AV:.*]] = lpu.mem.read %[[A]][0]
// CHECK: %[[P:.*]] = lpu.vxm.mul %[[M]], %[[AV]]
// CHECK: %[[CV:.*]] = lpu.mem.read %[[C]][0]
// CHECK: lpu.vxm.add %[[P]], %[[CV]]
func.func @main(%x: tensor<1x1x2x2xf32> {onnx.name = "x"}) -> (tensor<1x1x2x2xf32> {onnx.name = "y"}) {
  %w = arith.constant dense<1.0> : tensor<1x1x1x1xf32> loc("w")
  %s = arith.constant dense<1.0> : tensor<1xf32> loc("s")
  %b = arith.constant dense<1.0> : tensor<1xf32> loc("b")
  %m = arith.constant dense<1.0> : tensor<1xf32> loc("m")
  %v = arith.constant dense<0.25> : tensor<1xf32> loc("v")
  %0 = onnx.Conv %x, %w {kernel_shape = [1, 1]} : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32> loc("conv")
  %1 = onnx.BatchNormalization %0, %s, %b, %m, %v {epsilon = 0.0 : f32} : (tensor<1x1x2x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32> loc("bn")
  return %1 : tensor<1x1x2x2xf32>
}

// -----

// ConvTranspose, kernel 2 and stride 2: each output pixel gathers the one
// input pixel that scatters onto it, so every chain has a single term; the
// four taps are K tiles on two planes (two turns), and pixel (0, 0) takes
// input pixel (0, 0) through tap (0, 0) in the first turn.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[XT:.*]] = lpu.buffer scratch "up.input.nhwc.0" : tensor<2x1xf32>
// CHECK: %[[T0:.*]] = lpu.buffer constant "w.t0c0f0" init(dense_resource<w.t0c0f0> : tensor<1x1xf32>) : tensor<1x1xf32>
// CHECK: %[[YT:.*]] = lpu.buffer scratch "up.nhwc.0" : tensor<4x1xf32>
// CHECK: %[[P:.*]] = lpu.mem.read %[[XT]][0]
// CHECK: %[[M:.*]] = lpu.mxm.matmul %[[P]]
// CHECK-NEXT: lpu.mem.write %[[M]], %[[YT]][0]
func.func @main(%x: tensor<1x1x2x2xf32> {onnx.name = "x"}) -> (tensor<1x1x4x4xf32> {onnx.name = "y"}) {
  %w = arith.constant dense<[[[[1.0, 2.0], [3.0, 4.0]]]]> : tensor<1x1x2x2xf32> loc("w")
  %0 = onnx.ConvTranspose %x, %w {kernel_shape = [2, 2], strides = [2, 2]} : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> loc("up")
  return %0 : tensor<1x1x4x4xf32>
}
