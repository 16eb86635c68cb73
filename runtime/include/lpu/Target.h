//===- Target.h - LPU target descriptions -----------------------*- C++ -*-===//
//
// Every chip parameter the compiler and the simulator depend on. A binary
// embeds the description it was compiled for.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_TARGET_H
#define LPU_TARGET_H

#include "lpu/ISA.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace lpu {

struct TargetDesc {
  std::string name;
  /// Elements per vector (fp32 elements: one lane holds one element).
  uint32_t lanes = 0;
  /// MEM slices and vector addresses per slice.
  uint32_t memSlices = 0;
  uint32_t memAddresses = 0;
  /// Stream registers per direction (east and west), i.e. 2x in all.
  uint32_t streamsPerDirection = 0;
  /// Independent instruction queues per unit kind.
  uint32_t vxmUnits = 0;
  uint32_t mxmPlanes = 0;
  uint32_t sxmUnits = 0;
  uint32_t clockMHz = 0;
  /// Cycles from issue until the result (stream, SRAM cell, weight buffer or
  /// array) is visible; indexed by Opcode.
  std::array<uint32_t, kNumOpcodes> latency{};

  uint32_t numStreams() const { return 2 * streamsPerDirection; }
  uint32_t unitCount(UnitKind kind) const;
  uint32_t latencyOf(Opcode op) const {
    return latency[static_cast<unsigned>(op)];
  }
  /// Empty when the description is internally consistent, else why not.
  std::string validate() const;
  bool operator==(const TargetDesc &other) const;
};

/// Targets shipped with lpuc: "lpu-v1" (TSP-scale) and "lpu-tiny" (for tests).
const std::vector<TargetDesc> &builtinTargets();
/// The built-in target called `name`, or nullptr.
const TargetDesc *findBuiltinTarget(const std::string &name);

} // namespace lpu

#endif // LPU_TARGET_H
