//===- ControlFlow.h - If nodes inlined into the graph ----------*- C++ -*-===//
//
// Part of the ONNX loader (built with exceptions; includes ONNX headers).
//
//===----------------------------------------------------------------------===//

#ifndef LPU_COMPILER_IMPORT_CONTROLFLOW_H
#define LPU_COMPILER_IMPORT_CONTROLFLOW_H

#include <onnx/onnx_pb.h>

#include <string>

namespace lpuc::onnx_model {

/// Replaces each If node of `graph` (default domain) by its branches, their
/// values renamed `<node>/then/...` and `<node>/else/...`. A condition the
/// graph holds (an initializer, which --input-value makes of a graph input,
/// or a Constant) keeps the branch it takes; otherwise both are computed and
/// a Where per output picks one, which onnx-fold-constants reduces to one
/// branch where folding finds the condition constant. Nested Ifs are
/// inlined in turn. `inlined` tells whether
/// any was; on failure `error` names the node.
bool inlineIfNodes(onnx::GraphProto &graph, bool &inlined, std::string &error);

} // namespace lpuc::onnx_model

#endif // LPU_COMPILER_IMPORT_CONTROLFLOW_H
