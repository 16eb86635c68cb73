//===- ReduceProd.h - ReduceProd as halving products ------------*- C++ -*-===//
//
// Part of the ONNX loader (built with exceptions; includes ONNX headers).
//
//===----------------------------------------------------------------------===//

#ifndef LPU_COMPILER_IMPORT_REDUCEPROD_H
#define LPU_COMPILER_IMPORT_REDUCEPROD_H

#include <onnx/onnx_pb.h>

#include <map>
#include <string>

namespace lpuc::onnx_model {

/// Replaces each ReduceProd node of `graph` (default domain, axes as an
/// attribute: opsets up to 17) by products of halves: along each reduced
/// axis, the input padded with ones to a power of two, then its first half
/// times its second until one position is left; a Reshape drops the axes
/// when keepdims is 0. The VXM has no multiplying reduction, and the
/// halving keeps the depth of the products logarithmic. `types` holds the
/// inferred type of every value; `expanded` tells whether any node was.
bool expandReduceProd(onnx::GraphProto &graph,
                      const std::map<std::string, onnx::TypeProto> &types,
                      bool &expanded, std::string &error);

} // namespace lpuc::onnx_model

#endif // LPU_COMPILER_IMPORT_REDUCEPROD_H
