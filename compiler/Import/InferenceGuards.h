//===- InferenceGuards.h - Checks ONNX's shape inference relies on -*- C++ -*-//
//
// ONNX 1.12's shape inference functions trust some attribute values: a
// stride of 0 divides by zero in Conv's, an axis far out of range indexes
// past a shape in LayerNormalization's. Guarding the schemas makes those
// nodes fail inference with a message naming them instead of crashing lpuc.
// The same holds for the version converter's adapters.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_COMPILER_IMPORT_INFERENCEGUARDS_H
#define LPU_COMPILER_IMPORT_INFERENCEGUARDS_H

#include <cstdint>
#include <string>

namespace onnx {
class GraphProto;
} // namespace onnx

namespace lpuc::onnx_model {

/// Wraps the inference function of every ONNX schema (all versions) whose
/// inference trusts an attribute with a check of that attribute; a failed
/// check is an ONNX inference error on the node. Idempotent and thread-safe;
/// loadModel calls it before any inference runs.
void guardShapeInference();

/// What ONNX 1.12's version converter reads without checking, when it
/// brings `graph` from `opset` on: Gemm_6_7 indexes the declared shapes of
/// A and B as matrices. False with `error` naming the node otherwise.
bool checkVersionConverterInputs(onnx::GraphProto &graph, int64_t opset,
                                 std::string &error);

} // namespace lpuc::onnx_model

#endif // LPU_COMPILER_IMPORT_INFERENCEGUARDS_H
