//===- StoreProductInputs.cpp - Product inputs stored as multiplied -------===//

#include "dialects/Tile/Transforms/Passes.h"

#include "mlir/IR/BuiltinTypes.h"

#include <functional>

namespace lpuc::tile {
#define GEN_PASS_DEF_STOREPRODUCTINPUTS
#include "dialects/Tile/Transforms/Passes.h.inc"
} // namespace lpuc::tile

using namespace mlir;
using namespace lpuc::tile;

namespace {

struct StoreProductInputsPass
    : public lpuc::tile::impl::StoreProductInputsBase<StoreProductInputsPass> {
  void runOnOperation() override {
    const ::lpu::TargetDesc *target = getTarget(getOperation());
    if (!target)
      return signalPassFailure();
    const ::lpu::DType type = getMXMFloatType(getOperation(), *target);
    Type narrow;
    if (type == ::lpu::DType::F16)
      narrow = Float16Type::get(&getContext());
    else if (type == ::lpu::DType::BF16)
      narrow = BFloat16Type::get(&getContext());
    else
      return;
    // The streamed input of a product in the module's float type: operand 0
    // of a convolution or a matrix product (not i8, not moved in parts); or
    // the input of a Winograd transform, which the convolution it stands
    // for would have rounded so.
    auto roundsToType = [&](OpOperand &use) {
      Operation *user = use.getOwner();
      if (isa<WinogradInputOp>(user))
        return true;
      return isa<ConvOp, MatMulOp>(user) && use.getOperandNumber() == 0 &&
             getMXMType(user, *target) == type;
    };
    // Or through packings of window taps (rows, then columns) that only
    // such products read, which move values without changing them.
    std::function<bool(OpOperand &)> feedsProducts = [&](OpOperand &use) {
      auto pack = dyn_cast<PackTapsOp>(use.getOwner());
      if (!pack)
        return roundsToType(use);
      Value packed = pack.getResult();
      return !packed.use_empty() &&
             llvm::all_of(packed.getUses(), feedsProducts);
    };
    getOperation().walk([&](Operation *op) {
      if (!isa<ConvOp, MatMulOp, MapOp, Im2ColOp, PackTapsOp, WinogradInputOp>(
              op))
        return;
      Value result = op->getResult(0);
      auto tensor = cast<RankedTensorType>(result.getType());
      if (!tensor.getElementType().isF32() || result.use_empty() ||
          !llvm::all_of(result.getUses(), feedsProducts))
        return;
      result.setType(tensor.clone(narrow));
    });
  }
};

} // namespace
