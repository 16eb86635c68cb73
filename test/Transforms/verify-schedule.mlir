// RUN: lpu-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(lpu.program(lpu-verify-schedule))'
// Deliberately broken schedules are caught at compile time.

lpu.program @early_read target("lpu-tiny") attributes {cycles = 4 : i64} {
  %x = lpu.buffer input "x" {slice = 0 : i32, address = 0 : i32} : tensor<4xf32>
  %a = lpu.mem.read %x[0] {cycle = 0 : i64, stream = 0 : i32, unit = 0 : i32} : !lpu.vector<f32>
  // expected-error @+1 {{reads a value at cycle 1 that lands at cycle 2}}
  %b = lpu.vxm.relu %a {cycle = 1 : i64, stream = 1 : i32, unit = 0 : i32} : !lpu.vector<f32>
}

// -----

lpu.program @busy_unit target("lpu-tiny") attributes {cycles = 4 : i64} {
  %x = lpu.buffer input "x" {slice = 0 : i32, address = 0 : i32} : tensor<2x4xf32>
  // expected-note @+1 {{busy with this instruction}}
  %a = lpu.mem.read %x[0] {cycle = 0 : i64, stream = 0 : i32, unit = 0 : i32} : !lpu.vector<f32>
  // expected-error @+1 {{issues at cycle 0 on a unit that is already busy}}
  %b = lpu.mem.read %x[1] {cycle = 0 : i64, stream = 1 : i32, unit = 0 : i32} : !lpu.vector<f32>
}

// -----

lpu.program @nop_overlap target("lpu-tiny") attributes {cycles = 4 : i64} {
  // expected-note @+1 {{busy with this instruction}}
  lpu.nop 3 on "vxm" {cycle = 0 : i64, unit = 0 : i32}
  %x = lpu.buffer input "x" {slice = 0 : i32, address = 0 : i32} : tensor<4xf32>
  %a = lpu.mem.read %x[0] {cycle = 0 : i64, stream = 0 : i32, unit = 0 : i32} : !lpu.vector<f32>
  // expected-error @+1 {{issues at cycle 2 on a unit that is already busy}}
  %b = lpu.vxm.relu %a {cycle = 2 : i64, stream = 1 : i32, unit = 0 : i32} : !lpu.vector<f32>
}

// -----

lpu.program @clobbered_stream target("lpu-tiny") attributes {cycles = 8 : i64} {
  %x = lpu.buffer input "x" {slice = 0 : i32, address = 0 : i32} : tensor<4xf32>
  %y = lpu.buffer input "y" {slice = 1 : i32, address = 0 : i32} : tensor<4xf32>
  // expected-note @+1 {{that value is produced here}}
  %a = lpu.mem.read %x[0] {cycle = 0 : i64, stream = 0 : i32, unit = 0 : i32} : !lpu.vector<f32>
  // expected-error @+1 {{lands on stream 0 at cycle 3 while it still holds a value read until cycle 4}}
  %b = lpu.mem.read %y[0] {cycle = 1 : i64, stream = 0 : i32, unit = 1 : i32} : !lpu.vector<f32>
  %c = lpu.vxm.add %a, %b {cycle = 4 : i64, stream = 1 : i32, unit = 0 : i32} : !lpu.vector<f32>
}

// -----

// expected-error @+1 {{program is not scheduled}}
lpu.program @unscheduled target("lpu-tiny") {
}
