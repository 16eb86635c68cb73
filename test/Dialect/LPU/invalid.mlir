// RUN: lpu-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{unknown target 'lpu-huge'}}
lpu.program @p target("lpu-huge") {
}

// -----

lpu.program @p target("lpu-tiny") {
  // expected-error @+1 {{holds 'i64'; buffers hold f32, f16, bf16, i32 or i8}}
  %x = lpu.buffer input "x" : tensor<4xi64>
}

// -----

lpu.program @p target("lpu-tiny") {
  // expected-error @+1 {{constant buffer needs `init` data}}
  %x = lpu.buffer constant "w" : tensor<4xf32>
}

// -----

lpu.program @p target("lpu-tiny") {
  // expected-error @+1 {{only constant buffers have `init` data}}
  %x = lpu.buffer input "x" init(dense<1.0> : tensor<4xf32>) : tensor<4xf32>
}

// -----

lpu.program @p target("lpu-tiny") {
  // expected-error @+1 {{init data type 'tensor<8xf32>' does not match 'tensor<4xf32>'}}
  %x = lpu.buffer constant "w" init(dense<1.0> : tensor<8xf32>) : tensor<4xf32>
}

// -----

lpu.program @p target("lpu-tiny") {
  // expected-error @+1 {{needs both `slice` and `address`, or neither}}
  %x = lpu.buffer input "x" {slice = 1 : i32} : tensor<4xf32>
}

// -----

lpu.program @p target("lpu-tiny") {
  // expected-error @+1 {{SRAM range mem[9]:0+4 is outside the target}}
  %x = lpu.buffer input "x" {slice = 9 : i32, address = 0 : i32} : tensor<4xf32>
}

// -----

lpu.program @p target("lpu-tiny") {
  %x = lpu.buffer input "x" : tensor<2x20xf32>
  // expected-error @+1 {{offset 4 is outside buffer 'x' (4 vectors)}}
  %v = lpu.mem.read %x[4] : !lpu.vector<f32>
}

// -----

lpu.program @p target("lpu-tiny") {
  %x = lpu.buffer input "x" : tensor<16xf32>
  %v = lpu.mem.read %x[0] : !lpu.vector<f32>
  // expected-error @+1 {{writes to read-only buffer 'x'}}
  lpu.mem.write %v, %x[0] : !lpu.vector<f32>
}

// -----

lpu.program @p target("lpu-tiny") {
  %x = lpu.buffer input "x" : tensor<16xf32>
  %v = lpu.mem.read %x[0] : !lpu.vector<f32>
  // expected-error @+1 {{needs a `unit` (its MXM plane)}}
  lpu.mxm.load_weights %v into row 0 : !lpu.vector<f32>
}

// -----

lpu.program @p target("lpu-tiny") {
  %x = lpu.buffer input "x" : tensor<16xf32>
  %v = lpu.mem.read %x[0] : !lpu.vector<f32>
  // expected-error @+1 {{row 16 is out of range for 16 lanes}}
  lpu.mxm.load_weights %v into row 16 {unit = 0 : i32} : !lpu.vector<f32>
}

// -----

// Two rows from row 15 on would fill rows 15 and 16.
lpu.program @p target("lpu-tiny") {
  %x = lpu.buffer input "x" : tensor<2x16xf32>
  %v = lpu.mem.read %x[0] : !lpu.vector<f32>
  %u = lpu.mem.read %x[1] : !lpu.vector<f32>
  // expected-error @+1 {{row 15 is out of range for 16 lanes}}
  lpu.mxm.load_weights %v, %u into row 15 {unit = 0 : i32} : !lpu.vector<f32>, !lpu.vector<f32>
}

// -----

// lpu-tiny loads 8 bytes per lane a cycle: two f32 rows.
lpu.program @p target("lpu-tiny") {
  %x = lpu.buffer input "x" : tensor<3x16xf32>
  %a = lpu.mem.read %x[0] : !lpu.vector<f32>
  %b = lpu.mem.read %x[1] : !lpu.vector<f32>
  %c = lpu.mem.read %x[2] : !lpu.vector<f32>
  // expected-error @+1 {{loads 3 rows, more than the 2 of f32 one load moves on lpu-tiny}}
  lpu.mxm.load_weights %a, %b, %c into row 0 {unit = 0 : i32} : !lpu.vector<f32>, !lpu.vector<f32>, !lpu.vector<f32>
}

// -----

lpu.program @p target("lpu-tiny") {
  %x = lpu.buffer input "x" : tensor<16xf32>
  %y = lpu.buffer input "y" : tensor<16xf16>
  %a = lpu.mem.read %x[0] : !lpu.vector<f32>
  %b = lpu.mem.read %y[0] : !lpu.vector<f16>
  // expected-error @+1 {{loads rows of different element types}}
  lpu.mxm.load_weights %a, %b into row 0 {unit = 0 : i32} : !lpu.vector<f32>, !lpu.vector<f16>
}

// -----

lpu.program @p target("lpu-tiny") {
  // expected-error @+1 {{rows 0 is out of range for 16 lanes}}
  lpu.mxm.install rows 0 {unit = 0 : i32} : f32
}

// -----

lpu.program @p target("lpu-tiny") {
  // expected-error @+1 {{unit mxw[2] does not exist on lpu-tiny}}
  lpu.mxm.install rows 4 {unit = 2 : i32} : f32
}

// -----

lpu.program @p target("lpu-tiny") {
  %x = lpu.buffer input "x" : tensor<16xf32>
  // expected-error @+1 {{stream 32 does not exist (target has 32)}}
  %v = lpu.mem.read %x[0] {stream = 32 : i32} : !lpu.vector<f32>
}

// -----

lpu.program @p target("lpu-tiny") {
  %x = lpu.buffer input "x" : tensor<16xf32>
  %v = lpu.mem.read %x[0] : !lpu.vector<f32>
  // expected-error @+1 {{lane 16 / width 16 out of range for 16 lanes}}
  %d = lpu.sxm.distribute %v, lane 16, width 16 : !lpu.vector<f32>
}

// -----

lpu.program @p target("lpu-tiny") {
  %x = lpu.buffer input "x" : tensor<16xf32>
  %v = lpu.mem.read %x[0] : !lpu.vector<f32>
  // expected-error @+1 {{shift -16 out of range for 16 lanes}}
  %d = lpu.sxm.shift %v, -16 : !lpu.vector<f32>
}

// -----

lpu.program @p target("lpu-tiny") {
  // expected-error @+1 {{count must be at least 1}}
  lpu.nop 0 on "vxm"
}

// -----

lpu.program @p target("lpu-tiny") {
  // expected-error @+1 {{unknown unit kind 'gpu'}}
  lpu.nop 2 on "gpu"
}

// -----

lpu.program @p target("lpu-tiny") {
  // expected-error @+1 {{has negative cycle -1}}
  lpu.nop 2 on "vxm" {cycle = -1 : i64}
}

// -----

lpu.program @p target("lpu-tiny") attributes {cycles = 4 : i64} {
  %x = lpu.buffer input "x" {slice = 0 : i32, address = 0 : i32} : tensor<16xf32>
  // expected-error @+1 {{lacks a cycle or unit in a scheduled program}}
  %v = lpu.mem.read %x[0] {stream = 0 : i32} : !lpu.vector<f32>
}

// -----

lpu.program @p target("lpu-tiny") attributes {cycles = 4 : i64} {
  %x = lpu.buffer input "x" {slice = 0 : i32, address = 0 : i32} : tensor<16xf32>
  // expected-error @+1 {{lacks a result stream in a scheduled program}}
  %v = lpu.mem.read %x[0] {cycle = 0 : i64, unit = 0 : i32} : !lpu.vector<f32>
}

// -----

func.func @outside(%v: !lpu.vector<f32>) {
  // expected-error @+1 {{expects parent op 'lpu.program'}}
  %r = lpu.vxm.relu %v : !lpu.vector<f32>
  return
}

// -----

lpu.program @p target("lpu-tiny") {
  // expected-error @+1 {{is not allowed in an lpu.program}}
  %c = arith.constant 1 : i32
}

// -----

// expected-error @+1 {{body must not have arguments: every vector is produced by an instruction}}
lpu.program @p target("lpu-tiny") {
^bb0(%v: !lpu.vector<f32>):
  %r = lpu.vxm.relu %v : !lpu.vector<f32>
}

// -----

// expected-error @+1 {{lane vectors hold f32, f16, bf16, i32 or i8, not 'f64'}}
func.func private @f(!lpu.vector<f64>)

// -----

lpu.program @p target("lpu-tiny") {
  // expected-error @+1 {{installs f32, f16, bf16 or i8 weights, not 'i32'}}
  lpu.mxm.install rows 4 {unit = 0 : i32} : i32
}

// -----

lpu.program @p target("lpu-tiny") {
  %x = lpu.buffer input "x" : tensor<16xi8>
  %a = lpu.mem.read %x[0] : !lpu.vector<i8>
  // expected-error @+1 {{accumulates i8 products into i32, not 'f32'}}
  %m = lpu.mxm.matmul %a {unit = 0 : i32} : !lpu.vector<i8> -> !lpu.vector<f32>
}

// -----

lpu.program @p target("lpu-tiny") {
  %x = lpu.buffer input "x" : tensor<16xf16>
  // expected-error @+1 {{moves 'f32' vectors of buffer 'x', which holds 'f16'}}
  %a = lpu.mem.read %x[0] : !lpu.vector<f32>
}

// -----

lpu.program @p target("lpu-tiny") {
  %x = lpu.buffer input "x" : tensor<16xi32>
  %a = lpu.mem.read %x[0] : !lpu.vector<i32>
  // expected-error @+1 {{floating-point lane vector}}
  %s = lpu.vxm.scale %a, 2.0 : !lpu.vector<i32>
}

// -----

lpu.program @latch_of_another_alu target("lpu-tiny") {
  %x = lpu.buffer input "x" {slice = 0 : i32, address = 0 : i32} : tensor<4xf32>
  %a = lpu.mem.read %x[0] : !lpu.vector<f32>
  // expected-error @+1 {{stream 129 is an ALU latch, which only the VXM instruction on that ALU writes}}
  %b = lpu.vxm.relu %a {cycle = 6 : i64, stream = 129 : i32, unit = 0 : i32} : !lpu.vector<f32>
}

// -----

lpu.program @p target("lpu-tiny") {
  %t = lpu.buffer input "t" : tensor<4x16xf32>
  %i = lpu.mem.read %t[0] : !lpu.vector<f32>
  // expected-error @+1 {{indices must be an i32 vector}}
  %v = lpu.mem.gather %t[0] by %i {count = 1 : i64, stride = 1 : i64} : !lpu.vector<f32> -> !lpu.vector<f32>
}

// -----

lpu.program @p target("lpu-tiny") {
  %t = lpu.buffer input "t" : tensor<4x16xf32>
  %n = lpu.buffer input "n" : tensor<16xi32>
  %i = lpu.mem.read %n[0] : !lpu.vector<i32>
  // expected-error @+1 {{table vectors 0 to 3 of buffer 't' are not within one block of its rows (block_rows 1): blocks may lie on different slices}}
  %v = lpu.mem.gather %t[0] by %i {count = 4 : i64, stride = 1 : i64} : !lpu.vector<i32> -> !lpu.vector<f32>
}

// -----

lpu.program @p target("lpu-tiny") {
  %t = lpu.buffer input "t" {block_rows = 4 : i64} : tensor<4x16xf32>
  %n = lpu.buffer input "n" : tensor<16xi32>
  %i = lpu.mem.read %n[0] : !lpu.vector<i32>
  // expected-error @+1 {{offset 4 is outside buffer 't' (4 vectors)}}
  %v = lpu.mem.gather %t[1] by %i {count = 2 : i64, stride = 3 : i64} : !lpu.vector<i32> -> !lpu.vector<f32>
}

// -----

lpu.program @p target("lpu-tiny") {
  %t = lpu.buffer input "t" {block_rows = 4 : i64} : tensor<4x16xf32>
  %n = lpu.buffer input "n" : tensor<16xi32>
  %i = lpu.mem.read %n[0] : !lpu.vector<i32>
  // expected-error @+1 {{a table of 4 entries 256 vectors apart does not fit the instruction (1 to 65535 entries, 1 to 255 vectors apart)}}
  %v = lpu.mem.gather %t[0] by %i {count = 4 : i64, stride = 256 : i64} : !lpu.vector<i32> -> !lpu.vector<f32>
}

// -----

lpu.program @p target("lpu-tiny") {
  %s = lpu.buffer input "s" : tensor<16xf32>
  // expected-error @+1 {{`state_of` names an input of the same type, on an output: no input 's' of type 'tensor<8xf32>'}}
  %n = lpu.buffer output "n" {state_of = "s"} : tensor<8xf32>
}

// -----

lpu.program @p target("lpu-tiny") {
  %t = lpu.buffer input "t" {block_rows = 4 : i64} : tensor<4x16xf32>
  %n = lpu.buffer input "n" : tensor<16xi32>
  %i = lpu.mem.read %n[0] : !lpu.vector<i32>
  %v = lpu.mem.read %t[0] : !lpu.vector<f32>
  // expected-error @+1 {{writes to read-only buffer 't'}}
  lpu.mem.scatter %v, %t[0] by %i {count = 4 : i64, stride = 1 : i64} : !lpu.vector<f32>, !lpu.vector<i32>
}
