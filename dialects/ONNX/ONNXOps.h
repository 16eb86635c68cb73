//===- ONNXOps.h - The onnx dialect -----------------------------*- C++ -*-===//

#ifndef LPU_DIALECTS_ONNX_ONNXOPS_H
#define LPU_DIALECTS_ONNX_ONNXOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Traits.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/ONNX/ONNXDialect.h.inc"

#define GET_OP_CLASSES
#include "dialects/ONNX/ONNXOps.h.inc"

namespace lpuc::onnx {

/// The ONNX operator type of an op of this dialect ("Gemm", or the op_type of
/// an onnx.Node).
llvm::StringRef getOperatorType(mlir::Operation *op);

/// The node name an op was imported from, from its location ("" if none).
llvm::StringRef getNodeName(mlir::Location loc);

/// Builds the location the importer gives a node: its name, wrapping the
/// operator type and the model file.
mlir::Location getNodeLocation(mlir::MLIRContext *context,
                               llvm::StringRef nodeName, llvm::StringRef opType,
                               llvm::StringRef file);

} // namespace lpuc::onnx

#endif // LPU_DIALECTS_ONNX_ONNXOPS_H
