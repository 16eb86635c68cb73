// RUN: lpu-opt %s -split-input-file --convert-onnx-to-tile=target=lpu-tiny | FileCheck %s
// RUN: lpu-opt %s -split-input-file --lpuc-lowering=target=lpu-tiny | FileCheck %s --check-prefix=ISA

// int64 inputs and outputs are i32 tensors marked for the host; integer
// chains compute in i32 (a constant operand too), comparisons end as f32
// booleans.
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%arg0: tensor<2x5xi32> {onnx.name = "ids", tile.host_i64}
// CHECK-SAME: -> (tensor<2x5xi32> {onnx.name = "q", tile.host_i64}, tensor<2x5xi32> {onnx.name = "m", tile.host_i64}, tensor<2x5xf32> {onnx.name = "lt"})
// CHECK: %[[C:.*]] = arith.constant dense<3> : tensor<1xi32>
// CHECK: tile.map(%arg0, %[[C]]) [in0, div in1] : (tensor<2x5xi32>, tensor<1xi32>) -> tensor<2x5xi32>
// CHECK: tile.map(%arg0, %[[C]]) [in0, mod in1] : (tensor<2x5xi32>, tensor<1xi32>) -> tensor<2x5xi32>
// CHECK: tile.map(%arg0, %[[C]]) [in0, lt in1, to_f32] : (tensor<2x5xi32>, tensor<1xi32>) -> tensor<2x5xf32>
// The VXM divides and takes remainders in i32; the binary keeps int64 at
// the host.
// ISA: lpu.buffer input "ids" {{.*}}host_i64{{.*}} : tensor<2x5xi32>
// ISA: lpu.vxm.div {{.*}} : <i32>
// ISA: lpu.vxm.mod {{.*}} : <i32>
// ISA: lpu.vxm.lt {{.*}} : <i32>
// ISA: lpu.vxm.convert {{.*}} : <i32> -> <f32>
func.func @main(%ids: tensor<2x5xi64> {onnx.name = "ids"}) -> (tensor<2x5xi64> {onnx.name = "q"}, tensor<2x5xi64> {onnx.name = "m"}, tensor<2x5xi1> {onnx.name = "lt"}) {
  %three = arith.constant dense<3> : tensor<1xi64>
  %q = onnx.Div %ids, %three : (tensor<2x5xi64>, tensor<1xi64>) -> tensor<2x5xi64>
  %m = onnx.Mod %ids, %three : (tensor<2x5xi64>, tensor<1xi64>) -> tensor<2x5xi64>
  %lt = onnx.Less %ids, %three : (tensor<2x5xi64>, tensor<1xi64>) -> tensor<2x5xi1>
  return %q, %m, %lt : tensor<2x5xi64>, tensor<2x5xi64>, tensor<2x5xi1>
}

// -----

// Casts between floats and integers change the chain's type: toward zero
// into integers, to the nearest f32 out of them. Neg of integers is a
// product by -1; Where of integers is y + c (x - y).
// CHECK-LABEL: func.func @main
// CHECK: %[[T:.*]] = tile.map(%arg0) [in0, trunc_i32] : (tensor<4xf32>) -> tensor<4xi32>
// CHECK: %[[N:.*]] = tile.map(%[[T]], %{{.*}}) [in0, mul in1] : (tensor<4xi32>, tensor<1xi32>) -> tensor<4xi32>
// CHECK: %[[B:.*]] = tile.map(%[[N]], %{{.*}}) [in0, gt in1, to_f32] : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xf32>
// CHECK: %[[W:.*]] = tile.map(%[[T]], %[[N]], %[[B]]) [in0, sub in1, mul in2, add in1] : (tensor<4xi32>, tensor<4xi32>, tensor<4xf32>) -> tensor<4xi32>
// CHECK: tile.map(%[[W]]) [in0, to_f32] : (tensor<4xi32>) -> tensor<4xf32>
// ISA: lpu.vxm.convert {{.*}}toward_zero{{.*}} : <f32> -> <i32>
func.func @main(%x: tensor<4xf32> {onnx.name = "x"}) -> (tensor<4xf32> {onnx.name = "y"}) {
  %t = onnx.Cast %x {to = 7 : i64} : (tensor<4xf32>) -> tensor<4xi64>
  %n = onnx.Neg %t : (tensor<4xi64>) -> tensor<4xi64>
  %b = onnx.Greater %n, %t : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1>
  %w = onnx.Where %b, %t, %n : (tensor<4xi1>, tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %y = onnx.Cast %w {to = 1 : i64} : (tensor<4xi64>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
