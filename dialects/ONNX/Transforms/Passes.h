//===- Passes.h - onnx dialect passes ---------------------------*- C++ -*-===//

#ifndef LPU_DIALECTS_ONNX_TRANSFORMS_PASSES_H
#define LPU_DIALECTS_ONNX_TRANSFORMS_PASSES_H

#include "dialects/ONNX/ONNXOps.h"
#include "dialects/Tile/TileOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace lpuc::onnx {

#define GEN_PASS_DECL
#include "dialects/ONNX/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dialects/ONNX/Transforms/Passes.h.inc"

} // namespace lpuc::onnx

#endif // LPU_DIALECTS_ONNX_TRANSFORMS_PASSES_H
