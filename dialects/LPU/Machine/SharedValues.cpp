//===- SharedValues.cpp - One consumer per value
//---------------------------===//
//
// Streams hold nothing, so a value reaches exactly one consumer at one
// (slice, cycle) point: before placement, every value read by several
// instructions is recomputed for each extra reader (a read: SRAM is read
// again), and results nobody reads are erased. The program becomes a forest
// of trees rooted at instructions without a result.
//
//===----------------------------------------------------------------------===//

#include "dialects/LPU/Machine/Scheduling.h"

#include <algorithm>

using namespace mlir;
using namespace lpuc::lpu;

void lpuc::lpu::splitSharedValues(MachineProgram &program) {
  ::lpu::LargeVector<MachineInstr> &instrs = program.instrs;
  const InstrId original = instrs.size();
  std::vector<llvm::SmallVector<InstrId, 1>> users = computeUsers(program);
  std::vector<bool> dead(original, false);
  for (InstrId i = original - 1; i >= 0; --i) {
    const MachineInstr &inst = instrs[i];
    if (!inst.hasResult() || !users[i].empty())
      continue;
    dead[i] = true;
    for (unsigned k = 0; k < inst.numOperands(); ++k) {
      auto &list = users[inst.operands[k]];
      list.erase(std::remove(list.begin(), list.end(), i), list.end());
    }
  }
  // Program order key: (original index, place among its clones).
  std::vector<std::pair<InstrId, int32_t>> key(original);
  for (InstrId i = 0; i < original; ++i)
    key[i] = {i, 0};
  auto before = [&](InstrId a, InstrId b) { return key[a] < key[b]; };
  for (InstrId i = original - 1; i >= 0; --i) {
    if (dead[i] || !instrs[i].hasResult() || users[i].size() < 2)
      continue;
    llvm::SmallVector<InstrId, 4> consumers(users[i].begin(), users[i].end());
    llvm::sort(consumers, before);
    const int32_t copies = consumers.size();
    // Each copy goes right after the original, before the copies made for
    // earlier consumers: original, copy for the last consumer, ...
    for (int32_t j = 1; j < copies; ++j) {
      InstrId copy = instrs.size();
      MachineInstr clone = instrs[i];
      instrs.push_back(clone);
      key.push_back({key[i].first, copies - j});
      users.emplace_back();
      for (unsigned k = 0; k < clone.numOperands(); ++k)
        if (!clone.repeatsOperand(k))
          users[clone.operands[k]].push_back(copy);
      InstrId consumer = consumers[j];
      MachineInstr &c = instrs[consumer];
      for (unsigned k = 0; k < c.numOperands(); ++k)
        if (c.operands[k] == i)
          c.operands[k] = copy;
      users[copy].push_back(consumer);
    }
    users[i].assign(1, consumers[0]);
  }
  std::vector<InstrId> order;
  for (InstrId i = 0, e = instrs.size(); i < e; ++i)
    if (i >= original || !dead[i])
      order.push_back(i);
  llvm::sort(order, before);
  std::vector<InstrId> newIndex(instrs.size(), kNoInstr);
  ::lpu::LargeVector<MachineInstr> sorted;
  sorted.reserve(order.size());
  for (InstrId id : order) {
    newIndex[id] = sorted.size();
    sorted.push_back(std::move(instrs[id]));
  }
  for (MachineInstr &inst : sorted)
    for (unsigned k = 0; k < inst.numOperands(); ++k)
      inst.operands[k] = newIndex[inst.operands[k]];
  // Buffers stay before the instruction they preceded (or a later one, if
  // that one was erased).
  renumberBufferPositions(program, ArrayRef(newIndex).take_front(original),
                          sorted.size());
  instrs = std::move(sorted);
}
