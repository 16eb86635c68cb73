// RUN: lpu-opt %s -split-input-file --convert-onnx-to-lpu=target=lpu-tiny | FileCheck %s
// Booleans are carried as f32 0.0 / 1.0.

// Equal is a VXM compare; since 0 == 0 it would set the padding lanes, which
// two shifts clear. Where(c, x, y) = -((c y - y) - c x), exact for finite
// values.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[A:.*]] = lpu.buffer input "a" : tensor<4xf32>
// CHECK: %[[B:.*]] = lpu.buffer input "b" : tensor<4xf32>
// CHECK: %[[Y:.*]] = lpu.buffer input "y" : tensor<4xf32>
// CHECK: %[[Z:.*]] = lpu.buffer output "z" : tensor<4xf32>
// CHECK: %[[C:.*]] = lpu.buffer scratch "eq" : tensor<4xf32>
// CHECK: %[[EQ:.*]] = lpu.vxm.eq
// CHECK: %[[UP:.*]] = lpu.sxm.shift %[[EQ]], 12
// CHECK: %[[DOWN:.*]] = lpu.sxm.shift %[[UP]], -12
// CHECK: lpu.mem.write %[[DOWN]], %[[C]][0]
// CHECK: %[[CX:.*]] = lpu.buffer scratch "where.cx" : tensor<4xf32>
// CHECK: lpu.vxm.mul
// CHECK: %[[CY:.*]] = lpu.vxm.mul
// CHECK: %[[D:.*]] = lpu.vxm.sub %[[CY]]
// CHECK: %[[E:.*]] = lpu.vxm.sub %[[D]]
// CHECK: %[[R:.*]] = lpu.vxm.scale %[[E]], -1.0
// CHECK: lpu.mem.write %[[R]], %[[Z]][0]
func.func @main(%a: tensor<4xf32> {onnx.name = "a"}, %b: tensor<4xf32> {onnx.name = "b"}, %y: tensor<4xf32> {onnx.name = "y"}) -> (tensor<4xf32> {onnx.name = "z"}) {
  %c = onnx.Equal %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1> loc("eq")
  %0 = onnx.Where %c, %a, %y : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("where")
  return %0 : tensor<4xf32>
}

// -----

// ArgMax: the row maximum, then candidates i + 2^23 (1 - [x == max]) and
// their minimum; the i64 result is carried as exact f32 integers.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[X:.*]] = lpu.buffer input "x" : tensor<2x5xf32>
// CHECK: %[[I:.*]] = lpu.buffer output "i" : tensor<2x1xf32>
// CHECK: %[[M:.*]] = lpu.buffer scratch "argmax.max" : tensor<2x1xf32>
// CHECK: %[[IOTA:.*]] = lpu.buffer constant "argmax.indices" init(dense<{{\[\[}}0.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]]> : tensor<1x5xf32>)
// CHECK: %[[CAND:.*]] = lpu.buffer scratch "argmax.candidates" : tensor<2x5xf32>
// CHECK: %[[EQ:.*]] = lpu.vxm.eq
// CHECK: %[[NEG:.*]] = lpu.vxm.scale %[[EQ]], 0xCB000000
// CHECK: %[[SHIFTED:.*]] = lpu.vxm.add %[[NEG]]
// CHECK: %[[IDX:.*]] = lpu.mem.read %[[IOTA]][0]
// CHECK: lpu.vxm.add %[[SHIFTED]], %[[IDX]]
// CHECK: lpu.vxm.min
// CHECK: lpu.mem.write %{{.*}}, %[[I]][1]
func.func @main(%x: tensor<2x5xf32> {onnx.name = "x"}) -> (tensor<2x1xi64> {onnx.name = "i"}) {
  %0 = onnx.ArgMax %x {axis = 1 : i64} : (tensor<2x5xf32>) -> tensor<2x1xi64> loc("argmax")
  return %0 : tensor<2x1xi64>
}

// -----

// Integers that are only compared stay i32 on the chip (the VXM compares i32
// lanes exactly); the 0 / 1 result is converted to f32 on its way to SRAM.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[A:.*]] = lpu.buffer input "a" : tensor<3xi32>
// CHECK: %[[B:.*]] = lpu.buffer input "b" : tensor<3xi32>
// CHECK: %[[C:.*]] = lpu.buffer output "c" : tensor<3xf32>
// CHECK: %[[X:.*]] = lpu.mem.read %[[A]][0] : <i32>
// CHECK: %[[Y:.*]] = lpu.mem.read %[[B]][0] : <i32>
// CHECK: %[[EQ:.*]] = lpu.vxm.eq %[[X]], %[[Y]] : <i32>
// CHECK: %[[UP:.*]] = lpu.sxm.shift %[[EQ]], 13 : <i32>
// CHECK: %[[DOWN:.*]] = lpu.sxm.shift %[[UP]], -13 : <i32>
// CHECK: %[[F:.*]] = lpu.vxm.convert %[[DOWN]] : <i32> -> <f32>
// CHECK: lpu.mem.write %[[F]], %[[C]][0] : <f32>
func.func @main(%a: tensor<3xi32> {onnx.name = "a"}, %b: tensor<3xi32> {onnx.name = "b"}) -> (tensor<3xi1> {onnx.name = "c"}) {
  %0 = onnx.Equal %a, %b : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi1> loc("eq")
  return %0 : tensor<3xi1>
}
