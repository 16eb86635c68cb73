// RUN: lpu-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(lpu.program(lpu-allocate-sram))' | FileCheck %s

// Buffers go round-robin over MEM slices, each in one slice.
// CHECK-LABEL: lpu.program @round_robin
// CHECK: lpu.buffer input "x" {address = 0 : i32, slice = 0 : i32} : tensor<2x20xf32>
// CHECK: lpu.buffer output "y" {address = 0 : i32, slice = 1 : i32} : tensor<4xf32>
// CHECK: lpu.buffer scratch "t0" {address = 0 : i32, slice = 2 : i32} : tensor<40x16xf32>
// CHECK: lpu.buffer scratch "t1" {address = 0 : i32, slice = 3 : i32}
// CHECK: lpu.buffer scratch "t2" {address = 0 : i32, slice = 4 : i32}
// CHECK: lpu.buffer scratch "t3" {address = 0 : i32, slice = 5 : i32}
// CHECK: lpu.buffer scratch "t4" {address = 0 : i32, slice = 6 : i32}
// CHECK: lpu.buffer scratch "t5" {address = 0 : i32, slice = 7 : i32}
// CHECK: lpu.buffer scratch "t6" {address = 4 : i32, slice = 0 : i32} : tensor<4xf32>
// CHECK: lpu.buffer scratch "t7" {address = 1 : i32, slice = 1 : i32} : tensor<4xf32>
lpu.program @round_robin target("lpu-tiny") {
  %x = lpu.buffer input "x" : tensor<2x20xf32>
  %y = lpu.buffer output "y" : tensor<4xf32>
  %t0 = lpu.buffer scratch "t0" : tensor<40x16xf32>
  %t1 = lpu.buffer scratch "t1" : tensor<4xf32>
  %t2 = lpu.buffer scratch "t2" : tensor<4xf32>
  %t3 = lpu.buffer scratch "t3" : tensor<4xf32>
  %t4 = lpu.buffer scratch "t4" : tensor<4xf32>
  %t5 = lpu.buffer scratch "t5" : tensor<4xf32>
  %t6 = lpu.buffer scratch "t6" : tensor<4xf32>
  %t7 = lpu.buffer scratch "t7" : tensor<4xf32>
}

// -----

// A full slice is skipped.
// CHECK-LABEL: lpu.program @skip_full
// CHECK: lpu.buffer scratch "big" {address = 0 : i32, slice = 0 : i32} : tensor<4096x16xf32>
// CHECK: lpu.buffer scratch "a" {address = 0 : i32, slice = 1 : i32}
// CHECK: lpu.buffer scratch "b" {address = 0 : i32, slice = 2 : i32}
lpu.program @skip_full target("lpu-tiny") {
  %big = lpu.buffer scratch "big" : tensor<4096x16xf32>
  %a = lpu.buffer scratch "a" : tensor<4xf32>
  %b = lpu.buffer scratch "b" : tensor<4xf32>
}

// -----

lpu.program @too_big target("lpu-tiny") {
  // expected-error @+1 {{tensor 'huge' needs 4097 SRAM vectors but a MEM slice holds 4096; tensors spanning slices are not supported yet}}
  %big = lpu.buffer scratch "huge" : tensor<4097x16xf32>
}

// -----

// expected-error @+1 {{the program needs 4096 more SRAM vectors (262144 bytes) than fit on lpu-tiny (32768 vectors of 16 x f32)}}
lpu.program @overflow target("lpu-tiny") {
  %0 = lpu.buffer scratch "s0" : tensor<4096x16xf32>
  %1 = lpu.buffer scratch "s1" : tensor<4096x16xf32>
  %2 = lpu.buffer scratch "s2" : tensor<4096x16xf32>
  %3 = lpu.buffer scratch "s3" : tensor<4096x16xf32>
  %4 = lpu.buffer scratch "s4" : tensor<4096x16xf32>
  %5 = lpu.buffer scratch "s5" : tensor<4096x16xf32>
  %6 = lpu.buffer scratch "s6" : tensor<4096x16xf32>
  %7 = lpu.buffer scratch "s7" : tensor<4096x16xf32>
  %8 = lpu.buffer scratch "s8" : tensor<4096x16xf32>
}
