// Hand-scheduled programs with one hazard each, encoded as they are by
// lpu-translate (no pass runs) and refused by the simulator with the cycle,
// the unit, the instruction and the conflicting instruction.
// lpu-tiny: read 2, write 1, VXM 2, lw 1, iw 2, abc 4; mxm[0] at slice 0,
// mem[0..2] at 2..4, the VXM at 6; stream ids 0-15 flow east, 16-31 west,
// an f32 vector takes a group of four.
// RUN: rm -rf %t && split-file %s %t
// RUN: for f in %t/*.mlir; do lpu-translate --lpu-to-binary $f -o $f.lpu; done

// RUN: not lpu-run %t/early.mlir.lpu 2>&1 | FileCheck %s --check-prefix=EARLY
// EARLY: lpu-run: error: hazard at cycle 5: vxm[0] instruction #1 'vrelu.f32 e0 -> w4' issued at cycle 5 reads stream e0 at slice 6, where no value is passing at that cycle
// RUN: not lpu-run %t/writers.mlir.lpu 2>&1 | FileCheck %s --check-prefix=WRITERS
// WRITERS: lpu-run: error: hazard at cycle 8: vxm[1] instruction #1 'vrelu.f32 e0 -> w0' issued at cycle 6 writes stream w0 at slice 6 in the same cycle as vxm[0] instruction #1 'vmov.f32 e0 -> w0' issued at cycle 6
// RUN: not lpu-run %t/clobber.mlir.lpu 2>&1 | FileCheck %s --check-prefix=CLOBBER
// CLOBBER: lpu-run: error: hazard at cycle 3: mem[1] instruction #1 'read.f32 [0] -> e0' issued at cycle 1 overwrites, at slice 3, the value on stream e0 that nobody has read yet, written by mem[0] instruction #0 'read.f32 [0] -> e0' issued at cycle 0
// RUN: not lpu-run %t/bank.mlir.lpu 2>&1 | FileCheck %s --check-prefix=BANK
// BANK: lpu-run: error: hazard at cycle 4: mem[1] instruction #2 'read.i8 [2] -> w0' issued at cycle 4 uses bank 0 of mem[1] at cycle 4, while mem[1] instruction #1 'write.i8 e0 -> [4]' issued at cycle 3 holds it
// RUN: not lpu-run %t/unwritten.mlir.lpu 2>&1 | FileCheck %s --check-prefix=UNWRITTEN
// UNWRITTEN: lpu-run: error: hazard at cycle 0: mem[1] instruction #0 'read.f32 [0] -> w0' issued at cycle 0 reads mem[1]:0 before any write to it has landed
// RUN: not lpu-run %t/install.mlir.lpu 2>&1 | FileCheck %s --check-prefix=INSTALL
// INSTALL: lpu-run: error: hazard at cycle 6: mxw[1] instruction #2 'iw.f16 1' issued at cycle 6 installs weights while a weight-buffer row load has not landed (it lands at cycle 7)
// RUN: not lpu-run %t/uninstalled.mlir.lpu 2>&1 | FileCheck %s --check-prefix=UNINSTALLED
// UNINSTALLED: lpu-run: error: hazard at cycle 4: mxm[0] instruction #1 'abc.f32 w0 -> e4' issued at cycle 4 streams activations before any weights were installed
// RUN: not lpu-run %t/installing.mlir.lpu 2>&1 | FileCheck %s --check-prefix=INSTALLING
// INSTALLING: lpu-run: error: hazard at cycle 6: mxm[0] instruction #1 'abc.f32 w4 -> e4' issued at cycle 6 streams activations while weights are installing

// An f32 vector holds both bank ports of its slice for two cycles.
// RUN: not lpu-run %t/wide-load.mlir.lpu 2>&1 | FileCheck %s --check-prefix=WIDE-LOAD
// WIDE-LOAD: lpu-run: error: hazard at cycle 5: mxw[0] instruction #1 'lw.f32 w0, rows 0..1' issued at cycle 5 reads stream w4 at slice 0, where no value is passing at that cycle
// RUN: not lpu-run %t/wide-bank.mlir.lpu 2>&1 | FileCheck %s --check-prefix=WIDE-BANK
// WIDE-BANK: lpu-run: error: hazard at cycle 1: mem[0] instruction #1 'read.f32 [4] -> e4' issued at cycle 1 uses bank 0 of mem[0] at cycle 1, while mem[0] instruction #0 'read.f32 [0] -> e0' issued at cycle 0 holds it

// The verifier in lpuc's pipeline catches the stream hazards at compile time.
// RUN: not lpu-opt %t/early.mlir --pass-pipeline='builtin.module(lpu.program(lpu-verify-schedule))' 2>&1 | FileCheck %s --check-prefix=VERIFY
// VERIFY: error: reads a value at cycle 5 that passes slice 6 at cycle 6

//--- early.mlir
lpu.program @early target("lpu-tiny") attributes {cycles = 11 : i64} {
  %c = lpu.buffer constant "c" init(dense<1.0> : tensor<16xf32>) {slice = 0 : i32, address = 0 : i32} : tensor<16xf32>
  %t = lpu.buffer scratch "t" {slice = 1 : i32, address = 0 : i32} : tensor<16xf32>
  %a = lpu.mem.read %c[0] {cycle = 0 : i64, stream = 0 : i32, unit = 0 : i32} : !lpu.vector<f32>
  %b = lpu.vxm.relu %a {cycle = 5 : i64, stream = 20 : i32, unit = 0 : i32} : !lpu.vector<f32>
  lpu.mem.write %b, %t[0] {cycle = 10 : i64, unit = 1 : i32} : !lpu.vector<f32>
}
//--- writers.mlir
lpu.program @writers target("lpu-tiny") attributes {cycles = 8 : i64} {
  %c = lpu.buffer constant "c" init(dense<1.0> : tensor<16xf32>) {slice = 0 : i32, address = 0 : i32} : tensor<16xf32>
  %a = lpu.mem.read %c[0] {cycle = 0 : i64, stream = 0 : i32, unit = 0 : i32} : !lpu.vector<f32>
  %b = lpu.vxm.move %a {cycle = 6 : i64, stream = 16 : i32, unit = 0 : i32} : !lpu.vector<f32>
  %d = lpu.vxm.relu %a {cycle = 6 : i64, stream = 16 : i32, unit = 1 : i32} : !lpu.vector<f32>
}
//--- clobber.mlir
lpu.program @clobber target("lpu-tiny") attributes {cycles = 8 : i64} {
  %c = lpu.buffer constant "c" init(dense<1.0> : tensor<16xf32>) {slice = 0 : i32, address = 0 : i32} : tensor<16xf32>
  %d = lpu.buffer constant "d" init(dense<2.0> : tensor<16xf32>) {slice = 1 : i32, address = 0 : i32} : tensor<16xf32>
  %a = lpu.mem.read %c[0] {cycle = 0 : i64, stream = 0 : i32, unit = 0 : i32} : !lpu.vector<f32>
  %b = lpu.mem.read %d[0] {cycle = 1 : i64, stream = 0 : i32, unit = 1 : i32} : !lpu.vector<f32>
  %s = lpu.vxm.add %a, %b {cycle = 6 : i64, stream = 4 : i32, unit = 0 : i32} : !lpu.vector<f32>
}
//--- bank.mlir
lpu.program @bank target("lpu-tiny") attributes {cycles = 8 : i64} {
  %c = lpu.buffer constant "c" init(dense<1> : tensor<16xi8>) {slice = 0 : i32, address = 0 : i32} : tensor<16xi8>
  %t = lpu.buffer constant "t" init(dense<2> : tensor<3x16xi8>) {slice = 1 : i32, address = 0 : i32} : tensor<3x16xi8>
  %u = lpu.buffer scratch "u" {slice = 1 : i32, address = 4 : i32} : tensor<16xi8>
  %a = lpu.mem.read %c[0] {cycle = 0 : i64, stream = 0 : i32, unit = 0 : i32} : !lpu.vector<i8>
  lpu.mem.write %a, %u[0] {cycle = 3 : i64, unit = 1 : i32} : !lpu.vector<i8>
  %b = lpu.mem.read %t[2] {cycle = 4 : i64, stream = 16 : i32, unit = 1 : i32} : !lpu.vector<i8>
}
//--- unwritten.mlir
lpu.program @unwritten target("lpu-tiny") attributes {cycles = 2 : i64} {
  %t = lpu.buffer scratch "t" {slice = 1 : i32, address = 0 : i32} : tensor<16xf32>
  %a = lpu.mem.read %t[0] {cycle = 0 : i64, stream = 16 : i32, unit = 1 : i32} : !lpu.vector<f32>
}
//--- install.mlir
lpu.program @install target("lpu-v1") attributes {cycles = 14 : i64} {
  %c = lpu.buffer constant "c" init(dense<1.0> : tensor<16xf16>) {slice = 0 : i32, address = 0 : i32} : tensor<16xf16>
  %a = lpu.mem.read %c[0] {cycle = 0 : i64, stream = 32 : i32, unit = 0 : i32} : !lpu.vector<f16>
  lpu.mxm.load_weights %a into row 0 {cycle = 5 : i64, unit = 1 : i32} : !lpu.vector<f16>
  lpu.mxm.install rows 1 {cycle = 6 : i64, unit = 1 : i32} : f16
}
//--- uninstalled.mlir
lpu.program @uninstalled target("lpu-tiny") attributes {cycles = 8 : i64} {
  %c = lpu.buffer constant "c" init(dense<1.0> : tensor<16xf32>) {slice = 0 : i32, address = 0 : i32} : tensor<16xf32>
  %a = lpu.mem.read %c[0] {cycle = 0 : i64, stream = 16 : i32, unit = 0 : i32} : !lpu.vector<f32>
  %m = lpu.mxm.matmul %a {cycle = 4 : i64, stream = 4 : i32, unit = 0 : i32} : !lpu.vector<f32> -> !lpu.vector<f32>
}
//--- installing.mlir
lpu.program @installing target("lpu-tiny") attributes {cycles = 10 : i64} {
  %c = lpu.buffer constant "c" init(dense<1.0> : tensor<16xf32>) {slice = 0 : i32, address = 0 : i32} : tensor<16xf32>
  %a = lpu.mem.read %c[0] {cycle = 0 : i64, stream = 16 : i32, unit = 0 : i32} : !lpu.vector<f32>
  lpu.mxm.load_weights %a into row 0 {cycle = 4 : i64, unit = 0 : i32} : !lpu.vector<f32>
  lpu.mxm.install rows 1 {cycle = 5 : i64, unit = 0 : i32} : f32
  %x = lpu.mem.read %c[0] {cycle = 2 : i64, stream = 20 : i32, unit = 0 : i32} : !lpu.vector<f32>
  %m = lpu.mxm.matmul %x {cycle = 6 : i64, stream = 4 : i32, unit = 0 : i32} : !lpu.vector<f32> -> !lpu.vector<f32>
}
//--- wide-load.mlir
// A two-row load takes its second row from the stream group after the
// first's (w4..w7), not from where this one was sent (w8..w11).
lpu.program @wide_load target("lpu-tiny") attributes {cycles = 7 : i64} {
  %c = lpu.buffer constant "c" init(dense<1.0> : tensor<2x16xf32>) {slice = 0 : i32, address = 0 : i32, spread = array<i32: 1, 0>} : tensor<2x16xf32>
  %a = lpu.mem.read %c[0] {cycle = 1 : i64, stream = 16 : i32, unit = 0 : i32} : !lpu.vector<f32>
  %b = lpu.mem.read %c[1] {cycle = 0 : i64, stream = 24 : i32, unit = 1 : i32} : !lpu.vector<f32>
  lpu.mxm.load_weights %a, %b into row 0 {cycle = 5 : i64, unit = 0 : i32} : !lpu.vector<f32>, !lpu.vector<f32>
}
//--- wide-bank.mlir
lpu.program @wide_bank target("lpu-tiny") attributes {cycles = 12 : i64} {
  %c = lpu.buffer constant "c" init(dense<1.0> : tensor<2x16xf32>) {slice = 0 : i32, address = 0 : i32} : tensor<2x16xf32>
  %t = lpu.buffer scratch "t" {slice = 2 : i32, address = 0 : i32} : tensor<2x16xf32>
  %a = lpu.mem.read %c[0] {cycle = 0 : i64, stream = 0 : i32, unit = 0 : i32} : !lpu.vector<f32>
  %b = lpu.mem.read %c[1] {cycle = 1 : i64, stream = 4 : i32, unit = 0 : i32} : !lpu.vector<f32>
  lpu.mem.write %a, %t[0] {cycle = 4 : i64, unit = 2 : i32} : !lpu.vector<f32>
  lpu.mem.write %b, %t[1] {cycle = 7 : i64, unit = 2 : i32} : !lpu.vector<f32>
}
