//===- BroadcastReductions.cpp - Row reductions kept row-wide -------------===//

#include "dialects/Tile/Transforms/Passes.h"

#include "mlir/IR/BuiltinTypes.h"

namespace lpuc::tile {
#define GEN_PASS_DEF_BROADCASTREDUCTIONS
#include "dialects/Tile/Transforms/Passes.h.inc"
} // namespace lpuc::tile

using namespace mlir;
using namespace lpuc::tile;

namespace {

/// The innermost dimension; 0 for a scalar, which has none to widen.
int64_t lastDim(Value value) {
  ArrayRef<int64_t> shape = cast<RankedTensorType>(value.getType()).getShape();
  return shape.empty() ? 0 : shape.back();
}

/// A tensor with one element, which broadcasts to any shape.
bool isSplat(Value value) {
  return cast<RankedTensorType>(value.getType()).getNumElements() == 1;
}

/// The values that carry one number per row of a reduction (its result, and
/// maps and reshapes of it), and the users that spread them over rows of
/// `width` elements.
struct RowValues {
  SmallVector<Value> values;
  bool ok = true;
};

/// Collects the row values from `root` on, or fails when one of them is
/// read by anything but a map that spreads it over rows of `width`
/// elements, a map of row values and splats, or a reshape of its leading
/// dimensions.
RowValues collectRowValues(Value root, int64_t width) {
  RowValues rows;
  SmallVector<Value> work = {root};
  llvm::SmallPtrSet<Operation *, 8> seen;
  while (!work.empty() && rows.ok) {
    Value value = work.pop_back_val();
    rows.values.push_back(value);
    for (Operation *user : value.getUsers()) {
      if (!seen.insert(user).second)
        continue;
      Value result = user->getNumResults() == 1 ? user->getResult(0) : Value();
      if (auto map = dyn_cast<MapOp>(user)) {
        if (lastDim(result) == width)
          continue; // spreads the row values over its rows
        // A map of row values: every other operand must be a splat, or it
        // would need spreading too.
        const bool rowWise =
            lastDim(result) == 1 &&
            llvm::all_of(map.getInputs(), [&](Value in) {
              return isSplat(in) || in == value || lastDim(in) == 1;
            });
        if (!rowWise) {
          rows.ok = false;
          break;
        }
        work.push_back(result);
        continue;
      }
      if (isa<ReshapeOp>(user) && lastDim(result) == 1) {
        work.push_back(result);
        continue;
      }
      rows.ok = false;
      break;
    }
  }
  // A map of two row values must see both widened: both are collected, or
  // the map keeps a [.., 1] operand that it would spread lane by lane.
  if (rows.ok) {
    llvm::SmallPtrSet<Value, 8> collected(rows.values.begin(),
                                          rows.values.end());
    for (Value value : rows.values)
      if (auto map = value.getDefiningOp<MapOp>())
        for (Value in : map.getInputs())
          if (!isSplat(in) && !collected.contains(in))
            rows.ok = false;
  }
  return rows;
}

struct BroadcastReductionsPass
    : public lpuc::tile::impl::BroadcastReductionsBase<
          BroadcastReductionsPass> {
  void runOnOperation() override {
    const ::lpu::TargetDesc *target = getTarget(getOperation());
    if (!target)
      return signalPassFailure();
    SmallVector<ReduceRowsOp> reductions;
    getOperation().walk([&](ReduceRowsOp op) {
      const int64_t width = lastDim(op.getInput());
      if (!op.broadcasts() && width > 1 && width <= int64_t(target->lanes))
        reductions.push_back(op);
    });
    for (ReduceRowsOp op : reductions) {
      const int64_t width = lastDim(op.getInput());
      RowValues rows = collectRowValues(op.getResult(), width);
      if (!rows.ok)
        continue;
      // Each row value becomes as wide as the rows it is spread over; the
      // maps that spread it then read it vector by vector.
      for (Value value : rows.values) {
        auto type = cast<RankedTensorType>(value.getType());
        SmallVector<int64_t> shape(type.getShape());
        shape.back() = width;
        value.setType(type.clone(shape));
      }
    }
  }
};
} // namespace
