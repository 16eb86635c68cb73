// RUN: lpu-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(tile-broadcast-reductions))' | FileCheck %s

// A layer normalization: the mean, the variance and what is computed from
// them per row (through a reshape of leading dimensions) become as wide as
// the rows they are spread over; the maps that spread them read them
// vector by vector.
// CHECK-LABEL: func.func @layer_norm
// CHECK: %[[MEAN:.*]] = tile.reduce_rows sum %arg0 {scale = 2.500000e-01 : f32} : tensor<4x8xf32> -> tensor<4x8xf32>
// CHECK: %[[C:.*]] = tile.map(%arg0, %[[MEAN]]) [in0, sub in1] : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK: %[[VAR:.*]] = tile.reduce_rows sum %{{.*}} {{.*}} -> tensor<4x8xf32>
// CHECK: %[[INV:.*]] = tile.map(%[[VAR]], %{{.*}}) [in0, add in1, sqrt, reciprocal] : (tensor<4x8xf32>, tensor<1xf32>) -> tensor<4x8xf32>
// CHECK: %[[R:.*]] = tile.reshape %[[INV]] : tensor<4x8xf32> -> tensor<1x4x8xf32>
// CHECK: tile.map(%{{.*}}, %[[R]]) [in0, mul in1] : (tensor<1x4x8xf32>, tensor<1x4x8xf32>) -> tensor<1x4x8xf32>
module attributes {tile.target = "lpu-tiny"} {
  func.func @layer_norm(%x: tensor<4x8xf32>) -> tensor<1x4x8xf32> {
    %eps = arith.constant dense<1.0e-5> : tensor<1xf32>
    %0 = tile.reduce_rows sum %x {scale = 0.25 : f32} : tensor<4x8xf32> -> tensor<4x1xf32>
    %1 = tile.map(%x, %0) [in0, sub in1] : (tensor<4x8xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
    %2 = tile.map(%1) [in0, mul in0] : (tensor<4x8xf32>) -> tensor<4x8xf32>
    %3 = tile.reduce_rows sum %2 {scale = 0.25 : f32} : tensor<4x8xf32> -> tensor<4x1xf32>
    %4 = tile.map(%3, %eps) [in0, add in1, sqrt, reciprocal] : (tensor<4x1xf32>, tensor<1xf32>) -> tensor<4x1xf32>
    %5 = tile.reshape %1 : tensor<4x8xf32> -> tensor<1x4x8xf32>
    %6 = tile.reshape %4 : tensor<4x1xf32> -> tensor<1x4x1xf32>
    %7 = tile.map(%5, %6) [in0, mul in1] : (tensor<1x4x8xf32>, tensor<1x4x1xf32>) -> tensor<1x4x8xf32>
    return %7 : tensor<1x4x8xf32>
  }
}

// -----

// Kept one value per row: a graph output (a layer normalization's Mean
// statistic); a map of the row values with an operand that is not a splat
// (it would be spread lane by lane); a row value another op reads; rows
// wider than a vector (lpu-tiny: 16 lanes).
// CHECK-LABEL: func.func @kept
// CHECK: tile.reduce_rows max %arg0 : tensor<4x8xf32> -> tensor<4x1xf32>
// CHECK: tile.reduce_rows sum %arg0 : tensor<4x8xf32> -> tensor<4x1xf32>
// CHECK: tile.reduce_rows min %arg0 : tensor<4x8xf32> -> tensor<4x1xf32>
// CHECK: tile.reduce_rows sum %arg2 : tensor<4x20xf32> -> tensor<4x1xf32>
module attributes {tile.target = "lpu-tiny"} {
  func.func @kept(%x: tensor<4x8xf32>, %y: tensor<4x1xf32>, %w: tensor<4x20xf32>) -> (tensor<4x8xf32>, tensor<4x1xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<8x4xf32>, tensor<4x20xf32>) {
    %0 = tile.reduce_rows max %x : tensor<4x8xf32> -> tensor<4x1xf32>
    %1 = tile.map(%x, %0) [in0, sub in1] : (tensor<4x8xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
    %2 = tile.reduce_rows sum %x : tensor<4x8xf32> -> tensor<4x1xf32>
    %3 = tile.map(%2, %y) [in0, add in1] : (tensor<4x1xf32>, tensor<4x1xf32>) -> tensor<4x1xf32>
    %4 = tile.map(%x, %3) [in0, div in1] : (tensor<4x8xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
    %5 = tile.reduce_rows min %x : tensor<4x8xf32> -> tensor<4x1xf32>
    %6 = tile.transpose %x [1, 0] : tensor<4x8xf32> -> tensor<8x4xf32>
    %7 = tile.map(%x, %5) [in0, sub in1] : (tensor<4x8xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
    %8 = tile.reshape %5 : tensor<4x1xf32> -> tensor<1x4xf32>
    %9 = tile.map(%6, %8) [in0, sub in1] : (tensor<8x4xf32>, tensor<1x4xf32>) -> tensor<8x4xf32>
    %10 = tile.reduce_rows sum %w : tensor<4x20xf32> -> tensor<4x1xf32>
    %11 = tile.map(%w, %10) [in0, sub in1] : (tensor<4x20xf32>, tensor<4x1xf32>) -> tensor<4x20xf32>
    return %1, %0, %4, %7, %9, %11 : tensor<4x8xf32>, tensor<4x1xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<8x4xf32>, tensor<4x20xf32>
  }
}

// -----

// A softmax: both reductions row-wide.
// CHECK-LABEL: func.func @softmax
// CHECK: %[[M:.*]] = tile.reduce_rows max %arg0 : tensor<2x3x8xf32> -> tensor<2x3x8xf32>
// CHECK: %[[E:.*]] = tile.map(%arg0, %[[M]]) [in0, sub in1, exp] : (tensor<2x3x8xf32>, tensor<2x3x8xf32>) -> tensor<2x3x8xf32>
// CHECK: %[[S:.*]] = tile.reduce_rows sum %[[E]] : tensor<2x3x8xf32> -> tensor<2x3x8xf32>
// CHECK: tile.map(%[[E]], %[[S]]) [in0, div in1] : (tensor<2x3x8xf32>, tensor<2x3x8xf32>) -> tensor<2x3x8xf32>
module attributes {tile.target = "lpu-tiny"} {
  func.func @softmax(%x: tensor<2x3x8xf32>) -> tensor<2x3x8xf32> {
    %0 = tile.reduce_rows max %x : tensor<2x3x8xf32> -> tensor<2x3x1xf32>
    %1 = tile.map(%x, %0) [in0, sub in1, exp] : (tensor<2x3x8xf32>, tensor<2x3x1xf32>) -> tensor<2x3x8xf32>
    %2 = tile.reduce_rows sum %1 : tensor<2x3x8xf32> -> tensor<2x3x1xf32>
    %3 = tile.map(%1, %2) [in0, div in1] : (tensor<2x3x8xf32>, tensor<2x3x1xf32>) -> tensor<2x3x8xf32>
    return %3 : tensor<2x3x8xf32>
  }
}

// -----

// A sum reshaped to a scalar (a loss) stays as it is: a scalar has no
// innermost dimension to widen.
// CHECK-LABEL: func.func @scalar
// CHECK: tile.reduce_rows sum %arg0 : tensor<1x8xf32> -> tensor<1x1xf32>
// CHECK: tile.map(%{{.*}}) [in0, scale 5.000000e-01] : (tensor<f32>) -> tensor<f32>
module attributes {tile.target = "lpu-tiny"} {
  func.func @scalar(%x: tensor<1x8xf32>) -> tensor<f32> {
    %0 = tile.reduce_rows sum %x : tensor<1x8xf32> -> tensor<1x1xf32>
    %1 = tile.reshape %0 : tensor<1x1xf32> -> tensor<f32>
    %2 = tile.map(%1) [in0, scale 0.5] : (tensor<f32>) -> tensor<f32>
    return %2 : tensor<f32>
  }
}
