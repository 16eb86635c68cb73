//===- ScheduleReport.h - What a schedule achieves and could ----*- C++ -*-===//
//
// Measures a scheduled lpu.program: cycles, per-unit utilization, SRAM
// footprint and peak, each ONNX node's span, and a lower bound on the cycles
// any schedule of this program could reach on its target. Printed by
// `lpuc --report`, written as JSON by `lpuc --report=FILE`, and drawn as a
// Chrome/Perfetto trace by `lpuc --timeline=FILE`.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_DIALECTS_LPU_ANALYSIS_SCHEDULEREPORT_H
#define LPU_DIALECTS_LPU_ANALYSIS_SCHEDULEREPORT_H

#include "dialects/LPU/Analysis/PhysicalFloor.h"
#include "dialects/LPU/Machine/MachineProgram.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>
#include <vector>

namespace lpuc::lpu {

/// One queue's issue slots over the schedule.
struct UnitUsage {
  ::lpu::UnitKind kind;
  int64_t index = 0;
  int64_t busyCycles = 0;
  int64_t instructions = 0;
};

/// One unit kind's share of the lower bound: its instructions' issue cycles
/// spread evenly over its queues.
struct UnitClassWork {
  ::lpu::UnitKind kind;
  int64_t work = 0;  // issue cycles its instructions occupy
  int64_t units = 0; // queues of this kind on the target
  int64_t bound = 0; // ceil(work / units)
};

/// The instructions an ONNX node lowered to, and when they ran.
struct NodeSpan {
  std::string name;   // the node's name (or the initializer's)
  std::string opType; // e.g. "Gemm"; empty for compiler-made copies
  int64_t firstIssue = 0;
  int64_t lastLanded = 0;
  int64_t instructions = 0;
  std::vector<std::string> units; // "mem[4]", "mxm[0]", ... sorted
  /// The node's own work and floor, for the model's products.
  int64_t macs = 0;
  std::optional<FloorCycles> floor;
};

/// The cycles one ONNX node takes of the critical path.
struct PathShare {
  std::string name, opType;
  int64_t cycles = 0;
};

struct ScheduleReport {
  std::string target;
  uint32_t clockMHz = 0;
  int64_t cycles = 0;
  int64_t instructions = 0;
  /// The element types the program's MXM products multiply ("f16", ...),
  /// in DType order: the precision it was compiled for.
  std::vector<std::string> mxmTypes;
  std::vector<UnitUsage> units; // every queue of the target, in kind order
  /// Lower bound: the larger of the critical path and every class's work.
  int64_t criticalPath = 0;
  /// The path's cycles by node (from each instruction's issue to the next's
  /// on the path), most first.
  std::vector<PathShare> criticalPathNodes;
  std::vector<UnitClassWork> classWork;
  int64_t lowerBound = 0;
  /// SRAM, in addresses of `addressBytes` bytes.
  int64_t addressBytes = 0;
  int64_t sramCapacity = 0;    // every address of every slice
  int64_t sramAllocated = 0;   // per slice, the highest address used, summed
  int64_t sramPeakLive = 0;    // most addresses whose contents are live at once
  int64_t sramTensors = 0;     // every buffer's size, as if none were reused
  std::vector<NodeSpan> nodes; // in order of first issue
  /// The model's physical floor on the target, when its work is known.
  std::optional<FloorCycles> floor;
  int64_t macs = 0;        // the model's products' multiply-accumulates
  int64_t weightBytes = 0; // their stationary operands, in their MXM types
  int64_t ioBytes = 0;

  double latencyMicroseconds() const {
    return clockMHz ? double(cycles) / clockMHz : 0.0;
  }
  double boundRatio() const {
    return cycles ? double(lowerBound) / double(cycles) : 1.0;
  }
  double floorRatio() const {
    return floor && cycles ? double(floor->cycles()) / double(cycles) : 0.0;
  }
  /// What limits the bound: "critical path" or a unit kind ("mxm", ...).
  std::string boundLimit() const;
};

/// Measures a scheduled program (one with `cycles`), and sets its cycles
/// against the model's physical floor when `work` is given.
ScheduleReport buildScheduleReport(const MachineProgram &program,
                                   const ModelWork *work = nullptr);

/// The report as JSON (format "lpuc-report-1", see docs/cli.md).
llvm::json::Value toJSON(const ScheduleReport &report);

/// A summary for people: totals, bound, busiest units, longest nodes.
void printScheduleReport(const ScheduleReport &report, llvm::raw_ostream &os);

/// The schedule as a Chrome trace-event file (one track per queue, one
/// slice per issued instruction, 1 cycle shown as 1 microsecond), which
/// chrome://tracing and ui.perfetto.dev open.
void writeTimeline(const MachineProgram &program, llvm::raw_ostream &os);

} // namespace lpuc::lpu

#endif // LPU_DIALECTS_LPU_ANALYSIS_SCHEDULEREPORT_H
