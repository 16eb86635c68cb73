// RUN: not lpu-opt %s --lpu-allocate-sram --lpu-schedule -o /dev/null 2>&1 | FileCheck %s
// A tree the scheduler finds no root cycle for is refused at once: it used to
// search forever. Here a sum of four gathers from one slice feeds two
// instructions of one tree, so the sum is computed twice (one consumer per
// value) and its eight gathers, which each hold every bank of the slice,
// never fit the tree's fixed offsets. Placing such a tree (retiming the
// gathers) is not done yet; the expansion stages such values in SRAM.
// CHECK: error: found no cycle at which this instruction and its operands can all be placed
lpu.program @main target("lpu-tiny") {
  %t = lpu.buffer input "t" : tensor<4x16xf32>
  %i = lpu.buffer input "i" : tensor<4x16xi32>
  %o = lpu.buffer output "o" : tensor<16xf32>
  %i0 = lpu.mem.read %i[0] : <i32>
  %g0 = lpu.mem.gather %t[0] by %i0 {count = 1 : i64, stride = 1 : i64} : <i32> -> <f32>
  %i1 = lpu.mem.read %i[1] : <i32>
  %g1 = lpu.mem.gather %t[1] by %i1 {count = 1 : i64, stride = 1 : i64} : <i32> -> <f32>
  %s1 = lpu.vxm.add %g0, %g1 : <f32>
  %i2 = lpu.mem.read %i[2] : <i32>
  %g2 = lpu.mem.gather %t[2] by %i2 {count = 1 : i64, stride = 1 : i64} : <i32> -> <f32>
  %s2 = lpu.vxm.add %s1, %g2 : <f32>
  %i3 = lpu.mem.read %i[3] : <i32>
  %g3 = lpu.mem.gather %t[3] by %i3 {count = 1 : i64, stride = 1 : i64} : <i32> -> <f32>
  %s3 = lpu.vxm.add %s2, %g3 : <f32>
  %m = lpu.vxm.mul %s3, %g0 : <f32>
  %r = lpu.vxm.add %m, %s3 : <f32>
  lpu.mem.write %r, %o[0] : <f32>
}
