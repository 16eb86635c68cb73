//===- Simulator.h - The reference backend ----------------------*- C++ -*-===//
//
// A cycle-accurate functional simulator of an LPU binary. It computes real
// values and proves the schedule: any operand that is not where the
// instruction expects it at its cycle is reported as a hazard and fails the
// run, exactly as it would silently corrupt data on the chip.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_SIMULATOR_H
#define LPU_SIMULATOR_H

#include "lpu/Binary.h"

#include <memory>
#include <string>
#include <vector>

namespace lpu {

struct UnitStats {
  UnitKind kind;
  uint32_t index;
  uint64_t instructions = 0; // issued, NOPs excluded (one issue cycle each)
};

struct SimulationStats {
  /// Cycles from the first issue until the last result lands.
  uint64_t cycles = 0;
  uint64_t instructions = 0;
  std::vector<UnitStats> units;
};

class Simulator {
public:
  explicit Simulator(const Binary &binary);
  ~Simulator();
  Simulator(const Simulator &) = delete;
  Simulator &operator=(const Simulator &) = delete;

  /// Copies `count` elements (row-major, the binding's shape) into SRAM.
  bool setInput(size_t index, const float *data, size_t count,
                std::string &error);
  /// Runs the whole program. Returns false with a hazard or missing-input
  /// report in `error`.
  bool run(std::string &error);
  /// Copies an output (row-major) out of SRAM after a successful run.
  bool getOutput(size_t index, float *data, size_t count,
                 std::string &error) const;
  const SimulationStats &getStats() const;

private:
  struct State;
  std::unique_ptr<State> state;
};

} // namespace lpu

#endif // LPU_SIMULATOR_H
