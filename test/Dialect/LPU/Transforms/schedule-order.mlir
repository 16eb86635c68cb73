// RUN: lpu-opt %s -split-input-file --pass-pipeline='builtin.module(lpu.program(lpu-schedule{order=program},lpu-verify-schedule))' | FileCheck %s --check-prefixes=CHECK,PROGRAM
// RUN: lpu-opt %s -split-input-file --pass-pipeline='builtin.module(lpu.program(lpu-schedule{order=critical-path},lpu-verify-schedule))' | FileCheck %s --check-prefixes=CHECK,PATH
// RUN: lpu-opt %s -split-input-file --pass-pipeline='builtin.module(lpu.program(lpu-schedule{order=best},lpu-verify-schedule))' | FileCheck %s --check-prefixes=CHECK,PATH
// RUN: lpu-opt %s -split-input-file --pass-pipeline='builtin.module(lpu.program(lpu-schedule,lpu-verify-schedule))' | FileCheck %s --check-prefixes=CHECK,PROGRAM
// The order lpu-schedule places trees in (lpu-tiny; see schedule.mlir for
// its latencies). `best` keeps the schedule with fewer cycles; the default,
// `auto`, keeps program order for these programs, which only the VXM
// computes in.

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
