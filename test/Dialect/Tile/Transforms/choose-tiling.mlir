// RUN: lpu-opt %s --pass-pipeline='builtin.module(func.func(tile-choose-tiling))' | FileCheck %s
// RUN: lpu-opt %s --pass-pipeline='builtin.module(func.func(tile-choose-tiling{op-by-op}))' | FileCheck %s --check-prefix=BASE
// lpu-tiny: 16 lanes, 2 MXM planes.

// Every plane at once, constant matrices packed tile by tile, row sums on
// the MXM, maxima on the MXM (of few rows too: the install's copies stream
// their unit vectors faster than a shift tree's steps cross the chip).
// Products of 4 rows keep each turn's partial sums apart (a turn streams
// its rows in less time than a partial sum takes to reach the next turn);
// one of 64 rows carries them from turn to turn.
// CHECK-LABEL: func.func @main
// CHECK: tile.matmul {{.*}}packed_weights, separate_partials, turn = 2 : i64
// CHECK: tile.matmul %{{.*}}, %arg1 {{.*}}separate_partials, turn = 2 : i64}
// CHECK: tile.reduce_rows sum {{.*}}strategy = #tile<row_strategy mxm_sum>
// CHECK: tile.reduce_rows max {{.*}}strategy = #tile<row_strategy mxm_extremum>
// CHECK: tile.reduce_rows max {{.*}}strategy = #tile<row_strategy mxm_extremum>
// A global pooling of 16 pixel vectors sums them on the VXM (a row's sum
// as soon as that row exists); one of 4,160 installs them on the MXM and
// streams one row: its turns keep their sums apart.
// CHECK: tile.global_pool %arg2 {on_vxm} :
// CHECK: tile.matmul %arg4, %{{.*}} {batches = array<i64: 0, 0, 0>, k = 32 : i64, m = 64 : i64, n = 8 : i64, packed_weights, turn = 2 : i64}
// CHECK: tile.global_pool %arg5 {separate_partials, turn = 2 : i64}
// The baseline: one K tile per turn, weights where they are, shift trees.
// BASE: tile.matmul {{.*}}turn = 1 : i64
// BASE-NOT: packed_weights
// BASE-NOT: separate_partials
// BASE: tile.reduce_rows sum {{.*}}strategy = #tile<row_strategy shift_tree>
// BASE: tile.reduce_rows max {{.*}}strategy = #tile<row_strategy shift_tree>
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%a: tensor<4x32xf32>, %b: tensor<32x8xf32>, %x: tensor<1x4x4x8xf32>, %few: tensor<2x40xf32>, %tall: tensor<64x32xf32>, %big: tensor<1x64x65x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x1xf32>, tensor<4x1xf32>, tensor<2x1xf32>, tensor<1x1x1x8xf32>, tensor<64x8xf32>, tensor<1x1x1x8xf32>) {
    %w = arith.constant dense<1.0> : tensor<32x8xf32>
    %0 = tile.matmul %a, %w [] {batches = array<i64: 0, 0, 0>, k = 32 : i64, m = 4 : i64, n = 8 : i64} : tensor<4x32xf32>, tensor<32x8xf32> -> tensor<4x8xf32>
    %1 = tile.matmul %a, %b [] {batches = array<i64: 0, 0, 0>, k = 32 : i64, m = 4 : i64, n = 8 : i64} : tensor<4x32xf32>, tensor<32x8xf32> -> tensor<4x8xf32>
    %2 = tile.reduce_rows sum %a : tensor<4x32xf32> -> tensor<4x1xf32>
    %3 = tile.reduce_rows max %a : tensor<4x32xf32> -> tensor<4x1xf32>
    %4 = tile.reduce_rows max %few : tensor<2x40xf32> -> tensor<2x1xf32>
    %5 = tile.global_pool %x : tensor<1x4x4x8xf32> -> tensor<1x1x1x8xf32>
    %6 = tile.matmul %tall, %w [] {batches = array<i64: 0, 0, 0>, k = 32 : i64, m = 64 : i64, n = 8 : i64} : tensor<64x32xf32>, tensor<32x8xf32> -> tensor<64x8xf32>
    %7 = tile.global_pool %big : tensor<1x64x65x8xf32> -> tensor<1x1x1x8xf32>
    return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x1xf32>, tensor<4x1xf32>, tensor<2x1xf32>, tensor<1x1x1x8xf32>, tensor<64x8xf32>, tensor<1x1x1x8xf32>
  }

  // Few rows, each within one install (lpu-tiny's f32 windows: 16 lanes),
  // or over several (their vectors combined first) whose copies on both
  // planes stream 8 unit vectors each: maxima on the MXM, since every step
  // of a shift tree crosses the chip from the VXM to an SXM and back.
  // CHECK-LABEL: func.func @few
  // CHECK: tile.reduce_rows max {{.*}}strategy = #tile<row_strategy mxm_extremum>} : tensor<2x16xf32>
  // CHECK: tile.reduce_rows max {{.*}}strategy = #tile<row_strategy mxm_extremum>} : tensor<2x40xf32>
  func.func @few(%short: tensor<2x16xf32>, %long: tensor<2x40xf32>) -> (tensor<2x1xf32>, tensor<2x1xf32>) {
    %0 = tile.reduce_rows max %short : tensor<2x16xf32> -> tensor<2x1xf32>
    %1 = tile.reduce_rows max %long : tensor<2x40xf32> -> tensor<2x1xf32>
    return %0, %1 : tensor<2x1xf32>, tensor<2x1xf32>
  }

  // A product streaming another's results runs beside it: 48 K rows are three
  // windows, in turns of two and one (256 rows: too short to copy), so the
  // last leaves a plane idle and the next product takes a turn of one plane.
  // After a product whose last turn fills both planes, the next keeps both.
  // CHECK-LABEL: func.func @beside_producer
  // CHECK: %[[P:.*]] = tile.matmul %arg0, %{{.*}} turn = 2 : i64}
  // CHECK: tile.matmul %[[P]], %{{.*}} turn = 1 : i64}
  // CHECK: %[[R:.*]] = tile.matmul %arg1, %{{.*}} turn = 2 : i64}
  // CHECK: tile.matmul %[[R]], %{{.*}} turn = 2 : i64}
  // Through an element-wise map of the producer's results, too; but not
  // beside a producer of fewer rows, which is soon done (one row: its K
  // tiles one plane at a time, their sums kept apart).
  // CHECK: %[[M:.*]] = tile.map(%[[P]])
  // CHECK: tile.matmul %[[M]], %{{.*}} turn = 1 : i64}
  // CHECK: %[[S:.*]] = tile.matmul %arg2, %{{.*}} separate_partials, turn = 1 : i64}
  // CHECK: %[[B:.*]] = tile.map(%[[S]], %arg3)
  // CHECK: tile.matmul %[[B]], %{{.*}} turn = 2 : i64}
  // BASE-LABEL: func.func @beside_producer
  // BASE-COUNT-7: turn = 1 : i64
  func.func @beside_producer(%x: tensor<256x48xf32>, %y: tensor<1024x32xf32>, %one: tensor<1x48xf32>, %many: tensor<256x8xf32>) -> (tensor<256x8xf32>, tensor<1024x8xf32>, tensor<256x8xf32>, tensor<256x8xf32>) {
    %w48 = arith.constant dense<1.0> : tensor<48x8xf32>
    %w32 = arith.constant dense<1.0> : tensor<32x8xf32>
    %w8 = arith.constant dense<1.0> : tensor<8x8xf32>
    %p = tile.matmul %x, %w48 [] {batches = array<i64: 0, 0, 0>, k = 48 : i64, m = 256 : i64, n = 8 : i64} : tensor<256x48xf32>, tensor<48x8xf32> -> tensor<256x8xf32>
    %q = tile.matmul %p, %w8 [] {batches = array<i64: 0, 0, 0>, k = 8 : i64, m = 256 : i64, n = 8 : i64} : tensor<256x8xf32>, tensor<8x8xf32> -> tensor<256x8xf32>
    %r = tile.matmul %y, %w32 [] {batches = array<i64: 0, 0, 0>, k = 32 : i64, m = 1024 : i64, n = 8 : i64} : tensor<1024x32xf32>, tensor<32x8xf32> -> tensor<1024x8xf32>
    %s = tile.matmul %r, %w8 [] {batches = array<i64: 0, 0, 0>, k = 8 : i64, m = 1024 : i64, n = 8 : i64} : tensor<1024x8xf32>, tensor<8x8xf32> -> tensor<1024x8xf32>
    %m = tile.map(%p) [in0, relu] : (tensor<256x8xf32>) -> tensor<256x8xf32>
    %t = tile.matmul %m, %w8 [] {batches = array<i64: 0, 0, 0>, k = 8 : i64, m = 256 : i64, n = 8 : i64} : tensor<256x8xf32>, tensor<8x8xf32> -> tensor<256x8xf32>
    %g = tile.matmul %one, %w48 [] {batches = array<i64: 0, 0, 0>, k = 48 : i64, m = 1 : i64, n = 8 : i64} : tensor<1x48xf32>, tensor<48x8xf32> -> tensor<1x8xf32>
    %b = tile.map(%g, %many) [in0, mul in1] : (tensor<1x8xf32>, tensor<256x8xf32>) -> tensor<256x8xf32>
    %u = tile.matmul %b, %w8 [] {batches = array<i64: 0, 0, 0>, k = 8 : i64, m = 256 : i64, n = 8 : i64} : tensor<256x8xf32>, tensor<8x8xf32> -> tensor<256x8xf32>
    return %q, %s, %t, %u : tensor<256x8xf32>, tensor<1024x8xf32>, tensor<256x8xf32>, tensor<256x8xf32>
  }
}
