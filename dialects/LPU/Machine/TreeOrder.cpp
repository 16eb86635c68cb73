//===- TreeOrder.cpp - The order the scheduler places trees in ------------===//
//
// The scheduler places each tree at the first root cycle where its resources
// are free, so the trees placed first take the cycles they want. Program
// order places a whole layer before the next one starts to compete; here the
// trees go in order of their critical path instead: of the trees whose
// predecessors are placed, the one with the longest chain of trees after it.
//
// A tree's predecessors are those program order must keep before it: the
// writer of each SRAM cell version it reads, the readers and writer of the
// version each of its writes replaces, and the trees before it that use the
// same MXM plane (weight loads, installs and products keep their order).
//
// A tree's rank is the longest chain of trees after it, each link weighted
// by how long the next tree must wait: a reader waits for the whole tree
// (its longest path of latencies from a leaf to the root, when the write
// lands); a tree kept behind only by order (the next on its plane, or the
// next writer of what it read) waits only while the tree holds its plane
// (one cycle for a tree on no plane).
// Counting an install or a product's full latency for every plane successor
// made a plane's chain the sum of its latencies, which ranked every MXM
// tree far above any other; with occupancies, a plane's chain is the MXM
// work left on it, and VXM-bound programs rank by their data paths too.
//
//===----------------------------------------------------------------------===//

#include "dialects/LPU/Machine/Scheduling.h"
#include "dialects/LPU/Machine/SramCellTable.h"

#include <queue>

using namespace lpuc::lpu;
using ::lpu::Opcode;

std::vector<InstrId> lpuc::lpu::treeRoots(const MachineProgram &program) {
  std::vector<InstrId> roots;
  for (InstrId id = 0, e = program.instrs.size(); id < e; ++id)
    if (!program.instrs[id].hasResult())
      roots.push_back(id);
  return roots;
}

std::vector<InstrId>
lpuc::lpu::orderTreesByCriticalPath(const MachineProgram &program) {
  const ::lpu::TargetDesc &target = *program.target;
  const std::vector<InstrId> roots = treeRoots(program);
  const int32_t numTrees = roots.size();

  // Each successor with whether it reads what the tree wrote.
  std::vector<llvm::SmallVector<std::pair<int32_t, bool>, 2>> successors(
      numTrees);
  std::vector<int64_t> occupancy(numTrees, 1);
  std::vector<int32_t> predecessors(numTrees, 0);
  std::vector<int64_t> length(numTrees, 1);
  auto addEdge = [&](int32_t from, int32_t to, bool reads) {
    if (from < 0 || from == to)
      return;
    successors[from].push_back({to, reads});
    ++predecessors[to];
  };

  SramCellTable<int32_t> lastWriter(program.numSramCells(), -1);
  SramCellTable<llvm::SmallVector<int32_t, 1>> readers(program.numSramCells());
  std::vector<int32_t> lastOnPlane(target.mxmPlanes, -1);
  std::vector<InstrId> stack;
  std::vector<int64_t> depth(program.instrs.size(), 0);
  for (int32_t tree = 0; tree < numTrees; ++tree) {
    // The tree's instructions: every value has one consumer, so a walk
    // over operands from the root visits each once.
    stack.assign(1, roots[tree]);
    depth[roots[tree]] = 0;
    while (!stack.empty()) {
      const InstrId id = stack.back();
      stack.pop_back();
      const MachineInstr &inst = program.instrs[id];
      const int64_t reach = depth[id] + target.latencyOf(inst.opcode);
      length[tree] = std::max(length[tree], reach);
      for (InstrId operand : inst.operands) {
        depth[operand] = reach;
        stack.push_back(operand);
      }
      if (inst.accessesSram()) {
        program.forEachCell(inst, [&](int64_t cell) {
          if (::lpu::writesSram(inst.opcode)) {
            for (int32_t reader : readers[cell])
              addEdge(reader, tree, false);
            readers[cell].clear();
            addEdge(lastWriter[cell], tree, false);
            lastWriter[cell] = tree;
          } else {
            addEdge(lastWriter[cell], tree, true);
            readers[cell].push_back(tree);
          }
        });
      } else if (::lpu::isPlaneQueue(inst.queueKind) && inst.unit >= 0) {
        addEdge(lastOnPlane[inst.unit], tree, false);
        occupancy[tree] = std::max(occupancy[tree], inst.span(target));
        lastOnPlane[inst.unit] = tree;
      }
    }
  }

  // Edges run forward in program order: ranks from the last tree back.
  std::vector<int64_t> rank(numTrees, 0);
  for (int32_t tree = numTrees - 1; tree >= 0; --tree) {
    rank[tree] = length[tree];
    for (auto [next, reads] : successors[tree])
      rank[tree] = std::max(
          rank[tree], (reads ? length[tree] : occupancy[tree]) + rank[next]);
  }
  // Highest rank first; of equal ranks, program order.
  auto later = [&](int32_t a, int32_t b) {
    return rank[a] != rank[b] ? rank[a] < rank[b] : a > b;
  };
  std::priority_queue<int32_t, std::vector<int32_t>, decltype(later)> ready(
      later);
  for (int32_t tree = 0; tree < numTrees; ++tree)
    if (predecessors[tree] == 0)
      ready.push(tree);
  std::vector<InstrId> order;
  order.reserve(numTrees);
  while (!ready.empty()) {
    const int32_t tree = ready.top();
    ready.pop();
    order.push_back(roots[tree]);
    for (auto [next, reads] : successors[tree])
      if (--predecessors[next] == 0)
        ready.push(next);
  }
  return order;
}
