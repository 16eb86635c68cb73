//===- TileOps.h - The tile dialect -----------------------------*- C++ -*-===//

#ifndef LPU_DIALECTS_TILE_TILEOPS_H
#define LPU_DIALECTS_TILE_TILEOPS_H

#include "dialects/Tile/Chain.h"

#include <array>

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

/// The shape of a tile value (every one is a ranked tensor).
inline llvm::ArrayRef<int64_t> shapeOf(mlir::Value value) {
  return mlir::cast<mlir::RankedTensorType>(value.getType()).getShape();
}

/// The module attribute naming the target a tile-level module is for.
constexpr llvm::StringLiteral kTargetAttrName = "tile.target";
/// On an op: its result is stored split into parts of whole groups of this
/// many rows (see the dialect's description).
constexpr llvm::StringLiteral kSplitRowsAttrName = "tile.split_rows";
/// On a product op whose weights hold zeros the ONNX node's do not (a
/// convolution of pixel groups, tile-pack-taps): the node's own work,
/// `array<i64: macs, weight elements>`, for the physical floor.
constexpr llvm::StringLiteral kModelWorkAttrName = "tile.model_work";
/// On an op, or a graph input or output (a function argument or result
/// attribute): where its SRAM tensor is, `array<i32: slice, address, ...>`
/// per part (set by tile-allocate-sram; the rows dealt in blocks of
/// `tile.split_rows` rows, else of one).
constexpr llvm::StringLiteral kSRAMAttrName = "tile.sram";
/// On a graph input or result the graph declares in another element type
/// than the one it is held in (int64 or uint8 held as i32, bool or f64 as
/// f32): that type, in which the host passes and receives its elements (the
/// runtime converts and checks range).
constexpr llvm::StringLiteral kHostTypeAttrName = "tile.host_type";
/// On a graph result that is state (a KV cache), the index of the graph
/// input it is the next run's value of: both take the same SRAM, so the
/// value stays on the chip between runs.
constexpr llvm::StringLiteral kStateOfAttrName = "tile.state_of";
/// On a tile.matmul or tile.conv: where each constant weight tile its
/// expansion stores goes (getWeightTiles' order): per tile its part count P,
/// then P (slice, address) pairs, its rows dealt one at a time over the
/// parts (so one weight load takes rows from several slices at once).
constexpr llvm::StringLiteral kWeightSRAMAttrName = "tile.weight_sram";
/// On the function: where the identity the expansion streams unit vectors
/// from goes, (slice, address) per part, rows dealt one at a time.
constexpr llvm::StringLiteral kIdentitySRAMAttrName = "tile.identity_sram";

/// The module attribute naming the float type the MXM multiplies in (f32,
/// f16 or bf16: `lpuc --precision`); absent, the target's default.
constexpr llvm::StringLiteral kPrecisionAttrName = "tile.precision";

/// Each weight tile's (slice, address) pairs in a `tile.weight_sram` list,
/// or nothing if the list is malformed.
std::optional<llvm::SmallVector<llvm::ArrayRef<int32_t>>>
splitWeightPlacements(llvm::ArrayRef<int32_t> list);

/// The target of the module enclosing `op` (its `tile.target`), or null
/// with an error at `op` when there is none or it is unknown.
const ::lpu::TargetDesc *getTarget(mlir::Operation *op);

/// The float type `target`'s MXM multiplies by default: the most precise it
/// has (f32, else f16, else bf16), or None if it multiplies no float type.
::lpu::DType getDefaultMXMFloatType(const ::lpu::TargetDesc &target);
/// The --precision name of an MXM float type: fp32, fp16 or bf16 ("none"
/// for any other type).
llvm::StringRef getPrecisionName(::lpu::DType dtype);
/// The float type products of the module enclosing `op` run in on the MXM
/// (its `tile.precision`, else the target's default).
::lpu::DType getMXMFloatType(mlir::Operation *op,
                             const ::lpu::TargetDesc &target);
/// The type `op`'s work on the MXM runs in: i8 when its first operand is an
/// i8 tensor (quantized products, and moving quantized values), bf16 for a
/// transpose that splits f32 values into parts (getMovementParts), else
/// the module's float type.
::lpu::DType getMXMType(mlir::Operation *op, const ::lpu::TargetDesc &target);
/// How many parts a transpose splits f32 values into so that moving them
/// through the MXM keeps every bit: 1 where the MXM multiplies f32, or
/// where every reader is a product that rounds its operands to the
/// module's float type anyway; else 3 bf16 parts (8 significand bits each,
/// with f32's exponent range), whose f32 sum is the value.
int64_t getMovementParts(mlir::Operation *op, const ::lpu::TargetDesc &target);
/// Whether every reader of `value`, through reshapes, is a product that
/// streams or installs it (operand 0 or 1 of a tile.matmul or tile.conv),
/// which rounds it to the product type anyway.
bool onlyProductsRead(mlir::Value value);
/// The K of one install of that type: the input lanes a product's window
/// covers (the target's `mxm.types` rows).
int64_t getMXMRows(mlir::Operation *op, const ::lpu::TargetDesc &target);
/// The cycles a product of `type` holds its plane per row streamed (the
/// target's `mxm.types` cycles; 1 for a type the MXM lacks).
int64_t getMXMRowCycles(::lpu::DType type, const ::lpu::TargetDesc &target);

/// The chain of a map, or the epilogue of a product.
Chain getChain(MapOp op);
Chain getEpilogue(MatMulOp op);
Chain getEpilogue(ConvOp op);
/// The output pixels (N * OH * OW) of a convolution computed as MXM
/// products: all of them, none for a depthwise one on the VXM, or those
/// past `vxm_pixels` when the two share it.
int64_t getMXMPixels(ConvOp op);

/// `constant`, left-padded with dimensions of 1 to rank `rank`, with its
/// dimensions permuted (result dimension d is dimension `perm[d]`) and then
/// given `shape` (the same number of elements; empty: the permuted shape),
/// as a new constant before `builder`'s insertion point; null if its data
/// cannot be read.
mlir::Value permuteConstant(mlir::OpBuilder &builder,
                            mlir::arith::ConstantOp constant, int64_t rank,
                            llvm::ArrayRef<int64_t> perm,
                            llvm::ArrayRef<int64_t> shape = {});

/// Whether `shape` broadcasts (NumPy) to `to`.
bool broadcastsTo(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> to);

/// Whether `operand` (of an NHWC op's epilogue or map) is a constant that is
/// the same for every pixel: one element, or [C] or [1, 1, 1, C] (every
/// dimension but the innermost 1).
bool isPixelInvariantConstant(mlir::Value operand);

/// The value of an f32 constant (of up to a vector's worth of elements)
/// whose elements are all equal.
std::optional<float> getSplatValue(mlir::Value value);

/// The data of `constant` as lane words (one per element, see
/// lpu::readLaneWords), if it can be read.
std::optional<std::vector<uint32_t>>
readConstantWords(mlir::arith::ConstantOp constant);

/// `operand`, a constant, with each element repeated `inner` times and that
/// sequence `outer` times, as a new constant of `shape` (a one-element
/// operand is returned as it is); null if its data cannot be read.
mlir::Value repeatConstant(mlir::OpBuilder &builder, mlir::Location loc,
                           mlir::Value operand, int64_t outer, int64_t inner,
                           llvm::ArrayRef<int64_t> shape);

/// A constant of `type` holding lane words `words`, before `builder`'s
/// insertion point.
mlir::Value constantFromLaneWords(mlir::OpBuilder &builder, mlir::Location loc,
                                  mlir::RankedTensorType type,
                                  llvm::ArrayRef<uint32_t> words);

/// Ends a rewrite that replaces `replaced`'s result by `replacement`: the
/// replacement's op takes over `replaced`'s discardable attributes (layout
/// hints: how the result is stored), the uses move, the ops of `dead` are
/// erased in order (each after its users; `replaced` among them), and so is
/// every constant or transpose that fed them and is left unused.
void replaceAndEraseDead(mlir::Operation *replaced, mlir::Value replacement,
                         llvm::ArrayRef<mlir::Operation *> dead);

} // namespace lpuc::tile

#endif // LPU_DIALECTS_TILE_TILEOPS_H
