//===- NodeBuilder.h - ONNX nodes written by the loader ---------*- C++ -*-===//
//
// Part of the ONNX loader (built with exceptions; includes ONNX headers).
// The loader writes some nodes as other ONNX nodes (recurrent layers
// unrolled, ReduceProd as products), in forms every opset from 11 reads.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_COMPILER_IMPORT_NODEBUILDER_H
#define LPU_COMPILER_IMPORT_NODEBUILDER_H

#include <onnx/onnx_pb.h>

#include <string>
#include <vector>

namespace lpuc::onnx_model {

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
  std::string concat(const std::vector<std::string> &values, int64_t axis) {
    if (values.size() == 1)
      return values[0];
    std::string out = node("Concat", values);
    intAttribute("axis", axis);
    return out;
  }
  std::string transpose(const std::string &value,
                        const std::vector<int64_t> &perm) {
    std::string out = node("Transpose", {value});
    intsAttribute("perm", perm);
    return out;
  }
  /// Element `index` along axis 0, that axis dropped.
  std::string pick(const std::string &value, int64_t index) {
    std::string out = node("Gather", {value, ints("index", {}, {index})});
    intAttribute("axis", 0);
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
  return node.op_type() == opType &&
         (node.domain().empty() || node.domain() == "ai.onnx");
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

} // namespace lpuc::onnx_model

#endif // LPU_COMPILER_IMPORT_NODEBUILDER_H
