//===- Recurrent.cpp - RNN, GRU and LSTM unrolled into ONNX nodes ---------===//
//
// The LPU runs a static program, so a recurrent layer over a sequence of
// fixed length is its steps, one after the other: what an unrolled graph
// would hold. The unrolling happens on the ONNX graph, before the lowering,
// so every step is made of nodes the lowering already compiles.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/GraphRewrite.h"

#include <algorithm>
#include <optional>
#include <vector>

namespace lpuc::onnx_model {

namespace {

using Types = std::map<std::string, onnx::TypeProto>;

/// The transpose of rows [first, first + count) of a row-major [rows, cols]
/// block starting at `offset`: [cols, count].
std::vector<float> transposedRows(const std::vector<float> &data,
                                  int64_t offset, int64_t first, int64_t count,
                                  int64_t cols) {
  std::vector<float> out(cols * count);
  for (int64_t r = 0; r < count; ++r)
    for (int64_t c = 0; c < cols; ++c)
      out[c * count + r] = data[offset + (first + r) * cols + c];
  return out;
}

struct Layer {
  std::string kind; // RNN, GRU or LSTM
  int64_t gates, hidden, directions, steps, batch, inputs;
  bool layout, linearBeforeReset, reverse;
  std::optional<float> clip;
  std::vector<std::string> activations; // per direction, `perDirection` each
  size_t perDirection;
};

bool unroll(const onnx::NodeProto &node, const Layer &layer,
            const std::map<std::string, const onnx::TensorProto *> &constants,
            NodeBuilder &u, std::string &error) {
  const int64_t G = layer.gates, H = layer.hidden, S = layer.steps,
                B = layer.batch, I = layer.inputs, D = layer.directions;
  auto input = [&](int i) {
    return i < node.input_size() ? node.input(i) : std::string();
  };
  auto weights = [&](int i, const char *what,
                     int64_t count) -> std::optional<std::vector<float>> {
    auto it = constants.find(input(i));
    std::optional<std::vector<float>> data;
    if (it != constants.end())
      data = tensorElements<float>(*it->second, onnx::TensorProto::FLOAT);
    if (!data || int64_t(data->size()) != count) {
      error = std::string(what) + " must be an f32 initializer of " +
              std::to_string(count) +
              " elements (fix a graph input with --input-value)";
      return std::nullopt;
    }
    return data;
  };
  auto W = weights(1, "W", D * G * H * I);
  if (!W)
    return false;
  auto R = weights(2, "R", D * G * H * H);
  if (!R)
    return false;
  std::vector<float> bias(D * 2 * G * H, 0.0f), peepholes;
  if (!input(3).empty()) {
    auto b = weights(3, "B", D * 2 * G * H);
    if (!b)
      return false;
    bias = *b;
  }
  if (!input(4).empty()) {
    auto it = constants.find(input(4));
    std::optional<std::vector<int32_t>> lengths;
    if (it != constants.end())
      lengths = tensorElements<int32_t>(*it->second, onnx::TensorProto::INT32);
    if (!lengths || std::any_of(lengths->begin(), lengths->end(),
                                [&](int32_t length) { return length != S; })) {
      error = "sequence_lens must be a constant equal to the sequence "
              "length " +
              std::to_string(S) + " for every batch entry";
      return false;
    }
  }
  const bool lstm = layer.kind == "LSTM", gru = layer.kind == "GRU";
  if (lstm && !input(7).empty()) {
    auto p = weights(7, "P", D * 3 * H);
    if (!p)
      return false;
    peepholes = *p;
  }

  const std::string x =
      layer.layout ? u.transpose(node.input(0), {1, 0, 2}) : node.input(0);
  // A state input, [D, B, H] (layout 1: [B, D, H]), as [B, H] per
  // direction; zeros if it is not given.
  auto initialState = [&](int i, int64_t d) {
    if (input(i).empty())
      return u.floats("zeros", {B, H}, std::vector<float>(B * H, 0.0f));
    std::string state =
        layer.layout ? u.transpose(input(i), {1, 0, 2}) : input(i);
    return u.pick(state, d);
  };
  auto activate = [&](const std::string &value, size_t d, size_t which) {
    std::string v = value;
    if (layer.clip)
      v = u.node("Clip", {v, u.floats("low", {}, {-*layer.clip}),
                          u.floats("high", {}, {*layer.clip})});
    return u.node(layer.activations[d * layer.perDirection + which], {v});
  };

  std::vector<std::string> ys, finalH, finalC;
  for (int64_t d = 0; d < D; ++d) {
    // Bidirectional: direction 1 runs backwards.
    const bool backwards = layer.reverse || d == 1;
    const int64_t wOffset = d * G * H * I, rOffset = d * G * H * H,
                  bOffset = d * 2 * G * H;
    // The input's product for every step at once, with the biases that
    // add to it: Wb + Rb, but for GRU's h gate only Wb (its Rb goes with
    // the recurrent product).
    std::vector<float> inputBias(G * H);
    for (int64_t j = 0; j < G * H; ++j)
      inputBias[j] = bias[bOffset + j] +
                     (gru && j >= 2 * H ? 0.0f : bias[bOffset + G * H + j]);
    // (Builder calls are sequenced, so names come in one order with every
    // compiler.)
    std::string xw = u.matMul(
        x, u.floats("W", {I, G * H}, transposedRows(*W, wOffset, 0, G * H, I)));
    xw = u.add(xw, u.floats("bias", {G * H}, inputBias));
    // Recurrent weights: all gates, or GRU's z and r apart from its h.
    const int64_t together = gru ? 2 * H : G * H;
    std::string r = u.floats("R", {H, together},
                             transposedRows(*R, rOffset, 0, together, H));
    std::string rh, rhBias;
    if (gru) {
      rh = u.floats("Rh", {H, H}, transposedRows(*R, rOffset, 2 * H, H, H));
      rhBias =
          u.floats("Rbh", {H},
                   std::vector<float>(bias.begin() + bOffset + G * H + 2 * H,
                                      bias.begin() + bOffset + 2 * G * H));
    }
    std::string pi, po, pf;
    if (!peepholes.empty()) {
      auto part = [&](int64_t k) {
        return u.floats(
            "P", {H},
            std::vector<float>(peepholes.begin() + (d * 3 + k) * H,
                               peepholes.begin() + (d * 3 + k + 1) * H));
      };
      pi = part(0), po = part(1), pf = part(2);
    }
    std::string h = initialState(5, d), c;
    if (lstm)
      c = initialState(6, d);
    std::vector<std::string> steps(S);
    for (int64_t k = 0; k < S; ++k) {
      const int64_t t = backwards ? S - 1 - k : k;
      std::string xt = u.pick(xw, t);
      std::string hr = u.matMul(h, r);
      if (lstm) {
        std::string pre = u.add(xt, hr);
        std::string iPre = u.columns(pre, 0, H), oPre = u.columns(pre, H, H),
                    fPre = u.columns(pre, 2 * H, H),
                    cPre = u.columns(pre, 3 * H, H);
        if (!pi.empty()) {
          iPre = u.add(iPre, u.mul(pi, c));
          fPre = u.add(fPre, u.mul(pf, c));
        }
        std::string in = activate(iPre, d, 0), forget = activate(fPre, d, 0);
        std::string kept = u.mul(forget, c);
        c = u.add(kept, u.mul(in, activate(cPre, d, 1)));
        if (!po.empty())
          oPre = u.add(oPre, u.mul(po, c));
        std::string out = activate(oPre, d, 0);
        h = u.mul(out,
                  u.node(layer.activations[d * layer.perDirection + 2], {c}));
      } else if (gru) {
        auto gate = [&](int64_t index) {
          std::string fromInput = u.columns(xt, index * H, H);
          return activate(u.add(fromInput, u.columns(hr, index * H, H)), d, 0);
        };
        std::string z = gate(0);
        std::string reset = gate(1);
        std::string recurrent =
            layer.linearBeforeReset
                ? u.mul(reset, u.add(u.matMul(h, rh), rhBias))
                : u.add(u.matMul(u.mul(reset, h), rh), rhBias);
        std::string candidate =
            activate(u.add(u.columns(xt, 2 * H, H), recurrent), d, 1);
        // (1 - z) candidate + z h.
        h = u.add(candidate, u.mul(z, u.node("Sub", {h, candidate})));
      } else {
        h = activate(u.add(xt, hr), d, 0);
      }
      steps[t] = u.reshape(h, {1, 1, B, H});
    }
    ys.push_back(u.concat(steps, 0));
    finalH.push_back(u.reshape(h, {1, B, H}));
    if (lstm)
      finalC.push_back(u.reshape(c, {1, B, H}));
  }
  auto output = [&](int i, std::string value,
                    const std::vector<int64_t> &layoutPerm) {
    if (i >= node.output_size() || node.output(i).empty())
      return;
    if (layer.layout)
      value = u.transpose(value, layoutPerm);
    u.node("Identity", {value}, node.output(i));
  };
  output(0, u.concat(ys, 1), {2, 0, 1, 3});
  output(1, u.concat(finalH, 0), {1, 0, 2});
  if (lstm)
    output(2, u.concat(finalC, 0), {1, 0, 2});
  return true;
}

/// The layer's sizes and attributes, or an error for what is not
/// supported.
std::optional<Layer>
describe(const onnx::NodeProto &node, const Types &types,
         const std::map<std::string, const onnx::TensorProto *> &constants,
         std::string &error) {
  Layer layer;
  layer.kind = node.op_type();
  layer.gates = layer.kind == "LSTM" ? 4 : layer.kind == "GRU" ? 3 : 1;
  auto intAttr = [&](const char *name, int64_t fallback) {
    const onnx::AttributeProto *attr = findAttribute(node, name);
    return attr ? attr->i() : fallback;
  };
  layer.layout = intAttr("layout", 0) != 0;
  layer.linearBeforeReset = intAttr("linear_before_reset", 0) != 0;
  if (intAttr("input_forget", 0) != 0) {
    error = "input_forget (coupled input and forget gates) is not supported";
    return std::nullopt;
  }
  if (findAttribute(node, "activation_alpha") ||
      findAttribute(node, "activation_beta")) {
    error = "activations with parameters (activation_alpha, "
            "activation_beta) are not supported";
    return std::nullopt;
  }
  if (const onnx::AttributeProto *clip = findAttribute(node, "clip"))
    layer.clip = clip->f();
  std::string direction = "forward";
  if (const onnx::AttributeProto *attr = findAttribute(node, "direction"))
    direction = attr->s();
  if (direction != "forward" && direction != "reverse" &&
      direction != "bidirectional") {
    error = "unknown direction '" + direction + "'";
    return std::nullopt;
  }
  layer.directions = direction == "bidirectional" ? 2 : 1;
  layer.reverse = direction == "reverse";
  std::optional<std::vector<int64_t>> x = valueDims(types, node.input(0));
  if (!x || x->size() != 3 || (*x)[0] < 1 || (*x)[1] < 1 || (*x)[2] < 1) {
    error = "needs a static 3-D input X (fix its sizes with --shape)";
    return std::nullopt;
  }
  const std::vector<int64_t> &dims = *x;
  if (types.at(node.input(0)).tensor_type().elem_type() !=
      onnx::TensorProto::FLOAT) {
    error = "needs an f32 input X";
    return std::nullopt;
  }
  layer.steps = layer.layout ? dims[1] : dims[0];
  layer.batch = layer.layout ? dims[0] : dims[1];
  layer.inputs = dims[2];
  layer.hidden = intAttr("hidden_size", 0);
  auto w = constants.find(node.input_size() > 1 ? node.input(1) : "");
  if (layer.hidden <= 0 && w != constants.end() && w->second->dims_size() == 3)
    layer.hidden = w->second->dims(1) / layer.gates;
  if (layer.hidden <= 0) {
    error = "needs hidden_size or constant weights W";
    return std::nullopt;
  }
  static const std::map<std::string, std::vector<std::string>> defaults = {
      {"RNN", {"Tanh"}},
      {"GRU", {"Sigmoid", "Tanh"}},
      {"LSTM", {"Sigmoid", "Tanh", "Tanh"}}};
  layer.perDirection = defaults.at(layer.kind).size();
  std::vector<std::string> given;
  if (const onnx::AttributeProto *attr = findAttribute(node, "activations"))
    given.assign(attr->strings().begin(), attr->strings().end());
  if (given.empty())
    given = defaults.at(layer.kind);
  if (given.size() == layer.perDirection && layer.directions == 2) {
    const std::vector<std::string> forward = given;
    given.insert(given.end(), forward.begin(), forward.end());
  }
  if (given.size() != layer.perDirection * layer.directions) {
    error = "expects " + std::to_string(layer.perDirection * layer.directions) +
            " activations, got " + std::to_string(given.size());
    return std::nullopt;
  }
  for (const std::string &name : given)
    if (name != "Sigmoid" && name != "Tanh" && name != "Relu") {
      error = "activation '" + name +
              "' is not supported (Sigmoid, Tanh and Relu are)";
      return std::nullopt;
    }
  layer.activations = given;
  return layer;
}

} // namespace

bool expandRecurrentNodes(onnx::GraphProto &graph, const Types &types,
                          bool &expanded, std::string &error) {
  // Initializers the unrolling adds may move the graph's container of
  // tensor pointers, not the tensors: `constants` stays valid.
  std::map<std::string, const onnx::TensorProto *> constants;
  for (const onnx::TensorProto &tensor : graph.initializer())
    constants[tensor.name()] = &tensor;
  return rewriteNodes(
      graph,
      [](const onnx::NodeProto &node) {
        return isDefaultDomainNode(node, "RNN") ||
               isDefaultDomainNode(node, "GRU") ||
               isDefaultDomainNode(node, "LSTM");
      },
      [&](const onnx::NodeProto &node, onnx::GraphProto &nodes) {
        std::optional<Layer> layer = describe(node, types, constants, error);
        NodeBuilder builder(graph, nodes, node.name());
        return layer && unroll(node, *layer, constants, builder, error);
      },
      expanded, error);
}

} // namespace lpuc::onnx_model
