// RUN: lpu-opt %s | FileCheck %s
// RUN: lpu-opt %s | lpu-opt | FileCheck %s
// Every op of the lpu dialect prints and parses back.

// CHECK-LABEL: lpu.program @all_ops target("lpu-tiny") attributes {cycles = 40 : i64}
lpu.program @all_ops target("lpu-tiny") attributes {cycles = 40 : i64} {
  // CHECK: %[[X:.*]] = lpu.buffer input "x" {address = 0 : i32, slice = 0 : i32} : tensor<2x16xf32>
  %x = lpu.buffer input "x" {address = 0 : i32, slice = 0 : i32} : tensor<2x16xf32>
  // CHECK: %[[W:.*]] = lpu.buffer constant "w" init(dense<1.000000e+00> : tensor<16x16xf32>) {address = 0 : i32, slice = 1 : i32} : tensor<16x16xf32>
  %w = lpu.buffer constant "w" init(dense<1.0> : tensor<16x16xf32>) {address = 0 : i32, slice = 1 : i32} : tensor<16x16xf32>
  // CHECK: %[[Y:.*]] = lpu.buffer output "y" {address = 0 : i32, slice = 2 : i32} : tensor<2x16xf32>
  %y = lpu.buffer output "y" {address = 0 : i32, slice = 2 : i32} : tensor<2x16xf32>
  // CHECK: %[[T:.*]] = lpu.buffer scratch "t" {address = 0 : i32, slice = 3 : i32} : tensor<2x16xf32>
  %t = lpu.buffer scratch "t" {address = 0 : i32, slice = 3 : i32} : tensor<2x16xf32>

  // CHECK: %[[A:.*]] = lpu.mem.read %[[X]][0] {cycle = 0 : i64, stream = 0 : i32, unit = 0 : i32} : <f32>
  %a = lpu.mem.read %x[0] {cycle = 0 : i64, stream = 0 : i32, unit = 0 : i32} : !lpu.vector<f32>
  %b = lpu.mem.read %x[1] {cycle = 1 : i64, stream = 1 : i32, unit = 0 : i32} : !lpu.vector<f32>
  // CHECK: lpu.vxm.add %{{.*}}, %{{.*}} {{.*}} : <f32>
  %sum = lpu.vxm.add %a, %b {cycle = 3 : i64, stream = 2 : i32, unit = 0 : i32} : !lpu.vector<f32>
  // CHECK: lpu.vxm.sub
  %diff = lpu.vxm.sub %a, %b {cycle = 3 : i64, stream = 3 : i32, unit = 1 : i32} : !lpu.vector<f32>
  // CHECK: lpu.vxm.mul
  %prod = lpu.vxm.mul %sum, %diff {cycle = 5 : i64, stream = 4 : i32, unit = 0 : i32} : !lpu.vector<f32>
  // CHECK: lpu.vxm.max
  %big = lpu.vxm.max %prod, %a {cycle = 7 : i64, stream = 5 : i32, unit = 0 : i32} : !lpu.vector<f32>
  // CHECK: lpu.vxm.relu
  %pos = lpu.vxm.relu %big {cycle = 9 : i64, stream = 6 : i32, unit = 0 : i32} : !lpu.vector<f32>
  // CHECK: lpu.vxm.scale %{{.*}}, 5.000000e-01 {
  %half = lpu.vxm.scale %pos, 0.5 {cycle = 11 : i64, stream = 7 : i32, unit = 0 : i32} : !lpu.vector<f32>
  // CHECK: lpu.vxm.div_scalar %{{.*}}, 3.000000e+00 {
  %third = lpu.vxm.div_scalar %half, 3.0 {cycle = 13 : i64, stream = 11 : i32, unit = 1 : i32} : !lpu.vector<f32>
  // CHECK: lpu.sxm.distribute %{{.*}}, lane 3, width 16
  %spread = lpu.sxm.distribute %half, lane 3, width 16 {cycle = 13 : i64, stream = 8 : i32, unit = 0 : i32} : !lpu.vector<f32>
  // CHECK: lpu.sxm.shift %{{.*}}, -2
  %moved = lpu.sxm.shift %spread, -2 {cycle = 15 : i64, stream = 9 : i32, unit = 1 : i32} : !lpu.vector<f32>
  // CHECK: lpu.mem.write %{{.*}}, %[[T]][0]
  lpu.mem.write %moved, %t[0] {cycle = 17 : i64, unit = 3 : i32} : !lpu.vector<f32>

  %w0 = lpu.mem.read %w[0] {cycle = 2 : i64, stream = 10 : i32, unit = 1 : i32} : !lpu.vector<f32>
  // CHECK: lpu.mxm.load_weights %{{.*}} into row 0 {cycle = 4 : i64, unit = 1 : i32} : !lpu.vector<f32>
  lpu.mxm.load_weights %w0 into row 0 {cycle = 4 : i64, unit = 1 : i32} : !lpu.vector<f32>
  // CHECK: lpu.mxm.install rows 1 {cycle = 5 : i64, unit = 1 : i32} : f32
  lpu.mxm.install rows 1 {cycle = 5 : i64, unit = 1 : i32} : f32
  // CHECK: lpu.mxm.matmul
  %mm = lpu.mxm.matmul %a {cycle = 8 : i64, stream = 11 : i32, unit = 1 : i32} : !lpu.vector<f32> -> !lpu.vector<f32>
  // CHECK: lpu.mxm.matmul_acc %{{.*}}, %{{.*}} {cycle = 9 : i64, stream = 12 : i32, unit = 1 : i32} : <f32> -> <f32>
  %acc = lpu.mxm.matmul_acc %b, %mm {cycle = 9 : i64, stream = 12 : i32, unit = 1 : i32} : !lpu.vector<f32> -> !lpu.vector<f32>
  lpu.mem.write %acc, %y[0] {cycle = 13 : i64, unit = 2 : i32} : !lpu.vector<f32>
  // CHECK: lpu.nop 3 on "vxm" {cycle = 20 : i64, unit = 2 : i32}
  lpu.nop 3 on "vxm" {cycle = 20 : i64, unit = 2 : i32}
}

// CHECK-LABEL: lpu.program @gather
// CHECK: lpu.mem.gather %{{.*}}[1] by %{{.*}} {count = 3 : i64, fault_above, fault_below, stride = 2 : i64} : <i32> -> <f32>
lpu.program @gather target("lpu-tiny") {
  %t = lpu.buffer input "t" {block_rows = 4 : i64} : tensor<4x20xf32>
  %n = lpu.buffer input "n" : tensor<16xi32>
  %y = lpu.buffer output "y" : tensor<16xf32>
  %i = lpu.mem.read %n[0] : !lpu.vector<i32>
  %v = lpu.mem.gather %t[1] by %i {count = 3 : i64, stride = 2 : i64, fault_below, fault_above} : !lpu.vector<i32> -> !lpu.vector<f32>
  lpu.mem.write %v, %y[0] : !lpu.vector<f32>
}

// CHECK-LABEL: lpu.program @scatter
// CHECK: lpu.mem.scatter %{{.*}}, %{{.*}}[0] by %{{.*}} {count = 4 : i64, fault_above, stride = 1 : i64} : <f32>, <i32>
lpu.program @scatter target("lpu-tiny") {
  %t = lpu.buffer input "t" {block_rows = 4 : i64} : tensor<4x16xf32>
  %n = lpu.buffer input "n" : tensor<16xi32>
  %y = lpu.buffer output "y" {block_rows = 4 : i64, state_of = "t"} : tensor<4x16xf32>
  %i = lpu.mem.read %n[0] : !lpu.vector<i32>
  %v = lpu.mem.read %t[0] : !lpu.vector<f32>
  lpu.mem.scatter %v, %y[0] by %i {count = 4 : i64, stride = 1 : i64, fault_above} : !lpu.vector<f32>, !lpu.vector<i32>
}
