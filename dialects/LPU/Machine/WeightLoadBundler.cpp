//===- WeightLoadBundler.cpp - Weight rows loaded together ----------------===//
//
// A plane's weight buffer takes `mxm.load_bytes` bytes per lane a cycle: one
// `lw` moves that many rows, each on its own stream group. The expansion
// loads one row per `lw`; this step joins consecutive rows of one plane into
// loads as wide as the target allows, where the rows' producers can issue in
// the same cycles: a tree is placed rigidly, so two rows whose values come
// from the same MEM slice (or MXM plane) would want that queue at the same
// offset, and the scheduler would have to retime one through the VXM.
//
// A load's rows take consecutive streams, found together along the whole
// way from their slices to the plane. Eight free at once are rare where
// products stream too: an i8 load (8 rows on lpu-v1) is capped at
// kMaxRowsPerLoad (ResNet-50 int8: 69,666 cycles with 8, 68,302 with 5,
// 68,275 with 6, 68,654 with 7, 72,515 with 2; ResNet-18 int8 and
// MobileNetV2 int8 likewise best at 5 or 6; f16 loads take 4).
//
//===----------------------------------------------------------------------===//

#include "dialects/LPU/Machine/Scheduling.h"

#include "llvm/ADT/SmallSet.h"

#include <map>

using namespace mlir;
using namespace lpuc::lpu;
using ::lpu::Opcode;
using ::lpu::UnitKind;

namespace {

constexpr size_t kMaxRowsPerLoad = 6;

/// What the producers of one row's value need: the queues they are bound to,
/// and how many of them take any queue of a kind.
struct RowNeeds {
  llvm::SmallSet<std::pair<unsigned, int64_t>, 4> boundQueues;
  int64_t vxm = 0, sxm = 0;

  bool combine(const RowNeeds &other) {
    for (const auto &queue : other.boundQueues)
      if (!boundQueues.insert(queue).second)
        return false;
    vxm += other.vxm;
    sxm += other.sxm;
    return true;
  }
};

class Bundler {
public:
  explicit Bundler(MachineProgram &program)
      : program(program), target(*program.target),
        erased(program.instrs.size(), false) {}

  void run() {
    for (InstrId id = 0, e = program.instrs.size(); id < e; ++id) {
      const MachineInstr &inst = program.instrs[id];
      if (!::lpu::isPlaneQueue(inst.queueKind) || inst.unit < 0)
        continue;
      if (inst.opcode != Opcode::LoadWeights || inst.numOperands() != 1) {
        close(inst.unit);
        continue;
      }
      if (!join(id)) {
        close(inst.unit);
        open(id);
      }
    }
    for (auto &[plane, group] : groups)
      merge(group);
    eraseMarked();
  }

private:
  struct Group {
    llvm::SmallVector<InstrId, 8> loads;
    RowNeeds needs;
  };

  RowNeeds needsOf(InstrId value) {
    RowNeeds needs;
    llvm::SmallVector<InstrId, 4> work = {value};
    while (!work.empty()) {
      const MachineInstr &inst = program.instrs[work.pop_back_val()];
      if (inst.accessesSram())
        needs.boundQueues.insert(
            {unsigned(UnitKind::Mem), program.sramLocation(inst).first});
      else if (inst.unit >= 0)
        needs.boundQueues.insert({unsigned(inst.queueKind), inst.unit});
      else if (inst.queueKind == UnitKind::Vxm)
        ++needs.vxm;
      else if (inst.queueKind == UnitKind::Sxm)
        ++needs.sxm;
      work.append(inst.operands.begin(), inst.operands.end());
    }
    return needs;
  }

  /// Adds load `id` to its plane's open group if it continues it.
  bool join(InstrId id) {
    const MachineInstr &inst = program.instrs[id];
    auto it = groups.find(inst.unit);
    if (it == groups.end())
      return false;
    Group &group = it->second;
    const MachineInstr &last = program.instrs[group.loads.back()];
    if (inst.dtype != last.dtype ||
        group.loads.size() >=
            std::min<size_t>(kMaxRowsPerLoad, target.loadRowsOf(inst.dtype)) ||
        ::lpu::decodeLoad(inst.imm).row !=
            ::lpu::decodeLoad(last.imm).row + 1 ||
        llvm::any_of(group.loads, [&](InstrId other) {
          return program.instrs[other].operands[0] == inst.operands[0];
        }))
      return false;
    RowNeeds needs = group.needs;
    // Producers that may take any queue of their kind could still all want
    // the same cycle: no more of them than the queues one choice offers.
    if (!needs.combine(needsOf(inst.operands[0])) ||
        needs.vxm > target.vxmUnits || needs.sxm > target.sxmQueuesPerSlice)
      return false;
    group.needs = std::move(needs);
    group.loads.push_back(id);
    return true;
  }

  void open(InstrId id) {
    Group &group = groups[program.instrs[id].unit];
    group.loads = {id};
    group.needs = needsOf(program.instrs[id].operands[0]);
  }

  void close(int32_t plane) {
    auto it = groups.find(plane);
    if (it == groups.end())
      return;
    merge(it->second);
    groups.erase(it);
  }

  /// The group's last load (after every row's producer in program order)
  /// loads all its rows; the others go.
  void merge(const Group &group) {
    if (group.loads.size() < 2)
      return;
    llvm::SmallVector<InstrId, 2> rows;
    for (InstrId id : group.loads) {
      rows.push_back(program.instrs[id].operands[0]);
      erased[id] = id != group.loads.back();
    }
    MachineInstr &load = program.instrs[group.loads.back()];
    load.operands = std::move(rows);
    load.imm = ::lpu::encodeLoad(
        ::lpu::decodeLoad(program.instrs[group.loads.front()].imm).row,
        uint32_t(group.loads.size()));
  }

  void eraseMarked() {
    std::vector<InstrId> newIndex(program.instrs.size(), kNoInstr);
    ::lpu::LargeVector<MachineInstr> kept;
    kept.reserve(program.instrs.size());
    for (InstrId id = 0, e = program.instrs.size(); id < e; ++id)
      if (!erased[id]) {
        newIndex[id] = kept.size();
        kept.push_back(std::move(program.instrs[id]));
      }
    for (MachineInstr &inst : kept)
      for (InstrId &operand : inst.operands)
        operand = newIndex[operand];
    renumberBufferPositions(program, newIndex, kept.size());
    program.instrs = std::move(kept);
  }

  MachineProgram &program;
  const ::lpu::TargetDesc &target;
  std::map<int32_t, Group> groups; // open groups by plane
  std::vector<bool> erased;
};

} // namespace

LogicalResult lpuc::lpu::bundleWeightLoads(MachineProgram &program) {
  for (const MachineBuffer &buffer : program.buffers)
    if (!buffer.isAllocated())
      return emitError(program.origins[buffer.origin], "buffer '")
             << buffer.name
             << "' has no SRAM address; run lpu-allocate-sram first";
  for (const MachineInstr &inst : program.instrs)
    if (inst.isPlaced())
      return emitError(program.location(),
                       "the program is scheduled already; weight loads are "
                       "bundled before lpu-schedule");
  Bundler(program).run();
  return success();
}
