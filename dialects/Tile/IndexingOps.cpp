//===- IndexingOps.cpp - Verifiers of the gather, lookup and scatter ops --===//
//
// The ops that pick or replace elements by indices: tile.gather (indices
// known at compile time), tile.lookup, tile.gather_elements and
// tile.scatter_rows (indices known only at run time).
//
//===----------------------------------------------------------------------===//

#include "dialects/Tile/TileOps.h"

#include <numeric>

using namespace mlir;
using namespace lpuc::tile;

LogicalResult LookupOp::verify() {
  auto table = cast<RankedTensorType>(getTable().getType());
  auto indices = cast<RankedTensorType>(getIndices().getType());
  auto result = cast<RankedTensorType>(getResult().getType());
  if (table.getRank() != 2)
    return emitOpError("looks up rows of a [V, D] table, not of ") << table;
  if (!indices.getElementType().isSignlessInteger(32))
    return emitOpError("indices must be i32, not ") << indices.getElementType();
  SmallVector<int64_t> shape(indices.getShape());
  shape.push_back(table.getDimSize(1));
  if (result.getShape() != ArrayRef<int64_t>(shape) ||
      result.getElementType() != table.getElementType())
    return emitOpError("result must be ")
           << RankedTensorType::get(shape, table.getElementType())
           << ": a table row per index";
  return success();
}

LogicalResult GatherElementsOp::verify() {
  auto data = cast<RankedTensorType>(getData().getType());
  auto indices = cast<RankedTensorType>(getIndices().getType());
  const int64_t rank = data.getRank(), axis = getAxis();
  if (rank < 2 || axis < 0 || axis >= rank - 1)
    return emitOpError("gathers along an axis before the innermost of data "
                       "of rank 2 or more, not axis ")
           << axis << " of " << data;
  if (!indices.getElementType().isSignlessInteger(32))
    return emitOpError("indices must be i32, not ") << indices.getElementType();
  if (indices.getRank() != rank ||
      indices.getDimSize(rank - 1) != data.getDimSize(rank - 1) ||
      llvm::any_of(llvm::seq<int64_t>(0, rank), [&](int64_t d) {
        return d != axis && indices.getDimSize(d) > data.getDimSize(d);
      }))
    return emitOpError("indices ")
           << indices << " must have the rank and innermost dimension of "
           << data << " and no larger dimension but along the axis";
  if (getResult().getType() !=
      RankedTensorType::get(indices.getShape(), data.getElementType()))
    return emitOpError("result must have the indices' shape and the data's "
                       "element type");
  return success();
}

int64_t GatherElementsOp::getBlockRows() {
  ArrayRef<int64_t> shape = shapeOf(getData());
  return std::accumulate(shape.begin() + getAxis(), shape.end() - 1, int64_t(1),
                         std::multiplies<int64_t>());
}

LogicalResult ScatterRowsOp::verify() {
  auto data = cast<RankedTensorType>(getData().getType());
  auto rows = cast<RankedTensorType>(getRows().getType());
  auto updates = cast<RankedTensorType>(getUpdates().getType());
  if (data.getRank() != 2 || rows.getRank() != 1 ||
      !rows.getElementType().isSignlessInteger(32))
    return emitOpError("replaces rows of a [R, D] table at [N] i32 indices");
  if (Value columns = getColumns()) {
    if (columns.getType() != rows)
      return emitOpError("columns must have the rows' type ") << rows;
    if (updates.getShape() != ArrayRef<int64_t>({rows.getDimSize(0), 1}) ||
        updates.getElementType() != data.getElementType() ||
        getResult().getType() != data)
      return emitOpError("with columns needs [N, 1] updates of the table's "
                         "type and gives the table's type");
    return success();
  }
  if (updates.getShape() !=
          ArrayRef<int64_t>({rows.getDimSize(0), data.getDimSize(1)}) ||
      updates.getElementType() != data.getElementType() ||
      getResult().getType() != data)
    return emitOpError("needs [N, D] updates of the table's type and gives "
                       "the table's type");
  return success();
}

LogicalResult GatherOp::verify() {
  ArrayRef<int64_t> in = shapeOf(getInput()), out = shapeOf(getResult());
  ArrayRef<int64_t> first = getFirst(), count = getCount();
  if (first.size() != in.size() || count.size() != in.size() ||
      getTables().size() != in.size())
    return emitOpError("needs `first`, `count` and a table per input "
                       "dimension");
  for (size_t d = 0; d < in.size(); ++d) {
    if (first[d] < 0 || count[d] < 0 ||
        first[d] + count[d] > int64_t(out.size()))
      return emitOpError("dimension ") << d << " reads output dimensions out "
                                       << "of range";
    int64_t length = 1;
    for (int64_t o = first[d]; o < first[d] + count[d]; ++o)
      length *= out[o];
    ArrayRef<int64_t> table =
        cast<DenseI64ArrayAttr>(getTables()[d]).asArrayRef();
    if (int64_t(table.size()) != length)
      return emitOpError("the table of dimension ")
             << d << " needs " << length << " entries";
    for (int64_t index : table)
      if (index < -1 || index >= in[d])
        return emitOpError("the table of dimension ")
               << d << " has index " << index << " outside 0.." << in[d] - 1;
  }
  if (Value padding = getPadding())
    if (cast<RankedTensorType>(padding.getType()).getNumElements() != 1)
      return emitOpError("the padding value is one element");
  return success();
}
