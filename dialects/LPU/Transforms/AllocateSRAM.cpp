//===- AllocateSRAM.cpp - Static SRAM placement of buffers ----------------===//

#include "dialects/LPU/Transforms/Passes.h"

namespace lpuc::lpu {
#define GEN_PASS_DEF_ALLOCATESRAM
#include "dialects/LPU/Transforms/Passes.h.inc"
} // namespace lpuc::lpu

using namespace mlir;
using namespace lpuc::lpu;

namespace {
struct AllocateSRAMPass
    : public lpuc::lpu::impl::AllocateSRAMBase<AllocateSRAMPass> {
  void runOnOperation() override {
    ProgramOp program = getOperation();
    const ::lpu::TargetDesc &target = program.getTargetDesc();
    const int64_t capacity = target.memAddresses;
    std::vector<int64_t> used(target.memSlices, 0);
    unsigned nextSlice = 0;
    int64_t missing = 0;
    Builder builder(&getContext());

    for (BufferOp buffer : program.getBodyBlock().getOps<BufferOp>()) {
      int64_t vectors = buffer.getLayout(target).numVectors();
      if (vectors > capacity) {
        buffer.emitError("tensor '")
            << buffer.getName() << "' needs " << vectors
            << " SRAM vectors but a MEM slice holds " << capacity
            << "; tensors spanning slices are not supported yet";
        return signalPassFailure();
      }
      // First slice with room, starting after the previous buffer's slice.
      std::optional<unsigned> chosen;
      for (unsigned i = 0; i < target.memSlices && !chosen; ++i) {
        unsigned slice = (nextSlice + i) % target.memSlices;
        if (used[slice] + vectors <= capacity)
          chosen = slice;
      }
      if (!chosen) {
        missing += vectors;
        continue;
      }
      buffer.setSliceAttr(builder.getI32IntegerAttr(*chosen));
      buffer.setAddressAttr(builder.getI32IntegerAttr(used[*chosen]));
      used[*chosen] += vectors;
      nextSlice = (*chosen + 1) % target.memSlices;
    }
    if (missing) {
      int64_t total = int64_t(target.memSlices) * capacity;
      program.emitError("the program needs ")
          << missing << " more SRAM vectors (" << missing * target.lanes * 4
          << " bytes) than fit on " << target.name << " (" << total
          << " vectors of " << target.lanes << " x f32)";
      return signalPassFailure();
    }
  }
};
} // namespace
