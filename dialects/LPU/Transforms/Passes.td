//===- Passes.td - lpu dialect passes ----------------------*- tablegen -*-===//

#ifndef LPU_DIALECT_LPU_PASSES
#define LPU_DIALECT_LPU_PASSES

include "mlir/Pass/PassBase.td"

def AllocateSRAM : Pass<"lpu-allocate-sram", "::lpuc::lpu::ProgramOp"> {
  let summary = "Give every buffer a MEM slice and a static address range";
  let description = [{
    Places the buffers that have no place yet (tile-allocate-sram may have
    placed the graph's tensors), around those that have, by the rule of
    dialects/LPU/Machine/SlicePlacer.h. Liveness-based: a buffer lives from its first access to its last in
    program order (inputs and constants from the start, outputs to the end),
    and buffers never live at once share addresses. A buffer's slice is
    chosen for parallelism first (least traffic from buffers live at the
    same time, since a MEM queue issues one access per cycle), then for distance (nearest the units that
    produce and consume it), then for space; a scratch tensor with more
    accesses than one queue should carry is spread over several slices, rows
    dealt round-robin. A program whose weights plus peak live tensors exceed
    SRAM is rejected with the shortfall.

    With `op-by-op`, the foundation's placement for the benchmarks'
    baseline: buffers in program order, round-robin over slices, no reuse,
    no spreading.
  }];
  let options = [
    Option<"opByOp", "op-by-op", "bool", /*default=*/"false",
           "Round-robin placement without reuse (benchmark baseline)">,
  ];
}

def BundleWeightLoads
    : Pass<"lpu-bundle-weight-loads", "::lpuc::lpu::ProgramOp"> {
  let summary = "Load several weight rows per `lw`, as the plane's bandwidth allows";
  let description = [{
    A plane's weight buffer takes the target's `mxm.load_bytes` bytes per
    lane a cycle (8 on lpu-v1: 8 i8 or 4 f16 rows, so all four planes fill
    in 40 cycles), each row on its own stream group. The expansion loads
    one row per `lw`; this pass joins consecutive rows of one plane, up to
    the installing `iw`, into one `lw` of as many rows as fit (at most six:
    eight consecutive free stream groups are seldom found), when their
    values can be produced in the same cycles: no MEM slice or MXM plane
    serves two of them, and no more of them pass the VXM or an SXM slice
    than it has queues. (tile-allocate-sram and lpu-allocate-sram deal weight
    tiles row by row over as many slices for this.) Runs between
    lpu-allocate-sram and lpu-schedule.
  }];
}

def Schedule : Pass<"lpu-schedule", "::lpuc::lpu::ProgramOp"> {
  let summary = "Assign every instruction a unit, an issue cycle and a stream";
  let description = [{
    The program splits into trees of instructions, each rooted at one
    without a result (a write, a weight load or install). Trees are placed
    one after another, each at the first root cycle at which every
    instruction finds its operands on a free stream slot as they pass, its
    queue and SRAM bank port free, and SRAM and MXM weight state ready;
    queues fill earlier gaps. Sets the program's `cycles`.

    `order` says which tree is placed next: `program` (program order),
    `critical-path` (the default: of the trees whose SRAM versions and
    plane state are ready, the one with the longest chain of trees after
    it; a reader counts its writer's whole latency, a tree that follows on
    the same MXM plane only the plane's occupancy, so a plane's chain is
    the MXM work left on it) or `best` (both, keeping the schedule with
    fewer cycles, of equal ones program order's: twice the scheduling
    time).

    With `op-by-op`, each ONNX node's instructions start only after every
    result of the nodes before it has landed, in program order: the
    baseline the global schedule is measured against
    (bench/run-benchmarks.sh).
  }];
  let options = [
    Option<"opByOp", "op-by-op", "bool", /*default=*/"false",
           "Schedule one ONNX node after another, with a barrier between">,
    Option<"order", "order", "::lpuc::lpu::TreeOrder",
           /*default=*/"::lpuc::lpu::TreeOrder::CriticalPath",
           "Which tree is placed next",
           [{::llvm::cl::values(
             clEnumValN(::lpuc::lpu::TreeOrder::Program, "program",
                        "program order"),
             clEnumValN(::lpuc::lpu::TreeOrder::CriticalPath, "critical-path",
                        "the longest chain of trees after it first"),
             clEnumValN(::lpuc::lpu::TreeOrder::Best, "best",
                        "both, keeping the one with fewer cycles"))}]>,
  ];
}

def VerifySchedule : Pass<"lpu-verify-schedule", "::lpuc::lpu::ProgramOp"> {
  let summary = "Prove a scheduled program's stream and queue discipline";
  let description = [{
    Checks that each unit issues at most one instruction per cycle, every
    operand has landed on its stream when read, and no other result lands
    on that stream between the write and the last read.
  }];
}

def PrintScheduleReport
    : Pass<"lpu-print-schedule-report", "::lpuc::lpu::ProgramOp"> {
  let summary = "Print what a scheduled program achieves and its lower bound";
  let description = [{
    Prints the report `lpuc --report` gives (format=text), its JSON form
    (format=json) or the Chrome trace of `lpuc --timeline` (format=timeline)
    to stdout: cycles, per-unit utilization, SRAM footprint and peak, each
    ONNX node's span, and the lower bound on cycles (the larger of the
    critical path and each unit kind's work over its queue count).
  }];
  let options = [
    Option<"format", "format", "::lpuc::lpu::ReportFormat",
           /*default=*/"::lpuc::lpu::ReportFormat::Text",
           "What to print",
           [{::llvm::cl::values(
               clEnumValN(::lpuc::lpu::ReportFormat::Text, "text",
                          "the report as text"),
               clEnumValN(::lpuc::lpu::ReportFormat::Json, "json",
                          "the report as JSON"),
               clEnumValN(::lpuc::lpu::ReportFormat::Timeline, "timeline",
                          "a Chrome trace of every unit's instructions"))}]>,
  ];
}

#endif // LPU_DIALECT_LPU_PASSES
