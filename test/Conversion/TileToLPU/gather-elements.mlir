// RUN: lpu-opt %s --convert-tile-to-lpu | FileCheck %s
// lpu-tiny: 16 lanes. GatherElements along axis 1 of [2, 3, 20] data (rows of
// 2 vectors): each result vector is one gather whose lanes take their own
// indices' entries, 3 entries 2 vectors apart from the data row of index 0
// along the axis: rows 0 and 3 (vectors 0 and 6) for the two leading indices.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[I:.*]] = lpu.buffer input "i" : tensor<2x2x20xi32>
// CHECK: %[[Y:.*]] = lpu.buffer output "y"
// CHECK: %[[T:.*]] = lpu.buffer constant "table" {{.*}}block_rows = 3 : i64{{.*}} : tensor<2x3x20xf32>
// CHECK: %[[I0:.*]] = lpu.mem.read %[[I]][0] : <i32>
// CHECK: %[[G0:.*]] = lpu.mem.gather %[[T]][0] by %[[I0]] {count = 3 : i64, fault_above, fault_below, stride = 2 : i64} : <i32> -> <f32>
// CHECK: lpu.mem.write %[[G0]], %[[Y]][0] : <f32>
// CHECK: %[[I1:.*]] = lpu.mem.read %[[I]][1] : <i32>
// CHECK: lpu.mem.gather %[[T]][1] by %[[I1]]
// CHECK: %[[I4:.*]] = lpu.mem.read %[[I]][4] : <i32>
// CHECK: lpu.mem.gather %[[T]][6] by %[[I4]]
// Data dealt in other blocks (here a graph input, one row per block) is
// first copied into blocks of the rows along the axis.
// CHECK: %[[COPY:.*]] = lpu.buffer scratch "from_input" {block_rows = 3 : i64, min_parts = 2 : i64} : tensor<2x3x20xf32>
// CHECK-COUNT-12: lpu.mem.write %{{.*}}, %[[COPY]]
// CHECK: lpu.mem.gather %[[COPY]][0] by
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<2x3x20xf32> {onnx.name = "x"}, %i: tensor<2x2x20xi32> {onnx.name = "i"}) -> (tensor<2x2x20xf32> {onnx.name = "y"}, tensor<2x2x20xf32> {onnx.name = "z"}) {
    %t = arith.constant {tile.split_rows = 3 : i64} dense<1.0> : tensor<2x3x20xf32> loc("table")
    %0 = tile.gather_elements %t[%i] axis 1 : tensor<2x3x20xf32>, tensor<2x2x20xi32> -> tensor<2x2x20xf32> loc("picked")
    %1 = tile.gather_elements %x[%i] axis 1 : tensor<2x3x20xf32>, tensor<2x2x20xi32> -> tensor<2x2x20xf32> loc("from_input")
    return %0, %1 : tensor<2x2x20xf32>, tensor<2x2x20xf32>
  }
}
