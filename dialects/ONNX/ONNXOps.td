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

def ONNX_ReluOp : ONNX_Op<"Relu", [SameOperandsAndResultType]> {
  let summary = "Rectified linear unit, max(X, 0)";
  let arguments = (ins AnyTensor:$X);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "$X attr-dict `:` type($Y)";
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
