//===- SRAMAllocator.cpp - Static SRAM placement of buffers ---------------===//
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

#include "dialects/LPU/Machine/Scheduling.h"

#include <limits>
#include <map>

using namespace mlir;
using namespace lpuc::lpu;
using ::lpu::UnitKind;

namespace {

/// What allocation needs to know about one buffer.
struct BufferUse {
  int32_t buffer = 0;
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
  Allocator(MachineProgram &program, bool opByOp)
      : program(program), target(*program.target), opByOp(opByOp),
        placed(target.memSlices), sliceAccesses(target.memSlices, 0),
        sliceVectors(target.memSlices, 0) {}

  LogicalResult run() {
    std::vector<BufferUse> uses = collectUses();
    for (BufferUse &use : uses) {
      const MachineBuffer &buffer = program.buffers[use.buffer];
      int64_t largest =
          buffer.deal(target.memSlices).largestPart(buffer.layout);
      if (largest > target.memAddresses)
        return emitError(originOf(use), "tensor '")
               << buffer.name << "' needs " << use.vectors
               << " SRAM vectors; dealt over all " << target.memSlices
               << " MEM slices in blocks of " << buffer.blockRows
               << " rows, one slice would still hold " << largest
               << " of them, and a slice holds " << target.memAddresses;
    }
    // Linear scan in order of birth; ties in the order the program lists
    // the buffers. The baseline keeps every buffer for the whole program.
    std::vector<BufferUse *> order;
    for (BufferUse &use : uses) {
      order.push_back(&use);
      if (opByOp) {
        use.first = 0;
        use.last = std::numeric_limits<int64_t>::max() / 2;
      }
    }
    std::stable_sort(
        order.begin(), order.end(),
        [&](const BufferUse *a, const BufferUse *b) {
          return std::make_pair(a->first, program.buffers[a->buffer].position) <
                 std::make_pair(b->first, program.buffers[b->buffer].position);
        });
    int64_t missing = 0;
    for (BufferUse *use : order) {
      MachineBuffer &buffer = program.buffers[use->buffer];
      const int64_t parts = partsThatFit(*use, partsFor(*use));
      llvm::SmallVector<std::pair<int32_t, int32_t>, 1> where;
      llvm::SmallVector<unsigned> taken;
      for (int64_t i = 0; i < parts; ++i) {
        int64_t vectors = buffer.partVectors(parts, i);
        std::optional<std::pair<unsigned, int64_t>> part =
            choose(*use, vectors, taken);
        if (!part)
          break;
        where.push_back({int32_t(part->first), int32_t(part->second)});
        taken.push_back(part->first);
      }
      if (int64_t(where.size()) != parts) {
        missing += use->vectors;
        continue;
      }
      for (int64_t i = 0; i < parts; ++i) {
        auto [slice, address] = where[i];
        int64_t vectors = buffer.partVectors(parts, i);
        placed[slice].push_back(
            {address, address + vectors, use->first, use->last});
        sliceAccesses[slice] += use->accesses / parts;
        sliceVectors[slice] += vectors;
      }
      buffer.parts = where;
    }
    if (missing)
      return reportOverflow(uses, missing);
    return success();
  }

private:
  Location originOf(const BufferUse &use) {
    return program.origins[program.buffers[use.buffer].origin];
  }

  std::vector<BufferUse> collectUses() {
    std::vector<BufferUse> uses(program.buffers.size());
    for (size_t i = 0; i < uses.size(); ++i) {
      uses[i].buffer = i;
      uses[i].vectors = program.buffers[i].numVectors();
      uses[i].first = -1;
    }
    // The unit at the other end of an access: a read's one consumer, a
    // write's producer.
    std::vector<int32_t> useCount(program.instrs.size(), 0);
    std::vector<InstrId> consumer(program.instrs.size(), kNoInstr);
    for (InstrId id = 0, e = program.instrs.size(); id < e; ++id) {
      const MachineInstr &inst = program.instrs[id];
      for (unsigned k = 0; k < inst.numOperands(); ++k) {
        ++useCount[inst.operands[k]];
        consumer[inst.operands[k]] = id;
      }
    }
    const int64_t centre = target.centreColumn();
    int64_t position = 0;
    for (InstrId id = 0, e = program.instrs.size(); id < e; ++id) {
      const MachineInstr &inst = program.instrs[id];
      ++position;
      if (!inst.accessesSram())
        continue;
      BufferUse &use = uses[inst.buffer];
      if (use.first < 0)
        use.first = position;
      use.last = position;
      ++use.accesses;
      InstrId peer = kNoInstr;
      if (inst.opcode == ::lpu::Opcode::Read && useCount[id] == 1)
        peer = consumer[id];
      else if (inst.opcode == ::lpu::Opcode::Write)
        peer = inst.operands[0];
      int64_t column = centre;
      if (peer != kNoInstr) {
        const MachineInstr &p = program.instrs[peer];
        if (p.queueKind == UnitKind::Mxm && p.unit >= 0)
          column = target.unitColumn(UnitKind::Mxm, p.unit);
      }
      ++use.peerColumns[column];
    }
    const int64_t end = position + 1;
    for (BufferUse &use : uses) {
      BufferKind kind = program.buffers[use.buffer].kind;
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

  /// How many slices a buffer's rows are dealt over: at least what the
  /// expansion asked for (image rows windows read together) and what its
  /// size needs, and a scratch tensor with more accesses than a slice should
  /// take alone is spread, so its reads and writes do not queue on one MEM
  /// unit.
  int64_t partsFor(const BufferUse &use) {
    const MachineBuffer &buffer = program.buffers[use.buffer];
    const int64_t blocks =
        llvm::divideCeil(buffer.layout.rows, buffer.blockRows);
    int64_t parts = buffer.minParts;
    if (!opByOp && buffer.kind == BufferKind::Scratch) {
      const int64_t maxParts = std::max<int64_t>(1, target.memSlices / 4);
      parts = std::max(
          parts,
          std::min<int64_t>(llvm::divideCeil(use.accesses, kAccessesPerPart),
                            maxParts));
    }
    parts = std::clamp<int64_t>(parts, 1,
                                std::min<int64_t>(blocks, target.memSlices));
    while (parts < target.memSlices &&
           buffer.deal(parts).largestPart(buffer.layout) > target.memAddresses)
      ++parts;
    return parts;
  }
  static constexpr int64_t kAccessesPerPart = 64;

  /// The number of parts nearest `parts` (more first: smaller parts fit
  /// into the gaps other buffers leave) whose largest part fits in the
  /// largest free stretch of as many slices while `use` lives; `parts` if
  /// none does.
  int64_t partsThatFit(const BufferUse &use, int64_t parts) {
    const MachineBuffer &buffer = program.buffers[use.buffer];
    const int64_t maxParts = std::min<int64_t>(
        llvm::divideCeil(buffer.layout.rows, buffer.blockRows),
        target.memSlices);
    std::vector<int64_t> gaps;
    for (unsigned slice = 0; slice < target.memSlices; ++slice)
      gaps.push_back(largestGap(slice, use));
    llvm::sort(gaps, std::greater<int64_t>());
    auto fits = [&](int64_t p) {
      return gaps[p - 1] >= buffer.deal(p).largestPart(buffer.layout);
    };
    for (int64_t p = parts; p <= maxParts; ++p)
      if (fits(p))
        return p;
    for (int64_t p = std::min(parts, maxParts) - 1; p >= 1; --p)
      if (fits(p))
        return p;
    return parts;
  }

  /// The longest run of addresses of `slice` free while `use` lives.
  int64_t largestGap(unsigned slice, const BufferUse &use) {
    llvm::SmallVector<std::pair<int64_t, int64_t>> live;
    for (const Placed &p : placed[slice])
      if (p.first <= use.last && use.first <= p.last)
        live.push_back({p.begin, p.end});
    llvm::sort(live);
    int64_t gap = 0, address = 0;
    for (auto [begin, end] : live) {
      gap = std::max(gap, begin - address);
      address = std::max(address, end);
    }
    return std::max(gap, int64_t(target.memAddresses) - address);
  }

  /// The lowest address of `slice` where `vectors` vectors overlap no
  /// buffer that is live at the same time as `use`, if any.
  std::optional<int64_t> lowestFit(unsigned slice, const BufferUse &use,
                                   int64_t vectors) {
    llvm::SmallVector<const Placed *> live;
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
  LogicalResult reportOverflow(ArrayRef<BufferUse> uses, int64_t missing) {
    std::map<int64_t, int64_t> delta;
    int64_t constants = 0;
    for (const BufferUse &use : uses) {
      if (program.buffers[use.buffer].kind == BufferKind::Constant) {
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
    return emitError(program.location())
           << "the program needs " << constants + peak
           << " SRAM vectors at its peak (weights " << constants
           << ", live tensors " << peak << ") but " << target.name << " holds "
           << capacity << " vectors of " << target.lanes << " x 32 bits; "
           << shortfall << " vectors (" << shortfall * bytes
           << " bytes) do not fit";
  }

  MachineProgram &program;
  const ::lpu::TargetDesc &target;
  const bool opByOp; // the benchmarks' baseline: round-robin, no reuse
  unsigned nextSlice = 0;
  std::vector<std::vector<Placed>> placed;
  std::vector<int64_t> sliceAccesses;
  std::vector<int64_t> sliceVectors;
};

} // namespace

LogicalResult lpuc::lpu::allocateSRAM(MachineProgram &program, bool opByOp) {
  return Allocator(program, opByOp).run();
}
