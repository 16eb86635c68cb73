//===- ONNXLoader.h - Load, check and shape-infer an ONNX model -*- C++ -*-===//
//
// The only code that touches libonnx and protobuf. It is built with
// exceptions, catches every one of them, and hands the graph over as plain
// C++ data, so no ONNX or protobuf type crosses into MLIR code.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_COMPILER_IMPORT_ONNXLOADER_H
#define LPU_COMPILER_IMPORT_ONNXLOADER_H

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace lpuc::onnx_model {

/// Element types use ONNX TensorProto.DataType numbers.
enum DataType : int32_t {
  kUndefined = 0,
  kFloat = 1,
  kUInt8 = 2,
  kInt8 = 3,
  kUInt16 = 4,
  kInt16 = 5,
  kInt32 = 6,
  kInt64 = 7,
  kString = 8,
  kBool = 9,
  kFloat16 = 10,
  kDouble = 11,
  kUInt32 = 12,
  kUInt64 = 13,
  kBFloat16 = 16,
};

/// Byte width of one element, or 0 for types without a fixed width.
unsigned elementByteWidth(int32_t dataType);

/// Whether `domain` names ONNX's default operator set ("" or "ai.onnx").
inline bool isDefaultDomain(const std::string &domain) {
  return domain.empty() || domain == "ai.onnx";
}

struct Tensor {
  std::string name;
  int32_t dataType = kUndefined;
  std::vector<int64_t> dims;
  /// Little-endian element data, `elementByteWidth` bytes per element.
  std::vector<char> data;
};

struct Attribute {
  enum Kind { Float, Int, String, TensorValue, Floats, Ints, Strings, Other };
  std::string name;
  Kind kind = Other;
  float f = 0;
  int64_t i = 0;
  std::string s;
  Tensor t;
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<std::string> strings;
};

struct Node {
  std::string name;
  std::string opType;
  std::string domain;
  std::vector<std::string> inputs; // "" marks an omitted optional input
  std::vector<std::string> outputs;
  std::vector<Attribute> attributes;
};

/// A value's type after shape inference. A dimension of -1 is unknown.
struct ValueType {
  int32_t dataType = kUndefined;
  bool hasShape = false;
  std::vector<int64_t> dims;
};

struct ValueInfo {
  std::string name;
  ValueType type;
};

struct Graph {
  std::string name;
  int64_t opsetVersion = 0;
  std::string producer;
  std::vector<ValueInfo> inputs; // initializers excluded
  std::vector<ValueInfo> outputs;
  std::vector<Tensor> initializers;
  std::vector<Node> nodes;
  /// Inferred type of every value that shape inference could type.
  std::map<std::string, ValueType> valueTypes;
};

struct LoadOptions {
  /// Static shapes for inputs, replacing whatever the model declares.
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// Graph inputs whose values are fixed at compile time: name -> path of a
  /// serialized TensorProto (.pb, the ONNX test-data format). The input
  /// becomes an initializer, so shape inference and folding see its values.
  std::map<std::string, std::string> inputValues;
  /// Whether the lowering has its own op for an operator of the default
  /// domain. Nodes of other operators that ONNX defines as functions of
  /// simpler ones (SoftmaxCrossEntropyLoss, NegativeLogLikelihoodLoss,
  /// CastLike, Celu, MeanVarianceNormalization...) are replaced by their
  /// function bodies, which libonnx builds for the node's attributes and
  /// input types. Unset: every node is kept.
  std::function<bool(const std::string &opType)> hasDedicatedOp;
};

/// Reads `path`, runs the ONNX checker and strict shape inference, and
/// converts the graph. On failure returns false with a one-line `error`
/// that names the file and, where it can, the node or input at fault.
bool loadModel(const std::string &path, const LoadOptions &options,
               Graph &graph, std::string &error);

} // namespace lpuc::onnx_model

#endif // LPU_COMPILER_IMPORT_ONNXLOADER_H
