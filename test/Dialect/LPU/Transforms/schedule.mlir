// RUN: lpu-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(lpu.program(lpu-schedule,lpu-verify-schedule))' | FileCheck %s
// Exact cycles on lpu-tiny: read 2, write 1, VXM 2, LW 1, IW 2, matmul 4;
// slices: mxm[0] 0, mem[0..3] 2..5, VXM 6; values move one slice per cycle.
// An f32 vector takes a group of four streams (east 0..15, west 16..31) and
// four addresses, and holds both bank ports of its slice for two cycles.

// Operands on two slices arrive at the VXM (slice 6) together: x from mem[0]
// (slice 2) is read a cycle before y from mem[1] (slice 3). The sum travels
// west to mem[2] (slice 4) on w0..w3 (streams 16..19).
// CHECK-LABEL: lpu.program @parallel_reads target("lpu-tiny") attributes {cycles = 11 : i64}
// CHECK: lpu.mem.read %{{.*}}[0] {cycle = 0 : i64, stream = 0 : i32, unit = 0 : i32}
// CHECK: lpu.mem.read %{{.*}}[0] {cycle = 1 : i64, stream = 4 : i32, unit = 1 : i32}
// CHECK: lpu.vxm.add {{.*}} {cycle = 6 : i64, stream = 16 : i32, unit = 0 : i32}
// CHECK: lpu.mem.write {{.*}} {cycle = 10 : i64, unit = 2 : i32}
lpu.program @parallel_reads target("lpu-tiny") {
  %x = lpu.buffer input "x" {slice = 0 : i32, address = 0 : i32} : tensor<4xf32>
  %y = lpu.buffer input "y" {slice = 1 : i32, address = 0 : i32} : tensor<4xf32>
  %o = lpu.buffer output "o" {slice = 2 : i32, address = 0 : i32} : tensor<4xf32>
  %a = lpu.mem.read %x[0] : !lpu.vector<f32>
  %b = lpu.mem.read %y[0] : !lpu.vector<f32>
  %s = lpu.vxm.add %a, %b : !lpu.vector<f32>
  lpu.mem.write %s, %o[0] : !lpu.vector<f32>
}

// -----

// Both operands in one slice would need its queue in the same cycle: one is
// read earlier and retimed through a VXM move.
// CHECK-LABEL: lpu.program @same_slice target("lpu-tiny") attributes {cycles = 14 : i64}
// CHECK: %[[A:.*]] = lpu.mem.read %{{.*}}[0] {cycle = 2 : i64, stream = 0 : i32, unit = 0 : i32}
// CHECK: %[[B:.*]] = lpu.mem.read %{{.*}}[1] {cycle = 0 : i64, stream = 0 : i32, unit = 0 : i32}
// CHECK: %[[M:.*]] = lpu.vxm.move %[[B]] {cycle = 6 : i64
// CHECK: lpu.vxm.add %[[A]], %[[M]] {cycle = 8 : i64
// CHECK: lpu.mem.write {{.*}} {cycle = 13 : i64
lpu.program @same_slice target("lpu-tiny") {
  %x = lpu.buffer input "x" {slice = 0 : i32, address = 0 : i32} : tensor<2x4xf32>
  %o = lpu.buffer output "o" {slice = 1 : i32, address = 0 : i32} : tensor<4xf32>
  %a = lpu.mem.read %x[0] : !lpu.vector<f32>
  %b = lpu.mem.read %x[1] : !lpu.vector<f32>
  %s = lpu.vxm.add %a, %b : !lpu.vector<f32>
  lpu.mem.write %s, %o[0] : !lpu.vector<f32>
}

// -----

// Weight rows travel west from mem[1] (slice 3) to mxm[0] (slice 0), load one
// every other cycle (an f32 row holds the slice's bank ports for two), install
// once both landed; x is read just in time to stream through the array when
// it is ready.
// CHECK-LABEL: lpu.program @mxm target("lpu-tiny") attributes {cycles = 19 : i64}
// CHECK: lpu.mem.read %{{.*}}[0] {cycle = 0 : i64, stream = 16 : i32, unit = 1 : i32}
// CHECK: lpu.mxm.load_weights {{.*}} {cycle = 5 : i64, unit = 0 : i32}
// CHECK: lpu.mem.read %{{.*}}[1] {cycle = 2 : i64, stream = 16 : i32, unit = 1 : i32}
// CHECK: lpu.mxm.load_weights {{.*}} {cycle = 7 : i64, unit = 0 : i32}
// CHECK: lpu.mxm.install rows 2 {cycle = 8 : i64, unit = 0 : i32}
// CHECK: lpu.mem.read {{.*}} {cycle = 6 : i64, stream = 16 : i32, unit = 0 : i32}
// CHECK: lpu.mxm.matmul {{.*}} {cycle = 10 : i64, stream = 0 : i32, unit = 0 : i32}
// CHECK: lpu.mem.write {{.*}} {cycle = 18 : i64, unit = 2 : i32}
lpu.program @mxm target("lpu-tiny") {
  %x = lpu.buffer input "x" {slice = 0 : i32, address = 0 : i32} : tensor<1x2xf32>
  %w = lpu.buffer input "w" {slice = 1 : i32, address = 0 : i32} : tensor<2x2xf32>
  %o = lpu.buffer output "o" {slice = 2 : i32, address = 0 : i32} : tensor<1x2xf32>
  %w0 = lpu.mem.read %w[0] : !lpu.vector<f32>
  lpu.mxm.load_weights %w0 into row 0 {unit = 0 : i32} : !lpu.vector<f32>
  %w1 = lpu.mem.read %w[1] : !lpu.vector<f32>
  lpu.mxm.load_weights %w1 into row 1 {unit = 0 : i32} : !lpu.vector<f32>
  lpu.mxm.install rows 2 {unit = 0 : i32} : f32
  %a = lpu.mem.read %x[0] : !lpu.vector<f32>
  %m = lpu.mxm.matmul %a {unit = 0 : i32} : !lpu.vector<f32> -> !lpu.vector<f32>
  lpu.mem.write %m, %o[0] : !lpu.vector<f32>
}

// -----

// A read after a write of the same vector waits for the write to land (at 4),
// and two more cycles because the write holds the bank ports then; the
// second write lands after the read issued.
// CHECK-LABEL: lpu.program @memory_order target("lpu-tiny") attributes {cycles = 17 : i64}
// CHECK: lpu.mem.write {{.*}} {cycle = 3 : i64, unit = 1 : i32}
// CHECK: lpu.mem.read %{{.*}}[0] {cycle = 6 : i64
// CHECK: lpu.vxm.relu {{.*}} {cycle = 11 : i64
// CHECK: lpu.mem.write {{.*}} {cycle = 16 : i64, unit = 1 : i32}
lpu.program @memory_order target("lpu-tiny") {
  %x = lpu.buffer input "x" {slice = 0 : i32, address = 0 : i32} : tensor<4xf32>
  %t = lpu.buffer scratch "t" {slice = 1 : i32, address = 0 : i32} : tensor<4xf32>
  %a = lpu.mem.read %x[0] : !lpu.vector<f32>
  lpu.mem.write %a, %t[0] : !lpu.vector<f32>
  %b = lpu.mem.read %t[0] : !lpu.vector<f32>
  %c = lpu.vxm.relu %b : !lpu.vector<f32>
  lpu.mem.write %c, %t[0] : !lpu.vector<f32>
}

// -----

// One instruction reads one value for both operands from one stream slot.
// CHECK-LABEL: lpu.program @square
// CHECK: %[[A:.*]] = lpu.mem.read %{{.*}}[0] {cycle = 0 : i64
// CHECK-NEXT: lpu.vxm.mul %[[A]], %[[A]] {cycle = 6 : i64
lpu.program @square target("lpu-tiny") {
  %x = lpu.buffer input "x" {slice = 0 : i32, address = 0 : i32} : tensor<4xf32>
  %o = lpu.buffer output "o" {slice = 1 : i32, address = 0 : i32} : tensor<4xf32>
  %a = lpu.mem.read %x[0] : !lpu.vector<f32>
  %s = lpu.vxm.mul %a, %a : !lpu.vector<f32>
  lpu.mem.write %s, %o[0] : !lpu.vector<f32>
}

// -----

// A value two instructions read is recomputed: each read feeds one consumer
// on time, on its own stream slot.
// CHECK-LABEL: lpu.program @shared_value
// CHECK-COUNT-2: lpu.mem.read %{{.*}}[0]
// CHECK-NOT: lpu.mem.read
lpu.program @shared_value target("lpu-tiny") {
  %x = lpu.buffer input "x" {slice = 0 : i32, address = 0 : i32} : tensor<4xf32>
  %o = lpu.buffer output "o" {slice = 1 : i32, address = 0 : i32} : tensor<4xf32>
  %p = lpu.buffer output "p" {slice = 2 : i32, address = 0 : i32} : tensor<4xf32>
  %a = lpu.mem.read %x[0] : !lpu.vector<f32>
  %r = lpu.vxm.relu %a : !lpu.vector<f32>
  lpu.mem.write %r, %o[0] : !lpu.vector<f32>
  lpu.mem.write %a, %p[0] : !lpu.vector<f32>
}

// -----

lpu.program @unallocated target("lpu-tiny") {
  // expected-error @+1 {{buffer 'x' has no SRAM address; run lpu-allocate-sram first}}
  %x = lpu.buffer input "x" : tensor<4xf32>
}

// -----

// A VXM result read by a VXM instruction stays in its ALU: stream 128 + the
// ALU's index names that ALU's latch, and the reader issues in the cycle the
// result lands there (6 + 2). Only the value bound for SRAM takes a stream.
// CHECK-LABEL: lpu.program @chained
// CHECK: lpu.vxm.sub {{.*}} {cycle = 6 : i64, stream = 128 : i32, unit = 0 : i32}
// CHECK: lpu.vxm.relu {{.*}} {cycle = 8 : i64, stream = 128 : i32, unit = 0 : i32}
// CHECK: lpu.vxm.mul {{.*}} {cycle = 10 : i64, stream = {{[0-9]+}} : i32, unit = 0 : i32}
lpu.program @chained target("lpu-tiny") {
  %x = lpu.buffer input "x" {slice = 0 : i32, address = 0 : i32} : tensor<4xf32>
  %y = lpu.buffer input "y" {slice = 1 : i32, address = 0 : i32} : tensor<4xf32>
  %o = lpu.buffer output "o" {slice = 2 : i32, address = 0 : i32} : tensor<4xf32>
  %a = lpu.mem.read %x[0] : !lpu.vector<f32>
  %b = lpu.mem.read %y[0] : !lpu.vector<f32>
  %d = lpu.vxm.sub %a, %b : !lpu.vector<f32>
  %r = lpu.vxm.relu %d : !lpu.vector<f32>
  %s = lpu.vxm.mul %r, %r : !lpu.vector<f32>
  lpu.mem.write %s, %o[0] : !lpu.vector<f32>
}

// -----

// A plane's weight loads and installs have their own queue (mxw): the next
// weights load (at 7) while the products of the installed ones stream (8,
// 10, 12); the install waits for the last of them.
// CHECK-LABEL: lpu.program @load_while_streaming target("lpu-tiny") attributes {cycles = 24 : i64}
// CHECK: lpu.mxm.install rows 1 {cycle = 6 : i64, unit = 0 : i32}
// CHECK: lpu.mxm.matmul {{.*}} {cycle = 8 : i64
// CHECK: lpu.mxm.matmul {{.*}} {cycle = 10 : i64
// CHECK: lpu.mxm.matmul {{.*}} {cycle = 12 : i64
// CHECK: lpu.mxm.load_weights {{.*}} {cycle = 7 : i64, unit = 0 : i32}
// CHECK: lpu.mxm.install rows 1 {cycle = 13 : i64, unit = 0 : i32}
// CHECK: lpu.mxm.matmul {{.*}} {cycle = 15 : i64
lpu.program @load_while_streaming target("lpu-tiny") {
  %x = lpu.buffer input "x" {slice = 0 : i32, address = 0 : i32} : tensor<4x2xf32>
  %w = lpu.buffer input "w" {slice = 1 : i32, address = 0 : i32} : tensor<2x2xf32>
  %v = lpu.buffer input "v" {slice = 3 : i32, address = 0 : i32} : tensor<2x2xf32>
  %o = lpu.buffer output "o" {slice = 2 : i32, address = 0 : i32} : tensor<5x2xf32>
  %w0 = lpu.mem.read %w[0] : !lpu.vector<f32>
  lpu.mxm.load_weights %w0 into row 0 {unit = 0 : i32} : !lpu.vector<f32>
  lpu.mxm.install rows 1 {unit = 0 : i32} : f32
  %a0 = lpu.mem.read %x[0] : !lpu.vector<f32>
  %m0 = lpu.mxm.matmul %a0 {unit = 0 : i32} : !lpu.vector<f32> -> !lpu.vector<f32>
  lpu.mem.write %m0, %o[0] : !lpu.vector<f32>
  %a1 = lpu.mem.read %x[1] : !lpu.vector<f32>
  %m1 = lpu.mxm.matmul %a1 {unit = 0 : i32} : !lpu.vector<f32> -> !lpu.vector<f32>
  lpu.mem.write %m1, %o[1] : !lpu.vector<f32>
  %a2 = lpu.mem.read %x[2] : !lpu.vector<f32>
  %m2 = lpu.mxm.matmul %a2 {unit = 0 : i32} : !lpu.vector<f32> -> !lpu.vector<f32>
  lpu.mem.write %m2, %o[2] : !lpu.vector<f32>
  %v0 = lpu.mem.read %v[0] : !lpu.vector<f32>
  lpu.mxm.load_weights %v0 into row 0 {unit = 0 : i32} : !lpu.vector<f32>
  lpu.mxm.install rows 1 {unit = 0 : i32} : f32
  %a3 = lpu.mem.read %x[3] : !lpu.vector<f32>
  %m3 = lpu.mxm.matmul %a3 {unit = 0 : i32} : !lpu.vector<f32> -> !lpu.vector<f32>
  lpu.mem.write %m3, %o[3] : !lpu.vector<f32>
}
