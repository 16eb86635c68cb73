// RUN: lpu-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(lpu.program(lpu-allocate-sram))' | FileCheck %s
// RUN: lpu-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(lpu.program(lpu-allocate-sram{op-by-op}))' | FileCheck %s --check-prefix=BASELINE
// lpu-tiny: 8 MEM slices of 4096 vectors; mem[0..3] at slices 2..5 west of
// the VXM (slice 6), mem[4..7] at 7..10; MXM planes at slices 0 and 12.

// Buffers that are accessed go to the slices with the fewest accesses, so
// x and w are read in parallel; among equally loaded slices, the one
// nearest the units at the other end: w feeds mxm[0] (slice 0) and goes to
// mem[0]; x and the result meet the VXM and sit next to it.
// CHECK-LABEL: lpu.program @placement
// CHECK: lpu.buffer input "x" {address = 0 : i32, slice = 3 : i32} : tensor<4xf32>
// CHECK: lpu.buffer constant "w" {{.*}}{address = 0 : i32, slice = 0 : i32} : tensor<2x16xf32>
// CHECK: lpu.buffer output "y" {address = 0 : i32, slice = 4 : i32} : tensor<4xf32>
lpu.program @placement target("lpu-tiny") {
  %x = lpu.buffer input "x" : tensor<4xf32>
  %w = lpu.buffer constant "w" init(dense<1.0> : tensor<2x16xf32>) : tensor<2x16xf32>
  %y = lpu.buffer output "y" : tensor<4xf32>
  %w0 = lpu.mem.read %w[0] : !lpu.vector<f32>
  lpu.mxm.load_weights %w0 into row 0 {unit = 0 : i32} : !lpu.vector<f32>
  %w1 = lpu.mem.read %w[1] : !lpu.vector<f32>
  lpu.mxm.load_weights %w1 into row 1 {unit = 0 : i32} : !lpu.vector<f32>
  %a = lpu.mem.read %x[0] : !lpu.vector<f32>
  %r = lpu.vxm.relu %a : !lpu.vector<f32>
  lpu.mem.write %r, %y[0] : !lpu.vector<f32>
}

// -----

// A chain x -> t0 -> ... -> t8 of copies: slices whose traffic differs by
// less than one part's worth (64 accesses) count as equally loaded, so
// every buffer goes nearest the VXM (slice 6): to mem[3] or mem[4]. Each
// takes addresses no buffer used before, while the slice has them: over a
// dead buffer's, its writes would wait for that buffer's reads.
// CHECK-LABEL: lpu.program @reuse
// CHECK: lpu.buffer input "x" {address = 0 : i32, slice = 3 : i32}
// CHECK: lpu.buffer scratch "t0" {address = 0 : i32, slice = 4 : i32}
// CHECK: lpu.buffer scratch "t1" {address = 4 : i32, slice = 3 : i32}
// CHECK: lpu.buffer scratch "t2" {address = 4 : i32, slice = 4 : i32}
// CHECK: lpu.buffer scratch "t7" {address = 16 : i32, slice = 3 : i32}
// CHECK: lpu.buffer scratch "t8" {address = 16 : i32, slice = 4 : i32}
// The baseline (the foundation's placement) goes round-robin in program
// order and reuses nothing: t7 and t8 start a second round on slices 0, 1.
// BASELINE-LABEL: lpu.program @reuse
// BASELINE: lpu.buffer input "x" {address = 0 : i32, slice = 0 : i32}
// BASELINE: lpu.buffer scratch "t0" {address = 0 : i32, slice = 1 : i32}
// BASELINE: lpu.buffer scratch "t6" {address = 0 : i32, slice = 7 : i32}
// BASELINE: lpu.buffer scratch "t7" {address = 4 : i32, slice = 0 : i32}
// BASELINE: lpu.buffer scratch "t8" {address = 4 : i32, slice = 1 : i32}
lpu.program @reuse target("lpu-tiny") {
  %x = lpu.buffer input "x" : tensor<4xf32>
  %t0 = lpu.buffer scratch "t0" : tensor<4xf32>
  %t1 = lpu.buffer scratch "t1" : tensor<4xf32>
  %t2 = lpu.buffer scratch "t2" : tensor<4xf32>
  %t3 = lpu.buffer scratch "t3" : tensor<4xf32>
  %t4 = lpu.buffer scratch "t4" : tensor<4xf32>
  %t5 = lpu.buffer scratch "t5" : tensor<4xf32>
  %t6 = lpu.buffer scratch "t6" : tensor<4xf32>
  %t7 = lpu.buffer scratch "t7" : tensor<4xf32>
  %t8 = lpu.buffer scratch "t8" : tensor<4xf32>
  %x_v = lpu.mem.read %x[0] : !lpu.vector<f32>
  lpu.mem.write %x_v, %t0[0] : !lpu.vector<f32>
  %t0_v = lpu.mem.read %t0[0] : !lpu.vector<f32>
  lpu.mem.write %t0_v, %t1[0] : !lpu.vector<f32>
  %t1_v = lpu.mem.read %t1[0] : !lpu.vector<f32>
  lpu.mem.write %t1_v, %t2[0] : !lpu.vector<f32>
  %t2_v = lpu.mem.read %t2[0] : !lpu.vector<f32>
  lpu.mem.write %t2_v, %t3[0] : !lpu.vector<f32>
  %t3_v = lpu.mem.read %t3[0] : !lpu.vector<f32>
  lpu.mem.write %t3_v, %t4[0] : !lpu.vector<f32>
  %t4_v = lpu.mem.read %t4[0] : !lpu.vector<f32>
  lpu.mem.write %t4_v, %t5[0] : !lpu.vector<f32>
  %t5_v = lpu.mem.read %t5[0] : !lpu.vector<f32>
  lpu.mem.write %t5_v, %t6[0] : !lpu.vector<f32>
  %t6_v = lpu.mem.read %t6[0] : !lpu.vector<f32>
  lpu.mem.write %t6_v, %t7[0] : !lpu.vector<f32>
  %t7_v = lpu.mem.read %t7[0] : !lpu.vector<f32>
  lpu.mem.write %t7_v, %t8[0] : !lpu.vector<f32>
}

// -----

// Fresh addresses are taken only in a slice's lower half, which packing
// tightly keeps for large tensors: buffers whose contents are never live at
// once share addresses past it. t1 and t2 (2,800 of a slice's 4,096
// addresses each) take x's and t0's, dead once t0 and t1 are written.
// CHECK-LABEL: lpu.program @reuse_when_full
// CHECK: lpu.buffer input "x" {address = 0 : i32, slice = 3 : i32}
// CHECK: lpu.buffer scratch "t0" {address = 0 : i32, slice = 4 : i32}
// CHECK: lpu.buffer scratch "t1" {address = 0 : i32, slice = 3 : i32}
// CHECK: lpu.buffer scratch "t2" {address = 0 : i32, slice = 4 : i32}
// BASELINE-LABEL: lpu.program @reuse_when_full
lpu.program @reuse_when_full target("lpu-tiny") {
  %x = lpu.buffer input "x" : tensor<4xf32>
  %t0 = lpu.buffer scratch "t0" : tensor<700x16xf32>
  %t1 = lpu.buffer scratch "t1" : tensor<700x16xf32>
  %t2 = lpu.buffer scratch "t2" : tensor<700x16xf32>
  %y = lpu.buffer output "y" : tensor<4xf32>
  %x_v = lpu.mem.read %x[0] : !lpu.vector<f32>
  lpu.mem.write %x_v, %t0[0] : !lpu.vector<f32>
  %t0_v = lpu.mem.read %t0[0] : !lpu.vector<f32>
  lpu.mem.write %t0_v, %t1[0] : !lpu.vector<f32>
  %t1_v = lpu.mem.read %t1[0] : !lpu.vector<f32>
  lpu.mem.write %t1_v, %t2[0] : !lpu.vector<f32>
  %t2_v = lpu.mem.read %t2[0] : !lpu.vector<f32>
  lpu.mem.write %t2_v, %y[0] : !lpu.vector<f32>
}

// -----

// A full slice is skipped (1024 f32 vectors fill its 4096 addresses).
// CHECK-LABEL: lpu.program @skip_full
// CHECK: lpu.buffer scratch "big" {address = 0 : i32, slice = 0 : i32} : tensor<1024x16xf32>
// CHECK: lpu.buffer scratch "a" {address = 0 : i32, slice = 1 : i32}
// CHECK: lpu.buffer scratch "b" {address = 0 : i32, slice = 2 : i32}
lpu.program @skip_full target("lpu-tiny") {
  %big = lpu.buffer scratch "big" : tensor<1024x16xf32>
  %a = lpu.buffer scratch "a" : tensor<4xf32>
  %b = lpu.buffer scratch "b" : tensor<4xf32>
}

// -----

// A tensor larger than a slice spans two, rows alternating; an input too
// (i8 tensors: a vector takes one address).
// CHECK-LABEL: lpu.program @spans
// CHECK: lpu.buffer input "x" {address = 0 : i32, slice = [[S:[0-9]]] : i32, spread = array<i32: {{[0-9]}}, 0>} : tensor<5000x16xi8>
// CHECK: lpu.buffer scratch "huge" {address = 0 : i32, slice = {{[0-9]}} : i32, spread = array<i32: {{[0-9]}}, 0>} : tensor<4097x16xi8>
lpu.program @spans target("lpu-tiny") {
  %x = lpu.buffer input "x" : tensor<5000x16xi8>
  %big = lpu.buffer scratch "huge" : tensor<4097x16xi8>
}

// -----

// One row of 4097 vectors (i8: an address each) cannot be split over slices.
lpu.program @too_big target("lpu-tiny") {
  // expected-error @+1 {{tensor 'row' needs 4097 SRAM addresses; dealt over all 8 MEM slices in blocks of 1 rows, one slice would still hold 4097 of them, and a slice has 4096}}
  %big = lpu.buffer scratch "row" : tensor<1x65552xi8>
}

// -----

// Weights plus the peak of live tensors exceed SRAM: the error says by how
// much. s0..s6 are live together (never accessed, so never shared).
// expected-error @+1 {{the program needs 576.0 KiB of SRAM at its peak (weights 64.0 KiB, live tensors 512.0 KiB) but lpu-tiny holds 512.0 KiB; 64.0 KiB do not fit}}
lpu.program @overflow target("lpu-tiny") {
  %w = lpu.buffer constant "w" init(dense<1> : tensor<4096x16xi8>) : tensor<4096x16xi8>
  %0 = lpu.buffer scratch "s0" : tensor<4096x16xi8>
  %1 = lpu.buffer scratch "s1" : tensor<4096x16xi8>
  %2 = lpu.buffer scratch "s2" : tensor<4096x16xi8>
  %3 = lpu.buffer scratch "s3" : tensor<4096x16xi8>
  %4 = lpu.buffer scratch "s4" : tensor<4096x16xi8>
  %5 = lpu.buffer scratch "s5" : tensor<4096x16xi8>
  %6 = lpu.buffer scratch "s6" : tensor<4096x16xi8>
  %7 = lpu.buffer scratch "s7" : tensor<4096x16xi8>
}

// -----

// RUN: %python -c "import sys; print('lpu.program @spread target(\"lpu-tiny\") {'); print('  %x = lpu.buffer input \"x\" : tensor<40x16xf32>'); print('  %m = lpu.buffer scratch \"t\" : tensor<40x16xf32>'); print('  %o = lpu.buffer output \"o\" : tensor<40x16xf32>'); [print(f'  %a{r} = lpu.mem.read %x[{r}] : !lpu.vector<f32>\n  lpu.mem.write %a{r}, %m[{r}] : !lpu.vector<f32>') for r in range(40)]; [print(f'  %b{i}_{r} = lpu.mem.read %m[{r}] : !lpu.vector<f32>\n  lpu.mem.write %b{i}_{r}, %o[{r}] : !lpu.vector<f32>') for i in range(6) for r in range(40)]; print('}')" > %t.spread.mlir
// RUN: lpu-opt %t.spread.mlir --pass-pipeline='builtin.module(lpu.program(lpu-allocate-sram))' | FileCheck %s --check-prefix=SPREAD
// A scratch tensor with 280 accesses (more than 64 for one slice) is dealt
// over two slices (a quarter of lpu-tiny's, at most), rows alternating;
// inputs and outputs that fit one slice are not.
// SPREAD: lpu.buffer input "x" {address = 0 : i32, slice = {{[0-9]}} : i32} : tensor<40x16xf32>
// SPREAD: lpu.buffer scratch "t" {address = 0 : i32, slice = [[S0:[0-9]]] : i32, spread = array<i32: [[S1:[0-9]]], {{[0-9]+}}>} : tensor<40x16xf32>
// SPREAD: lpu.buffer output "o" {address = {{[0-9]+}} : i32, slice = {{[0-9]}} : i32} : tensor<40x16xf32>

// -----

// Six constants fill six of the eight slices. A tensor asking for eight
// parts (blocks of 500 rows) cannot have them; it gets the most parts that
// fit, two of 2,000 vectors on the slices left.
// CHECK-LABEL: lpu.program @fragmented
// CHECK: lpu.buffer scratch "t" {address = 0 : i32, block_rows = 500 : i64, min_parts = 8 : i64, slice = {{[0-9]+}} : i32, spread = array<i32: {{[0-9]+}}, 0>} : tensor<4000x16xi8>
lpu.program @fragmented target("lpu-tiny") {
  %c0 = lpu.buffer constant "c0" init(dense<1> : tensor<4000x16xi8>) : tensor<4000x16xi8>
  %c1 = lpu.buffer constant "c1" init(dense<1> : tensor<4000x16xi8>) : tensor<4000x16xi8>
  %c2 = lpu.buffer constant "c2" init(dense<1> : tensor<4000x16xi8>) : tensor<4000x16xi8>
  %c3 = lpu.buffer constant "c3" init(dense<1> : tensor<4000x16xi8>) : tensor<4000x16xi8>
  %c4 = lpu.buffer constant "c4" init(dense<1> : tensor<4000x16xi8>) : tensor<4000x16xi8>
  %c5 = lpu.buffer constant "c5" init(dense<1> : tensor<4000x16xi8>) : tensor<4000x16xi8>
  %t = lpu.buffer scratch "t" {block_rows = 500 : i64, min_parts = 8 : i64} : tensor<4000x16xi8>
}

// -----

// A buffer placed before (graph tensors, by tile-allocate-sram) keeps its
// place, and a buffer live at the same time keeps off its addresses: the
// part of "t" on slice 3 starts after "kept"'s four vectors (16 addresses).
// CHECK-LABEL: lpu.program @preplaced
// CHECK: lpu.buffer input "kept" {address = 0 : i32, slice = 3 : i32}
// CHECK: lpu.buffer scratch "t" {{{.*}}spread = array<i32: {{.*}}3, 16{{[,>]}}
lpu.program @preplaced target("lpu-tiny") {
  %k = lpu.buffer input "kept" {address = 0 : i32, slice = 3 : i32} : tensor<4x16xf32>
  %t = lpu.buffer scratch "t" {min_parts = 8 : i64} : tensor<8x16xf32>
  %a = lpu.mem.read %k[0] : !lpu.vector<f32>
  lpu.mem.write %a, %t[0] : !lpu.vector<f32>
  %b = lpu.mem.read %k[3] : !lpu.vector<f32>
  lpu.mem.write %b, %t[7] : !lpu.vector<f32>
}

// -----

// A state output takes its input's place, which nothing else takes.
// CHECK-LABEL: lpu.program @state
// CHECK: lpu.buffer input "s" {address = [[A:[0-9]+]] : i32, slice = [[S:[0-9]+]] : i32} : tensor<16xf32>
// CHECK: lpu.buffer output "n" {address = [[A]] : i32, slice = [[S]] : i32, state_of = "s"} : tensor<16xf32>
// BASELINE-LABEL: lpu.program @state
lpu.program @state target("lpu-tiny") {
  %s = lpu.buffer input "s" : tensor<16xf32>
  %x = lpu.buffer input "x" : tensor<16xf32>
  %n = lpu.buffer output "n" {state_of = "s"} : tensor<16xf32>
  %a = lpu.mem.read %s[0] : !lpu.vector<f32>
  %b = lpu.mem.read %x[0] : !lpu.vector<f32>
  %c = lpu.vxm.add %a, %b : !lpu.vector<f32>
  lpu.mem.write %c, %n[0] : !lpu.vector<f32>
}
