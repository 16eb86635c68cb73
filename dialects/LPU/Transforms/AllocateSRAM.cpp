//===- AllocateSRAM.cpp - Static SRAM placement of buffers ----------------===//
//
// Every buffer gets one MEM slice and an address range in it. Buffers whose
// contents are never live at the same time share addresses: a buffer lives
// from its first access to its last in program order (inputs and constants
// from the start, outputs to the end), and the scheduler orders a reused
// address's new writes after the old reads, as for any SRAM cell.
//
// The slice is chosen for parallelism first and distance second: the slice
// with the fewest accesses so far (a MEM queue issues one access per cycle,
// so tensors on different slices are read and written in the same cycle),
// among those the one nearest the units that produce and consume the buffer
// (any slice between a producer and its consumer costs no travel), then the
// emptiest. Within a buffer, consecutive vectors alternate banks.
//
//===----------------------------------------------------------------------===//

#include "dialects/LPU/Transforms/Passes.h"

#include "llvm/ADT/DenseMap.h"

#include <limits>
#include <map>

namespace lpuc::lpu {
#define GEN_PASS_DEF_ALLOCATESRAM
#include "dialects/LPU/Transforms/Passes.h.inc"
} // namespace lpuc::lpu

using namespace mlir;
using namespace lpuc::lpu;
using ::lpu::UnitKind;

namespace {

/// What allocation needs to know about one buffer.
struct BufferUse {
  BufferOp buffer;
  int64_t vectors = 0;
  int64_t first = 0, last = 0; // live range in program positions
  int64_t accesses = 0;
  std::map<int64_t, int64_t> peerColumns; // column -> accesses from there
};

/// One address range of a slice and when its contents are live.
struct Placed {
  int64_t begin, end; // addresses [begin, end)
  int64_t first, last;
};

class Allocator {
public:
  Allocator(ProgramOp program, bool opByOp)
      : program(program), target(program.getTargetDesc()), opByOp(opByOp),
        placed(target.memSlices), sliceAccesses(target.memSlices, 0),
        sliceVectors(target.memSlices, 0) {}

  LogicalResult run() {
    SmallVector<BufferUse> uses = collectUses();
    for (BufferUse &use : uses)
      if (use.vectors > target.memAddresses)
        return use.buffer.emitError("tensor '")
               << use.buffer.getName() << "' needs " << use.vectors
               << " SRAM vectors but a MEM slice holds " << target.memAddresses
               << "; tensors spanning slices are not supported yet";
    // Linear scan in order of birth; ties keep program order. The baseline
    // keeps every buffer for the whole program.
    SmallVector<BufferUse *> order;
    for (BufferUse &use : uses) {
      order.push_back(&use);
      if (opByOp) {
        use.first = 0;
        use.last = std::numeric_limits<int64_t>::max() / 2;
      }
    }
    std::stable_sort(order.begin(), order.end(),
                     [](const BufferUse *a, const BufferUse *b) {
                       return a->first < b->first;
                     });
    Builder builder(program.getContext());
    int64_t missing = 0;
    for (BufferUse *use : order) {
      const int64_t parts = partsFor(*use);
      SmallVector<std::pair<unsigned, int64_t>> where;
      SmallVector<unsigned> taken;
      for (int64_t i = 0; i < parts; ++i) {
        int64_t vectors = use->buffer.getPartVectors(target, parts, i);
        std::optional<std::pair<unsigned, int64_t>> part =
            choose(*use, vectors, taken);
        if (!part)
          break;
        where.push_back(*part);
        taken.push_back(part->first);
      }
      if (int64_t(where.size()) != parts) {
        missing += use->vectors;
        continue;
      }
      SmallVector<int32_t> spread;
      for (int64_t i = 0; i < parts; ++i) {
        auto [slice, address] = where[i];
        int64_t vectors = use->buffer.getPartVectors(target, parts, i);
        placed[slice].push_back(
            {address, address + vectors, use->first, use->last});
        sliceAccesses[slice] += use->accesses / parts;
        sliceVectors[slice] += vectors;
        if (i > 0)
          spread.append({int32_t(slice), int32_t(address)});
      }
      use->buffer.setSliceAttr(builder.getI32IntegerAttr(where[0].first));
      use->buffer.setAddressAttr(builder.getI32IntegerAttr(where[0].second));
      if (!spread.empty())
        use->buffer.setSpreadAttr(builder.getDenseI32ArrayAttr(spread));
    }
    if (missing)
      return reportOverflow(uses, missing);
    return success();
  }

private:
  SmallVector<BufferUse> collectUses() {
    SmallVector<BufferUse> uses;
    llvm::DenseMap<Operation *, size_t> index;
    for (BufferOp buffer : program.getBodyBlock().getOps<BufferOp>()) {
      index[buffer] = uses.size();
      BufferUse use;
      use.buffer = buffer;
      use.vectors = buffer.getLayout(target).numVectors();
      use.first = -1;
      uses.push_back(use);
    }
    const int64_t centre = target.centreColumn();
    int64_t position = 0;
    for (Operation &op : program.getBodyBlock()) {
      if (!isa<InstructionOpInterface>(op))
        continue;
      ++position;
      if (!isa<ReadOp, WriteOp>(op))
        continue;
      BufferUse &use = uses[index.lookup(getAccessedBuffer(&op))];
      if (use.first < 0)
        use.first = position;
      use.last = position;
      ++use.accesses;
      // The unit at the other end: a read's consumer, a write's producer.
      Operation *peer = nullptr;
      if (isa<ReadOp>(op) && op.getResult(0).hasOneUse())
        peer = *op.getResult(0).user_begin();
      else if (auto write = dyn_cast<WriteOp>(op))
        peer = write.getValue().getDefiningOp();
      int64_t column = centre;
      if (auto inst = dyn_cast_or_null<InstructionOpInterface>(peer))
        if (getQueueKind(inst) == UnitKind::Mxm && inst.getUnitIndex())
          column = target.unitColumn(UnitKind::Mxm, *inst.getUnitIndex());
      ++use.peerColumns[column];
    }
    const int64_t end = position + 1;
    for (BufferUse &use : uses) {
      BufferKind kind = use.buffer.getKind();
      if (use.first < 0) { // never accessed: keep it to itself
        use.first = 0;
        use.last = end;
      }
      if (kind == BufferKind::Input || kind == BufferKind::Constant)
        use.first = 0;
      if (kind == BufferKind::Output)
        use.last = end;
    }
    return uses;
  }

  /// How many slices a buffer's rows are dealt over: a scratch tensor with
  /// more accesses than a slice should take alone is spread, so its reads
  /// and writes do not queue on one MEM unit.
  int64_t partsFor(BufferUse &use) {
    if (opByOp || use.buffer.getKind() != BufferKind::Scratch)
      return 1;
    const int64_t rows = use.buffer.getLayout(target).rows;
    const int64_t maxParts = std::max<int64_t>(1, target.memSlices / 4);
    return std::clamp<int64_t>(llvm::divideCeil(use.accesses, kAccessesPerPart),
                               1, std::min(rows, maxParts));
  }
  static constexpr int64_t kAccessesPerPart = 256;

  /// The lowest address of `slice` where `vectors` vectors overlap no
  /// buffer that is live at the same time as `use`, if any.
  std::optional<int64_t> lowestFit(unsigned slice, const BufferUse &use,
                                   int64_t vectors) {
    SmallVector<const Placed *> live;
    for (const Placed &p : placed[slice])
      if (p.first <= use.last && use.first <= p.last)
        live.push_back(&p);
    llvm::sort(live, [](const Placed *a, const Placed *b) {
      return a->begin < b->begin;
    });
    int64_t address = 0;
    for (const Placed *p : live) {
      if (p->begin >= address + vectors)
        break;
      address = std::max(address, p->end);
    }
    if (address + vectors > target.memAddresses)
      return std::nullopt;
    return address;
  }

  /// Where `vectors` vectors of `use` go, on a slice not in `taken`.
  std::optional<std::pair<unsigned, int64_t>>
  choose(const BufferUse &use, int64_t vectors, ArrayRef<unsigned> taken) {
    if (opByOp) {
      // The baseline's placement: the next slice with room, round-robin.
      for (unsigned i = 0; i < target.memSlices; ++i) {
        unsigned slice = (nextSlice + i) % target.memSlices;
        if (std::optional<int64_t> address = lowestFit(slice, use, vectors)) {
          nextSlice = (slice + 1) % target.memSlices;
          return std::make_pair(slice, *address);
        }
      }
      return std::nullopt;
    }
    std::optional<std::pair<unsigned, int64_t>> best;
    int64_t bestLoad = 0, bestTravel = 0, bestUsed = 0;
    for (unsigned slice = 0; slice < target.memSlices; ++slice) {
      if (llvm::is_contained(taken, slice))
        continue;
      std::optional<int64_t> address = lowestFit(slice, use, vectors);
      if (!address)
        continue;
      int64_t column = target.unitColumn(UnitKind::Mem, slice);
      int64_t travel = 0;
      for (auto [peer, count] : use.peerColumns)
        travel += count * std::abs(column - peer);
      int64_t load = sliceAccesses[slice], used = sliceVectors[slice];
      if (!best || std::tie(load, travel, used) <
                       std::tie(bestLoad, bestTravel, bestUsed)) {
        best = {slice, *address};
        bestLoad = load;
        bestTravel = travel;
        bestUsed = used;
      }
    }
    return best;
  }

  /// Says by how much the program's peak (weights plus live activations)
  /// exceeds SRAM.
  LogicalResult reportOverflow(MutableArrayRef<BufferUse> uses,
                               int64_t missing) {
    std::map<int64_t, int64_t> delta;
    int64_t constants = 0;
    for (BufferUse &use : uses) {
      if (use.buffer.getKind() == BufferKind::Constant) {
        constants += use.vectors;
        continue;
      }
      delta[use.first] += use.vectors;
      delta[use.last + 1] -= use.vectors;
    }
    int64_t live = 0, peak = 0;
    for (auto [position, change] : delta)
      peak = std::max(peak, live += change);
    const int64_t capacity = int64_t(target.memSlices) * target.memAddresses;
    const int64_t bytes = int64_t(target.lanes) * 4;
    int64_t shortfall = std::max(missing, constants + peak - capacity);
    return program.emitError("the program needs ")
           << constants + peak << " SRAM vectors at its peak (weights "
           << constants << ", live tensors " << peak << ") but " << target.name
           << " holds " << capacity << " vectors of " << target.lanes
           << " x 32 bits; " << shortfall << " vectors (" << shortfall * bytes
           << " bytes) do not fit";
  }

  ProgramOp program;
  const ::lpu::TargetDesc &target;
  const bool opByOp; // the benchmarks' baseline: round-robin, no reuse
  unsigned nextSlice = 0;
  std::vector<std::vector<Placed>> placed;
  std::vector<int64_t> sliceAccesses;
  std::vector<int64_t> sliceVectors;
};

struct AllocateSRAMPass
    : public lpuc::lpu::impl::AllocateSRAMBase<AllocateSRAMPass> {
  using AllocateSRAMBase::AllocateSRAMBase;

  void runOnOperation() override {
    if (failed(Allocator(getOperation(), opByOp).run()))
      signalPassFailure();
  }
};

} // namespace
