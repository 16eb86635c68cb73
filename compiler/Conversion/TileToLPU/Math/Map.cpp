//===- Map.cpp - Element-wise chains --------------------------------------===//

#include "compiler/Conversion/TileToLPU/Expander.h"

using namespace mlir;
using namespace lpuc;
using namespace lpuc::tile_to_lpu;

/// One chain per output vector: each operand read where NumPy broadcasting
/// puts it (a size-1 innermost dimension spread with `sxm.distribute`),
/// combined on the VXM, written once.
LogicalResult lpuc::tile_to_lpu::expandMap(tile::MapOp op, Expander &x) {
  auto steps = x.resolveChain(tile::getChain(op), op.getInputs());
  if (failed(steps))
    return failure();
  RowStore out = x.resultStore(op.getResult());
  x.emitElementwise(x.prepareChain(*steps, Expander::shapeOf(op.getResult())),
                    out);
  return success();
}
