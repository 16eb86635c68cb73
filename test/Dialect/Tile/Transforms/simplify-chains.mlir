// RUN: lpu-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(tile-simplify-chains))' | FileCheck %s

// A quantized ReLU whose zero point is -128: relu(y) / s - 128 rounds to
// -128 or less wherever the relu would clamp, so the i8 conversion's
// saturation does its work and the relu goes. With zero point -127 it
// stays; so it does when the result is not i8, or when a later step could
// reverse the order (a division by a negative constant).
// CHECK-LABEL: func.func @relu
// CHECK: tile.matmul %arg0, %arg1 epilogue(%{{.*}}, %{{.*}} : tensor<1xf32>, tensor<1xf32>) [div in0, add in1]
// CHECK: tile.map(%arg2, %{{.*}}, %{{.*}}) [in0, relu, div in1, add in2]
// CHECK: tile.map(%arg2, %{{.*}}, %{{.*}}) [in0, relu, div in1, add in2] : {{.*}} -> tensor<4x8xf32>
// CHECK: tile.map(%arg2, %{{.*}}, %{{.*}}) [in0, relu, div in1, add in2]
module attributes {tile.target = "lpu-tiny"} {
  func.func @relu(%a: tensor<4x16xi8>, %b: tensor<16x8xi8>, %x: tensor<4x8xf32>) -> (tensor<4x8xi8>, tensor<4x8xi8>, tensor<4x8xf32>, tensor<4x8xi8>) {
    %s = arith.constant dense<0.05> : tensor<1xf32>
    %z = arith.constant dense<-128.0> : tensor<1xf32>
    %z1 = arith.constant dense<-127.0> : tensor<1xf32>
    %neg = arith.constant dense<-0.05> : tensor<1xf32>
    %0 = tile.matmul %a, %b epilogue(%s, %z : tensor<1xf32>, tensor<1xf32>) [relu, div in0, add in1] {batches = array<i64: 0, 0, 0>, k = 16 : i64, m = 4 : i64, n = 8 : i64} : tensor<4x16xi8>, tensor<16x8xi8> -> tensor<4x8xi8>
    %1 = tile.map(%x, %s, %z1) [in0, relu, div in1, add in2] : (tensor<4x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<4x8xi8>
    %2 = tile.map(%x, %s, %z) [in0, relu, div in1, add in2] : (tensor<4x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<4x8xf32>
    %3 = tile.map(%x, %neg, %z) [in0, relu, div in1, add in2] : (tensor<4x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<4x8xi8>
    return %0, %1, %2, %3 : tensor<4x8xi8>, tensor<4x8xi8>, tensor<4x8xf32>, tensor<4x8xi8>
  }
}

// -----

// A quantized ReLU6 with per-channel dequantization: clip(y, 0, 6) / (6/255)
// - 128. Both bounds saturate (6 lands at 127); their constants are no
// longer operands. Rounding to even makes 126.5 the edge: a scale that
// puts 6 at 126.499985 keeps the min (126 is not 127), one that puts it at
// 126.500015 does not; the max goes in both. Without the clamps, the four
// affine steps left fold into one multiply and one add.
// CHECK-LABEL: func.func @relu6
// CHECK: tile.map(%arg0, %{{.*}}, %{{.*}}) [in0, mul in1, add in2] : (tensor<2x3xf32>, tensor<1x3xf32>, tensor<1x3xf32>) -> tensor<2x3xi8>
// CHECK: tile.map(%arg0, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) [in0, mul in1, add in2, min in3, div in4, add in5] : {{.*}} -> tensor<2x3xi8>
// CHECK: tile.map(%arg0, %{{.*}}, %{{.*}}) [in0, mul in1, add in2] : {{.*}} -> tensor<2x3xi8>
module attributes {tile.target = "lpu-tiny"} {
  func.func @relu6(%x: tensor<2x3xf32>) -> (tensor<2x3xi8>, tensor<2x3xi8>, tensor<2x3xi8>) {
    %a = arith.constant dense<[[0.5, 2.0, 1.0]]> : tensor<1x3xf32>
    %b = arith.constant dense<[[0.25, -1.0, 3.0]]> : tensor<1x3xf32>
    %zero = arith.constant dense<0.0> : tensor<f32>
    %six = arith.constant dense<6.0> : tensor<f32>
    %s = arith.constant dense<0.0235294122> : tensor<1xf32>
    %below = arith.constant dense<0.02357564> : tensor<1xf32>
    %above = arith.constant dense<0.023575637> : tensor<1xf32>
    %z = arith.constant dense<-128.0> : tensor<1xf32>
    %0 = tile.map(%x, %a, %b, %zero, %six, %s, %z) [in0, mul in1, add in2, max in3, min in4, div in5, add in6] : (tensor<2x3xf32>, tensor<1x3xf32>, tensor<1x3xf32>, tensor<f32>, tensor<f32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3xi8>
    %1 = tile.map(%x, %a, %b, %zero, %six, %below, %z) [in0, mul in1, add in2, max in3, min in4, div in5, add in6] : (tensor<2x3xf32>, tensor<1x3xf32>, tensor<1x3xf32>, tensor<f32>, tensor<f32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3xi8>
    %2 = tile.map(%x, %a, %b, %zero, %six, %above, %z) [in0, mul in1, add in2, max in3, min in4, div in5, add in6] : (tensor<2x3xf32>, tensor<1x3xf32>, tensor<1x3xf32>, tensor<f32>, tensor<f32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3xi8>
    return %0, %1, %2 : tensor<2x3xi8>, tensor<2x3xi8>, tensor<2x3xi8>
  }
}

// -----

// A requantizing epilogue, (y * s + b) / o + z, folds into y * (s / o) + (b /
// o + z): two VXM instructions per output vector instead of four. Scalar
// factors fold into an immediate scale. Left alone: a run of two, a run a
// relu cuts (it stays: zero point -127), and a result that is not i8.
// CHECK-LABEL: func.func @affine
// CHECK-DAG: %[[S:.*]] = arith.constant dense<{{\[\[}}2.000000e+00, 4.000000e+00]]> : tensor<1x2xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<{{\[\[}}-1.270000e+02, -1.260000e+02]]> : tensor<1x2xf32>
// CHECK: tile.matmul %arg0, %arg1 epilogue(%[[S]], %[[B]] : tensor<1x2xf32>, tensor<1x2xf32>) [mul in0, add in1]
// CHECK: tile.map(%arg2, %{{.*}}) [in0, scale 8.000000e+00, add in1]
// CHECK: tile.map(%arg2, %{{.*}}, %{{.*}}) [in0, div in1, add in2] :
// CHECK: tile.map(%arg2, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) [in0, mul in1, add in2, relu, div in3, add in4] :
// CHECK: tile.map(%arg2, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) [in0, mul in1, add in2, div in3, add in4] : {{.*}} -> tensor<4x2xf32>
module attributes {tile.target = "lpu-tiny"} {
  func.func @affine(%a: tensor<4x16xi8>, %b: tensor<16x2xi8>, %x: tensor<4x2xf32>) -> (tensor<4x2xi8>, tensor<4x2xi8>, tensor<4x2xi8>, tensor<4x2xi8>, tensor<4x2xf32>) {
    %s = arith.constant dense<[[0.5, 1.0]]> : tensor<1x2xf32>
    %bias = arith.constant dense<[[0.25, 0.5]]> : tensor<1x2xf32>
    %o = arith.constant dense<0.25> : tensor<1xf32>
    %z = arith.constant dense<-128.0> : tensor<1xf32>
    %z1 = arith.constant dense<-127.0> : tensor<1xf32>
    %two = arith.constant dense<2.0> : tensor<1xf32>
    %0 = tile.matmul %a, %b epilogue(%s, %bias, %o, %z : tensor<1x2xf32>, tensor<1x2xf32>, tensor<1xf32>, tensor<1xf32>) [mul in0, add in1, div in2, add in3] {batches = array<i64: 0, 0, 0>, k = 16 : i64, m = 4 : i64, n = 2 : i64} : tensor<4x16xi8>, tensor<16x2xi8> -> tensor<4x2xi8>
    %1 = tile.map(%x, %two, %o, %z) [in0, mul in1, div in2, add in3] : (tensor<4x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<4x2xi8>
    %2 = tile.map(%x, %o, %z) [in0, div in1, add in2] : (tensor<4x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<4x2xi8>
    %3 = tile.map(%x, %s, %bias, %o, %z1) [in0, mul in1, add in2, relu, div in3, add in4] : (tensor<4x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<4x2xi8>
    %4 = tile.map(%x, %s, %bias, %o, %z) [in0, mul in1, add in2, div in3, add in4] : (tensor<4x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<4x2xf32>
    return %0, %1, %2, %3, %4 : tensor<4x2xi8>, tensor<4x2xi8>, tensor<4x2xi8>, tensor<4x2xi8>, tensor<4x2xf32>
  }
}

// -----

// Folded constants are dealt over slices when the run's were (every output
// row of tap-row products reads each filter's row).
// CHECK-LABEL: func.func @split_rows
// CHECK-DAG: %[[S:.*]] = arith.constant {tile.split_rows = 1 : i64} dense<{{\[\[}}2.000000e+00, 4.000000e+00]]> : tensor<1x2xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant {tile.split_rows = 1 : i64} dense<{{\[\[}}-1.270000e+02, -1.260000e+02]]> : tensor<1x2xf32>
// CHECK: tile.matmul %arg0, %arg1 epilogue(%[[S]], %[[B]] : tensor<1x2xf32>, tensor<1x2xf32>) [mul in0, add in1]
module attributes {tile.target = "lpu-tiny"} {
  func.func @split_rows(%a: tensor<4x16xi8>, %b: tensor<16x2xi8>) -> tensor<4x2xi8> {
    %s = arith.constant {tile.split_rows = 1 : i64} dense<[[0.5, 1.0]]> : tensor<1x2xf32>
    %bias = arith.constant {tile.split_rows = 1 : i64} dense<[[0.25, 0.5]]> : tensor<1x2xf32>
    %o = arith.constant dense<0.25> : tensor<1xf32>
    %z = arith.constant dense<-128.0> : tensor<1xf32>
    %0 = tile.matmul %a, %b epilogue(%s, %bias, %o, %z : tensor<1x2xf32>, tensor<1x2xf32>, tensor<1xf32>, tensor<1xf32>) [mul in0, add in1, div in2, add in3] {batches = array<i64: 0, 0, 0>, k = 16 : i64, m = 4 : i64, n = 2 : i64} : tensor<4x16xi8>, tensor<16x2xi8> -> tensor<4x2xi8>
    return %0 : tensor<4x2xi8>
  }
}

// -----

// A quantized residual sum: the dequantization after round_i8 (sub z, mul
// s) moves past the run-time add, whose factor is divided by s, and joins
// the requantization after it (scale, add): [round_i8, add y * g/s, scale,
// add]. A per-channel scale does not move (the add's factor is one
// number); nor does a run shorter than three steps once joined.
// CHECK-LABEL: func.func @residual_requantized
// CHECK: tile.map(%arg0, %arg1, %{{.*}}) [in0, round_i8, add in1 * 4.000000e+00, scale 2.500000e-01, add in2] : {{.*}} -> tensor<4x8xi8>
// CHECK: tile.map(%arg0, %{{.*}}, %{{.*}}, %arg1, %{{.*}}) [in0, round_i8, sub in1, mul in2, add in3 * 2.000000e+00, scale 5.000000e-01, add in4] : {{.*}} -> tensor<4x8xi8>
// CHECK: tile.map(%arg0, %{{.*}}, %{{.*}}, %arg1) [in0, round_i8, sub in1, mul in2, add in3] : {{.*}} -> tensor<4x8xi8>
module attributes {tile.target = "lpu-tiny"} {
  func.func @residual_requantized(%x: tensor<4x8xf32>, %y: tensor<4x8xi8>) -> (tensor<4x8xi8>, tensor<4x8xi8>, tensor<4x8xi8>) {
    %z = arith.constant dense<3.0> : tensor<1xf32>
    %s = arith.constant dense<0.5> : tensor<1xf32>
    %sc = arith.constant dense<[0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25]> : tensor<8xf32>
    %c = arith.constant dense<-128.0> : tensor<1xf32>
    %0 = tile.map(%x, %z, %s, %y, %c) [in0, round_i8, sub in1, mul in2, add in3 * 2.0, scale 0.5, add in4] : (tensor<4x8xf32>, tensor<1xf32>, tensor<1xf32>, tensor<4x8xi8>, tensor<1xf32>) -> tensor<4x8xi8>
    %1 = tile.map(%x, %z, %sc, %y, %c) [in0, round_i8, sub in1, mul in2, add in3 * 2.0, scale 0.5, add in4] : (tensor<4x8xf32>, tensor<1xf32>, tensor<8xf32>, tensor<4x8xi8>, tensor<1xf32>) -> tensor<4x8xi8>
    %2 = tile.map(%x, %z, %s, %y) [in0, round_i8, sub in1, mul in2, add in3] : (tensor<4x8xf32>, tensor<1xf32>, tensor<1xf32>, tensor<4x8xi8>) -> tensor<4x8xi8>
    return %0, %1, %2 : tensor<4x8xi8>, tensor<4x8xi8>, tensor<4x8xi8>
  }
}

// -----

// A clamp before round_i8 is followed through it: relu(x) / s - 128 rounds
// and saturates to -128 where the relu clamps, and stays there through the
// steps after (* 1, + 0), so the relu goes.
// CHECK-LABEL: func.func @clamp_through_round
// CHECK: tile.map(%arg0, %{{.*}}, %{{.*}}) [in0, div in1, add in2, round_i8, scale 1.000000e+00] : {{.*}} -> tensor<4x8xi8>
module attributes {tile.target = "lpu-tiny"} {
  func.func @clamp_through_round(%x: tensor<4x8xf32>) -> tensor<4x8xi8> {
    %s = arith.constant dense<0.05> : tensor<1xf32>
    %z = arith.constant dense<-128.0> : tensor<1xf32>
    %0 = tile.map(%x, %s, %z) [in0, relu, div in1, add in2, round_i8, scale 1.0] : (tensor<4x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<4x8xi8>
    return %0 : tensor<4x8xi8>
  }
}
