//===- InferenceGuards.cpp - Checks ONNX's shape inference relies on ------===//
//
// Each guard runs before a schema's own inference function, on the same
// context (so with the input shapes inference found so far), and fails the
// way ONNX's checks do: an InferenceError, which strict-mode inference
// reports with the node's operator and name. Found by fuzzing lpuc
// (docs/fuzzing.md); the reproducers are in test/fuzz/importer.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/InferenceGuards.h"
#include "compiler/Import/GraphRewrite.h"

#include <onnx/defs/schema.h>
#include <onnx/defs/shape_inference.h>

#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace lpuc::onnx_model {

namespace {

using onnx::InferenceContext;
using Guard = std::function<void(InferenceContext &)>;

/// Every value of INTS attribute `name` (when present) is at least 1: ONNX
/// divides by strides and block sizes, and sizes buffers by kernel shapes.
Guard positiveInts(std::vector<std::string> names) {
  return [names](InferenceContext &ctx) {
    for (const std::string &name : names) {
      const onnx::AttributeProto *attr = ctx.getAttribute(name);
      if (!attr)
        continue;
      for (int i = 0; i < attr->ints_size(); ++i)
        if (attr->ints(i) < 1)
          fail_shape_inference("attribute '", name, "' has ", attr->ints(i),
                               " at position ", i, "; it must be positive");
      if (attr->type() == onnx::AttributeProto::INT && attr->i() < 1)
        fail_shape_inference("attribute '", name, "' is ", attr->i(),
                             "; it must be positive");
    }
  };
}

/// The rank of input `index` when inference knows it.
bool knownRank(InferenceContext &ctx, size_t index, int64_t &rank) {
  if (!onnx::hasInputShape(ctx, index))
    return false;
  rank = onnx::getInputShape(ctx, index).dim_size();
  return true;
}

/// INT attribute `name` (when present) lies in [-(rank + extra),
/// rank + extra - 1 + inclusiveEnd], rank being input 0's: ONNX indexes
/// shapes with it.
Guard axisInRange(const char *name, int64_t extra = 0,
                  bool inclusiveEnd = false) {
  return [=](InferenceContext &ctx) {
    const onnx::AttributeProto *attr = ctx.getAttribute(name);
    int64_t rank = 0;
    if (!attr || !knownRank(ctx, 0, rank))
      return;
    const int64_t bound = rank + extra;
    const int64_t last = bound - 1 + (inclusiveEnd ? 1 : 0);
    if (attr->i() < -bound || attr->i() > last)
      fail_shape_inference("attribute '", name, "' is ", attr->i(),
                           ", outside [", -bound, ", ", last,
                           "] for an input of rank ", rank);
  };
}

/// Every value of INTS attribute `name` (when present) lies in [-r, r - 1],
/// r being input 0's rank plus the attribute's length when `grows` (the
/// axes of Unsqueeze name the result's dimensions).
Guard axesInRange(const char *name, bool grows = false) {
  return [=](InferenceContext &ctx) {
    const onnx::AttributeProto *attr = ctx.getAttribute(name);
    int64_t rank = 0;
    if (!attr || !knownRank(ctx, 0, rank))
      return;
    const int64_t bound = rank + (grows ? attr->ints_size() : 0);
    for (int i = 0; i < attr->ints_size(); ++i)
      if (attr->ints(i) < -bound || attr->ints(i) >= bound)
        fail_shape_inference("attribute '", name, "' has ", attr->ints(i),
                             " at position ", i, ", outside [", -bound, ", ",
                             bound - 1, "] for an input of rank ", rank);
  };
}

/// Input `weights` has input 0's rank when both are known: ONNX reads the
/// kernel from the weights' dimensions 2.. and indexes them by the input's.
Guard weightsOfInputRank(size_t weights) {
  return [=](InferenceContext &ctx) {
    int64_t rank = 0, weightsRank = 0;
    if (!knownRank(ctx, 0, rank) || !knownRank(ctx, weights, weightsRank))
      return;
    if (weightsRank != rank)
      fail_shape_inference("the weights (input ", weights, ") have rank ",
                           weightsRank, ", but the input has rank ", rank);
  };
}

/// Each window attribute (when present) has one value per spatial axis of
/// input 0 (pads two, output_shape optionally with N and C too). ONNX's
/// inference indexes them by the input's axes (fuzzing finding 15: a 2-D
/// ConvTranspose with kernel_shape [3] kept a declared result of rank 3).
Guard onePerSpatialAxis() {
  return [](InferenceContext &ctx) {
    int64_t rank = 0;
    if (!knownRank(ctx, 0, rank) || rank < 3)
      return;
    const int64_t spatial = rank - 2;
    auto check = [&](const char *name, int64_t expected, int64_t alternative) {
      const onnx::AttributeProto *attr = ctx.getAttribute(name);
      if (!attr || attr->ints_size() == expected ||
          attr->ints_size() == alternative)
        return;
      fail_shape_inference("attribute '", name, "' has ", attr->ints_size(),
                           " values, but an input of rank ", rank, " (",
                           spatial, " spatial axes) takes ", expected);
    };
    for (const char *name :
         {"kernel_shape", "strides", "dilations", "output_padding"})
      check(name, spatial, spatial);
    check("pads", 2 * spatial, 2 * spatial);
    check("output_shape", spatial, rank);
  };
}

/// Fails unless input `param` (when given and shaped) is 1-D with
/// `channels` values, one per `channel` ("output channel", ...).
void checkOnePerChannel(InferenceContext &ctx, size_t param, const char *name,
                        int64_t channels, const char *channel) {
  if (!onnx::hasInputShape(ctx, param))
    return;
  const onnx::TensorShapeProto &shape = onnx::getInputShape(ctx, param);
  if (shape.dim_size() != 1)
    fail_shape_inference("the ", name, " (input ", param, ") has rank ",
                         shape.dim_size(), "; it must be 1-D, one value per ",
                         channel, " (", channels, ")");
  if (shape.dim(0).has_dim_value() && shape.dim(0).dim_value() != channels)
    fail_shape_inference("the ", name, " (input ", param, ") has ",
                         shape.dim(0).dim_value(), " values, one per ", channel,
                         ", but there are ", channels);
}

/// Input `bias` holds one value per output channel: the weights' dimension
/// 0, or dimension 1 times the group count when `transposed`. ONNX infers
/// the result's channels from the weights alone, so a bias of another
/// length reaches conversion unnoticed (fuzzing finding 12).
Guard biasPerOutputChannel(size_t bias, size_t weights,
                           bool transposed = false) {
  return [=](InferenceContext &ctx) {
    if (!onnx::hasInputShape(ctx, weights))
      return;
    const onnx::TensorShapeProto &w = onnx::getInputShape(ctx, weights);
    const int channelDim = transposed ? 1 : 0;
    if (w.dim_size() <= channelDim || !w.dim(channelDim).has_dim_value())
      return;
    const onnx::AttributeProto *groupAttr =
        transposed ? ctx.getAttribute("group") : nullptr;
    const int64_t group = groupAttr ? groupAttr->i() : 1;
    // A group below 1 is positiveInts' to report.
    int64_t channels = 0;
    if (group < 1 ||
        __builtin_mul_overflow(w.dim(channelDim).dim_value(), group, &channels))
      return;
    checkOnePerChannel(ctx, bias, "bias", channels, "output channel");
  };
}

/// Inputs `params` hold one value per channel of input 0 (its dimension 1):
/// ONNX's InstanceNormalization inference never compares them (fuzzing
/// finding 13: a scale of 8 values for 32 channels).
Guard onePerInputChannel(std::vector<std::pair<size_t, const char *>> params) {
  return [=](InferenceContext &ctx) {
    if (!onnx::hasInputShape(ctx, 0))
      return;
    const onnx::TensorShapeProto &x = onnx::getInputShape(ctx, 0);
    if (x.dim_size() < 2 || !x.dim(1).has_dim_value())
      return;
    for (auto [param, name] : params)
      checkOnePerChannel(ctx, param, name, x.dim(1).dim_value(),
                         "input channel");
  };
}

/// DepthToSpace's blocksize squared divides input 0's channels, and
/// SpaceToDepth's blocksize its height and width: ONNX's inference floors
/// the quotient, so a block larger than them left an empty result, which
/// conversion could only call empty.
Guard blocksDivide(bool toSpace) {
  return [=](InferenceContext &ctx) {
    const onnx::AttributeProto *attr = ctx.getAttribute("blocksize");
    if (!attr || attr->i() < 1 || !onnx::hasInputShape(ctx, 0))
      return;
    const onnx::TensorShapeProto &x = onnx::getInputShape(ctx, 0);
    if (x.dim_size() != 4)
      return;
    const int64_t b = attr->i();
    int64_t square = 0;
    if (toSpace) {
      if (!x.dim(1).has_dim_value() || __builtin_mul_overflow(b, b, &square))
        return;
      if (x.dim(1).dim_value() % square != 0)
        fail_shape_inference("blocksize ", b, " squared (", square,
                             ") does not divide the ", x.dim(1).dim_value(),
                             " input channels");
      return;
    }
    for (int axis : {2, 3})
      if (x.dim(axis).has_dim_value() && x.dim(axis).dim_value() % b != 0)
        fail_shape_inference("blocksize ", b, " does not divide the input's ",
                             axis == 2 ? "height " : "width ",
                             x.dim(axis).dim_value());
  };
}

struct GuardedOps {
  std::vector<const char *> ops;
  Guard guard;
};

std::vector<GuardedOps> getGuards() {
  Guard window = positiveInts(
      {"strides", "dilations", "kernel_shape", "group", "pooled_shape"});
  return {
      {{"Conv", "ConvInteger", "QLinearConv", "ConvTranspose", "MaxPool",
        "AveragePool", "LpPool", "MaxUnpool", "MaxRoiPool"},
       window},
      {{"Conv", "ConvInteger", "QLinearConv", "ConvTranspose", "MaxPool",
        "AveragePool", "LpPool", "MaxUnpool"},
       onePerSpatialAxis()},
      {{"Conv", "ConvInteger", "ConvTranspose"}, weightsOfInputRank(1)},
      {{"QLinearConv"}, weightsOfInputRank(3)},
      {{"Conv"}, biasPerOutputChannel(2, 1)},
      {{"ConvTranspose"}, biasPerOutputChannel(2, 1, /*transposed=*/true)},
      {{"QLinearConv"}, biasPerOutputChannel(8, 3)},
      {{"InstanceNormalization"}, onePerInputChannel({{1, "scale"}, {2, "B"}})},
      {{"DepthToSpace", "SpaceToDepth"}, positiveInts({"blocksize"})},
      {{"DepthToSpace"}, blocksDivide(/*toSpace=*/true)},
      {{"SpaceToDepth"}, blocksDivide(/*toSpace=*/false)},
      {{"ArgMax", "ArgMin", "Concat", "Gather", "GatherElements", "Scatter",
        "ScatterElements", "Split", "Softmax", "LogSoftmax", "Hardmax",
        "Compress", "TopK", "LpNormalization", "SplitToSequence"},
       axisInRange("axis")},
      {{"Flatten", "LayerNormalization"},
       axisInRange("axis", 0, /*inclusiveEnd=*/true)},
      // The one-hot dimension is a new axis of the result.
      {{"OneHot"}, axisInRange("axis", 1)},
      {{"ReduceMax", "ReduceMin", "ReduceMean", "ReduceSum", "ReduceProd",
        "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp",
        "ReduceSumSquare", "Squeeze", "Slice"},
       axesInRange("axes")},
      {{"Unsqueeze"}, axesInRange("axes", /*grows=*/true)},
  };
}

/// Later opsets than any ONNX 1.12 defines.
constexpr int kMaxOpsetProbed = 32;

void installGuards() {
  for (GuardedOps &entry : getGuards()) {
    for (const char *op : entry.ops) {
      std::set<const onnx::OpSchema *> seen;
      for (int version = 1; version <= kMaxOpsetProbed; ++version) {
        const onnx::OpSchema *schema =
            onnx::OpSchemaRegistry::Schema(op, version);
        if (!schema || !seen.insert(schema).second)
          continue;
        // The registry hands out const pointers to schemas it owns and
        // never copies; setting an inference function is its public API.
        auto *mutableSchema = const_cast<onnx::OpSchema *>(schema);
        onnx::InferenceFunction infer =
            schema->GetTypeAndShapeInferenceFunction();
        Guard guard = entry.guard;
        mutableSchema->TypeAndShapeInferenceFunction(
            [guard, infer](InferenceContext &ctx) {
              guard(ctx);
              infer(ctx);
            });
      }
    }
  }
}

} // namespace

void guardShapeInference() {
  static std::once_flag once;
  std::call_once(once, installGuards);
}

bool checkVersionConverterInputs(onnx::GraphProto &graph, int64_t opset,
                                 std::string &error) {
  if (opset >= 7)
    return true;
  // The ranks the converter sees: declared ones (it infers none). Names are
  // unique across the model, subgraphs included.
  std::map<std::string, int> ranks;
  forEachGraph(graph, [&](onnx::GraphProto &g) {
    auto declare = [&](const onnx::ValueInfoProto &value) {
      if (value.type().tensor_type().has_shape())
        ranks[value.name()] = value.type().tensor_type().shape().dim_size();
    };
    for (const auto &value : g.input())
      declare(value);
    for (const auto &value : g.value_info())
      declare(value);
    for (const auto &init : g.initializer())
      ranks[init.name()] = init.dims_size();
  });
  bool ok = true;
  forEachGraph(graph, [&](onnx::GraphProto &g) {
    for (const onnx::NodeProto &node : g.node()) {
      if (!ok || node.op_type() != "Gemm" ||
          !(node.domain().empty() || node.domain() == "ai.onnx"))
        continue;
      for (int i = 0; i < 2 && i < node.input_size(); ++i) {
        auto it = ranks.find(node.input(i));
        if (it != ranks.end() && it->second == 2)
          continue;
        error = "node '" + node.name() +
                "' (Gemm): ONNX's converter from "
                "opset " +
                std::to_string(opset) + " reads " + (i ? "B" : "A") +
                " as a matrix, but '" + node.input(i) + "' " +
                (it == ranks.end() ? "has no declared shape"
                                   : "has rank " + std::to_string(it->second)) +
                "; re-export the model with opset 7 or later";
        ok = false;
        break;
      }
    }
  });
  return ok;
}

} // namespace lpuc::onnx_model
