//===- ONNXImporter.h - Build the onnx dialect from a graph -----*- C++ -*-===//

#ifndef LPU_COMPILER_IMPORT_ONNXIMPORTER_H
#define LPU_COMPILER_IMPORT_ONNXIMPORTER_H

#include "compiler/Import/ONNXLoader.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace lpuc {

/// Imports `graph` as `func.func @main` in a new module: graph inputs become
/// arguments, initializers `arith.constant` ops over resource blobs, nodes
/// onnx ops located at their node. Emits a diagnostic and returns null when
/// a node cannot be represented.
/// Whether the onnx dialect has an op of its own for `opType` of the default
/// domain (other nodes import as onnx.Node).
bool hasDedicatedONNXOp(mlir::MLIRContext *context, llvm::StringRef opType);

mlir::OwningOpRef<mlir::ModuleOp>
importONNXGraph(mlir::MLIRContext *context, const onnx_model::Graph &graph,
                llvm::StringRef fileName);

} // namespace lpuc

#endif // LPU_COMPILER_IMPORT_ONNXIMPORTER_H
