//===- Schedule.cpp - Static placement in space and time ------------------===//
//
// Streams hold no value: an operand must pass the consumer's slice exactly at
// the consumer's issue cycle. So every value has one producer and one
// consumer (values used twice are recomputed, which for reads means reading
// SRAM again) and the program splits into trees, each rooted at an
// instruction without a result (a write, a weight load or install, a NOP).
//
// Trees are placed in program order of their roots. A tree is rigid: once its
// root's cycle T is chosen, every node's cycle follows from latencies and the
// distance its result travels. The scheduler takes the first T at which every
// node finds a free queue, every SRAM access a free bank port, and every
// value a stream whose slot is free along the way; in-order queues are free
// to fill earlier gaps, since the emitted queue is sorted by cycle.
//
//===----------------------------------------------------------------------===//

#include "dialects/LPU/Analysis/ScheduleReport.h"
#include "dialects/LPU/Transforms/Passes.h"

#include "mlir/IR/Builders.h"

#include "llvm/ADT/DenseMap.h"

#include <limits>
#include <map>

namespace lpuc::lpu {
#define GEN_PASS_DEF_SCHEDULE
#include "dialects/LPU/Transforms/Passes.h.inc"
} // namespace lpuc::lpu

using namespace mlir;
using namespace lpuc::lpu;
using ::lpu::Opcode;
using ::lpu::UnitKind;

namespace {

/// One SRAM vector: a slice and an address in it. Buffers whose lifetimes
/// do not overlap share addresses, so cells, not buffers, are ordered.
using Cell = std::pair<int64_t, int64_t>;

Cell cellOf(Operation *memOp) { return getSramLocation(memOp); }

struct CellState {
  int64_t visibleAt = 0; // cycle from which the last write is readable
  int64_t lastReadIssue = -1;
  unsigned writesPlaced = 0; // versions of the cell so far
};

struct PlaneState {
  int64_t loadsLanded = 0;  // when all weight-row loads so far have landed
  int64_t arrayReady = 0;   // when the last install has landed
  int64_t lastInstall = -1; // issue cycle of the last install
  int64_t lastMatMul = -1;  // issue cycle of the last matmul
  unsigned installs = 0;
};

/// Which cycles of one resource are taken. Grows on demand.
class Occupancy {
public:
  bool isFree(int64_t cycle) const {
    return cycle >= static_cast<int64_t>(used.size()) || !used[cycle];
  }
  void take(int64_t cycle) {
    if (cycle >= static_cast<int64_t>(used.size()))
      used.resize(std::max<size_t>(cycle + 1, 2 * used.size()), 0);
    used[cycle] = 1;
  }
  /// The first cycle from `cycle` on that starts `span` free cycles.
  int64_t nextFree(int64_t cycle, int64_t span = 1) const {
    for (int64_t run = 0; run < span; ++cycle)
      run = isFree(cycle) ? run + 1 : 0;
    return cycle - span;
  }

private:
  std::vector<uint8_t> used;
};

/// Which column intervals [lo, hi] of each diagonal of one stream carry a
/// value. Indexed by diagonal rather than hashed: successive trial cycles
/// probe neighbouring diagonals, which then share cache lines.
class StreamSlots {
public:
  /// Diagonals start at -`minDiagonal`.
  explicit StreamSlots(int64_t minDiagonal) : bias(minDiagonal) {}

  bool overlaps(int64_t diagonal, int64_t lo, int64_t hi) const {
    size_t index = diagonal + bias;
    for (int32_t u = index < head.size() ? head[index] : -1; u >= 0;
         u = uses[u].next)
      if (uses[u].lo <= hi && lo <= uses[u].hi)
        return true;
    return false;
  }
  void add(int64_t diagonal, int64_t lo, int64_t hi) {
    size_t index = diagonal + bias;
    if (index >= head.size())
      head.resize(std::max(index + 1, 2 * head.size()), -1);
    uses.push_back({int32_t(lo), int32_t(hi), head[index]});
    head[index] = int32_t(uses.size() - 1);
  }

private:
  struct Use {
    int32_t lo, hi;
    int32_t next; // the diagonal's previous use, or -1
  };
  int64_t bias;
  std::vector<int32_t> head; // per diagonal: its last use, or -1
  std::vector<Use> uses;
};

struct Node {
  InstructionOpInterface inst;
  Operation *op = nullptr;
  Opcode opcode = Opcode::Nop;
  int parent = -1;
  int64_t offset = 0; // issue cycle relative to the root's
  int64_t column = 0;
  UnitKind kind = UnitKind::Any;
  llvm::SmallVector<int64_t, 4> queues; // candidate units of `kind`
  // Facts looked up once per tree rather than once per trial cycle.
  int64_t latency = 0;
  int64_t span = 1;              // queue cycles taken (NOP counts)
  std::optional<Cell> cell;      // SRAM vector read or written
  Occupancy *bankPort = nullptr; // that vector's bank, if any
  // Chosen by a successful trial.
  int64_t unit = 0;
  int64_t stream = -1;
};

class Scheduler {
public:
  Scheduler(ProgramOp program, bool opByOp)
      : program(program), target(program.getTargetDesc()), opByOp(opByOp) {
    for (unsigned k = 0; k < ::lpu::kNumUnitKinds; ++k)
      queueBusy[k].resize(target.unitCount(static_cast<UnitKind>(k)));
    bankBusy.resize(size_t(target.memSlices) * target.memBanks);
    streamSlots.assign(target.numStreams(), StreamSlots(target.numColumns()));
    planes.resize(target.mxmPlanes);
  }

  LogicalResult run() {
    eraseUnusedValues();
    splitSharedValues();
    recordProgramOrderFacts();
    for (Operation &op : llvm::make_early_inc_range(program.getBodyBlock())) {
      auto inst = dyn_cast<InstructionOpInterface>(op);
      if (!inst || op.getNumResults() != 0)
        continue;
      if (opByOp) {
        // A new node waits for everything placed before it.
        std::string node = getNodeOfLocation(op.getLoc()).first;
        if (node != barrierNode) {
          barrierNode = node;
          barrier = totalCycles;
        }
      }
      if (failed(placeTree(inst)))
        return failure();
    }
    return success();
  }

  int64_t getTotalCycles() const { return totalCycles; }

private:
  int64_t latency(InstructionOpInterface inst) {
    return target.latencyOf(inst.getOpcode());
  }

  //===--------------------------------------------------------------------===//
  // Preparation
  //===--------------------------------------------------------------------===//

  /// Results nobody reads would occupy a stream with no one to take them.
  void eraseUnusedValues() {
    Block &body = program.getBodyBlock();
    for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
      if (isa<InstructionOpInterface>(op) && op.getNumResults() == 1 &&
          op.getResult(0).use_empty())
        op.erase();
  }

  /// A value can reach only one consumer on time, so a value read by several
  /// instructions is recomputed for each extra one, right after the original
  /// (its operands are then split in turn, as the walk goes backwards). One
  /// instruction may read the same value for several operands.
  void splitSharedValues() {
    Block &body = program.getBodyBlock();
    OpBuilder builder(program.getContext());
    for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body))) {
      if (!isa<InstructionOpInterface>(op) || op.getNumResults() != 1)
        continue;
      llvm::SmallVector<Operation *> consumers;
      for (Operation *user : op.getResult(0).getUsers())
        if (!llvm::is_contained(consumers, user))
          consumers.push_back(user);
      // Users are listed last use first; the first consumer in program order
      // keeps the original.
      llvm::sort(consumers, [](Operation *a, Operation *b) {
        return a->isBeforeInBlock(b);
      });
      for (Operation *consumer : llvm::drop_begin(consumers)) {
        builder.setInsertionPointAfter(&op);
        Value copy = builder.clone(op)->getResult(0);
        consumer->replaceUsesOfWith(op.getResult(0), copy);
      }
    }
  }

  /// Program order fixes which SRAM version a read sees and which weights a
  /// matmul uses; placement must honour both.
  void recordProgramOrderFacts() {
    llvm::DenseMap<Cell, unsigned> writes;
    std::vector<unsigned> installs(target.mxmPlanes, 0);
    for (Operation &op : program.getBodyBlock()) {
      if (isa<ReadOp>(op))
        readVersion[&op] = writes.lookup(cellOf(&op));
      else if (isa<WriteOp>(op))
        ++writes[cellOf(&op)];
      else if (auto iw = dyn_cast<InstallWeightsOp>(op))
        ++installs[*iw.getUnitIndex()];
      else if (isa<MatMulOp, MatMulAccOp>(op))
        matmulEpoch[&op] =
            installs[*cast<InstructionOpInterface>(op).getUnitIndex()];
    }
  }

  //===--------------------------------------------------------------------===//
  // Trees
  //===--------------------------------------------------------------------===//

  LogicalResult collect(InstructionOpInterface inst, int parent,
                        llvm::SmallVectorImpl<Node> &nodes) {
    Node node;
    node.inst = inst;
    node.op = inst.getOperation();
    node.opcode = inst.getOpcode();
    node.parent = parent;
    node.kind = getQueueKind(inst);
    node.latency = latency(inst);
    node.span = nopCount(inst);
    Operation *op = inst.getOperation();
    if (getAccessedBuffer(op)) {
      node.cell = cellOf(op);
      node.queues = {node.cell->first};
      if (isa<ReadOp, WriteOp>(op))
        node.bankPort = &bank(node.cell->first, node.cell->second);
    } else if (auto unit = inst.getUnitIndex()) {
      node.queues = {*unit};
    } else if (node.kind == UnitKind::Sxm) {
      // The SXM slice nearest the consumer, so the value travels least; of
      // two as near (both hemispheres' for the central VXM), the one nearer
      // where the operand comes from.
      int64_t consumer = nodes[parent].column;
      int64_t source = producerColumn(op->getOperand(0)).value_or(consumer);
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
      node.offset = p.offset - node.latency - std::abs(p.column - node.column);
    }
    int self = nodes.size();
    nodes.push_back(node);
    for (auto [i, operand] : llvm::enumerate(op->getOperands())) {
      auto def = operand.getDefiningOp<InstructionOpInterface>();
      // A value read for two operands is one node.
      if (!def || llvm::is_contained(op->getOperands().take_front(i), operand))
        continue;
      if (def.getIssueCycle())
        return op->emitError("operand was placed for another consumer");
      if (failed(collect(def, self, nodes)))
        return failure();
    }
    return success();
  }

  /// Where `value` is produced, if its producer's slice is fixed before
  /// scheduling (a read on its buffer's slice, an MXM op on its plane).
  std::optional<int64_t> producerColumn(Value value) {
    Operation *def = value.getDefiningOp();
    if (def && getAccessedBuffer(def))
      return target.unitColumn(UnitKind::Mem, getMemSlice(def));
    auto inst = dyn_cast_or_null<InstructionOpInterface>(def);
    if (inst && inst.getUnitKind() == UnitKind::Mxm && inst.getUnitIndex())
      return target.unitColumn(UnitKind::Mxm, *inst.getUnitIndex());
    if (inst && inst.getUnitKind() == UnitKind::Vxm)
      return target.centreColumn();
    return std::nullopt;
  }

  /// The earliest issue cycle SRAM order, MXM weight state and the queue's
  /// own order allow for `node`, or failure if program order cannot hold.
  FailureOr<int64_t> stateBound(const Node &node) {
    Operation *op = node.op;
    if (isa<ReadOp>(op)) {
      CellState &cell = cells[*node.cell];
      if (cell.writesPlaced != readVersion.lookup(op))
        return op->emitError("reads SRAM that a later write (in program "
                             "order) overwrites before this read's consumer");
      return cell.visibleAt;
    }
    if (isa<WriteOp>(op)) {
      // Land after every earlier read issued and after the previous write.
      CellState &cell = cells[*node.cell];
      return std::max(cell.lastReadIssue, cell.visibleAt) + 1 - node.latency;
    }
    if (node.kind != UnitKind::Mxm)
      return isa<NopOp>(op) ? nopBound(node) : 0;
    PlaneState &plane = planes[node.queues.front()];
    if (isa<LoadWeightsOp>(op)) // not in flight while an install reads them
      return plane.lastInstall + 1;
    if (isa<InstallWeightsOp>(op))
      return std::max(
          {plane.loadsLanded, plane.lastMatMul + 1, plane.arrayReady});
    if (isa<MatMulOp, MatMulAccOp>(op)) {
      if (matmulEpoch.lookup(op) != plane.installs)
        return op->emitError("matmul would see weights installed after it in "
                             "program order");
      return plane.arrayReady;
    }
    return isa<NopOp>(op) ? nopBound(node) : 0;
  }

  /// An explicit NOP idles its queue after everything placed there so far.
  int64_t nopBound(const Node &node) {
    auto it =
        lastIssue.find({static_cast<unsigned>(node.kind), node.queues.front()});
    return it == lastIssue.end() ? 0 : it->second + 1;
  }

  static int64_t nopCount(InstructionOpInterface inst) {
    auto nop = dyn_cast<NopOp>(inst.getOperation());
    return nop ? static_cast<int64_t>(nop.getCount()) : 1;
  }

  Occupancy &queue(UnitKind kind, int64_t unit) {
    return queueBusy[static_cast<unsigned>(kind)][unit];
  }
  Occupancy &bank(int64_t slice, int64_t address) {
    return bankBusy[slice * target.memBanks + target.bankOf(address)];
  }

  /// SRAM bank and cycle an instruction's port access uses, if any.
  std::optional<std::pair<Occupancy *, int64_t>> bankUse(const Node &node,
                                                         int64_t issue) {
    if (!node.bankPort)
      return std::nullopt;
    int64_t at = target.bankAccessCycle(node.opcode, issue);
    return std::make_pair(node.bankPort, at);
  }

  /// Tries to place every node with the root at cycle `root`; on success
  /// fills in each node's unit and stream and returns `root`. Otherwise
  /// returns a later root cycle before which no trial can succeed: a node
  /// whose queues or bank port are taken by earlier trees at its issue cycle
  /// blocks every root until one frees up.
  int64_t tryPlace(llvm::SmallVectorImpl<Node> &nodes, int64_t root) {
    llvm::SmallVector<std::tuple<UnitKind, int64_t, int64_t>, 16> queueClaims;
    llvm::SmallVector<std::pair<Occupancy *, int64_t>, 16> bankClaims;
    llvm::SmallVector<std::tuple<int64_t, int64_t, int64_t, int64_t>, 16>
        slotClaims; // stream, diagonal, lo, hi
    for (Node &node : nodes) {
      int64_t issue = root + node.offset, span = node.span;
      auto queueFree = [&](int64_t unit) {
        Occupancy &busy = queue(node.kind, unit);
        for (int64_t c = issue; c < issue + span; ++c)
          if (!busy.isFree(c) ||
              llvm::is_contained(queueClaims,
                                 std::make_tuple(node.kind, unit, c)))
            return false;
        return true;
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
      if (auto use = bankUse(node, issue)) {
        if (!use->first->isFree(use->second))
          return root + use->first->nextFree(use->second) - use->second;
        if (llvm::is_contained(bankClaims, *use))
          return root + 1;
        bankClaims.push_back(*use);
      }
      if (node.parent < 0)
        continue;
      // The result lands here and must pass the consumer's column.
      const Node &consumer = nodes[node.parent];
      int64_t landed = issue + node.latency;
      int64_t lo = std::min(node.column, consumer.column);
      int64_t hi = std::max(node.column, consumer.column);
      node.stream = -1;
      for (int64_t s = 0, e = target.numStreams(); s < e && node.stream < 0;
           ++s) {
        bool east = target.isEastward(s);
        if ((east && consumer.column < node.column) ||
            (!east && consumer.column > node.column))
          continue;
        int64_t diag = target.streamDiagonal(s, node.column, landed);
        if (streamSlots[s].overlaps(diag, lo, hi))
          continue;
        if (llvm::any_of(slotClaims, [&](auto &c) {
              return std::get<0>(c) == s && std::get<1>(c) == diag &&
                     std::get<2>(c) <= hi && lo <= std::get<3>(c);
            }))
          continue;
        node.stream = s;
        slotClaims.push_back({s, diag, lo, hi});
      }
      if (node.stream < 0)
        return root + 1;
    }
    return root;
  }

  /// Two nodes of one tree that need the same single queue or bank port at
  /// the same offset collide at every root cycle; returns the later one.
  std::optional<size_t> findIntrinsicConflict(llvm::ArrayRef<Node> nodes) {
    std::map<std::tuple<unsigned, int64_t, int64_t>, size_t> queueAt;
    std::map<std::pair<Occupancy *, int64_t>, size_t> bankAt;
    for (size_t i = 0; i < nodes.size(); ++i) {
      const Node &node = nodes[i];
      if (node.queues.size() == 1 &&
          !queueAt
               .insert({{static_cast<unsigned>(node.kind), node.queues[0],
                         node.offset},
                        i})
               .second)
        return i;
      if (auto use = bankUse(node, node.offset);
          use && !bankAt.insert({*use, i}).second)
        return i;
    }
    return std::nullopt;
  }

  LogicalResult placeTree(InstructionOpInterface rootInst) {
    llvm::SmallVector<Node> nodes;
    if (failed(collect(rootInst, -1, nodes)))
      return failure();
    // Retime colliding operands through a VXM move until none collide.
    for (size_t moves = 0; auto conflict = findIntrinsicConflict(nodes);
         ++moves) {
      if (moves > nodes.size())
        return rootInst->emitError("operands collide on one unit however "
                                   "they are retimed");
      Operation *late = nodes[*conflict].inst.getOperation();
      OpOperand &use = *late->getResult(0).getUses().begin();
      OpBuilder builder(use.getOwner());
      auto move = MoveOp::create(
          builder, late->getLoc(), TypeRange{late->getResult(0).getType()},
          ValueRange{late->getResult(0)}, ArrayRef<NamedAttribute>{});
      use.set(move.getResult());
      nodes.clear();
      if (failed(collect(rootInst, -1, nodes)))
        return failure();
    }
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
    int64_t root = earliest;
    for (int64_t next; (next = tryPlace(nodes, root)) != root; root = next)
      if (next > limit)
        return rootInst->emitError("found no cycle at which this instruction "
                                   "and its operands can all be placed");
    commit(nodes, root);
    return success();
  }

  void commit(llvm::SmallVectorImpl<Node> &nodes, int64_t root) {
    for (Node &node : nodes) {
      Operation *op = node.inst.getOperation();
      int64_t issue = root + node.offset, span = node.span;
      node.inst.setPlacement(issue, node.unit);
      if (node.stream >= 0)
        node.inst.setResultStream(node.stream);
      for (int64_t c = issue; c < issue + span; ++c)
        queue(node.kind, node.unit).take(c);
      int64_t &last =
          lastIssue
              .try_emplace({static_cast<unsigned>(node.kind), node.unit}, -1)
              .first->second;
      last = std::max(last, issue + span - 1);
      if (auto use = bankUse(node, issue))
        use->first->take(use->second);
      int64_t landed = issue + (isa<NopOp>(op) ? span : node.latency);
      totalCycles = std::max(totalCycles, landed);
      if (node.parent >= 0) {
        int64_t consumer = nodes[node.parent].column;
        streamSlots[node.stream].add(
            target.streamDiagonal(node.stream, node.column, landed),
            std::min(node.column, consumer), std::max(node.column, consumer));
      }
      if (isa<ReadOp>(op)) {
        CellState &cell = cells[*node.cell];
        cell.lastReadIssue = std::max(cell.lastReadIssue, issue);
      } else if (isa<WriteOp>(op)) {
        CellState &cell = cells[*node.cell];
        cell.visibleAt = landed;
        ++cell.writesPlaced;
      } else if (node.kind == UnitKind::Mxm) {
        PlaneState &plane = planes[node.unit];
        if (isa<LoadWeightsOp>(op)) {
          plane.loadsLanded = std::max(plane.loadsLanded, landed);
        } else if (isa<InstallWeightsOp>(op)) {
          plane.arrayReady = landed;
          plane.lastInstall = issue;
          ++plane.installs;
        } else if (isa<MatMulOp, MatMulAccOp>(op)) {
          plane.lastMatMul = std::max(plane.lastMatMul, issue);
        }
      }
    }
  }

  ProgramOp program;
  const ::lpu::TargetDesc &target;
  std::vector<Occupancy> queueBusy[::lpu::kNumUnitKinds];
  std::vector<Occupancy> bankBusy; // [slice * banks + bank]
  std::vector<StreamSlots> streamSlots;
  std::map<std::pair<unsigned, int64_t>, int64_t> lastIssue;
  std::vector<PlaneState> planes;
  llvm::DenseMap<Cell, CellState> cells;
  llvm::DenseMap<Operation *, unsigned> readVersion;
  llvm::DenseMap<Operation *, unsigned> matmulEpoch;
  int64_t totalCycles = 0;
  // Op-by-op baseline: the node being placed and when it may start.
  const bool opByOp;
  std::string barrierNode;
  int64_t barrier = 0;
};

struct SchedulePass : public lpuc::lpu::impl::ScheduleBase<SchedulePass> {
  using ScheduleBase::ScheduleBase;

  void runOnOperation() override {
    ProgramOp program = getOperation();
    for (BufferOp buffer : program.getBodyBlock().getOps<BufferOp>())
      if (!buffer.isAllocated()) {
        buffer.emitError("buffer '")
            << buffer.getName()
            << "' has no SRAM address; run lpu-allocate-sram first";
        return signalPassFailure();
      }
    Scheduler scheduler(program, opByOp);
    if (failed(scheduler.run()))
      return signalPassFailure();
    program.setCyclesAttr(
        Builder(&getContext()).getI64IntegerAttr(scheduler.getTotalCycles()));
  }
};

} // namespace
