// RUN: lpu-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(tile-assign-layout))' | FileCheck %s
// Transposes around spatial ops move down through element-wise maps until
// they meet their inverse and fold away.

// Conv, Relu, Conv: the Relu runs channels last, the transposes between the
// convolutions cancel, and what windows read is split into parts, pixel by pixel.
// CHECK-LABEL: func.func @conv_relu_conv
// CHECK: %[[IN:.*]] = tile.transpose %arg0 [0, 2, 3, 1] {tile.split_rows = 1 : i64}
// CHECK: %[[C1:.*]] = tile.conv %[[IN]], {{.*}} {{{.*}}tile.split_rows = 1 : i64}
// CHECK: %[[R:.*]] = tile.map(%[[C1]]) [in0, relu] {tile.split_rows = 1 : i64} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
// CHECK: %[[C2:.*]] = tile.conv %[[R]]
// CHECK: %[[OUT:.*]] = tile.transpose %[[C2]] [0, 3, 1, 2]
// CHECK-NOT: tile.transpose
// CHECK: return %[[OUT]]
module attributes {tile.target = "lpu-tiny"} {
  func.func @conv_relu_conv(%x: tensor<1x3x4x4xf32>) -> tensor<1x2x4x4xf32> {
    %w1 = arith.constant dense<1.0> : tensor<2x3x3x3xf32>
    %w2 = arith.constant dense<1.0> : tensor<2x2x3x3xf32>
    %0 = tile.transpose %x [0, 2, 3, 1] : tensor<1x3x4x4xf32> -> tensor<1x4x4x3xf32>
    %1 = tile.conv %0, %w1 [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x4x4x3xf32>, tensor<2x3x3x3xf32> -> tensor<1x4x4x2xf32>
    %2 = tile.transpose %1 [0, 3, 1, 2] : tensor<1x4x4x2xf32> -> tensor<1x2x4x4xf32>
    %3 = tile.map(%2) [in0, relu] : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
    %4 = tile.transpose %3 [0, 2, 3, 1] : tensor<1x2x4x4xf32> -> tensor<1x4x4x2xf32>
    %5 = tile.conv %4, %w2 [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x4x4x2xf32>, tensor<2x2x3x3xf32> -> tensor<1x4x4x2xf32>
    %6 = tile.transpose %5 [0, 3, 1, 2] : tensor<1x4x4x2xf32> -> tensor<1x2x4x4xf32>
    return %6 : tensor<1x2x4x4xf32>
  }
}

// -----

// A residual add of two channels-last results runs channels last; a
// per-channel constant ([C, 1, 1], a folded batch normalization) is
// transposed at compile time to [1, 1, 1, C].
// CHECK-LABEL: func.func @residual
// CHECK-DAG: %[[SCALE:.*]] = arith.constant dense<{{\[\[\[\[}}2.000000e+00, 3.000000e+00]]]]> : tensor<1x1x1x2xf32>
// CHECK: %[[SUM:.*]] = tile.map(%arg0, %arg1, %[[SCALE]]) [in0, add in1, mul in2] : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x4x4x2xf32>
// CHECK: %[[OUT:.*]] = tile.transpose %[[SUM]] [0, 3, 1, 2]
// CHECK: return %[[OUT]]
module attributes {tile.target = "lpu-tiny"} {
  func.func @residual(%a: tensor<1x4x4x2xf32>, %b: tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32> {
    %scale = arith.constant dense<[[[2.0]], [[3.0]]]> : tensor<2x1x1xf32>
    %0 = tile.transpose %a [0, 3, 1, 2] : tensor<1x4x4x2xf32> -> tensor<1x2x4x4xf32>
    %1 = tile.transpose %b [0, 3, 1, 2] : tensor<1x4x4x2xf32> -> tensor<1x2x4x4xf32>
    %2 = tile.map(%0, %1, %scale) [in0, add in1, mul in2] : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32>
    return %2 : tensor<1x2x4x4xf32>
  }
}

// -----

// A map with an operand computed in the other layout keeps its transpose.
// CHECK-LABEL: func.func @mixed
// CHECK: %[[T:.*]] = tile.transpose %arg0 [0, 3, 1, 2]
// CHECK: tile.map(%[[T]], %arg1) [in0, add in1] : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>)
module attributes {tile.target = "lpu-tiny"} {
  func.func @mixed(%a: tensor<1x4x4x2xf32>, %b: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
    %0 = tile.transpose %a [0, 3, 1, 2] : tensor<1x4x4x2xf32> -> tensor<1x2x4x4xf32>
    %1 = tile.map(%0, %b) [in0, add in1] : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
    return %1 : tensor<1x2x4x4xf32>
  }
}

// -----

// Global pooling's [N, 1, 1, C] back to NCHW and flattened: the transpose
// only moves size-1 dimensions, so it and the flatten are one reshape,
// which keeps the rows.
// CHECK-LABEL: func.func @pooled
// CHECK: %[[P:.*]] = tile.global_pool
// CHECK-NEXT: %[[R:.*]] = tile.reshape %[[P]] : tensor<1x1x1x8xf32> -> tensor<1x8xf32>
// CHECK-NEXT: return %[[R]]
module attributes {tile.target = "lpu-tiny"} {
  func.func @pooled(%x: tensor<1x4x4x8xf32>) -> tensor<1x8xf32> {
    %0 = tile.global_pool %x : tensor<1x4x4x8xf32> -> tensor<1x1x1x8xf32>
    %1 = tile.transpose %0 [0, 3, 1, 2] : tensor<1x1x1x8xf32> -> tensor<1x8x1x1xf32>
    %2 = tile.reshape %1 : tensor<1x8x1x1xf32> -> tensor<1x8xf32>
    return %2 : tensor<1x8xf32>
  }
}

// -----

// Squeeze-excitation: a per-channel scale computed from a global pool
// multiplies the feature map. Both map operands are transposed the same
// way, the scale a broadcast one, so the product runs channels last and the
// transposes around it go.
// CHECK-LABEL: func.func @squeeze_excite
// CHECK: %[[F:.*]] = tile.conv
// CHECK: %[[G:.*]] = tile.global_pool %[[F]]
// CHECK: %[[S:.*]] = tile.map(%[[G]]) [in0, sigmoid]
// CHECK: %[[M:.*]] = tile.map(%[[S]], %[[F]]) [in0, mul in1] {{.*}}: (tensor<1x1x1x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
// CHECK: tile.conv %[[M]]
// CHECK-NOT: tile.transpose {{.*}}[0, 2, 3, 1]
module attributes {tile.target = "lpu-tiny"} {
  func.func @squeeze_excite(%x: tensor<1x3x4x4xf32>) -> tensor<1x2x4x4xf32> {
    %w1 = arith.constant dense<1.0> : tensor<2x3x3x3xf32>
    %w2 = arith.constant dense<1.0> : tensor<2x2x1x1xf32>
    %0 = tile.transpose %x [0, 2, 3, 1] : tensor<1x3x4x4xf32> -> tensor<1x4x4x3xf32>
    %1 = tile.conv %0, %w1 [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x4x4x3xf32>, tensor<2x3x3x3xf32> -> tensor<1x4x4x2xf32>
    %2 = tile.transpose %1 [0, 3, 1, 2] : tensor<1x4x4x2xf32> -> tensor<1x2x4x4xf32>
    %3 = tile.global_pool %1 : tensor<1x4x4x2xf32> -> tensor<1x1x1x2xf32>
    %4 = tile.transpose %3 [0, 3, 1, 2] : tensor<1x1x1x2xf32> -> tensor<1x2x1x1xf32>
    %5 = tile.map(%4) [in0, sigmoid] : (tensor<1x2x1x1xf32>) -> tensor<1x2x1x1xf32>
    %6 = tile.map(%5, %2) [in0, mul in1] : (tensor<1x2x1x1xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
    %7 = tile.transpose %6 [0, 2, 3, 1] : tensor<1x2x4x4xf32> -> tensor<1x4x4x2xf32>
    %8 = tile.conv %7, %w2 [] {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 0, 0>, group = 1 : i64} : tensor<1x4x4x2xf32>, tensor<2x2x1x1xf32> -> tensor<1x4x4x2xf32>
    %9 = tile.transpose %8 [0, 3, 1, 2] : tensor<1x4x4x2xf32> -> tensor<1x2x4x4xf32>
    return %9 : tensor<1x2x4x4xf32>
  }
}

// -----

// Keys transposed per head ([1, 128, 4, 64] -> [1, 4, 64, 128], on the MXM)
// for a batched product: the product takes them as [1, 4, 128, 64], a row
// permutation, installed transposed (transpose_b); batch b's B now starts
// at row 128 b (was 64 b). A 2-D B whose transpose is all it needs takes X
// itself. A transpose another op also reads stays.
// CHECK-LABEL: func.func @keys
// CHECK: %[[K:.*]] = tile.transpose %arg1 [0, 2, 1, 3] : tensor<1x128x4x64xf32> -> tensor<1x4x128x64xf32>
// CHECK: tile.matmul %arg0, %[[K]] [] {batches = array<i64: 0, 0, 0, 128, 128, 128, 256, 256, 256, 384, 384, 384>, k = 64 : i64, m = 128 : i64, n = 128 : i64, transpose_b}
// CHECK: tile.matmul %arg2, %arg3 [] {batches = array<i64: 0, 0, 0>, k = 8 : i64, m = 4 : i64, n = 6 : i64, transpose_b}
// CHECK: %[[T:.*]] = tile.transpose %arg3 [1, 0]
// CHECK: tile.matmul %arg2, %[[T]] [] {batches = array<i64: 0, 0, 0>, k = 8 : i64, m = 4 : i64, n = 6 : i64}
module attributes {tile.target = "lpu-tiny"} {
  func.func @keys(%q: tensor<1x4x128x64xf32>, %k: tensor<1x128x4x64xf32>, %a: tensor<4x8xf32>, %b: tensor<6x8xf32>) -> (tensor<1x4x128x128xf32>, tensor<4x6xf32>, tensor<4x6xf32>, tensor<8x6xf32>) {
    %0 = tile.transpose %k [0, 2, 3, 1] : tensor<1x128x4x64xf32> -> tensor<1x4x64x128xf32>
    %1 = tile.matmul %q, %0 [] {batches = array<i64: 0, 0, 0, 128, 64, 128, 256, 128, 256, 384, 192, 384>, k = 64 : i64, m = 128 : i64, n = 128 : i64} : tensor<1x4x128x64xf32>, tensor<1x4x64x128xf32> -> tensor<1x4x128x128xf32>
    %2 = tile.transpose %b [1, 0] : tensor<6x8xf32> -> tensor<8x6xf32>
    %3 = tile.matmul %a, %2 [] {batches = array<i64: 0, 0, 0>, k = 8 : i64, m = 4 : i64, n = 6 : i64} : tensor<4x8xf32>, tensor<8x6xf32> -> tensor<4x6xf32>
    %4 = tile.transpose %b [1, 0] : tensor<6x8xf32> -> tensor<8x6xf32>
    %5 = tile.matmul %a, %4 [] {batches = array<i64: 0, 0, 0>, k = 8 : i64, m = 4 : i64, n = 6 : i64} : tensor<4x8xf32>, tensor<8x6xf32> -> tensor<4x6xf32>
    return %1, %3, %5, %4 : tensor<1x4x128x128xf32>, tensor<4x6xf32>, tensor<4x6xf32>, tensor<8x6xf32>
  }
}

// -----

// A transpose of size-1 dimensions that keeps the innermost one ([S, 1, D]
// -> [1, S, D], as torch's transformer layers write it) is a reshape
// whatever reads it: the rows stay where they are. One that moves the
// innermost dimension stays for a map.
// CHECK-LABEL: func.func @unit_dims
// CHECK: %[[R:.*]] = tile.reshape %arg0 : tensor<4x1x8xf32> -> tensor<1x4x8xf32>
// CHECK: tile.map(%[[R]], %arg1) [in0, add in1]
// CHECK: tile.transpose %arg2 [0, 2, 1]
module attributes {tile.target = "lpu-tiny"} {
  func.func @unit_dims(%x: tensor<4x1x8xf32>, %y: tensor<1x4x8xf32>, %z: tensor<1x4x1xf32>, %w: tensor<1x1x4xf32>) -> (tensor<1x4x8xf32>, tensor<1x1x4xf32>) {
    %0 = tile.transpose %x [1, 0, 2] : tensor<4x1x8xf32> -> tensor<1x4x8xf32>
    %1 = tile.map(%0, %y) [in0, add in1] : (tensor<1x4x8xf32>, tensor<1x4x8xf32>) -> tensor<1x4x8xf32>
    %2 = tile.transpose %z [0, 2, 1] : tensor<1x4x1xf32> -> tensor<1x1x4xf32>
    %3 = tile.map(%2, %w) [in0, add in1] : (tensor<1x1x4xf32>, tensor<1x1x4xf32>) -> tensor<1x1x4xf32>
    return %1, %3 : tensor<1x4x8xf32>, tensor<1x1x4xf32>
  }
}

// -----

// A lookup table is split into blocks of at most half an lpu-tiny slice
// (2048 addresses): 300 rows of 3 f32 vectors, 12 addresses a row, are two
// blocks of 150 rows.
// CHECK-LABEL: func.func @lookup
// CHECK: arith.constant {tile.split_rows = 150 : i64} dense<1.000000e+00> : tensor<300x40xf32>
module attributes {tile.target = "lpu-tiny"} {
  func.func @lookup(%ids: tensor<12xi32>) -> tensor<12x40xf32> {
    %t = arith.constant dense<1.0> : tensor<300x40xf32>
    %0 = tile.lookup %t[%ids] : tensor<300x40xf32>, tensor<12xi32> -> tensor<12x40xf32>
    return %0 : tensor<12x40xf32>
  }
}

// -----

// A table written at run-time rows (a state cache, a graph input seen
// through a reshape that keeps rows) is dealt in blocks too: on the input.
// CHECK-LABEL: func.func @scatter
// CHECK-SAME: %arg0: tensor<2x150x40xf32> {tile.split_rows = 150 : i64}
module attributes {tile.target = "lpu-tiny"} {
  func.func @scatter(%cache: tensor<2x150x40xf32>, %rows: tensor<2xi32>, %new: tensor<2x40xf32>) -> tensor<300x40xf32> {
    %t = tile.reshape %cache : tensor<2x150x40xf32> -> tensor<300x40xf32>
    %0 = tile.scatter_rows %t[%rows] = %new : tensor<300x40xf32>, tensor<2xi32>, tensor<2x40xf32>
    return %0 : tensor<300x40xf32>
  }
}

// -----

// GatherElements' data is dealt in blocks of the rows along the axis for one
// index of the dimensions before it: 4 x 3 rows here.
// CHECK-LABEL: func.func @gather_elements
// CHECK-SAME: %arg0: tensor<2x4x3x20xf32> {tile.split_rows = 12 : i64}
module attributes {tile.target = "lpu-tiny"} {
  func.func @gather_elements(%x: tensor<2x4x3x20xf32>, %i: tensor<2x2x3x20xi32>) -> tensor<2x2x3x20xf32> {
    %0 = tile.gather_elements %x[%i] axis 1 : tensor<2x4x3x20xf32>, tensor<2x2x3x20xi32> -> tensor<2x2x3x20xf32>
    return %0 : tensor<2x2x3x20xf32>
  }
}
