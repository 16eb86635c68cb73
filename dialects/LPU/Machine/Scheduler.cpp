//===- Scheduler.cpp - Static placement in space and time -----------------===//
//
// Streams hold no value: an operand must pass the consumer's slice exactly at
// the consumer's issue cycle. So every value has one producer and one
// consumer (values used twice are recomputed, which for reads means reading
// SRAM again) and the program splits into trees, each rooted at an
// instruction without a result (a write, a weight load or install, a NOP).
//
// Trees are placed one at a time, in the order lpu-schedule asks for (by
// critical path unless told otherwise: TreeOrder.cpp). A tree is rigid: once
// its root's cycle T is chosen, every node's cycle follows from latencies and
// the distance its result travels. The scheduler takes the first T at which
// every node finds a free queue, every SRAM access a free bank port, and every
// value a stream whose slot is free along the way; in-order queues are free
// to fill earlier gaps, since the emitted queue is sorted by cycle.
//
// The search for T skips every root that provably fails, 64 at a time where
// it can: a single-queue node's queue cycles and every SRAM bank port are
// bit masks, and a node with several candidate queues needs one of them; a
// value whose end column (at a unit other than MEM) has fewer streams free than
// it takes rules its roots out by a count; a value that found no free stream
// group records the roots where it would find one; and the roots at which the
// last tree of the same shape failed fail again, since resources are only ever
// taken. So the search still takes the first T, and the schedule is the same as
// trying every root one by one.
//
//===----------------------------------------------------------------------===//

#include "dialects/LPU/Machine/Scheduling.h"
#include "dialects/LPU/Machine/SlotMaps.h"
#include "dialects/LPU/Machine/SramCellTable.h"

#include "mlir/IR/Diagnostics.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/Hashing.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/bit.h"

#include <limits>
#include <numeric>

using namespace mlir;
using namespace lpuc::lpu;
using ::lpu::Opcode;
using ::lpu::UnitKind;
using lpuc::lpu::detail::Occupancy;
using lpuc::lpu::detail::StreamSlots;

namespace {

struct Node {
  InstrId id = kNoInstr;
  int parent = -1;
  int64_t offset = 0; // issue cycle relative to the root's
  int64_t column = 0;
  UnitKind kind = UnitKind::Any;
  llvm::SmallVector<int64_t, 4> queues; // candidate units of `kind`
  // Facts looked up once per tree rather than once per trial cycle.
  int64_t latency = 0;
  int64_t span = 1; // queue cycles taken (NOP counts)
  // SRAM accesses: the first address (slice * addresses + a) of the vector
  // read or written, its planes, and the bank ports it holds for
  // portCycles cycles.
  int64_t cell = -1;
  int64_t planes = 1;
  llvm::SmallVector<Occupancy *, 2> bankPorts;
  int64_t portCycles = 1;
  // Streams the result takes (its type's planes), and the direction they
  // must flow to reach the consumer (0 east, 1 west; -1 either way).
  int64_t streamGroup = 1;
  int64_t direction = -1;
  // A VXM result read by a VXM instruction: it stays in its ALU's latch
  // (one per ALU and landing cycle) and takes no stream.
  bool chained = false;
  // An `lw` of several rows: the nodes of its operands, whose streams are
  // chosen together (consecutive groups). Its operands: which row they are.
  llvm::SmallVector<int, 0> rowNodes;
  int loadRow = -1;
  // Chosen by a successful trial.
  int64_t unit = 0;
  int64_t stream = -1;
};

//===----------------------------------------------------------------------===//
// Placement
//===----------------------------------------------------------------------===//

class Scheduler {
public:
  Scheduler(MachineProgram &program, bool opByOp, TreeOrder order)
      : program(program), target(*program.target), opByOp(opByOp),
        order(order) {
    for (unsigned k = 0; k < ::lpu::kNumUnitKinds; ++k) {
      queueBusy[k].resize(target.unitCount(static_cast<UnitKind>(k)));
      lastIssue[k].assign(target.unitCount(static_cast<UnitKind>(k)), -1);
    }
    bankBusy.resize(size_t(target.memSlices) * target.memBanks);
    latchBusy.resize(target.vxmUnits);
    streamSlots.emplace(target.numColumns(), target.numColumns(),
                        target.numStreams());
    // Streams crowd where many values meet: at the units other than MEM
    // (a few columns, so counting them costs little memory).
    for (int64_t column = 0, e = target.numColumns(); column < e; ++column)
      if (target.floorplan[column] != ::lpu::SliceKind::Mem)
        streamSlots->countAt(column);
    planes.resize(target.mxmPlanes);
    planeInstalls.assign(target.mxmPlanes, 0);
    cells.reset(program.numSramCells());
    cellWrites.reset(program.numSramCells(), 0);
  }

  LogicalResult run() {
    splitSharedValues(program);
    recordProgramOrderFacts();
    const std::vector<InstrId> roots = order == TreeOrder::CriticalPath
                                           ? orderTreesByCriticalPath(program)
                                           : treeRoots(program);
    for (InstrId id : roots) {
      const MachineInstr &inst = program.instrs[id];
      if (opByOp) {
        // A new node waits for everything placed before it.
        std::string node = getNodeOfLocation(program.locationOf(inst)).first;
        if (node != barrierNode) {
          barrierNode = node;
          barrier = totalCycles;
        }
      }
      if (failed(placeTree(id)))
        return failure();
    }
    program.cycles = totalCycles;
    return success();
  }

private:
  MachineInstr &instr(InstrId id) { return program.instrs[id]; }

  /// Program order fixes which SRAM version a read sees and which weights a
  /// matmul uses; placement must honour both.
  void recordProgramOrderFacts() {
    SramCellTable<unsigned> writes(program.numSramCells(), 0);
    std::vector<unsigned> installs(target.mxmPlanes, 0);
    version.assign(program.instrs.size(), 0);
    for (InstrId id = 0, e = program.instrs.size(); id < e; ++id) {
      const MachineInstr &inst = program.instrs[id];
      switch (inst.opcode) {
      case Opcode::Read:
      case Opcode::Gather: // the writes the cells it reads have seen
        program.forEachCell(inst,
                            [&](int64_t cell) { version[id] += writes[cell]; });
        break;
      case Opcode::Write:
      case Opcode::Scatter: // a scatter may write any entry of its table
        program.forEachCell(inst, [&](int64_t cell) { ++writes[cell]; });
        break;
      case Opcode::InstallWeights:
        ++installs[inst.unit];
        break;
      case Opcode::MatMul:
      case Opcode::MatMulAcc:
        version[id] = installs[inst.unit];
        break;
      default:
        break;
      }
    }
  }

  //===--------------------------------------------------------------------===//
  // Trees
  //===--------------------------------------------------------------------===//

  /// Appends the node of instruction `id`, an operand of node `parent` (-1
  /// for a root); returns its index.
  int addNode(InstrId id, int parent) {
    const MachineInstr &inst = instr(id);
    Node node;
    node.id = id;
    node.parent = parent;
    node.kind = inst.queueKind;
    node.latency = target.latencyOf(inst.opcode);
    node.span = inst.span(target);
    if (inst.hasResult())
      node.streamGroup = target.planesOf(inst.resultType);
    if (inst.accessesSram()) {
      auto [slice, address] = program.sramLocation(inst);
      node.cell = program.sramCell(slice, address);
      node.planes = target.planesOf(inst.dtype);
      node.queues = {slice};
      const int64_t firstBank = slice * target.memBanks;
      program.forEachBankHeld(inst, [&](int64_t b) {
        node.bankPorts.push_back(&bankBusy[firstBank + b]);
      });
      node.portCycles = target.memPortCycles(node.planes);
    } else if (inst.unit >= 0) {
      node.queues = {inst.unit};
    } else if (node.kind == UnitKind::Sxm) {
      // The SXM slice nearest the consumer, so the value travels least; of
      // two as near (both hemispheres' for the central VXM), the one nearer
      // where the operand comes from.
      int64_t consumer = nodes[parent].column;
      int64_t source = producerColumn(inst.operands[0]).value_or(consumer);
      auto cost = [&](int64_t column) {
        return std::make_pair(std::abs(column - consumer),
                              std::abs(column - source));
      };
      int64_t best = target.unitColumn(UnitKind::Sxm, 0);
      for (int64_t q = 1, e = target.sxmUnits; q < e; ++q)
        if (int64_t col = target.unitColumn(UnitKind::Sxm, q);
            cost(col) < cost(best))
          best = col;
      for (int64_t q = 0, e = target.sxmUnits; q < e; ++q)
        if (target.unitColumn(UnitKind::Sxm, q) == best)
          node.queues.push_back(q);
    } else {
      for (int64_t q = 0, e = target.unitCount(node.kind); q < e; ++q)
        node.queues.push_back(q);
    }
    node.column = target.unitColumn(node.kind, node.queues.front());
    if (parent >= 0) {
      const Node &p = nodes[parent];
      node.offset =
          p.offset - node.latency - ::lpu::travelCycles(node.column, p.column);
      if (node.column != p.column)
        node.direction = node.column < p.column ? 0 : 1;
      node.chained = ::lpu::chainsInVxm(node.kind, p.kind);
    }
    nodes.push_back(std::move(node));
    return int(nodes.size()) - 1;
  }

  /// The tree of nodes under `root`, in preorder (each operand's subtree
  /// before the next operand's). Iterative: a chain of element-wise nodes
  /// fuses into one tree as deep as the chain is long.
  LogicalResult collect(InstrId root, int rootParent) {
    struct Frame {
      int self;
      unsigned next = 0;
    };
    std::vector<Frame> stack = {{addNode(root, rootParent)}};
    while (!stack.empty()) {
      const int self = stack.back().self;
      const MachineInstr &inst = instr(nodes[self].id);
      if (stack.back().next == inst.numOperands()) {
        stack.pop_back();
        continue;
      }
      const unsigned k = stack.back().next++;
      const bool rowsTogether =
          inst.opcode == Opcode::LoadWeights && inst.numOperands() > 1;
      InstrId operand = inst.operands[k];
      // A value read for two operands is one node.
      if (inst.repeatsOperand(k)) {
        if (rowsTogether)
          return emitError(program.locationOf(inst),
                           "loads one value into two weight rows");
        continue;
      }
      if (instr(operand).cycle >= 0)
        return emitError(program.locationOf(inst),
                         "operand was placed for another consumer");
      const int child = addNode(operand, self);
      if (rowsTogether) {
        nodes[self].rowNodes.push_back(child);
        nodes[child].loadRow = int(k);
      }
      stack.push_back({child});
    }
    return success();
  }

  /// Where a value is produced, if its producer's slice is fixed before
  /// scheduling (a read on its buffer's slice, an MXM op on its plane).
  std::optional<int64_t> producerColumn(InstrId id) {
    const MachineInstr &def = instr(id);
    if (def.accessesSram())
      return target.unitColumn(UnitKind::Mem, program.sramLocation(def).first);
    if (def.queueKind == UnitKind::Mxm && def.unit >= 0)
      return target.unitColumn(UnitKind::Mxm, def.unit);
    if (def.queueKind == UnitKind::Vxm)
      return target.centreColumn();
    return std::nullopt;
  }

  /// The earliest issue cycle SRAM order, MXM weight state and the queue's
  /// own order allow for `node`, or failure if program order cannot hold.
  FailureOr<int64_t> stateBound(const Node &node) {
    const MachineInstr &inst = instr(node.id);
    switch (inst.opcode) {
    case Opcode::Read:
    case Opcode::Gather: {
      unsigned writes = 0;
      int64_t earliest = 0;
      program.forEachCell(inst, [&](int64_t cell) {
        writes += cellWrites[cell];
        earliest = std::max(earliest, cells[cell].earliestRead());
      });
      if (writes != version[node.id])
        return emitError(program.locationOf(inst),
                         "reads SRAM that a later write (in program order) "
                         "overwrites before this read's consumer");
      return earliest;
    }
    case Opcode::Write:
    case Opcode::Scatter: {
      int64_t earliest = 0;
      program.forEachCell(inst, [&](int64_t cell) {
        earliest = std::max(earliest, cells[cell].earliestWriteLanding());
      });
      return earliest - node.latency;
    }
    case Opcode::Nop: {
      // An explicit NOP idles its queue after everything placed there.
      return lastIssue[unsigned(node.kind)][node.queues.front()] + 1;
    }
    case Opcode::LoadWeights:
      return planes[inst.unit].earliestLoad();
    case Opcode::InstallWeights:
      return planes[inst.unit].earliestInstall();
    case Opcode::MatMul:
    case Opcode::MatMulAcc:
      if (version[node.id] != planeInstalls[inst.unit])
        return emitError(program.locationOf(inst),
                         "matmul would see weights installed after it in "
                         "program order");
      return planes[inst.unit].earliestProduct();
    default:
      return 0;
    }
  }

  /// A VXM ALU's latch, by landing cycle.
  Occupancy &latch(int64_t unit) { return latchBusy[unit]; }
  Occupancy &queue(UnitKind kind, int64_t unit) {
    return queueBusy[static_cast<unsigned>(kind)][unit];
  }

  /// The cycle a node issued at `issue` uses its SRAM bank port.
  int64_t bankCycle(const Node &node, int64_t issue) {
    return target.bankAccessCycle(instr(node.id).opcode, issue);
  }

  /// Tries to place every node with the root at cycle `root`; on success
  /// fills in each node's unit and stream and returns `root`. Otherwise
  /// returns a later root cycle before which no trial can succeed: a node
  /// whose queues or bank port are taken by earlier trees at its issue cycle
  /// blocks every root until one frees up.
  int64_t tryPlace(int64_t root) {
    // Nodes bound to one queue and SRAM accesses first: the root must move
    // at least as far as the furthest of them needs to find its queue cycle
    // and bank port free (within one tree they never collide, see
    // findIntrinsicConflict), so no earlier root is tried in vain.
    // 64 roots at a time: the roots at which every such node is free are
    // the bits left in the AND of their free masks.
    for (;;) {
      uint64_t fits = ~uint64_t(0);
      int64_t shift = 0;
      for (const Node &node : nodes) {
        int64_t issue = root + node.offset;
        if (node.queues.size() == 1) {
          const Occupancy &busy = queue(node.kind, node.queues[0]);
          if (node.span <= 8) // a product's few cycles
            for (int64_t c = 0; c < node.span; ++c)
              fits &= busy.freeMask(issue + c);
          else
            shift = std::max(shift, busy.nextFree(issue, node.span) - issue);
          if (node.chained)
            fits &= latch(node.queues[0]).freeMask(issue + node.latency);
        } else if (node.span == 1) {
          // Some queue of its kind must be free (which one is chosen below),
          // with its latch free when the result lands, if it stays there:
          // first, cheaply, some queue and some latch (exactly below).
          if (coversKind(node)) {
            fits &= allBusy[unsigned(node.kind)].freeMask(issue);
            if (node.chained)
              fits &= allLatchesBusy.freeMask(issue + node.latency);
          } else {
            fits &= anyQueueFree(node, issue);
          }
        }
        for (Occupancy *port : node.bankPorts)
          for (int64_t c = 0; c < node.portCycles; ++c)
            fits &= port->freeMask(bankCycle(node, issue) + c);
        // A value whose first or last column has fewer streams free than
        // it takes: the usual congestion, where many values meet a unit.
        if (node.parent >= 0 && node.direction >= 0) {
          const Node &consumer = nodes[node.parent];
          int64_t diagonal =
              target.streamDiagonal(node.direction * target.streamsPerDirection,
                                    node.column, issue + node.latency);
          int64_t limit = target.streamsPerDirection - node.streamGroup;
          fits &= ~(streamSlots->crowded(node.direction, node.column, diagonal,
                                         limit) |
                    streamSlots->crowded(node.direction, consumer.column,
                                         diagonal, limit));
        }
      }
      // The exact test for nodes that any queue of their kind serves, at
      // the roots that pass everything else.
      for (const Node &node : nodes) {
        if (!fits)
          break;
        if (node.queues.size() > 1 && node.span == 1 && coversKind(node))
          fits &= anyQueueFree(node, root + node.offset);
      }
      // Nodes of one kind issued in one cycle need as many queues free then.
      for (uint64_t left = fits; left; left &= left - 1) {
        const int64_t at = root + llvm::countr_zero(left);
        if (llvm::any_of(sharedCycles, [&](const SharedCycle &shared) {
              return llvm::count_if(queueBusy[unsigned(shared.kind)],
                                    [&](const Occupancy &q) {
                                      return q.isFree(at + shared.offset);
                                    }) < shared.nodes;
            }))
          fits &= ~(uint64_t(1) << (at - root));
        else
          break; // the first root left is all a trial looks at
      }
      // Roots where a value was found to have no free stream group.
      for (const StreamBlock &block : streamBlocks)
        if (root >= block.base && root < block.base + 64) {
          int64_t ahead = root - block.base;
          fits &= (block.free >> ahead) | ~(~uint64_t(0) >> ahead);
        }
      if (shift > 0)
        return root + shift;
      if (fits & 1) {
        rootsFitting = fits;
        break;
      }
      if (fits)
        return root + llvm::countr_zero(fits);
      // None of the 64: skip on to where the furthest node is free again.
      shift = 64;
      for (const Node &node : nodes) {
        int64_t issue = root + node.offset + 64;
        if (node.queues.size() == 1) {
          shift = std::max(
              shift,
              64 + queue(node.kind, node.queues[0]).nextFree(issue) - issue);
        } else if (node.span == 1) {
          int64_t next = std::numeric_limits<int64_t>::max();
          if (coversKind(node))
            next = allBusy[unsigned(node.kind)].nextFree(issue);
          else
            for (int64_t q : node.queues)
              next = std::min(next, queue(node.kind, q).nextFree(issue));
          shift = std::max(shift, 64 + next - issue);
        }
        for (Occupancy *port : node.bankPorts) {
          int64_t at = bankCycle(node, issue);
          shift =
              std::max(shift, 64 + port->nextFree(at, node.portCycles) - at);
        }
      }
      // Back to the caller, which gives up past its limit: a tree whose
      // nodes can never all be free at once must not loop here forever.
      return root + shift;
    }
    queueClaims.clear();
    latchClaims.clear();
    bankClaims.clear();
    // The trial's stream slots are taken in streamSlots and given back
    // however it ends; commit() takes them for good.
    llvm::scope_exit giveBackSlots([&] { streamSlots->rollBack(slotClaims); });
    for (Node &node : nodes) {
      int64_t issue = root + node.offset, span = node.span;
      const int64_t landed = issue + node.latency;
      auto queueFree = [&](int64_t unit) {
        Occupancy &busy = queue(node.kind, unit);
        for (int64_t c = issue; c < issue + span; ++c)
          if (!busy.isFree(c) ||
              llvm::is_contained(queueClaims,
                                 std::make_tuple(node.kind, unit, c)))
            return false;
        return !node.chained ||
               (latch(unit).isFree(landed) &&
                !llvm::is_contained(latchClaims, std::make_pair(unit, landed)));
      };
      auto unit = llvm::find_if(node.queues, queueFree);
      if (unit == node.queues.end()) {
        int64_t next = std::numeric_limits<int64_t>::max();
        for (int64_t q : node.queues)
          next = std::min(next, queue(node.kind, q).nextFree(issue, span));
        return root + std::max<int64_t>(1, next - issue);
      }
      node.unit = *unit;
      for (int64_t c = issue; c < issue + span; ++c)
        queueClaims.push_back({node.kind, node.unit, c});
      if (node.chained)
        latchClaims.push_back({node.unit, landed});
      for (Occupancy *port : node.bankPorts)
        for (int64_t c = 0; c < node.portCycles; ++c) {
          int64_t at = bankCycle(node, issue) + c;
          if (!port->isFree(at))
            return root + port->nextFree(at) - at;
          if (llvm::is_contained(bankClaims, std::make_pair(port, at)))
            return root + 1;
          bankClaims.push_back({port, at});
        }
      if (node.parent < 0 || node.chained)
        continue;
      // The rows of one `lw` take their streams together, at the first.
      if (node.loadRow > 0)
        continue;
      const Node &consumer = nodes[node.parent];
      llvm::SmallVector<Node *, 8> values = valuesOf(node);
      if (!chooseStreams(values, consumer, root)) {
        // This root fails whatever the earlier trees left free.
        streamSlots->rollBack(slotClaims);
        uint64_t free =
            streamFreeMask(values, consumer, root, rootsFitting & ~uint64_t(1));
        int index = &node - nodes.data();
        auto known = llvm::find_if(streamBlocks, [&](const StreamBlock &b) {
          return b.node == index;
        });
        if (known == streamBlocks.end())
          streamBlocks.push_back({index, root, free});
        else
          *known = {index, root, free};
        return root + (free ? llvm::countr_zero(free) : 64);
      }
    }
    return root;
  }

  /// Offsets at which several nodes of the tree need a queue of one kind
  /// that any of its queues serves (VXM instructions): each takes its own.
  void collectSharedCycles() {
    sharedCycles.clear();
    for (const Node &node : nodes) {
      if (!coversKind(node) || node.span != 1)
        continue;
      auto same = llvm::find_if(sharedCycles, [&](const SharedCycle &s) {
        return s.kind == node.kind && s.offset == node.offset;
      });
      if (same == sharedCycles.end())
        sharedCycles.push_back({node.kind, node.offset, 1});
      else
        ++same->nodes;
    }
    llvm::erase_if(sharedCycles,
                   [](const SharedCycle &s) { return s.nodes < 2; });
  }

  /// Whether `node` may take any queue of its kind (a VXM instruction).
  bool coversKind(const Node &node) const {
    return node.queues.size() > 1 &&
           node.queues.size() == queueBusy[unsigned(node.kind)].size();
  }

  /// Bit i set: at root + i, some queue of `node`'s issued at `issue` is
  /// free, and so is its latch when the result lands if it stays there.
  uint64_t anyQueueFree(const Node &node, int64_t issue) {
    uint64_t anyFree = 0;
    for (int64_t q : node.queues)
      anyFree |= queue(node.kind, q).freeMask(issue) &
                 (node.chained ? latch(q).freeMask(issue + node.latency)
                               : ~uint64_t(0));
    return anyFree;
  }

  /// The values that take their streams together with `node`'s: the rows of
  /// its `lw`, or itself.
  llvm::SmallVector<Node *, 8> valuesOf(Node &node) {
    llvm::SmallVector<Node *, 8> values;
    if (node.loadRow == 0)
      for (int row : nodes[node.parent].rowNodes)
        values.push_back(&nodes[row]);
    else
      values.push_back(&node);
    return values;
  }

  /// The stream slot a value of `node` issued at root `root` takes on stream
  /// `s` on its way to `consumer`.
  StreamSlots::Slot slotOf(const Node &node, const Node &consumer, int64_t root,
                           int64_t s) {
    int64_t landed = root + node.offset + node.latency;
    return streamSlots->slot(target.streamDiagonal(s, node.column, landed),
                             std::min(node.column, consumer.column),
                             std::max(node.column, consumer.column));
  }

  /// Gives `values` (one value, or the rows of one `lw`) the first aligned
  /// groups of streams, consecutive and in one direction, whose slots are
  /// free all the way to `consumer`, and claims them for this trial.
  bool chooseStreams(llvm::ArrayRef<Node *> values, const Node &consumer,
                     int64_t root) {
    const int64_t group = values.front()->streamGroup;
    return forEachStreamGroup(
        values, consumer, root,
        [&](int64_t first, llvm::ArrayRef<StreamSlots::Slot> slots) {
          for (size_t v = 0; v < values.size(); ++v)
            for (int64_t k = 0; k < group; ++k)
              if (!streamSlots->isFree(slots[v], first + v * group + k))
                return false;
          for (size_t v = 0; v < values.size(); ++v) {
            values[v]->stream = first + v * group;
            for (int64_t k = 0; k < group; ++k)
              streamSlots->take(slots[v], values[v]->stream + k, &slotClaims);
          }
          return true;
        });
  }

  /// Bit i set: at root `root + i`, `values` find a group of streams free of
  /// earlier trees' slots all the way to `consumer`. A later root moves
  /// every slot one diagonal per cycle.
  uint64_t streamFreeMask(llvm::ArrayRef<Node *> values, const Node &consumer,
                          int64_t root, uint64_t wanted) {
    const int64_t group = values.front()->streamGroup;
    uint64_t anyGroup = 0;
    forEachStreamGroup(
        values, consumer, root,
        [&](int64_t first, llvm::ArrayRef<StreamSlots::Slot> slots) {
          uint64_t wholeGroup = wanted & ~anyGroup;
          for (size_t v = 0; v < values.size() && wholeGroup; ++v)
            for (int64_t k = 0; k < group && wholeGroup; ++k)
              wholeGroup &= streamSlots->freeMask(
                  slots[v], first + v * group + k, wholeGroup);
          anyGroup |= wholeGroup;
          return anyGroup == wanted;
        });
    return anyGroup;
  }

  /// Calls `visit(first, slots)` for each run of stream groups `values` (one
  /// value, or the rows of one `lw`) could take to `consumer`, in the order
  /// they are preferred (east before west, lower streams first): the run's
  /// first stream, and each value's slot in that direction at root `root`.
  /// Stops, returning true, at the first run `visit` accepts.
  template <typename Visit>
  bool forEachStreamGroup(llvm::ArrayRef<Node *> values, const Node &consumer,
                          int64_t root, Visit visit) {
    const int64_t group = values.front()->streamGroup;
    const int64_t span = group * int64_t(values.size());
    const int64_t perDirection = target.streamsPerDirection;
    for (int64_t base : {int64_t(0), perDirection}) {
      if (!llvm::all_of(values, [&](const Node *node) {
            return ::lpu::streamReaches(target, base, node->column,
                                        consumer.column);
          }))
        continue;
      // The streams of one direction share each value's diagonal.
      llvm::SmallVector<StreamSlots::Slot, 8> slots;
      for (const Node *node : values)
        slots.push_back(slotOf(*node, consumer, root, base));
      for (int64_t first = base; first + span <= base + perDirection;
           first += group)
        if (visit(first, ArrayRef(slots)))
          return true;
    }
    return false;
  }

  /// Two nodes of one tree that need the same single queue or bank port at
  /// the same offset collide at every root cycle; returns the later one.
  std::optional<size_t> findIntrinsicConflict() {
    llvm::DenseMap<std::tuple<unsigned, int64_t, int64_t>, size_t> queueAt;
    llvm::DenseMap<std::pair<Occupancy *, int64_t>, size_t> bankAt;
    for (size_t i = 0; i < nodes.size(); ++i) {
      const Node &node = nodes[i];
      if (node.queues.size() == 1 &&
          !queueAt
               .try_emplace({static_cast<unsigned>(node.kind), node.queues[0],
                             node.offset},
                            i)
               .second)
        return i;
      for (Occupancy *port : node.bankPorts)
        for (int64_t c = 0; c < node.portCycles; ++c)
          if (!bankAt.try_emplace({port, bankCycle(node, node.offset) + c}, i)
                   .second)
            return i;
    }
    return std::nullopt;
  }

  LogicalResult placeTree(InstrId root) {
    nodes.clear();
    streamBlocks.clear();
    if (failed(collect(root, -1)))
      return failure();
    // Retime colliding operands through a VXM move until none collide.
    for (size_t moves = 0; auto conflict = findIntrinsicConflict(); ++moves) {
      if (moves > nodes.size())
        return emitError(program.locationOf(instr(root)),
                         "operands collide on one unit however they are "
                         "retimed");
      InstrId late = nodes[*conflict].id;
      InstrId consumer = nodes[nodes[*conflict].parent].id;
      MachineInstr move;
      move.opcode = Opcode::Move;
      move.queueKind = UnitKind::Vxm;
      move.resultType = move.dtype = instr(late).resultType;
      move.operands = {late};
      move.origin = instr(late).origin;
      InstrId moveId = program.instrs.size();
      program.instrs.push_back(move);
      version.push_back(0);
      MachineInstr &c = instr(consumer);
      for (unsigned k = 0; k < c.numOperands(); ++k)
        if (c.operands[k] == late)
          c.operands[k] = moveId;
      nodes.clear();
      if (failed(collect(root, -1)))
        return failure();
    }
    collectSharedCycles();
    int64_t earliest = 0;
    for (const Node &node : nodes) {
      FailureOr<int64_t> bound = stateBound(node);
      if (failed(bound))
        return failure();
      earliest = std::max({earliest, -node.offset, *bound - node.offset,
                           barrier - node.offset});
    }
    // Each failed trial is blocked by something placed earlier, so a free
    // cycle exists within the schedule's length plus the tree's own span.
    const int64_t limit = earliest + totalCycles + 4096;
    // Roots at which a tree of the same shape failed fail again: resources
    // are only ever taken.
    const std::vector<int64_t> shape = shapeOfTree();
    ShapeMemo &memo =
        shapeMemos[llvm::hash_combine_range(shape.begin(), shape.end()) %
                   shapeMemos.size()];
    const bool known = memo.shape == shape;
    auto skipKnown = [&](int64_t cycle) {
      return known && cycle >= memo.from && cycle < memo.to ? memo.to : cycle;
    };
    int64_t rootCycle = skipKnown(earliest);
    for (int64_t next; (next = tryPlace(rootCycle)) != rootCycle;
         rootCycle = skipKnown(next))
      if (next > limit)
        return emitError(program.locationOf(instr(root)),
                         "found no cycle at which this instruction and its "
                         "operands can all be placed");
    // Every root from `from` up to this one is now known to fail.
    int64_t from = known && earliest >= memo.from && earliest <= memo.to
                       ? memo.from
                       : earliest;
    memo = {std::move(shape), from, rootCycle};
    commit(rootCycle);
    return success();
  }

  /// Everything a trial looks at, node by node: trees with equal shapes
  /// succeed and fail at the same roots given the same machine state.
  std::vector<int64_t> shapeOfTree() {
    std::vector<int64_t> shape;
    for (const Node &node : nodes) {
      shape.insert(shape.end(),
                   {int64_t(node.kind), node.offset, node.span, node.latency,
                    node.column, node.streamGroup, int64_t(node.parent),
                    int64_t(node.loadRow), node.portCycles, bankCycle(node, 0),
                    int64_t(node.queues.size()),
                    int64_t(node.bankPorts.size())});
      shape.insert(shape.end(), node.queues.begin(), node.queues.end());
      for (const Occupancy *port : node.bankPorts)
        shape.push_back(port - bankBusy.data());
    }
    return shape;
  }

  void commit(int64_t root) {
    for (Node &node : nodes) {
      MachineInstr &inst = instr(node.id);
      int64_t issue = root + node.offset, span = node.span;
      inst.cycle = issue;
      inst.unit = node.unit;
      if (node.stream >= 0)
        inst.stream = node.stream;
      if (node.chained)
        inst.stream = ::lpu::latchField(node.unit);
      for (int64_t c = issue; c < issue + span; ++c) {
        queue(node.kind, node.unit).take(c);
        if (llvm::none_of(queueBusy[unsigned(node.kind)],
                          [&](const Occupancy &q) { return q.isFree(c); }))
          allBusy[unsigned(node.kind)].take(c);
      }
      int64_t &last = lastIssue[unsigned(node.kind)][node.unit];
      last = std::max(last, issue + span - 1);
      for (Occupancy *port : node.bankPorts)
        for (int64_t c = 0; c < node.portCycles; ++c)
          port->take(bankCycle(node, issue) + c);
      int64_t landed =
          issue + (inst.opcode == Opcode::Nop ? span : node.latency);
      totalCycles = std::max(totalCycles, landed);
      if (node.chained) {
        latch(node.unit).take(landed);
        if (llvm::none_of(latchBusy, [&](const Occupancy &latch) {
              return latch.isFree(landed);
            }))
          allLatchesBusy.take(landed);
      } else if (node.parent >= 0) {
        StreamSlots::Slot slot =
            slotOf(node, nodes[node.parent], root, node.stream);
        for (int64_t s = node.stream; s < node.stream + node.streamGroup; ++s)
          streamSlots->take(slot, s);
        int64_t consumer = nodes[node.parent].column;
        streamSlots->countTaken(
            target.isEastward(node.stream) ? 0 : 1,
            target.streamDiagonal(node.stream, node.column, landed),
            std::min(node.column, consumer), std::max(node.column, consumer),
            node.streamGroup);
      }
      switch (inst.opcode) {
      case Opcode::Read:
      case Opcode::Gather:
        program.forEachCell(
            inst, [&](int64_t cell) { cells[cell].recordRead(issue); });
        break;
      case Opcode::Write:
      case Opcode::Scatter:
        program.forEachCell(inst, [&](int64_t cell) {
          cells[cell].recordWrite(landed);
          ++cellWrites[cell];
        });
        break;
      case Opcode::LoadWeights:
        planes[node.unit].recordLoad(landed);
        break;
      case Opcode::InstallWeights:
        planes[node.unit].recordInstall(issue, landed);
        ++planeInstalls[node.unit];
        break;
      case Opcode::MatMul:
      case Opcode::MatMulAcc:
        planes[node.unit].recordProduct(issue);
        break;
      default:
        break;
      }
    }
  }

  MachineProgram &program;
  const ::lpu::TargetDesc &target;
  std::vector<Occupancy> queueBusy[::lpu::kNumUnitKinds];
  std::vector<int64_t> lastIssue[::lpu::kNumUnitKinds];
  std::vector<Occupancy> bankBusy;  // [slice * banks + bank]
  std::vector<Occupancy> latchBusy; // [VXM unit], by landing cycle
  // Cycles at which every queue of a kind, or every latch, is taken: a
  // first test for nodes any of them serves.
  Occupancy allBusy[::lpu::kNumUnitKinds];
  Occupancy allLatchesBusy;
  struct SharedCycle {
    UnitKind kind;
    int64_t offset;
    int64_t nodes;
  };
  llvm::SmallVector<SharedCycle, 4> sharedCycles; // of the tree being placed
  std::optional<StreamSlots> streamSlots;
  std::vector<::lpu::PlaneTimeline> planes;
  std::vector<unsigned> planeInstalls;
  SramCellTable<::lpu::CellTimeline> cells;
  SramCellTable<unsigned> cellWrites; // writes placed per cell
  // Per instruction: for a read, the writes to its cell before it in
  // program order; for a matmul, the installs on its plane before it.
  std::vector<unsigned> version;
  int64_t totalCycles = 0;
  /// The roots [from, to) at which the last tree of `shape` (of those
  /// hashed to one entry) failed.
  struct ShapeMemo {
    std::vector<int64_t> shape;
    int64_t from = 0, to = 0;
  };
  std::vector<ShapeMemo> shapeMemos = std::vector<ShapeMemo>(1024);
  // The tree being placed, and one trial's claims.
  std::vector<Node> nodes;
  /// A value (by its node, or the first row of an `lw`) that found no free
  /// stream group at root `base`: bit i of `free` clear, none at `base + i`.
  struct StreamBlock {
    int node;
    int64_t base;
    uint64_t free;
  };
  llvm::SmallVector<StreamBlock, 4> streamBlocks;
  /// Bit i set: root + i of the current trial passes every single-queue and
  /// bank port check (and every StreamBlock).
  uint64_t rootsFitting = 0;
  llvm::SmallVector<std::tuple<UnitKind, int64_t, int64_t>, 16> queueClaims;
  llvm::SmallVector<std::pair<int64_t, int64_t>, 8> latchClaims;
  llvm::SmallVector<std::pair<Occupancy *, int64_t>, 16> bankClaims;
  StreamSlots::Undo slotClaims; // taken in streamSlots for one trial
  // Op-by-op baseline: the node being placed and when it may start.
  const bool opByOp;
  const TreeOrder order;
  std::string barrierNode;
  int64_t barrier = 0;
};

} // namespace

LogicalResult lpuc::lpu::scheduleProgram(MachineProgram &program, bool opByOp,
                                         TreeOrder order) {
  for (const MachineBuffer &buffer : program.buffers)
    if (!buffer.isAllocated())
      return emitError(program.origins[buffer.origin], "buffer '")
             << buffer.name
             << "' has no SRAM address; run lpu-allocate-sram first";
  if (opByOp)
    order = TreeOrder::Program;
  if (order != TreeOrder::Best)
    return Scheduler(program, opByOp, order).run();
  // Both orders, on copies of the program; the one with fewer cycles (of
  // equal ones, program order's) is kept. A trial that fails only says
  // nothing better was found, so its diagnostics are dropped.
  MachineProgram trial = program;
  {
    ScopedDiagnosticHandler quiet(program.location().getContext(),
                                  [](Diagnostic &) { return success(); });
    if (failed(Scheduler(trial, false, TreeOrder::CriticalPath).run()))
      trial.cycles.reset();
  }
  if (failed(Scheduler(program, false, TreeOrder::Program).run()))
    return failure();
  if (trial.cycles && *trial.cycles < *program.cycles)
    program = std::move(trial);
  return success();
}
