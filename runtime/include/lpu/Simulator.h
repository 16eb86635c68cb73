//===- Simulator.h - The reference backend ----------------------*- C++ -*-===//
//
// A cycle-accurate functional simulator of an LPU binary. It proves the
// schedule: any operand that is not where the instruction expects it at its
// cycle, and any resource used twice at once, is reported as a hazard and
// fails the run, exactly as it would silently corrupt data on the chip. And
// it computes real values. Hazards depend only on the instructions, so the
// proof is made once per binary (proveSchedule) and shared by every run of
// it; a run then only computes values. The machine model is specified in
// docs/isa.md.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_SIMULATOR_H
#define LPU_SIMULATOR_H

#include "lpu/Binary.h"
#include "lpu/Elements.h"

#include <memory>
#include <string>
#include <vector>

namespace lpu {

struct UnitStats {
  UnitKind kind;
  uint32_t index;
  /// Issue cycles used (NOPs excluded; each repeated issue counts).
  uint64_t busyCycles = 0;
};

struct SimulationStats {
  /// Cycles from the first issue until the last result lands.
  uint64_t cycles = 0;
  /// Issued instructions, NOPs excluded, repeats expanded.
  uint64_t instructions = 0;
  /// Instruction words in the binary, NOPs and repeats included.
  uint64_t instructionWords = 0;
  /// Values put on streams, and stream reads.
  uint64_t streamWrites = 0;
  uint64_t streamReads = 0;
  /// SRAM bytes of the addresses that ever held data (inputs, constants,
  /// writes): the high-water mark of a statically allocated program, and the
  /// capacity.
  uint64_t sramBytesUsed = 0;
  uint64_t sramBytesTotal = 0;
  uint32_t clockMHz = 0;
  std::vector<UnitStats> units;

  double latencyMicroseconds() const {
    return clockMHz ? double(cycles) / clockMHz : 0.0;
  }
};

/// A binary's schedule, proven hazard-free: the issues in machine order and
/// which result each operand reads (lib/ScheduleProof.h).
class ScheduleProof;

/// Proves `binary`'s schedule, or returns null with the first hazard (or an
/// output never completely written) in `error`. The proof refers to nothing
/// in `binary` and serves every Simulator of it.
std::shared_ptr<const ScheduleProof> proveSchedule(const Binary &binary,
                                                   std::string &error);

class Simulator {
public:
  explicit Simulator(const Binary &binary);
  ~Simulator();
  Simulator(const Simulator &) = delete;
  Simulator &operator=(const Simulator &) = delete;

  /// Copies `count` host elements of the binding's dtype (row-major, the
  /// binding's shape; dtypeHostBytes() each) into SRAM.
  bool setInput(size_t index, const void *data, size_t count,
                std::string &error);
  /// After a run, prepares the next run of the program (one with state) in
  /// the SRAM the run left, not a fresh copy: the binary's image is written
  /// again (a run may reuse the cells of constants it no longer reads), and
  /// every input set before keeps what the run left in its cells (a state
  /// input, its output's value). Other cells keep stale values, which the
  /// proof guarantees no run reads before writing them. Inputs may then be
  /// set again.
  void startNextRun();
  /// Runs the whole program. Returns false with a hazard or missing-input
  /// report in `error`. The first form proves the schedule itself; the
  /// second takes the proof of this binary made by proveSchedule.
  bool run(std::string &error);
  bool run(std::shared_ptr<const ScheduleProof> proof, std::string &error);
  /// Copies an output (row-major, host elements) out of SRAM after a
  /// successful run.
  bool getOutput(size_t index, void *data, size_t count,
                 std::string &error) const;
  const SimulationStats &getStats() const;

private:
  struct State;
  std::unique_ptr<State> state;
};

} // namespace lpu

#endif // LPU_SIMULATOR_H
