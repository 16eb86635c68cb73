//===- Target.h - LPU target descriptions -----------------------*- C++ -*-===//
//
// Every chip parameter the compiler and the simulator depend on. Targets are
// written as JSON files (docs/target-description.md); the shipped ones live
// in runtime/targets/ and are compiled in from there. A binary embeds the
// description it was compiled for.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_TARGET_H
#define LPU_TARGET_H

#include "lpu/ISA.h"
#include "lpu/Layout.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lpu {

/// What occupies one column of the floorplan. The values are part of the
/// binary format. C2C slices hold no queue the ISA uses yet.
enum class SliceKind : uint8_t { Mem = 0, Vxm = 1, Mxm = 2, Sxm = 3, C2c = 4 };
std::string_view sliceKindName(SliceKind kind); // "MEM", "VXM", ...

/// What an MXM plane does with one element type: an install holds `rows`
/// array rows (the K of one pass: an input vector's lanes [w, w + rows) for
/// the install's window w), and an `abc`/`acc` holds the plane `cycles`
/// cycles. The plane's MAC rate is rows x lanes / cycles.
struct MXMRate {
  DType type = DType::None;
  uint32_t rows = 0;
  uint32_t cycles = 0;
  bool operator==(const MXMRate &o) const {
    return type == o.type && rows == o.rows && cycles == o.cycles;
  }
};

struct TargetDesc {
  std::string name;
  uint32_t clockMHz = 0;
  /// Elements per vector.
  uint32_t lanes = 0;
  /// Bytes one lane of a stream register or of an SRAM address holds: a
  /// stream and an address hold lanes * laneBytes bytes. A vector of a wider
  /// type spreads its elements' bytes over planesOf(type) streams (a stream
  /// group) and as many consecutive addresses.
  uint32_t laneBytes = 0;
  /// Superlanes the lanes are grouped into (instructions reach superlane k
  /// k cycles after issue; the skew is the same for every instruction and is
  /// not modelled).
  uint32_t superlanes = 0;
  /// Stream registers per direction; stream ids [0, n) flow east, [n, 2n)
  /// west.
  uint32_t streamsPerDirection = 0;
  /// Addresses per MEM slice and banks per slice. Address a is in bank
  /// a % memBanks; each bank's port moves one address per cycle, so a vector
  /// of several planes holds the banks it touches for memPortCycles().
  uint32_t memAddresses = 0;
  uint32_t memBanks = 0;
  /// VXM queues per VXM slice (ALUs per lane) and SXM queues per SXM slice.
  uint32_t vxmAlusPerLane = 0;
  uint32_t sxmQueuesPerSlice = 0;
  /// The element types the VXM computes in, and those the MXM multiplies
  /// (with their rates), in DType order. A type missing from `mxmRates` has
  /// no matrix unit: lpu-v1, like the TSP, multiplies i8, f16 and bf16.
  std::vector<DType> vxmTypes;
  std::vector<MXMRate> mxmRates;
  /// Bytes per lane one `lw` moves into a plane's weight buffer: a plane's
  /// weight-load bandwidth per cycle. An `lw` of `dtype` loads
  /// loadRowsOf(dtype) rows at most, from as many stream groups.
  uint32_t mxmLoadBytes = 0;
  /// Slices from the west edge to the east edge; a value moves one slice per
  /// cycle. The first VXM slice is the centre: slices west of it form the
  /// west hemisphere.
  std::vector<SliceKind> floorplan;
  /// Cycles from issue until the result (stream, SRAM cell, weight buffer or
  /// array) is visible; indexed by Opcode.
  std::array<uint32_t, kNumOpcodes> latency{};

  /// Derived from the fields above by finalize(): queue counts per unit kind
  /// and the floorplan column of every queue.
  uint32_t memSlices = 0;
  uint32_t vxmUnits = 0;
  uint32_t mxmPlanes = 0;
  uint32_t sxmUnits = 0;
  std::array<std::vector<uint32_t>, kNumUnitKinds> unitColumns;

  /// Computes the derived fields; call after setting the others.
  void finalize();
  /// Empty when the description is internally consistent, else why not.
  std::string validate() const;
  /// The part of validate() that needs no derived field.
  std::string validateParameters() const;

  uint32_t numStreams() const { return 2 * streamsPerDirection; }
  /// Bytes a stream register carries, and an SRAM address holds.
  uint32_t planeBytes() const { return lanes * laneBytes; }
  /// Streams, and SRAM addresses, one vector of `dtype` occupies: its stream
  /// group starts at a stream id that is a multiple of this.
  uint32_t planesOf(DType dtype) const {
    // Byte lanes first: no division where the simulator asks most.
    const uint32_t bytes = dtypeHostBytes(dtype);
    return laneBytes == 1 ? bytes : (bytes + laneBytes - 1) / laneBytes;
  }
  uint64_t sramBytes() const {
    return uint64_t(memSlices) * memAddresses * planeBytes();
  }
  bool isEastward(uint8_t stream) const { return stream < streamsPerDirection; }
  uint32_t unitCount(UnitKind kind) const;
  /// The floorplan column of queue `index` of `kind`.
  uint32_t unitColumn(UnitKind kind, uint32_t index) const {
    return unitColumns[static_cast<unsigned>(kind)][index];
  }
  uint32_t numColumns() const { return floorplan.size(); }
  uint32_t centreColumn() const;
  uint32_t latencyOf(Opcode op) const {
    return latency[static_cast<unsigned>(op)];
  }
  uint32_t bankOf(uint32_t address) const { return address % memBanks; }
  /// The MXM's rate for `dtype`, or nullptr if it does not multiply it.
  const MXMRate *mxmRate(DType dtype) const;
  bool vxmComputes(DType dtype) const;
  /// The most weight-buffer rows of `dtype` one `lw` loads (at least 1).
  uint32_t loadRowsOf(DType dtype) const {
    return std::max<uint32_t>(1, mxmLoadBytes / (planesOf(dtype) * laneBytes));
  }
  /// "i8, f16, bf16": the types the MXM multiplies, for messages.
  std::string mxmTypeList() const;
  /// Cycles an access of `planes` consecutive addresses holds each bank it
  /// touches (every bank, once planes >= memBanks).
  uint32_t memPortCycles(uint32_t planes) const {
    return (planes + memBanks - 1) / memBanks;
  }
  /// Banks such an access touches: bankOf(address) and the next ones.
  uint32_t memBanksTouched(uint32_t planes) const {
    return planes < memBanks ? planes : memBanks;
  }
  /// Cycles of a MEM slice such accesses take on average, back to back: one
  /// issue each, or their bank-port time spread over every bank.
  uint32_t memSliceCycles(uint32_t planes) const {
    uint32_t portTime = memPortCycles(planes) * memBanksTouched(planes);
    return portTime > memBanks ? (portTime + memBanks - 1) / memBanks : 1;
  }
  /// The cycle a MEM instruction issued at `issue` uses its bank's port: a
  /// read at issue, a write when it lands.
  uint64_t bankAccessCycle(Opcode op, uint64_t issue) const {
    return writesSram(op) ? issue + latencyOf(op) : issue;
  }
  /// Streams carry a value written at column x, cycle t to column x+d
  /// (eastward) or x-d (westward) at cycle t+d: the value keeps one diagonal
  /// of (column, cycle), which identifies its stream slot.
  int64_t streamDiagonal(uint8_t stream, int64_t column, int64_t cycle) const {
    return isEastward(stream) ? cycle - column : cycle + column;
  }
  bool operator==(const TargetDesc &other) const;
  bool operator!=(const TargetDesc &other) const { return !(*this == other); }
};

/// The SRAM layout of a tensor of `dtype` and `shape` on `target`.
inline TensorLayout layoutFor(const TargetDesc &target, const int64_t *shape,
                              size_t rank, DType dtype) {
  return layoutFor(shape, rank, target.lanes, target.planesOf(dtype));
}
inline TensorLayout layoutFor(const TargetDesc &target,
                              const std::vector<int64_t> &shape, DType dtype) {
  return layoutFor(target, shape.data(), shape.size(), dtype);
}

/// Element `lane` of a vector of `dtype` whose planes start at `planes`
/// (planesOf(dtype) consecutive planes of planeBytes() bytes, as in SRAM):
/// its little-endian bytes, laneBytes per plane, zero past the element.
void storeLaneElement(const TargetDesc &target, DType dtype,
                      const uint8_t *element, uint32_t lane, uint8_t *planes);
void loadLaneElement(const TargetDesc &target, DType dtype,
                     const uint8_t *planes, uint32_t lane, uint8_t *element);

/// The first `count` lanes of a vector of `dtype` <-> host elements
/// `stride` bytes apart (the first dtypeHostBytes(dtype) bytes of each are
/// the element's): what storeLaneElement and loadLaneElement do lane by
/// lane, in one pass per plane. Storing gives the lanes from `count` on
/// zero.
void storeVectorElements(const TargetDesc &target, DType dtype,
                         const uint8_t *elements, size_t stride, uint32_t count,
                         uint8_t *planes);
void loadVectorElements(const TargetDesc &target, DType dtype,
                        const uint8_t *planes, uint32_t count,
                        uint8_t *elements, size_t stride);

/// A whole vector of `dtype` as lane words (laneWordToHost/FromHost) <->
/// its planes in SRAM: what storeLaneElement and loadLaneElement do for
/// every lane, in one pass.
void storeVectorWords(const TargetDesc &target, DType dtype,
                      const uint32_t *words, uint8_t *planes);
void loadVectorWords(const TargetDesc &target, DType dtype,
                     const uint8_t *planes, uint32_t *words);

/// A size for people: "512 B", "1.5 KiB", "220.00 MiB".
std::string formatBytes(uint64_t bytes);

/// Parses a target description file's text. On failure returns false with
/// one line in `error` naming the offending key.
bool parseTargetDescription(std::string_view json, TargetDesc &target,
                            std::string &error);
/// The description as a target file (stable key order, one key per line).
std::string printTargetDescription(const TargetDesc &target);

/// Targets shipped with lpuc: "lpu-v1" (TSP-scale) and "lpu-tiny" (for tests).
const std::vector<TargetDesc> &builtinTargets();
/// The built-in target called `name`, or nullptr.
const TargetDesc *findBuiltinTarget(std::string_view name);
/// A built-in target name, or else the path of a target file.
bool loadTarget(const std::string &nameOrPath, TargetDesc &target,
                std::string &error);

} // namespace lpu

#endif // LPU_TARGET_H
