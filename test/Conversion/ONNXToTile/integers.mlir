// RUN: lpu-opt %s -split-input-file --convert-onnx-to-tile=target=lpu-tiny | FileCheck %s
// RUN: lpu-opt %s -split-input-file --lpuc-lowering=target=lpu-tiny | FileCheck %s --check-prefix=ISA

// int64 inputs and outputs are i32 tensors marked for the host; integer
// chains compute in i32 (a constant operand too), comparisons end as f32
// booleans.
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%arg0: tensor<2x5xi32> {onnx.name = "ids", tile.host_type = i64}
// CHECK-SAME: -> (tensor<2x5xi32> {onnx.name = "q", tile.host_type = i64}, tensor<2x5xi32> {onnx.name = "m", tile.host_type = i64}, tensor<2x5xf32> {onnx.name = "lt", tile.host_type = i1})
// CHECK: %[[C:.*]] = arith.constant dense<3> : tensor<1xi32>
// CHECK: tile.map(%arg0, %[[C]]) [in0, div in1] : (tensor<2x5xi32>, tensor<1xi32>) -> tensor<2x5xi32>
// CHECK: tile.map(%arg0, %[[C]]) [in0, mod in1] : (tensor<2x5xi32>, tensor<1xi32>) -> tensor<2x5xi32>
// CHECK: tile.map(%arg0, %[[C]]) [in0, lt in1, to_f32] : (tensor<2x5xi32>, tensor<1xi32>) -> tensor<2x5xf32>
// The VXM divides and takes remainders in i32; the binary keeps int64 at
// the host.
// ISA: lpu.buffer input "ids" {{.*}}host_type = i64{{.*}} : tensor<2x5xi32>
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

// -----

// Integers narrower than 32 bits compute in i32 and wrap to their type in
// the same map, as ONNX's arithmetic overflows: uint8 modulo 256, int16
// shifted by half of 2^16. The host passes and receives them in their own
// type.
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%arg0: tensor<4xi32> {onnx.name = "a", tile.host_type = ui8}, %arg1: tensor<4xi32> {onnx.name = "b", tile.host_type = ui8}, %arg2: tensor<4xi32> {onnx.name = "c", tile.host_type = i16})
// CHECK-SAME: -> (tensor<4xi32> {onnx.name = "sum", tile.host_type = ui8}, tensor<4xi32> {onnx.name = "prod", tile.host_type = i16}, tensor<4xi32> {onnx.name = "narrow", tile.host_type = i8})
// CHECK: %[[M:.*]] = arith.constant dense<256> : tensor<1xi32>
// CHECK: tile.map(%arg0, %arg1, %[[M]]) [in0, add in1, mod in2]
// CHECK: %[[H:.*]] = arith.constant dense<32768> : tensor<1xi32>
// CHECK: %[[M16:.*]] = arith.constant dense<65536> : tensor<1xi32>
// CHECK: tile.map(%arg2, %[[H]], %[[M16]]) [in0, mul in0, add in1, mod in2, sub in1]
// CHECK: tile.map(%arg2, %{{.*}}, %{{.*}}) [in0, add in1, mod in2, sub in1]
// ISA: lpu.buffer input "a" {{.*}}host_type = ui8{{.*}} : tensor<4xi32>
func.func @main(%a: tensor<4xui8> {onnx.name = "a"}, %b: tensor<4xui8> {onnx.name = "b"}, %c: tensor<4xi16> {onnx.name = "c"}) -> (tensor<4xui8> {onnx.name = "sum"}, tensor<4xi16> {onnx.name = "prod"}, tensor<4xi8> {onnx.name = "narrow"}) {
  %sum = onnx.Add %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %prod = onnx.Mul %c, %c : (tensor<4xi16>, tensor<4xi16>) -> tensor<4xi16>
  %narrow = onnx.Cast %c {to = 3 : i64} : (tensor<4xi16>) -> tensor<4xi8>
  return %sum, %prod, %narrow : tensor<4xui8>, tensor<4xi16>, tensor<4xi8>
}

// -----

// An 8-bit tensor has two forms: the int8 lanes the MXM multiplies (uint8
// minus 128), which QuantizeLinear gives and DequantizeLinear takes, and
// its integers (i32) for everything else. Each node gets the form it
// needs, each conversion made once.
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%arg0: tensor<4xi32> {onnx.name = "x", tile.host_type = ui8})
// CHECK: %[[O:.*]] = arith.constant dense<128> : tensor<1xi32>
// CHECK: %[[L:.*]] = tile.map(%arg0, %[[O]]) [in0, sub in1] : (tensor<4xi32>, tensor<1xi32>) -> tensor<4xi8>
// CHECK: %[[R:.*]] = tile.map(%[[L]], {{.*}}) -> tensor<4xf32>
// CHECK: %[[Q:.*]] = tile.map(%[[R]], {{.*}}) -> tensor<4xi8>
// CHECK: %[[F:.*]] = arith.constant dense<1.280000e+02> : tensor<1xf32>
// CHECK: %[[I:.*]] = tile.map(%[[Q]], %[[F]]) [in0, add in1, trunc_i32] : (tensor<4xi8>, tensor<1xf32>) -> tensor<4xi32>
// CHECK: return %[[I]]
func.func @main(%x: tensor<4xui8> {onnx.name = "x"}) -> (tensor<4xui8> {onnx.name = "y"}) {
  %scale = arith.constant dense<5.000000e-01> : tensor<f32>
  %zero = arith.constant dense<10> : tensor<ui8>
  %r = onnx.DequantizeLinear %x, %scale, %zero : (tensor<4xui8>, tensor<f32>, tensor<ui8>) -> tensor<4xf32>
  %y = onnx.QuantizeLinear %r, %scale, %zero : (tensor<4xf32>, tensor<f32>, tensor<ui8>) -> tensor<4xui8>
  return %y : tensor<4xui8>
}
