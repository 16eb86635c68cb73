// RUN: lpu-opt %s -split-input-file --convert-tile-to-lpu | FileCheck %s
// lpu-tiny: 16 lanes. Winograd F(2x2, 3x3)'s transforms on the VXM
// (dialects/Tile/Winograd.h), one chain per result vector.

// A 2x2 input padded by 1 on top and left: the one tile's corner is
// (-1, -1), so tile element d_ik is input pixel (i - 1, k - 1), row
// 2 (i - 1) + (k - 1). Position (0, 0) of B^T d B meets only d22 (row 3);
// position (1, 1) sums the four pixels; position (1, 2) is
// -d11 + d12 - d21 + d22, started from its first added term (row 1);
// position (3, 3) meets only d11 (row 0).
// CHECK-LABEL: lpu.program @main
// CHECK: %[[X:.*]] = lpu.buffer input "input0" : tensor<1x2x2x4xf32>
// CHECK: %[[V:.*]] = lpu.buffer output "output0" : tensor<16x1x4xf32>
// CHECK: %[[P0:.*]] = lpu.mem.read %[[X]][3] : <f32>
// CHECK-NEXT: lpu.mem.write %[[P0]], %[[V]][0]
// CHECK-COUNT-3: lpu.vxm.add
// CHECK-NEXT: lpu.mem.write %{{.*}}, %[[V]][5]
// CHECK-NEXT: %[[E:.*]] = lpu.mem.read %[[X]][0]
// CHECK-NEXT: %[[F:.*]] = lpu.mem.read %[[X]][1]
// CHECK-NEXT: %[[G:.*]] = lpu.mem.read %[[X]][2]
// CHECK-NEXT: %[[H:.*]] = lpu.mem.read %[[X]][3]
// CHECK-NEXT: %[[FE:.*]] = lpu.vxm.sub %[[F]], %[[E]]
// CHECK-NEXT: %[[FEG:.*]] = lpu.vxm.sub %[[FE]], %[[G]]
// CHECK-NEXT: %[[R:.*]] = lpu.vxm.add %[[FEG]], %[[H]]
// CHECK-NEXT: lpu.mem.write %[[R]], %[[V]][6]
// CHECK: lpu.mem.write %{{.*}}, %[[V]][14]
// CHECK-NEXT: %[[L:.*]] = lpu.mem.read %[[X]][0]
// CHECK-NEXT: lpu.mem.write %[[L]], %[[V]][15]
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<1x2x2x4xf32>) -> tensor<16x1x4xf32> {
    %v = tile.winograd_input %x {pad_begin = array<i64: 1, 1>, output_size = array<i64: 2, 2>} : tensor<1x2x2x4xf32> -> tensor<16x1x4xf32>
    return %v : tensor<16x1x4xf32>
  }
}

// -----

// A 1x1 output, its one tile cut to pixel (0, 0): in two stages, row 0 of
// A^T m only in the columns pixel (0, 0) reads (b < 3; each the sum of
// m_0b, m_1b and m_2b, rows 4 a + b), staged in SRAM, then Y00 = the sum
// of those three and the epilogue (a residual and relu).
// CHECK-LABEL: lpu.program @main
// CHECK: %[[M:.*]] = lpu.buffer input "input0" : tensor<16x1x4xf32>
// CHECK: %[[R:.*]] = lpu.buffer input "input1" : tensor<1x1x1x4xf32>
// CHECK: %[[Y:.*]] = lpu.buffer output "output0" : tensor<1x1x1x4xf32>
// CHECK: %[[S:.*]] = lpu.buffer scratch {{.*}} : tensor<8x4xf32>
// CHECK: %[[M0:.*]] = lpu.mem.read %[[M]][0]
// CHECK-NEXT: %[[M4:.*]] = lpu.mem.read %[[M]][4]
// CHECK-NEXT: %[[M8:.*]] = lpu.mem.read %[[M]][8]
// CHECK-NEXT: %[[A:.*]] = lpu.vxm.add %[[M0]], %[[M4]]
// CHECK-NEXT: %[[S0:.*]] = lpu.vxm.add %[[A]], %[[M8]]
// CHECK-NEXT: lpu.mem.write %[[S0]], %[[S]][0]
// CHECK-COUNT-2: lpu.mem.write %{{.*}}, %[[S]]
// CHECK-NOT: lpu.mem.write %{{.*}}, %[[S]]
// CHECK: lpu.mem.read %[[S]][0]
// CHECK-NEXT: lpu.mem.read %[[S]][1]
// CHECK-NEXT: lpu.mem.read %[[S]][2]
// CHECK-NEXT: lpu.vxm.add
// CHECK-NEXT: %[[SUM:.*]] = lpu.vxm.add
// CHECK-NEXT: %[[RES:.*]] = lpu.mem.read %[[R]][0]
// CHECK-NEXT: %[[ADD:.*]] = lpu.vxm.add %[[SUM]], %[[RES]]
// CHECK-NEXT: %[[RELU:.*]] = lpu.vxm.relu %[[ADD]]
// CHECK-NEXT: lpu.mem.write %[[RELU]], %[[Y]][0]
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%m: tensor<16x1x4xf32>, %r: tensor<1x1x1x4xf32>) -> tensor<1x1x1x4xf32> {
    %y = tile.winograd_output %m epilogue(%r : tensor<1x1x1x4xf32>) [add in0, relu] : tensor<16x1x4xf32> -> tensor<1x1x1x4xf32>
    return %y : tensor<1x1x1x4xf32>
  }
}
