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
    lanes); element-wise ops follow NumPy broadcasting. Any node without a
    lowering is reported with its name and operator type.
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"lpu-v1\"",
           "Target description to compile for (lpu-v1, lpu-tiny)">,
  ];
  let dependentDialects = ["::lpuc::lpu::LPUDialect"];
}

#endif // LPU_COMPILER_CONVERSION_PASSES
