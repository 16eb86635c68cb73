//===- TileToLPU.cpp - The convert-tile-to-lpu pass -----------------------===//

#include "compiler/Conversion/Passes.h"
#include "compiler/Conversion/TileToLPU/Expander.h"

namespace lpuc {
#define GEN_PASS_DEF_CONVERTTILETOLPU
#include "compiler/Conversion/Passes.h.inc"
} // namespace lpuc

using namespace mlir;
using namespace lpuc;

namespace {
struct ConvertTileToLPUPass
    : public lpuc::impl::ConvertTileToLPUBase<ConvertTileToLPUPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<lpuc::lpu::MachineProgram> program =
        tile_to_lpu::expandToMachineProgram(module);
    if (failed(program))
      return signalPassFailure();
    auto func = module.lookupSymbol<func::FuncOp>("main");
    OpBuilder builder(func);
    auto op = lpuc::lpu::ProgramOp::create(builder, func.getLoc(), "main",
                                     program->target->name);
    lpuc::lpu::materializeProgram(*program, op);
    func.erase();
    module->removeAttr(tile::kTargetAttrName);
  }
};
} // namespace
