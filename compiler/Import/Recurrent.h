//===- Recurrent.h - RNN, GRU and LSTM unrolled into ONNX nodes -*- C++ -*-===//
//
// Part of the ONNX loader (built with exceptions; includes ONNX headers).
//
//===----------------------------------------------------------------------===//

#ifndef LPU_COMPILER_IMPORT_RECURRENT_H
#define LPU_COMPILER_IMPORT_RECURRENT_H

#include <onnx/onnx_pb.h>

#include <map>
#include <string>

namespace lpuc::onnx_model {

/// Replaces each RNN, GRU and LSTM node of `graph` (default domain) by its
/// steps unrolled over the sequence: one product of the whole input with
/// the input weights, then per step and direction a product with the
/// recurrent weights, the gates and the state update, written as ONNX
/// nodes every opset from 11 reads (MatMul, Gather, Slice, Reshape, Concat,
/// element-wise functions). Weights, biases and peepholes must be f32
/// initializers; sequence_lens, if given, a constant equal to the sequence
/// length everywhere. `types` holds the inferred type of every value.
/// `expanded` tells whether any node was; on failure `error` names the node.
bool expandRecurrentNodes(onnx::GraphProto &graph,
                          const std::map<std::string, onnx::TypeProto> &types,
                          bool &expanded, std::string &error);

} // namespace lpuc::onnx_model

#endif // LPU_COMPILER_IMPORT_RECURRENT_H
