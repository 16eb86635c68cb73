// RUN: lpu-opt %s -split-input-file --convert-tile-to-lpu | FileCheck %s
// lpu-tiny: 16 lanes, 2 MXM planes.

// Row sums on the MXM: one weight row of `scale`s installed transposed is
// array column 0, so one product sums a vector into lane 0; a row's two
// vectors accumulate on the plane.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[W:.*]] = lpu.buffer constant "constant.sum" init(dense<2.500000e-01> : tensor<16xf32>)
// CHECK: lpu.mxm.install rows 1 transposed {unit = 0 : i32}
// CHECK: %[[P:.*]] = lpu.mxm.matmul %{{.*}} {unit = 0 : i32}
// CHECK: %[[Q:.*]] = lpu.mxm.matmul_acc %{{.*}}, %[[P]] {unit = 0 : i32}
// CHECK: lpu.mem.write %[[Q]], %{{.*}}[0]
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<2x20xf32> {onnx.name = "x"}) -> (tensor<2x1xf32> {onnx.name = "y"}) {
    %0 = tile.reduce_rows sum %x {scale = 0.25 : f32, strategy = #tile<row_strategy mxm_sum>, planes = array<i32: 0>} : tensor<2x20xf32> -> tensor<2x1xf32>
    return %0 : tensor<2x1xf32>
  }
}

// -----

// Maxima by a shift tree: the lanes fold in log2(16) = 4 steps, each
// staged in SRAM and read twice; lane 0 then holds the row's maximum.
// CHECK-LABEL: lpu.program @main
// CHECK-COUNT-4: lpu.buffer scratch "tmp.tree
// CHECK: %[[S:.*]] = lpu.sxm.shift %{{.*}}, -1
// CHECK: lpu.vxm.max %{{.*}}, %[[S]]
// CHECK: lpu.sxm.shift %{{.*}}, -8
// CHECK: %[[D:.*]] = lpu.sxm.distribute %{{.*}}, lane 0, width 1
// CHECK: lpu.mem.write %[[D]]
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<1x16xf32> {onnx.name = "x"}) -> (tensor<1x1xf32> {onnx.name = "y"}) {
    %0 = tile.reduce_rows max %x {strategy = #tile<row_strategy shift_tree>} : tensor<1x16xf32> -> tensor<1x1xf32>
    return %0 : tensor<1x1xf32>
  }
}

// -----

// Leading axes: each output vector is a VXM chain over the rows that differ
// only along them.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[A:.*]] = lpu.mem.read %[[X:.*]][0]
// CHECK: %[[B:.*]] = lpu.mem.read %[[X]][2]
// CHECK: %[[C:.*]] = lpu.vxm.min %[[A]], %[[B]]
// CHECK: lpu.mem.write %[[C]], %{{.*}}[0]
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<2x2x4xf32> {onnx.name = "x"}) -> (tensor<1x2x4xf32> {onnx.name = "y"}) {
    %0 = tile.reduce_leading min %x [0] : tensor<2x2x4xf32> -> tensor<1x2x4xf32>
    return %0 : tensor<1x2x4xf32>
  }
}

// -----

// Row maxima on the MXM: the block's rows installed transposed on both
// planes (copies: each streams 5 unit vectors, longer than its install),
// a unit vector per element streams through copy k % 2, and the columns are
// dealt over 4 chains (2 VXM latencies per f32 product on lpu-tiny: columns
// 0 and 4 and 8 meet in chain 0), each staged in SRAM, then joined by a
// tree.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[CHAINS:.*]] = lpu.buffer scratch "tmp.chains" : tensor<4x16xf32>
// CHECK: lpu.mxm.install rows 2 transposed {unit = 0 : i32}
// CHECK: lpu.mxm.install rows 2 transposed {unit = 1 : i32}
// CHECK: %[[C0:.*]] = lpu.mxm.matmul
// CHECK-COUNT-3: lpu.mxm.matmul
// CHECK: %[[C4:.*]] = lpu.mxm.matmul
// CHECK: %[[M0:.*]] = lpu.vxm.max %[[C0]], %[[C4]]
// CHECK-COUNT-3: lpu.mxm.matmul
// CHECK: %[[C8:.*]] = lpu.mxm.matmul
// CHECK: %[[M1:.*]] = lpu.vxm.max %[[M0]], %[[C8]]
// CHECK: lpu.mem.write %[[M1]], %[[CHAINS]][0]
// CHECK-COUNT-3: lpu.mem.write %{{.*}}, %[[CHAINS]]
// CHECK: %[[A:.*]] = lpu.vxm.max
// CHECK: %[[B:.*]] = lpu.vxm.max
// CHECK: lpu.vxm.max %[[A]], %[[B]]
// CHECK-COUNT-2: lpu.sxm.distribute
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<2x10xf32> {onnx.name = "x"}) -> (tensor<2x1xf32> {onnx.name = "y"}) {
    %0 = tile.reduce_rows max %x {strategy = #tile<row_strategy mxm_extremum>, planes = array<i32: 0, 1>} : tensor<2x10xf32> -> tensor<2x1xf32>
    return %0 : tensor<2x1xf32>
  }
}

// -----

// A row-wide sum (the result keeps the rows' width): `scale` fills the
// array's first 12 columns, a weight row per element of the row (12, not
// the window's 16: padding lanes add nothing), so the product leaves the sum
// in each of the row's lanes and is written as it is.
// CHECK-LABEL: lpu.program @main
// CHECK: lpu.buffer constant "constant.sum" {{.*}} : tensor<12x16xf32>
// CHECK-COUNT-12: lpu.mxm.load_weights
// CHECK: lpu.mxm.install rows 12 {unit = 0 : i32}
// CHECK: %[[P:.*]] = lpu.mxm.matmul %{{.*}} {unit = 0 : i32}
// CHECK-NEXT: lpu.mem.write %[[P]], %{{.*}}[0]
// CHECK-NOT: lpu.sxm
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<2x12xf32> {onnx.name = "x"}) -> (tensor<2x12xf32> {onnx.name = "y"}) {
    %0 = tile.reduce_rows sum %x {strategy = #tile<row_strategy mxm_sum>, planes = array<i32: 0>} : tensor<2x12xf32> -> tensor<2x12xf32>
    return %0 : tensor<2x12xf32>
  }
}

// -----

// Rows of two vectors, row-wide: the first vector is the product (all 16
// lanes), the second a copy of it read back and spread over the last 4.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[Y:.*]] = lpu.buffer output "y"
// CHECK: %[[P:.*]] = lpu.mxm.matmul_acc
// CHECK-NEXT: lpu.mem.write %[[P]], %[[Y]][0]
// CHECK-NEXT: %[[R:.*]] = lpu.mem.read %[[Y]][0]
// CHECK-NEXT: %[[D:.*]] = lpu.sxm.distribute %[[R]], lane 0, width 4
// CHECK-NEXT: lpu.mem.write %[[D]], %[[Y]][1]
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<1x20xf32> {onnx.name = "x"}) -> (tensor<1x20xf32> {onnx.name = "y"}) {
    %0 = tile.reduce_rows sum %x {strategy = #tile<row_strategy mxm_sum>, planes = array<i32: 0>} : tensor<1x20xf32> -> tensor<1x20xf32>
    return %0 : tensor<1x20xf32>
  }
}

// -----

// With planes to spare, rows are dealt over copies of the installs: on
// lpu-v1 (4 planes, f16 at 2 cycles a row), 64 rows of one window take 128
// cycles, two copies of at least 64 each (tile::rowSumCopies). Row 0 goes
// to plane 2, row 1 to plane 3, row 2 to plane 2 again.
// CHECK-LABEL: lpu.program @main
// CHECK: lpu.mxm.install rows 8 {unit = 2 : i32}
// CHECK: lpu.mxm.install rows 8 {unit = 3 : i32}
// CHECK: lpu.mxm.matmul %{{.*}} {unit = 2 : i32}
// CHECK: lpu.mxm.matmul %{{.*}} {unit = 3 : i32}
// CHECK: lpu.mxm.matmul %{{.*}} {unit = 2 : i32}
module attributes {tile.target = "lpu-v1", tile.precision = f16} {
  func.func @main(%x: tensor<64x8xf32> {onnx.name = "x"}) -> (tensor<64x8xf32> {onnx.name = "y"}) {
    %0 = tile.reduce_rows sum %x {strategy = #tile<row_strategy mxm_sum>, planes = array<i32: 2, 3>} : tensor<64x8xf32> -> tensor<64x8xf32>
    return %0 : tensor<64x8xf32>
  }
}

// -----

// A row-wide maximum: each row's value is distributed from its lane of the
// block straight over the row's 12 lanes.
// CHECK-LABEL: lpu.program @main
// CHECK: lpu.sxm.distribute %{{.*}}, lane 0, width 12
// CHECK: lpu.sxm.distribute %{{.*}}, lane 1, width 12
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<2x12xf32> {onnx.name = "x"}) -> (tensor<2x12xf32> {onnx.name = "y"}) {
    %0 = tile.reduce_rows max %x {strategy = #tile<row_strategy mxm_extremum>, planes = array<i32: 0, 1>} : tensor<2x12xf32> -> tensor<2x12xf32>
    return %0 : tensor<2x12xf32>
  }
}

// -----

// Every row of a block distributes from the block's staged extrema: one
// vector read per row. Over 64 rows on lpu-v1 it is copied to 4 slices
// (a copy per 16 readers), read round-robin: one slice's bank ports serve
// a read a cycle, and the SXM, which distributes, has four queues.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[E:.*]] = lpu.buffer scratch "tmp.extrema" : tensor<1x320xf32>
// CHECK: %[[C:.*]] = lpu.buffer scratch "tmp.copies{{[0-9]+}}" {min_parts = 4 : i64} : tensor<4x320xf32>
// CHECK-COUNT-4: lpu.mem.write %{{.*}}, %[[C]][{{[0-3]}}]
// CHECK: %[[R0:.*]] = lpu.mem.read %[[C]][0]
// CHECK-NEXT: lpu.sxm.distribute %[[R0]], lane 0, width 8
// CHECK: %[[R1:.*]] = lpu.mem.read %[[C]][1]
// CHECK-NEXT: lpu.sxm.distribute %[[R1]], lane 1, width 8
// CHECK: %[[R4:.*]] = lpu.mem.read %[[C]][0]
// CHECK-NEXT: lpu.sxm.distribute %[[R4]], lane 4, width 8
module attributes {tile.target = "lpu-v1", tile.precision = f16} {
  func.func @main(%x: tensor<64x8xf32> {onnx.name = "x"}) -> (tensor<64x8xf32> {onnx.name = "y"}) {
    %0 = tile.reduce_rows max %x {strategy = #tile<row_strategy mxm_extremum>, planes = array<i32: 0>} : tensor<64x8xf32> -> tensor<64x8xf32>
    return %0 : tensor<64x8xf32>
  }
}

// -----

// More than 8 rows to reduce: dealt round-robin over ceil(sqrt(n)) chains
// (16 rows: 4 chains, rows 0, 4, 8, 12 in chain 0), each staged in SRAM,
// then joined by a tree, so the last row to arrive costs a few steps, not
// sixteen.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[X:.*]] = lpu.buffer input "x" : tensor<16x16xf32>
// CHECK: %[[CHAINS:.*]] = lpu.buffer scratch "tmp.chains" : tensor<4x16xf32>
// CHECK: %[[R0:.*]] = lpu.mem.read %[[X]][0]
// CHECK: %[[R4:.*]] = lpu.mem.read %[[X]][4]
// CHECK: %[[M0:.*]] = lpu.vxm.max %[[R0]], %[[R4]]
// CHECK: %[[R8:.*]] = lpu.mem.read %[[X]][8]
// CHECK: lpu.vxm.max %[[M0]], %[[R8]]
// CHECK-COUNT-4: lpu.mem.write %{{.*}}, %[[CHAINS]]
// CHECK: %[[J0:.*]] = lpu.vxm.max
// CHECK: %[[J1:.*]] = lpu.vxm.max
// CHECK: %[[J:.*]] = lpu.vxm.max %[[J0]], %[[J1]]
// CHECK: lpu.mem.write %[[J]]
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<16x16xf32> {onnx.name = "x"}) -> (tensor<1x16xf32> {onnx.name = "y"}) {
    %0 = tile.reduce_leading max %x [0] : tensor<16x16xf32> -> tensor<1x16xf32>
    return %0 : tensor<1x16xf32>
  }
}
