// RUN: lpu-opt %s -split-input-file -verify-diagnostics --convert-onnx-to-tile=target=lpu-tiny
// What the LPU cannot compute is reported at the node.

func.func @main(%x: tensor<2x8xf32> {onnx.name = "x"}) -> (tensor<2x8xf32> {onnx.name = "y"}) {
  // expected-error @+1 {{operator 'LpNormalization' is not supported by the LPU lowering yet}}
  %0 = onnx.Node "LpNormalization"(%x) {domain = "", onnx_attributes = {axis = 1 : i64, p = 2 : i64}} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @main(%a: tensor<4xf32> {onnx.name = "a"}, %b: tensor<4x5xf32> {onnx.name = "b"}) -> (tensor<5xf32> {onnx.name = "y"}) {
  // expected-error @+1 {{1-D operands (ranks 1 and 2) are not supported yet}}
  %0 = onnx.MatMul %a, %b : (tensor<4xf32>, tensor<4x5xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @main(%a: tensor<4xf32> {onnx.name = "a"}, %b: tensor<4xf32> {onnx.name = "b"}) -> (tensor<4xf32> {onnx.name = "y"}) {
  // expected-error @+1 {{output 0 has dynamic shape 'tensor<?xf32>'; fix the graph inputs' sizes with --shape}}
  %0 = onnx.Add %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<?xf32>
  %1 = onnx.Mul %0, %a : (tensor<?xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// expected-error @+1 {{graph input 'x' has element type 'f16', which is not supported (f32, bool and integers; f16 and bf16 through Cast)}}
func.func @main(%x: tensor<4xf16> {onnx.name = "x"}) -> (tensor<4xf16> {onnx.name = "y"}) {
  %0 = onnx.Relu %x : (tensor<4xf16>) -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

// expected-error @+1 {{graph input 'n' has element type 'f64', which the LPU does not compute in; pass --f64-as-f32 to compute the model in f32}}
func.func @main(%x: tensor<4xf32> {onnx.name = "x"}, %n: tensor<1xf64> {onnx.name = "n"}) -> (tensor<4xf32> {onnx.name = "y"}) {
  return %x : tensor<4xf32>
}

// -----

func.func @main(%x: tensor<4x6xi64> {onnx.name = "x"}) -> (tensor<6x4xi64> {onnx.name = "y"}) {
  // expected-error @+1 {{a Transpose of int32 or int64 tensors that moves the innermost axis is not supported yet}}
  %0 = onnx.Transpose %x {perm = [1, 0]} : (tensor<4x6xi64>) -> tensor<6x4xi64>
  return %0 : tensor<6x4xi64>
}

// -----

func.func @main(%x: tensor<4xi64> {onnx.name = "x"}) -> (tensor<4xi64> {onnx.name = "y"}) {
  %c = arith.constant dense<4294967296> : tensor<1xi64>
  // expected-error @below {{an int64 constant operand holds 4294967296, outside the int32 range the LPU computes in}}
  %0 = onnx.Add %x, %c : (tensor<4xi64>, tensor<1xi64>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----

// expected-error @+1 {{expected an imported graph: func.func @main}}
module {
  func.func @other() {
    return
  }
}

// -----

// Dequantization parameters computed at run time (QuantizeLinear takes a
// run-time scale), per-axis run-time ones, and per-row input zero points
// of an integer product, are refused at the node.
func.func @main(%x: tensor<4x3xf32> {onnx.name = "x"}, %s: tensor<f32> {onnx.name = "s"}) -> (tensor<4x3xf32> {onnx.name = "y"}) {
  %q = onnx.QuantizeLinear %x, %s : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xui8>
  // expected-error @+1 {{the input scale must be a constant f32 tensor (scales computed at run time are not supported)}}
  %y = onnx.DequantizeLinear %q, %s : (tensor<4x3xui8>, tensor<f32>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

func.func @main(%x: tensor<4x3xf32> {onnx.name = "x"}, %s: tensor<3xf32> {onnx.name = "s"}) -> (tensor<4x3xui8> {onnx.name = "y"}) {
  // expected-error @+1 {{a scale or zero point computed at run time must be one value (per-axis ones must be constants)}}
  %q = onnx.QuantizeLinear %x, %s {axis = 1 : i64} : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xui8>
  return %q : tensor<4x3xui8>
}

// -----

func.func @main(%x: tensor<4x3xf32> {onnx.name = "x"}) -> (tensor<4x2xf32> {onnx.name = "y"}) {
  %xs = arith.constant dense<0.5> : tensor<f32>
  %q = onnx.QuantizeLinear %x, %xs : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xui8>
  %w = arith.constant dense<1> : tensor<3x2xui8>
  %az = arith.constant dense<[1, 2, 3, 4]> : tensor<4xui8>
  // expected-error @+1 {{the input has 4 scales or zero points: expected one, or one per element of axis 1 of 'tensor<4x3xui8>'}}
  %p = onnx.MatMulInteger %q, %w, %az : (tensor<4x3xui8>, tensor<3x2xui8>, tensor<4xui8>) -> tensor<4x2xi32>
  %y = onnx.Cast %p {to = 1 : i64} : (tensor<4x2xi32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

func.func @main(%a: tensor<4x4xi64> {onnx.name = "a"}) -> (tensor<4x4xi64> {onnx.name = "y"}) {
  // expected-error @+1 {{'MatMul' of integer tensors is not supported (the LPU computes integers element-wise, and moves them)}}
  %0 = onnx.MatMul %a, %a : (tensor<4x4xi64>, tensor<4x4xi64>) -> tensor<4x4xi64>
  return %0 : tensor<4x4xi64>
}

// -----

// LayerNormalization's Scale and B have the normalized shape or one value
// (the fuzzer's Scale of 37 values reached a tile.reshape verifier).
func.func @main(%x: tensor<2x3x5xf32> {onnx.name = "x"}) -> (tensor<2x3x5xf32> {onnx.name = "y"}) {
  %scale = arith.constant dense<1.0> : tensor<37xf32>
  // expected-error @+1 {{Scale has shape [37]; it must have the normalized shape [5] (X from axis 2) or hold one value}}
  %0:3 = onnx.LayerNormalization %x, %scale : (tensor<2x3x5xf32>, tensor<37xf32>) -> (tensor<2x3x5xf32>, tensor<2x3x1xf32>, tensor<2x3x1xf32>)
  return %0#0 : tensor<2x3x5xf32>
}

// -----

func.func @main(%x: tensor<2x3x5xf32> {onnx.name = "x"}) -> (tensor<2x3x5xf32> {onnx.name = "y"}) {
  %scale = arith.constant dense<1.0> : tensor<1x3x5xf32>
  %bias = arith.constant dense<1.0> : tensor<2x3xf32>
  // expected-error @+1 {{B has shape [2x3]; it must have the normalized shape [3x5] (X from axis 1) or hold one value}}
  %0:3 = onnx.LayerNormalization %x, %scale, %bias {axis = 1 : i64} : (tensor<2x3x5xf32>, tensor<1x3x5xf32>, tensor<2x3xf32>) -> (tensor<2x3x5xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>)
  return %0#0 : tensor<2x3x5xf32>
}

// -----

// Weights of another rank than the input: shape inference refuses them when
// it knows both ranks; conversion checks again for models where it did not
// (fuzzing finding 8 reached a tile.transpose verifier).
func.func @main(%x: tensor<1x1x3x3xf32> {onnx.name = "x"}) -> (tensor<1x2x3x3xf32> {onnx.name = "y"}) {
  %w = arith.constant dense<1.0> : tensor<1x2x3xf32>
  // expected-error @+1 {{the weights [1x2x3] have rank 3, but an input of rank 4 [1x1x3x3] takes weights of its own rank}}
  %0 = onnx.ConvTranspose %x, %w : (tensor<1x1x3x3xf32>, tensor<1x2x3xf32>) -> tensor<1x2x3x3xf32>
  return %0 : tensor<1x2x3x3xf32>
}

// -----

// A bias of another length than the output channels: the import's inference
// guard refuses it when inference knows both shapes; conversion checks again
// (fuzzing finding 12 reached the tile.conv verifier).
func.func @main(%x: tensor<1x3x8x8xf32> {onnx.name = "x"}) -> (tensor<1x16x8x8xf32> {onnx.name = "y"}) {
  %w = arith.constant dense<1.0> : tensor<16x3x1x1xf32>
  %b = arith.constant dense<1.0> : tensor<8xf32>
  // expected-error @+1 {{the bias [8] must hold one value per output channel, 16}}
  %0 = onnx.Conv %x, %w, %b : (tensor<1x3x8x8xf32>, tensor<16x3x1x1xf32>, tensor<8xf32>) -> tensor<1x16x8x8xf32>
  return %0 : tensor<1x16x8x8xf32>
}

// -----

// A window node's result has its input's rank, and its window attributes one
// value per spatial axis: the import's inference guard checks the attributes
// when ONNX knows the input's rank; a declared result is otherwise taken on
// trust (fuzzing finding 15 read past a rank-3 result).
func.func @main(%x: tensor<1x1x3x3xf32> {onnx.name = "x"}) -> (tensor<1x2x8xf32> {onnx.name = "y"}) {
  %w = arith.constant dense<1.0> : tensor<1x2x3x3xf32>
  // expected-error @+1 {{the result [1x2x8] has rank 3, but the input [1x1x3x3] has rank 4}}
  %0 = onnx.ConvTranspose %x, %w {output_shape = [10, 8]} : (tensor<1x1x3x3xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x8xf32>
  return %0 : tensor<1x2x8xf32>
}

// -----

func.func @main(%x: tensor<1x1x3x3xf32> {onnx.name = "x"}) -> (tensor<1x1x2x2xf32> {onnx.name = "y"}) {
  // expected-error @+1 {{attribute 'strides' has 1 values, but an input of rank 4 takes 2}}
  %0 = onnx.MaxPool %x {kernel_shape = [2, 2], strides = [1]} : (tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

func.func @main(%x: tensor<1x1x3x3xf32> {onnx.name = "x"}) -> (tensor<1x1x1xf32> {onnx.name = "y"}) {
  // expected-error @+1 {{the result [1x1x1] has rank 3, but the input [1x1x3x3] has rank 4}}
  %0 = onnx.GlobalAveragePool %x : (tensor<1x1x3x3xf32>) -> tensor<1x1x1xf32>
  return %0 : tensor<1x1x1xf32>
}

// -----

// InstanceNormalization's scale and B hold one value per input channel; the
// import's inference guard checks it first (fuzzing finding 13).
func.func @main(%x: tensor<1x32x16xf32> {onnx.name = "x"}) -> (tensor<1x32x16xf32> {onnx.name = "y"}) {
  %scale = arith.constant dense<1.0> : tensor<8xf32>
  %b = arith.constant dense<0.0> : tensor<32xf32>
  // expected-error @+1 {{scale has shape [8]; it must hold one value per input channel, 32}}
  %0 = onnx.InstanceNormalization %x, %scale, %b : (tensor<1x32x16xf32>, tensor<8xf32>, tensor<32xf32>) -> tensor<1x32x16xf32>
  return %0 : tensor<1x32x16xf32>
}
