//===- Passes.td - Conversions between lpuc dialects -------*- tablegen -*-===//

#ifndef LPU_COMPILER_CONVERSION_PASSES
#define LPU_COMPILER_CONVERSION_PASSES

include "mlir/Pass/PassBase.td"

def ConvertONNXToLPU : Pass<"convert-onnx-to-lpu", "::mlir::ModuleOp"> {
  let summary = "Select LPU instructions for an imported ONNX graph";
  let description = [{
    Replaces `func.func @main` (an imported graph) by an `lpu.program` with
    one buffer per tensor and the MEM/VXM/MXM/SXM instructions that compute
    every node. Instructions are left unplaced: no cycles, streams or SRAM
    addresses yet. Matrix products are tiled to the MXM array (lanes x
    lanes), constant weights are stored tile by tile, and K tiles accumulate
    from plane to plane with `mxm.matmul_acc`; element-wise ops follow NumPy
    broadcasting. Element-wise nodes that are the only consumer of a matrix
    product or of another element-wise node are computed in the same chain,
    on the streams, without a buffer in between. Any node without a lowering
    is reported with its name and operator type.

    `op-by-op` selects the foundation's strategy, the baseline of the
    benchmarks: every node alone (no fusion), weights read where the graph
    stores them, and each K tile's partial sum through SRAM.
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"lpu-v1\"",
           "Target description to compile for (lpu-v1, lpu-tiny)">,
    Option<"opByOp", "op-by-op", "bool", /*default=*/"false",
           "Lower node by node as the foundation did (benchmark baseline)">,
  ];
  let dependentDialects = ["::lpuc::lpu::LPUDialect"];
}

#endif // LPU_COMPILER_CONVERSION_PASSES
