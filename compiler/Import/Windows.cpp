//===- Windows.cpp - 3-D windows as 2-D ones, MaxPool's indices ----------===//
//
// A 3-D window is a stack of 2-D windows along depth: output depth od reads
// input depths od * stride + kd * dilation (kd < KD) of the input padded
// along depth. So the input's depth taps, each a strided slice with the
// depths folded into the batch, go through the 2-D node with that tap's
// weights (a convolution) or window (a pool), and the taps combine: summed
// for a convolution and an average, the largest kept for a max pool.
//
// A MaxPool's Indices output is, per output position, the flat input index
// of the first window tap (in row-major window order) that holds the
// maximum: a comparison of each tap with the pooled value, chosen from the
// last tap to the first.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/GraphRewrite.h"
#include "dialects/ONNX/WindowRules.h"

#include <algorithm>

namespace lpuc::onnx_model {

namespace {

using Types = std::map<std::string, onnx::TypeProto>;

/// The window of a 3-D node: per spatial axis (depth, height, width).
struct Window {
  std::vector<int64_t> kernel, strides, dilations, padBegin, padEnd;
  /// The input's and the output's spatial sizes.
  std::vector<int64_t> in, out;
};

/// The window of `node` over input `x` ([N, C, spatial...]) with `kernel`
/// (one size per spatial axis).
bool readWindow(const onnx::NodeProto &node, const std::vector<int64_t> &x,
                const std::vector<int64_t> &kernel, Window &w,
                std::string &error) {
  const size_t axes = x.size() - 2;
  w.kernel = kernel;
  w.strides = intsOr(node, "strides", axes, 1);
  w.dilations = intsOr(node, "dilations", axes, 1);
  std::vector<int64_t> pads = intsOr(node, "pads", 2 * axes, 0);
  const onnx::AttributeProto *ceil = findAttribute(node, "ceil_mode");
  if (ceil && ceil->i()) {
    error = "ceil_mode is not supported here";
    return false;
  }
  if (w.strides.size() != axes || w.dilations.size() != axes ||
      pads.size() != 2 * axes || kernel.size() != axes) {
    error = "its kernel, strides, dilations or pads do not match its " +
            std::to_string(axes) + " spatial axes";
    return false;
  }
  w.in.assign(x.begin() + 2, x.end());
  const onnx::AttributeProto *autoPad = findAttribute(node, "auto_pad");
  const std::string mode = autoPad ? autoPad->s() : "NOTSET";
  for (size_t a = 0; a < axes; ++a) {
    const int64_t extent = onnx_window::extent(kernel[a], w.dilations[a]);
    if (onnx_window::isSame(mode)) {
      std::tie(pads[a], pads[a + axes]) =
          onnx_window::samePads(w.in[a], w.strides[a], extent, mode);
    } else if (mode == "VALID") {
      pads[a] = pads[a + axes] = 0;
    } else if (mode != "NOTSET") {
      error = "auto_pad '" + mode + "' is not supported";
      return false;
    }
    if (w.strides[a] < 1 || w.dilations[a] < 1 || pads[a] < 0 ||
        pads[a + axes] < 0 || kernel[a] < 1) {
      error = "has a stride, dilation or kernel size below 1 or a negative pad";
      return false;
    }
    const int64_t padded = w.in[a] + pads[a] + pads[a + axes];
    if (padded < extent) {
      error = "its window is larger than the padded input";
      return false;
    }
    w.out.push_back((padded - extent) / w.strides[a] + 1);
  }
  w.padBegin.assign(pads.begin(), pads.begin() + axes);
  w.padEnd.assign(pads.begin() + axes, pads.end());
  return true;
}

/// Writes the 2-D window attributes (height and width) of `w`.
void windowAttributes(NodeBuilder &b, const Window &w, bool dilations) {
  b.intsAttribute("strides", {w.strides[1], w.strides[2]});
  b.intsAttribute("pads",
                  {w.padBegin[1], w.padBegin[2], w.padEnd[1], w.padEnd[2]});
  if (dilations)
    b.intsAttribute("dilations", {w.dilations[1], w.dilations[2]});
}

/// The input's depth taps: tap kd is [N * OD, C, H, W], the depths output
/// depth od reads at kd (the input first padded along depth with zeros, or
/// with copies of its edge depths: `edge`).
std::vector<std::string> depthTaps(NodeBuilder &b, const std::string &input,
                                   const std::vector<int64_t> &x,
                                   const Window &w, bool edge) {
  std::string padded = input;
  if (w.padBegin[0] || w.padEnd[0]) {
    padded = b.node("Pad", {input, b.ints("pads", {10},
                                          {0, 0, w.padBegin[0], 0, 0, 0, 0,
                                           w.padEnd[0], 0, 0})});
    if (edge)
      b.stringAttribute("mode", "edge");
  }
  std::vector<std::string> taps;
  const int64_t od = w.out[0];
  for (int64_t kd = 0; kd < w.kernel[0]; ++kd) {
    const int64_t first = kd * w.dilations[0];
    std::string tap =
        b.node("Slice",
               {padded, b.ints("start", {1}, {first}),
                b.ints("end", {1}, {first + (od - 1) * w.strides[0] + 1}),
                b.ints("axis", {1}, {2}), b.ints("step", {1}, {w.strides[0]})});
    tap = b.transpose(tap, {0, 2, 1, 3, 4});
    taps.push_back(b.reshape(tap, {x[0] * od, x[1], x[3], x[4]}));
  }
  return taps;
}

/// `value`, [N * OD, F, OH, OW], as the node's [N, F, OD, OH, OW] output.
void toOutput(NodeBuilder &b, const std::string &value, int64_t n,
              int64_t channels, const Window &w, const std::string &output) {
  std::string stacked =
      b.reshape(value, {n, w.out[0], channels, w.out[1], w.out[2]});
  b.node("Transpose", {stacked}, output);
  b.intsAttribute("perm", {0, 2, 1, 3, 4});
}

bool expandConv(const onnx::NodeProto &node, const std::vector<int64_t> &x,
                const Types &types, NodeBuilder &b, std::string &error) {
  auto w = valueDims(types, node.input(1));
  if (!w || w->size() != 5) {
    error = "needs weights of static shape [F, C / group, KD, KH, KW]";
    return false;
  }
  Window win;
  if (!readWindow(node, x, {(*w)[2], (*w)[3], (*w)[4]}, win, error))
    return false;
  const onnx::AttributeProto *group = findAttribute(node, "group");
  std::vector<std::string> taps =
      depthTaps(b, node.input(0), x, win, /*edge=*/false);
  std::vector<std::string> sums;
  for (int64_t kd = 0; kd < win.kernel[0]; ++kd) {
    std::string weights = b.pick(node.input(1), kd, 2);
    std::vector<std::string> inputs = {taps[kd], weights};
    if (kd == 0 && node.input_size() > 2 && !node.input(2).empty())
      inputs.push_back(node.input(2));
    sums.push_back(b.node("Conv", inputs));
    b.intsAttribute("kernel_shape", {win.kernel[1], win.kernel[2]});
    windowAttributes(b, win, /*dilations=*/true);
    if (group)
      b.intAttribute("group", group->i());
  }
  std::string sum = sums[0];
  for (size_t k = 1; k < sums.size(); ++k)
    sum = b.add(sum, sums[k]);
  toOutput(b, sum, x[0], (*w)[0], win, node.output(0));
  return true;
}

bool expandPool(const onnx::NodeProto &node, const std::vector<int64_t> &x,
                NodeBuilder &b, std::string &error) {
  const bool isMax = node.op_type() == "MaxPool";
  if (isMax && node.output_size() > 1 && !node.output(1).empty()) {
    error = "the Indices output of a 3-D MaxPool is not supported";
    return false;
  }
  std::vector<int64_t> kernel = intsOr(node, "kernel_shape", 0, 0);
  Window win;
  if (!readWindow(node, x, kernel, win, error))
    return false;
  const onnx::AttributeProto *include =
      findAttribute(node, "count_include_pad");
  const bool includePad = include && include->i();
  // A max pool's depth padding repeats the edge depth, which every window
  // reaching past the edge also holds when its taps are adjacent (no -inf:
  // the MXM, which moves values between lanes, would make NaN of it).
  if (isMax && (win.padBegin[0] || win.padEnd[0]) && win.dilations[0] != 1) {
    error = "a 3-D MaxPool padded and dilated along depth is not supported";
    return false;
  }
  std::vector<std::string> taps =
      depthTaps(b, node.input(0), x, win, /*edge=*/isMax);
  std::vector<std::string> pooled;
  for (const std::string &tap : taps) {
    pooled.push_back(b.node(node.op_type(), {tap}));
    b.intsAttribute("kernel_shape", {win.kernel[1], win.kernel[2]});
    windowAttributes(b, win, /*dilations=*/isMax);
    if (!isMax)
      b.intAttribute("count_include_pad", includePad);
  }
  std::string combined = pooled[0];
  if (pooled.size() > 1)
    combined = b.node(isMax ? "Max" : "Sum", pooled);
  if (!isMax) {
    // Each tap averaged its plane; the depth divides by KD, or, without
    // the padding, by the depths each output depth reads in the input
    // (padding taps averaged zeros).
    std::vector<float> scale;
    for (int64_t od = 0; od < win.out[0]; ++od) {
      int64_t valid = 0;
      for (int64_t kd = 0; kd < win.kernel[0]; ++kd) {
        const int64_t d =
            od * win.strides[0] + kd * win.dilations[0] - win.padBegin[0];
        valid += d >= 0 && d < win.in[0];
      }
      scale.push_back(1.0f / float(includePad ? win.kernel[0] : valid));
    }
    // combined is [N * OD, C, OH, OW]: the scale per depth as [OD, 1, 1, 1]
    // repeated over the batch.
    std::vector<float> perRow;
    for (int64_t n = 0; n < x[0]; ++n)
      perRow.insert(perRow.end(), scale.begin(), scale.end());
    combined = b.mul(combined,
                     b.floats("scale", {x[0] * win.out[0], 1, 1, 1}, perRow));
  }
  toOutput(b, combined, x[0], x[1], win, node.output(0));
  return true;
}

/// MaxPool (2-D, its Indices output read) as the pool, then per tap a
/// comparison with the maximum and a Where choosing the tap's constant
/// index, from the last tap to the first.
bool expandIndices(const onnx::NodeProto &node, const std::vector<int64_t> &x,
                   onnx::GraphProto &nodes, NodeBuilder &b,
                   std::string &error) {
  Window win;
  if (!readWindow(node, x, intsOr(node, "kernel_shape", 0, 0), win, error))
    return false;
  const onnx::AttributeProto *order = findAttribute(node, "storage_order");
  const bool columnMajor = order && order->i();
  // The pool itself, without the Indices output.
  onnx::NodeProto *pool = nodes.add_node();
  *pool = node;
  pool->mutable_output()->RemoveLast();
  // Taps read the input padded with its edge values; a tap outside the
  // input never matches (its `inside` mask is false).
  std::string padded = node.input(0);
  if (win.padBegin[0] || win.padBegin[1] || win.padEnd[0] || win.padEnd[1]) {
    padded = b.node(
        "Pad", {node.input(0), b.ints("pads", {8},
                                      {0, 0, win.padBegin[0], win.padBegin[1],
                                       0, 0, win.padEnd[0], win.padEnd[1]})});
    b.stringAttribute("mode", "edge");
  }
  const int64_t n = x[0], c = x[1], h = x[2], w = x[3];
  const int64_t oh = win.out[0], ow = win.out[1];
  std::string chosen;
  for (int64_t tap = win.kernel[0] * win.kernel[1] - 1; tap >= 0; --tap) {
    const int64_t kh = tap / win.kernel[1], kw = tap % win.kernel[1];
    std::vector<int64_t> first = {kh * win.dilations[0], kw * win.dilations[1]};
    std::string value = b.node(
        "Slice", {padded, b.ints("start", {2}, first),
                  b.ints("end", {2},
                         {first[0] + (oh - 1) * win.strides[0] + 1,
                          first[1] + (ow - 1) * win.strides[1] + 1}),
                  b.ints("axes", {2}, {2, 3}),
                  b.ints("steps", {2}, {win.strides[0], win.strides[1]})});
    // The tap's flat input index at every output position, and whether it
    // lies inside the input.
    std::vector<int64_t> index;
    std::vector<uint8_t> inside;
    for (int64_t i = 0; i < n * c; ++i)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t z = 0; z < ow; ++z) {
          const int64_t r = y * win.strides[0] + first[0] - win.padBegin[0];
          const int64_t s = z * win.strides[1] + first[1] - win.padBegin[1];
          const bool in = r >= 0 && r < h && s >= 0 && s < w;
          inside.push_back(in);
          const int64_t rr = std::clamp<int64_t>(r, 0, h - 1),
                        ss = std::clamp<int64_t>(s, 0, w - 1);
          index.push_back(i * h * w +
                          (columnMajor ? ss * h + rr : rr * w + ss));
        }
    std::string indexName = b.ints("index", {n, c, oh, ow}, index);
    if (chosen.empty()) {
      chosen = indexName; // the last tap: whatever is left
      continue;
    }
    std::string match = b.node("Equal", {value, node.output(0)});
    match =
        b.node("And", {match, b.booleans("inside", {n, c, oh, ow}, inside)});
    chosen = b.node("Where", {match, indexName, chosen});
  }
  b.node("Identity", {chosen}, node.output(1));
  return true;
}

} // namespace

bool expandMaxPoolIndices(onnx::GraphProto &graph, const Types &types,
                          bool &expanded, std::string &error) {
  return rewriteNodes(
      graph,
      [&](const onnx::NodeProto &node) {
        auto x =
            node.input_size() ? valueDims(types, node.input(0)) : std::nullopt;
        return isDefaultDomainNode(node, "MaxPool") && node.output_size() > 1 &&
               !node.output(1).empty() && x && x->size() == 4;
      },
      [&](onnx::NodeProto &node, onnx::GraphProto &nodes) {
        NodeBuilder b(graph, nodes, node.name());
        return expandIndices(node, *valueDims(types, node.input(0)), nodes, b,
                             error);
      },
      expanded, error);
}

bool expandVolumetricNodes(onnx::GraphProto &graph, const Types &types,
                           bool &expanded, std::string &error) {
  auto volumeInput = [&](const onnx::NodeProto &node) {
    auto x = node.input_size() ? valueDims(types, node.input(0)) : std::nullopt;
    return x && x->size() == 5 ? x : std::nullopt;
  };
  return rewriteNodes(
      graph,
      [&](const onnx::NodeProto &node) {
        return (isDefaultDomainNode(node, "Conv") ||
                isDefaultDomainNode(node, "MaxPool") ||
                isDefaultDomainNode(node, "AveragePool")) &&
               volumeInput(node);
      },
      [&](onnx::NodeProto &node, onnx::GraphProto &nodes) {
        NodeBuilder b(graph, nodes, node.name());
        std::vector<int64_t> x = *volumeInput(node);
        if (node.op_type() == "Conv")
          return expandConv(node, x, types, b, error);
        return expandPool(node, x, b, error);
      },
      expanded, error);
}

} // namespace lpuc::onnx_model
