//===- Map.cpp - Element-wise chains --------------------------------------===//

#include "compiler/Conversion/TileToLPU/Expander.h"

using namespace mlir;
using namespace lpuc;
using namespace lpuc::tile_to_lpu;

namespace {
/// Whether every reader of `value`, a tensor of rows of at most a vector,
/// ignores the finite values its rows hold past their width: a row sum on
/// the MXM (its weights there are zero, and a finite value times zero adds
/// nothing), or a map whose own padding is shifted out whatever reads it
/// (padding `Any`: a `Finite` one may be left in place too, and would then
/// carry these values on). A softmax's exponentials then keep theirs: two
/// SXM shifts fewer per row.
bool onlyRowsRead(Value value, const ::lpu::TargetDesc &target) {
  if (Expander::shapeOf(value).back() > int64_t(target.lanes))
    return false;
  return llvm::all_of(value.getUsers(), [](Operation *user) {
    if (auto reduce = dyn_cast<tile::ReduceRowsOp>(user))
      return reduce.getStrategy() == tile::RowStrategy::MXMSum;
    if (auto map = dyn_cast<tile::MapOp>(user))
      return Expander::paddingOf(map) == tile::Padding::Any;
    return false;
  });
}
} // namespace

/// One chain per output vector: each operand read where NumPy broadcasting
/// puts it (a size-1 innermost dimension spread with `sxm.distribute`),
/// combined on the VXM, written once.
LogicalResult lpuc::tile_to_lpu::expandMap(tile::MapOp op, Expander &x) {
  auto steps = x.resolveChain(tile::getChain(op), op.getInputs());
  if (failed(steps))
    return failure();
  RowStore out = x.resultStore(op.getResult());
  PreparedChain chain =
      x.prepareChain(*steps, Expander::shapeOf(op.getResult()));
  if (chain.padding == tile::Padding::Finite)
    chain.paddingRead = !onlyRowsRead(op.getResult(), x.target);
  x.emitElementwise(chain, out);
  return success();
}
