// RUN: lpu-opt %s -split-input-file --convert-onnx-to-lpu=target=lpu-tiny | FileCheck %s
// RUN: lpu-opt %s -split-input-file --convert-onnx-to-lpu="target=lpu-tiny op-by-op" | FileCheck %s --check-prefix=OPBYOP
// Element-wise ops on lpu-tiny (16 lanes): one read per operand vector, one
// VXM op, one write, for every output vector.

// A 2x20 tensor is 2 rows of 2 vectors; the [20] operand broadcasts over rows.
// CHECK-LABEL: lpu.program @main target("lpu-tiny")
// CHECK: %[[A:.*]] = lpu.buffer input "a" : tensor<2x20xf32>
// CHECK: %[[B:.*]] = lpu.buffer input "b" : tensor<20xf32>
// CHECK: %[[C:.*]] = lpu.buffer output "c" : tensor<2x20xf32>
// CHECK: %[[A0:.*]] = lpu.mem.read %[[A]][0]
// CHECK: %[[B0:.*]] = lpu.mem.read %[[B]][0]
// CHECK: %[[S0:.*]] = lpu.vxm.add %[[A0]], %[[B0]]
// CHECK: lpu.mem.write %[[S0]], %[[C]][0]
// CHECK: lpu.mem.read %[[A]][1]
// CHECK: lpu.mem.read %[[B]][1]
// CHECK: lpu.mem.write %{{.*}}, %[[C]][1]
// CHECK: lpu.mem.read %[[A]][2]
// CHECK: lpu.mem.read %[[B]][0]
// CHECK: lpu.mem.write %{{.*}}, %[[C]][2]
// CHECK: lpu.mem.read %[[A]][3]
// CHECK: lpu.mem.read %[[B]][1]
// CHECK: lpu.mem.write %{{.*}}, %[[C]][3]
// CHECK-NOT: lpu.mem
func.func @main(%a: tensor<2x20xf32> {onnx.name = "a"}, %b: tensor<20xf32> {onnx.name = "b"}) -> (tensor<2x20xf32> {onnx.name = "c"}) {
  %0 = onnx.Add %a, %b : (tensor<2x20xf32>, tensor<20xf32>) -> tensor<2x20xf32>
  return %0 : tensor<2x20xf32>
}

// -----

// A column [3,1] broadcast across lanes: SXM distributes lane 0 over the 4
// lanes of the row and zeroes the padding lanes.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[S:.*]] = lpu.buffer input "s" : tensor<3x1xf32>
// CHECK: %[[X0:.*]] = lpu.mem.read %{{.*}}[0]
// CHECK: %[[S0:.*]] = lpu.mem.read %[[S]][0]
// CHECK: %[[D0:.*]] = lpu.sxm.distribute %[[S0]], lane 0, width 4
// CHECK: lpu.vxm.sub %[[X0]], %[[D0]]
// CHECK: lpu.mem.read %[[S]][1]
// CHECK: lpu.mem.read %[[S]][2]
func.func @main(%x: tensor<3x4xf32> {onnx.name = "x"}, %s: tensor<3x1xf32> {onnx.name = "s"}) -> (tensor<3x4xf32> {onnx.name = "y"}) {
  %0 = onnx.Sub %x, %s : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// An element-wise node that is the only consumer of another is fused into
// its chain: the product goes from the VXM multiply straight into the relu.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[X:.*]] = lpu.buffer input "x" : tensor<4xf32>
// CHECK: %[[Y:.*]] = lpu.buffer output "y" : tensor<4xf32>
// CHECK-NOT: lpu.buffer
// CHECK: %[[A:.*]] = lpu.mem.read %[[X]][0]
// CHECK: %[[B:.*]] = lpu.mem.read %[[X]][0]
// CHECK: %[[M:.*]] = lpu.vxm.mul %[[A]], %[[B]]
// CHECK: %[[R:.*]] = lpu.vxm.relu %[[M]]
// CHECK: %[[S:.*]] = lpu.vxm.scale %[[R]], 5.000000e-01
// CHECK: %[[C:.*]] = lpu.mem.read %[[X]][0]
// CHECK: %[[CS:.*]] = lpu.vxm.scale %[[C]], 5.000000e-01
// CHECK: %[[SUM:.*]] = lpu.vxm.add %[[S]], %[[CS]]
// CHECK: %[[X2:.*]] = lpu.mem.read %[[X]][0]
// CHECK: %[[P:.*]] = lpu.vxm.mul %[[SUM]], %[[X2]]
// CHECK: lpu.mem.write %[[P]], %[[Y]][0]
// CHECK-NOT: lpu.mem.write
func.func @main(%x: tensor<4xf32> {onnx.name = "x"}) -> (tensor<4xf32> {onnx.name = "y"}) {
  %0 = onnx.Mul %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("mul")
  %1 = onnx.Relu %0 : (tensor<4xf32>) -> tensor<4xf32> loc("relu")
  %2 = onnx.Mean %1, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("mean")
  // The fused value is Mul's second operand: commutative, so it still fuses.
  %3 = onnx.Mul %x, %2 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("mul2")
  return %3 : tensor<4xf32>
}

// -----

// No fusion where the value has two consumers, where the consumer reads it
// twice (LeakyRelu), or where the consumer's other operand is computed after
// the producer: those values go through scratch buffers named after the node.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[E:.*]] = lpu.buffer scratch "exp" : tensor<4xf32>
// CHECK: lpu.vxm.exp
// CHECK: lpu.mem.write %{{.*}}, %[[E]][0]
// CHECK: %[[T:.*]] = lpu.buffer scratch "abs" : tensor<4xf32>
// CHECK: lpu.vxm.abs
// CHECK: lpu.mem.write %{{.*}}, %[[T]][0]
// CHECK: %[[R:.*]] = lpu.mem.read %[[T]][0]
// CHECK: %[[R2:.*]] = lpu.mem.read %[[T]][0]
// CHECK: lpu.vxm.scale %[[R2]], 1.000000e-01
// CHECK: lpu.vxm.max
// CHECK: %[[U:.*]] = lpu.mem.read %[[E]][0]
// CHECK: %[[V:.*]] = lpu.mem.read %[[T]][0]
// CHECK: lpu.vxm.add %[[U]], %[[V]]
func.func @main(%x: tensor<4xf32> {onnx.name = "x"}) -> (tensor<4xf32> {onnx.name = "y"}, tensor<4xf32> {onnx.name = "z"}) {
  %0 = onnx.Exp %x : (tensor<4xf32>) -> tensor<4xf32> loc("exp")
  %1 = onnx.Abs %x : (tensor<4xf32>) -> tensor<4xf32> loc("abs")
  %2 = onnx.LeakyRelu %1 {alpha = 0.1 : f32} : (tensor<4xf32>) -> tensor<4xf32> loc("leaky")
  %3 = onnx.Add %0, %1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("add")
  return %2, %3 : tensor<4xf32>, tensor<4xf32>
}

// -----

// op-by-op (the benchmarks' baseline) keeps every node apart.
// OPBYOP-LABEL: lpu.program @main
// OPBYOP: %[[T:.*]] = lpu.buffer scratch "mul" : tensor<4xf32>
// OPBYOP: lpu.vxm.mul
// OPBYOP: lpu.mem.write %{{.*}}, %[[T]][0]
// OPBYOP: %[[R:.*]] = lpu.mem.read %[[T]][0]
// OPBYOP: lpu.vxm.relu %[[R]]
func.func @main(%x: tensor<4xf32> {onnx.name = "x"}) -> (tensor<4xf32> {onnx.name = "y"}) {
  %0 = onnx.Mul %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("mul")
  %1 = onnx.Relu %0 : (tensor<4xf32>) -> tensor<4xf32> loc("relu")
  return %1 : tensor<4xf32>
}

// -----

// Outputs that are graph inputs or constants are copied.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[X:.*]] = lpu.buffer input "x" : tensor<4xf32>
// CHECK: %[[Y:.*]] = lpu.buffer output "y" : tensor<4xf32>
// CHECK: %[[K:.*]] = lpu.buffer output "k" : tensor<4xf32>
// CHECK: %[[V:.*]] = lpu.mem.read %[[X]][0]
// CHECK: lpu.mem.write %[[V]], %[[Y]][0]
// CHECK: %[[C:.*]] = lpu.buffer constant "c" init(dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>) : tensor<4xf32>
// CHECK: %[[W:.*]] = lpu.mem.read %[[C]][0]
// CHECK: lpu.mem.write %[[W]], %[[K]][0]
func.func @main(%x: tensor<4xf32> {onnx.name = "x"}) -> (tensor<4xf32> {onnx.name = "y"}, tensor<4xf32> {onnx.name = "k"}) {
  %c = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32> loc("c")
  return %x, %c : tensor<4xf32>, tensor<4xf32>
}
