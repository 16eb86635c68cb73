// RUN: lpu-opt %s -split-input-file --convert-tile-to-lpu | FileCheck %s
// lpu-tiny: 16 lanes. A map is one chain per output vector.

// A bias broadcast over rows, then exp: each output vector reads x, reads
// b, adds, applies exp; exp turns the zero padding lanes of the 12-wide rows
// into ones (finite), so a product with a mask of 12 ones brings the zeros
// back before the write.
// CHECK-LABEL: lpu.program @main target("lpu-tiny")
// CHECK: %[[X:.*]] = lpu.buffer input "x" : tensor<2x12xf32>
// CHECK: %[[B:.*]] = lpu.buffer input "b" : tensor<12xf32>
// CHECK: %[[Y:.*]] = lpu.buffer output "y" : tensor<2x12xf32>
// CHECK: %[[X0:.*]] = lpu.mem.read %[[X]][0]
// CHECK: %[[B0:.*]] = lpu.mem.read %[[B]][0]
// CHECK: %[[S0:.*]] = lpu.vxm.add %[[X0]], %[[B0]]
// CHECK: %[[E0:.*]] = lpu.vxm.exp %[[S0]]
// CHECK: %[[MASK:.*]] = lpu.buffer constant "constant.keep12" init(dense<{{\[}}[1.000000e+00, {{.*}}, 1.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]>
// CHECK: %[[M0:.*]] = lpu.mem.read %[[MASK]][0]
// CHECK: %[[K0:.*]] = lpu.vxm.mul %[[E0]], %[[M0]]
// CHECK: lpu.mem.write %[[K0]], %[[Y]][0]
// CHECK: lpu.mem.read %[[X]][1]
// CHECK: lpu.mem.read %[[B]][0]
// CHECK: lpu.mem.read %[[MASK]][0]
// CHECK: lpu.mem.write %{{.*}}, %[[Y]][1]
// CHECK-NOT: lpu.sxm.shift
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<2x12xf32> {onnx.name = "x"}, %b: tensor<12xf32> {onnx.name = "b"}) -> (tensor<2x12xf32> {onnx.name = "y"}) {
    %0 = tile.map(%x, %b) [in0, add in1, exp] : (tensor<2x12xf32>, tensor<12xf32>) -> tensor<2x12xf32>
    return %0 : tensor<2x12xf32>
  }
}

// -----

// A per-row value spread over the row with `sxm.distribute`; an operand
// factor is a `vxm.scale`; the f16 result is converted on the way to SRAM.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[M:.*]] = lpu.buffer input "m" : tensor<2x1xf32>
// CHECK: %[[R:.*]] = lpu.mem.read %[[M]][1] : <f32>
// CHECK: %[[D:.*]] = lpu.sxm.distribute %[[R]], lane 0, width 8
// CHECK: lpu.vxm.scale %[[D]], 2.000000e+00
// CHECK: %[[C:.*]] = lpu.vxm.convert %{{.*}} : <f32> -> <f16>
// CHECK: lpu.mem.write %[[C]], %{{.*}}[0] : <f16>
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<2x8xf32> {onnx.name = "x"}, %m: tensor<2x1xf32> {onnx.name = "m"}) -> (tensor<8xf16> {onnx.name = "y"}) {
    %0 = tile.map(%x, %m) [in0, sub in1 * 2.0] : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32>
    %1 = tile.gather %0 {first = array<i64: 0, 0>, count = array<i64: 0, 1>, tables = [array<i64: 1>, array<i64: 0, 1, 2, 3, 4, 5, 6, 7>]} : tensor<2x8xf32> -> tensor<8xf32>
    %2 = tile.map(%1) [in0] : (tensor<8xf32>) -> tensor<8xf16>
    return %2 : tensor<8xf16>
  }
}

// -----

// A constant multiplier or divisor whose elements are all equal is not
// spread by the SXM: a product with it is a vxm.scale by the value, a
// quotient a vxm.div_scalar, both immediates, and 0 / 3 keeps the padding
// lanes 0, so the 12-wide rows need no shifts. An added scalar is a
// constant row of the value (zero in the padding lanes, like any operand),
// read instead of spread by the SXM.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[HALF:.*]] = lpu.buffer constant "{{.*}}.splat{{[0-9]+}}" init(dense<5.000000e-01> : tensor<1x12xf32>)
// CHECK: %[[X:.*]] = lpu.mem.read %{{.*}}[0]
// CHECK: %[[M:.*]] = lpu.vxm.scale %[[X]], 2.500000e-01
// CHECK: %[[D:.*]] = lpu.vxm.div_scalar %[[M]], 3.000000e+00
// CHECK: %[[H:.*]] = lpu.mem.read %[[HALF]][0]
// CHECK: lpu.vxm.add %[[D]], %[[H]]
// CHECK-NOT: lpu.sxm
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<2x12xf32> {onnx.name = "x"}) -> (tensor<2x12xf32> {onnx.name = "y"}) {
    %quarter = arith.constant dense<0.25> : tensor<1xf32>
    %three = arith.constant dense<3.0> : tensor<2x1xf32>
    %half = arith.constant dense<0.5> : tensor<1xf32>
    %0 = tile.map(%x, %quarter, %three, %half) [in0, mul in1, div in2, add in3] : (tensor<2x12xf32>, tensor<1xf32>, tensor<2x1xf32>, tensor<1xf32>) -> tensor<2x12xf32>
    return %0 : tensor<2x12xf32>
  }
}

// -----

// A row computed at run time that every output row reads (a squeeze-
// excitation scale) is copied to several slices first, like a constant
// one: a copy per 16 rows, at most 11 on lpu-v1; 256 rows read 11 copies,
// row r copy r % 11.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[S:.*]] = lpu.buffer scratch "{{.*}}.copies{{[0-9]+}}" {min_parts = 11 : i64} : tensor<11x8xf32>
// CHECK-COUNT-11: lpu.mem.write %{{.*}}, %[[S]][{{[0-9]+}}] : <f32>
// CHECK: lpu.mem.read %[[S]][0] : <f32>
// CHECK: lpu.mem.read %[[S]][1] : <f32>
module attributes {tile.target = "lpu-v1"} {
  func.func @main(%x: tensor<1x16x16x8xf32> {onnx.name = "x"}, %g: tensor<1x1x1x8xf32> {onnx.name = "g"}) -> (tensor<1x16x16x8xf32> {onnx.name = "y"}) {
    %s = tile.map(%g) [in0, relu] : (tensor<1x1x1x8xf32>) -> tensor<1x1x1x8xf32>
    %0 = tile.map(%x, %s) [in0, mul in1] : (tensor<1x16x16x8xf32>, tensor<1x1x1x8xf32>) -> tensor<1x16x16x8xf32>
    return %0 : tensor<1x16x16x8xf32>
  }
}

// -----

// x * sigmoid(x) (SiLU): the sigmoid turns the zero padding past the 12
// lanes into 0.5, and the product with x, zero there, brings zeros back, so
// no shifts restore them. A logarithm would make the padding -inf (and the
// product NaN): it is guarded, its operand plus -0 in the row's lanes and 1
// past them, log(1) = 0 there, so no shifts either.
// CHECK-LABEL: lpu.program @main
// CHECK: lpu.vxm.sigmoid
// CHECK: lpu.vxm.mul
// CHECK-NEXT: lpu.mem.write
// CHECK: %[[GUARD:.*]] = lpu.buffer constant "constant.guard12" init(dense<{{\[}}[-0.000000e+00, {{.*}}, -0.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00]]>
// CHECK: %[[G:.*]] = lpu.mem.read %[[GUARD]][0]
// CHECK: %[[S:.*]] = lpu.vxm.add %{{.*}}, %[[G]]
// CHECK: lpu.vxm.log %[[S]]
// CHECK: lpu.vxm.mul
// CHECK-NEXT: lpu.mem.write
// CHECK-NOT: lpu.sxm.shift
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<1x12xf32> {onnx.name = "x"}) -> (tensor<1x12xf32> {onnx.name = "y"}, tensor<1x12xf32> {onnx.name = "z"}) {
    %0 = tile.map(%x, %x) [in0, sigmoid, mul in1] : (tensor<1x12xf32>, tensor<1x12xf32>) -> tensor<1x12xf32>
    %1 = tile.map(%x, %x) [in0, log, mul in1] : (tensor<1x12xf32>, tensor<1x12xf32>) -> tensor<1x12xf32>
    return %0, %1 : tensor<1x12xf32>, tensor<1x12xf32>
  }
}

// -----

// A multiplier of equal elements is an immediate whatever its value, and
// what it leaves in the padding follows from that value: times infinity,
// the zeros there become NaN, and the shifts restore them.
// CHECK-LABEL: lpu.program @main
// CHECK: lpu.vxm.scale %{{.*}}, 0x7F800000
// CHECK-NEXT: lpu.sxm.shift %{{.*}}, 4
// CHECK-NEXT: lpu.sxm.shift %{{.*}}, -4
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<1x12xf32> {onnx.name = "x"}) -> (tensor<1x12xf32> {onnx.name = "y"}) {
    %inf = arith.constant dense<0x7F800000> : tensor<1xf32>
    %0 = tile.map(%x, %inf) [in0, mul in1] : (tensor<1x12xf32>, tensor<1xf32>) -> tensor<1x12xf32>
    return %0 : tensor<1x12xf32>
  }
}

// -----

// A softmax's exponentials: exp turns the 12-wide rows' zero padding into
// ones (finite), which a row sum on the MXM never sees (its weights are
// zero past the row). The quotient's divisor is guarded (1 past the row, so
// the padding stays 1 / 1 = 1 rather than 0 / 0): it reads the
// exponentials' padding, which a mask therefore zeroes; the quotient's own
// padding is then 0 / 1, written as it is.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[E:.*]] = lpu.buffer scratch "tmp"
// CHECK: %[[X:.*]] = lpu.vxm.exp
// CHECK: %[[K:.*]] = lpu.vxm.mul %[[X]]
// CHECK-NEXT: lpu.mem.write %[[K]], %[[E]][0]
// CHECK: %[[G:.*]] = lpu.vxm.add %{{.*}}, %{{.*}}
// CHECK-NEXT: %[[Q:.*]] = lpu.vxm.div %{{.*}}, %[[G]]
// CHECK-NEXT: lpu.mem.write %[[Q]]
// CHECK: lpu.vxm.exp
// CHECK-NEXT: lpu.mem.read
// CHECK-NEXT: lpu.vxm.mul
// CHECK-NOT: lpu.sxm.shift
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<2x12xf32> {onnx.name = "x"}) -> (tensor<2x12xf32> {onnx.name = "y"}, tensor<2x12xf32> {onnx.name = "f"}, tensor<2x12xf32> {onnx.name = "g"}) {
    %e = tile.map(%x) [in0, exp] : (tensor<2x12xf32>) -> tensor<2x12xf32>
    %s = tile.reduce_rows sum %e {strategy = #tile<row_strategy mxm_sum>, planes = array<i32: 0>} : tensor<2x12xf32> -> tensor<2x12xf32>
    %y = tile.map(%e, %s) [in0, div in1] : (tensor<2x12xf32>, tensor<2x12xf32>) -> tensor<2x12xf32>
    %f = tile.map(%x) [in0, exp] : (tensor<2x12xf32>) -> tensor<2x12xf32>
    %t = tile.reduce_rows sum %f {strategy = #tile<row_strategy mxm_sum>, planes = array<i32: 1>} : tensor<2x12xf32> -> tensor<2x12xf32>
    %g = tile.map(%f, %t) [in0, div in1] : (tensor<2x12xf32>, tensor<2x12xf32>) -> tensor<2x12xf32>
    return %y, %f, %g : tensor<2x12xf32>, tensor<2x12xf32>, tensor<2x12xf32>
  }
}

// -----

// A map whose own padding is finite (exp of exp) may keep it unmasked too,
// so it would carry the first map's padding values on (exp of them, which
// may overflow to infinity, times the sum's zero weights is NaN): the first
// map masks its padding; the second, read only by the row sum, leaves its
// padding.
// CHECK-LABEL: lpu.program @main
// CHECK-COUNT-2: lpu.vxm.mul
// CHECK-NOT: lpu.sxm.shift
// CHECK: %[[E:.*]] = lpu.vxm.exp
// CHECK-NEXT: lpu.mem.write %[[E]]
// CHECK: %[[F:.*]] = lpu.vxm.exp
// CHECK-NEXT: lpu.mem.write %[[F]]
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<2x12xf32> {onnx.name = "x"}) -> (tensor<2x12xf32> {onnx.name = "y"}) {
    %e = tile.map(%x) [in0, exp] : (tensor<2x12xf32>) -> tensor<2x12xf32>
    %f = tile.map(%e) [in0, exp] : (tensor<2x12xf32>) -> tensor<2x12xf32>
    %s = tile.reduce_rows sum %f {strategy = #tile<row_strategy mxm_sum>, planes = array<i32: 0>} : tensor<2x12xf32> -> tensor<2x12xf32>
    return %s : tensor<2x12xf32>
  }
}

// -----

// A layer normalization's 1 / sqrt(var): the reciprocal of the zero padding
// would be infinite, so its operand is guarded first (-0 in the row's lanes
// changes no element, not even a -0; 1 past them), and the padding, 1 / 1,
// is finite: a mask of ones zeroes it before the write, on the VXM beside
// the value instead of two SXM shifts at the chip's edge.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[S:.*]] = lpu.vxm.sqrt
// CHECK: %[[G:.*]] = lpu.buffer constant "constant.guard12"
// CHECK: %[[GR:.*]] = lpu.mem.read %[[G]][0]
// CHECK: %[[A:.*]] = lpu.vxm.add %[[S]], %[[GR]]
// CHECK: %[[R:.*]] = lpu.vxm.reciprocal %[[A]]
// CHECK: %[[K:.*]] = lpu.buffer constant "constant.keep12"
// CHECK: %[[KR:.*]] = lpu.mem.read %[[K]][0]
// CHECK: %[[M:.*]] = lpu.vxm.mul %[[R]], %[[KR]]
// CHECK: lpu.mem.write %[[M]]
// CHECK-NOT: lpu.sxm.shift
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<1x12xf32> {onnx.name = "x"}) -> (tensor<1x12xf32> {onnx.name = "y"}) {
    %0 = tile.map(%x) [in0, sqrt, reciprocal] : (tensor<1x12xf32>) -> tensor<1x12xf32>
    return %0 : tensor<1x12xf32>
  }
}

// -----

// An integer chain (a comparison of i32s: 0 == 0 is 1 in the padding) keeps
// the two shifts: the masks are f32.
// CHECK-LABEL: lpu.program @main
// CHECK: lpu.vxm.eq
// CHECK-NEXT: lpu.sxm.shift %{{.*}}, 4
// CHECK-NEXT: lpu.sxm.shift %{{.*}}, -4
// CHECK-NOT: constant.keep
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<1x12xi32> {onnx.name = "x"}, %y: tensor<1x12xi32> {onnx.name = "y"}) -> (tensor<1x12xf32> {onnx.name = "z"}) {
    %0 = tile.map(%x, %y) [in0, eq in1] : (tensor<1x12xi32>, tensor<1x12xi32>) -> tensor<1x12xf32>
    return %0 : tensor<1x12xf32>
  }
}

// -----

// round_i8 is the rounding and saturation of an i8 write, on the VXM: a
// conversion to i8 and back to f32, so the chain goes on from the value a
// quantized tensor would hold.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[X0:.*]] = lpu.mem.read
// CHECK: %[[Q:.*]] = lpu.vxm.convert %[[X0]] : <f32> -> <i8>
// CHECK: %[[F:.*]] = lpu.vxm.convert %[[Q]] : <i8> -> <f32>
// CHECK: lpu.vxm.scale %[[F]], 5.000000e-01
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<2x16xf32> {onnx.name = "x"}) -> (tensor<2x16xf32> {onnx.name = "y"}) {
    %0 = tile.map(%x) [in0, round_i8, scale 0.5] : (tensor<2x16xf32>) -> tensor<2x16xf32>
    return %0 : tensor<2x16xf32>
  }
}
