// RUN: lpu-opt %s -split-input-file --convert-tile-to-lpu | FileCheck %s
// lpu-tiny: 16 lanes, 2 MXM planes (mxm[0] west, mxm[1] east).

// K = 24 in one turn on both planes: the constant is stored tile by tile
// (w.k0n0 is 16 rows, w.k1n0 8), each plane loads and installs its tile, and
// every row's partial sum flows west to east (matmul, then matmul_acc), the
// epilogue (bias, relu) on the way to SRAM.
// CHECK-LABEL: lpu.program @main
// CHECK-DAG: %[[A:.*]] = lpu.buffer input "a" : tensor<2x24xf32>
// CHECK-DAG: %[[T0:.*]] = lpu.buffer constant "w.k0n0" init({{.*}}) {min_parts = 2 : i64} : tensor<16x8xf32>
// CHECK-DAG: %[[T1:.*]] = lpu.buffer constant "w.k1n0" init({{.*}}) {min_parts = 2 : i64} : tensor<8x8xf32>
// CHECK-COUNT-16: lpu.mxm.load_weights {{.*}} {unit = 1 : i32}
// CHECK: lpu.mxm.install rows 16 {unit = 1 : i32} : f32
// CHECK-COUNT-8: lpu.mxm.load_weights {{.*}} {unit = 0 : i32}
// CHECK: lpu.mxm.install rows 8 {unit = 0 : i32} : f32
// CHECK: %[[X1:.*]] = lpu.mem.read %[[A]][1]
// CHECK: %[[P0:.*]] = lpu.mxm.matmul %[[X1]] {unit = 0 : i32}
// CHECK: %[[X0:.*]] = lpu.mem.read %[[A]][0]
// CHECK: %[[P1:.*]] = lpu.mxm.matmul_acc %[[X0]], %[[P0]] {unit = 1 : i32}
// CHECK: %[[BIAS:.*]] = lpu.mem.read %{{.*}}[0]
// CHECK: %[[S:.*]] = lpu.vxm.add %[[P1]], %[[BIAS]]
// CHECK: %[[R:.*]] = lpu.vxm.relu %[[S]]
// CHECK: lpu.mem.write %[[R]], %{{.*}}[0]
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%a: tensor<2x24xf32> {onnx.name = "a"}, %b: tensor<8xf32> {onnx.name = "b"}) -> (tensor<2x8xf32> {onnx.name = "y"}) {
    %w = arith.constant dense<1.0> : tensor<24x8xf32> loc("w")
    %0 = tile.matmul %a, %w epilogue(%b : tensor<8xf32>) [add in0, relu] {batches = array<i64: 0, 0, 0>, k = 24 : i64, m = 2 : i64, n = 8 : i64, packed_weights, planes = array<i32: 1, 0>, turn = 2 : i64} : tensor<2x24xf32>, tensor<24x8xf32> -> tensor<2x8xf32>
    return %0 : tensor<2x8xf32>
  }
}

// -----

// Packed weights of several matrices: the batches multiply rows [0, 8) and
// [8, 16) of B, each stored as tiles of its own (w.k0n0 and w.b8.k0n0),
// each batch installing its matrix's.
// CHECK-LABEL: lpu.program @main
// CHECK-DAG: %[[T0:.*]] = lpu.buffer constant "w.k0n0" init(dense_resource<w.k0n0> : tensor<8x4xf32>)
// CHECK-DAG: %[[T1:.*]] = lpu.buffer constant "w.b8.k0n0" init(dense_resource<w.b8.k0n0> : tensor<8x4xf32>)
// CHECK: lpu.mem.read %[[T0]][0]
// CHECK: lpu.mxm.install rows 8
// CHECK: lpu.mem.read %[[T1]][0]
// CHECK: lpu.mxm.install rows 8
// The tiles hold the matrices' rows: ones, then twos.
// CHECK: w.k0n0: "0x040000000000803F0000803F
// CHECK: w.b8.k0n0: "0x040000000000004000000040
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%a: tensor<2x8xf32> {onnx.name = "a"}) -> (tensor<2x4xf32> {onnx.name = "y"}) {
    %w = arith.constant dense<[[1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0], [2.0, 2.0, 2.0, 2.0], [2.0, 2.0, 2.0, 2.0], [2.0, 2.0, 2.0, 2.0], [2.0, 2.0, 2.0, 2.0], [2.0, 2.0, 2.0, 2.0], [2.0, 2.0, 2.0, 2.0], [2.0, 2.0, 2.0, 2.0], [2.0, 2.0, 2.0, 2.0]]> : tensor<16x4xf32> loc("w")
    %0 = tile.matmul %a, %w [] {batches = array<i64: 0, 0, 0, 1, 8, 1>, k = 8 : i64, m = 1 : i64, n = 4 : i64, packed_weights, planes = array<i32: 0, 1>, turn = 1 : i64} : tensor<2x8xf32>, tensor<16x4xf32> -> tensor<2x4xf32>
    return %0 : tensor<2x4xf32>
  }
}

// -----

// One K tile per turn (the baseline): the first turn's partial sum goes to
// SRAM and is the addend of the second turn's product.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[P:.*]] = lpu.mxm.matmul %{{.*}} {unit = 0 : i32}
// CHECK: lpu.mem.write %[[P]], %[[Y:.*]][0]
// CHECK: lpu.mxm.install rows 8 {unit = 1 : i32}
// CHECK: %[[PARTIAL:.*]] = lpu.mem.read %[[Y]][0]
// CHECK: lpu.mxm.matmul_acc %{{.*}}, %[[PARTIAL]] {unit = 1 : i32}
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%a: tensor<1x24xf32> {onnx.name = "a"}, %w: tensor<24x8xf32> {onnx.name = "w"}) -> (tensor<1x8xf32> {onnx.name = "y"}) {
    %0 = tile.matmul %a, %w [] {batches = array<i64: 0, 0, 0>, k = 24 : i64, m = 1 : i64, n = 8 : i64, planes = array<i32: 0, 1>, turn = 1 : i64} : tensor<1x24xf32>, tensor<24x8xf32> -> tensor<1x8xf32>
    return %0 : tensor<1x8xf32>
  }
}

// -----

// Separate partial sums, three turns of one K tile: the first two turns
// start from zero and write their sums to tensors of their own; the last
// turn's product adds neither on the MXM, the VXM adds both (first turn's,
// then second's) before the relu.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[Y:.*]] = lpu.buffer output "y"
// CHECK: %[[P0:.*]] = lpu.mxm.matmul %{{.*}} {unit = 0 : i32}
// CHECK: lpu.mem.write %[[P0]], %[[Y]][0]
// CHECK: %[[P1:.*]] = lpu.mxm.matmul %{{.*}} {unit = 1 : i32}
// CHECK: %[[S1:.*]] = lpu.buffer scratch "{{.*}}.partial1" : tensor<1x8xf32>
// CHECK: lpu.mem.write %[[P1]], %[[S1]][0]
// CHECK: %[[P2:.*]] = lpu.mxm.matmul %{{.*}} {unit = 0 : i32}
// CHECK: %[[R0:.*]] = lpu.mem.read %[[Y]][0]
// CHECK: %[[A0:.*]] = lpu.vxm.add %[[P2]], %[[R0]]
// CHECK: %[[R1:.*]] = lpu.mem.read %[[S1]][0]
// CHECK: %[[A1:.*]] = lpu.vxm.add %[[A0]], %[[R1]]
// CHECK: %[[OUT:.*]] = lpu.vxm.relu %[[A1]]
// CHECK: lpu.mem.write %[[OUT]], %[[Y]][0]
// CHECK-NOT: lpu.mxm.matmul_acc
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%a: tensor<1x40xf32> {onnx.name = "a"}, %w: tensor<40x8xf32> {onnx.name = "w"}) -> (tensor<1x8xf32> {onnx.name = "y"}) {
    %0 = tile.matmul %a, %w [relu] {batches = array<i64: 0, 0, 0>, k = 40 : i64, m = 1 : i64, n = 8 : i64, planes = array<i32: 0, 1, 0>, separate_partials, turn = 1 : i64} : tensor<1x40xf32>, tensor<40x8xf32> -> tensor<1x8xf32>
    return %0 : tensor<1x8xf32>
  }
}

// -----

// A 2x2 kernel over a 2-channel 2x2 image with padding 1 before: the four
// taps are four K tiles ([C, F] weight tiles), two turns on two planes; the
// result, split into image rows, has a buffer per part. Taps in the padding
// are left out: in the first turn (taps 0 and 1) output pixel (0, 0) has
// none and pixel (1, 0) only tap 1, whose partial sum the second turn adds
// to; pixel (0, 0) then has tap 3 alone. The result, read by windows, is
// dealt an image row (2 rows) at a time over at least two slices.
// CHECK-LABEL: lpu.program @main
// CHECK-DAG: lpu.buffer constant "w.t0c0f0" init({{.*}}) {min_parts = 2 : i64} : tensor<2x1xf32>
// CHECK-DAG: lpu.buffer constant "w.t3c0f0" init({{.*}}) {min_parts = 2 : i64} : tensor<2x1xf32>
// CHECK-DAG: %[[Y:.*]] = lpu.buffer scratch "conv" {block_rows = 2 : i64, min_parts = 2 : i64} : tensor<1x2x2x1xf32>
// CHECK-COUNT-2: lpu.mxm.install rows 2
// CHECK: %[[M:.*]] = lpu.mxm.matmul %{{.*}} {unit = 1 : i32}
// CHECK-NEXT: lpu.mem.write %[[M]], %[[Y]][2]
// CHECK-COUNT-2: lpu.mxm.install rows 2
// CHECK: %[[M3:.*]] = lpu.mxm.matmul %{{.*}} {unit = 1 : i32}
// CHECK-NEXT: lpu.mem.write %[[M3]], %[[Y]][0]
// CHECK: %[[PARTIAL:.*]] = lpu.mem.read %[[Y]][2]
// CHECK: lpu.mxm.matmul_acc %{{.*}}, %[[PARTIAL]] {unit = 1 : i32}
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<1x2x2x2xf32> {onnx.name = "x"}) -> (tensor<1x2x2x1xf32> {onnx.name = "y"}) {
    %w = arith.constant dense<1.0> : tensor<1x2x2x2xf32> loc("w")
    %0 = tile.conv %x, %w [] {dilations = array<i64: 1, 1>, group = 1 : i64, kernel = array<i64: 2, 2>, pad_begin = array<i64: 1, 1>, strides = array<i64: 1, 1>, planes = array<i32: 0, 1, 0, 1>, turn = 2 : i64, tile.split_rows = 2 : i64} : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32> -> tensor<1x2x2x1xf32> loc("conv")
    %1 = tile.map(%0) [in0] : (tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32>
    return %1 : tensor<1x2x2x1xf32>
  }
}

// -----

// Windows of a 1-channel 4x4 image (3x3, padding 1) packed into rows. First,
// with stride 1 every kernel column reads the same phase of an input row:
// one product per row with a selection tile (here the identity) puts it in
// `phases`, and tap column kx is that row shifted on the SXM into `columns`
// (12 rows: kx-major): kx = 0 moves input x - 1 to output x, by two shifts
// so that the value past the last output is shifted out, not kept; kx = 1
// copies; kx = 2 moves x + 1 to x. Then per output image row the 9 rows its
// windows read are installed transposed, the rows above the image zero, and
// unit vectors (identity rows) give one output pixel row each.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[I:.*]] = lpu.buffer constant "identity"
// CHECK: %[[X:.*]] = lpu.buffer input "x"
// CHECK: %[[Y:.*]] = lpu.buffer output "y" : tensor<1x4x4x9xf32>
// CHECK: %[[COLS:.*]] = lpu.buffer scratch "{{.*}}.columns" : tensor<12x4xf32>
// CHECK: %[[PHASES:.*]] = lpu.buffer scratch "{{.*}}.phases" : tensor<4x4xf32>
// CHECK: lpu.buffer constant "{{.*}}.phase0.0.0" init(dense<{{\[}}[1.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 1.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 1.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 1.000000e+00]]>
// CHECK: lpu.mxm.install rows 4 {unit = 0 : i32}
// CHECK-COUNT-4: lpu.mxm.matmul
// CHECK-NOT: lpu.mxm
// CHECK: %[[P0:.*]] = lpu.mem.read %[[PHASES]][0]
// CHECK-NEXT: %[[UP:.*]] = lpu.sxm.shift %[[P0]], 13
// CHECK-NEXT: %[[BACK:.*]] = lpu.sxm.shift %[[UP]], -12
// CHECK-NEXT: lpu.mem.write %[[BACK]], %[[COLS]][0]
// CHECK: %[[P4:.*]] = lpu.mem.read %[[PHASES]][0]
// CHECK-NEXT: lpu.mem.write %[[P4]], %[[COLS]][4]
// CHECK: %[[P8:.*]] = lpu.mem.read %[[PHASES]][0]
// CHECK-NEXT: %[[DOWN:.*]] = lpu.sxm.shift %[[P8]], -1
// CHECK-NEXT: lpu.mem.write %[[DOWN]], %[[COLS]][8]
// CHECK: %[[ZERO:.*]] = lpu.buffer constant "{{.*}}.padding"
// CHECK-COUNT-3: lpu.mem.read %[[ZERO]][0]
// CHECK: lpu.mem.read %[[COLS]][0]
// CHECK: lpu.mem.read %[[COLS]][4]
// CHECK: lpu.mem.read %[[COLS]][8]
// CHECK: lpu.mxm.install rows 9 transposed {unit = 0 : i32}
// CHECK: %[[E0:.*]] = lpu.mem.read %[[I]][0]
// CHECK: %[[P0:.*]] = lpu.mxm.matmul %[[E0]] {unit = 0 : i32}
// CHECK: lpu.mem.write %[[P0]], %[[Y]][0]
// CHECK-COUNT-3: lpu.mxm.install rows 9 transposed
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<1x1x4x4xf32> {onnx.name = "x"}) -> (tensor<1x4x4x9xf32> {onnx.name = "y"}) {
    %0 = tile.im2col %x {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, turn = 2 : i64, planes = array<i32: 0, 0, 1, 0, 1>} : tensor<1x1x4x4xf32> -> tensor<1x4x4x9xf32>
    return %0 : tensor<1x4x4x9xf32>
  }
}

// -----

// The columns are copies of input values or of the padding value, made in
// the result's type: an i8 row takes one stream to its transposed install
// where an f32 one took four.
// CHECK-LABEL: lpu.program @main
// CHECK: lpu.buffer scratch "tmp.columns" : tensor<12x4xi8>
// CHECK: lpu.buffer scratch "tmp.phases" : tensor<4x4xi8>
// CHECK-COUNT-4: lpu.mxm.install rows 9 transposed {{.*}} : i8
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<1x1x4x4xi8> {onnx.name = "x"}) -> (tensor<1x4x4x9xi8> {onnx.name = "y"}) {
    %0 = tile.im2col %x {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, padding_value = -5 : i64, turn = 2 : i64, planes = array<i32: 0, 0, 1, 0, 1>} : tensor<1x1x4x4xi8> -> tensor<1x4x4x9xi8>
    return %0 : tensor<1x4x4x9xi8>
  }
}

// -----

// With `tap_rows`, the first step is the same (one product per input row)
// and its rows are copied: row
// (oy, (ky * 3 + kx)) of the result is columns[kx] at input row oy + ky - 1,
// or a row of the padding value above and below the image. No transposed
// installs or unit vectors.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[Y:.*]] = lpu.buffer output "y" : tensor<1x4x9x4xf32>
// CHECK: %[[COLS:.*]] = lpu.buffer scratch "{{.*}}.columns" : tensor<12x4xf32>
// CHECK-COUNT-4: lpu.mxm.matmul
// CHECK-NOT: lpu.mxm
// CHECK: %[[ZERO:.*]] = lpu.buffer constant "{{.*}}.padding"
// CHECK: %[[Z0:.*]] = lpu.mem.read %[[ZERO]][0]
// CHECK: lpu.mem.write %[[Z0]], %[[Y]][0]
// CHECK: lpu.mem.write {{.*}}, %[[Y]][1]
// CHECK: lpu.mem.write {{.*}}, %[[Y]][2]
// CHECK: %[[C0:.*]] = lpu.mem.read %[[COLS]][0]
// CHECK: lpu.mem.write %[[C0]], %[[Y]][3]
// CHECK: %[[C4:.*]] = lpu.mem.read %[[COLS]][4]
// CHECK: lpu.mem.write %[[C4]], %[[Y]][4]
// CHECK: %[[C8:.*]] = lpu.mem.read %[[COLS]][8]
// CHECK: lpu.mem.write %[[C8]], %[[Y]][5]
// CHECK: %[[C1:.*]] = lpu.mem.read %[[COLS]][1]
// CHECK: lpu.mem.write %[[C1]], %[[Y]][6]
// CHECK-NOT: lpu.mxm.install
// CHECK: lpu.mem.write {{.*}}, %[[Y]][35]
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<1x1x4x4xf32> {onnx.name = "x"}) -> (tensor<1x4x9x4xf32> {onnx.name = "y"}) {
    %0 = tile.im2col %x {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, turn = 2 : i64, planes = array<i32: 0>, tap_rows} : tensor<1x1x4x4xf32> -> tensor<1x4x9x4xf32>
    return %0 : tensor<1x4x9x4xf32>
  }
}

// -----

// Stride 2: a 1x5 window with 2 columns of padding reads input positions
// 2 ox + kx - 2, of two phases, even and odd. One product per input row lays
// both phases' 5 positions side by side (`phases`: even in lanes [0, 5),
// odd in [5, 10)); column kx is its phase shifted by (kx - 2) / 2 rounded
// down, the other phase kept out: kx = 0 by two shifts (up, dropping what
// lies past its phase and the outputs, then back), kx = 1 first drops the
// even phase below it (it is padded on the left), kx = 2 by two shifts that
// only drop the odd phase, kx = 3 by one shift down, kx = 4 by two; the
// padding value 3 is added where a column falls in the padding (lane 0 of
// kx = 0 and 1, lane 4 of kx = 4). Each input row's columns are made
// together, in the order the output rows need the input rows.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[X:.*]] = lpu.buffer input "x"
// CHECK: %[[COLS:.*]] = lpu.buffer scratch "{{.*}}.columns" : tensor<10x5xi8>
// CHECK: %[[PHASES:.*]] = lpu.buffer scratch "{{.*}}.phases" : tensor<2x10xi8>
// CHECK: lpu.buffer constant "{{.*}}.phases.0.0"
// CHECK: lpu.mxm.install rows 10 {unit = 0 : i32} : i8
// CHECK-COUNT-2: lpu.mxm.matmul
// CHECK-NOT: lpu.mxm
// CHECK: %[[PAD0:.*]] = lpu.buffer constant "{{.*}}.padding0" init(dense<[3.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]>
// CHECK: lpu.buffer constant "{{.*}}.padding1"
// CHECK: lpu.buffer constant "{{.*}}.padding4" init(dense<[0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 3.000000e+00]>
// CHECK: %[[E0:.*]] = lpu.mem.read %[[PHASES]][0]
// CHECK-NEXT: %[[UP:.*]] = lpu.sxm.shift %[[E0]], 12
// CHECK-NEXT: %[[BACK:.*]] = lpu.sxm.shift %[[UP]], -11
// CHECK-NEXT: %[[F:.*]] = lpu.vxm.convert %[[BACK]] : <i8> -> <f32>
// CHECK-NEXT: %[[P:.*]] = lpu.mem.read %[[PAD0]][0]
// CHECK-NEXT: %[[SUM:.*]] = lpu.vxm.add %[[F]], %[[P]]
// CHECK-NEXT: %[[I8:.*]] = lpu.vxm.convert %[[SUM]] : <f32> -> <i8>
// CHECK-NEXT: lpu.mem.write %[[I8]], %[[COLS]][0]
// CHECK-NEXT: %[[O2:.*]] = lpu.mem.read %[[PHASES]][0]
// CHECK-NEXT: %[[DROP:.*]] = lpu.sxm.shift %[[O2]], -5
// CHECK-NEXT: %[[UP2:.*]] = lpu.sxm.shift %[[DROP]], 12
// CHECK-NEXT: lpu.sxm.shift %[[UP2]], -11
// CHECK: lpu.mem.write %{{.*}}, %[[COLS]][2]
// CHECK-NEXT: %[[E4:.*]] = lpu.mem.read %[[PHASES]][0]
// CHECK-NEXT: %[[KEEP:.*]] = lpu.sxm.shift %[[E4]], 11
// CHECK-NEXT: %[[EVEN:.*]] = lpu.sxm.shift %[[KEEP]], -11
// CHECK-NEXT: lpu.mem.write %[[EVEN]], %[[COLS]][4]
// CHECK-NEXT: %[[O6:.*]] = lpu.mem.read %[[PHASES]][0]
// CHECK-NEXT: %[[ODD:.*]] = lpu.sxm.shift %[[O6]], -5
// CHECK-NEXT: lpu.mem.write %[[ODD]], %[[COLS]][6]
// CHECK-NEXT: %[[E8:.*]] = lpu.mem.read %[[PHASES]][0]
// CHECK-NEXT: %[[UP4:.*]] = lpu.sxm.shift %[[E8]], 11
// CHECK-NEXT: %[[DOWN:.*]] = lpu.sxm.shift %[[UP4]], -12
// CHECK-NEXT: lpu.vxm.convert %[[DOWN]]
// CHECK: lpu.mem.write %{{.*}}, %[[COLS]][8]
// CHECK-NEXT: lpu.mem.read %[[PHASES]][1]
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<1x1x2x10xi8> {onnx.name = "x"}) -> (tensor<1x2x5x5xi8> {onnx.name = "y"}) {
    %0 = tile.im2col %x {kernel = array<i64: 1, 5>, strides = array<i64: 1, 2>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 0, 2>, padding_value = 3 : i64, turn = 2 : i64, planes = array<i32: 0>, tap_rows} : tensor<1x1x2x10xi8> -> tensor<1x2x5x5xi8>
    return %0 : tensor<1x2x5x5xi8>
  }
}

// -----

// In f16 (tile.precision) lpu-tiny's array holds 8 rows: K = 16 is installed
// in two windows, lanes [0, 8) on one plane and [8, 16) on the other, from
// the f16 weight tile; the activation is converted to f16 on the way to each
// plane and the partial sum flows through both (f32 accumulation). The
// tile's rows are dealt over 8 slices: both planes load 4 rows a cycle.
// CHECK-LABEL: lpu.program @main
// CHECK-DAG: %[[A:.*]] = lpu.buffer input "a" : tensor<1x16xf32>
// CHECK-DAG: lpu.buffer constant "w.k0n0" init({{.*}}) {min_parts = 8 : i64} : tensor<16x8xf16>
// CHECK-COUNT-8: lpu.mxm.load_weights {{.*}} {unit = 0 : i32} : !lpu.vector<f16>
// CHECK: lpu.mxm.install rows 8 {unit = 0 : i32} : f16
// CHECK-COUNT-8: lpu.mxm.load_weights {{.*}} {unit = 1 : i32} : !lpu.vector<f16>
// CHECK: lpu.mxm.install rows 8 window 8 {unit = 1 : i32} : f16
// CHECK: %[[X0:.*]] = lpu.mem.read %[[A]][0]
// CHECK: %[[H0:.*]] = lpu.vxm.convert %[[X0]] : <f32> -> <f16>
// CHECK: %[[P0:.*]] = lpu.mxm.matmul %[[H0]] {unit = 0 : i32} : <f16> -> <f32>
// CHECK: %[[X1:.*]] = lpu.mem.read %[[A]][0]
// CHECK: %[[H1:.*]] = lpu.vxm.convert %[[X1]] : <f32> -> <f16>
// CHECK: lpu.mxm.matmul_acc %[[H1]], %[[P0]] {unit = 1 : i32} : <f16> -> <f32>
module attributes {tile.target = "lpu-tiny", tile.precision = f16} {
  func.func @main(%a: tensor<1x16xf32> {onnx.name = "a"}) -> (tensor<1x8xf32> {onnx.name = "y"}) {
    %w = arith.constant dense<1.0> : tensor<16x8xf32> loc("w")
    %0 = tile.matmul %a, %w [] {batches = array<i64: 0, 0, 0>, k = 16 : i64, m = 1 : i64, n = 8 : i64, packed_weights, planes = array<i32: 0, 1>, turn = 2 : i64} : tensor<1x16xf32>, tensor<16x8xf32> -> tensor<1x8xf32>
    return %0 : tensor<1x8xf32>
  }
}

// -----

// An i8 product (int8 lanes, int8 weights) on lpu-tiny: installs of i8
// rows (K 16 in one window), products summing in i32, converted to f32 for
// the epilogue. Its result is written as i8 (a fused quantization): the
// partial sums of the first turn wait in an i32 scratch tensor, not in the
// i8 result. The padding of a quantized convolution is its zero point.
// CHECK-LABEL: lpu.program @main
// CHECK: lpu.buffer constant "w.k0n0" init({{.*}}) {min_parts = 8 : i64} : tensor<16x8xi8>
// CHECK: lpu.mxm.install rows 16 {unit = 0 : i32} : i8
// CHECK: %[[P:.*]] = lpu.mxm.matmul %{{.*}} {unit = 0 : i32} : <i8> -> <i32>
// CHECK: %[[PARTIAL:.*]] = lpu.buffer scratch "{{.*}}.partial" : tensor<2x8xi32>
// CHECK: lpu.mem.write %[[P]], %[[PARTIAL]][0] : <i32>
// CHECK: %[[SUM:.*]] = lpu.mxm.matmul_acc %{{.*}}, %{{.*}} {unit = 1 : i32} : <i8> -> <i32>
// CHECK: %[[F:.*]] = lpu.vxm.convert %[[SUM]] : <i32> -> <f32>
// CHECK: %[[Q:.*]] = lpu.vxm.convert %{{.*}} : <f32> -> <i8>
// CHECK: lpu.mem.write %[[Q]], %{{.*}}[0] : <i8>
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%a: tensor<2x32xi8> {onnx.name = "a"}) -> (tensor<2x8xi8> {onnx.name = "y"}) {
    %w = arith.constant dense<1> : tensor<32x8xi8> loc("w")
    %s = arith.constant dense<0.5> : tensor<8xf32>
    %0 = tile.matmul %a, %w epilogue(%s : tensor<8xf32>) [div in0] {batches = array<i64: 0, 0, 0>, k = 32 : i64, m = 2 : i64, n = 8 : i64, packed_weights, planes = array<i32: 0, 1>, turn = 1 : i64} : tensor<2x32xi8>, tensor<32x8xi8> -> tensor<2x8xi8>
    return %0 : tensor<2x8xi8>
  }
}

// -----

// A 3x3 i8 convolution padded with -5: taps in the padding stream a vector
// of -5 (".padding") instead of being left out.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[PAD:.*]] = lpu.buffer constant "{{.*}}.padding" init({{.*}}) : tensor<16xi8>
// CHECK: lpu.mem.read %[[PAD]][0] : <i8>
// CHECK: constant.padding: "0x08000000FBFBFBFBFBFBFBFBFBFBFBFBFBFBFBFB"
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<1x2x2x3xi8> {onnx.name = "x"}) -> (tensor<1x2x2x4xf32> {onnx.name = "y"}) {
    %w = arith.constant dense<1> : tensor<4x3x3x3xi8> loc("w")
    %0 = tile.conv %x, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64, padding_value = -5 : i64, planes = array<i32: 0, 1, 0, 1, 0, 1, 0, 1, 0>, turn = 2 : i64} : tensor<1x2x2x3xi8>, tensor<4x3x3x3xi8> -> tensor<1x2x2x4xf32>
    return %0 : tensor<1x2x2x4xf32>
  }
}

// -----

// A depthwise 3x3 convolution on the VXM: each output pixel vector is the
// sum over its taps inside the image (4 at a corner of a 2x2 image) of the
// pixel vector times the tap's weight vector (a [taps, C] table), then the
// epilogue; no MXM instruction.
// CHECK-LABEL: lpu.program @main
// CHECK-DAG: %[[X:.*]] = lpu.buffer input "x"
// CHECK-DAG: %[[T:.*]] = lpu.buffer constant "dw.taps" init(dense_resource<dw.taps> : tensor<9x3xf32>)
// CHECK-DAG: %[[Y:.*]] = lpu.buffer output "y"
// CHECK: %[[X0:.*]] = lpu.mem.read %[[X]][0]
// CHECK: %[[W4:.*]] = lpu.mem.read %[[T]][4]
// CHECK: %[[P:.*]] = lpu.vxm.mul %[[X0]], %[[W4]]
// CHECK: %[[X1:.*]] = lpu.mem.read %[[X]][1]
// CHECK: %[[W5:.*]] = lpu.mem.read %[[T]][5]
// CHECK: %[[Q:.*]] = lpu.vxm.mul %[[X1]], %[[W5]]
// CHECK: lpu.vxm.add %[[P]], %[[Q]]
// CHECK-COUNT-2: lpu.vxm.add
// CHECK: lpu.vxm.relu
// CHECK: lpu.mem.write %{{.*}}, %[[Y]][0]
// CHECK-NOT: lpu.mxm
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<1x2x2x3xf32> {onnx.name = "x"}) -> (tensor<1x2x2x3xf32> {onnx.name = "y"}) {
    %w = arith.constant dense<[[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]], [[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]], [[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]]]> : tensor<3x1x3x3xf32> loc("w")
    %0 = tile.conv %x, %w [relu] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 3 : i64, on_vxm} : tensor<1x2x2x3xf32>, tensor<3x1x3x3xf32> -> tensor<1x2x2x3xf32> loc("dw")
    return %0 : tensor<1x2x2x3xf32>
  }
}

// -----

// Shared with the MXM (vxm_pixels = 3 of 4): the VXM computes pixels 0 to
// 2 as above, then the MXM the last one, a product per tap in the window,
// through block-diagonal weight tiles, into the same result.
// CHECK-LABEL: lpu.program @main
// CHECK-DAG: %[[Y:.*]] = lpu.buffer output "y"
// CHECK-COUNT-3: lpu.mem.write %{{.*}}, %[[Y]]
// CHECK-NOT: lpu.mem.write
// CHECK: lpu.mxm.install rows 3
// CHECK: lpu.mxm.matmul
// CHECK: lpu.mem.write %{{.*}}, %[[Y]][3]
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<1x2x2x3xf32> {onnx.name = "x"}) -> (tensor<1x2x2x3xf32> {onnx.name = "y"}) {
    %w = arith.constant dense<[[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]], [[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]], [[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]]]> : tensor<3x1x3x3xf32> loc("w")
    %0 = tile.conv %x, %w [relu] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 3 : i64, on_vxm, turn = 2 : i64, planes = array<i32: 0, 1, 0, 1, 0, 1, 0, 1, 0>, vxm_pixels = 3 : i64} : tensor<1x2x2x3xf32>, tensor<3x1x3x3xf32> -> tensor<1x2x2x3xf32> loc("dw")
    return %0 : tensor<1x2x2x3xf32>
  }
}

// -----

// Its input stored in f16 (tile-store-product-inputs): the taps table is f16
// too, the taps multiply and add in f16 (half the streams of f32), and the
// sum is widened to f32 for the epilogue.
// CHECK-LABEL: lpu.program @main
// CHECK-DAG: %[[X:.*]] = lpu.buffer input "x" {{.*}}: tensor<1x2x2x3xf16>
// CHECK-DAG: %[[T:.*]] = lpu.buffer constant "dw.taps" init(dense_resource<dw.taps> : tensor<9x3xf16>)
// CHECK: %[[X0:.*]] = lpu.mem.read %[[X]][0] : <f16>
// CHECK: %[[W4:.*]] = lpu.mem.read %[[T]][4] : <f16>
// CHECK: lpu.vxm.mul %[[X0]], %[[W4]] : <f16>
// CHECK-COUNT-3: lpu.vxm.add %{{.*}}, %{{.*}} : <f16>
// CHECK: %[[S:.*]] = lpu.vxm.convert %{{.*}} : <f16> -> <f32>
// CHECK: lpu.vxm.relu %[[S]] : <f32>
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<1x2x2x3xf16> {onnx.name = "x"}) -> (tensor<1x2x2x3xf32> {onnx.name = "y"}) {
    %w = arith.constant dense<[[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]], [[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]], [[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]]]> : tensor<3x1x3x3xf32> loc("w")
    %0 = tile.conv %x, %w [relu] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 3 : i64, on_vxm} : tensor<1x2x2x3xf16>, tensor<3x1x3x3xf32> -> tensor<1x2x2x3xf32> loc("dw")
    return %0 : tensor<1x2x2x3xf32>
  }
}

// -----

// Quantized (i8) values: each input pixel is widened to i32, times a table
// of the weights (w - zw, i32); the taps add exactly in i32, as the MXM sums
// them, and a tap in the padding reads a row of the zero point
// (padding_value). The i32 sum is converted to f32 for the epilogue.
// CHECK-LABEL: lpu.program @main
// CHECK-DAG: %[[X:.*]] = lpu.buffer input "x" {{.*}}: tensor<1x2x2x3xi8>
// CHECK-DAG: %[[T:.*]] = lpu.buffer constant "dw.taps" init(dense_resource<dw.taps> : tensor<9x3xi32>)
// CHECK-DAG: %[[P:.*]] = lpu.buffer constant "dw.padding" init(dense_resource<dw.padding> : tensor<1x3xi32>)
// CHECK: %[[Z:.*]] = lpu.mem.read %[[P]][0] : <i32>
// CHECK: %[[W0:.*]] = lpu.mem.read %[[T]][0] : <i32>
// CHECK: lpu.vxm.mul %[[Z]], %[[W0]] : <i32>
// CHECK: %[[X0:.*]] = lpu.mem.read %[[X]][0] : <i8>
// CHECK: %[[X0W:.*]] = lpu.vxm.convert %[[X0]] : <i8> -> <i32>
// CHECK: %[[W4:.*]] = lpu.mem.read %[[T]][4] : <i32>
// CHECK: lpu.vxm.mul %[[X0W]], %[[W4]] : <i32>
// CHECK: lpu.vxm.add %{{.*}}, %{{.*}} : <i32>
// CHECK: %[[S:.*]] = lpu.vxm.convert %{{.*}} : <i32> -> <f32>
// CHECK: lpu.vxm.relu %[[S]] : <f32>
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<1x2x2x3xi8> {onnx.name = "x"}) -> (tensor<1x2x2x3xf32> {onnx.name = "y"}) {
    %w = arith.constant dense<[[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]], [[[1, 2, 3], [4, 5, 6], [7, 8, 9]]], [[[-1, -2, -3], [-4, -5, -6], [-7, -8, -9]]]]> : tensor<3x1x3x3xi8> loc("w")
    %0 = tile.conv %x, %w [relu] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 3 : i64, padding_value = -128 : i64, on_vxm} : tensor<1x2x2x3xi8>, tensor<3x1x3x3xi8> -> tensor<1x2x2x3xf32> loc("dw")
    return %0 : tensor<1x2x2x3xf32>
  }
}

// -----

// B computed at run time and stored transposed ([batch, n, k]): each batch
// installs its 6 rows (B's n) transposed, so array column n is B row n and
// A's lanes meet its elements; batch 1's rows start at row 6.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[B:.*]] = lpu.buffer input "b" : tensor<2x6x8xf32>
// CHECK: lpu.mem.read %[[B]][0]
// CHECK: lpu.mem.read %[[B]][5]
// CHECK-NEXT: lpu.mxm.load_weights
// CHECK-NEXT: lpu.mxm.install rows 6 transposed {unit = 0 : i32}
// CHECK: lpu.mem.read %[[B]][6]
// CHECK: lpu.mem.read %[[B]][11]
// CHECK-NEXT: lpu.mxm.load_weights
// CHECK-NEXT: lpu.mxm.install rows 6 transposed {unit = 1 : i32}
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%a: tensor<2x4x8xf32> {onnx.name = "a"}, %b: tensor<2x6x8xf32> {onnx.name = "b"}) -> (tensor<2x4x6xf32> {onnx.name = "y"}) {
    %0 = tile.matmul %a, %b [] {batches = array<i64: 0, 0, 0, 4, 6, 4>, k = 8 : i64, m = 4 : i64, n = 6 : i64, transpose_b, planes = array<i32: 0, 1>, turn = 1 : i64} : tensor<2x4x8xf32>, tensor<2x6x8xf32> -> tensor<2x4x6xf32>
    return %0 : tensor<2x4x6xf32>
  }
}

// -----

// A global pool on the VXM: each image row's pixels summed as a chain (its
// reads a VXM latency apart) and stored as soon as that row exists, then
// the rows' sums and the mean's factor 1 / 6. No installs.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[X:.*]] = lpu.buffer input "x" : tensor<1x2x3x4xf32>
// CHECK: %[[Y:.*]] = lpu.buffer output "y" : tensor<1x1x1x4xf32>
// CHECK: %[[R:.*]] = lpu.buffer scratch "tmp.rows" : tensor<2x16xf32>
// CHECK: %[[A:.*]] = lpu.mem.read %[[X]][0]
// CHECK: %[[B:.*]] = lpu.mem.read %[[X]][1]
// CHECK: %[[C:.*]] = lpu.mem.read %[[X]][2]
// CHECK: %[[AB:.*]] = lpu.vxm.add %[[A]], %[[B]]
// CHECK: %[[ABC:.*]] = lpu.vxm.add %[[AB]], %[[C]]
// CHECK: lpu.mem.write %[[ABC]], %[[R]][0]
// CHECK: %[[R0:.*]] = lpu.mem.read %[[R]][0]
// CHECK: lpu.mem.write %{{.*}}, %[[R]][1]
// CHECK: %[[R1:.*]] = lpu.mem.read %[[R]][1]
// CHECK: %[[S:.*]] = lpu.vxm.add %[[R0]], %[[R1]]
// CHECK: %[[M:.*]] = lpu.vxm.scale %[[S]], 0.166666672
// CHECK: lpu.mem.write %[[M]], %[[Y]][0]
// CHECK-NOT: lpu.mxm
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<1x2x3x4xf32> {onnx.name = "x"}) -> (tensor<1x1x1x4xf32> {onnx.name = "y"}) {
    %0 = tile.global_pool %x {on_vxm} : tensor<1x2x3x4xf32> -> tensor<1x1x1x4xf32>
    return %0 : tensor<1x1x1x4xf32>
  }
}
