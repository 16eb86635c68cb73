// RUN: lpu-opt %s -split-input-file --convert-onnx-to-tile=target=lpu-tiny | FileCheck %s
// 8-bit tensors are i8 tiles (uint8 minus 128); products of dequantized
// operands run in int8, then a map rescales their sums.

// QDQ around a MatMul: uint8 activations (zero point 130, lane zero 2),
// int8 weights with a scale per column. The quantize map divides and adds
// the lane zero point; the product multiplies i8 by i8 weights (w - 0);
// the map after it scales by sx * sw[n] and subtracts 2 * sum_k w[k, n]
// times that.
// CHECK-LABEL: func.func @main
// CHECK: %[[XS:.*]] = arith.constant dense<5.000000e-01> : tensor<1xf32>
// CHECK: %[[XZ:.*]] = arith.constant dense<2.000000e+00> : tensor<1xf32>
// CHECK: %[[Q:.*]] = tile.map(%arg0, %[[XS]], %[[XZ]]) [in0, div in1, add in2] : (tensor<4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<4x3xi8>
// CHECK: %[[W:.*]] = arith.constant dense_resource<{{.*}}> : tensor<3x2xi8>
// CHECK: %[[P:.*]] = tile.matmul %[[Q]], %[[W]] [] {{.*}} : tensor<4x3xi8>, tensor<3x2xi8> -> tensor<4x2xf32>
// CHECK: %[[S:.*]] = arith.constant dense<[5.000000e-02, 1.000000e-01]> : tensor<2xf32>
// CHECK: %[[O:.*]] = arith.constant dense<[-4.000000e-01, -1.200000e+00]> : tensor<2xf32>
// CHECK: tile.map(%[[P]], %[[S]], %[[O]]) [in0, mul in1, add in2] : (tensor<4x2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
// CHECK: weights.int8{{.*}}: "0x08000000010203040000"
func.func @main(%x: tensor<4x3xf32> {onnx.name = "x"}) -> (tensor<4x2xf32> {onnx.name = "y"}) {
  %xs = arith.constant dense<0.5> : tensor<f32>
  %xz = arith.constant dense<130> : tensor<ui8>
  %w = arith.constant dense<[[1, 2], [3, 4], [0, 0]]> : tensor<3x2xi8>
  %ws = arith.constant dense<[0.1, 0.2]> : tensor<2xf32>
  %wz = arith.constant dense<0> : tensor<2xi8>
  %q = onnx.QuantizeLinear %x, %xs, %xz : (tensor<4x3xf32>, tensor<f32>, tensor<ui8>) -> tensor<4x3xui8>
  %dq = onnx.DequantizeLinear %q, %xs, %xz : (tensor<4x3xui8>, tensor<f32>, tensor<ui8>) -> tensor<4x3xf32>
  %wdq = onnx.DequantizeLinear %w, %ws, %wz {axis = 1 : i64} : (tensor<3x2xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<3x2xf32>
  %y = onnx.MatMul %dq, %wdq : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// QDQ around a Conv: the padding holds the input's lane zero point, and
// the int32 bias dequantizes at compile time into the offset.
// CHECK-LABEL: func.func @main
// CHECK: %[[Q:.*]] = tile.map(%arg0{{.*}}) [in0, div in1, add in2] {{.*}} -> tensor<1x2x4x4xi8>
// CHECK: %[[T:.*]] = tile.transpose %[[Q]] [0, 2, 3, 1] : tensor<1x2x4x4xi8> -> tensor<1x4x4x2xi8>
// CHECK: tile.conv %[[T]], %{{.*}} [] {{{.*}}padding_value = -3 : i64{{.*}}} : tensor<1x4x4x2xi8>, tensor<3x2x3x3xi8> -> tensor<1x4x4x3xf32>
// CHECK: arith.constant dense<{{\[\[\[}}1.250000e-01]], {{\[\[}}2.500000e-01]], {{\[\[}}5.000000e-01]]]> : tensor<3x1x1xf32>
// CHECK: arith.constant dense<{{\[\[\[}}7.250000e+00]], {{\[\[}}1.550000e+01]], {{\[\[}}3.300000e+01]]]> : tensor<3x1x1xf32>
// CHECK: tile.map(%{{.*}}, %{{.*}}, %{{.*}}) [in0, mul in1, add in2] : (tensor<1x3x4x4xf32>, tensor<3x1x1xf32>, tensor<3x1x1xf32>) -> tensor<1x3x4x4xf32>
func.func @main(%x: tensor<1x2x4x4xf32> {onnx.name = "x"}) -> (tensor<1x3x4x4xf32> {onnx.name = "y"}) {
  %xs = arith.constant dense<0.25> : tensor<f32>
  %xz = arith.constant dense<125> : tensor<ui8>
  %w = arith.constant dense<1> : tensor<3x2x3x3xi8>
  %ws = arith.constant dense<[0.5, 1.0, 2.0]> : tensor<3xf32>
  %b = arith.constant dense<[4, 8, 12]> : tensor<3xi32>
  %bs = arith.constant dense<[0.125, 0.25, 0.5]> : tensor<3xf32>
  %q = onnx.QuantizeLinear %x, %xs, %xz : (tensor<1x2x4x4xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x2x4x4xui8>
  %dq = onnx.DequantizeLinear %q, %xs, %xz : (tensor<1x2x4x4xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x2x4x4xf32>
  %wdq = onnx.DequantizeLinear %w, %ws {axis = 0 : i64} : (tensor<3x2x3x3xi8>, tensor<3xf32>) -> tensor<3x2x3x3xf32>
  %bdq = onnx.DequantizeLinear %b, %bs {axis = 0 : i64} : (tensor<3xi32>, tensor<3xf32>) -> tensor<3xf32>
  %y = onnx.Conv %dq, %wdq, %bdq {kernel_shape = [3, 3], pads = [1, 1, 1, 1]} : (tensor<1x2x4x4xf32>, tensor<3x2x3x3xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
  return %y : tensor<1x3x4x4xf32>
}

// -----

// Weights whose zero point leaves int8 (uint8 weights, zero point 0: up to
// 255) run on dequantized values, in the float precision.
// CHECK-LABEL: func.func @main
// CHECK: %[[DQ:.*]] = tile.map(%{{.*}}, %{{.*}}, %{{.*}}) [in0, sub in1, mul in2] : (tensor<4x3xi8>, tensor<1xf32>, tensor<1xf32>) -> tensor<4x3xf32>
// CHECK: tile.matmul %[[DQ]], %{{.*}} [] {{.*}} : tensor<4x3xf32>, tensor<3x2xf32> -> tensor<4x2xf32>
func.func @main(%x: tensor<4x3xf32> {onnx.name = "x"}) -> (tensor<4x2xf32> {onnx.name = "y"}) {
  %xs = arith.constant dense<0.5> : tensor<f32>
  %xz = arith.constant dense<130> : tensor<ui8>
  %w = arith.constant dense<[[1, 2], [3, 4], [0, 255]]> : tensor<3x2xui8>
  %ws = arith.constant dense<0.1> : tensor<f32>
  %wz = arith.constant dense<0> : tensor<ui8>
  %q = onnx.QuantizeLinear %x, %xs, %xz : (tensor<4x3xf32>, tensor<f32>, tensor<ui8>) -> tensor<4x3xui8>
  %dq = onnx.DequantizeLinear %q, %xs, %xz : (tensor<4x3xui8>, tensor<f32>, tensor<ui8>) -> tensor<4x3xf32>
  %wdq = onnx.DequantizeLinear %w, %ws, %wz : (tensor<3x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<3x2xf32>
  %y = onnx.MatMul %dq, %wdq : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// MatMulInteger: the exact sums (minus 3 times each column's sum), carried
// as f32; then Cast.
// CHECK-LABEL: func.func @main
// CHECK: %[[P:.*]] = tile.matmul %{{.*}}, %{{.*}} [] {{.*}} : tensor<4x3xi8>, tensor<3x2xi8> -> tensor<4x2xf32>
// CHECK: %[[O:.*]] = arith.constant dense<[-1.200000e+01, -1.800000e+01]> : tensor<2xf32>
// CHECK: %[[R:.*]] = tile.map(%[[P]], %[[O]]) [in0, add in1]
// CHECK: tile.map(%[[R]]) [in0] : (tensor<4x2xf32>) -> tensor<4x2xf32>
func.func @main(%x: tensor<4x3xf32> {onnx.name = "x"}) -> (tensor<4x2xf32> {onnx.name = "y"}) {
  %xs = arith.constant dense<0.5> : tensor<f32>
  %xz = arith.constant dense<0> : tensor<i8>
  %w = arith.constant dense<[[1, 2], [3, 4], [0, 0]]> : tensor<3x2xi8>
  %q = onnx.QuantizeLinear %x, %xs, %xz : (tensor<4x3xf32>, tensor<f32>, tensor<i8>) -> tensor<4x3xi8>
  %az = arith.constant dense<3> : tensor<i8>
  %none = onnx.NoValue
  %p = onnx.MatMulInteger %q, %w, %az, %none : (tensor<4x3xi8>, tensor<3x2xi8>, tensor<i8>, none) -> tensor<4x2xi32>
  %y = onnx.Cast %p {to = 1 : i64} : (tensor<4x2xi32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// A scale and zero point computed at run time (DynamicQuantizeLinear's):
// one map to the integers, rounded halves to even and saturated to uint8.
// CHECK-LABEL: func.func @main
// CHECK: %[[S:.*]] = tile.reshape %arg1 : tensor<f32> -> tensor<1xf32>
// CHECK: %[[Z:.*]] = tile.reshape %arg2 : tensor<i32> -> tensor<1xi32>
// CHECK: tile.map(%arg0, %[[S]], %[[Z]], %{{.*}}, %{{.*}}) [in0, div in1, round_i32, add in2, max in3, min in4] : {{.*}} -> tensor<6xi32>
func.func @main(%x: tensor<6xf32> {onnx.name = "x"}, %s: tensor<f32> {onnx.name = "s"}, %z: tensor<ui8> {onnx.name = "z"}) -> (tensor<6xui8> {onnx.name = "y"}) {
  %y = onnx.QuantizeLinear %x, %s, %z : (tensor<6xf32>, tensor<f32>, tensor<ui8>) -> tensor<6xui8>
  return %y : tensor<6xui8>
}
