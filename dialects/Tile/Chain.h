//===- Chain.h - Element-wise chains of tile ops ----------------*- C++ -*-===//
//
// An element-wise chain is a list of steps applied to one running value per
// element: an operand starts it, later operands combine into it, and lane
// functions apply to it. tile.map is a chain; tile.matmul and tile.conv end
// with one (their epilogue, whose running value starts as the product). The
// VXM computes a chain vector by vector, on the streams, in one trip.
//
// In ops, a chain is two attributes: `steps` (kind and operand index per
// step) and `factors` (one per step).
//
//===----------------------------------------------------------------------===//

#ifndef LPU_DIALECTS_TILE_CHAIN_H
#define LPU_DIALECTS_TILE_CHAIN_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/OpImplementation.h"

#include <optional>

namespace lpuc::tile {

enum class StepKind : int32_t {
  // Operand steps: `First` starts the chain, the rest combine into it.
  First,
  Add,
  Sub,
  Mul,
  Max,
  Min,
  Div,
  Pow,
  Equal,
  Less,
  Greater,
  Mod,  // the remainder with the divisor's sign (floored; ONNX Mod)
  FMod, // the remainder with the dividend's sign (truncated; C fmod)
  // Lane functions.
  Relu,
  Abs,
  Exp,
  Log,
  Tanh,
  Sigmoid,
  Erf,
  Sqrt,
  Reciprocal,
  Scale,   // times `factor`
  RoundI8, // to the nearest integer (ties to even), saturated to [-128, 127]:
           // what writing an i8 result does, so a chain can go on from it
  // Between the float and integer lanes a chain computes in. A chain runs
  // in the type of its first operand (i8 read as f32); later operands are
  // converted to the running type, so integer chains take 0 / 1 booleans.
  ToF32,    // an integer as the nearest f32
  TruncI32, // a float toward zero, saturated to i32 (ONNX Cast)
  RoundI32, // a float to the nearest i32, halves to even, saturated
};

/// What a chain holds in the lanes where every operand holds zero (past a
/// row's width): a zero of either sign, some finite value, or perhaps not
/// a number at all. Only zeros may be written back as padding.
enum class Padding { Zero, Finite, Any };

struct ChainStep;
/// Whether the expansion guards `step` against the infinities its padding
/// would otherwise become: before a reciprocal or logarithm of zero
/// padding, and before a division by an operand (whose padding is zero), it
/// adds a vector of -0 in the row's lanes and 1 past them (to the value, or
/// to the divisor), which changes no element and makes the padding 1.
bool guardsPadding(const ChainStep &step, Padding before,
                   std::optional<float> immediate = std::nullopt);

/// The padding after `step` from the padding before it (guarded as
/// guardsPadding says). The operand holds zeros there, unless the step
/// multiplies or divides by `immediate` (an operand of equal elements,
/// times its factor) in every lane.
Padding paddingAfter(const ChainStep &step, Padding before,
                     std::optional<float> immediate = std::nullopt);

/// Whether `step` never gives a smaller result for a larger running value,
/// element by element, with its operand (one of `operands`) held fixed:
/// adds, subtractions, max, min, relu, round_i8, and scales, products and
/// quotients by finite constants at least zero (quotients: above zero). The
/// VXM's rounding keeps that order.
bool preservesOrder(const ChainStep &step, mlir::ValueRange operands);

struct ChainStep {
  StepKind kind = StepKind::First;
  int32_t operand = -1; // operand steps: which input
  float factor = 1.0f;  // operand steps: the operand's factor; Scale: its own

  static ChainStep operandStep(int32_t operand, StepKind kind = StepKind::First,
                               float factor = 1.0f) {
    return {kind, operand, factor};
  }
  static ChainStep apply(StepKind kind, float factor = 1.0f) {
    return {kind, -1, factor};
  }
  bool isOperand() const { return kind <= StepKind::FMod; }
  bool operator==(const ChainStep &o) const {
    return kind == o.kind && operand == o.operand && factor == o.factor;
  }
};

using Chain = llvm::SmallVector<ChainStep, 4>;

/// The chain stored in a pair of `steps` / `factors` attributes.
Chain getChain(llvm::ArrayRef<int32_t> steps, llvm::ArrayRef<float> factors);
/// The attributes that store `chain`.
std::pair<mlir::DenseI32ArrayAttr, mlir::DenseF32ArrayAttr>
getChainAttrs(mlir::Builder &builder, llvm::ArrayRef<ChainStep> chain);

/// The keyword of a step kind in the printed form ("in", "add", "relu" ...).
llvm::StringRef stringifyStepKind(StepKind kind);
std::optional<StepKind> symbolizeStepKind(llvm::StringRef keyword);

/// Checks a chain's structure: a tile.map's starts with exactly one
/// `First` step (`isEpilogue` false); an epilogue has none. Operand indices
/// must be below `numOperands`.
mlir::LogicalResult verifyChain(mlir::Operation *op,
                                llvm::ArrayRef<ChainStep> chain,
                                unsigned numOperands, bool isEpilogue);

} // namespace lpuc::tile

// The `custom<Chain>($steps, $factors)` assembly directive:
// `[in0, add in1 * 0.5, relu, scale 2.0]`.
mlir::ParseResult parseChain(mlir::OpAsmParser &parser,
                             mlir::DenseI32ArrayAttr &steps,
                             mlir::DenseF32ArrayAttr &factors);
void printChain(mlir::OpAsmPrinter &printer, mlir::Operation *op,
                mlir::DenseI32ArrayAttr steps, mlir::DenseF32ArrayAttr factors);

#endif // LPU_DIALECTS_TILE_CHAIN_H
