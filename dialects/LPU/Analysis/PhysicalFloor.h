//===- PhysicalFloor.h - The cycles a model needs on a target ---*- C++ -*-===//
//
// The physical floor of a model on a target: what no program for it can beat,
// however it is tiled, placed or scheduled. Every multiply-accumulate of the
// model's products runs on the MXM at the target's rate for its type, every
// weight element is loaded into a plane once at the weight-install rate, and
// every byte of the graph's inputs and outputs crosses a MEM bank port once.
// The floor is the largest of the three. It is a property of the model, not of
// the program the compiler chose: the report sets it beside the program's own
// lower bound so that the gap between the two is visible.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_DIALECTS_LPU_ANALYSIS_PHYSICALFLOOR_H
#define LPU_DIALECTS_LPU_ANALYSIS_PHYSICALFLOOR_H

#include "lpu/Target.h"

#include <string>
#include <vector>

namespace lpuc::lpu {

/// The work one ONNX node asks of the MXM, whatever program runs it.
struct NodeWork {
  std::string name;   // the node's name, as the report's nodes have it
  std::string opType; // e.g. "Conv"
  ::lpu::DType mxmType = ::lpu::DType::None; // the type its products run in
  int64_t macs = 0;
  /// Elements of the stationary operand: constant weights, or for a product
  /// of two run-time tensors the smaller operand of each product.
  int64_t weightElements = 0;
};

/// What a model asks of a target, node by node.
struct ModelWork {
  std::vector<NodeWork> nodes; // product nodes, in program order
  int64_t ioBytes = 0;         // graph inputs and outputs, as stored on chip
};

/// A floor in cycles and what sets it.
struct FloorCycles {
  int64_t mac = 0;    // MACs over the MXM's rate for their type
  int64_t weight = 0; // weight bytes over the chip's weight-load rate
  int64_t io = 0;     // input and output bytes over every MEM bank port
  int64_t cycles() const { return std::max({mac, weight, io}); }
  /// "mxm", "weights" or "io": the count that sets cycles().
  const char *limit() const;
};

/// Multiply-accumulates the whole MXM does per cycle in `type` (all planes);
/// 0 if the target has no matrix unit for it.
double macsPerCycle(const ::lpu::TargetDesc &target, ::lpu::DType type);
/// Bytes all planes load into their weight buffers per cycle.
double weightBytesPerCycle(const ::lpu::TargetDesc &target);

/// One node's floor (its io part is 0).
FloorCycles floorOf(const NodeWork &node, const ::lpu::TargetDesc &target);
/// The model's floor: each count summed over the nodes (they share the
/// machine), in exact arithmetic before rounding up.
FloorCycles floorOf(const ModelWork &work, const ::lpu::TargetDesc &target);

} // namespace lpuc::lpu

#endif // LPU_DIALECTS_LPU_ANALYSIS_PHYSICALFLOOR_H
