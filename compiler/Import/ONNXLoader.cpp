//===- ONNXLoader.cpp - Load, check and shape-infer an ONNX model ---------===//

#include "compiler/Import/ONNXLoader.h"
#include "compiler/Import/GraphRewrite.h"
#include "compiler/Import/InferenceGuards.h"

#include "lpu/Layout.h"

#include <onnx/checker.h>
#include <onnx/common/version.h>
#include <onnx/defs/function.h>
#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>
#include <onnx/version_converter/convert.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

namespace lpuc::onnx_model {

namespace {

/// One line of an exception message: ONNX errors span several lines.
std::string oneLine(const std::string &text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space && c != ' ')
      out += ' ';
    space = false;
    out += c;
  }
  return out;
}

/// The cause of a strict shape inference failure. ONNX reports every node
/// that failed, in graph order, one per line after a header:
///   (op_type:Conv, node name: stem): [ShapeInferenceError] <why>
/// Nodes after the first mostly fail because its result has no type ("Input 0
/// expected to have type but instead is null"), so the first names the cause
/// and the others are only counted. A failure to merge an inferred shape
/// with a declared one comes alone, without the header.
std::string inferenceFailure(const std::string &what) {
  const std::string fallback = "ONNX shape inference failed: " + oneLine(what);
  const std::string header = "Shape inference error(s): ";
  size_t start = what.find(header);
  start = start != std::string::npos ? start + header.size()
                                     : what.find("(op_type:");
  if (start == std::string::npos)
    return fallback;
  std::vector<std::string> failures;
  std::istringstream lines(what.substr(start));
  for (std::string line; std::getline(lines, line);)
    if (line.find_first_not_of(" \t\r") != std::string::npos)
      failures.push_back(line);
  const std::string opTag = "(op_type:", nameTag = ", node name: ";
  const size_t headEnd =
      failures.empty() ? std::string::npos : failures[0].find("): ");
  if (headEnd == std::string::npos || failures[0].rfind(opTag, 0) != 0)
    return fallback;
  std::string head = failures[0].substr(opTag.size(), headEnd - opTag.size());
  std::string why = failures[0].substr(headEnd + 3);
  // ONNX's own tag ("[ShapeInferenceError] ") says nothing the prefix does not.
  if (why.rfind("[", 0) == 0 && why.find("] ") != std::string::npos)
    why = why.substr(why.find("] ") + 2);
  const size_t nameAt = head.find(nameTag);
  const std::string opType = head.substr(0, nameAt);
  std::string message = nameAt == std::string::npos
                            ? "an unnamed " + opType + " node"
                            : "node '" + head.substr(nameAt + nameTag.size()) +
                                  "' (" + opType + ")";
  message += ": ONNX shape inference failed: " + oneLine(why);
  if (failures.size() > 1)
    message += " (" + std::to_string(failures.size() - 1) + " later node" +
               (failures.size() == 2 ? "" : "s") + " failed too)";
  return message;
}

std::string dimsString(const std::vector<int64_t> &dims) {
  std::string s;
  for (size_t i = 0; i < dims.size(); ++i)
    s += (i ? "x" : "") + std::to_string(dims[i]);
  return s;
}

template <typename T> void appendLE(std::vector<char> &out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.insert(out.end(), bytes, bytes + sizeof(T));
}

} // namespace

bool convertTensor(const onnx::TensorProto &proto, Tensor &tensor,
                   std::string &error) {
  tensor.name = proto.name();
  tensor.dataType = proto.data_type();
  tensor.dims.assign(proto.dims().begin(), proto.dims().end());
  if (proto.data_location() == onnx::TensorProto::EXTERNAL) {
    error = "tensor '" + proto.name() +
            "' keeps its data in an external file, which is not supported";
    return false;
  }
  unsigned width = elementByteWidth(tensor.dataType);
  if (width == 0) {
    error = "tensor '" + proto.name() + "' has unsupported data type " +
            std::to_string(tensor.dataType);
    return false;
  }
  const int64_t count = ::lpu::checkedElementCount(tensor.dims);
  if (count < 0) {
    error = "tensor '" + proto.name() + "' has shape " +
            dimsString(tensor.dims) +
            ": a negative dimension, or more than 2^40 elements";
    return false;
  }
  std::vector<char> &data = tensor.data;
  if (proto.has_raw_data()) {
    data.assign(proto.raw_data().begin(), proto.raw_data().end());
  } else {
    switch (tensor.dataType) {
    case kFloat:
      for (float v : proto.float_data())
        appendLE(data, v);
      break;
    case kDouble:
      for (double v : proto.double_data())
        appendLE(data, v);
      break;
    case kInt64:
      for (int64_t v : proto.int64_data())
        appendLE(data, v);
      break;
    case kUInt32:
    case kUInt64:
      for (uint64_t v : proto.uint64_data()) {
        if (tensor.dataType == kUInt32)
          appendLE(data, static_cast<uint32_t>(v));
        else
          appendLE(data, v);
      }
      break;
    default: // int32_data holds every narrower integer, bool and fp16 bits
      for (int32_t v : proto.int32_data()) {
        if (width == 1)
          appendLE(data, static_cast<uint8_t>(v));
        else if (width == 2)
          appendLE(data, static_cast<uint16_t>(v));
        else
          appendLE(data, v);
      }
      break;
    }
  }
  if (data.size() != size_t(count) * width) {
    error = "tensor '" + proto.name() + "' holds " +
            std::to_string(data.size()) + " bytes of data, its shape needs " +
            std::to_string(size_t(count) * width);
    return false;
  }
  return true;
}

namespace {

bool convertAttribute(const onnx::AttributeProto &proto, Attribute &attr,
                      std::string &error) {
  attr.name = proto.name();
  switch (proto.type()) {
  case onnx::AttributeProto::FLOAT:
    attr.kind = Attribute::Float;
    attr.f = proto.f();
    break;
  case onnx::AttributeProto::INT:
    attr.kind = Attribute::Int;
    attr.i = proto.i();
    break;
  case onnx::AttributeProto::STRING:
    attr.kind = Attribute::String;
    attr.s = proto.s();
    break;
  case onnx::AttributeProto::TENSOR:
    attr.kind = Attribute::TensorValue;
    return convertTensor(proto.t(), attr.t, error);
  case onnx::AttributeProto::FLOATS:
    attr.kind = Attribute::Floats;
    attr.floats.assign(proto.floats().begin(), proto.floats().end());
    break;
  case onnx::AttributeProto::INTS:
    attr.kind = Attribute::Ints;
    attr.ints.assign(proto.ints().begin(), proto.ints().end());
    break;
  case onnx::AttributeProto::STRINGS:
    attr.kind = Attribute::Strings;
    attr.strings.assign(proto.strings().begin(), proto.strings().end());
    break;
  default: // graphs, sparse tensors, type protos: kept by name only
    attr.kind = Attribute::Other;
    break;
  }
  return true;
}

ValueType convertType(const onnx::TypeProto &type) {
  ValueType result;
  if (!type.has_tensor_type())
    return result;
  const auto &tensorType = type.tensor_type();
  result.dataType = tensorType.elem_type();
  if (tensorType.has_shape()) {
    result.hasShape = true;
    for (const auto &dim : tensorType.shape().dim())
      result.dims.push_back(dim.has_dim_value() ? dim.dim_value() : -1);
  }
  return result;
}

/// Overrides input shapes from --shape and rejects dynamic input dimensions
/// with the flag that fixes them.
bool fixInputShapes(onnx::GraphProto &graph, const LoadOptions &options,
                    const std::set<std::string> &initializers,
                    std::string &error) {
  std::set<std::string> inputNames;
  for (const auto &input : graph.input())
    if (!initializers.count(input.name()))
      inputNames.insert(input.name());
  for (const auto &[name, dims] : options.inputShapes)
    if (!inputNames.count(name)) {
      error = "--shape names '" + name + "', which is not a graph input";
      return false;
    }
  for (auto &input : *graph.mutable_input()) {
    if (initializers.count(input.name()))
      continue;
    if (!input.type().has_tensor_type()) {
      error = "input '" + input.name() +
              "' is not a tensor (sequence, map and optional inputs are not "
              "supported)";
      return false;
    }
    auto *tensorType = input.mutable_type()->mutable_tensor_type();
    auto it = options.inputShapes.find(input.name());
    if (it != options.inputShapes.end()) {
      auto *shape = tensorType->mutable_shape();
      shape->clear_dim();
      for (int64_t d : it->second)
        shape->add_dim()->set_dim_value(d);
      continue;
    }
    if (!tensorType->has_shape()) {
      error = "input '" + input.name() +
              "' has no shape; give it one with --shape " + input.name() +
              "=DIMS (for example --shape " + input.name() + "=1x3x224x224)";
      return false;
    }
    std::vector<int64_t> suggestion;
    int dynamicAt = -1;
    std::string param;
    for (int i = 0; i < tensorType->shape().dim_size(); ++i) {
      const auto &dim = tensorType->shape().dim(i);
      if (dim.has_dim_value() && dim.dim_value() > 0) {
        suggestion.push_back(dim.dim_value());
        continue;
      }
      suggestion.push_back(1);
      if (dynamicAt < 0) {
        dynamicAt = i;
        param = dim.has_dim_param() ? dim.dim_param() : "";
      }
    }
    if (dynamicAt >= 0) {
      error = "input '" + input.name() + "' has dynamic dimension " +
              std::to_string(dynamicAt) +
              (param.empty() ? "" : " ('" + param + "')") +
              "; lpuc needs static shapes: pass --shape " + input.name() + "=" +
              dimsString(suggestion) + " with the sizes you want";
      return false;
    }
  }
  return true;
}

/// Turns the inputs --input-value names into initializers holding the
/// given tensors, after checking that each matches the input's declared type.
bool bindInputValues(onnx::GraphProto &graph, const LoadOptions &options,
                     std::string &error) {
  for (const auto &[name, path] : options.inputValues) {
    auto input = std::find_if(graph.input().begin(), graph.input().end(),
                              [&, &name = name](const onnx::ValueInfoProto &v) {
                                return v.name() == name;
                              });
    bool isInitializer =
        std::any_of(graph.initializer().begin(), graph.initializer().end(),
                    [&, &name = name](const onnx::TensorProto &t) {
                      return t.name() == name;
                    });
    if (input == graph.input().end() || isInitializer) {
      error = "--input-value names '" + name + "', which is not a graph input";
      return false;
    }
    std::ifstream in(path, std::ios::binary);
    onnx::TensorProto tensor;
    if (!in || !tensor.ParseFromIstream(&in)) {
      error = "--input-value " + name + ": '" + path +
              "' is not a readable serialized TensorProto";
      return false;
    }
    const auto &declared = input->type().tensor_type();
    if (tensor.data_type() != declared.elem_type()) {
      error = "--input-value " + name + ": the tensor has data type " +
              std::to_string(tensor.data_type()) + ", the input " +
              std::to_string(declared.elem_type());
      return false;
    }
    if (declared.has_shape()) {
      const auto &dims = declared.shape().dim();
      bool same = dims.size() == tensor.dims_size();
      for (int i = 0; same && i < dims.size(); ++i)
        same =
            !dims[i].has_dim_value() || dims[i].dim_value() == tensor.dims(i);
      if (!same) {
        error = "--input-value " + name +
                ": the tensor's shape differs from the input's";
        return false;
      }
    }
    tensor.set_name(name);
    *graph.add_initializer() = tensor;
    graph.mutable_input()->erase(input);
  }
  return true;
}

bool convertGraph(const onnx::ModelProto &model, Graph &graph,
                  std::string &error) {
  const onnx::GraphProto &g = model.graph();
  graph.name = g.name();
  graph.producer = model.producer_name();
  std::set<std::string> initializerNames;
  for (const auto &init : g.initializer()) {
    Tensor t;
    if (!convertTensor(init, t, error))
      return false;
    initializerNames.insert(t.name);
    graph.initializers.push_back(std::move(t));
  }
  bool sizesOk = true;
  auto record = [&](const onnx::ValueInfoProto &info) {
    ValueType type = convertType(info.type());
    std::vector<int64_t> known;
    for (int64_t d : type.dims)
      if (d >= 0)
        known.push_back(d);
    if (sizesOk && ::lpu::checkedElementCount(known) < 0) {
      error = "value '" + info.name() + "' has shape " + dimsString(type.dims) +
              ", more than 2^40 elements";
      sizesOk = false;
    }
    graph.valueTypes[info.name()] = type;
    return ValueInfo{info.name(), type};
  };
  for (const auto &info : g.value_info())
    record(info);
  for (const auto &input : g.input()) {
    ValueInfo info = record(input);
    if (!initializerNames.count(input.name()))
      graph.inputs.push_back(std::move(info));
  }
  for (const auto &output : g.output())
    graph.outputs.push_back(record(output));
  if (!sizesOk)
    return false;
  for (int n = 0; n < g.node_size(); ++n) {
    const onnx::NodeProto &proto = g.node(n);
    Node node;
    node.name = proto.name().empty() ? proto.op_type() + "_" + std::to_string(n)
                                     : proto.name();
    node.opType = proto.op_type();
    node.domain = proto.domain();
    node.inputs.assign(proto.input().begin(), proto.input().end());
    node.outputs.assign(proto.output().begin(), proto.output().end());
    for (const auto &attrProto : proto.attribute()) {
      Attribute attr;
      if (!convertAttribute(attrProto, attr, error)) {
        error = "node '" + node.name + "' (" + node.opType + "): " + error;
        return false;
      }
      node.attributes.push_back(std::move(attr));
    }
    graph.nodes.push_back(std::move(node));
  }
  return true;
}

/// The oldest default-domain opset the lowering reads. Older models are
/// brought to it by ONNX's version converter, so that the lowering speaks
/// one form of each operator (Slice's starts as inputs, Upsample as Resize).
constexpr int64_t kOldestLoweredOpset = 11;

/// How deep functions are expanded within functions.
constexpr int kMaxFunctionDepth = 4;
/// How many levels of loops within loops are unrolled.
constexpr int kMaxLoopDepth = 8;

/// Writes out each attribute `node` omits and its schema defaults.
void addDefaultAttributes(onnx::NodeProto &node, const onnx::OpSchema &schema) {
  for (const auto &[name, attribute] : schema.attributes())
    if (!attribute.required && !attribute.default_value.name().empty() &&
        !findAttribute(node, name))
      *node.add_attribute() = attribute.default_value;
}

/// Writes out the attributes that nodes of the default domain omit, in the
/// graph and its subgraphs: some of the version converter's adapters read
/// attributes unconditionally (Pad's `value` before opset 11, which torch
/// leaves out when it is 0).
void addDefaultAttributes(onnx::GraphProto &root, int64_t opset) {
  forEachGraph(root, [&](onnx::GraphProto &graph) {
    for (onnx::NodeProto &node : *graph.mutable_node())
      if (isDefaultDomain(node.domain()))
        if (const onnx::OpSchema *schema =
                onnx::OpSchemaRegistry::Schema(node.op_type(), int(opset), ""))
          addDefaultAttributes(node, *schema);
  });
}

/// The type of every value the graph declares or shape inference found.
std::map<std::string, onnx::TypeProto>
declaredTypes(const onnx::GraphProto &graph) {
  std::map<std::string, onnx::TypeProto> types;
  for (const auto *infos :
       {&graph.input(), &graph.value_info(), &graph.output()})
    for (const onnx::ValueInfoProto &info : *infos)
      if (info.has_type())
        types.emplace(info.name(), info.type());
  for (const onnx::TensorProto &initializer : graph.initializer()) {
    onnx::TypeProto type;
    onnx::TypeProto::Tensor *tensor = type.mutable_tensor_type();
    tensor->set_elem_type(initializer.data_type());
    onnx::TensorShapeProto *shape = tensor->mutable_shape();
    for (int64_t dim : initializer.dims())
      shape->add_dim()->set_dim_value(dim);
    types.emplace(initializer.name(), type);
  }
  return types;
}

/// The function body ONNX defines `node`'s operator as, for its attributes
/// and input types; false if the operator is no function.
bool functionBody(const onnx::NodeProto &node, const onnx::OpSchema &schema,
                  const std::map<std::string, onnx::TypeProto> &types,
                  onnx::FunctionProto &body) {
  if (schema.HasContextDependentFunction()) {
    std::vector<onnx::TypeProto> inputTypes;
    for (const std::string &input : node.input()) {
      auto it = types.find(input);
      inputTypes.push_back(it == types.end() ? onnx::TypeProto() : it->second);
    }
    onnx::FunctionBodyBuildContextImpl context(node, inputTypes);
    return schema.BuildContextDependentFunction(context, body);
  }
  if (const onnx::FunctionProto *function = schema.GetFunction()) {
    body = *function;
    return true;
  }
  return false;
}

/// Replaces each default-domain node without a dedicated op that ONNX
/// defines as a function by the function's nodes, named
/// "<node>/<operator>_<k>"; `expanded` tells whether any was.
bool expandFunctions(onnx::GraphProto &graph, int64_t opset,
                     const LoadOptions &options, bool &expanded,
                     std::string &error) {
  expanded = false;
  if (!options.hasDedicatedOp)
    return true;
  std::optional<std::map<std::string, onnx::TypeProto>> types;
  onnx::GraphProto rebuilt;
  for (int n = 0; n < graph.node_size(); ++n) {
    onnx::NodeProto &node = *graph.mutable_node(n);
    const onnx::OpSchema *schema =
        isDefaultDomain(node.domain()) &&
                !options.hasDedicatedOp(node.op_type())
            ? onnx::OpSchemaRegistry::Schema(node.op_type(), int(opset), "")
            : nullptr;
    onnx::FunctionProto body;
    if (schema &&
        (schema->HasFunction() || schema->HasContextDependentFunction())) {
      if (!types)
        types = declaredTypes(graph);
      addDefaultAttributes(node, *schema);
    }
    if (!types || !schema || !functionBody(node, *schema, *types, body)) {
      rebuilt.add_node()->Swap(&node);
      continue;
    }
    if (node.name().empty())
      node.set_name(node.op_type() + "_" + std::to_string(n));
    const int first = rebuilt.node_size();
    try {
      onnx::FunctionExpandHelper(node, body, rebuilt, node.name() + "/");
    } catch (const std::exception &e) {
      error = "node '" + node.name() + "' (" + node.op_type() +
              "): cannot expand its ONNX function: " + oneLine(e.what());
      return false;
    }
    for (int k = first; k < rebuilt.node_size(); ++k) {
      onnx::NodeProto &inner = *rebuilt.mutable_node(k);
      inner.set_name(node.name() + "/" + inner.op_type() + "_" +
                     std::to_string(k - first));
      // An attribute that refers to one the node does not have is absent
      // (ONNX's function semantics). The helper keeps it as an empty
      // attribute, whose zero would make SoftmaxCrossEntropyLoss's inner
      // NegativeLogLikelihoodLoss ignore class 0.
      auto *attributes = inner.mutable_attribute();
      attributes->erase(
          std::remove_if(attributes->begin(), attributes->end(),
                         [](const onnx::AttributeProto &attr) {
                           return !attr.ref_attr_name().empty() ||
                                  attr.type() ==
                                      onnx::AttributeProto::UNDEFINED;
                         }),
          attributes->end());
    }
    expanded = true;
  }
  graph.mutable_node()->Swap(rebuilt.mutable_node());
  return true;
}

/// Every output of the graph, and of each subgraph, must be a value the
/// graph or an enclosing one defines; the model's outputs are listed once
/// (a subgraph may list a value twice, as a Loop body's carried value and
/// scan output). ONNX 1.12's checker checks neither: its version converter
/// dereferences a null value where one is missing, and a binary's tensor
/// names are unique.
bool checkOutputsDefined(const onnx::GraphProto &root, std::string &error) {
  struct Scope {
    const onnx::GraphProto *graph;
    int64_t parent; // index into `scopes`, -1 for the model's graph
    std::set<std::string> names;
  };
  std::vector<Scope> scopes;
  std::vector<std::pair<const onnx::GraphProto *, int64_t>> pending = {
      {&root, -1}};
  while (!pending.empty()) {
    auto [graph, parent] = pending.back();
    pending.pop_back();
    Scope scope{graph, parent, {}};
    for (const auto &input : graph->input())
      scope.names.insert(input.name());
    for (const auto &init : graph->initializer())
      scope.names.insert(init.name());
    for (const auto &node : graph->node())
      scope.names.insert(node.output().begin(), node.output().end());
    scopes.push_back(std::move(scope));
    const int64_t index = int64_t(scopes.size()) - 1;
    auto defined = [&](const std::string &name) {
      for (int64_t s = index; s >= 0; s = scopes[s].parent)
        if (scopes[s].names.count(name))
          return true;
      return false;
    };
    std::set<std::string> listed;
    for (const auto &output : graph->output()) {
      const std::string what =
          "graph output '" + output.name() + "'" +
          (parent < 0 ? "" : " of subgraph '" + graph->name() + "'");
      if (parent < 0 && !listed.insert(output.name()).second) {
        error = what + " is listed twice";
        return false;
      }
      if (!defined(output.name())) {
        error = what + " is computed by no node and is no input or initializer";
        return false;
      }
    }
    for (const auto &node : graph->node())
      for (const auto &attr : node.attribute()) {
        if (attr.has_g())
          pending.push_back({&attr.g(), index});
        for (const auto &subgraph : attr.graphs())
          pending.push_back({&subgraph, index});
      }
  }
  return true;
}

/// Brings a model whose default-domain opset is older than
/// kOldestLoweredOpset to that opset; `opset` becomes the model's opset.
bool upgradeOpset(onnx::ModelProto &model, int64_t &opset, std::string &error) {
  if (opset == 0 || opset >= kOldestLoweredOpset)
    return true;
  if (!checkVersionConverterInputs(*model.mutable_graph(), opset, error))
    return false;
  addDefaultAttributes(*model.mutable_graph(), opset);
  try {
    model = onnx::version_conversion::ConvertVersion(model,
                                                     int(kOldestLoweredOpset));
  } catch (const std::exception &e) {
    error = "cannot bring the model from opset " + std::to_string(opset) +
            " to opset " + std::to_string(kOldestLoweredOpset) +
            " with ONNX's version converter: " + oneLine(e.what());
    return false;
  }
  // ONNX 1.12's Resize_10_11 adapter sets neither coordinate mode: opset
  // 11's defaults (half_pixel, round_prefer_floor) would move the samples
  // of an Upsample or opset-10 Resize, which are asymmetric and floor.
  forEachGraph(*model.mutable_graph(), [](onnx::GraphProto &graph) {
    for (onnx::NodeProto &node : *graph.mutable_node()) {
      if (!isDefaultDomainNode(node, "Resize"))
        continue;
      auto addString = [&](const char *name, const char *value) {
        if (findAttribute(node, name))
          return;
        onnx::AttributeProto *attr = node.add_attribute();
        attr->set_name(name);
        attr->set_type(onnx::AttributeProto::STRING);
        attr->set_s(value);
      };
      addString("coordinate_transformation_mode", "asymmetric");
      addString("nearest_mode", "floor");
    }
  });
  opset = kOldestLoweredOpset;
  return true;
}

bool loadModelImpl(const std::string &path, const LoadOptions &options,
                   Graph &graph, std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open file";
    return false;
  }
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  in.seekg(0);
  onnx::ModelProto model;
  if (size == 0 || !model.ParseFromIstream(&in)) {
    error = "not a valid ONNX model: the protobuf does not parse (the file "
            "has " +
            std::to_string(size) + " bytes; is it truncated or not ONNX?)";
    return false;
  }
  if (!model.has_graph() || model.ir_version() <= 0) {
    error = "not an ONNX model: no graph or IR version (is this file ONNX?)";
    return false;
  }
  if (model.graph().output_size() == 0) {
    error = "the graph has no outputs: a program that computes nothing "
            "observable would be empty";
    return false;
  }

  // Refuse opsets newer than this libonnx before the checker does, with a
  // message that says what to do.
  const auto &known =
      onnx::OpSchemaRegistry::DomainToVersionRange::Instance().Map();
  graph.opsetVersion = 0;
  for (const auto &opset : model.opset_import()) {
    std::string domain = opset.domain() == "ai.onnx" ? "" : opset.domain();
    auto it = known.find(domain);
    if (domain.empty())
      graph.opsetVersion = opset.version();
    if (it != known.end() && opset.version() > it->second.second) {
      error = "the model imports opset " + std::to_string(opset.version()) +
              " of domain '" + (domain.empty() ? "ai.onnx" : domain) +
              "', newer than the " + std::to_string(it->second.second) +
              " this build's ONNX " + onnx::LAST_RELEASE_VERSION +
              " knows; re-export the model with opset <= " +
              std::to_string(it->second.second);
      return false;
    }
  }

  if (!bindInputValues(*model.mutable_graph(), options, error))
    return false;
  std::set<std::string> initializerNames;
  for (const auto &init : model.graph().initializer())
    initializerNames.insert(init.name());
  if (!fixInputShapes(*model.mutable_graph(), options, initializerNames, error))
    return false;

  auto check = [&](const std::string &which) {
    try {
      onnx::checker::check_model(model);
    } catch (const std::exception &e) {
      error = "the ONNX checker rejects the model" + which + ": " +
              oneLine(e.what());
      return false;
    }
    return true;
  };
  // Checked before the version converter, which assumes a valid model, and
  // after it.
  if (!check("") || !checkOutputsDefined(model.graph(), error))
    return false;
  const int64_t exported = graph.opsetVersion;
  if (!upgradeOpset(model, graph.opsetVersion, error))
    return false;
  if (graph.opsetVersion != exported &&
      !check(" brought to opset " + std::to_string(graph.opsetVersion)))
    return false;
  auto inferShapes = [&] {
    try {
      onnx::ShapeInferenceOptions inferenceOptions(
          /*check_type_val=*/true, /*strict_mode_val=*/1,
          /*data_prop_val=*/true);
      onnx::shape_inference::InferShapes(
          model, onnx::OpSchemaRegistry::Instance(), inferenceOptions);
    } catch (const std::exception &e) {
      error = inferenceFailure(e.what());
      return false;
    }
    return true;
  };
  // Ifs are inlined and loops unrolled until none is left: a loop's body
  // may hold either, and so may an If's branches.
  for (int depth = 0;; ++depth) {
    bool inlinedIfs = false, unrolled = false;
    if (!inlineIfNodes(*model.mutable_graph(), inlinedIfs, error) ||
        !inferShapes() ||
        !unrollLoops(*model.mutable_graph(), declaredTypes(model.graph()),
                     graph.opsetVersion, unrolled, error))
      return false;
    if (!unrolled)
      break;
    if (depth == kMaxLoopDepth) {
      error = "loops nested more than " + std::to_string(kMaxLoopDepth) +
              " deep are not supported";
      return false;
    }
  }
  // Nodes written as other ONNX nodes, which need the types inference found.
  for (auto expand : {expandRecurrentNodes, expandReduceProd,
                      expandVolumetricNodes, expandMaxPoolIndices}) {
    bool expanded = false;
    if (!expand(*model.mutable_graph(), declaredTypes(model.graph()), expanded,
                error) ||
        (expanded && !inferShapes()))
      return false;
  }
  // Function bodies may hold functions (SoftmaxCrossEntropyLoss's holds
  // NegativeLogLikelihoodLoss): expanded again, with their types inferred,
  // a bounded number of times.
  for (int depth = 0; depth < kMaxFunctionDepth; ++depth) {
    bool expanded = false;
    if (!expandFunctions(*model.mutable_graph(), graph.opsetVersion, options,
                         expanded, error))
      return false;
    if (!expanded)
      break;
    if (!inferShapes())
      return false;
  }
  return convertGraph(model, graph, error);
}

} // namespace

unsigned elementByteWidth(int32_t dataType) {
  switch (dataType) {
  case kFloat:
  case kInt32:
  case kUInt32:
    return 4;
  case kUInt8:
  case kInt8:
  case kBool:
    return 1;
  case kUInt16:
  case kInt16:
  case kFloat16:
  case kBFloat16:
    return 2;
  case kInt64:
  case kDouble:
  case kUInt64:
    return 8;
  default:
    return 0;
  }
}

bool loadModel(const std::string &path, const LoadOptions &options,
               Graph &graph, std::string &error) {
  graph = Graph();
  try {
    guardShapeInference();
    return loadModelImpl(path, options, graph, error);
  } catch (const std::exception &e) {
    error = oneLine(e.what());
  } catch (...) {
    error = "unknown error while reading the model";
  }
  return false;
}

} // namespace lpuc::onnx_model
