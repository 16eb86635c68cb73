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
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
  let options = [
    Option<"maxElements", "max-elements", "int64_t", /*default=*/"65536",
           "Largest result, in elements, that is evaluated at compile time">,
  ];
}

#endif // LPU_DIALECT_ONNX_PASSES
