//===- ControlFlow.cpp - If nodes inlined into the graph ------------------===//
//
// An LPU program has no branches: every instruction issues at a fixed
// cycle. An If is therefore its two branches side by side and a selection
// of their outputs; onnx-fold-constants keeps only the branch a condition
// known at compile time takes.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/GraphRewrite.h"

#include <map>
#include <optional>
#include <vector>

namespace lpuc::onnx_model {

namespace {

/// How many levels of Ifs within Ifs are inlined.
constexpr int kMaxIfDepth = 8;

/// The condition's value if the graph holds it.
std::optional<bool> constantCondition(const onnx::GraphProto &graph,
                                      const std::string &name) {
  std::optional<int64_t> value =
      constantScalar(graph, name, onnx::TensorProto::BOOL);
  if (!value)
    return std::nullopt;
  return *value != 0;
}

/// Moves one If's branches into `nodes` and `graph`'s initializers and
/// selects their outputs; only the branch `condition` takes if it is known.
bool inlineIf(onnx::NodeProto &node, onnx::GraphProto &graph,
              onnx::GraphProto &nodes, std::optional<bool> condition,
              std::string &error) {
  onnx::GraphProto *branches[2] = {nullptr, nullptr};
  for (onnx::AttributeProto &attr : *node.mutable_attribute()) {
    if (attr.name() == "then_branch")
      branches[0] = attr.mutable_g();
    else if (attr.name() == "else_branch")
      branches[1] = attr.mutable_g();
  }
  if (!branches[0] || !branches[1]) {
    error = "needs then_branch and else_branch";
    return false;
  }
  for (onnx::GraphProto *branch : branches) {
    if (branch->output_size() != node.output_size()) {
      error = "a branch has " + std::to_string(branch->output_size()) +
              " outputs, the node " + std::to_string(node.output_size());
      return false;
    }
    for (const onnx::ValueInfoProto &output : branch->output())
      if (output.type().has_sequence_type() ||
          output.type().has_optional_type() || output.type().has_map_type()) {
        error = "branch output '" + output.name() +
                "' is not a tensor (sequences, maps and optionals are not "
                "supported)";
        return false;
      }
  }
  for (int i = 0; i < node.output_size() && !condition; ++i) {
    auto thenShape = staticDims(branches[0]->output(i).type()),
         elseShape = staticDims(branches[1]->output(i).type());
    if (thenShape && elseShape && *thenShape != *elseShape) {
      error = "output " + std::to_string(i) +
              " has another shape in each branch, and the condition is "
              "known only at run time (fix it with --input-value)";
      return false;
    }
  }
  const char *tags[2] = {"then", "else"};
  for (int b = 0; b < 2; ++b) {
    if (condition && *condition != (b == 0))
      continue;
    const std::string prefix = node.name() + "/" + tags[b] + "/";
    inlineBody(*branches[b], prefix, graph, nodes);
  }
  for (int i = 0; i < node.output_size(); ++i) {
    if (node.output(i).empty())
      continue;
    onnx::NodeProto *select = nodes.add_node();
    select->set_name(node.name() + "/select_" + std::to_string(i));
    if (condition) {
      select->set_op_type("Identity");
      select->add_input(branches[*condition ? 0 : 1]->output(i).name());
    } else {
      select->set_op_type("Where");
      select->add_input(node.input(0));
      select->add_input(branches[0]->output(i).name());
      select->add_input(branches[1]->output(i).name());
    }
    select->add_output(node.output(i));
  }
  return true;
}

} // namespace

bool inlineIfNodes(onnx::GraphProto &graph, bool &inlined, std::string &error) {
  inlined = false;
  // Ifs within branches come back into the node list, named after the
  // branch they were in.
  for (int depth = 0; depth < kMaxIfDepth; ++depth) {
    bool any = false;
    if (!rewriteNodes(
            graph,
            [](const onnx::NodeProto &node) {
              return isDefaultDomainNode(node, "If");
            },
            [&](onnx::NodeProto &node, onnx::GraphProto &nodes) {
              return inlineIf(node, graph, nodes,
                              constantCondition(graph, node.input(0)), error);
            },
            any, error))
      return false;
    inlined |= any;
    if (!any)
      break;
  }
  return true;
}

} // namespace lpuc::onnx_model
