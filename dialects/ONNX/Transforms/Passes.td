//===- Passes.td - onnx dialect passes ---------------------*- tablegen -*-===//

#ifndef LPU_DIALECT_ONNX_PASSES
#define LPU_DIALECT_ONNX_PASSES

include "mlir/Pass/PassBase.td"

def FoldConstants : Pass<"onnx-fold-constants", "::mlir::func::FuncOp"> {
  let summary = "Evaluate shape computations and other constant subgraphs";
  let description = [{
    Exporters compute reshape targets, slice bounds and the like at run time
    (Shape, Gather, Slice, Concat, Cast, integer arithmetic, Range,
    ConstantOfShape...). The LPU program is static, so these are evaluated at
    compile time: an op whose inputs are all constants (or, for Shape, whose
    input has a static shape) becomes an `arith.constant`. Results that ONNX
    shape inference left without a static shape because they depended on
    such values (a Slice's, an Expand's, and the element-wise ops after
    them) get their static type once the values are known.

    Constants are evaluated only up to `max-elements` elements: weights are
    not copied around at compile time.

    Concat inputs with no elements along the axis (an empty KV-cache past,
    torch's `cat` onto an empty tensor) are dropped: the LPU stores no empty
    tensor, and they add nothing.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
  let options = [
    Option<"maxElements", "max-elements", "int64_t", /*default=*/"65536",
           "Largest result, in elements, that is evaluated at compile time">,
  ];
}

def DemoteF64 : Pass<"onnx-demote-f64", "::mlir::func::FuncOp"> {
  let summary = "Compute an f64 graph in f32 (lpuc --f64-as-f32)";
  let description = [{
    The LPU has no binary64 arithmetic. When the user asks for it, every f64
    value of the graph becomes f32: values' types, constants (rounded to
    nearest even), Cast and EyeLike targets, ConstantOfShape's value. Graph
    inputs and outputs that were f64 are marked `tile.host_type = f64`, so
    the host still passes and receives f64 elements; the runtime rounds
    inputs to f32 and widens outputs.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::lpuc::tile::TileDialect"];
}

def WidenHalf : Pass<"onnx-widen-half", "::mlir::func::FuncOp"> {
  let summary = "Compute f16 and bf16 values in f32; half types stay at Casts";
  let description = [{
    The LPU stores f16 and bf16 tensors, and Cast converts them, but the
    lowering computes in f32. In an fp16 model every value is f16: each one
    an op computes (constants included, exactly) becomes f32, and half
    types stay only where Casts make and read them. A Cast to half still
    rounds; the ops that compute with its result read it through a new
    Cast to f32. Graph inputs and outputs that ops compute with become f32
    with `tile.host_type` f16 (or bf16): the host passes half elements and
    the runtime converts, so a state output (a KV cache) is still updated in
    place. Values are thus rounded to half precision at the model's Casts
    and outputs, not after every op.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

#endif // LPU_DIALECT_ONNX_PASSES
