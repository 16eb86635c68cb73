//===- DemoteF64.cpp - An f64 graph computed in f32 -----------------------===//
//
// Every f64 type, constant and type attribute of a function becomes f32;
// graph inputs and outputs remember their host type.
//
//===----------------------------------------------------------------------===//

#include "dialects/ONNX/Transforms/ComputeInF32.h"
#include "dialects/ONNX/Transforms/Passes.h"

namespace lpuc::onnx {
#define GEN_PASS_DEF_DEMOTEF64
#include "dialects/ONNX/Transforms/Passes.h.inc"
} // namespace lpuc::onnx

using namespace mlir;
using namespace lpuc::onnx;

namespace {

struct DemoteF64Pass : public lpuc::onnx::impl::DemoteF64Base<DemoteF64Pass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *context = &getContext();
    auto hostF64 = TypeAttr::get(Float64Type::get(context));
    for (BlockArgument arg : func.getArguments())
      if (hasF64Elements(arg.getType())) {
        func.setArgAttr(arg.getArgNumber(), lpuc::tile::kHostTypeAttrName,
                        hostF64);
        arg.setType(withF32Elements(arg.getType(), hasF64Elements));
      }
    for (auto [i, type] : llvm::enumerate(func.getResultTypes()))
      if (hasF64Elements(type))
        func.setResultAttr(i, lpuc::tile::kHostTypeAttrName, hostF64);
    WalkResult walk = func.walk([&](Operation *op) {
      return failed(computeInF32(op, hasF64Elements, {kOnnxDouble}))
                 ? WalkResult::interrupt()
                 : WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();
    func.setType(FunctionType::get(
        context, func.getBody().getArgumentTypes(),
        func.getBody().front().getTerminator()->getOperandTypes()));
  }
};

} // namespace
