//===- StoreProductInputs.cpp - Product inputs stored as multiplied -------===//

#include "dialects/Tile/Transforms/Passes.h"

#include "mlir/IR/BuiltinTypes.h"

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
    // of a convolution or a matrix product (not i8, not moved in parts).
    auto roundsToType = [&](OpOperand &use) {
      Operation *user = use.getOwner();
      return isa<ConvOp, MatMulOp>(user) && use.getOperandNumber() == 0 &&
             getMXMType(user, *target) == type;
    };
    // Or through a packing of window rows that only such products read,
    // which moves values without changing them.
    auto feedsProducts = [&](OpOperand &use) {
      auto pack = dyn_cast<PackRowTapsOp>(use.getOwner());
      if (!pack)
        return roundsToType(use);
      Value packed = pack.getResult();
      return !packed.use_empty() &&
             llvm::all_of(packed.getUses(), roundsToType);
    };
    getOperation().walk([&](Operation *op) {
      if (!isa<ConvOp, MatMulOp, MapOp, Im2ColOp, PackRowTapsOp>(op))
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
