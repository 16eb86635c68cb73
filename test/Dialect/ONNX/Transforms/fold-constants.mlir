// RUN: lpu-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(onnx-fold-constants))' | FileCheck %s

// torch's multi-head attention splits the packed q/k/v projection with
// Slice bounds computed from the tensor's shape: Shape, Gather, integer
// Add/Div/Mul. All of it folds; the Slice keeps its data operand, gets
// constant bounds and a static result type, and so does the Add after it.
// CHECK-LABEL: func.func @shape_arithmetic
// CHECK-NOT: onnx.Shape
// CHECK-NOT: onnx.Gather
// CHECK-DAG: %[[START:.*]] = arith.constant dense<256> : tensor<1xi64>
// CHECK-DAG: %[[END:.*]] = arith.constant dense<512> : tensor<1xi64>
// CHECK: %[[K:.*]] = onnx.Slice %arg0, %[[START]], %[[END]], %{{.*}} : (tensor<128x1x768xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<128x1x256xf32>
// CHECK: onnx.Relu %[[K]] : (tensor<128x1x256xf32>) -> tensor<128x1x256xf32>
func.func @shape_arithmetic(%x: tensor<128x1x768xf32>) -> tensor<*xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %two = arith.constant dense<2> : tensor<1xi64>
  %three = arith.constant dense<3> : tensor<1xi64>
  %shape = onnx.Shape %x : (tensor<128x1x768xf32>) -> tensor<3xi64>
  %dim = onnx.Gather %shape, %last {axis = 0 : i64} : (tensor<3xi64>, tensor<1xi64>) -> tensor<1xi64>
  %sum = onnx.Add %dim, %two : (tensor<1xi64>, tensor<1xi64>) -> tensor<1xi64>
  %third = onnx.Div %sum, %three : (tensor<1xi64>, tensor<1xi64>) -> tensor<1xi64>
  %end = onnx.Mul %third, %two : (tensor<1xi64>, tensor<1xi64>) -> tensor<1xi64>
  %k = onnx.Slice %x, %third, %end, %last : (tensor<128x1x768xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<*xf32>
  %r = onnx.Relu %k : (tensor<*xf32>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

// Constant subgraphs of any dtype evaluate, with ONNX's rules: negative
// Slice positions count from the end and clamp (INT64_MAX ends), Cast to an
// integer truncates, ConstantOfShape fills, Range counts.
// CHECK-LABEL: func.func @constant_subgraphs
// CHECK-DAG: arith.constant dense<[4, 3]> : tensor<2xi64>
// CHECK-DAG: arith.constant dense<[1, -2, 2]> : tensor<3xi32>
// CHECK-DAG: arith.constant dense<1.500000e+00> : tensor<2x3xf32>
// CHECK-DAG: arith.constant dense<[0, 3, 6]> : tensor<3xi64>
// CHECK-DAG: arith.constant dense<[7, 3, 6]> : tensor<3xi64>
// CHECK-NOT: onnx.
func.func @constant_subgraphs() -> (tensor<2xi64>, tensor<3xi32>, tensor<2x3xf32>, tensor<3xi64>, tensor<3xi64>) {
  %v = arith.constant dense<[1, 2, 3, 4, 5]> : tensor<5xi64>
  %s = arith.constant dense<-2> : tensor<1xi64>
  %e = arith.constant dense<9223372036854775807> : tensor<1xi64>
  %st = arith.constant dense<-1> : tensor<1xi64>
  %ax = arith.constant dense<0> : tensor<1xi64>
  %from = arith.constant dense<-1> : tensor<1xi64>
  %to = arith.constant dense<-4> : tensor<1xi64>
  %one = arith.constant dense<1> : tensor<1xi64>
  %tail = onnx.Slice %v, %from, %to, %ax, %st : (tensor<5xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<*xi64>
  %back = onnx.Slice %v, %s, %e : (tensor<5xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<*xi64>
  %f = arith.constant dense<[1.9, -2.5, 2.0]> : tensor<3xf32>
  %i = onnx.Cast %f {to = 6 : i64} : (tensor<3xf32>) -> tensor<3xi32>
  %dims = arith.constant dense<[2, 3]> : tensor<2xi64>
  %fill = onnx.ConstantOfShape %dims {value = dense<1.5> : tensor<1xf32>} : (tensor<2xi64>) -> tensor<2x3xf32>
  %zero = arith.constant dense<0> : tensor<i64>
  %lim = arith.constant dense<7> : tensor<i64>
  %step = arith.constant dense<3> : tensor<i64>
  %r = onnx.Range %zero, %lim, %step : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<3xi64>
  %pair = onnx.Concat %tail, %back {axis = 0 : i64} : (tensor<*xi64>, tensor<*xi64>) -> tensor<*xi64>
  %both = onnx.Slice %pair, %one, %s : (tensor<*xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %lo = onnx.Less %r, %step : (tensor<3xi64>, tensor<i64>) -> tensor<3xi1>
  %fix = onnx.Where %lo, %lim, %r : (tensor<3xi1>, tensor<i64>, tensor<3xi64>) -> tensor<3xi64>
  return %both, %i, %fill, %r, %fix : tensor<2xi64>, tensor<3xi32>, tensor<2x3xf32>, tensor<3xi64>, tensor<3xi64>
}

// -----

// A Slice whose bounds are not known by lowering time is an error naming
// the node; folding itself only evaluates what it can.
func.func @bad_step(%x: tensor<4xf32>) -> tensor<*xf32> {
  %z = arith.constant dense<0> : tensor<1xi64>
  %e = arith.constant dense<4> : tensor<1xi64>
  %a = arith.constant dense<0> : tensor<1xi64>
  %st = arith.constant dense<0> : tensor<1xi64>
  // expected-error @+1 {{Slice: a step is 0}}
  %y = onnx.Slice %x, %z, %e, %a, %st : (tensor<4xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

// Segmentation heads resize to another tensor's size: ONNX shape inference
// (before folding) leaves the Resize and everything after it dynamic. Once
// the sizes fold, the Resize, the Conv, BatchNormalization, MaxPool,
// Concat, Reshape and Transpose after it get static types.
// CHECK-LABEL: func.func @computed_sizes
// CHECK: onnx.Resize {{.*}} -> tensor<1x2x8x8xf32>
// CHECK: onnx.Conv {{.*}} -> tensor<1x4x4x4xf32>
// CHECK: onnx.BatchNormalization {{.*}} -> tensor<1x4x4x4xf32>
// CHECK: onnx.MaxPool {{.*}} -> tensor<1x4x2x2xf32>
// CHECK: onnx.Concat {{.*}} -> tensor<1x8x2x2xf32>
// CHECK: onnx.Reshape {{.*}} -> tensor<8x4xf32>
// CHECK: onnx.Transpose {{.*}} -> tensor<4x8xf32>
func.func @computed_sizes(%x: tensor<1x2x4x4xf32>, %like: tensor<1x5x8x8xf32>) -> tensor<*xf32> {
  %none = onnx.NoValue
  %s0 = arith.constant dense<2> : tensor<1xi64>
  %s1 = arith.constant dense<4> : tensor<1xi64>
  %ax = arith.constant dense<0> : tensor<1xi64>
  %nc = arith.constant dense<[1, 2]> : tensor<2xi64>
  %w = arith.constant dense<1.0> : tensor<4x2x3x3xf32>
  %c = arith.constant dense<1.0> : tensor<4xf32>
  %target = arith.constant dense<[8, -1]> : tensor<2xi64>
  %shape = onnx.Shape %like : (tensor<1x5x8x8xf32>) -> tensor<4xi64>
  %hw = onnx.Slice %shape, %s0, %s1, %ax : (tensor<4xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<*xi64>
  %sizes = onnx.Concat %nc, %hw {axis = 0 : i64} : (tensor<2xi64>, tensor<*xi64>) -> tensor<*xi64>
  %up = onnx.Resize %x, %none, %none, %sizes {mode = "linear"} : (tensor<1x2x4x4xf32>, none, none, tensor<*xi64>) -> tensor<?x?x?x?xf32>
  %conv = onnx.Conv %up, %w {pads = [1, 1, 1, 1], strides = [2, 2]} : (tensor<?x?x?x?xf32>, tensor<4x2x3x3xf32>) -> tensor<?x4x?x?xf32>
  %bn = onnx.BatchNormalization %conv, %c, %c, %c, %c : (tensor<?x4x?x?xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4x?x?xf32>
  %pool = onnx.MaxPool %bn {kernel_shape = [2, 2], strides = [2, 2]} : (tensor<?x4x?x?xf32>) -> tensor<?x4x?x?xf32>
  %cat = onnx.Concat %pool, %pool {axis = 1 : i64} : (tensor<?x4x?x?xf32>, tensor<?x4x?x?xf32>) -> tensor<?x8x?x?xf32>
  %flat = onnx.Reshape %cat, %target : (tensor<?x8x?x?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  %t = onnx.Transpose %flat : (tensor<?x?xf32>) -> tensor<*xf32>
  return %t : tensor<*xf32>
}

// -----

// A shape computed to more elements than any chip holds is refused, not
// wrapped around.
func.func @too_large(%x: tensor<1xf32>) -> tensor<*xf32> {
  %huge = arith.constant dense<[1048576, 1048576, 4]> : tensor<3xi64>
  // expected-error @+1 {{result 0 would have shape 1048576x1048576x4, more than 2^40 elements}}
  %y = onnx.Expand %x, %huge : (tensor<1xf32>, tensor<3xi64>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

// torch's index_put: the shape an Expand takes is computed, so the importer
// leaves its result (and what reshapes it) dynamic; once folded, the shapes
// follow, through Unsqueeze and Squeeze too.
// CHECK-LABEL: func.func @expand_then_unsqueeze
// CHECK: onnx.Expand {{.*}} -> tensor<2x4xi64>
// CHECK: onnx.Unsqueeze {{.*}} -> tensor<2x4x1xi64>
// CHECK: onnx.Squeeze {{.*}} -> tensor<2x4xi64>
func.func @expand_then_unsqueeze(%p: tensor<1x1xi64>) -> tensor<?x?xi64> {
  %n = arith.constant dense<2> : tensor<1xi64>
  %ones = onnx.ConstantOfShape %n {value = dense<1> : tensor<1xi64>} : (tensor<1xi64>) -> tensor<2xi64>
  %four = arith.constant dense<[2, 4]> : tensor<2xi64>
  %shape = onnx.Mul %ones, %four : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  %e = onnx.Expand %p, %shape : (tensor<1x1xi64>, tensor<2xi64>) -> tensor<?x?xi64>
  %axes = arith.constant dense<[-1]> : tensor<1xi64>
  %u = onnx.Unsqueeze %e, %axes : (tensor<?x?xi64>, tensor<1xi64>) -> tensor<?x?x1xi64>
  %s = onnx.Squeeze %u, %axes : (tensor<?x?x1xi64>, tensor<1xi64>) -> tensor<?x?xi64>
  return %s : tensor<?x?xi64>
}

// -----

// Size and EyeLike read only their input's static shape.
// CHECK-LABEL: func.func @shape_only
// CHECK-NOT: onnx.Size
// CHECK-NOT: onnx.EyeLike
// CHECK-DAG: arith.constant dense<24> : tensor<i64>
// CHECK-DAG: arith.constant dense<{{\[\[}}0.000000e+00, 1.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 1.000000e+00]]> : tensor<2x3xf32>
func.func @shape_only(%x: tensor<2x3x4xf32>, %m: tensor<2x3xf32>) -> (tensor<i64>, tensor<2x3xf32>) {
  %size = onnx.Size %x : (tensor<2x3x4xf32>) -> tensor<i64>
  %eye = onnx.EyeLike %m {k = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %size, %eye : tensor<i64>, tensor<2x3xf32>
}

// -----

// A Where whose condition folds to one value is the operand it takes (an
// If the loader inlined); the other branch is dropped.
// CHECK-LABEL: func.func @constant_condition
// CHECK-NOT: onnx.Where
// CHECK-NOT: onnx.Neg
// CHECK: %[[R:.*]] = onnx.Relu %arg0
// CHECK: return %[[R]]
func.func @constant_condition(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = arith.constant dense<2> : tensor<1xi64>
  %b = arith.constant dense<2> : tensor<1xi64>
  %cond = onnx.Equal %a, %b : (tensor<1xi64>, tensor<1xi64>) -> tensor<1xi1>
  %then = onnx.Relu %x : (tensor<4xf32>) -> tensor<4xf32>
  %else = onnx.Neg %x : (tensor<4xf32>) -> tensor<4xf32>
  %y = onnx.Where %cond, %then, %else : (tensor<1xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// A shape the graph declares where ONNX could not infer one is checked
// once the operands' shapes are known (fuzzing finding 14: a graph output
// declared 45 wide after a Reshape to a computed shape of width 5).
func.func @declared_shape_disagrees(%x: tensor<3x5xf32>) -> tensor<3x45xf32> {
  %target = arith.constant dense<[3, 5]> : tensor<2xi64>
  %r = onnx.Reshape %x, %target : (tensor<3x5xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  // expected-error @+1 {{the graph declares result 0 with shape [3x45], but its operands make [3x5]}}
  %y = onnx.Identity %r : (tensor<?x?xf32>) -> tensor<3x45xf32>
  return %y : tensor<3x45xf32>
}

// -----

// Inputs with nothing along the axis add nothing (torch's cat onto an empty
// tensor); a Concat left with one input of its type is that input.
// CHECK-LABEL: func.func @concat_empty_inputs
// CHECK-NOT: dense<>
// CHECK: %[[C:.*]] = onnx.Concat %arg0, %arg1 {axis = -1 : i64} : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
// CHECK: return %[[C]], %arg0
func.func @concat_empty_inputs(%x: tensor<2x3xf32>, %y: tensor<2x1xf32>) -> (tensor<2x4xf32>, tensor<2x3xf32>) {
  %empty = arith.constant dense<> : tensor<2x0xf32>
  %both = onnx.Concat %empty, %x, %empty, %y {axis = -1 : i64} : (tensor<2x0xf32>, tensor<2x3xf32>, tensor<2x0xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
  %one = onnx.Concat %x, %empty {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x0xf32>) -> tensor<2x3xf32>
  return %both, %one : tensor<2x4xf32>, tensor<2x3xf32>
}

// -----

// An empty input of other extents is a malformed Concat, left for the
// lowering to refuse. Empty inputs only make an empty constant.
// CHECK-LABEL: func.func @concat_empty_kept
// CHECK: %[[BAD:.*]] = onnx.Concat %{{.*}}, %arg0
// CHECK: %[[ALL:.*]] = arith.constant dense<> : tensor<0x3xf32>
// CHECK: return %[[BAD]], %[[ALL]]
func.func @concat_empty_kept(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<0x3xf32>) {
  %wide = arith.constant dense<> : tensor<0x5xf32>
  %bad = onnx.Concat %wide, %x {axis = 0 : i64} : (tensor<0x5xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %none = arith.constant dense<> : tensor<0x3xf32>
  %all = onnx.Concat %none, %none {axis = 0 : i64} : (tensor<0x3xf32>, tensor<0x3xf32>) -> tensor<0x3xf32>
  return %bad, %all : tensor<2x3xf32>, tensor<0x3xf32>
}
