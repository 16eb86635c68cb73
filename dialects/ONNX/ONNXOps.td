//===- ONNXOps.td - The onnx dialect -----------------------*- tablegen -*-===//
//
// ONNX operators as imported from a ModelProto. Operators the compiler lowers
// have ops of their own with verifiers; every other operator is imported
// faithfully as `onnx.Node` so the graph is never silently truncated.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_DIALECT_ONNX_OPS
#define LPU_DIALECT_ONNX_OPS

include "mlir/IR/OpBase.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def ONNX_Dialect : Dialect {
  let name = "onnx";
  let cppNamespace = "::lpuc::onnx";
  let summary = "ONNX operators, one op per graph node";
  let description = [{
    A graph imports as a `func.func` whose arguments and results carry the
    graph's input and output names (`onnx.name`). Initializers become
    `arith.constant` ops holding `dense_resource` blobs, so weights are not
    printed inline. Each op's location names its node and operator type.
  }];
}

// A value is a tensor, or `none` where ONNX shape inference could not type it
// (only possible for operators lpuc does not know).
def ONNX_Value : AnyTypeOf<[AnyTensor, NoneType]>;

class ONNX_Op<string mnemonic, list<Trait> traits = []>
    : Op<ONNX_Dialect, mnemonic, !listconcat(traits, [Pure])>;

class ONNX_BroadcastBinaryOp<string mnemonic, string what>
    : ONNX_Op<mnemonic, [ResultsBroadcastableShape]> {
  let summary = "Element-wise " # what # " with NumPy broadcasting";
  let arguments = (ins AnyTensor:$A, AnyTensor:$B);
  let results = (outs AnyTensor:$C);
  let assemblyFormat = "$A `,` $B attr-dict `:` functional-type(operands, results)";
}

def ONNX_AddOp : ONNX_BroadcastBinaryOp<"Add", "addition">;
def ONNX_SubOp : ONNX_BroadcastBinaryOp<"Sub", "subtraction">;
def ONNX_MulOp : ONNX_BroadcastBinaryOp<"Mul", "multiplication">;

def ONNX_DivOp : ONNX_BroadcastBinaryOp<"Div", "division">;
def ONNX_ModOp : ONNX_Op<"Mod", [ResultsBroadcastableShape]> {
  let summary = "Element-wise remainder, with the divisor's sign (`fmod` 0) "
                "or the dividend's (`fmod` 1, required for floats)";
  let arguments = (ins AnyTensor:$A, AnyTensor:$B,
                       DefaultValuedAttr<I64Attr, "0">:$fmod);
  let results = (outs AnyTensor:$C);
  let assemblyFormat = "$A `,` $B attr-dict `:` functional-type(operands, results)";
}

// Logic on bool tensors (0.0 / 1.0 on the LPU).
def ONNX_AndOp : ONNX_BroadcastBinaryOp<"And", "logical and">;
def ONNX_OrOp : ONNX_BroadcastBinaryOp<"Or", "logical or">;
def ONNX_XorOp : ONNX_BroadcastBinaryOp<"Xor", "logical exclusive or">;

def ONNX_PReluOp : ONNX_Op<"PRelu", [ResultsBroadcastableShape]> {
  let summary = "X if X >= 0, else slope * X (slope broadcast to X)";
  let arguments = (ins AnyTensor:$X, AnyTensor:$slope);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "$X `,` $slope attr-dict `:` functional-type(operands, results)";
}

// Comparisons give bool tensors (carried as 0.0 / 1.0 on the LPU).
def ONNX_EqualOp : ONNX_BroadcastBinaryOp<"Equal", "comparison A == B">;
def ONNX_LessOp : ONNX_BroadcastBinaryOp<"Less", "comparison A < B">;
def ONNX_GreaterOp : ONNX_BroadcastBinaryOp<"Greater", "comparison A > B">;
def ONNX_LessOrEqualOp
    : ONNX_BroadcastBinaryOp<"LessOrEqual", "comparison A <= B">;
def ONNX_GreaterOrEqualOp
    : ONNX_BroadcastBinaryOp<"GreaterOrEqual", "comparison A >= B">;
def ONNX_WhereOp : ONNX_Op<"Where", [ResultsBroadcastableShape]> {
  let summary = "X where condition is true, else Y (NumPy broadcasting)";
  let arguments = (ins AnyTensor:$condition, AnyTensor:$X, AnyTensor:$Y);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}
def ONNX_PowOp : ONNX_Op<"Pow", [ResultsBroadcastableShape]> {
  let summary = "Element-wise X to the power Y with NumPy broadcasting";
  let arguments = (ins AnyTensor:$X, AnyTensor:$Y);
  let results = (outs AnyTensor:$Z);
  let assemblyFormat = "$X `,` $Y attr-dict `:` functional-type(operands, results)";
}

class ONNX_VariadicOp<string mnemonic, string what>
    : ONNX_Op<mnemonic, [ResultsBroadcastableShape]> {
  let summary = "Element-wise " # what # " of all inputs, NumPy broadcasting";
  let arguments = (ins Variadic<AnyTensor>:$data_0);
  let results = (outs AnyTensor:$result);
  let assemblyFormat = "$data_0 attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def ONNX_MaxOp : ONNX_VariadicOp<"Max", "maximum">;
def ONNX_MinOp : ONNX_VariadicOp<"Min", "minimum">;
def ONNX_SumOp : ONNX_VariadicOp<"Sum", "sum">;
def ONNX_MeanOp : ONNX_VariadicOp<"Mean", "mean">;

// Shape inference may leave an input unranked where the output is ranked,
// so only element types must match.
class ONNX_UnaryOp<string mnemonic, string what>
    : ONNX_Op<mnemonic, [SameOperandsAndResultElementType]> {
  let summary = what;
  let arguments = (ins AnyTensor:$X);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "$X attr-dict `:` functional-type(operands, results)";
}

def ONNX_ReluOp : ONNX_UnaryOp<"Relu", "Rectified linear unit, max(X, 0)">;
def ONNX_AbsOp : ONNX_UnaryOp<"Abs", "Absolute value">;
def ONNX_NegOp : ONNX_UnaryOp<"Neg", "Negation">;
def ONNX_ExpOp : ONNX_UnaryOp<"Exp", "Exponential">;
def ONNX_LogOp : ONNX_UnaryOp<"Log", "Natural logarithm">;
def ONNX_TanhOp : ONNX_UnaryOp<"Tanh", "Hyperbolic tangent">;
def ONNX_SigmoidOp : ONNX_UnaryOp<"Sigmoid", "Logistic function">;
def ONNX_ErfOp : ONNX_UnaryOp<"Erf", "Error function">;
def ONNX_SqrtOp : ONNX_UnaryOp<"Sqrt", "Square root">;
def ONNX_ReciprocalOp : ONNX_UnaryOp<"Reciprocal", "1 / X">;
def ONNX_IdentityOp : ONNX_UnaryOp<"Identity", "A copy of X">;
def ONNX_NotOp : ONNX_UnaryOp<"Not", "Logical negation">;
def ONNX_HardSwishOp : ONNX_UnaryOp<"HardSwish", "X * max(0, min(1, X / 6 + 1/2))">;

def ONNX_SoftplusOp : ONNX_UnaryOp<"Softplus", "log(1 + exp(X))">;
def ONNX_SoftsignOp : ONNX_UnaryOp<"Softsign", "X / (1 + |X|)">;
def ONNX_SignOp : ONNX_UnaryOp<"Sign", "1 for X > 0, -1 for X < 0, else 0">;
def ONNX_SinhOp : ONNX_UnaryOp<"Sinh", "Hyperbolic sine">;
def ONNX_CoshOp : ONNX_UnaryOp<"Cosh", "Hyperbolic cosine">;
def ONNX_AsinhOp : ONNX_UnaryOp<"Asinh", "Inverse hyperbolic sine">;
def ONNX_AcoshOp : ONNX_UnaryOp<"Acosh", "Inverse hyperbolic cosine">;
def ONNX_AtanhOp : ONNX_UnaryOp<"Atanh", "Inverse hyperbolic tangent">;

def ONNX_IsNaNOp : ONNX_Op<"IsNaN"> {
  let summary = "Whether each element is NaN (bool)";
  let arguments = (ins AnyTensor:$X);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "$X attr-dict `:` functional-type(operands, results)";
}

def ONNX_IsInfOp : ONNX_Op<"IsInf"> {
  let summary = "Whether each element is an infinity of the signs detected";
  let arguments = (ins AnyTensor:$X,
                       DefaultValuedAttr<I64Attr, "1">:$detect_negative,
                       DefaultValuedAttr<I64Attr, "1">:$detect_positive);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "$X attr-dict `:` functional-type(operands, results)";
}

def ONNX_HardmaxOp : ONNX_Op<"Hardmax"> {
  let summary = "1 at the first maximum along `axis`, 0 elsewhere";
  let arguments = (ins AnyTensor:$input, DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def ONNX_TriluOp : ONNX_Op<"Trilu"> {
  let summary = "The upper (or lower) triangle of the last two axes from "
                "diagonal k, zeros elsewhere";
  let arguments = (ins AnyTensor:$input, Optional<ONNX_Value>:$k,
                       DefaultValuedAttr<I64Attr, "1">:$upper);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "$input (`,` $k^)? attr-dict `:` functional-type(operands, results)";
}

def ONNX_OneHotOp : ONNX_Op<"OneHot"> {
  let summary = "values[1] where an axis' position equals the index, values[0] "
                "elsewhere";
  let arguments = (ins AnyTensor:$indices, AnyTensor:$depth, AnyTensor:$values,
                       DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def ONNX_SizeOp : ONNX_Op<"Size"> {
  let summary = "The number of elements of the input (int64 scalar)";
  let arguments = (ins AnyTensor:$data);
  let results = (outs AnyTensor:$size);
  let assemblyFormat = "$data attr-dict `:` functional-type(operands, results)";
}

def ONNX_EyeLikeOp : ONNX_Op<"EyeLike"> {
  let summary = "Ones on diagonal k of a 2-D tensor shaped like the input";
  let arguments = (ins AnyTensor:$input, OptionalAttr<I64Attr>:$dtype,
                       DefaultValuedAttr<I64Attr, "0">:$k);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def ONNX_FloorOp : ONNX_UnaryOp<"Floor", "The largest integer not above X">;
def ONNX_RoundOp : ONNX_UnaryOp<"Round",
    "The nearest integer to X, halves to the even one">;
def ONNX_CeilOp : ONNX_UnaryOp<"Ceil", "The smallest integer not below X">;

def ONNX_EluOp : ONNX_Op<"Elu", [SameOperandsAndResultElementType]> {
  let summary = "X if X > 0, else alpha * (exp(X) - 1)";
  let arguments = (ins AnyTensor:$X, DefaultValuedAttr<F32Attr, "1.0">:$alpha);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "$X attr-dict `:` functional-type(operands, results)";
}

def ONNX_SeluOp : ONNX_Op<"Selu", [SameOperandsAndResultElementType]> {
  let summary = "gamma * X if X > 0, else gamma * alpha * (exp(X) - 1)";
  let arguments = (ins AnyTensor:$X,
      DefaultValuedAttr<F32Attr, "1.67326319217681884765625">:$alpha,
      DefaultValuedAttr<F32Attr, "1.05070102214813232421875">:$gamma);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "$X attr-dict `:` functional-type(operands, results)";
}

def ONNX_ThresholdedReluOp
    : ONNX_Op<"ThresholdedRelu", [SameOperandsAndResultElementType]> {
  let summary = "X if X > alpha, else 0";
  let arguments = (ins AnyTensor:$X, DefaultValuedAttr<F32Attr, "1.0">:$alpha);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "$X attr-dict `:` functional-type(operands, results)";
}

def ONNX_ShrinkOp : ONNX_Op<"Shrink", [SameOperandsAndResultElementType]> {
  let summary = "X + bias if X < -lambd, X - bias if X > lambd, else 0";
  let arguments = (ins AnyTensor:$input, DefaultValuedAttr<F32Attr, "0.0">:$bias,
                       DefaultValuedAttr<F32Attr, "0.5">:$lambd);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def ONNX_LeakyReluOp : ONNX_Op<"LeakyRelu", [SameOperandsAndResultElementType]> {
  let summary = "X if X >= 0, else alpha * X";
  let arguments = (ins AnyTensor:$X, DefaultValuedAttr<F32Attr, "0.01">:$alpha);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "$X attr-dict `:` functional-type(operands, results)";
}

def ONNX_HardSigmoidOp : ONNX_Op<"HardSigmoid", [SameOperandsAndResultElementType]> {
  let summary = "max(0, min(1, alpha * X + beta))";
  let arguments = (ins AnyTensor:$X, DefaultValuedAttr<F32Attr, "0.2">:$alpha,
                       DefaultValuedAttr<F32Attr, "0.5">:$beta);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "$X attr-dict `:` functional-type(operands, results)";
}

def ONNX_ClipOp : ONNX_Op<"Clip"> {
  let summary = "min(max(input, min), max) with optional scalar bounds";
  let description = [{
    Opset 11 and later: the bounds are optional inputs (`bounds` holds min
    and max, either omitted as onnx.NoValue).
  }];
  let arguments = (ins AnyTensor:$input, Variadic<ONNX_Value>:$bounds);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = [{
    $input (`,` $bounds^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

// Ops that only reshape: the element order is kept, the shape changes. The
// output shape comes from ONNX shape inference; the other inputs (shape,
// axes) are read only by it.
class ONNX_ReshapingOp<string mnemonic, string what>
    : ONNX_Op<mnemonic, [AllElementTypesMatch<["data", "reshaped"]>]> {
  let summary = what;
  let arguments = (ins AnyTensor:$data, Variadic<ONNX_Value>:$shape_inputs);
  let results = (outs AnyTensor:$reshaped);
  let assemblyFormat = [{
    $data (`,` $shape_inputs^)? attr-dict `:` functional-type(operands, results)
  }];
}

def ONNX_ReshapeOp : ONNX_ReshapingOp<"Reshape", "Gives data a new shape">;
def ONNX_FlattenOp : ONNX_ReshapingOp<"Flatten", "Flattens data to 2-D at `axis`">;
def ONNX_SqueezeOp : ONNX_ReshapingOp<"Squeeze", "Removes size-1 dimensions">;
def ONNX_UnsqueezeOp : ONNX_ReshapingOp<"Unsqueeze", "Inserts size-1 dimensions">;

class ONNX_SoftmaxLikeOp<string mnemonic, string what>
    : ONNX_Op<mnemonic, [SameOperandsAndResultElementType]> {
  let summary = what;
  let arguments = (ins AnyTensor:$input,
                       DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def ONNX_SoftmaxOp : ONNX_SoftmaxLikeOp<"Softmax", "exp(x - max) / sum(exp(x - max)) along `axis`">;
def ONNX_LogSoftmaxOp : ONNX_SoftmaxLikeOp<"LogSoftmax", "x - max - log(sum(exp(x - max))) along `axis`">;

// Reductions; opset 13 ReduceSum takes its axes as an input, the others as
// an attribute.
class ONNX_ReduceOp<string mnemonic, string what>
    : ONNX_Op<mnemonic, [AllElementTypesMatch<["data", "reduced"]>]> {
  let summary = what # " over `axes`";
  let arguments = (ins AnyTensor:$data, Variadic<ONNX_Value>:$axes_input,
                       OptionalAttr<I64ArrayAttr>:$axes,
                       DefaultValuedAttr<I64Attr, "1">:$keepdims,
                       DefaultValuedAttr<I64Attr, "0">:$noop_with_empty_axes);
  let results = (outs AnyTensor:$reduced);
  let assemblyFormat = [{
    $data (`,` $axes_input^)? attr-dict `:` functional-type(operands, results)
  }];
}

def ONNX_ReduceMaxOp : ONNX_ReduceOp<"ReduceMax", "Maximum">;
def ONNX_ReduceMinOp : ONNX_ReduceOp<"ReduceMin", "Minimum">;
def ONNX_ReduceSumOp : ONNX_ReduceOp<"ReduceSum", "Sum">;
def ONNX_ReduceMeanOp : ONNX_ReduceOp<"ReduceMean", "Mean">;
def ONNX_ReduceSumSquareOp : ONNX_ReduceOp<"ReduceSumSquare", "Sum of squares">;
def ONNX_ReduceL1Op : ONNX_ReduceOp<"ReduceL1", "Sum of absolute values">;
def ONNX_ReduceL2Op : ONNX_ReduceOp<"ReduceL2", "Euclidean norm">;
def ONNX_ReduceLogSumOp : ONNX_ReduceOp<"ReduceLogSum", "Log of the sum">;
def ONNX_ReduceLogSumExpOp
    : ONNX_ReduceOp<"ReduceLogSumExp", "Log of the sum of exponentials">;

class ONNX_ArgExtremumOp<string mnemonic, string what> : ONNX_Op<mnemonic> {
  let summary = "Index of the " # what # " along `axis` (first, or last if "
                "`select_last_index`)";
  let arguments = (ins AnyTensor:$data, DefaultValuedAttr<I64Attr, "0">:$axis,
                       DefaultValuedAttr<I64Attr, "1">:$keepdims,
                       DefaultValuedAttr<I64Attr, "0">:$select_last_index);
  let results = (outs AnyTensor:$reduced);
  let assemblyFormat = "$data attr-dict `:` functional-type(operands, results)";
}
def ONNX_ArgMaxOp : ONNX_ArgExtremumOp<"ArgMax", "maximum">;
def ONNX_ArgMinOp : ONNX_ArgExtremumOp<"ArgMin", "minimum">;

def ONNX_DropoutOp : ONNX_Op<"Dropout"> {
  let summary = "Dropout; the identity for inference";
  let arguments = (ins AnyTensor:$data, Variadic<ONNX_Value>:$options);
  let results = (outs AnyTensor:$output, Variadic<ONNX_Value>:$mask);
  let assemblyFormat = [{
    $data (`,` $options^)? attr-dict `:` functional-type(operands, results)
  }];
}

def ONNX_MatMulOp : ONNX_Op<"MatMul"> {
  let summary = "Matrix product with NumPy matmul semantics";
  let arguments = (ins AnyTensor:$A, AnyTensor:$B);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "$A `,` $B attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def ONNX_GemmOp : ONNX_Op<"Gemm"> {
  let summary = "Y = alpha * A' x B' + beta * C, with optional transposes";
  let arguments = (ins AnyTensor:$A, AnyTensor:$B, Optional<AnyTensor>:$C,
                       DefaultValuedAttr<F32Attr, "1.0">:$alpha,
                       DefaultValuedAttr<F32Attr, "1.0">:$beta,
                       DefaultValuedAttr<I64Attr, "0">:$transA,
                       DefaultValuedAttr<I64Attr, "0">:$transB);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = [{
    $A `,` $B (`,` $C^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def ONNX_TransposeOp : ONNX_Op<"Transpose",
    [AllElementTypesMatch<["data", "transposed"]>]> {
  let summary = "Permutes the dimensions (reversed when `perm` is absent)";
  let arguments = (ins AnyTensor:$data, OptionalAttr<I64ArrayAttr>:$perm);
  let results = (outs AnyTensor:$transposed);
  let assemblyFormat = "$data attr-dict `:` functional-type(operands, results)";
}

def ONNX_LayerNormalizationOp : ONNX_Op<"LayerNormalization"> {
  let summary = "(X - mean) / sqrt(variance + epsilon) * Scale + B over the "
                "axes from `axis` on";
  let arguments = (ins AnyTensor:$X, AnyTensor:$Scale, Optional<AnyTensor>:$B,
                       DefaultValuedAttr<I64Attr, "-1">:$axis,
                       DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon,
                       DefaultValuedAttr<I64Attr, "1">:$stash_type);
  let results = (outs AnyTensor:$Y, Variadic<ONNX_Value>:$statistics);
  let assemblyFormat = [{
    $X `,` $Scale (`,` $B^)? attr-dict `:` functional-type(operands, results)
  }];
}

// Convolution and pooling over the spatial dimensions of NCHW tensors.
class ONNX_WindowAttrs {
  dag windowAttrs = (ins DefaultValuedAttr<StrAttr, "\"NOTSET\"">:$auto_pad,
                         OptionalAttr<I64ArrayAttr>:$kernel_shape,
                         OptionalAttr<I64ArrayAttr>:$pads,
                         OptionalAttr<I64ArrayAttr>:$strides,
                         OptionalAttr<I64ArrayAttr>:$dilations);
}

def ONNX_ConvOp : ONNX_Op<"Conv">, ONNX_WindowAttrs {
  let summary = "Grouped, strided, dilated, padded convolution";
  let arguments = !con((ins AnyTensor:$X, AnyTensor:$W, Optional<AnyTensor>:$B,
                            DefaultValuedAttr<I64Attr, "1">:$group),
                       windowAttrs);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = [{
    $X `,` $W (`,` $B^)? attr-dict `:` functional-type(operands, results)
  }];
}

def ONNX_ConvTransposeOp : ONNX_Op<"ConvTranspose">, ONNX_WindowAttrs {
  let summary = "Transposed (fractionally strided) convolution";
  let arguments = !con((ins AnyTensor:$X, AnyTensor:$W, Optional<AnyTensor>:$B,
                            DefaultValuedAttr<I64Attr, "1">:$group,
                            OptionalAttr<I64ArrayAttr>:$output_padding,
                            OptionalAttr<I64ArrayAttr>:$output_shape),
                       windowAttrs);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = [{
    $X `,` $W (`,` $B^)? attr-dict `:` functional-type(operands, results)
  }];
}

def ONNX_MaxPoolOp : ONNX_Op<"MaxPool">, ONNX_WindowAttrs {
  let summary = "Maximum over sliding windows";
  let arguments = !con((ins AnyTensor:$X,
                            DefaultValuedAttr<I64Attr, "0">:$ceil_mode,
                            DefaultValuedAttr<I64Attr, "0">:$storage_order),
                       windowAttrs);
  let results = (outs AnyTensor:$Y, Variadic<ONNX_Value>:$Indices);
  let assemblyFormat = "$X attr-dict `:` functional-type(operands, results)";
}

def ONNX_AveragePoolOp : ONNX_Op<"AveragePool">, ONNX_WindowAttrs {
  let summary = "Mean over sliding windows";
  let arguments = !con((ins AnyTensor:$X,
                            DefaultValuedAttr<I64Attr, "0">:$ceil_mode,
                            DefaultValuedAttr<I64Attr, "0">:$count_include_pad),
                       windowAttrs);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "$X attr-dict `:` functional-type(operands, results)";
}

def ONNX_GlobalAveragePoolOp : ONNX_Op<"GlobalAveragePool"> {
  let summary = "Mean over all spatial positions";
  let arguments = (ins AnyTensor:$X);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "$X attr-dict `:` functional-type(operands, results)";
}

def ONNX_InstanceNormalizationOp : ONNX_Op<"InstanceNormalization"> {
  let summary = "(X - mean) / sqrt(var + epsilon) * scale + B, the statistics "
                "of each image and channel over its spatial axes";
  let arguments = (ins AnyTensor:$input, AnyTensor:$scale, AnyTensor:$B,
                       DefaultValuedAttr<F32Attr, "1e-05">:$epsilon);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def ONNX_DepthToSpaceOp : ONNX_Op<"DepthToSpace"> {
  let summary = "Blocks of channels moved into blocksize x blocksize pixels "
                "(mode DCR: depth, column, row; CRD: column, row, depth)";
  let arguments = (ins AnyTensor:$input, I64Attr:$blocksize,
                       DefaultValuedAttr<StrAttr, "\"DCR\"">:$mode);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def ONNX_SpaceToDepthOp : ONNX_Op<"SpaceToDepth"> {
  let summary = "blocksize x blocksize pixels moved into blocks of channels";
  let arguments = (ins AnyTensor:$input, I64Attr:$blocksize);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def ONNX_GlobalMaxPoolOp : ONNX_Op<"GlobalMaxPool"> {
  let summary = "Maximum over all spatial positions";
  let arguments = (ins AnyTensor:$X);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "$X attr-dict `:` functional-type(operands, results)";
}

def ONNX_BatchNormalizationOp : ONNX_Op<"BatchNormalization"> {
  let summary = "(X - mean) / sqrt(var + epsilon) * scale + B per channel";
  let arguments = (ins AnyTensor:$X, AnyTensor:$scale, AnyTensor:$B,
                       AnyTensor:$input_mean, AnyTensor:$input_var,
                       DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon,
                       DefaultValuedAttr<F32Attr, "0.9">:$momentum,
                       DefaultValuedAttr<I64Attr, "0">:$training_mode);
  let results = (outs AnyTensor:$Y, Variadic<ONNX_Value>:$running);
  let assemblyFormat = [{
    operands attr-dict `:` functional-type(operands, results)
  }];
}

def ONNX_ConcatOp : ONNX_Op<"Concat"> {
  let summary = "Joins tensors along `axis`";
  let arguments = (ins Variadic<AnyTensor>:$inputs, I64Attr:$axis);
  let results = (outs AnyTensor:$concat_result);
  let assemblyFormat = [{
    $inputs attr-dict `:` functional-type(operands, results)
  }];
}

// Shape computations and data movement. Inputs that ONNX gives as tensors
// but that fix the output's shape (starts, pads, repeats...) must be
// constants by lowering time: the fold-constants pass evaluates whatever
// shape arithmetic leads to them.
def ONNX_ShapeOp : ONNX_Op<"Shape"> {
  let summary = "The dimensions of `data` from `start` to `end`";
  let arguments = (ins AnyTensor:$data, OptionalAttr<I64Attr>:$start,
                       OptionalAttr<I64Attr>:$end);
  let results = (outs AnyTensor:$shape);
  let assemblyFormat = "$data attr-dict `:` functional-type(operands, results)";
}

def ONNX_GatherOp : ONNX_Op<"Gather"> {
  let summary = "Picks the entries of `data` along `axis` that `indices` name";
  let arguments = (ins AnyTensor:$data, AnyTensor:$indices,
                       DefaultValuedAttr<I64Attr, "0">:$axis);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
}

def ONNX_GatherElementsOp : ONNX_Op<"GatherElements"> {
  let summary = "Each output element picked along `axis` by its own index";
  let arguments = (ins AnyTensor:$data, AnyTensor:$indices,
                       DefaultValuedAttr<I64Attr, "0">:$axis);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
}

def ONNX_ScatterNDOp : ONNX_Op<"ScatterND"> {
  let summary = "`data` with the slices `indices` name replaced by `updates`";
  let arguments = (ins AnyTensor:$data, AnyTensor:$indices,
                       AnyTensor:$updates,
                       DefaultValuedAttr<StrAttr, "\"none\"">:$reduction);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "$data `,` $indices `,` $updates attr-dict `:` functional-type(operands, results)";
}

def ONNX_SliceOp : ONNX_Op<"Slice"> {
  let summary = "Strided slice: starts, ends, axes and steps are inputs";
  let arguments = (ins AnyTensor:$data, AnyTensor:$starts, AnyTensor:$ends,
                       Variadic<ONNX_Value>:$axes_and_steps);
  let results = (outs AnyTensor:$output);
  let extraClassDeclaration = [{
    /// The optional inputs, null when omitted.
    ::mlir::Value getAxes() { return getOptional(0); }
    ::mlir::Value getSteps() { return getOptional(1); }
    ::mlir::Value getOptional(unsigned i) {
      auto rest = getAxesAndSteps();
      if (i >= rest.size() || ::mlir::isa<::mlir::NoneType>(rest[i].getType()))
        return nullptr;
      return rest[i];
    }
  }];
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def ONNX_SplitOp : ONNX_Op<"Split"> {
  let summary = "Cuts `input` along `axis` into the outputs";
  let arguments = (ins AnyTensor:$input, Optional<AnyTensor>:$split_input,
                       DefaultValuedAttr<I64Attr, "0">:$axis,
                       OptionalAttr<I64ArrayAttr>:$split);
  let results = (outs Variadic<AnyTensor>:$outputs);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def ONNX_ExpandOp : ONNX_Op<"Expand"> {
  let summary = "Broadcasts `input` to `shape`";
  let arguments = (ins AnyTensor:$input, AnyTensor:$shape);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def ONNX_TileOp : ONNX_Op<"Tile"> {
  let summary = "Repeats `input` `repeats[i]` times along each axis i";
  let arguments = (ins AnyTensor:$input, AnyTensor:$repeats);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def ONNX_PadOp : ONNX_Op<"Pad"> {
  let summary = "Pads with a constant, or by reflecting or repeating edges";
  let arguments = (ins AnyTensor:$data, AnyTensor:$pads,
                       Optional<AnyTensor>:$constant_value,
                       DefaultValuedAttr<StrAttr, "\"constant\"">:$mode);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def ONNX_ConstantOfShapeOp : ONNX_Op<"ConstantOfShape"> {
  let summary = "A tensor of the given shape filled with `value`";
  let arguments = (ins AnyTensor:$input, OptionalAttr<ElementsAttr>:$value);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def ONNX_RangeOp : ONNX_Op<"Range"> {
  let summary = "start, start + delta, ... up to (not including) limit";
  let arguments = (ins AnyTensor:$start, AnyTensor:$limit, AnyTensor:$delta);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def ONNX_ResizeOp : ONNX_Op<"Resize"> {
  let summary = "Nearest, (bi)linear or (bi)cubic resampling to `sizes` or by "
                "`scales`";
  let description = [{
    Opset 11-17: the inputs after X are roi, scales and sizes (each may be
    omitted as onnx.NoValue); they must be constants by lowering time.
  }];
  let arguments = (ins AnyTensor:$X, Variadic<ONNX_Value>:$roi_scales_sizes,
      DefaultValuedAttr<StrAttr, "\"nearest\"">:$mode,
      DefaultValuedAttr<StrAttr, "\"half_pixel\"">:$coordinate_transformation_mode,
      DefaultValuedAttr<StrAttr, "\"round_prefer_floor\"">:$nearest_mode,
      DefaultValuedAttr<I64Attr, "0">:$exclude_outside,
      DefaultValuedAttr<F32Attr, "-0.75">:$cubic_coeff_a);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def ONNX_CastOp : ONNX_Op<"Cast"> {
  let summary = "Converts elements to the type `to` names";
  let arguments = (ins AnyTensor:$input, I64Attr:$to,
                       DefaultValuedAttr<I64Attr, "1">:$saturate);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Quantization (int8 and uint8 with per-tensor or per-axis scales)
//===----------------------------------------------------------------------===//

def ONNX_QuantizeLinearOp : ONNX_Op<"QuantizeLinear"> {
  let summary = "y = saturate(round(x / y_scale) + y_zero_point), rounding "
                "half to even";
  let arguments = (ins AnyTensor:$x, AnyTensor:$y_scale,
                       Optional<AnyTensor>:$y_zero_point,
                       DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs AnyTensor:$y);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def ONNX_DequantizeLinearOp : ONNX_Op<"DequantizeLinear"> {
  let summary = "y = (x - x_zero_point) * x_scale";
  let arguments = (ins AnyTensor:$x, AnyTensor:$x_scale,
                       Optional<AnyTensor>:$x_zero_point,
                       DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs AnyTensor:$y);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def ONNX_QLinearConvOp : ONNX_Op<"QLinearConv">, ONNX_WindowAttrs {
  let summary = "Conv of dequantized x and w, plus an int32 bias, quantized";
  let arguments = !con((ins AnyTensor:$x, AnyTensor:$x_scale,
                            AnyTensor:$x_zero_point, AnyTensor:$w,
                            AnyTensor:$w_scale, AnyTensor:$w_zero_point,
                            AnyTensor:$y_scale, AnyTensor:$y_zero_point,
                            Optional<AnyTensor>:$B,
                            DefaultValuedAttr<I64Attr, "1">:$group),
                       windowAttrs);
  let results = (outs AnyTensor:$y);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def ONNX_QLinearMatMulOp : ONNX_Op<"QLinearMatMul"> {
  let summary = "MatMul of dequantized a and b, quantized";
  let arguments = (ins AnyTensor:$a, AnyTensor:$a_scale,
                       AnyTensor:$a_zero_point, AnyTensor:$b,
                       AnyTensor:$b_scale, AnyTensor:$b_zero_point,
                       AnyTensor:$y_scale, AnyTensor:$y_zero_point);
  let results = (outs AnyTensor:$y);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def ONNX_MatMulIntegerOp : ONNX_Op<"MatMulInteger"> {
  let summary = "Exact int32 MatMul of (A - a_zero_point) and (B - b_zero_point)";
  let description = [{
    The zero points are optional; either may be onnx.NoValue.
  }];
  let arguments = (ins AnyTensor:$A, AnyTensor:$B,
                       Variadic<ONNX_Value>:$zero_points);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def ONNX_ConvIntegerOp : ONNX_Op<"ConvInteger">, ONNX_WindowAttrs {
  let summary = "Exact int32 Conv of (x - x_zero_point) and (w - w_zero_point)";
  let description = [{
    The zero points are optional; either may be onnx.NoValue.
  }];
  let arguments = !con((ins AnyTensor:$x, AnyTensor:$w,
                            Variadic<ONNX_Value>:$zero_points,
                            DefaultValuedAttr<I64Attr, "1">:$group),
                       windowAttrs);
  let results = (outs AnyTensor:$y);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def ONNX_NodeOp : ONNX_Op<"Node"> {
  let summary = "Any ONNX operator lpuc has no dedicated op for";
  let description = [{
    Keeps the operator type, domain and every attribute of the node, so the
    imported graph is complete. Lowering reports such nodes as unsupported.
  }];
  let arguments = (ins Variadic<ONNX_Value>:$inputs, StrAttr:$op_type,
                       StrAttr:$domain, DictionaryAttr:$onnx_attributes);
  let results = (outs Variadic<ONNX_Value>:$outputs);
  let assemblyFormat = [{
    $op_type `(` $inputs `)` attr-dict `:` functional-type($inputs, $outputs)
  }];
}

def ONNX_NoValueOp : ONNX_Op<"NoValue"> {
  let summary = "An omitted optional input";
  let results = (outs NoneType:$none);
  let assemblyFormat = "attr-dict";
}

#endif // LPU_DIALECT_ONNX_OPS
