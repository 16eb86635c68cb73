// Every instruction on lpu-tiny, computed by the simulator: a hand-written
// program (one output per instruction) is allocated and scheduled by lpu-opt,
// encoded by lpu-translate and run by lpu-run, which prints the outputs.
// RUN: lpu-opt %s --pass-pipeline='builtin.module(lpu.program(lpu-allocate-sram,lpu-bundle-weight-loads,lpu-schedule,lpu-verify-schedule))' -o %t.mlir
// RUN: lpu-translate --lpu-to-binary %t.mlir -o %t.lpu
// RUN: lpu-run %t.lpu --stats | FileCheck %s
// RUN: lpu-translate --lpu-to-asm %t.mlir | FileCheck %s --check-prefix=ASM

// a = -4 .. 11, b = 3.
// CHECK: output copy [16]: -4 -3 -2 -1 0 1 2 3 4 5 6 7 8 9 10 11
// CHECK: output add [16]: -1 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14
// CHECK: output sub [16]: -7 -6 -5 -4 -3 -2 -1 0 1 2 3 4 5 6 7 8
// CHECK: output mul [16]: -12 -9 -6 -3 0 3 6 9 12 15 18 21 24 27 30 33
// CHECK: output max [16]: 3 3 3 3 3 3 3 3 4 5 6 7 8 9 10 11
// CHECK: output relu [16]: 0 0 0 0 0 1 2 3 4 5 6 7 8 9 10 11
// CHECK: output scale [16]: -2 -1.5 -1 -0.5 0 0.5 1 1.5 2 2.5 3 3.5 4 4.5 5 5.5
// CHECK: output move [16]: -4 -3 -2 -1 0 1 2 3 4 5 6 7 8 9 10 11
// CHECK: output min [16]: -4 -3 -2 -1 0 1 2 3 3 3 3 3 3 3 3 3
// CHECK: output div [16]: -1.33333 -1 -0.666667 -0.333333 0 0.333333 0.666667 1 1.33333
// CHECK: output pow [16]: -64 -27 -8 -1 0 1 8 27 64 125
// CHECK: output abs [16]: 4 3 2 1 0 1 2 3 4 5 6 7 8 9 10 11
// CHECK: output exp [16]: 0.0183156 0.0497871 0.135335 0.367879 1 2.71828 7.38906
// CHECK: output sigmoid [16]: 0.0179862 0.0474259 0.119203 0.268941 0.5 0.731059
// CHECK: output sqrt_recip [16]: {{-?}}nan {{-?}}nan {{-?}}nan {{-?}}nan inf 1 0.707107 0.57735 0.5
// a * 40 to i8 saturates; a / 3 to f16 rounds to 11 significant bits.
// CHECK: output to_i8 [16]: -128 -120 -80 -40 0 40 80 120 127 127 127 127 127 127 127 127
// CHECK: output to_f16 [16]: -1.33301 -1 -0.666504 -0.333252 0 0.333252 0.666504 1 1.33301
// CHECK: output distribute [16]: 1 1 1 0 0 0 0 0 0 0 0 0 0 0 0 0
// CHECK: output shift [16]: 0 0 -4 -3 -2 -1 0 1 2 3 4 5 6 7 8 9
// Weight rows 1 and 2 installed: y[n] = a[0] * 1 + a[1] * 2; acc adds b.
// CHECK: output matmul [16]: -10 -10 -10
// CHECK: output matmul_acc [16]: -7 -7 -7
// i8 x i8 accumulates in i32: -3 * 100 + 100 * -50.
// CHECK: output matmul_i8 [16]: -5300 -5300 -5300
// a mod 3 takes the divisor's sign, fmod the dividend's; a / 3 toward zero.
// CHECK: output mod [16]: 2 0 1 2 0 1 2 0 1 2 0 1 2 0 1 2
// CHECK: output fmod [16]: -1 -0 -2 -1 0 1 2 0 1 2 0 1 2 0 1 2
// CHECK: output trunc [16]: -1 -1 0 0 0 0 0 1 1 1 2 2 2 3 3 3
// Lane l of the entry lane l's index names (entry r holds 100 r + l); the
// indices -1 and 4 are outside the table of 4 and read 0.
// CHECK: output gather [16]: 0 101 202 303 304 205 106 7 0 0 110 111 112 113 114 115
// A scatter writes 3 into lane l of the row lane l's index names (rows
// written as zeros first); -1 and 4 write nothing.
// CHECK: output scatter [4x16]: 3 0 0 0 0 0 0 3 0 0 0 0 0 0 0 0 0 3 0 0 0 0 3 0 0 0 3 3 3 3 3 3 ...
// CHECK: cycles: {{[0-9]+}}
// CHECK: mxm: 2 queues used

// Runs of reads of consecutive rows become one read and a repeat; an f32
// row is four addresses.
// ASM: read.f32 [{{[0-9]+}}] -> {{[ew][0-9]+}}
// ASM: repeat 1, every {{[0-9]+}}, step 4
// The weights' two rows are on two slices, so one `lw` loads both.
// ASM: lw.f32 {{[ew][0-9]+}}, rows 0..1
// ASM: lw.i8 {{[ew][0-9]+}}, rows 0..1

lpu.program @instructions target("lpu-tiny") {
  %a = lpu.buffer constant "a" init(dense<[-4.0, -3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0]> : tensor<16xf32>) : tensor<16xf32>
  %b = lpu.buffer constant "b" init(dense<3.0> : tensor<16xf32>) : tensor<16xf32>
  %w = lpu.buffer constant "w" init(dense<[[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0]]> : tensor<2x16xf32>) {min_parts = 2 : i64} : tensor<2x16xf32>
  %x8 = lpu.buffer constant "x8" init(dense<[-3, 100, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7]> : tensor<16xi8>) : tensor<16xi8>
  %w8 = lpu.buffer constant "w8" init(dense<[[100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100], [-50, -50, -50, -50, -50, -50, -50, -50, -50, -50, -50, -50, -50, -50, -50, -50]]> : tensor<2x16xi8>) {min_parts = 2 : i64} : tensor<2x16xi8>

  %copy = lpu.buffer output "copy" : tensor<16xf32>
  %add = lpu.buffer output "add" : tensor<16xf32>
  %sub = lpu.buffer output "sub" : tensor<16xf32>
  %mul = lpu.buffer output "mul" : tensor<16xf32>
  %max = lpu.buffer output "max" : tensor<16xf32>
  %relu = lpu.buffer output "relu" : tensor<16xf32>
  %scale = lpu.buffer output "scale" : tensor<16xf32>
  %move = lpu.buffer output "move" : tensor<16xf32>
  %min = lpu.buffer output "min" : tensor<16xf32>
  %div = lpu.buffer output "div" : tensor<16xf32>
  %pow = lpu.buffer output "pow" : tensor<16xf32>
  %abs = lpu.buffer output "abs" : tensor<16xf32>
  %exp = lpu.buffer output "exp" : tensor<16xf32>
  %sigmoid = lpu.buffer output "sigmoid" : tensor<16xf32>
  %sqrt_recip = lpu.buffer output "sqrt_recip" : tensor<16xf32>
  %to_i8 = lpu.buffer output "to_i8" : tensor<16xi8>
  %to_f16 = lpu.buffer output "to_f16" : tensor<16xf16>
  %distribute = lpu.buffer output "distribute" : tensor<16xf32>
  %shift = lpu.buffer output "shift" : tensor<16xf32>
  %matmul = lpu.buffer output "matmul" : tensor<16xf32>
  %matmul_acc = lpu.buffer output "matmul_acc" : tensor<16xf32>
  %matmul_i8 = lpu.buffer output "matmul_i8" : tensor<16xi32>
  %mod = lpu.buffer output "mod" : tensor<16xf32>
  %fmod = lpu.buffer output "fmod" : tensor<16xf32>
  %trunc = lpu.buffer output "trunc" : tensor<16xi32>
  %table = lpu.buffer constant "table" init(dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0], [100.0, 101.0, 102.0, 103.0, 104.0, 105.0, 106.0, 107.0, 108.0, 109.0, 110.0, 111.0, 112.0, 113.0, 114.0, 115.0], [200.0, 201.0, 202.0, 203.0, 204.0, 205.0, 206.0, 207.0, 208.0, 209.0, 210.0, 211.0, 212.0, 213.0, 214.0, 215.0], [300.0, 301.0, 302.0, 303.0, 304.0, 305.0, 306.0, 307.0, 308.0, 309.0, 310.0, 311.0, 312.0, 313.0, 314.0, 315.0]]> : tensor<4x16xf32>) {block_rows = 4 : i64} : tensor<4x16xf32>
  %indices = lpu.buffer constant "indices" init(dense<[0, 1, 2, 3, 3, 2, 1, 0, -1, 4, 1, 1, 1, 1, 1, 1]> : tensor<16xi32>) : tensor<16xi32>
  %gather = lpu.buffer output "gather" : tensor<16xf32>
  %zero = lpu.buffer constant "zero" init(dense<0.0> : tensor<16xf32>) : tensor<16xf32>
  %scatter = lpu.buffer output "scatter" {block_rows = 4 : i64} : tensor<4x16xf32>

  %a0 = lpu.mem.read %a[0] : !lpu.vector<f32>
  lpu.mem.write %a0, %copy[0] : !lpu.vector<f32>

  %a1 = lpu.mem.read %a[0] : !lpu.vector<f32>
  %b1 = lpu.mem.read %b[0] : !lpu.vector<f32>
  %r1 = lpu.vxm.add %a1, %b1 : !lpu.vector<f32>
  lpu.mem.write %r1, %add[0] : !lpu.vector<f32>

  %a2 = lpu.mem.read %a[0] : !lpu.vector<f32>
  %b2 = lpu.mem.read %b[0] : !lpu.vector<f32>
  %r2 = lpu.vxm.sub %a2, %b2 : !lpu.vector<f32>
  lpu.mem.write %r2, %sub[0] : !lpu.vector<f32>

  %a3 = lpu.mem.read %a[0] : !lpu.vector<f32>
  %b3 = lpu.mem.read %b[0] : !lpu.vector<f32>
  %r3 = lpu.vxm.mul %a3, %b3 : !lpu.vector<f32>
  lpu.mem.write %r3, %mul[0] : !lpu.vector<f32>

  %a4 = lpu.mem.read %a[0] : !lpu.vector<f32>
  %b4 = lpu.mem.read %b[0] : !lpu.vector<f32>
  %r4 = lpu.vxm.max %a4, %b4 : !lpu.vector<f32>
  lpu.mem.write %r4, %max[0] : !lpu.vector<f32>

  %a5 = lpu.mem.read %a[0] : !lpu.vector<f32>
  %r5 = lpu.vxm.relu %a5 : !lpu.vector<f32>
  lpu.mem.write %r5, %relu[0] : !lpu.vector<f32>

  %a6 = lpu.mem.read %a[0] : !lpu.vector<f32>
  %r6 = lpu.vxm.scale %a6, 0.5 : !lpu.vector<f32>
  lpu.mem.write %r6, %scale[0] : !lpu.vector<f32>

  %a7 = lpu.mem.read %a[0] : !lpu.vector<f32>
  %r7 = lpu.vxm.move %a7 : !lpu.vector<f32>
  lpu.mem.write %r7, %move[0] : !lpu.vector<f32>

  %a20 = lpu.mem.read %a[0] : !lpu.vector<f32>
  %b20 = lpu.mem.read %b[0] : !lpu.vector<f32>
  %r20 = lpu.vxm.min %a20, %b20 : !lpu.vector<f32>
  lpu.mem.write %r20, %min[0] : !lpu.vector<f32>

  %a40 = lpu.mem.read %a[0] : !lpu.vector<f32>
  %b40 = lpu.mem.read %b[0] : !lpu.vector<f32>
  %r40 = lpu.vxm.mod %a40, %b40 : !lpu.vector<f32>
  lpu.mem.write %r40, %mod[0] : !lpu.vector<f32>

  %a41 = lpu.mem.read %a[0] : !lpu.vector<f32>
  %b41 = lpu.mem.read %b[0] : !lpu.vector<f32>
  %r41 = lpu.vxm.mod %a41, %b41 {truncated} : !lpu.vector<f32>
  lpu.mem.write %r41, %fmod[0] : !lpu.vector<f32>

  %a42 = lpu.mem.read %a[0] : !lpu.vector<f32>
  %b42 = lpu.mem.read %b[0] : !lpu.vector<f32>
  %q42 = lpu.vxm.div %a42, %b42 : !lpu.vector<f32>
  %r42 = lpu.vxm.convert %q42 {toward_zero} : !lpu.vector<f32> -> !lpu.vector<i32>
  lpu.mem.write %r42, %trunc[0] : !lpu.vector<i32>

  %i43 = lpu.mem.read %indices[0] : !lpu.vector<i32>
  %r43 = lpu.mem.gather %table[0] by %i43 {count = 4 : i64, stride = 1 : i64} : !lpu.vector<i32> -> !lpu.vector<f32>
  lpu.mem.write %r43, %gather[0] : !lpu.vector<f32>

  %z0 = lpu.mem.read %zero[0] : !lpu.vector<f32>
  lpu.mem.write %z0, %scatter[0] : !lpu.vector<f32>
  %z1 = lpu.mem.read %zero[0] : !lpu.vector<f32>
  lpu.mem.write %z1, %scatter[1] : !lpu.vector<f32>
  %z2 = lpu.mem.read %zero[0] : !lpu.vector<f32>
  lpu.mem.write %z2, %scatter[2] : !lpu.vector<f32>
  %z3 = lpu.mem.read %zero[0] : !lpu.vector<f32>
  lpu.mem.write %z3, %scatter[3] : !lpu.vector<f32>
  %v44 = lpu.mem.read %b[0] : !lpu.vector<f32>
  %i44 = lpu.mem.read %indices[0] : !lpu.vector<i32>
  lpu.mem.scatter %v44, %scatter[0] by %i44 {count = 4 : i64, stride = 1 : i64} : !lpu.vector<f32>, !lpu.vector<i32>

  %a21 = lpu.mem.read %a[0] : !lpu.vector<f32>
  %b21 = lpu.mem.read %b[0] : !lpu.vector<f32>
  %r21 = lpu.vxm.div %a21, %b21 : !lpu.vector<f32>
  lpu.mem.write %r21, %div[0] : !lpu.vector<f32>

  %a22 = lpu.mem.read %a[0] : !lpu.vector<f32>
  %b22 = lpu.mem.read %b[0] : !lpu.vector<f32>
  %r22 = lpu.vxm.pow %a22, %b22 : !lpu.vector<f32>
  lpu.mem.write %r22, %pow[0] : !lpu.vector<f32>

  %a23 = lpu.mem.read %a[0] : !lpu.vector<f32>
  %r23 = lpu.vxm.abs %a23 : !lpu.vector<f32>
  lpu.mem.write %r23, %abs[0] : !lpu.vector<f32>

  %a24 = lpu.mem.read %a[0] : !lpu.vector<f32>
  %r24 = lpu.vxm.exp %a24 : !lpu.vector<f32>
  lpu.mem.write %r24, %exp[0] : !lpu.vector<f32>

  %a25 = lpu.mem.read %a[0] : !lpu.vector<f32>
  %r25 = lpu.vxm.sigmoid %a25 : !lpu.vector<f32>
  lpu.mem.write %r25, %sigmoid[0] : !lpu.vector<f32>

  %a26 = lpu.mem.read %a[0] : !lpu.vector<f32>
  %s26 = lpu.vxm.sqrt %a26 : !lpu.vector<f32>
  %r26 = lpu.vxm.reciprocal %s26 : !lpu.vector<f32>
  lpu.mem.write %r26, %sqrt_recip[0] : !lpu.vector<f32>

  %a8 = lpu.mem.read %a[0] : !lpu.vector<f32>
  %s8 = lpu.vxm.scale %a8, 40.0 : !lpu.vector<f32>
  %r8 = lpu.vxm.convert %s8 : !lpu.vector<f32> -> !lpu.vector<i8>
  lpu.mem.write %r8, %to_i8[0] : !lpu.vector<i8>

  %a9 = lpu.mem.read %a[0] : !lpu.vector<f32>
  %s9 = lpu.vxm.scale %a9, 0.333333343 : !lpu.vector<f32>
  %r9 = lpu.vxm.convert %s9 : !lpu.vector<f32> -> !lpu.vector<f16>
  lpu.mem.write %r9, %to_f16[0] : !lpu.vector<f16>

  %a10 = lpu.mem.read %a[0] : !lpu.vector<f32>
  %r10 = lpu.sxm.distribute %a10, lane 5, width 3 : !lpu.vector<f32>
  lpu.mem.write %r10, %distribute[0] : !lpu.vector<f32>

  %a11 = lpu.mem.read %a[0] : !lpu.vector<f32>
  %r11 = lpu.sxm.shift %a11, 2 : !lpu.vector<f32>
  lpu.mem.write %r11, %shift[0] : !lpu.vector<f32>

  %w0 = lpu.mem.read %w[0] : !lpu.vector<f32>
  lpu.mxm.load_weights %w0 into row 0 {unit = 0 : i32} : !lpu.vector<f32>
  %w1 = lpu.mem.read %w[1] : !lpu.vector<f32>
  lpu.mxm.load_weights %w1 into row 1 {unit = 0 : i32} : !lpu.vector<f32>
  lpu.mxm.install rows 2 {unit = 0 : i32} : f32
  %a12 = lpu.mem.read %a[0] : !lpu.vector<f32>
  %r12 = lpu.mxm.matmul %a12 {unit = 0 : i32} : !lpu.vector<f32> -> !lpu.vector<f32>
  lpu.mem.write %r12, %matmul[0] : !lpu.vector<f32>
  %a13 = lpu.mem.read %a[0] : !lpu.vector<f32>
  %b13 = lpu.mem.read %b[0] : !lpu.vector<f32>
  %r13 = lpu.mxm.matmul_acc %a13, %b13 {unit = 0 : i32} : !lpu.vector<f32> -> !lpu.vector<f32>
  lpu.mem.write %r13, %matmul_acc[0] : !lpu.vector<f32>

  %v0 = lpu.mem.read %w8[0] : !lpu.vector<i8>
  lpu.mxm.load_weights %v0 into row 0 {unit = 1 : i32} : !lpu.vector<i8>
  %v1 = lpu.mem.read %w8[1] : !lpu.vector<i8>
  lpu.mxm.load_weights %v1 into row 1 {unit = 1 : i32} : !lpu.vector<i8>
  lpu.mxm.install rows 2 {unit = 1 : i32} : i8
  %x14 = lpu.mem.read %x8[0] : !lpu.vector<i8>
  %r14 = lpu.mxm.matmul %x14 {unit = 1 : i32} : !lpu.vector<i8> -> !lpu.vector<i32>
  lpu.mem.write %r14, %matmul_i8[0] : !lpu.vector<i32>
}
