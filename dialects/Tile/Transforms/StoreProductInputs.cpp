//===- StoreProductInputs.cpp - Product inputs stored as multiplied -------===//

#include "dialects/Tile/Transforms/Passes.h"

#include "lpu/Elements.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
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
    // of a convolution or a matrix product (not i8, not moved in parts), or
    // a matrix product's right operand computed at run time, installed in
    // that type (a convolution's tap rows); or the input of a Winograd
    // transform, which the convolution it stands for would have rounded so.
    auto roundsToType = [&](OpOperand &use) {
      Operation *user = use.getOwner();
      if (isa<WinogradInputOp>(user))
        return true;
      const unsigned maxOperand = isa<MatMulOp>(user) ? 1 : 0;
      return isa<ConvOp, MatMulOp>(user) &&
             use.getOperandNumber() <= maxOperand &&
             getMXMType(user, *target) == type;
    };
    // Or through packings of window taps (rows, then columns) or gathers
    // without padding (the unpacking of pixel groups) that only such
    // products read, which move values without changing them.
    auto movesValues = [](Operation *op) {
      auto gather = dyn_cast<GatherOp>(op);
      return isa<PackTapsOp>(op) || (gather && !gather.getPadding());
    };
    std::function<bool(OpOperand &)> feedsProducts = [&](OpOperand &use) {
      Operation *user = use.getOwner();
      if (!movesValues(user))
        return roundsToType(use);
      Value moved = user->getResult(0);
      return use.getOperandNumber() == 0 && !moved.use_empty() &&
             llvm::all_of(moved.getUses(), feedsProducts);
    };
    getOperation().walk([&](Operation *op) {
      if (!isa<ConvOp, MatMulOp, MapOp, Im2ColOp, PackTapsOp, WinogradInputOp>(
              op) &&
          !movesValues(op))
        return;
      Value result = op->getResult(0);
      auto tensor = cast<RankedTensorType>(result.getType());
      if (!tensor.getElementType().isF32() || result.use_empty() ||
          !llvm::all_of(result.getUses(), feedsProducts))
        return;
      result.setType(tensor.clone(narrow));
    });
    // Constants streamed into such products (a convolution's filters as the
    // rows of its tap-row products) are rounded at compile time, as the
    // chip would round every read.
    OpBuilder builder(&getContext());
    getOperation().walk([&](arith::ConstantOp constant) {
      auto tensor = dyn_cast<RankedTensorType>(constant.getType());
      if (!tensor || !tensor.getElementType().isF32() ||
          constant.getResult().use_empty() ||
          !llvm::all_of(constant.getResult().getUses(), [&](OpOperand &use) {
            return use.getOperandNumber() == 0 && roundsToType(use);
          }))
        return;
      std::optional<std::vector<uint32_t>> words = readConstantWords(constant);
      if (!words)
        return;
      ::lpu::convertLaneWords(::lpu::DType::F32, type, words->data(),
                              words->data(), words->size());
      builder.setInsertionPoint(constant);
      Value rounded = constantFromLaneWords(builder, constant.getLoc(),
                                            tensor.clone(narrow), *words);
      rounded.getDefiningOp()->setDiscardableAttrs(
          constant->getDiscardableAttrDictionary());
      constant.getResult().replaceAllUsesWith(rounded);
      constant.erase();
    });
  }
};

} // namespace
