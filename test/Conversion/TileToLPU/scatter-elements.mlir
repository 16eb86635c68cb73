// RUN: lpu-opt %s --convert-tile-to-lpu | FileCheck %s
// lpu-tiny: 16 lanes. A scatter of single elements into a [2, 20] table (a
// graph output: blocks of one row, rows of 2 vectors): per update and row
// vector, the row gathered from every block and staged, the update blended
// in where the lanes' own column numbers equal its column (old * (1 - at) +
// value * at, exact either way), staged again, then scattered to each block.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[Y:.*]] = lpu.buffer output "y"
// CHECK: %[[COL0:.*]] = lpu.buffer constant "scatter.columns0" init({{.*}}) : tensor<16xi32>
// CHECK: %[[STAGED:.*]] = lpu.buffer scratch "scatter.row" : tensor<2x16xf32>
// CHECK: %[[C:.*]] = lpu.sxm.distribute %{{.*}}, lane 0, width 16 : <i32>
// CHECK: %[[V:.*]] = lpu.sxm.distribute %{{.*}}, lane 0, width 16 : <f32>
// CHECK: %[[G0:.*]] = lpu.mem.gather %[[Y]][0] by %{{.*}} {count = 1 : i64, fault_below, stride = 2 : i64}
// CHECK: %[[G1:.*]] = lpu.mem.gather %[[Y]][2] by %{{.*}} {count = 1 : i64, fault_above, stride = 2 : i64}
// CHECK: %[[OLD:.*]] = lpu.vxm.add %[[G0]], %[[G1]] : <f32>
// CHECK: lpu.mem.write %[[OLD]], %[[STAGED]][0] : <f32>
// CHECK: %[[O:.*]] = lpu.mem.read %[[STAGED]][0] : <f32>
// CHECK: %[[L:.*]] = lpu.mem.read %[[COL0]][0] : <i32>
// CHECK: %[[EQ:.*]] = lpu.vxm.eq %[[L]], %[[C]] : <i32>
// CHECK: %[[AT:.*]] = lpu.vxm.convert %[[EQ]] : <i32> -> <f32>
// CHECK: %[[NEW:.*]] = lpu.vxm.mul %[[V]], %[[AT]] : <f32>
// CHECK: %[[KEEP:.*]] = lpu.vxm.sub %{{.*}}, %[[AT]] : <f32>
// CHECK: %[[KEPT:.*]] = lpu.vxm.mul %[[O]], %[[KEEP]] : <f32>
// CHECK: %[[B:.*]] = lpu.vxm.add %[[KEPT]], %[[NEW]] : <f32>
// CHECK: lpu.mem.write %[[B]], %[[STAGED]][1] : <f32>
// CHECK: %[[S0:.*]] = lpu.mem.read %[[STAGED]][1] : <f32>
// CHECK: lpu.mem.scatter %[[S0]], %[[Y]][0] by %{{.*}} {count = 1 : i64, fault_below, stride = 2 : i64}
// CHECK: %[[S1:.*]] = lpu.mem.read %[[STAGED]][1] : <f32>
// CHECK: lpu.mem.scatter %[[S1]], %[[Y]][2] by %{{.*}} {count = 1 : i64, fault_above, stride = 2 : i64}
// Then the row's second vector, from gathers of vectors 1 and 3:
// CHECK: lpu.mem.gather %[[Y]][1]
// CHECK: lpu.mem.gather %[[Y]][3]
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%d: tensor<2x20xf32> {onnx.name = "d"}, %r: tensor<1xi32> {onnx.name = "r"}, %c: tensor<1xi32> {onnx.name = "c"}, %u: tensor<1x1xf32> {onnx.name = "u"}) -> (tensor<2x20xf32> {onnx.name = "y"}) {
    %0 = tile.scatter_rows %d[%r] = %u columns %c : tensor<1xi32> : tensor<2x20xf32>, tensor<1xi32>, tensor<1x1xf32> loc("scatter")
    return %0 : tensor<2x20xf32>
  }
}
