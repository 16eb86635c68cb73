//===- ONNXOps.h - The onnx dialect -----------------------------*- C++ -*-===//

#ifndef LPU_DIALECTS_ONNX_ONNXOPS_H
#define LPU_DIALECTS_ONNX_ONNXOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Traits.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/ONNX/ONNXDialect.h.inc"

#define GET_OP_CLASSES
#include "dialects/ONNX/ONNXOps.h.inc"

namespace lpuc::onnx {

/// The ONNX operator type of an op of this dialect ("Gemm", or the op_type of
/// an onnx.Node).
llvm::StringRef getOperatorType(mlir::Operation *op);

/// The name of graph input (or output) `index` of an imported graph: its
/// `onnx.name`, or "input<i>" / "output<i>".
std::string getGraphIOName(mlir::FunctionOpInterface graph, unsigned index,
                           bool isInput);

/// A shape as diagnostics write it: "2x3x4" ("" for a scalar).
std::string formatShape(llvm::ArrayRef<int64_t> shape);

/// The node name an op was imported from, from its location ("" if none).
llvm::StringRef getNodeName(mlir::Location loc);

/// Builds the location the importer gives a node: its name, wrapping the
/// operator type and the model file.
mlir::Location getNodeLocation(mlir::MLIRContext *context,
                               llvm::StringRef nodeName, llvm::StringRef opType,
                               llvm::StringRef file);

/// The elements of an integer constant (arith.constant of any integer
/// type, dense or a resource blob), or nothing if `value` is not one.
std::optional<llvm::SmallVector<int64_t>>
getConstantIntegers(mlir::Value value);

/// A Slice's bounds with ONNX's rules applied (negative positions counted
/// from the end, clamping, default axes and steps): along each axis of the
/// data, the first position, the step and the number of positions taken.
struct SliceBounds {
  llvm::SmallVector<int64_t> start, step, size;
};
/// Fails with a message in `error` for a zero step, a repeated or
/// out-of-range axis, or mismatched lengths.
mlir::FailureOr<SliceBounds> getSliceBounds(
    llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> starts,
    llvm::ArrayRef<int64_t> ends, std::optional<llvm::ArrayRef<int64_t>> axes,
    std::optional<llvm::ArrayRef<int64_t>> steps, std::string &error);

/// The bounds of a Slice op whose data shape is static and whose starts,
/// ends, axes and steps are constants; emits an error naming what is not,
/// unless `emitErrors` is false.
mlir::FailureOr<SliceBounds> getSliceBounds(SliceOp op, bool emitErrors = true);

} // namespace lpuc::onnx

#endif // LPU_DIALECTS_ONNX_ONNXOPS_H
