// RUN: lpu-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(lpu.program(lpu-schedule,lpu-verify-schedule))' | FileCheck %s
// Exact cycles on lpu-tiny: read 2, write 1, VXM 2, LW 1, IW 2, matmul 4.

// Operands on two slices are read in the same cycle, just in time.
// CHECK-LABEL: lpu.program @parallel_reads target("lpu-tiny") attributes {cycles = 5 : i64}
// CHECK: lpu.mem.read %{{.*}}[0] {cycle = 0 : i64, stream = 0 : i32, unit = 0 : i32}
// CHECK: lpu.mem.read %{{.*}}[0] {cycle = 0 : i64, stream = 1 : i32, unit = 1 : i32}
// CHECK: lpu.vxm.add {{.*}} {cycle = 2 : i64, stream = 0 : i32, unit = 0 : i32}
// CHECK: lpu.mem.write {{.*}} {cycle = 4 : i64, unit = 2 : i32}
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

// Both operands in one slice: its single port serializes the reads.
// CHECK-LABEL: lpu.program @same_slice target("lpu-tiny") attributes {cycles = 6 : i64}
// CHECK: lpu.mem.read {{.*}} {cycle = 0 : i64
// CHECK: lpu.mem.read {{.*}} {cycle = 1 : i64
// CHECK: lpu.vxm.add {{.*}} {cycle = 3 : i64
// CHECK: lpu.mem.write {{.*}} {cycle = 5 : i64
lpu.program @same_slice target("lpu-tiny") {
  %x = lpu.buffer input "x" {slice = 0 : i32, address = 0 : i32} : tensor<2x4xf32>
  %o = lpu.buffer output "o" {slice = 1 : i32, address = 0 : i32} : tensor<4xf32>
  %a = lpu.mem.read %x[0] : !lpu.vector<f32>
  %b = lpu.mem.read %x[1] : !lpu.vector<f32>
  %s = lpu.vxm.add %a, %b : !lpu.vector<f32>
  lpu.mem.write %s, %o[0] : !lpu.vector<f32>
}

// -----

// Weights load row by row, install once all rows landed, then activations
// stream once the array is ready.
// CHECK-LABEL: lpu.program @mxm target("lpu-tiny") attributes {cycles = 11 : i64}
// CHECK: lpu.mem.read %{{.*}}[0] {cycle = 0 : i64, stream = 0 : i32, unit = 1 : i32}
// CHECK: lpu.mxm.load_weights {{.*}} {cycle = 2 : i64, unit = 0 : i32}
// CHECK: lpu.mem.read %{{.*}}[1] {cycle = 1 : i64, stream = 0 : i32, unit = 1 : i32}
// CHECK: lpu.mxm.load_weights {{.*}} {cycle = 3 : i64, unit = 0 : i32}
// CHECK: lpu.mxm.install rows 2 {cycle = 4 : i64, unit = 0 : i32}
// CHECK: lpu.mem.read {{.*}} {cycle = 4 : i64, stream = 0 : i32, unit = 0 : i32}
// CHECK: lpu.mxm.matmul {{.*}} {cycle = 6 : i64, stream = 0 : i32, unit = 0 : i32}
// CHECK: lpu.mem.write {{.*}} {cycle = 10 : i64, unit = 2 : i32}
lpu.program @mxm target("lpu-tiny") {
  %x = lpu.buffer input "x" {slice = 0 : i32, address = 0 : i32} : tensor<1x2xf32>
  %w = lpu.buffer input "w" {slice = 1 : i32, address = 0 : i32} : tensor<2x2xf32>
  %o = lpu.buffer output "o" {slice = 2 : i32, address = 0 : i32} : tensor<1x2xf32>
  %w0 = lpu.mem.read %w[0] : !lpu.vector<f32>
  lpu.mxm.load_weights %w0, row 0 {unit = 0 : i32} : !lpu.vector<f32>
  %w1 = lpu.mem.read %w[1] : !lpu.vector<f32>
  lpu.mxm.load_weights %w1, row 1 {unit = 0 : i32} : !lpu.vector<f32>
  lpu.mxm.install rows 2 {unit = 0 : i32}
  %a = lpu.mem.read %x[0] : !lpu.vector<f32>
  %m = lpu.mxm.matmul %a {unit = 0 : i32} : !lpu.vector<f32>
  lpu.mem.write %m, %o[0] : !lpu.vector<f32>
}

// -----

// A read after a write of the same vector waits for the write to land; the
// second write lands after the read issued.
// CHECK-LABEL: lpu.program @memory_order target("lpu-tiny") attributes {cycles = 8 : i64}
// CHECK: lpu.mem.write {{.*}} {cycle = 2 : i64, unit = 1 : i32}
// CHECK: lpu.mem.read %{{.*}}[0] {cycle = 3 : i64
// CHECK: lpu.vxm.relu {{.*}} {cycle = 5 : i64
// CHECK: lpu.mem.write {{.*}} {cycle = 7 : i64, unit = 1 : i32}
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

lpu.program @unallocated target("lpu-tiny") {
  // expected-error @+1 {{buffer 'x' has no SRAM address; run lpu-allocate-sram first}}
  %x = lpu.buffer input "x" : tensor<4xf32>
}
