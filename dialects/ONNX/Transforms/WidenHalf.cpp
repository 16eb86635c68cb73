//===- WidenHalf.cpp - f16 and bf16 values computed in f32 ----------------===//
//
// The lowering moves f16 and bf16 tensors (the chip stores them, and Cast
// converts) but computes in f32. An fp16 model (torch's `.half()`, an
// fp16 converter's output) has half types on every value: here each value
// an op computes becomes f32, and half types stay only where a Cast makes
// or reads them. Graph inputs and outputs that ops compute with become f32
// on the chip and keep their half type at the host (`tile.host_type`), as
// integers and f64 do: the runtime converts, and a state buffer (a KV cache)
// is still updated in place. Rounding to half precision therefore happens
// at the model's Casts and outputs, not after every op.
//
//===----------------------------------------------------------------------===//

#include "dialects/ONNX/Transforms/ComputeInF32.h"
#include "dialects/ONNX/Transforms/Passes.h"

#include "mlir/IR/Builders.h"

namespace lpuc::onnx {
#define GEN_PASS_DEF_WIDENHALF
#include "dialects/ONNX/Transforms/Passes.h.inc"
} // namespace lpuc::onnx

using namespace mlir;
using namespace lpuc::onnx;

namespace {

/// Whether `use` computes with its value: not a Cast, not the graph's return.
bool computesWith(OpOperand &use) {
  return !isa<CastOp, func::ReturnOp>(use.getOwner());
}

struct WidenHalfPass : public lpuc::onnx::impl::WidenHalfBase<WidenHalfPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.getBody().empty())
      return;
    Block &body = func.getBody().front();
    OpBuilder builder(&getContext());
    // A graph input that only Casts read stays half on the chip; one that
    // ops compute with (or that is an output too) is f32 there and half at
    // the host.
    for (BlockArgument arg : body.getArguments())
      if (hasHalfElements(arg.getType()) &&
          llvm::any_of(arg.getUsers(),
                       [](Operation *user) { return !isa<CastOp>(user); })) {
        func.setArgAttr(arg.getArgNumber(), lpuc::tile::kHostTypeAttrName,
                        TypeAttr::get(getElementTypeOrSelf(arg.getType())));
        arg.setType(withF32Elements(arg.getType(), hasHalfElements));
      }
    WalkResult walk = func.walk([&](Operation *op) {
      if (!llvm::any_of(op->getResultTypes(), hasHalfElements))
        return WalkResult::advance();
      if (!isa<CastOp>(op))
        return failed(computeInF32(op, hasHalfElements,
                                   {kOnnxFloat16, kOnnxBFloat16}))
                   ? WalkResult::interrupt()
                   : WalkResult::advance();
      // A Cast to half rounds as the model asks; the ops that compute with
      // its result read the rounded value through a Cast to f32.
      Value half = op->getResult(0);
      if (llvm::none_of(half.getUses(), computesWith))
        return WalkResult::advance();
      builder.setInsertionPointAfter(op);
      Value wide = CastOp::create(
          builder, op->getLoc(),
          withF32Elements(half.getType(), hasHalfElements), half,
          builder.getI64IntegerAttr(kOnnxFloat), builder.getI64IntegerAttr(1));
      half.replaceUsesWithIf(wide, [&](OpOperand &use) {
        return use.getOwner() != wide.getDefiningOp() && computesWith(use);
      });
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();
    // Graph outputs now computed in f32 keep their half type at the host,
    // which the runtime rounds to.
    Operation *ret = body.getTerminator();
    for (auto [i, declared] : llvm::enumerate(func.getResultTypes()))
      if (hasHalfElements(declared) &&
          !hasHalfElements(ret->getOperand(i).getType()))
        func.setResultAttr(i, lpuc::tile::kHostTypeAttrName,
                           TypeAttr::get(getElementTypeOrSelf(declared)));
    func.setType(FunctionType::get(&getContext(), body.getArgumentTypes(),
                                   ret->getOperandTypes()));
  }
};

} // namespace
