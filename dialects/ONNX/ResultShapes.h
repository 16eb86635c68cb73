//===- ResultShapes.h - Static result shapes of onnx ops --------*- C++ -*-===//
//
// ONNX shape inference runs at import, before constants are folded, so a
// result whose shape depends on a computed value (a Resize to the size of
// another tensor, a Reshape to a Shape-derived target) stays dynamic, and so
// does everything downstream of it. These rules give such results their
// static shape once the operands have one and the inputs that fix the shape
// are constants.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_DIALECTS_ONNX_RESULTSHAPES_H
#define LPU_DIALECTS_ONNX_RESULTSHAPES_H

#include "mlir/IR/Operation.h"

#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace lpuc::onnx {

/// NumPy broadcasting of two shapes, if they are compatible.
std::optional<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b);

/// The static shape of `op`'s first result, computed from its operands'
/// static shapes, its attributes and its constant inputs; nothing when one
/// of those is unknown or the op has no rule here.
std::optional<llvm::SmallVector<int64_t>> inferResultShape(mlir::Operation *op);

} // namespace lpuc::onnx

#endif // LPU_DIALECTS_ONNX_RESULTSHAPES_H
