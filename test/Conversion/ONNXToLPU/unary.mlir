// RUN: lpu-opt %s -split-input-file --convert-onnx-to-lpu=target=lpu-tiny | FileCheck %s

// A lane function that maps 0 to 0 keeps padding lanes zero by itself.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[V:.*]] = lpu.mem.read
// CHECK-NEXT: %[[T:.*]] = lpu.vxm.tanh %[[V]]
// CHECK-NEXT: lpu.mem.write %[[T]]
func.func @main(%x: tensor<4xf32> {onnx.name = "x"}) -> (tensor<4xf32> {onnx.name = "y"}) {
  %0 = onnx.Tanh %x : (tensor<4xf32>) -> tensor<4xf32> loc("tanh")
  return %0 : tensor<4xf32>
}

// -----

// exp(0) = 1: the 12 padding lanes of a 4-wide row are shifted out and back
// in as zeros before the write.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[E:.*]] = lpu.vxm.exp
// CHECK-NEXT: %[[U:.*]] = lpu.sxm.shift %[[E]], 12
// CHECK-NEXT: %[[D:.*]] = lpu.sxm.shift %[[U]], -12
// CHECK-NEXT: lpu.mem.write %[[D]]
func.func @main(%x: tensor<4xf32> {onnx.name = "x"}) -> (tensor<4xf32> {onnx.name = "y"}) {
  %0 = onnx.Exp %x : (tensor<4xf32>) -> tensor<4xf32> loc("exp")
  return %0 : tensor<4xf32>
}

// -----

// Full rows need no masking.
// CHECK-LABEL: lpu.program @main
// CHECK: lpu.vxm.reciprocal
// CHECK-NOT: lpu.sxm.shift
func.func @main(%x: tensor<2x16xf32> {onnx.name = "x"}) -> (tensor<2x16xf32> {onnx.name = "y"}) {
  %0 = onnx.Reciprocal %x : (tensor<2x16xf32>) -> tensor<2x16xf32> loc("recip")
  return %0 : tensor<2x16xf32>
}

// -----

// HardSwish: x/6 + 1/2 clamped to [0, 1] by broadcast scalar constants,
// times x.
// CHECK-LABEL: lpu.program @main
// CHECK-DAG: %[[BETA:.*]] = lpu.buffer constant "hs.beta" init(dense<5.000000e-01> : tensor<1xf32>)
// CHECK-DAG: %[[ZERO:.*]] = lpu.buffer constant "hs.zero" init(dense<0.000000e+00> : tensor<1xf32>)
// CHECK-DAG: %[[ONE:.*]] = lpu.buffer constant "hs.one" init(dense<1.000000e+00> : tensor<1xf32>)
// CHECK: %[[S:.*]] = lpu.vxm.scale %{{.*}}, 0.166666672
// CHECK: %[[B:.*]] = lpu.sxm.distribute %{{.*}}, lane 0, width 4
// CHECK: %[[A:.*]] = lpu.vxm.add %[[S]], %[[B]]
// CHECK: lpu.vxm.max %[[A]]
// CHECK: lpu.vxm.min
// CHECK: lpu.vxm.mul
// CHECK-NOT: lpu.sxm.shift
func.func @main(%x: tensor<4xf32> {onnx.name = "x"}) -> (tensor<4xf32> {onnx.name = "y"}) {
  %0 = onnx.HardSwish %x : (tensor<4xf32>) -> tensor<4xf32> loc("hs")
  return %0 : tensor<4xf32>
}

// -----

// Mean of three inputs: each scaled by 1/3, then added.
// CHECK-LABEL: lpu.program @main
// CHECK: lpu.vxm.scale %{{.*}}, 0.333333343
// CHECK: lpu.vxm.scale %{{.*}}, 0.333333343
// CHECK: lpu.vxm.add
// CHECK: lpu.vxm.scale %{{.*}}, 0.333333343
// CHECK: lpu.vxm.add
func.func @main(%a: tensor<4xf32> {onnx.name = "a"}, %b: tensor<4xf32> {onnx.name = "b"}, %c: tensor<4xf32> {onnx.name = "c"}) -> (tensor<4xf32> {onnx.name = "y"}) {
  %0 = onnx.Mean %a, %b, %c : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("mean")
  return %0 : tensor<4xf32>
}

// -----

// Clip with only a max: one vmin against the broadcast bound.
// CHECK-LABEL: lpu.program @main
// CHECK: lpu.sxm.distribute
// CHECK-NEXT: lpu.vxm.min
// CHECK-NOT: lpu.vxm.max
func.func @main(%x: tensor<4xf32> {onnx.name = "x"}) -> (tensor<4xf32> {onnx.name = "y"}) {
  %none = onnx.NoValue
  %hi = arith.constant dense<2.0> : tensor<f32> loc("hi")
  %0 = onnx.Clip %x, %none, %hi : (tensor<4xf32>, none, tensor<f32>) -> tensor<4xf32> loc("clip")
  return %0 : tensor<4xf32>
}
