//===- GraphRewrite.h - What the loader's graph rewrites share --*- C++ -*-===//
//
// Part of the ONNX loader (built with exceptions; includes ONNX headers).
// The loader rewrites the ONNX graph before the lowering sees it (older
// opsets, If inlined, recurrent layers unrolled, ReduceProd as products,
// function ops expanded); these are the pieces those rewrites share: a
// builder of nodes in forms every opset from 11 reads, the walk over a
// graph and its subgraphs, and readers of attributes, shapes and tensors.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_COMPILER_IMPORT_GRAPHREWRITE_H
#define LPU_COMPILER_IMPORT_GRAPHREWRITE_H

#include "compiler/Import/ONNXLoader.h"

#include <onnx/onnx_pb.h>

#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lpuc::onnx_model {

/// Decodes `proto` as the loader decodes initializers (raw or typed data,
/// sizes checked; external data refused).
bool convertTensor(const onnx::TensorProto &proto, Tensor &tensor,
                   std::string &error);

/// The elements of `tensor` as T, if its data type is `dataType`.
template <typename T>
std::optional<std::vector<T>> tensorElements(const onnx::TensorProto &tensor,
                                             int32_t dataType) {
  Tensor decoded;
  std::string ignored;
  if (tensor.data_type() != dataType ||
      !convertTensor(tensor, decoded, ignored))
    return std::nullopt;
  std::vector<T> values(decoded.data.size() / sizeof(T));
  std::memcpy(values.data(), decoded.data.data(), values.size() * sizeof(T));
  return values;
}

/// The attribute of `node` named `name`, if it has one.
inline const onnx::AttributeProto *findAttribute(const onnx::NodeProto &node,
                                                 const std::string &name) {
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

/// An INTS attribute of `node`, or `count` copies of `fallback` if it has
/// none.
inline std::vector<int64_t> intsOr(const onnx::NodeProto &node,
                                   const std::string &name, size_t count,
                                   int64_t fallback) {
  if (const onnx::AttributeProto *attr = findAttribute(node, name))
    return {attr->ints().begin(), attr->ints().end()};
  return std::vector<int64_t>(count, fallback);
}

/// The dims of a tensor type, if every one is known.
inline std::optional<std::vector<int64_t>>
staticDims(const onnx::TypeProto &type) {
  if (!type.has_tensor_type() || !type.tensor_type().has_shape())
    return std::nullopt;
  std::vector<int64_t> dims;
  for (const auto &dim : type.tensor_type().shape().dim()) {
    if (!dim.has_dim_value())
      return std::nullopt;
    dims.push_back(dim.dim_value());
  }
  return dims;
}

/// The dims of value `name`'s type in `types`, if every one is known.
inline std::optional<std::vector<int64_t>>
valueDims(const std::map<std::string, onnx::TypeProto> &types,
          const std::string &name) {
  auto it = types.find(name);
  if (it == types.end())
    return std::nullopt;
  return staticDims(it->second);
}

/// Calls `visit(graph)` on `root` and on every subgraph its nodes hold
/// (If branches, Loop bodies), without recursion.
template <typename Visit>
void forEachGraph(onnx::GraphProto &root, Visit visit) {
  std::vector<onnx::GraphProto *> graphs = {&root};
  while (!graphs.empty()) {
    onnx::GraphProto *graph = graphs.back();
    graphs.pop_back();
    visit(*graph);
    for (onnx::NodeProto &node : *graph->mutable_node())
      for (onnx::AttributeProto &attr : *node.mutable_attribute()) {
        if (attr.has_g())
          graphs.push_back(attr.mutable_g());
        for (onnx::GraphProto &g : *attr.mutable_graphs())
          graphs.push_back(&g);
      }
  }
}

/// Moves `body` (an If branch, one iteration of a loop body) into the
/// graph: every value it defines (initializers and node outputs) is renamed
/// `prefix` + its name and every value named in `renamed` (the body's
/// inputs) takes the name it maps to, wherever the body and the subgraphs
/// it holds read them and in its outputs; its initializers join `graph`'s
/// and its nodes, named `prefix` + their name (or `<operator>_<index>`),
/// are appended to `nodes`. Afterwards `body`'s outputs name the values
/// they became.
inline void inlineBody(onnx::GraphProto &body, const std::string &prefix,
                       onnx::GraphProto &graph, onnx::GraphProto &nodes,
                       std::map<std::string, std::string> renamed = {}) {
  for (onnx::TensorProto &initializer : *body.mutable_initializer()) {
    renamed[initializer.name()] = prefix + initializer.name();
    initializer.set_name(prefix + initializer.name());
  }
  for (onnx::NodeProto &node : *body.mutable_node())
    for (std::string &output : *node.mutable_output())
      if (!output.empty()) {
        renamed[output] = prefix + output;
        output = prefix + output;
      }
  auto rename = [&](std::string &name) {
    auto it = renamed.find(name);
    if (it != renamed.end())
      name = it->second;
  };
  forEachGraph(body, [&](onnx::GraphProto &subgraph) {
    for (onnx::NodeProto &node : *subgraph.mutable_node())
      for (std::string &input : *node.mutable_input())
        rename(input);
    for (onnx::ValueInfoProto &output : *subgraph.mutable_output())
      rename(*output.mutable_name());
  });
  for (onnx::TensorProto &initializer : *body.mutable_initializer())
    graph.add_initializer()->Swap(&initializer);
  for (int k = 0; k < body.node_size(); ++k) {
    onnx::NodeProto &inner = *body.mutable_node(k);
    inner.set_name(prefix + (inner.name().empty()
                                 ? inner.op_type() + "_" + std::to_string(k)
                                 : inner.name()));
    nodes.add_node()->Swap(&inner);
  }
}

/// The tensor `graph` holds as value `name`: an initializer (which
/// --input-value makes of a graph input) or a Constant node's value.
inline const onnx::TensorProto *findConstant(const onnx::GraphProto &graph,
                                             const std::string &name) {
  for (const onnx::TensorProto &initializer : graph.initializer())
    if (initializer.name() == name)
      return &initializer;
  for (const onnx::NodeProto &node : graph.node())
    if (node.op_type() == "Constant" && node.output_size() == 1 &&
        node.output(0) == name)
      for (const onnx::AttributeProto &attr : node.attribute())
        if (attr.name() == "value" && attr.has_t())
          return &attr.t();
  return nullptr;
}

/// The value of the one-element int64 or bool tensor (`dataType`) `graph`
/// holds as `name` (see findConstant), if it holds one.
inline std::optional<int64_t> constantScalar(const onnx::GraphProto &graph,
                                             const std::string &name,
                                             int32_t dataType) {
  const onnx::TensorProto *tensor = findConstant(graph, name);
  if (!tensor)
    return std::nullopt;
  std::optional<std::vector<int64_t>> values;
  if (dataType == onnx::TensorProto::BOOL) {
    if (auto bytes = tensorElements<uint8_t>(*tensor, dataType))
      values.emplace(bytes->begin(), bytes->end());
  } else {
    values = tensorElements<int64_t>(*tensor, dataType);
  }
  if (!values || values->size() != 1)
    return std::nullopt;
  return values->front();
}

/// Appends nodes to `nodes` and initializers to `graph` for the expansion of
/// one node; every name it makes starts with `prefix` (the node's name).
class NodeBuilder {
public:
  NodeBuilder(onnx::GraphProto &graph, onnx::GraphProto &nodes,
              const std::string &prefix)
      : graph(graph), nodes(nodes), prefix(prefix) {}

  /// A node of `op` over `inputs`; returns its (only) output.
  std::string node(const std::string &op,
                   const std::vector<std::string> &inputs,
                   const std::string &output = "") {
    onnx::NodeProto *node = nodes.add_node();
    node->set_op_type(op);
    node->set_name(fresh(op));
    for (const std::string &input : inputs)
      node->add_input(input);
    node->add_output(output.empty() ? node->name() : output);
    last = node;
    return node->output(0);
  }
  void intAttribute(const std::string &name, int64_t value) {
    onnx::AttributeProto *attr = last->add_attribute();
    attr->set_name(name);
    attr->set_type(onnx::AttributeProto::INT);
    attr->set_i(value);
  }
  void stringAttribute(const std::string &name, const std::string &value) {
    onnx::AttributeProto *attr = last->add_attribute();
    attr->set_name(name);
    attr->set_type(onnx::AttributeProto::STRING);
    attr->set_s(value);
  }
  void intsAttribute(const std::string &name,
                     const std::vector<int64_t> &values) {
    onnx::AttributeProto *attr = last->add_attribute();
    attr->set_name(name);
    attr->set_type(onnx::AttributeProto::INTS);
    for (int64_t v : values)
      attr->add_ints(v);
  }
  std::string floats(const std::string &what, const std::vector<int64_t> &dims,
                     const std::vector<float> &values) {
    return initializer(what, onnx::TensorProto::FLOAT, dims, values);
  }
  std::string ints(const std::string &what, const std::vector<int64_t> &dims,
                   const std::vector<int64_t> &values) {
    return initializer(what, onnx::TensorProto::INT64, dims, values);
  }
  /// A bool scalar.
  std::string boolean(const std::string &what, bool value) {
    return booleans(what, {}, {value});
  }
  std::string booleans(const std::string &what,
                       const std::vector<int64_t> &dims,
                       const std::vector<uint8_t> &values) {
    return initializer(what, onnx::TensorProto::BOOL, dims, values);
  }

  std::string matMul(const std::string &a, const std::string &b) {
    return node("MatMul", {a, b});
  }
  std::string add(const std::string &a, const std::string &b) {
    return node("Add", {a, b});
  }
  std::string mul(const std::string &a, const std::string &b) {
    return node("Mul", {a, b});
  }
  /// Positions [first, first + count) of `value` along `axis`.
  std::string slice(const std::string &value, int64_t axis, int64_t first,
                    int64_t count) {
    return node("Slice",
                {value, ints("start", {1}, {first}),
                 ints("end", {1}, {first + count}), ints("axis", {1}, {axis})});
  }
  /// Columns [first, first + count) of a [batch, width] value.
  std::string columns(const std::string &value, int64_t first, int64_t count) {
    return slice(value, 1, first, count);
  }
  std::string reshape(const std::string &value,
                      const std::vector<int64_t> &shape) {
    return node("Reshape",
                {value, ints("shape", {int64_t(shape.size())}, shape)});
  }
  std::string concat(const std::vector<std::string> &values, int64_t axis,
                     const std::string &output = "") {
    if (values.size() == 1 && output.empty())
      return values[0];
    if (values.size() == 1)
      return node("Identity", values, output);
    std::string out = node("Concat", values, output);
    intAttribute("axis", axis);
    return out;
  }
  std::string transpose(const std::string &value,
                        const std::vector<int64_t> &perm) {
    std::string out = node("Transpose", {value});
    intsAttribute("perm", perm);
    return out;
  }
  /// Element `index` along `axis`, that axis dropped.
  std::string pick(const std::string &value, int64_t index, int64_t axis = 0) {
    std::string out = node("Gather", {value, ints("index", {}, {index})});
    intAttribute("axis", axis);
    return out;
  }
  /// `value` with a new axis of size 1 at `axis`, as `opset` writes it
  /// (axes an attribute before 13, an input from 13).
  std::string unsqueeze(const std::string &value, int64_t axis, int64_t opset) {
    if (opset >= 13)
      return node("Unsqueeze", {value, ints("axes", {1}, {axis})});
    std::string out = node("Unsqueeze", {value});
    intsAttribute("axes", {axis});
    return out;
  }

private:
  template <typename T>
  std::string initializer(const std::string &what, int32_t type,
                          const std::vector<int64_t> &dims,
                          const std::vector<T> &values) {
    onnx::TensorProto *tensor = graph.add_initializer();
    tensor->set_name(fresh(what));
    tensor->set_data_type(type);
    for (int64_t d : dims)
      tensor->add_dims(d);
    tensor->set_raw_data(values.data(), values.size() * sizeof(T));
    return tensor->name();
  }
  std::string fresh(const std::string &what) {
    return prefix + "/" + what + "_" + std::to_string(counter++);
  }

  onnx::GraphProto &graph;
  onnx::GraphProto &nodes;
  std::string prefix;
  onnx::NodeProto *last = nullptr;
  int64_t counter = 0;
};

/// Whether `node` is of `opType` in the default domain.
inline bool isDefaultDomainNode(const onnx::NodeProto &node,
                                const char *opType) {
  return node.op_type() == opType && isDefaultDomain(node.domain());
}

/// Rebuilds `graph`'s node list in order: a node `matches` accepts is named
/// if it has no name (`<operator>_<index>`, as the loader names nodes) and
/// handed to `rewrite(node, nodes)`, which appends what replaces it to
/// `nodes`; others are kept. `rewritten` tells whether any node was; a
/// failed rewrite's `error` is prefixed with the node and operator.
template <typename Matches, typename Rewrite>
bool rewriteNodes(onnx::GraphProto &graph, Matches matches, Rewrite rewrite,
                  bool &rewritten, std::string &error) {
  rewritten = false;
  onnx::GraphProto rebuilt;
  for (int n = 0; n < graph.node_size(); ++n) {
    onnx::NodeProto &node = *graph.mutable_node(n);
    if (!matches(node)) {
      rebuilt.add_node()->Swap(&node);
      continue;
    }
    if (node.name().empty())
      node.set_name(node.op_type() + "_" + std::to_string(n));
    if (!rewrite(node, rebuilt)) {
      error = "node '" + node.name() + "' (" + node.op_type() + "): " + error;
      return false;
    }
    rewritten = true;
  }
  graph.mutable_node()->Swap(rebuilt.mutable_node());
  return true;
}

//===----------------------------------------------------------------------===//
// The rewrites (ControlFlow.cpp, Recurrent.cpp, ReduceProd.cpp)
//===----------------------------------------------------------------------===//

/// Replaces each If node of `graph` (default domain) by its branches, their
/// values renamed `<node>/then/...` and `<node>/else/...`. A condition the
/// graph holds (an initializer, which --input-value makes of a graph input,
/// or a Constant) keeps the branch it takes; otherwise both are computed and
/// a Where per output picks one, which onnx-fold-constants reduces to one
/// branch where folding finds the condition constant. Nested Ifs are
/// inlined in turn. `inlined` tells whether any was; on failure `error`
/// names the node.
bool inlineIfNodes(onnx::GraphProto &graph, bool &inlined, std::string &error);

/// Replaces each Loop and Scan node of `graph` (default domain) by its body
/// repeated once per iteration, its values renamed `<node>/<iteration>/...`,
/// the loop-carried values passed from one copy to the next and the scan
/// outputs concatenated. A Loop needs a trip count the graph holds (an
/// initializer or Constant; --input-value makes one of a graph input), an
/// initial condition that is absent or true, and a body whose condition
/// output is its condition input or true: a trip count that depends on
/// values computed at run time is refused. A Scan's trip count is its scan
/// inputs' length. Subgraphs in a body come to the top level with it; the
/// loader unrolls again. `types` holds the inferred type of every value,
/// `opset` the graph's; `unrolled` tells whether any node was.
bool unrollLoops(onnx::GraphProto &graph,
                 const std::map<std::string, onnx::TypeProto> &types,
                 int64_t opset, bool &unrolled, std::string &error);

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

/// Replaces each Conv, MaxPool and AveragePool node of `graph` (default
/// domain) whose input is 5-D ([N, C, D, H, W]) by 2-D ones: the input,
/// padded along depth, cut into one strided slice per depth tap with the
/// depths folded into the batch, each through the 2-D node (a convolution
/// with that tap's weights), the taps summed (a convolution, an average,
/// scaled per output depth) or their maximum taken. `types` holds the
/// inferred type of every value; `expanded` tells whether any node was.
bool expandVolumetricNodes(onnx::GraphProto &graph,
                           const std::map<std::string, onnx::TypeProto> &types,
                           bool &expanded, std::string &error);

/// Replaces each MaxPool node of `graph` (default domain, 2-D) whose
/// Indices output is read by the pool and, per window tap, a comparison of
/// the tap with the pooled maximum choosing the tap's flat input index
/// (row-major, or column-major within a plane for storage_order 1): the
/// first tap in window order that holds the maximum, as ONNX's reference
/// gives. `types` holds the inferred type of every value.
bool expandMaxPoolIndices(onnx::GraphProto &graph,
                          const std::map<std::string, onnx::TypeProto> &types,
                          bool &expanded, std::string &error);

/// Replaces each ReduceProd node of `graph` (default domain, axes as an
/// attribute: opsets up to 17) by products of halves: along each reduced
/// axis, its first half times its second (an odd count's last position
/// joining the products) until one position is left; a Reshape drops the
/// axes when keepdims is 0. The VXM has no multiplying reduction, and the
/// halving keeps the depth of the products logarithmic. `types` holds the
/// inferred type of every value; `expanded` tells whether any node was.
bool expandReduceProd(onnx::GraphProto &graph,
                      const std::map<std::string, onnx::TypeProto> &types,
                      bool &expanded, std::string &error);

} // namespace lpuc::onnx_model

#endif // LPU_COMPILER_IMPORT_GRAPHREWRITE_H
