// RUN: lpu-opt %s -split-input-file --convert-onnx-to-tile=target=lpu-tiny -verify-diagnostics | FileCheck %s
// Activations built from several maps: each needs its input in more than
// one form, and a chain carries one running value.

// Elu: relu(x) + alpha (exp(min(x, 0)) - 1).
// CHECK-LABEL: func.func @main
// CHECK: %[[NEG:.*]] = tile.map(%arg0, %{{.*}}, %{{.*}}) [in0, min in1, exp, add in2, scale 2.000000e+00]
// CHECK: tile.map(%arg0, %[[NEG]]) [in0, relu, add in1]
func.func @main(%x: tensor<2x8xf32> {onnx.name = "x"}) -> (tensor<2x8xf32> {onnx.name = "y"}) {
  %0 = onnx.Elu %x {alpha = 2.0 : f32} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// ThresholdedRelu: m [m > alpha] with m = max(x, alpha), so that -inf,
// never taken, gives 0 rather than -inf * 0.
// CHECK-LABEL: func.func @main
// CHECK: %[[M:.*]] = tile.map(%arg0, %[[A:.*]]) [in0, max in1]
// CHECK: tile.map(%[[M]], %[[A]]) [in0, gt in1, mul in0]
func.func @main(%x: tensor<2x8xf32> {onnx.name = "x"}) -> (tensor<2x8xf32> {onnx.name = "y"}) {
  %0 = onnx.ThresholdedRelu %x {alpha = 0.5 : f32} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// Shrink: each side clamped, shifted by the bias, kept where it passes
// lambd; the sides added.
// CHECK-LABEL: func.func @main
// CHECK: %[[P:.*]] = tile.map(%arg0, %[[L:.*]]) [in0, max in1]
// CHECK: %[[PS:.*]] = tile.map(%[[P]], %{{.*}}) [in0, add in1]
// CHECK: %[[ABOVE:.*]] = tile.map(%[[P]], %[[L]], %[[PS]]) [in0, gt in1, mul in2]
// CHECK: %[[Q:.*]] = tile.map(%arg0, %[[NL:.*]]) [in0, min in1]
// CHECK: %[[QS:.*]] = tile.map(%[[Q]], %{{.*}}) [in0, add in1]
// CHECK: %[[BELOW:.*]] = tile.map(%[[Q]], %[[NL]], %[[QS]]) [in0, lt in1, mul in2]
// CHECK: tile.map(%[[ABOVE]], %[[BELOW]]) [in0, add in1]
func.func @main(%x: tensor<2x8xf32> {onnx.name = "x"}) -> (tensor<2x8xf32> {onnx.name = "y"}) {
  %0 = onnx.Shrink %x {bias = 0.25 : f32, lambd = 0.5 : f32} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// Asinh: sign(x) log(|x| + sqrt(|x|^2 + 1)), without cancellation for x < 0.
// CHECK-LABEL: func.func @main
// CHECK: %[[ABS:.*]] = tile.map(%arg0) [in0, abs]
// CHECK: %[[LOG:.*]] = tile.map(%[[ABS]], %{{.*}}) [in0, mul in0, add in1, sqrt, add in0, log]
// CHECK: %[[POS:.*]] = tile.map(%arg0, %[[Z:.*]]) [in0, gt in1]
// CHECK: %[[SIGN:.*]] = tile.map(%arg0, %[[Z]], %[[POS]]) [in0, lt in1, sub in2, scale -1.000000e+00]
// CHECK: tile.map(%[[LOG]], %[[SIGN]]) [in0, mul in1]
func.func @main(%x: tensor<2x8xf32> {onnx.name = "x"}) -> (tensor<2x8xf32> {onnx.name = "y"}) {
  %0 = onnx.Asinh %x : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// Softplus: max(x, 0) + log(1 + e^-|x|), which does not overflow.
// CHECK-LABEL: func.func @main
// CHECK: %[[T:.*]] = tile.map(%arg0, %{{.*}}) [in0, abs, scale -1.000000e+00, exp, add in1, log]
// CHECK: tile.map(%arg0, %[[T]]) [in0, relu, add in1]
func.func @main(%x: tensor<2x8xf32> {onnx.name = "x"}) -> (tensor<2x8xf32> {onnx.name = "y"}) {
  %0 = onnx.Softplus %x : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// They compute in floats.
func.func @main(%x: tensor<2x8xi32> {onnx.name = "x"}) -> (tensor<2x8xi32> {onnx.name = "y"}) {
  // expected-error @+1 {{'Elu' of integer tensors is not supported}}
  %0 = onnx.Elu %x : (tensor<2x8xi32>) -> tensor<2x8xi32>
  return %0 : tensor<2x8xi32>
}

// -----

// PRelu: relu(x) + slope min(x, 0), the slope broadcast; IsNaN: 1 - [x == x];
// IsInf of both signs: [x == inf] + [x == -inf].
// CHECK-LABEL: func.func @main
// CHECK: %[[NEG:.*]] = tile.map(%arg0, %{{.*}}, %arg1) [in0, min in1, mul in2]
// CHECK: tile.map(%arg0, %[[NEG]]) [in0, relu, add in1]
// CHECK: tile.map(%arg0, %{{.*}}) [in0, eq in0, scale -1.000000e+00, add in1]
// CHECK: %[[POS:.*]] = tile.map(%arg0, %{{.*}}) [in0, eq in1]
// CHECK: tile.map(%arg0, %{{.*}}, %[[POS]]) [in0, eq in1, add in2]
func.func @main(%x: tensor<2x8xf32> {onnx.name = "x"}, %slope: tensor<8xf32> {onnx.name = "slope"}) -> (tensor<2x8xf32> {onnx.name = "p"}, tensor<2x8xi1> {onnx.name = "n"}, tensor<2x8xi1> {onnx.name = "i"}) {
  %0 = onnx.PRelu %x, %slope : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %1 = onnx.IsNaN %x : (tensor<2x8xf32>) -> tensor<2x8xi1>
  %2 = onnx.IsInf %x : (tensor<2x8xf32>) -> tensor<2x8xi1>
  return %0, %1, %2 : tensor<2x8xf32>, tensor<2x8xi1>, tensor<2x8xi1>
}

// -----

// Trilu: min(max(x, low), high), the bounds -inf / +inf where an element is
// kept (j - i >= k for the upper triangle), 0 / 0 where it is zeroed.
// CHECK-LABEL: func.func @main
// CHECK-DAG: %[[LOW:.*]] = arith.constant dense<{{\[\[\[}}0.000000e+00, 0xFF800000, 0xFF800000], [0.000000e+00, 0.000000e+00, 0xFF800000]]]> : tensor<1x2x3xf32>
// CHECK-DAG: %[[HIGH:.*]] = arith.constant dense<{{\[\[\[}}0.000000e+00, 0x7F800000, 0x7F800000], [0.000000e+00, 0.000000e+00, 0x7F800000]]]> : tensor<1x2x3xf32>
// CHECK: tile.map(%arg0, %[[LOW]], %[[HIGH]]) [in0, max in1, min in2]
func.func @main(%x: tensor<4x2x3xf32> {onnx.name = "x"}) -> (tensor<4x2x3xf32> {onnx.name = "y"}) {
  %k = arith.constant dense<1> : tensor<i64>
  %0 = onnx.Trilu %x, %k : (tensor<4x2x3xf32>, tensor<i64>) -> tensor<4x2x3xf32>
  return %0 : tensor<4x2x3xf32>
}

// -----

func.func @main(%x: tensor<4x2x3xf32> {onnx.name = "x"}, %k: tensor<i64> {onnx.name = "k"}) -> (tensor<4x2x3xf32> {onnx.name = "y"}) {
  // expected-error @+1 {{Trilu's k must be a constant scalar (fix it at compile time with --input-value)}}
  %0 = onnx.Trilu %x, %k : (tensor<4x2x3xf32>, tensor<i64>) -> tensor<4x2x3xf32>
  return %0 : tensor<4x2x3xf32>
}

// -----

// Floor: trunc(x) - [trunc(x) > x], trunc(x) = x - (u - trunc(u)) with u
// clamped to +-2^23 (beyond which floats are integers), so the conversion
// to i32 never saturates.
// CHECK-LABEL: func.func @main
// CHECK: %[[U:.*]] = tile.map(%arg0, %{{.*}}, %{{.*}}) [in0, max in1, min in2]
// CHECK: %[[F:.*]] = tile.map(%[[U]]) [in0, trunc_i32, to_f32, sub in0, scale -1.000000e+00]
// CHECK: %[[T:.*]] = tile.map(%arg0, %[[F]]) [in0, sub in1]
// CHECK: tile.map(%[[T]], %arg0) [in0, gt in1, scale -1.000000e+00, add in0]
func.func @main(%x: tensor<2x8xf32> {onnx.name = "x"}) -> (tensor<2x8xf32> {onnx.name = "y"}) {
  %0 = onnx.Floor %x : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// Round the same way, the conversion to i32 rounding halves to even; a
// rank-0 input takes its scalar constants as rank 0 too.
// CHECK-LABEL: func.func @main
// CHECK: %[[U:.*]] = tile.map(%arg0, %{{.*}}, %{{.*}}) [in0, max in1, min in2] : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<f32>
// CHECK: %[[F:.*]] = tile.map(%[[U]]) [in0, round_i32, to_f32, sub in0, scale -1.000000e+00]
// CHECK: tile.map(%arg0, %[[F]]) [in0, sub in1]
func.func @main(%x: tensor<f32> {onnx.name = "x"}) -> (tensor<f32> {onnx.name = "y"}) {
  %0 = onnx.Round %x : (tensor<f32>) -> tensor<f32>
  return %0 : tensor<f32>
}
