// RUN: lpu-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(lpu.program(lpu-verify-schedule))'
// Hand-broken schedules on lpu-tiny (read 2, write 1, VXM 2; mem[0] at slice
// 2, mem[1] at 3, the VXM at 6; streams 0..15 flow east, 16..31 west; an f32 vector takes an aligned
// group of four streams and four addresses, and holds both bank ports of its
// slice for two cycles).

// The read lands at 2 on slice 2 and passes the VXM at 6, not 5.
lpu.program @early target("lpu-tiny") attributes {cycles = 8 : i64} {
  %x = lpu.buffer input "x" {slice = 0 : i32, address = 0 : i32} : tensor<4xf32>
  %a = lpu.mem.read %x[0] {cycle = 0 : i64, stream = 0 : i32, unit = 0 : i32} : !lpu.vector<f32>
  // expected-error @+1 {{reads a value at cycle 5 that passes slice 6 at cycle 6}}
  %b = lpu.vxm.relu %a {cycle = 5 : i64, stream = 20 : i32, unit = 0 : i32} : !lpu.vector<f32>
  %o = lpu.buffer scratch "o" {slice = 3 : i32, address = 0 : i32} : tensor<4xf32>
  lpu.mem.write %b, %o[0] {cycle = 8 : i64, unit = 3 : i32} : !lpu.vector<f32>
}

// -----

// A westward stream never reaches the VXM east of the read.
lpu.program @wrong_direction target("lpu-tiny") attributes {cycles = 8 : i64} {
  %x = lpu.buffer input "x" {slice = 0 : i32, address = 0 : i32} : tensor<4xf32>
  %a = lpu.mem.read %x[0] {cycle = 0 : i64, stream = 16 : i32, unit = 0 : i32} : !lpu.vector<f32>
  // expected-error @+1 {{reads stream 16 at slice 6, upstream of where its producer writes it (slice 2)}}
  %b = lpu.vxm.relu %a {cycle = 6 : i64, stream = 4 : i32, unit = 0 : i32} : !lpu.vector<f32>
  %o = lpu.buffer scratch "o" {slice = 4 : i32, address = 0 : i32} : tensor<4xf32>
  lpu.mem.write %b, %o[0] {cycle = 9 : i64, unit = 4 : i32} : !lpu.vector<f32>
}

// -----

// Two instructions on one queue in one cycle.
// i8 vectors take one stream, address and bank cycle each.
lpu.program @busy_unit target("lpu-tiny") attributes {cycles = 4 : i64} {
  %x = lpu.buffer input "x" {slice = 0 : i32, address = 0 : i32} : tensor<2x4xi8>
  %o = lpu.buffer scratch "o" {slice = 1 : i32, address = 0 : i32} : tensor<2x4xi8>
  // expected-note @+1 {{conflicting instruction}}
  %a = lpu.mem.read %x[0] {cycle = 0 : i64, stream = 0 : i32, unit = 0 : i32} : !lpu.vector<i8>
  // expected-error @+1 {{issues at cycle 0 on a unit that is already busy}}
  %b = lpu.mem.read %x[1] {cycle = 0 : i64, stream = 4 : i32, unit = 0 : i32} : !lpu.vector<i8>
  lpu.mem.write %a, %o[0] {cycle = 3 : i64, unit = 1 : i32} : !lpu.vector<i8>
  %c = lpu.vxm.relu %b {cycle = 6 : i64, stream = 20 : i32, unit = 0 : i32} : !lpu.vector<i8>
  lpu.mem.write %c, %o[1] {cycle = 11 : i64, unit = 1 : i32} : !lpu.vector<i8>
}

// -----

// mem[0]'s value travels east on e0 to the VXM; mem[1] (slice 3) puts its own
// value on the same stream slot (diagonal) in its way.
// i8 vectors take one stream, address and bank cycle each.
lpu.program @stream_slot target("lpu-tiny") attributes {cycles = 9 : i64} {
  %x = lpu.buffer input "x" {slice = 0 : i32, address = 0 : i32} : tensor<4xi8>
  %y = lpu.buffer input "y" {slice = 1 : i32, address = 0 : i32} : tensor<4xi8>
  // expected-note @+1 {{conflicting instruction}}
  %a = lpu.mem.read %x[0] {cycle = 0 : i64, stream = 0 : i32, unit = 0 : i32} : !lpu.vector<i8>
  // expected-error @+1 {{puts a value on stream 0 where another value still travels to its reader}}
  %b = lpu.mem.read %y[0] {cycle = 1 : i64, stream = 0 : i32, unit = 1 : i32} : !lpu.vector<i8>
  %s = lpu.vxm.add %a, %b {cycle = 6 : i64, stream = 4 : i32, unit = 0 : i32} : !lpu.vector<i8>
  %o = lpu.buffer scratch "o" {slice = 4 : i32, address = 0 : i32} : tensor<4xi8>
  lpu.mem.write %s, %o[0] {cycle = 9 : i64, unit = 4 : i32} : !lpu.vector<i8>
}

// -----

// The write to mem[1]:0 lands at 4 in bank 0, when a read of mem[1]:2 (bank
// 0) uses the same port.
// i8 vectors take one stream, address and bank cycle each.
lpu.program @bank_port target("lpu-tiny") attributes {cycles = 7 : i64} {
  %x = lpu.buffer input "x" {slice = 0 : i32, address = 0 : i32} : tensor<4xi8>
  %y = lpu.buffer input "y" {slice = 1 : i32, address = 2 : i32} : tensor<4xi8>
  %t = lpu.buffer scratch "t" {slice = 1 : i32, address = 0 : i32} : tensor<2x4xi8>
  %a = lpu.mem.read %x[0] {cycle = 0 : i64, stream = 0 : i32, unit = 0 : i32} : !lpu.vector<i8>
  // expected-note @+1 {{conflicting instruction}}
  lpu.mem.write %a, %t[0] {cycle = 3 : i64, unit = 1 : i32} : !lpu.vector<i8>
  // expected-error @+1 {{uses bank 0 of mem[1] at cycle 4, as does another access}}
  %b = lpu.mem.read %y[0] {cycle = 4 : i64, stream = 16 : i32, unit = 1 : i32} : !lpu.vector<i8>
  lpu.mem.write %b, %t[1] {cycle = 6 : i64, unit = 1 : i32} : !lpu.vector<i8>
}

// -----

// A computed tensor read where nothing (in program order) has written it:
// the cell holds whatever was there, perhaps another tensor's data.
lpu.program @unwritten target("lpu-tiny") attributes {cycles = 5 : i64} {
  %t = lpu.buffer scratch "t" {slice = 1 : i32, address = 0 : i32} : tensor<2x4xf32>
  %o = lpu.buffer output "o" {slice = 2 : i32, address = 0 : i32} : tensor<4xf32>
  // expected-error @+1 {{reads vector 1 of 't', which nothing before it writes}}
  %a = lpu.mem.read %t[1] {cycle = 0 : i64, stream = 0 : i32, unit = 1 : i32} : !lpu.vector<f32>
  lpu.mem.write %a, %o[0] {cycle = 3 : i64, unit = 2 : i32} : !lpu.vector<f32>
}

// -----

// Rows of a spread buffer alternate between its parts: t[1] (row 1) is on
// mem[2], not on part 0's mem[1].
lpu.program @spread_part target("lpu-tiny") attributes {cycles = 5 : i64} {
  %x = lpu.buffer input "x" {slice = 0 : i32, address = 0 : i32} : tensor<4xf32>
  %t = lpu.buffer scratch "t" {slice = 1 : i32, address = 0 : i32, spread = array<i32: 2, 0>} : tensor<2x4xf32>
  %a = lpu.mem.read %x[0] {cycle = 0 : i64, stream = 0 : i32, unit = 0 : i32} : !lpu.vector<f32>
  // expected-error @+1 {{accesses mem[2] but is placed on mem[1]}}
  lpu.mem.write %a, %t[1] {cycle = 3 : i64, unit = 1 : i32} : !lpu.vector<f32>
}

// -----

// expected-error @+1 {{program is not scheduled}}
lpu.program @unscheduled target("lpu-tiny") {
}

// -----

// t and u share mem[1] address 0 (their lifetimes do not overlap in program
// order). u's write lands at cycle 4, before t's read at cycle 5 that
// program order puts first: the read would see u's data.
// i8 vectors take one stream, address and bank cycle each.
lpu.program @reused_address_overwritten target("lpu-tiny") attributes {cycles = 15 : i64} {
  %x = lpu.buffer input "x" {slice = 0 : i32, address = 0 : i32} : tensor<4xi8>
  %t = lpu.buffer input "t" {slice = 1 : i32, address = 0 : i32} : tensor<4xi8>
  %u = lpu.buffer scratch "u" {slice = 1 : i32, address = 0 : i32} : tensor<4xi8>
  %o = lpu.buffer output "o" {slice = 2 : i32, address = 0 : i32} : tensor<4xi8>
  // expected-note @+1 {{conflicting instruction}}
  %a = lpu.mem.read %t[0] {cycle = 5 : i64, stream = 0 : i32, unit = 1 : i32} : !lpu.vector<i8>
  %r = lpu.vxm.relu %a {cycle = 10 : i64, stream = 16 : i32, unit = 0 : i32} : !lpu.vector<i8>
  lpu.mem.write %r, %o[0] {cycle = 14 : i64, unit = 2 : i32} : !lpu.vector<i8>
  %b = lpu.mem.read %x[0] {cycle = 0 : i64, stream = 4 : i32, unit = 0 : i32} : !lpu.vector<i8>
  // expected-error @+1 {{lands in SRAM at cycle 4, before an earlier read (in program order) at cycle 5}}
  lpu.mem.write %b, %u[0] {cycle = 3 : i64, unit = 1 : i32} : !lpu.vector<i8>
}

// -----

// A read issued before the write program order gives it has landed.
lpu.program @read_before_write_lands target("lpu-tiny") attributes {cycles = 6 : i64} {
  %x = lpu.buffer input "x" {slice = 0 : i32, address = 0 : i32} : tensor<4xf32>
  %t = lpu.buffer scratch "t" {slice = 1 : i32, address = 0 : i32} : tensor<4xf32>
  %a = lpu.mem.read %x[0] {cycle = 0 : i64, stream = 0 : i32, unit = 0 : i32} : !lpu.vector<f32>
  // expected-note @+1 {{conflicting instruction}}
  lpu.mem.write %a, %t[0] {cycle = 3 : i64, unit = 1 : i32} : !lpu.vector<f32>
  // expected-error @+1 {{reads SRAM at cycle 2 before the write it must see lands (cycle 4)}}
  %b = lpu.mem.read %t[0] {cycle = 2 : i64, stream = 4 : i32, unit = 1 : i32} : !lpu.vector<f32>
  %o = lpu.buffer scratch "o" {slice = 2 : i32, address = 0 : i32} : tensor<4xf32>
  lpu.mem.write %b, %o[0] {cycle = 5 : i64, unit = 2 : i32} : !lpu.vector<f32>
}

// -----

// An f32 vector takes a group of four streams starting at a multiple of four.
lpu.program @misaligned_group target("lpu-tiny") attributes {cycles = 8 : i64} {
  %x = lpu.buffer input "x" {slice = 0 : i32, address = 0 : i32} : tensor<4xf32>
  // expected-error @+1 {{puts a f32 vector on stream 2, which does not start a group of 4 streams}}
  %a = lpu.mem.read %x[0] {cycle = 0 : i64, stream = 2 : i32, unit = 0 : i32} : !lpu.vector<f32>
  %b = lpu.vxm.relu %a {cycle = 6 : i64, stream = 16 : i32, unit = 0 : i32} : !lpu.vector<f32>
  %o = lpu.buffer scratch "o" {slice = 3 : i32, address = 0 : i32} : tensor<4xf32>
  lpu.mem.write %b, %o[0] {cycle = 9 : i64, unit = 3 : i32} : !lpu.vector<f32>
}

// -----

// An f32 vector is four addresses: reading it holds both bank ports of the
// slice for two cycles, so the next read of that slice cannot issue at 1.
lpu.program @wide_access_holds_banks target("lpu-tiny") attributes {cycles = 12 : i64} {
  %x = lpu.buffer input "x" {slice = 0 : i32, address = 0 : i32} : tensor<2x4xf32>
  %o = lpu.buffer scratch "o" {slice = 1 : i32, address = 0 : i32} : tensor<4xf32>
  %p = lpu.buffer scratch "p" {slice = 2 : i32, address = 0 : i32} : tensor<4xf32>
  // expected-note @+1 {{conflicting instruction}}
  %a = lpu.mem.read %x[0] {cycle = 0 : i64, stream = 0 : i32, unit = 0 : i32} : !lpu.vector<f32>
  // expected-error @+2 {{uses bank 0 of mem[0] at cycle 1, as does another access}}
  // expected-error @+1 {{uses bank 1 of mem[0] at cycle 1, as does another access}}
  %b = lpu.mem.read %x[1] {cycle = 1 : i64, stream = 4 : i32, unit = 0 : i32} : !lpu.vector<f32>
  lpu.mem.write %a, %o[0] {cycle = 3 : i64, unit = 1 : i32} : !lpu.vector<f32>
  lpu.mem.write %b, %p[0] {cycle = 5 : i64, unit = 2 : i32} : !lpu.vector<f32>
}

// -----

// An ALU latch holds a result only in the cycle it lands (6 + 2), only the
// VXM ALU that computed it writes it, and only VXM instructions read it.
lpu.program @latch_read_late target("lpu-tiny") attributes {cycles = 14 : i64} {
  %x = lpu.buffer input "x" {slice = 0 : i32, address = 0 : i32} : tensor<4xf32>
  %a = lpu.mem.read %x[0] {cycle = 0 : i64, stream = 0 : i32, unit = 0 : i32} : !lpu.vector<f32>
  %b = lpu.vxm.relu %a {cycle = 6 : i64, stream = 128 : i32, unit = 0 : i32} : !lpu.vector<f32>
  // expected-error @+1 {{reads a value at cycle 9 that lands in its ALU's latch at cycle 8}}
  %c = lpu.vxm.relu %b {cycle = 9 : i64, stream = 4 : i32, unit = 1 : i32} : !lpu.vector<f32>
  %o = lpu.buffer scratch "o" {slice = 4 : i32, address = 0 : i32} : tensor<4xf32>
  lpu.mem.write %c, %o[0] {cycle = 12 : i64, unit = 4 : i32} : !lpu.vector<f32>
}

// -----

lpu.program @latch_into_sram target("lpu-tiny") attributes {cycles = 14 : i64} {
  %x = lpu.buffer input "x" {slice = 0 : i32, address = 0 : i32} : tensor<4xf32>
  %a = lpu.mem.read %x[0] {cycle = 0 : i64, stream = 0 : i32, unit = 0 : i32} : !lpu.vector<f32>
  %b = lpu.vxm.relu %a {cycle = 6 : i64, stream = 128 : i32, unit = 0 : i32} : !lpu.vector<f32>
  %o = lpu.buffer scratch "o" {slice = 4 : i32, address = 0 : i32} : tensor<4xf32>
  // expected-error @+1 {{reads an ALU latch, which only a VXM instruction can}}
  lpu.mem.write %b, %o[0] {cycle = 11 : i64, unit = 4 : i32} : !lpu.vector<f32>
}

// -----

lpu.program @latch_collision target("lpu-tiny") attributes {cycles = 14 : i64} {
  %x = lpu.buffer input "x" {slice = 0 : i32, address = 0 : i32} : tensor<4xf32>
  %y = lpu.buffer input "y" {slice = 1 : i32, address = 0 : i32} : tensor<4xf32>
  %a = lpu.mem.read %y[0] {cycle = 0 : i64, stream = 0 : i32, unit = 1 : i32} : !lpu.vector<f32>
  %b = lpu.mem.read %x[0] {cycle = 0 : i64, stream = 4 : i32, unit = 0 : i32} : !lpu.vector<f32>
  // expected-note @+1 {{conflicting instruction}}
  %e = lpu.vxm.exp %a {cycle = 5 : i64, stream = 128 : i32, unit = 0 : i32} : !lpu.vector<f32>
  // expected-error @+1 {{puts its result in its ALU's latch in the cycle another result lands there}}
  %r = lpu.vxm.relu %b {cycle = 6 : i64, stream = 128 : i32, unit = 0 : i32} : !lpu.vector<f32>
  %s = lpu.vxm.add %e, %r {cycle = 8 : i64, stream = 8 : i32, unit = 1 : i32} : !lpu.vector<f32>
  %o = lpu.buffer scratch "o" {slice = 4 : i32, address = 0 : i32} : tensor<4xf32>
  lpu.mem.write %s, %o[0] {cycle = 11 : i64, unit = 4 : i32} : !lpu.vector<f32>
}
