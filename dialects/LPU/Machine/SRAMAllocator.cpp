//===- SRAMAllocator.cpp - Static SRAM placement of buffers ---------------===//
//
// Every buffer without a place yet gets its MEM slices and addresses by the
// rule of SlicePlacer.h. Buffers whose contents are never live at the same
// time share addresses: a buffer lives from its first access to its last in
// program order (inputs and constants from the start, outputs to the end),
// and the scheduler orders a reused address's new writes after the old
// reads, as for any SRAM cell. Buffers placed before (the graph's tensors,
// by tile-allocate-sram, whose tile-op lifetimes contain these) keep their
// place and are avoided.
//
//===----------------------------------------------------------------------===//

#include "dialects/LPU/Machine/Scheduling.h"
#include "dialects/LPU/Machine/SlicePlacer.h"

#include <limits>
#include <map>

using namespace mlir;
using namespace lpuc::lpu;
using ::lpu::UnitKind;

namespace {

/// A buffer and what placing it needs to know.
struct BufferUse {
  int32_t buffer = 0;
  int64_t addresses = 0;
  PlacementRequest request;
};

class Allocator {
public:
  Allocator(MachineProgram &program, bool opByOp)
      : program(program), target(*program.target), opByOp(opByOp),
        placer(target, opByOp) {}

  LogicalResult run() {
    std::vector<BufferUse> uses = collectUses();
    for (BufferUse &use : uses) {
      const MachineBuffer &buffer = program.buffers[use.buffer];
      int64_t largest = placer.smallestLargestPart(use.request);
      if (!buffer.isAllocated() && largest > target.memAddresses)
        return emitError(originOf(use), "tensor '")
               << buffer.name << "' needs " << use.addresses
               << " SRAM addresses; dealt over all " << target.memSlices
               << " MEM slices in blocks of " << buffer.blockRows
               << " rows, one slice would still hold " << largest
               << " of them, and a slice has " << target.memAddresses;
    }
    // Buffers placed before (the graph's tensors, by tile-allocate-sram)
    // keep their place; the others go around them. All are taken in order
    // of birth (ties in the order the program lists them), so a buffer sees
    // the traffic of those born before it, whoever placed them; addresses
    // of placed buffers are avoided from the start. The baseline keeps
    // every buffer for the whole program.
    // A state output is its input's SRAM, placed with the input.
    std::vector<BufferUse *> order;
    for (BufferUse &use : uses) {
      if (program.buffers[use.buffer].stateOf >= 0)
        continue;
      if (opByOp) {
        use.request.first = 0;
        use.request.last = std::numeric_limits<int64_t>::max() / 2;
      }
      if (program.buffers[use.buffer].isAllocated())
        placer.reserve(use.request, program.buffers[use.buffer].parts,
                       Booking::Addresses);
      order.push_back(&use);
    }
    std::stable_sort(
        order.begin(), order.end(),
        [&](const BufferUse *a, const BufferUse *b) {
          return std::make_pair(a->request.first,
                                program.buffers[a->buffer].position) <
                 std::make_pair(b->request.first,
                                program.buffers[b->buffer].position);
        });
    int64_t missing = 0;
    for (BufferUse *use : order) {
      MachineBuffer &buffer = program.buffers[use->buffer];
      if (buffer.isAllocated())
        placer.reserve(use->request, buffer.parts, Booking::Load);
      else if (std::optional<Placement> where = placer.place(use->request))
        buffer.parts = std::move(*where);
      else
        missing += use->addresses;
    }
    if (missing)
      return reportOverflow(uses, missing);
    for (MachineBuffer &buffer : program.buffers)
      if (buffer.stateOf >= 0)
        buffer.parts = program.buffers[buffer.stateOf].parts;
    return success();
  }

private:
  Location originOf(const BufferUse &use) {
    return program.origins[program.buffers[use.buffer].origin];
  }

  std::vector<BufferUse> collectUses() {
    std::vector<BufferUse> uses(program.buffers.size());
    for (size_t i = 0; i < uses.size(); ++i) {
      const MachineBuffer &buffer = program.buffers[i];
      uses[i].buffer = i;
      uses[i].addresses = buffer.numAddresses();
      uses[i].request.layout = buffer.layout;
      uses[i].request.blockRows = buffer.blockRows;
      uses[i].request.minParts = buffer.minParts;
      uses[i].request.spread = buffer.kind == BufferKind::Scratch;
      uses[i].request.first = -1;
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
      PlacementRequest &use = uses[inst.buffer].request;
      if (use.first < 0)
        use.first = position;
      use.last = position;
      ++use.accesses;
      InstrId peer = kNoInstr;
      if (inst.opcode == ::lpu::Opcode::Read && useCount[id] == 1)
        peer = consumer[id];
      else if (::lpu::writesSram(inst.opcode))
        peer = inst.operands[0];
      int64_t column = centre;
      if (peer != kNoInstr) {
        const MachineInstr &p = program.instrs[peer];
        if (::lpu::isPlaneQueue(p.queueKind) && p.unit >= 0)
          column = target.unitColumn(p.queueKind, p.unit);
      }
      ++use.peerColumns[column];
    }
    const int64_t end = position + 1;
    for (BufferUse &use : uses) {
      BufferKind kind = program.buffers[use.buffer].kind;
      PlacementRequest &request = use.request;
      if (request.first < 0) { // never accessed: keep it to itself
        request.first = 0;
        request.last = end;
      }
      if (kind == BufferKind::Input || kind == BufferKind::Constant)
        request.first = 0;
      if (kind == BufferKind::Output)
        request.last = end;
      // A state input's SRAM holds its next value, the output, to the end.
      if (const int32_t state = program.buffers[use.buffer].stateOf; state >= 0)
        uses[state].request.last = end;
    }
    return uses;
  }

  /// Says by how much the program's peak (weights plus live activations)
  /// exceeds SRAM.
  LogicalResult reportOverflow(ArrayRef<BufferUse> uses, int64_t missing) {
    std::map<int64_t, int64_t> delta;
    int64_t constants = 0;
    for (const BufferUse &use : uses) {
      if (program.buffers[use.buffer].kind == BufferKind::Constant) {
        constants += use.addresses;
        continue;
      }
      delta[use.request.first] += use.addresses;
      delta[use.request.last + 1] -= use.addresses;
    }
    int64_t live = 0, peak = 0;
    for (auto [position, change] : delta)
      peak = std::max(peak, live += change);
    const int64_t capacity = int64_t(target.memSlices) * target.memAddresses;
    const int64_t shortfall = std::max(missing, constants + peak - capacity);
    auto bytes = [&](int64_t addresses) {
      return ::lpu::formatBytes(uint64_t(addresses) * target.planeBytes());
    };
    return emitError(program.location())
           << "the program needs " << bytes(constants + peak)
           << " of SRAM at its peak (weights " << bytes(constants)
           << ", live tensors " << bytes(peak) << ") but " << target.name
           << " holds " << bytes(capacity) << "; " << bytes(shortfall)
           << " do not fit";
  }

  MachineProgram &program;
  const ::lpu::TargetDesc &target;
  const bool opByOp; // the benchmarks' baseline: round-robin, no reuse
  SlicePlacer placer;
};

} // namespace

LogicalResult lpuc::lpu::allocateSRAM(MachineProgram &program, bool opByOp) {
  return Allocator(program, opByOp).run();
}
