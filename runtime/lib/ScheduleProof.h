//===- ScheduleProof.h - A binary's schedule, proven hazard-free -*- C++
//-*-===//
//
// Hazards depend only on the instructions, never on the values they move, so
// the reference backend proves a binary's schedule once (ScheduleProof.cpp)
// and then computes values as often as it is run (Simulator.cpp). The proof
// records what the value pass needs and nothing else: every issue in the
// order the machine makes them, and, for each stream operand, the issue whose
// result it reads.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_RUNTIME_LIB_SCHEDULEPROOF_H
#define LPU_RUNTIME_LIB_SCHEDULEPROOF_H

#include "lpu/LargeArray.h"
#include "lpu/Simulator.h"

#include <vector>

namespace lpu {

/// One issue of one instruction (a repeat's issues are steps of their own,
/// with the repeat's address step applied).
struct TraceStep {
  uint64_t cycle = 0;
  Instruction inst;
  uint32_t unit = 0;    // index into Binary::units
  uint32_t readers = 0; // stream reads of its result by later steps
};

class ScheduleProof {
public:
  /// Every issue, in (cycle, queue) order: an order in which each operand's
  /// producer comes first.
  LargeVector<TraceStep> steps;
  /// The producing step of each stream operand, step after step: one per
  /// source of the instruction, and one per row of an `lw`.
  LargeVector<uint32_t> producers;
  /// Everything but values: cycles, issues, stream traffic, SRAM used.
  SimulationStats stats;
};

/// Per MEM slice, one past the highest address `binary` can touch: SRAM a
/// run needs.
std::vector<uint64_t> sramExtent(const Binary &binary);

/// The number of stream operands `inst` reads: its sources, or an `lw`'s
/// rows.
unsigned numStreamOperands(const Instruction &inst);

} // namespace lpu

#endif // LPU_RUNTIME_LIB_SCHEDULEPROOF_H
