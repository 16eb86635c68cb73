//===- Passes.td - Conversions between lpuc dialects -------*- tablegen -*-===//

#ifndef LPU_COMPILER_CONVERSION_PASSES
#define LPU_COMPILER_CONVERSION_PASSES

include "mlir/Pass/PassBase.td"

def ConvertONNXToTile : Pass<"convert-onnx-to-tile", "::mlir::ModuleOp"> {
  let summary = "Replace an imported graph's ONNX nodes by tile ops";
  let description = [{
    Converts `func.func @main` in place: every node becomes the tile ops
    that compute it (element-wise chains, products, convolutions and pooling
    channels last between transposes, gathers, reductions...), tensors take
    the lane types the LPU carries (booleans and small integers as f32), and
    each graph output becomes a tile result of its own. Records the target
    in the module's `tile.target`. Every node without a lowering, and every
    type or shape the LPU cannot take, is reported with the node's name and
    operator type. Records the float type MXM products run in (`precision`)
    in `tile.precision`, refusing one the target's MXM does not multiply.
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"lpu-v1\"",
           "Target description to compile for (lpu-v1, lpu-tiny)">,
    Option<"precision", "precision", "std::string", /*default=*/"\"\"",
           "Float type of MXM products: fp32, fp16 or bf16 (empty: the "
           "most precise the target's MXM multiplies)">,
  ];
  let dependentDialects = ["::lpuc::tile::TileDialect",
                           "::mlir::arith::ArithDialect"];
}

def ConvertTileToLPU : Pass<"convert-tile-to-lpu", "::mlir::ModuleOp"> {
  let summary = "Expand tile ops into LPU instructions";
  let description = [{
    Replaces the tile-level `func.func @main` by an `lpu.program` for the
    module's target: one buffer per tensor (split tensors in parts), and the
    MEM/VXM/MXM/SXM instructions of every tile op, unplaced (no cycles,
    streams or SRAM addresses). Each op expands on its own, following the
    decisions its attributes record; lpuc itself keeps the result in compact
    form and prints it only for `--emit=lpu-isel`.
  }];
  let dependentDialects = ["::lpuc::lpu::LPUDialect"];
}

#endif // LPU_COMPILER_CONVERSION_PASSES
