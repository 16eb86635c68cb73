// RUN: lpu-opt %s -split-input-file --pass-pipeline='builtin.module(lpu.program(lpu-schedule{order=program},lpu-verify-schedule))' | FileCheck %s --check-prefixes=CHECK,PROGRAM
// RUN: lpu-opt %s -split-input-file --pass-pipeline='builtin.module(lpu.program(lpu-schedule{order=critical-path},lpu-verify-schedule))' | FileCheck %s --check-prefixes=CHECK,PATH
// RUN: lpu-opt %s -split-input-file --pass-pipeline='builtin.module(lpu.program(lpu-schedule{order=best},lpu-verify-schedule))' | FileCheck %s --check-prefixes=CHECK,PATH
// RUN: lpu-opt %s -split-input-file --pass-pipeline='builtin.module(lpu.program(lpu-schedule,lpu-verify-schedule))' | FileCheck %s --check-prefixes=CHECK,PATH
// The order lpu-schedule places trees in (lpu-tiny; see schedule.mlir for
// its latencies). `best` keeps the schedule with fewer cycles; the default
// is critical path.

// Two trees read x on mem[0], whose bank ports an f32 read holds for two
// cycles. Program order reads x[0] first; by critical path, x[1] goes first,
// since its tree's result is read again (through t) and x[0]'s is not.
// CHECK-LABEL: lpu.program @longer_chain_first
// PROGRAM-SAME: cycles = 26
// PATH-SAME: cycles = 24
// PROGRAM: lpu.mem.read %{{.*}}[0] {cycle = 0 : i64
// PATH: lpu.mem.read %{{.*}}[0] {cycle = 2 : i64
// CHECK: lpu.vxm.add
// CHECK: lpu.mem.write
// PROGRAM: lpu.mem.read %{{.*}}[1] {cycle = 2 : i64
// PATH: lpu.mem.read %{{.*}}[1] {cycle = 0 : i64
lpu.program @longer_chain_first target("lpu-tiny") {
  %x = lpu.buffer input "x" {slice = 0 : i32, address = 0 : i32} : tensor<2x4xf32>
  %t = lpu.buffer scratch "t" {slice = 1 : i32, address = 0 : i32} : tensor<4xf32>
  %o = lpu.buffer output "o" {slice = 2 : i32, address = 0 : i32} : tensor<2x4xf32>
  %a = lpu.mem.read %x[0] : !lpu.vector<f32>
  %a2 = lpu.vxm.add %a, %a : !lpu.vector<f32>
  lpu.mem.write %a2, %o[0] : !lpu.vector<f32>
  %b = lpu.mem.read %x[1] : !lpu.vector<f32>
  %b2 = lpu.vxm.add %b, %b : !lpu.vector<f32>
  lpu.mem.write %b2, %t[0] : !lpu.vector<f32>
  %c = lpu.mem.read %t[0] : !lpu.vector<f32>
  %c2 = lpu.vxm.add %c, %c : !lpu.vector<f32>
  lpu.mem.write %c2, %o[1] : !lpu.vector<f32>
}

// -----

// The tree that overwrites y has the longer chain after it, but the relu's
// read of y's earlier value comes first in program order, so it is placed
// first: the read issues before the overwrite lands, in either order.
// CHECK-LABEL: lpu.program @overwrite_after_read
// CHECK-SAME: cycles = 26
// CHECK: lpu.mem.read %{{.*}}[0] {cycle = 6 : i64
// CHECK-NEXT: lpu.vxm.relu
// CHECK: lpu.mem.write %{{.*}}, %{{.*}}[0] {cycle = 13 : i64
lpu.program @overwrite_after_read target("lpu-tiny") {
  %x = lpu.buffer input "x" {slice = 0 : i32, address = 0 : i32} : tensor<4xf32>
  %y = lpu.buffer scratch "y" {slice = 1 : i32, address = 0 : i32} : tensor<4xf32>
  %o = lpu.buffer output "o" {slice = 2 : i32, address = 0 : i32} : tensor<2x4xf32>
  %i = lpu.mem.read %x[0] : !lpu.vector<f32>
  lpu.mem.write %i, %y[0] : !lpu.vector<f32>
  %a = lpu.mem.read %y[0] : !lpu.vector<f32>
  %a2 = lpu.vxm.relu %a : !lpu.vector<f32>
  lpu.mem.write %a2, %o[0] : !lpu.vector<f32>
  %b = lpu.mem.read %x[0] : !lpu.vector<f32>
  %b2 = lpu.vxm.add %b, %b : !lpu.vector<f32>
  lpu.mem.write %b2, %y[0] : !lpu.vector<f32>
  %c = lpu.mem.read %y[0] : !lpu.vector<f32>
  %c2 = lpu.vxm.add %c, %c : !lpu.vector<f32>
  lpu.mem.write %c2, %o[1] : !lpu.vector<f32>
}

// -----

// Six products on plane 0 read x on mem[0], and a chain of three VXM trees
// (y -> t -> u -> o) reads t there too. A plane's chain counts each
// product's occupancy (one cycle), not its latency: the products' ranks
// (12 down to 7) stay below the VXM chain's (15, then 10 for t's reader),
// so t's read takes mem[0] at cycle 15 and the fifth product waits, and the
// chain ends at 39. (Counting each product's whole latency ranked the
// products 42 down to 7, read t at 17, and took 41 cycles.)
// CHECK-LABEL: lpu.program @plane_work_left
// PROGRAM-SAME: cycles = 55
// PATH-SAME: cycles = 39
// PATH: lpu.mem.read %{{.*}}[4] {cycle = 17 : i64
// PATH: lpu.mem.read %{{.*}}[0] {cycle = 15 : i64, stream = {{[0-9]+}} : i32, unit = 0 : i32}
lpu.program @plane_work_left target("lpu-tiny") {
  %x = lpu.buffer input "x" {slice = 0 : i32, address = 0 : i32} : tensor<6x2xf32>
  %w = lpu.buffer input "w" {slice = 1 : i32, address = 0 : i32} : tensor<2x2xf32>
  %y = lpu.buffer input "y" {slice = 0 : i32, address = 8 : i32} : tensor<2xf32>
  %t = lpu.buffer scratch "t" {slice = 0 : i32, address = 12 : i32} : tensor<2xf32>
  %u = lpu.buffer scratch "u" {slice = 1 : i32, address = 8 : i32} : tensor<2xf32>
  %o = lpu.buffer output "o" {slice = 2 : i32, address = 0 : i32} : tensor<7x2xf32>
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
  %a3 = lpu.mem.read %x[3] : !lpu.vector<f32>
  %m3 = lpu.mxm.matmul %a3 {unit = 0 : i32} : !lpu.vector<f32> -> !lpu.vector<f32>
  lpu.mem.write %m3, %o[3] : !lpu.vector<f32>
  %a4 = lpu.mem.read %x[4] : !lpu.vector<f32>
  %m4 = lpu.mxm.matmul %a4 {unit = 0 : i32} : !lpu.vector<f32> -> !lpu.vector<f32>
  lpu.mem.write %m4, %o[4] : !lpu.vector<f32>
  %a5 = lpu.mem.read %x[5] : !lpu.vector<f32>
  %m5 = lpu.mxm.matmul %a5 {unit = 0 : i32} : !lpu.vector<f32> -> !lpu.vector<f32>
  lpu.mem.write %m5, %o[5] : !lpu.vector<f32>
  %b = lpu.mem.read %y[0] : !lpu.vector<f32>
  %b2 = lpu.vxm.add %b, %b : !lpu.vector<f32>
  lpu.mem.write %b2, %t[0] : !lpu.vector<f32>
  %c = lpu.mem.read %t[0] : !lpu.vector<f32>
  %c2 = lpu.vxm.add %c, %c : !lpu.vector<f32>
  lpu.mem.write %c2, %u[0] : !lpu.vector<f32>
  %d = lpu.mem.read %u[0] : !lpu.vector<f32>
  %d2 = lpu.vxm.add %d, %d : !lpu.vector<f32>
  lpu.mem.write %d2, %o[6] : !lpu.vector<f32>
}
