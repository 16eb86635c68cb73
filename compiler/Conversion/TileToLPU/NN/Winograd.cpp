//===- Winograd.cpp - Winograd F(2x2, 3x3) transforms on the VXM ----------===//
//
// Both transforms are sums with coefficients +-1 (dialects/Tile/Winograd.h),
// chains of VXM adds and subtractions in f32: the input's one per result
// vector over the input pixel vectors it meets (those in the padding left
// out), the output's in two stages.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/TileToLPU/Expander.h"

#include "dialects/Tile/Winograd.h"

using namespace mlir;
using namespace lpuc;
using namespace lpuc::tile_to_lpu;
namespace winograd = lpuc::tile::winograd;

namespace {

/// The sum of `terms` (coefficient +-1, vector), in f32, starting from a
/// term added (a negated first term costs a scale), or nothing without
/// terms.
InstrId sumTerms(Expander &x,
                 SmallVectorImpl<std::pair<float, InstrId>> &terms) {
  auto added = llvm::find_if(terms, [](auto &t) { return t.first > 0; });
  if (added != terms.end())
    std::rotate(terms.begin(), added, added + 1);
  InstrId acc = lpuc::lpu::kNoInstr;
  for (auto [coefficient, value] : terms) {
    value = x.convert(value, ::lpu::DType::F32);
    if (acc == lpuc::lpu::kNoInstr)
      acc = coefficient > 0 ? value : x.scaled(value, -1.0f);
    else
      acc = x.combine(coefficient > 0 ? StepKind::Add : StepKind::Sub, acc,
                      value);
  }
  return acc;
}

} // namespace

LogicalResult lpuc::tile_to_lpu::expandWinogradInput(tile::WinogradInputOp op,
                                                     Expander &x) {
  Shape in = Expander::shapeOf(op.getInput());
  const int64_t N = in[0], H = in[1], W = in[2];
  const int64_t top = op.getPadBegin()[0], left = op.getPadBegin()[1];
  const winograd::Tiles tiles(N, op.getOutputSize()[0], op.getOutputSize()[1]);
  const int64_t T = tiles.count();
  FailureOr<RowStore> input = x.store(op.getInput());
  if (failed(input))
    return failure();
  RowStore out = x.resultStore(op.getResult());
  const auto &bt = winograd::kInputTransform;
  for (int64_t t = 0; t < T; ++t) {
    const auto [n, ty, tx] = tiles[t];
    for (int64_t a = 0; a < winograd::kInputTile; ++a)
      for (int64_t b = 0; b < winograd::kInputTile; ++b)
        for (int64_t j = 0; j < out.vectorsPerRow; ++j) {
          SmallVector<std::pair<float, InstrId>, 4> terms;
          for (int64_t i = 0; i < winograd::kInputTile; ++i)
            for (int64_t k = 0; k < winograd::kInputTile; ++k) {
              const float coefficient = bt[a][i] * bt[b][k];
              const int64_t y = 2 * ty - top + i, col = 2 * tx - left + k;
              if (coefficient == 0 || y < 0 || y >= H || col < 0 || col >= W)
                continue;
              terms.push_back(
                  {coefficient, x.readRow(*input, (n * H + y) * W + col, j)});
            }
          InstrId acc = sumTerms(x, terms);
          if (acc == lpuc::lpu::kNoInstr)
            acc = x.zero();
          x.writeRow(acc, out, (a * winograd::kInputTile + b) * T + t, j);
        }
  }
  return success();
}

/// In two stages through SRAM: the rows of A^T m (each a sum of three
/// products, 24 product reads and conversions per tile and vector of
/// channels instead of 36), then each output pixel the sum of three of
/// them and the epilogue. ResNet-18 fp16 51,308 -> 49,904 cycles, its
/// Winograd layers short of VXM issue slots; staging the input transform
/// the same way measured slower (50,456).
LogicalResult lpuc::tile_to_lpu::expandWinogradOutput(tile::WinogradOutputOp op,
                                                      Expander &x) {
  Shape y = Expander::shapeOf(op.getResult());
  const int64_t N = y[0], OH = y[1], OW = y[2];
  const winograd::Tiles tiles(N, OH, OW);
  const int64_t T = tiles.count();
  FailureOr<RowStore> products = x.store(op.getInput());
  auto epilogue = x.resolveChain(tile::getChain(op.getSteps(), op.getFactors()),
                                 op.getExtras());
  if (failed(products) || failed(epilogue))
    return failure();
  PreparedChain chain = x.prepareChain(*epilogue, y);
  RowStore out = x.resultStore(op.getResult());
  const auto &at = winograd::kOutputTransform;
  const int64_t tile = winograd::kInputTile;
  // Row (i * 4 + b) * T + t: row i, column b of A^T m for tile t; dealt
  // over slices row by row, as the products are.
  RowStore rows = x.splitScratch(
      RankedTensorType::get({winograd::kOutputTile * tile * T, y[3]},
                            Float32Type::get(x.context)),
      1);
  for (int64_t t = 0; t < T; ++t) {
    const auto [n, tileY, tileX] = tiles[t];
    const int64_t ty = tileY, tx = tileX;
    // The rows i and columns b of A^T m that the tile's pixels inside the
    // output read (a tile cut short by an odd size reads fewer).
    auto rowUsed = [&](int64_t i) { return 2 * ty + i < OH; };
    auto columnUsed = [&](int64_t b) {
      for (int64_t k = 0; k < winograd::kOutputTile; ++k)
        if (2 * tx + k < OW && at[k][b] != 0)
          return true;
      return false;
    };
    for (int64_t i = 0; i < winograd::kOutputTile; ++i)
      for (int64_t b = 0; b < tile; ++b)
        for (int64_t j = 0; j < out.vectorsPerRow; ++j) {
          if (!rowUsed(i) || !columnUsed(b))
            continue;
          SmallVector<std::pair<float, InstrId>, 3> terms;
          for (int64_t a = 0; a < tile; ++a)
            if (at[i][a] != 0)
              terms.push_back(
                  {at[i][a], x.readRow(*products, (a * tile + b) * T + t, j)});
          x.writeRow(sumTerms(x, terms), rows, (i * tile + b) * T + t, j);
        }
    for (int64_t i = 0; i < winograd::kOutputTile; ++i)
      for (int64_t k = 0; k < winograd::kOutputTile; ++k) {
        const int64_t oy = 2 * ty + i, ox = 2 * tx + k;
        if (oy >= OH || ox >= OW)
          continue;
        const int64_t row = (n * OH + oy) * OW + ox;
        Shape index = Expander::rowIndex(y, row);
        for (int64_t j = 0; j < out.vectorsPerRow; ++j) {
          SmallVector<std::pair<float, InstrId>, 3> terms;
          for (int64_t b = 0; b < tile; ++b)
            if (at[k][b] != 0)
              terms.push_back(
                  {at[k][b], x.readRow(rows, (i * tile + b) * T + t, j)});
          x.writeRow(x.emitChainVector(chain, index, j, sumTerms(x, terms)),
                     out, row, j);
        }
      }
  }
  return success();
}
