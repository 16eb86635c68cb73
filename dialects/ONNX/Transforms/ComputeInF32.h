//===- ComputeInF32.h - Float values of other widths computed in f32 ------===//
//
// The LPU computes floats in f32. Two passes make a graph's other float
// types f32: onnx-demote-f64 (f64, which the chip cannot hold, on request)
// and onnx-widen-half (f16 and bf16 values that ops compute). They share
// how one op is retyped.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_DIALECTS_ONNX_TRANSFORMS_COMPUTEINF32_H
#define LPU_DIALECTS_ONNX_TRANSFORMS_COMPUTEINF32_H

#include "mlir/IR/Operation.h"

namespace lpuc::onnx {

/// ONNX's numbers for float types (Cast's `to`, EyeLike's `dtype`).
constexpr int64_t kOnnxFloat = 1, kOnnxFloat16 = 10, kOnnxDouble = 11,
                  kOnnxBFloat16 = 16;

/// Whether `type`'s element type is f64 (or, for the other, f16 or bf16).
bool hasF64Elements(mlir::Type type);
bool hasHalfElements(mlir::Type type);

/// `type` with f32 elements if `retyped` accepts it, else `type`.
mlir::Type withF32Elements(mlir::Type type,
                           llvm::function_ref<bool(mlir::Type)> retyped);

/// Makes `op` compute in f32 instead of the float types `retyped` accepts:
/// constants of those types become f32 (f64 rounded to nearest, f16 and
/// bf16 exactly), a Cast's `to` or an EyeLike's `dtype` naming one of
/// `typeNumbers` names float, and results of those types become f32.
/// Fails, with a diagnostic, on a constant it cannot read.
mlir::LogicalResult computeInF32(mlir::Operation *op,
                                 llvm::function_ref<bool(mlir::Type)> retyped,
                                 llvm::ArrayRef<int64_t> typeNumbers);

} // namespace lpuc::onnx

#endif // LPU_DIALECTS_ONNX_TRANSFORMS_COMPUTEINF32_H
