//===- Passes.h - Conversions between lpuc dialects -------------*- C++ -*-===//

#ifndef LPU_COMPILER_CONVERSION_PASSES_H
#define LPU_COMPILER_CONVERSION_PASSES_H

#include "dialects/LPU/LPUOps.h"
#include "dialects/Tile/TileOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace lpuc {

#define GEN_PASS_DECL
#include "compiler/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "compiler/Conversion/Passes.h.inc"

} // namespace lpuc

#endif // LPU_COMPILER_CONVERSION_PASSES_H
