//===- Loops.cpp - Loop and Scan nodes unrolled ---------------------------===//
//
// An LPU program is straight-line code whose every instruction has a fixed
// cycle, so a loop with a trip count known at compile time is its body
// written out once per iteration: loop-carried values flow from one copy
// to the next, scan outputs are the copies' values stacked along an axis.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/GraphRewrite.h"

#include <algorithm>

namespace lpuc::onnx_model {

namespace {

using Types = std::map<std::string, onnx::TypeProto>;

/// Iterations times body nodes that unrolling may write: past it, a loop
/// is refused rather than grown into a graph no compile would finish.
constexpr int64_t kMaxUnrolledNodes = 200000;

/// A loop's body graph, and the graph's nodes renamed for one iteration.
class Unroller {
public:
  Unroller(onnx::NodeProto &node, onnx::GraphProto &graph,
           onnx::GraphProto &nodes, int64_t opset)
      : node(node), graph(graph), nodes(nodes), opset(opset),
        builder(graph, nodes, node.name()) {}

  /// Appends iteration `iteration` of `body` with its inputs bound to
  /// `inputs` (outer value names, in the body's input order); returns the
  /// names of its outputs.
  std::vector<std::string> iterate(const onnx::GraphProto &body,
                                   int64_t iteration,
                                   const std::vector<std::string> &inputs) {
    onnx::GraphProto copy = body;
    const std::string prefix =
        node.name() + "/" + std::to_string(iteration) + "/";
    std::map<std::string, std::string> bound;
    for (int i = 0; i < copy.input_size(); ++i)
      bound[copy.input(i).name()] = inputs[i];
    inlineBody(copy, prefix, graph, nodes, bound);
    std::vector<std::string> outputs;
    for (const onnx::ValueInfoProto &output : copy.output())
      outputs.push_back(output.name());
    return outputs;
  }

  /// Node output `index` is `value`.
  void output(int index, const std::string &value) {
    if (!node.output(index).empty())
      builder.node("Identity", {value}, node.output(index));
  }

  /// Node output `index` is `values` stacked along a new `axis` (negative:
  /// from the end of the stacked rank `rank`).
  void stack(int index, const std::vector<std::string> &values, int64_t axis,
             int64_t rank) {
    if (node.output(index).empty())
      return;
    if (axis < 0)
      axis += rank;
    std::vector<std::string> slices;
    for (const std::string &value : values)
      slices.push_back(builder.unsqueeze(value, axis, opset));
    builder.concat(slices, axis, node.output(index));
  }

  NodeBuilder &build() { return builder; }

private:
  onnx::NodeProto &node;
  onnx::GraphProto &graph;
  onnx::GraphProto &nodes;
  int64_t opset;
  NodeBuilder builder;
};

/// The `body` graph of `node`.
const onnx::GraphProto *bodyOf(const onnx::NodeProto &node) {
  const onnx::AttributeProto *body = findAttribute(node, "body");
  return body && body->has_g() ? &body->g() : nullptr;
}

bool checkSize(int64_t trips, const onnx::GraphProto &body,
               std::string &error) {
  if (trips * std::max(body.node_size(), 1) > kMaxUnrolledNodes) {
    error = std::to_string(trips) + " iterations of a body of " +
            std::to_string(body.node_size()) +
            " nodes would unroll to more "
            "than " +
            std::to_string(kMaxUnrolledNodes) + " nodes";
    return false;
  }
  return true;
}

/// Whether the body's condition output stays true: it is the condition
/// input, an Identity of it, or a Constant true.
bool keepsCondition(const onnx::GraphProto &body) {
  const std::string &in = body.input(1).name(), &out = body.output(0).name();
  if (in == out)
    return true;
  for (const onnx::NodeProto &n : body.node()) {
    if (n.output_size() < 1 || n.output(0) != out)
      continue;
    if (n.op_type() == "Identity" && n.input_size() == 1 && n.input(0) == in)
      return true;
  }
  return constantScalar(body, out, onnx::TensorProto::BOOL).value_or(0) != 0;
}

bool unrollLoop(onnx::NodeProto &node, onnx::GraphProto &graph,
                onnx::GraphProto &nodes, int64_t opset, std::string &error) {
  const onnx::GraphProto *body = bodyOf(node);
  if (!body || node.input_size() < 2 || body->input_size() < 2 ||
      body->output_size() < 1 || body->input_size() != node.input_size() ||
      body->output_size() < body->input_size() - 1) {
    error = "its inputs, body inputs and body outputs do not match";
    return false;
  }
  if (node.input(0).empty()) {
    error = "it has no trip count: it runs until a condition computed at run "
            "time, which a static program cannot do";
    return false;
  }
  std::optional<int64_t> trips =
      constantScalar(graph, node.input(0), onnx::TensorProto::INT64);
  if (!trips) {
    error = "its trip count '" + node.input(0) +
            "' is known only at run time (fix it with --input-value)";
    return false;
  }
  if (!node.input(1).empty()) {
    std::optional<int64_t> condition =
        constantScalar(graph, node.input(1), onnx::TensorProto::BOOL);
    if (!condition) {
      error = "its condition '" + node.input(1) +
              "' is known only at run time (fix it with --input-value)";
      return false;
    }
    if (!*condition)
      *trips = 0;
  }
  if (*trips < 1) {
    error = "it never iterates, so its scan outputs would be empty";
    return false;
  }
  if (!keepsCondition(*body)) {
    error = "its body computes the condition, so the trip count depends on "
            "values known only at run time";
    return false;
  }
  if (!checkSize(*trips, *body, error))
    return false;
  const int carried = node.input_size() - 2;
  const int scans = body->output_size() - 1 - carried;
  if (node.output_size() != carried + scans) {
    error = "it has " + std::to_string(node.output_size()) +
            " outputs; its body gives " + std::to_string(carried) +
            " loop-carried values and " + std::to_string(scans) +
            " scan outputs";
    return false;
  }
  Unroller unroller(node, graph, nodes, opset);
  std::string condition = node.input(1).empty()
                              ? unroller.build().boolean("true", true)
                              : node.input(1);
  std::vector<std::string> state(node.input().begin() + 2, node.input().end());
  std::vector<std::vector<std::string>> scanned(scans);
  for (int64_t i = 0; i < *trips; ++i) {
    std::vector<std::string> inputs = {
        unroller.build().ints("iteration", {}, {i}), condition};
    inputs.insert(inputs.end(), state.begin(), state.end());
    std::vector<std::string> outputs = unroller.iterate(*body, i, inputs);
    std::copy(outputs.begin() + 1, outputs.begin() + 1 + carried,
              state.begin());
    for (int k = 0; k < scans; ++k)
      scanned[k].push_back(outputs[1 + carried + k]);
  }
  for (int j = 0; j < carried; ++j)
    unroller.output(j, state[j]);
  for (int k = 0; k < scans; ++k)
    unroller.stack(carried + k, scanned[k], 0, 1);
  return true;
}

/// An INTS attribute of `node` of `count` entries (default `fallback`),
/// or nothing if it has another length.
std::optional<std::vector<int64_t>> intsOfLength(const onnx::NodeProto &node,
                                                 const std::string &name,
                                                 int count, int64_t fallback) {
  std::vector<int64_t> values = intsOr(node, name, count, fallback);
  if (int(values.size()) != count)
    return std::nullopt;
  return values;
}

bool unrollScan(onnx::NodeProto &node, onnx::GraphProto &graph,
                onnx::GraphProto &nodes, const Types &types, int64_t opset,
                std::string &error) {
  const onnx::GraphProto *body = bodyOf(node);
  const onnx::AttributeProto *numScanInputs =
      findAttribute(node, "num_scan_inputs");
  if (opset < 9) {
    error = "the opset-8 form (with sequence lengths and a batch axis) is not "
            "supported";
    return false;
  }
  const int scanInputs = numScanInputs ? int(numScanInputs->i()) : -1;
  const int states = node.input_size() - scanInputs;
  const int scanOutputs = node.output_size() - states;
  if (!body || scanInputs < 1 || states < 0 || scanOutputs < 0 ||
      body->input_size() != node.input_size() ||
      body->output_size() != node.output_size()) {
    error = "its inputs, body inputs and body outputs do not match";
    return false;
  }
  auto inputAxes = intsOfLength(node, "scan_input_axes", scanInputs, 0);
  auto inputDirections =
      intsOfLength(node, "scan_input_directions", scanInputs, 0);
  auto outputAxes = intsOfLength(node, "scan_output_axes", scanOutputs, 0);
  auto outputDirections =
      intsOfLength(node, "scan_output_directions", scanOutputs, 0);
  if (!inputAxes || !inputDirections || !outputAxes || !outputDirections) {
    error = "an axes or directions attribute has the wrong length";
    return false;
  }
  // Every scan input is as long as the first along its axis.
  int64_t trips = -1;
  for (int j = 0; j < scanInputs; ++j) {
    const std::string &name = node.input(states + j);
    std::optional<std::vector<int64_t>> dims = valueDims(types, name);
    int64_t axis = (*inputAxes)[j];
    if (dims && axis < 0)
      axis += int64_t(dims->size());
    if (!dims || axis < 0 || axis >= int64_t(dims->size())) {
      error = "scan input '" + name + "' has no static shape with axis " +
              std::to_string((*inputAxes)[j]);
      return false;
    }
    (*inputAxes)[j] = axis;
    if (trips >= 0 && (*dims)[axis] != trips) {
      error = "its scan inputs have different lengths";
      return false;
    }
    trips = (*dims)[axis];
  }
  if (trips < 1) {
    error = "it never iterates, so its scan outputs would be empty";
    return false;
  }
  if (!checkSize(trips, *body, error))
    return false;
  Unroller unroller(node, graph, nodes, opset);
  std::vector<std::string> state(node.input().begin(),
                                 node.input().begin() + states);
  std::vector<std::vector<std::string>> scanned(scanOutputs);
  for (int64_t t = 0; t < trips; ++t) {
    std::vector<std::string> inputs = state;
    for (int j = 0; j < scanInputs; ++j)
      inputs.push_back(unroller.build().pick(
          node.input(states + j), (*inputDirections)[j] ? trips - 1 - t : t,
          (*inputAxes)[j]));
    std::vector<std::string> outputs = unroller.iterate(*body, t, inputs);
    std::copy(outputs.begin(), outputs.begin() + states, state.begin());
    for (int k = 0; k < scanOutputs; ++k)
      scanned[k].push_back(outputs[states + k]);
  }
  for (int j = 0; j < states; ++j)
    unroller.output(j, state[j]);
  for (int k = 0; k < scanOutputs; ++k) {
    if ((*outputDirections)[k])
      std::reverse(scanned[k].begin(), scanned[k].end());
    std::optional<std::vector<int64_t>> dims =
        staticDims(body->output(states + k).type());
    const int64_t axis = (*outputAxes)[k];
    if (axis < 0 && !dims) {
      error = "scan output " + std::to_string(k) +
              " has a negative axis and a body output of unknown rank";
      return false;
    }
    unroller.stack(states + k, scanned[k], axis,
                   dims ? int64_t(dims->size()) + 1 : 0);
  }
  return true;
}

} // namespace

bool unrollLoops(onnx::GraphProto &graph, const Types &types, int64_t opset,
                 bool &unrolled, std::string &error) {
  return rewriteNodes(
      graph,
      [](const onnx::NodeProto &node) {
        return isDefaultDomainNode(node, "Loop") ||
               isDefaultDomainNode(node, "Scan");
      },
      [&](onnx::NodeProto &node, onnx::GraphProto &nodes) {
        if (node.op_type() == "Loop")
          return unrollLoop(node, graph, nodes, opset, error);
        return unrollScan(node, graph, nodes, types, opset, error);
      },
      unrolled, error);
}

} // namespace lpuc::onnx_model
