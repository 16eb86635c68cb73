//===- Passes.h - tile dialect passes ---------------------------*- C++ -*-===//

#ifndef LPU_DIALECTS_TILE_TRANSFORMS_PASSES_H
#define LPU_DIALECTS_TILE_TRANSFORMS_PASSES_H

#include "dialects/Tile/TileOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace lpuc::tile {

#define GEN_PASS_DECL
#include "dialects/Tile/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dialects/Tile/Transforms/Passes.h.inc"

} // namespace lpuc::tile

#endif // LPU_DIALECTS_TILE_TRANSFORMS_PASSES_H
