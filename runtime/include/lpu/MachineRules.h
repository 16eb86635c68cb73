//===- MachineRules.h - The LPU's timing rules, written once ----*- C++ -*-===//
//
// When a result exists and where, how it travels, how long an instruction
// holds its queue, and when an MXM plane's weight state or an SRAM cell's
// contents let an instruction issue. docs/isa.md states these rules; this
// header is the one place that encodes them. The simulator enforces them as
// it runs a binary; the compiler's scheduler places instructions by them, its
// schedule verifier checks a schedule against them, and the schedule report
// bounds the cycle count with them.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_MACHINERULES_H
#define LPU_MACHINERULES_H

#include "lpu/ISA.h"
#include "lpu/Target.h"

#include <algorithm>
#include <cstdint>

namespace lpu {

/// The cycle an instruction issued at `issue` has its result where its unit
/// sits: on a stream, in an SRAM cell, in a weight-buffer row or the array.
inline int64_t landingCycle(const TargetDesc &target, Opcode opcode,
                            int64_t issue) {
  return issue + target.latencyOf(opcode);
}

/// Cycles a value takes between two floorplan columns: one slice a cycle.
inline int64_t travelCycles(int64_t fromColumn, int64_t toColumn) {
  return fromColumn < toColumn ? toColumn - fromColumn : fromColumn - toColumn;
}

/// The cycle the result of `opcode`, issued at `issue` in column `from`,
/// passes column `to` -- the only cycle a consumer there can read it.
inline int64_t arrivalCycle(const TargetDesc &target, Opcode opcode,
                            int64_t issue, int64_t from, int64_t to) {
  return landingCycle(target, opcode, issue) + travelCycles(from, to);
}

/// Whether a value from a `producer` unit to a `consumer` unit passes from
/// ALU to ALU instead of taking a stream: both on the VXM, which chains its
/// ALUs. It stays in its ALU's latch (ISA.h: kLatchBase), where the consumer
/// reads it in the cycle it lands, like a stream value at distance 0.
inline bool chainsInVxm(UnitKind producer, UnitKind consumer) {
  return producer == UnitKind::Vxm && consumer == UnitKind::Vxm;
}

/// Whether unit `unit` of `kind` may keep its result in the latch `field`
/// names: only a VXM ALU, and only in its own.
inline bool mayKeepInLatch(UnitKind kind, uint32_t unit, uint8_t field) {
  return kind == UnitKind::Vxm && field == latchField(unit);
}

/// Whether a value written on `stream` at column `from` flows past `to`.
inline bool streamReaches(const TargetDesc &target, unsigned stream,
                          int64_t from, int64_t to) {
  return target.isEastward(static_cast<uint8_t>(stream)) ? from <= to
                                                         : from >= to;
}

/// Cycles an instruction holds its queue: `nop N` N, `repeat n, d` n*d, an
/// MXM product its type's cycles (TargetDesc::mxmRate), every other
/// instruction 1.
inline uint64_t queueCycles(const TargetDesc &target, Opcode opcode,
                            uint32_t imm, DType dtype) {
  if (opcode == Opcode::Nop)
    return imm;
  if (opcode == Opcode::Repeat)
    return uint64_t(imm & 0xffff) * (imm >> 16);
  if (opcode == Opcode::MatMul || opcode == Opcode::MatMulAcc)
    if (const MXMRate *rate = target.mxmRate(dtype))
      return rate->cycles;
  return 1;
}
inline uint64_t queueCycles(const TargetDesc &target, const Instruction &inst) {
  return queueCycles(target, inst.opcode, inst.imm, inst.dtype);
}

/// Cycles of its MEM slice an access takes, back to back with others: a
/// gather holds every bank for its port time (its lanes' addresses are
/// values), other accesses spread theirs over the banks they touch.
inline uint32_t memSliceCycles(const TargetDesc &target, Opcode opcode,
                               DType dtype) {
  const uint32_t planes = target.planesOf(dtype);
  return isIndirect(opcode) ? target.memPortCycles(planes)
                            : target.memSliceCycles(planes);
}

/// One MXM plane's weight state along a schedule. `lw` writes a buffer row
/// when it lands; `iw` copies the buffer when it issues and the array holds
/// the new weights when it lands; `abc`/`acc` stream through the array.
struct PlaneTimeline {
  int64_t loadsLanded = 0;       // every row load so far has landed by then
  int64_t lastInstallIssue = -1; // -1: nothing installed yet
  int64_t arrayReady = 0;        // the latest install has landed by then
  int64_t lastProductIssue = -1;

  bool hasInstalled() const { return lastInstallIssue >= 0; }

  // What the hardware cannot do (the simulator reports these).
  /// An install copies the buffer at issue, so no row load may be in flight.
  bool installMeetsPendingLoad(int64_t issue) const {
    return loadsLanded > issue;
  }
  /// Products need installed weights and no install landing meanwhile.
  bool productMeetsPendingInstall(int64_t issue) const {
    return arrayReady > issue;
  }

  // What keeps program order's meaning (the scheduler and verifier keep it):
  // a row must not land before an earlier install has copied the buffer, an
  // install waits for its rows and for the products the old weights serve,
  // and a product for the weights it is meant to use.
  int64_t earliestLoad() const { return lastInstallIssue + 1; }
  int64_t earliestInstall() const {
    return std::max({loadsLanded, lastProductIssue + 1, arrayReady});
  }
  int64_t earliestProduct() const { return arrayReady; }

  void recordLoad(int64_t landed) {
    loadsLanded = std::max(loadsLanded, landed);
  }
  void recordInstall(int64_t issue, int64_t landed) {
    lastInstallIssue = issue;
    arrayReady = landed;
  }
  void recordProduct(int64_t issue) {
    lastProductIssue = std::max(lastProductIssue, issue);
  }
};

/// One SRAM vector along a schedule, in the compiler's program order: a
/// write is visible to reads issued from the cycle it lands, so a read must
/// come after the write it is meant to see, and the next write must land
/// after every read of the old contents and after the write before it.
struct CellTimeline {
  int64_t visibleAt = 0;      // the latest write has landed by then
  int64_t lastReadIssue = -1; // -1: not read yet

  int64_t earliestRead() const { return visibleAt; }
  /// The earliest landing cycle of the next write.
  int64_t earliestWriteLanding() const {
    return std::max(lastReadIssue, visibleAt) + 1;
  }
  void recordRead(int64_t issue) {
    lastReadIssue = std::max(lastReadIssue, issue);
  }
  void recordWrite(int64_t landed) { visibleAt = landed; }
};

} // namespace lpu

#endif // LPU_MACHINERULES_H
