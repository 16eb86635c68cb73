//===- ModelWork.h - The MXM work an ONNX model asks for --------*- C++ -*-===//
//
// Measures, on a tile-level graph, the multiply-accumulates and weight
// elements of the model's own products (Conv, Gemm, MatMul and their
// quantized forms) and its input and output bytes: the inputs of the
// physical floor (dialects/LPU/Analysis/PhysicalFloor.h); a product whose
// packed weights hold zeros the node's do not carries the node's own work
// (tile.model_work). Products the compiler adds to move data (a Resize, a
// transpose, a pooling sum) are not the model's work and are left out.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_DIALECTS_TILE_ANALYSIS_MODELWORK_H
#define LPU_DIALECTS_TILE_ANALYSIS_MODELWORK_H

#include "dialects/LPU/Analysis/PhysicalFloor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace lpuc::tile {

/// The work of `func`'s products, in the types they run in on `target`
/// (tile::getMXMType), one entry per ONNX node in program order.
lpu::ModelWork measureModelWork(mlir::func::FuncOp func,
                                const ::lpu::TargetDesc &target);

} // namespace lpuc::tile

#endif // LPU_DIALECTS_TILE_ANALYSIS_MODELWORK_H
