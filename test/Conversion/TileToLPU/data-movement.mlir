// RUN: lpu-opt %s -split-input-file --convert-tile-to-lpu | FileCheck %s
// lpu-tiny: 16 lanes, 2 MXM planes.

// A slice of lanes [2, 6) of each row: one run of 4 elements, moved to lane
// 0 by SXM shifts (first out the lanes above it, then down), written.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[R:.*]] = lpu.mem.read %{{.*}}[0]
// CHECK: %[[U:.*]] = lpu.sxm.shift %[[R]], 10
// CHECK: %[[D:.*]] = lpu.sxm.shift %[[U]], -12
// CHECK: lpu.mem.write %[[D]], %{{.*}}[0]
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<2x16xf32> {onnx.name = "x"}) -> (tensor<2x4xf32> {onnx.name = "y"}) {
    %0 = tile.gather %x {first = array<i64: 0, 1>, count = array<i64: 1, 1>, tables = [array<i64: 0, 1>, array<i64: 2, 3, 4, 5>]} : tensor<2x16xf32> -> tensor<2x4xf32>
    return %0 : tensor<2x4xf32>
  }
}

// -----

// A reshape that keeps the rows is the same tensor: no instructions; the
// map before it writes straight into the graph output.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[Y:.*]] = lpu.buffer output "y" : tensor<2x3x8xf32>
// CHECK-COUNT-6: lpu.mem.write %{{.*}}, %[[Y]]
// CHECK-NOT: lpu.mem
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<6x8xf32> {onnx.name = "x"}) -> (tensor<2x3x8xf32> {onnx.name = "y"}) {
    %0 = tile.map(%x) [in0, relu] : (tensor<6x8xf32>) -> tensor<6x8xf32>
    %1 = tile.reshape %0 : tensor<6x8xf32> -> tensor<2x3x8xf32>
    return %1 : tensor<2x3x8xf32>
  }
}

// -----

// A transpose moving the innermost dimension runs on the MXM: the input's
// two rows installed transposed (as array columns), then one product per
// output row with a row of the identity (e_0, e_1, e_2).
// CHECK-LABEL: lpu.program @main
// CHECK: %[[I:.*]] = lpu.buffer constant "identity"
// CHECK-COUNT-2: lpu.mxm.load_weights {{.*}} {unit = 1 : i32}
// CHECK: lpu.mxm.install rows 2 transposed {unit = 1 : i32}
// CHECK: %[[E0:.*]] = lpu.mem.read %[[I]][0]
// CHECK: %[[C0:.*]] = lpu.mxm.matmul %[[E0]] {unit = 1 : i32}
// CHECK: lpu.mem.write %[[C0]], %{{.*}}[0]
// CHECK: lpu.mem.read %[[I]][2]
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<2x3xf32> {onnx.name = "x"}) -> (tensor<3x2xf32> {onnx.name = "y"}) {
    %0 = tile.transpose %x [1, 0] {planes = array<i32: 1>} : tensor<2x3xf32> -> tensor<3x2xf32>
    return %0 : tensor<3x2xf32>
  }
}

// -----

// Concatenation along the innermost axis gathers segments of both inputs
// into each output vector, joined by VXM adds.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[A:.*]] = lpu.mem.read %{{.*}}[0]
// CHECK: %[[B:.*]] = lpu.mem.read %{{.*}}[0]
// CHECK: %[[BS:.*]] = lpu.sxm.shift %[[B]], 3
// CHECK: %[[J:.*]] = lpu.vxm.add %[[A]], %[[BS]]
// CHECK: lpu.mem.write %[[J]]
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%a: tensor<1x3xf32> {onnx.name = "a"}, %b: tensor<1x5xf32> {onnx.name = "b"}) -> (tensor<1x8xf32> {onnx.name = "y"}) {
    %0 = tile.concat %a, %b axis 1 : (tensor<1x3xf32>, tensor<1x5xf32>) -> tensor<1x8xf32>
    return %0 : tensor<1x8xf32>
  }
}

// -----

// lpu-v1 has no f32 products: a transpose whose result is not only a
// product's operand moves f32 values as three bf16 parts (hi, what hi
// leaves, what both leave), installed at once on three planes; each unit
// vector sums the parts plane to plane, largest first, exactly.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[X0:.*]] = lpu.mem.read %{{.*}}[0] : <f32>
// CHECK: lpu.vxm.convert %[[X0]] : <f32> -> <bf16>
// CHECK: lpu.mxm.install rows 2 transposed {unit = 0 : i32} : bf16
// CHECK: %[[R:.*]] = lpu.vxm.sub
// CHECK: lpu.mxm.install rows 2 transposed {unit = 1 : i32} : bf16
// CHECK: lpu.mxm.install rows 2 transposed {unit = 2 : i32} : bf16
// CHECK: %[[HI:.*]] = lpu.mxm.matmul %{{.*}} {unit = 0 : i32} : <bf16> -> <f32>
// CHECK: %[[MID:.*]] = lpu.mxm.matmul_acc %{{.*}}, %[[HI]] {unit = 1 : i32}
// CHECK: %[[ALL:.*]] = lpu.mxm.matmul_acc %{{.*}}, %[[MID]] {unit = 2 : i32}
// CHECK: lpu.mem.write %[[ALL]], %{{.*}}[0] : <f32>
module attributes {tile.target = "lpu-v1"} {
  func.func @main(%x: tensor<2x3xf32> {onnx.name = "x"}) -> (tensor<3x2xf32> {onnx.name = "y"}) {
    %0 = tile.transpose %x [1, 0] {planes = array<i32: 0, 1, 2>} : tensor<2x3xf32> -> tensor<3x2xf32>
    return %0 : tensor<3x2xf32>
  }
}

// -----

// A window row's taps side by side: each output vector is tap kx's pixel
// shifted by kx * C lanes (2 channels: 0, 2, 4) and added. A tap in the
// padding adds the zero point in its own lanes instead (one constant per tap
// that meets the padding: the first and the last here).
// CHECK-LABEL: lpu.program @main
// CHECK: %[[X:.*]] = lpu.buffer input "x"
// CHECK: %[[Y:.*]] = lpu.buffer output "y"
// CHECK: %[[P0:.*]] = lpu.buffer constant "constant.padding0.0" init(dense_resource<constant.padding0.0> : tensor<16xi8>)
// CHECK: %[[Z0:.*]] = lpu.mem.read %[[P0]][0]
// CHECK: %[[A:.*]] = lpu.mem.read %[[X]][0]
// CHECK: %[[AS:.*]] = lpu.sxm.shift %[[A]], 2
// CHECK: %[[S:.*]] = lpu.vxm.add %[[Z0]], %[[AS]]
// CHECK: %[[B:.*]] = lpu.mem.read %[[X]][1]
// CHECK: %[[BS:.*]] = lpu.sxm.shift %[[B]], 4
// CHECK: %[[T:.*]] = lpu.vxm.add %[[S]], %[[BS]]
// CHECK: lpu.mem.write %[[T]], %[[Y]][0]
// CHECK: %[[C:.*]] = lpu.mem.read %[[X]][0]
// CHECK-NOT: lpu.sxm.shift %[[C]]
// CHECK: %[[D:.*]] = lpu.mem.read %[[X]][1]
// CHECK: lpu.sxm.shift %[[D]], 2
// CHECK: lpu.mem.write %{{.*}}, %[[Y]][1]
// CHECK: %[[P2:.*]] = lpu.buffer constant "constant.padding2.0"
// CHECK: lpu.mem.write %{{.*}}, %[[Y]][2]
// CHECK: constant.padding0.0: "0x08000000FBFB0000000000000000000000000000"
// CHECK: constant.padding2.0: "0x0800000000000000FBFB00000000000000000000"
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<1x1x3x2xi8> {onnx.name = "x"}) -> (tensor<1x1x3x6xi8> {onnx.name = "y"}) {
    %0 = tile.pack_taps %x {dim = 2 : i64, taps = 3 : i64, stride = 1 : i64, dilation = 1 : i64, pad_begin = 1 : i64, padding_value = -5 : i64} : tensor<1x1x3x2xi8> -> tensor<1x1x3x6xi8>
    return %0 : tensor<1x1x3x6xi8>
  }
}

// -----

// Taps wider than a vector: 3 taps x 6 channels take 18 lanes, two vectors
// per pixel. Tap 2 straddles them: shifted up by 12 lanes into the first
// (its channels 0-3) and down by 4 into the second (channels 4 and 5). Its
// padding constants hold the zero point in its lanes of each vector.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[X:.*]] = lpu.buffer input "x"
// CHECK: %[[Y:.*]] = lpu.buffer output "y"
// CHECK: %[[P00:.*]] = lpu.buffer constant "constant.padding0.0"
// CHECK: %[[Z0:.*]] = lpu.mem.read %[[P00]][0]
// CHECK: %[[A:.*]] = lpu.mem.read %[[X]][0]
// CHECK: %[[AS:.*]] = lpu.sxm.shift %[[A]], 6
// CHECK: %[[S:.*]] = lpu.vxm.add %[[Z0]], %[[AS]]
// CHECK: %[[B:.*]] = lpu.mem.read %[[X]][1]
// CHECK: %[[BS:.*]] = lpu.sxm.shift %[[B]], 12
// CHECK: %[[T:.*]] = lpu.vxm.add %[[S]], %[[BS]]
// CHECK: lpu.mem.write %[[T]], %[[Y]][0]
// CHECK: %[[B2:.*]] = lpu.mem.read %[[X]][1]
// CHECK: %[[B2S:.*]] = lpu.sxm.shift %[[B2]], -4
// CHECK: lpu.mem.write %[[B2S]], %[[Y]][1]
// CHECK: %[[C:.*]] = lpu.mem.read %[[X]][0]
// CHECK-NOT: lpu.sxm.shift %[[C]]
// CHECK: lpu.mem.write %{{.*}}, %[[Y]][2]
// CHECK: %[[P21:.*]] = lpu.buffer constant "constant.padding2.1"
// CHECK: %[[Z21:.*]] = lpu.mem.read %[[P21]][0]
// CHECK: lpu.mem.write %[[Z21]], %[[Y]][3]
// CHECK: constant.padding0.0: "0x08000000FBFBFBFBFBFB00000000000000000000"
// CHECK: constant.padding2.0: "0x08000000000000000000000000000000FBFBFBFB"
// CHECK: constant.padding2.1: "0x08000000FBFB0000000000000000000000000000"
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<1x1x2x6xi8> {onnx.name = "x"}) -> (tensor<1x1x2x18xi8> {onnx.name = "y"}) {
    %0 = tile.pack_taps %x {dim = 2 : i64, taps = 3 : i64, stride = 1 : i64, dilation = 1 : i64, pad_begin = 1 : i64, padding_value = -5 : i64} : tensor<1x1x2x6xi8> -> tensor<1x1x2x18xi8>
    return %0 : tensor<1x1x2x18xi8>
  }
}

// -----

// A window column's taps (dim 1, stride 2): output row oy reads input rows
// 2 oy - 1, 2 oy and 2 oy + 1 of the same column, tap ky shifted by ky * C;
// rows -1 and 3 are padding.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[X:.*]] = lpu.buffer input "x"
// CHECK: %[[Y:.*]] = lpu.buffer output "y"
// CHECK: %[[P0:.*]] = lpu.buffer constant "constant.padding0.0"
// CHECK: lpu.mem.read %[[P0]][0]
// CHECK: %[[A:.*]] = lpu.mem.read %[[X]][0]
// CHECK: lpu.sxm.shift %[[A]], 2
// CHECK: %[[B:.*]] = lpu.mem.read %[[X]][2]
// CHECK: lpu.sxm.shift %[[B]], 4
// CHECK: lpu.mem.write %{{.*}}, %[[Y]][0]
// CHECK: lpu.mem.read %[[X]][1]
// CHECK: lpu.mem.read %[[X]][3]
// CHECK: lpu.mem.write %{{.*}}, %[[Y]][1]
// CHECK: %[[C:.*]] = lpu.mem.read %[[X]][2]
// CHECK-NOT: lpu.sxm.shift %[[C]]
// CHECK: %[[D:.*]] = lpu.mem.read %[[X]][4]
// CHECK: lpu.sxm.shift %[[D]], 2
// CHECK: %[[P2:.*]] = lpu.buffer constant "constant.padding2.0"
// CHECK: lpu.mem.write %{{.*}}, %[[Y]][2]
// CHECK: lpu.mem.read %[[X]][3]
// CHECK: lpu.mem.read %[[X]][5]
// CHECK: lpu.mem.write %{{.*}}, %[[Y]][3]
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<1x3x2x2xi8> {onnx.name = "x"}) -> (tensor<1x2x2x6xi8> {onnx.name = "y"}) {
    %0 = tile.pack_taps %x {dim = 1 : i64, taps = 3 : i64, stride = 2 : i64, dilation = 1 : i64, pad_begin = 1 : i64, padding_value = -5 : i64} : tensor<1x3x2x2xi8> -> tensor<1x2x2x6xi8>
    return %0 : tensor<1x2x2x6xi8>
  }
}

// -----

// An i8 gather's padding comes from a row of the pad value in i8, the
// gather's own type (an f32 row would be another stream width). A run that
// ends at the top of the result takes one shift: the lanes above it in the
// input (up to its width, 8) shift out at the top.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[P:.*]] = lpu.buffer constant "constant.pad" {{.*}} : tensor<16xi8>
// CHECK: %[[PR:.*]] = lpu.mem.read %[[P]][0] : <i8>
// CHECK: %[[PU:.*]] = lpu.sxm.shift %[[PR]], 4 : <i8>
// CHECK: %[[PD:.*]] = lpu.sxm.shift %[[PU]], -4 : <i8>
// CHECK: %[[X:.*]] = lpu.mem.read %{{.*}}[0] : <i8>
// CHECK-NEXT: %[[XS:.*]] = lpu.sxm.shift %[[X]], 12 : <i8>
// CHECK-NEXT: lpu.vxm.add %[[PD]], %[[XS]] : <i8>
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<1x2x8xi8> {onnx.name = "x"}) -> (tensor<1x2x16xi8> {onnx.name = "y"}) {
    %p = arith.constant dense<-128> : tensor<1xi8>
    %0 = tile.gather %x padding %p : tensor<1xi8> {first = array<i64: 0, 1, 2>, count = array<i64: 1, 1, 1>, tables = [array<i64: 0>, array<i64: 0, 1>, array<i64: -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 1, 2, 3>]} : tensor<1x2x8xi8> -> tensor<1x2x16xi8>
    return %0 : tensor<1x2x16xi8>
  }
}

// -----

// A run from lane 0 of a row with data above it, to the middle of the
// result: up to the top (dropping what is above), then down to its lanes;
// two shifts.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[X:.*]] = lpu.mem.read %{{.*}}[0] : <f32>
// CHECK-NEXT: %[[U:.*]] = lpu.sxm.shift %[[X]], 12 : <f32>
// CHECK-NEXT: %[[D:.*]] = lpu.sxm.shift %[[U]], -8 : <f32>
// CHECK-NEXT: lpu.mem.write %[[D]]
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<1x8xf32> {onnx.name = "x"}) -> (tensor<1x8xf32> {onnx.name = "y"}) {
    %0 = tile.gather %x {first = array<i64: 0, 1>, count = array<i64: 1, 1>, tables = [array<i64: 0>, array<i64: -1, -1, -1, -1, 0, 1, 2, 3>]} : tensor<1x8xf32> -> tensor<1x8xf32>
    return %0 : tensor<1x8xf32>
  }
}

// -----

// Taps of pixels wider than a vector (24 channels: vectors of 16 and 8):
// each pixel vector moves to its lanes with one shift per result vector it
// meets. Result vector 1 holds pixel 0's second vector and the first 8
// lanes of pixel 1's first; vector 2 the rest of it, shifted down, and
// pixel 1's second vector.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[A0:.*]] = lpu.mem.read %{{.*}}[0] : <f32>
// CHECK-NEXT: lpu.mem.write %[[A0]], %{{.*}}[0]
// CHECK-NEXT: %[[A1:.*]] = lpu.mem.read %{{.*}}[1] : <f32>
// CHECK-NEXT: %[[B0:.*]] = lpu.mem.read %{{.*}}[2] : <f32>
// CHECK-NEXT: %[[B0S:.*]] = lpu.sxm.shift %[[B0]], 8 : <f32>
// CHECK-NEXT: %[[V1:.*]] = lpu.vxm.add %[[A1]], %[[B0S]] : <f32>
// CHECK-NEXT: lpu.mem.write %[[V1]], %{{.*}}[1]
// CHECK-NEXT: %[[B0R:.*]] = lpu.mem.read %{{.*}}[2] : <f32>
// CHECK-NEXT: %[[B0D:.*]] = lpu.sxm.shift %[[B0R]], -8 : <f32>
// CHECK-NEXT: %[[B1:.*]] = lpu.mem.read %{{.*}}[3] : <f32>
// CHECK-NEXT: %[[B1S:.*]] = lpu.sxm.shift %[[B1]], 8 : <f32>
// CHECK-NEXT: %[[V2:.*]] = lpu.vxm.add %[[B0D]], %[[B1S]] : <f32>
// CHECK-NEXT: lpu.mem.write %[[V2]], %{{.*}}[2]
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<1x1x2x24xf32> {onnx.name = "x"}) -> (tensor<1x1x1x48xf32> {onnx.name = "y"}) {
    %0 = tile.pack_taps %x {dim = 2 : i64, taps = 2 : i64, stride = 1 : i64, dilation = 1 : i64, pad_begin = 0 : i64} : tensor<1x1x2x24xf32> -> tensor<1x1x1x48xf32>
    return %0 : tensor<1x1x1x48xf32>
  }
}
