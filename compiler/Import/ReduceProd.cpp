//===- ReduceProd.cpp - ReduceProd as halving products --------------------===//

#include "compiler/Import/GraphRewrite.h"

#include <algorithm>
#include <optional>
#include <vector>

namespace lpuc::onnx_model {

namespace {

bool expandOne(const onnx::NodeProto &node,
               const std::map<std::string, onnx::TypeProto> &types,
               NodeBuilder &b, std::string &error) {
  if (node.input_size() > 1 && !node.input(1).empty()) {
    error = "axes given as an input are not supported";
    return false;
  }
  auto shape = valueDims(types, node.input(0)),
       result = valueDims(types, node.output(0));
  if (!shape || !result) {
    error = "needs static shapes (fix the graph inputs' sizes with --shape)";
    return false;
  }
  const int64_t rank = shape->size();
  std::vector<int64_t> axes;
  if (const onnx::AttributeProto *attr = findAttribute(node, "axes"))
    axes.assign(attr->ints().begin(), attr->ints().end());
  const onnx::AttributeProto *keep = findAttribute(node, "keepdims");
  const bool keepdims = !keep || keep->i() != 0;
  if (axes.empty())
    for (int64_t a = 0; a < rank; ++a)
      axes.push_back(a);
  for (int64_t &axis : axes) {
    if (axis < -rank || axis >= rank) {
      error = "axis " + std::to_string(axis) + " is out of range";
      return false;
    }
    axis = (axis + rank) % rank;
  }
  std::sort(axes.begin(), axes.end());
  axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
  std::string value = node.input(0);
  for (int64_t axis : axes) {
    int64_t n = (*shape)[axis];
    if (n == 0) {
      error = "reduces an empty axis";
      return false;
    }
    // Halves multiplied until one position is left; an odd count's last
    // position joins the products for the next round.
    while (n > 1) {
      const int64_t half = n / 2;
      std::string first = b.slice(value, axis, 0, half);
      std::string products = b.mul(first, b.slice(value, axis, half, half));
      if (n % 2)
        products =
            b.concat({products, b.slice(value, axis, 2 * half, 1)}, axis);
      value = products;
      n = half + n % 2;
    }
  }
  if (!keepdims)
    value = b.reshape(value, *result);
  b.node("Identity", {value}, node.output(0));
  return true;
}

} // namespace

bool expandReduceProd(onnx::GraphProto &graph,
                      const std::map<std::string, onnx::TypeProto> &types,
                      bool &expanded, std::string &error) {
  return rewriteNodes(
      graph,
      [](const onnx::NodeProto &node) {
        return isDefaultDomainNode(node, "ReduceProd");
      },
      [&](const onnx::NodeProto &node, onnx::GraphProto &nodes) {
        NodeBuilder builder(graph, nodes, node.name());
        return expandOne(node, types, builder, error);
      },
      expanded, error);
}

} // namespace lpuc::onnx_model
