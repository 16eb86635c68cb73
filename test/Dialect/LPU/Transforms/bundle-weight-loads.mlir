// RUN: lpu-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(lpu.program(lpu-bundle-weight-loads))' | FileCheck %s
// RUN: lpu-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(lpu.program(lpu-bundle-weight-loads,lpu-schedule,lpu-verify-schedule))' | FileCheck %s --check-prefix=SCHED
// lpu-tiny loads 8 bytes per lane a cycle into a plane: two f32 rows, four
// f16 or eight i8 rows per `lw`.

// Rows dealt over two slices: rows 0 and 1, and rows 2 and 3, come from
// different slices and are loaded in pairs; each pair's `lw` takes the place
// of the second load. Scheduled, the second row rides on the stream group
// after the first's, and the two reads arrive at the plane together.
// CHECK-LABEL: lpu.program @pairs
// CHECK: %[[R0:.*]] = lpu.mem.read %{{.*}}[0]
// CHECK: %[[R1:.*]] = lpu.mem.read %{{.*}}[1]
// CHECK-NEXT: lpu.mxm.load_weights %[[R0]], %[[R1]] into row 0 {unit = 0 : i32} : !lpu.vector<f32>, !lpu.vector<f32>
// CHECK: %[[R2:.*]] = lpu.mem.read %{{.*}}[2]
// CHECK: %[[R3:.*]] = lpu.mem.read %{{.*}}[3]
// CHECK-NEXT: lpu.mxm.load_weights %[[R2]], %[[R3]] into row 2 {unit = 0 : i32}
// CHECK-NEXT: lpu.mxm.install rows 4
// (mem[0] is slice 2, mem[1] slice 3, plane 0 slice 0; an f32 read holds
// its slice's bank ports for two cycles, so a pair every two cycles.)
// SCHED-LABEL: lpu.program @pairs target("lpu-tiny") attributes {cycles = 10 : i64}
// SCHED: lpu.mem.read %{{.*}}[0] {cycle = 1 : i64, stream = 16 : i32, unit = 0 : i32}
// SCHED: lpu.mem.read %{{.*}}[1] {cycle = 0 : i64, stream = 20 : i32, unit = 1 : i32}
// SCHED: lpu.mxm.load_weights {{.*}} into row 0 {cycle = 5 : i64, unit = 0 : i32}
// SCHED: lpu.mxm.load_weights {{.*}} into row 2 {cycle = 7 : i64, unit = 0 : i32}
lpu.program @pairs target("lpu-tiny") {
  %w = lpu.buffer constant "w" init(dense<1.0> : tensor<4x16xf32>) {slice = 0 : i32, address = 0 : i32, spread = array<i32: 1, 0>} : tensor<4x16xf32>
  %r0 = lpu.mem.read %w[0] : !lpu.vector<f32>
  lpu.mxm.load_weights %r0 into row 0 {unit = 0 : i32} : !lpu.vector<f32>
  %r1 = lpu.mem.read %w[1] : !lpu.vector<f32>
  lpu.mxm.load_weights %r1 into row 1 {unit = 0 : i32} : !lpu.vector<f32>
  %r2 = lpu.mem.read %w[2] : !lpu.vector<f32>
  lpu.mxm.load_weights %r2 into row 2 {unit = 0 : i32} : !lpu.vector<f32>
  %r3 = lpu.mem.read %w[3] : !lpu.vector<f32>
  lpu.mxm.load_weights %r3 into row 3 {unit = 0 : i32} : !lpu.vector<f32>
  lpu.mxm.install rows 4 {unit = 0 : i32} : f32
}

// -----

// Rows of one slice stay one per `lw`: their reads would need the slice's
// queue in the same cycle.
// CHECK-LABEL: lpu.program @one_slice
// CHECK-COUNT-2: lpu.mxm.load_weights %{{[0-9a-z_]+}} into row
lpu.program @one_slice target("lpu-tiny") {
  %w = lpu.buffer constant "w" init(dense<1.0> : tensor<2x16xf32>) {slice = 0 : i32, address = 0 : i32} : tensor<2x16xf32>
  %r0 = lpu.mem.read %w[0] : !lpu.vector<f32>
  lpu.mxm.load_weights %r0 into row 0 {unit = 0 : i32} : !lpu.vector<f32>
  %r1 = lpu.mem.read %w[1] : !lpu.vector<f32>
  lpu.mxm.load_weights %r1 into row 1 {unit = 0 : i32} : !lpu.vector<f32>
  lpu.mxm.install rows 2 {unit = 0 : i32} : f32
}

// -----

// Eight i8 rows on eight slices: one `lw` could take them all, but a load
// takes at most six rows (their consecutive streams are hard to find free
// together), so six, then two. Loads for another plane in between do not
// interrupt a group; an install, or a row that does not follow, ends one.
// CHECK-LABEL: lpu.program @i8_rows
// CHECK: lpu.mxm.load_weights %{{.*}} into row 0 {unit = 1 : i32} : !lpu.vector<i8>
// CHECK: lpu.mxm.load_weights %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} into row 0 {unit = 0 : i32} : !lpu.vector<i8>, !lpu.vector<i8>, !lpu.vector<i8>, !lpu.vector<i8>, !lpu.vector<i8>, !lpu.vector<i8>
// CHECK: lpu.mxm.load_weights %{{.*}}, %{{.*}} into row 6 {unit = 0 : i32} : !lpu.vector<i8>, !lpu.vector<i8>
// CHECK-NEXT: lpu.mxm.install rows 8 {unit = 0 : i32} : i8
// CHECK: lpu.mxm.load_weights %{{[0-9a-z_]+}} into row 2 {unit = 1 : i32}
lpu.program @i8_rows target("lpu-tiny") {
  %w = lpu.buffer constant "w" init(dense<1> : tensor<8x16xi8>) {slice = 0 : i32, address = 0 : i32, spread = array<i32: 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0>} : tensor<8x16xi8>
  %v = lpu.buffer constant "v" init(dense<1> : tensor<8x16xi8>) {slice = 0 : i32, address = 8 : i32, spread = array<i32: 1, 8, 2, 8, 3, 8, 4, 8, 5, 8, 6, 8, 7, 8>} : tensor<8x16xi8>
  %r0 = lpu.mem.read %w[0] : !lpu.vector<i8>
  lpu.mxm.load_weights %r0 into row 0 {unit = 0 : i32} : !lpu.vector<i8>
  %q0 = lpu.mem.read %v[0] : !lpu.vector<i8>
  lpu.mxm.load_weights %q0 into row 0 {unit = 1 : i32} : !lpu.vector<i8>
  %r1 = lpu.mem.read %w[1] : !lpu.vector<i8>
  lpu.mxm.load_weights %r1 into row 1 {unit = 0 : i32} : !lpu.vector<i8>
  %r2 = lpu.mem.read %w[2] : !lpu.vector<i8>
  lpu.mxm.load_weights %r2 into row 2 {unit = 0 : i32} : !lpu.vector<i8>
  %r3 = lpu.mem.read %w[3] : !lpu.vector<i8>
  lpu.mxm.load_weights %r3 into row 3 {unit = 0 : i32} : !lpu.vector<i8>
  %r4 = lpu.mem.read %w[4] : !lpu.vector<i8>
  lpu.mxm.load_weights %r4 into row 4 {unit = 0 : i32} : !lpu.vector<i8>
  %r5 = lpu.mem.read %w[5] : !lpu.vector<i8>
  lpu.mxm.load_weights %r5 into row 5 {unit = 0 : i32} : !lpu.vector<i8>
  %r6 = lpu.mem.read %w[6] : !lpu.vector<i8>
  lpu.mxm.load_weights %r6 into row 6 {unit = 0 : i32} : !lpu.vector<i8>
  %r7 = lpu.mem.read %w[7] : !lpu.vector<i8>
  lpu.mxm.load_weights %r7 into row 7 {unit = 0 : i32} : !lpu.vector<i8>
  lpu.mxm.install rows 8 {unit = 0 : i32} : i8
  %q2 = lpu.mem.read %v[2] : !lpu.vector<i8>
  lpu.mxm.load_weights %q2 into row 2 {unit = 1 : i32} : !lpu.vector<i8>
  lpu.mxm.install rows 3 {unit = 1 : i32} : i8
}

// -----

// expected-error @+1 {{the program is scheduled already}}
lpu.program @scheduled target("lpu-tiny") {
  %w = lpu.buffer constant "w" init(dense<1.0> : tensor<1x16xf32>) {slice = 0 : i32, address = 0 : i32} : tensor<1x16xf32>
  %r0 = lpu.mem.read %w[0] {cycle = 0 : i64, stream = 16 : i32, unit = 0 : i32} : !lpu.vector<f32>
  lpu.mxm.load_weights %r0 into row 0 {cycle = 4 : i64, unit = 0 : i32} : !lpu.vector<f32>
}
