// RUN: lpu-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(tile-choose-tiling))' | FileCheck %s
// lpu-v1: 4 MXM planes; an i8 row streams in one cycle, an f16 row in two.

// An i8 product of 4 rows keeps its turns' partial sums apart, in turns of
// two planes: its rows are over long before their sums cross four planes.
// A product of many rows carries its sums over all four.
// CHECK-LABEL: func.func @i8
// CHECK: tile.matmul {{.*}}separate_partials, turn = 2 : i64
// CHECK: tile.matmul {{.*}}m = 4096 : i64{{.*}}turn = 4 : i64
module attributes {tile.target = "lpu-v1"} {
  func.func @i8(%a: tensor<4x1280xi8>, %tall: tensor<4096x1280xi8>) -> (tensor<4x320xf32>, tensor<4096x320xf32>) {
    %w = arith.constant dense<1> : tensor<1280x320xi8>
    %0 = tile.matmul %a, %w [] {batches = array<i64: 0, 0, 0>, k = 1280 : i64, m = 4 : i64, n = 320 : i64} : tensor<4x1280xi8>, tensor<1280x320xi8> -> tensor<4x320xf32>
    %1 = tile.matmul %tall, %w [] {batches = array<i64: 0, 0, 0>, k = 1280 : i64, m = 4096 : i64, n = 320 : i64} : tensor<4096x1280xi8>, tensor<1280x320xi8> -> tensor<4096x320xf32>
    return %0, %1 : tensor<4x320xf32>, tensor<4096x320xf32>
  }
}

// -----

// In f16 the same product keeps all four planes per turn; a product of one
// row takes its K tiles one by one, each on its own plane.
// CHECK-LABEL: func.func @f16
// CHECK: tile.matmul {{.*}}m = 4 : i64{{.*}}separate_partials, turn = 4 : i64
// CHECK: tile.matmul {{.*}}m = 1 : i64{{.*}}separate_partials, turn = 1 : i64
module attributes {tile.target = "lpu-v1", tile.precision = f16} {
  func.func @f16(%a: tensor<4x1280xf32>, %v: tensor<1x1280xf32>) -> (tensor<4x320xf32>, tensor<1x320xf32>) {
    %w = arith.constant dense<1.0> : tensor<1280x320xf32>
    %0 = tile.matmul %a, %w [] {batches = array<i64: 0, 0, 0>, k = 1280 : i64, m = 4 : i64, n = 320 : i64} : tensor<4x1280xf32>, tensor<1280x320xf32> -> tensor<4x320xf32>
    %1 = tile.matmul %v, %w [] {batches = array<i64: 0, 0, 0>, k = 1280 : i64, m = 1 : i64, n = 320 : i64} : tensor<1x1280xf32>, tensor<1280x320xf32> -> tensor<1x320xf32>
    return %0, %1 : tensor<4x320xf32>, tensor<1x320xf32>
  }
}
