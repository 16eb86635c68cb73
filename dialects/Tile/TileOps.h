//===- TileOps.h - The tile dialect -----------------------------*- C++ -*-===//

#ifndef LPU_DIALECTS_TILE_TILEOPS_H
#define LPU_DIALECTS_TILE_TILEOPS_H

#include "dialects/Tile/Chain.h"

#include "lpu/Target.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/Tile/TileDialect.h.inc"
#include "dialects/Tile/TileEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/Tile/TileAttrs.h.inc"

#define GET_OP_CLASSES
#include "dialects/Tile/TileOps.h.inc"

namespace mlir::arith {
class ConstantOp;
} // namespace mlir::arith

namespace lpuc::tile {

/// The module attribute naming the target a tile-level module is for.
constexpr llvm::StringLiteral kTargetAttrName = "tile.target";
/// On an op: its result is stored split into parts of whole groups of this
/// many rows (see the dialect's description).
constexpr llvm::StringLiteral kSplitRowsAttrName = "tile.split_rows";

/// The target of the module enclosing `op` (its `tile.target`), or null
/// with an error at `op` when there is none or it is unknown.
const ::lpu::TargetDesc *getTarget(mlir::Operation *op);

/// The chain of a map, or the epilogue of a product.
Chain getChain(MapOp op);
Chain getEpilogue(MatMulOp op);
Chain getEpilogue(ConvOp op);

/// `constant`, left-padded with dimensions of 1 to rank `rank`, with its
/// dimensions permuted (result dimension d is dimension `perm[d]`) and then
/// given `shape` (the same number of elements; empty: the permuted shape),
/// as a new constant before `builder`'s insertion point; null if its data
/// cannot be read.
mlir::Value permuteConstant(mlir::OpBuilder &builder,
                            mlir::arith::ConstantOp constant, int64_t rank,
                            llvm::ArrayRef<int64_t> perm,
                            llvm::ArrayRef<int64_t> shape = {});

} // namespace lpuc::tile

#endif // LPU_DIALECTS_TILE_TILEOPS_H
