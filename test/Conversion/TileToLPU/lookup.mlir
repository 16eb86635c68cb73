// RUN: lpu-opt %s --convert-tile-to-lpu | FileCheck %s
// lpu-tiny: 16 lanes. A table of 5 rows of 20 elements (2 vectors a row) in
// blocks of 3 rows: the indices relative to block 1 (minus 3) are computed
// once; each result vector then adds one gather per block, each from the
// index broadcast to every lane. Block 0 faults below its first row, the
// last block from its end on.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[T:.*]] = lpu.buffer constant "table" {{.*}}block_rows = 3 : i64{{.*}} : tensor<5x20xf32>
// CHECK: %[[REL:.*]] = lpu.buffer scratch "lookup.rows" : tensor<2x1x16xi32>
// CHECK: %[[I0:.*]] = lpu.mem.read %{{.*}}[0] : <i32>
// CHECK: lpu.mem.write %[[I0]], %[[REL]][0] : <i32>
// CHECK: %[[I1:.*]] = lpu.mem.read %{{.*}}[0] : <i32>
// CHECK: %[[S:.*]] = lpu.mem.read %{{.*}}[0] : <i32>
// CHECK: %[[D:.*]] = lpu.vxm.sub %[[I1]], %[[S]] : <i32>
// CHECK: lpu.mem.write %[[D]], %[[REL]][1] : <i32>
// Row 1 (index element 1), vector 1, after vector 0 of rows 0 and 1:
// CHECK: lpu.mem.write %{{.*}}, %{{.*}}[2] : <f32>
// CHECK: %[[R0:.*]] = lpu.mem.read %[[REL]][0] : <i32>
// CHECK: %[[B0:.*]] = lpu.sxm.distribute %[[R0]], lane 1, width 16 : <i32>
// CHECK: %[[G0:.*]] = lpu.mem.gather %[[T]][1] by %[[B0]] {count = 3 : i64, fault_below, stride = 2 : i64} : <i32> -> <f32>
// CHECK: %[[R1:.*]] = lpu.mem.read %[[REL]][1] : <i32>
// CHECK: %[[B1:.*]] = lpu.sxm.distribute %[[R1]], lane 1, width 16 : <i32>
// CHECK: %[[G1:.*]] = lpu.mem.gather %[[T]][7] by %[[B1]] {count = 2 : i64, fault_above, stride = 2 : i64} : <i32> -> <f32>
// CHECK: %[[SUM:.*]] = lpu.vxm.add %[[G0]], %[[G1]] : <f32>
// CHECK: lpu.mem.write %[[SUM]], %{{.*}}[3] : <f32>
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%ids: tensor<3xi32> {onnx.name = "ids"}) -> (tensor<3x20xf32> {onnx.name = "y"}) {
    %t = arith.constant {tile.split_rows = 3 : i64} dense<1.0> : tensor<5x20xf32> loc("table")
    %0 = tile.lookup %t[%ids] : tensor<5x20xf32>, tensor<3xi32> -> tensor<3x20xf32> loc("lookup")
    return %0 : tensor<3x20xf32>
  }
}
