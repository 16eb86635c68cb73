//===- Im2Col.cpp - Windows of a channels-first tensor as rows ------------===//
//
// Two MXM steps (see tile.im2col). The first reads each input row once per
// kernel column and costs N C H KW products, or once per phase of the
// stride when the rows fit a vector (tile::ColumnPhases; SXM shifts make
// the columns; all phases in one product when they fit a vector side by
// side, the input rows in the order the result's rows need them); the
// second costs one K-row
// transposed install per output image row and one product per output pixel,
// where a convolution over C channels would have made KH KW products per
// pixel.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/TileToLPU/Expander.h"

#include "dialects/Tile/Window.h"

#include <limits>
#include <numeric>

using namespace mlir;
using namespace lpuc;
using namespace lpuc::tile_to_lpu;

LogicalResult lpuc::tile_to_lpu::expandIm2Col(tile::Im2ColOp op, Expander &x) {
  if (!op.getTurn() || !op.getPlanes())
    return op.emitError("has no `turn` or `planes`; run tile-choose-tiling "
                        "and tile-assign-planes first");
  Shape in = Expander::shapeOf(op.getInput()),
        y = Expander::shapeOf(op.getResult());
  const bool tapRows = op.getTapRows();
  const int64_t N = in[0], C = in[1], H = in[2], W = in[3];
  // With segments, image row s * P + p of tap rows sits in lanes
  // [s * OW, (s + 1) * OW) of row block p.
  const int64_t segments = op.getSegments();
  const std::array<int64_t, 2> outputSize = op.getOutputSize();
  const int64_t OH = outputSize[0], OW = outputSize[1];
  const int64_t K = tapRows ? y[2] : y[3];
  const int64_t KW = op.getKernel()[1];
  const int64_t lanes = x.target.lanes;
  if (K > lanes && !tapRows)
    return op.emitError("packs ")
           << K << " taps' channels into a row, more than the " << lanes
           << " lanes of " << x.target.name;
  tile::Window window = tile::Window::of(op);
  FailureOr<RowStore> input = x.store(op.getInput());
  if (failed(input))
    return failure();
  PlaneCursor planes(op, op.getPlanes());

  // Step 1: columns[kx][(n, c, y)] is input row (n, c, y) read at the x of
  // tap column kx of every output x, the padding value in the padding
  // (added after the products: a vector holding it where the tap column
  // falls in the padding).
  const int64_t inRows = N * C * H;
  const int64_t inTiles = llvm::divideCeil(W, lanes);
  const int64_t outTiles = llvm::divideCeil(OW, lanes);
  const float paddingValue = float(int64_t(op.getPaddingValue()));
  // Columns are copies of input values or of the padding value: made in the
  // result's type, an i8 column streams to a transposed install on one
  // stream where an f32 one took four (ResNet-18 int8's stem was bound by
  // them: 29,763 -> 25,946 cycles). Tap rows are copies of them.
  const ::lpu::DType resultType = lpuc::lpu::getDType(
      cast<RankedTensorType>(op.getResult().getType()).getElementType());
  const ::lpu::DType columnsType = resultType;
  RowStore columns =
      x.wholeStore(x.scratch({KW * inRows, OW}, ".columns", columnsType));
  // Adds the padding value where tap column kx of an output x falls in the
  // padding (nothing when there is none).
  auto paddingSteps = [&](int64_t kx) -> std::vector<ResolvedStep> {
    if (paddingValue == 0.0f)
      return {};
    std::vector<float> values(OW, 0.0f);
    bool any = false;
    for (int64_t ox = 0; ox < OW; ++ox)
      if (!window.tapPosition(1, W, ox, kx)) {
        values[ox] = paddingValue;
        any = true;
      }
    if (!any)
      return {};
    return {
        {ChainStep::operandStep(0, StepKind::Add),
         x.wholeStore(x.constant((".padding" + Twine(kx)).str(), {OW}, values)),
         {OW}}};
  };
  // Rows of `out` from `rows` input rows each multiplied by the selection
  // matrix `select(j, q)` of its input tile j and output tile q, of
  // `columns` lanes, with the epilogue `steps`.
  auto selectRows = [&](const RowStore &out, int64_t firstOutRow,
                        int64_t columnCount, ArrayRef<ResolvedStep> steps,
                        StringRef name, ArrayRef<int64_t> rowOrder,
                        function_ref<std::optional<int64_t>(int64_t)>
                            sourceOf) {
    PreparedChain epilogue = x.prepareChain(steps, {out.rows, out.rowLength});
    // Selection tile (j, q): input lane i of vector j feeds output lane o of
    // vector q when that is where output o reads.
    const int64_t selectTiles = llvm::divideCeil(columnCount, lanes);
    SmallVector<int32_t> select;
    for (int64_t j = 0; j < inTiles; ++j)
      for (int64_t q = 0; q < selectTiles; ++q) {
        const int64_t rows = std::min(lanes, W - j * lanes),
                      cols = std::min(lanes, columnCount - q * lanes);
        std::vector<float> values(rows * cols, 0.0f);
        for (int64_t o = 0; o < cols; ++o) {
          std::optional<int64_t> at = sourceOf(q * lanes + o);
          if (at && *at / lanes == j)
            values[(*at - j * lanes) * cols + o] = 1.0f;
        }
        select.push_back(x.constant((name + Twine(j) + "." + Twine(q)).str(),
                                    {rows, cols}, values, x.mxmType));
        x.dealWeightRows(select.back());
      }
    ProductPlan plan;
    plan.a = *input;
    plan.rows = inRows;
    plan.kTiles = inTiles;
    plan.firstOutRow = firstOutRow;
    plan.turn = *op.getTurn();
    plan.tileRows = [&](int64_t j) { return std::min(lanes, W - j * lanes); };
    plan.weightRow = [&](int64_t j, int64_t q, int64_t r) {
      return x.read(select[j * selectTiles + q], r);
    };
    // Output row m multiplies input row rowOrder[m] (m when empty).
    plan.aVector =
        [&](int64_t m,
            int64_t j) -> std::optional<std::pair<int64_t, int64_t>> {
      return std::make_pair(rowOrder.empty() ? m : rowOrder[m], j);
    };
    x.emitMatMul(plan, epilogue, out, planes);
  };

  if (std::optional<tile::ColumnPhases> phases =
          window.columnPhases(1, W, OW, lanes)) {
    // Step 1 by phases: input rows' positions of each residue modulo the
    // stride, side by side (all phases in one product per input row when
    // they fit a vector), then each tap column shifted out of its phase
    // (dst[o] = phase[o + shift]); values that would land past the outputs
    // are shifted out first, since lanes past a row stay zero.
    const int64_t phaseCount = phases->residues.size(),
                  stride = window.strides[1];
    const std::optional<SmallVector<int64_t, 4>> offsets =
        phases->sideBySide(lanes);
    // Input rows go in the order the rows of the result first read them,
    // so that its products start before the last input row's.
    SmallVector<int64_t> order(inRows);
    {
      // The first row block that reads each image row (any batch, channel).
      const int64_t blockRows = tapRows ? OH / segments : OH;
      SmallVector<int64_t> first(H, std::numeric_limits<int64_t>::max());
      for (int64_t oy = 0; oy < OH; ++oy)
        for (int64_t ky = 0; ky < op.getKernel()[0]; ++ky)
          if (std::optional<int64_t> y = window.tapPosition(0, H, oy, ky))
            first[*y] = std::min(first[*y], oy % blockRows);
      std::iota(order.begin(), order.end(), 0);
      llvm::stable_sort(order, [&](int64_t a, int64_t b) {
        return std::make_pair(a / (C * H), first[a % H]) <
               std::make_pair(b / (C * H), first[b % H]);
      });
    }
    const int64_t total = llvm::sum_of(phases->widths);
    RowStore phaseRows = x.wholeStore(
        x.scratch({offsets ? inRows : phaseCount * inRows,
                   offsets ? total : *llvm::max_element(phases->widths)},
                  ".phases", columnsType));
    if (offsets) {
      selectRows(
          phaseRows, 0, total, {}, ".phases.", order,
          [&](int64_t o) -> std::optional<int64_t> {
            for (int64_t p = 0; p < phaseCount; ++p)
              if (o >= (*offsets)[p] && o < (*offsets)[p] + phases->widths[p])
                return phases->residues[p] + (o - (*offsets)[p]) * stride;
            return std::nullopt;
          });
    } else {
      for (int64_t p = 0; p < phaseCount; ++p) {
        const int64_t residue = phases->residues[p];
        selectRows(phaseRows, p * inRows, phases->widths[p], {},
                   (".phase" + Twine(p) + ".").str(), order,
                   [&](int64_t j) -> std::optional<int64_t> {
                     if (j >= phases->widths[p])
                       return std::nullopt;
                     return residue + j * stride;
                   });
      }
    }
    // Phase row m holds input row order[m]; its columns are made at once.
    SmallVector<PreparedChain> paddings;
    for (int64_t kx = 0; kx < KW; ++kx)
      paddings.push_back(x.prepareChain(paddingSteps(kx), {inRows, OW}));
    for (int64_t m = 0; m < inRows; ++m) {
      const int64_t row = order[m];
      for (int64_t kx = 0; kx < KW; ++kx) {
        const tile::ColumnPhases::Column column = phases->columns[kx];
        // Column lane o is lane `from` + o of the phase row for lanes below
        // `cut` (the phase's end, and the outputs'), zero above. A column
        // padded on the left first drops the phases below its own, which
        // would land in the padding; two shifts drop what lies past `cut`.
        const int64_t offset = offsets ? (*offsets)[column.phase] : 0;
        const bool dropBelow = offset && column.shift < 0;
        const int64_t base = dropBelow ? 0 : offset;
        const int64_t from = base + column.shift;
        const int64_t dataEnd = !offsets    ? phases->widths[column.phase]
                                : dropBelow ? total - offset
                                            : total;
        const int64_t cut =
            std::min(base + phases->widths[column.phase], OW + from);
        InstrId value =
            from >= cut ? x.zero()
                        : x.readRow(phaseRows,
                                    offsets ? m : column.phase * inRows + m, 0);
        if (dropBelow && from < cut)
          value = x.shift(value, -offset);
        if (from >= cut) {
          // Every lane of the column is padding.
        } else if (dataEnd > cut) {
          if (lanes - cut)
            value = x.shift(value, lanes - cut);
          value = x.shift(value, -(lanes - cut + from));
        } else if (from) {
          value = x.shift(value, -from);
        }
        // Chains compute in f32; the write converts back.
        if (!paddings[kx].steps.empty())
          value = x.emitChainVector(paddings[kx],
                                    Expander::rowIndex(paddings[kx].shape, row),
                                    0, x.convert(value, ::lpu::DType::F32));
        x.writeRow(value, columns, kx * inRows + row, 0);
      }
    }
  } else {
    for (int64_t kx = 0; kx < KW; ++kx) {
      selectRows(columns, kx * inRows, OW, paddingSteps(kx),
                 (".select" + Twine(kx) + ".").str(), /*rowOrder=*/{},
                 [&](int64_t o) { return window.tapPosition(1, W, o, kx); });
    }
  }

  // Tap row (n, oy, (ky * KW + kx) * C + c) is columns[kx] at input row
  // (n, c, y(oy, ky)), or the padding value.
  auto tapRow = [&](int64_t n, int64_t oy,
                    int64_t r) -> std::optional<int64_t> {
    const int64_t tap = r / C, c = r % C;
    auto at = window.tapPosition(0, H, oy, tap / KW);
    if (!at)
      return std::nullopt;
    return (tap % KW) * inRows + (n * C + c) * H + *at;
  };
  // A row of the padding value (in `dtype`, made once), for taps in it.
  std::optional<int32_t> padding;
  auto paddingRow = [&](::lpu::DType dtype) {
    if (!padding)
      padding = x.constant(".padding", {lanes},
                           SmallVector<float>(lanes, paddingValue), dtype);
    return x.read(*padding, 0);
  };
  RowStore out = x.resultStore(op.getResult());
  if (tapRows && segments > 1) {
    if (segments * OW > lanes)
      return op.emitError("puts ")
             << segments << " rows of " << OW << " side by side, more than the "
             << lanes << " lanes of " << x.target.name;
    // The columns' lanes past OW are zero, as is the padding: each segment
    // shifted into place and added.
    const int64_t P = OH / segments;
    for (int64_t n = 0; n < N; ++n)
      for (int64_t p = 0; p < P; ++p)
        for (int64_t r = 0; r < K; ++r) {
          InstrId value = lpuc::lpu::kNoInstr;
          for (int64_t s = 0; s < segments; ++s) {
            std::optional<int64_t> row = tapRow(n, s * P + p, r);
            if (!row)
              continue;
            InstrId segment = x.readRow(columns, *row, 0);
            if (s)
              segment = x.shift(segment, s * OW);
            value = value == lpuc::lpu::kNoInstr
                        ? segment
                        : x.combine(StepKind::Add, value, segment);
          }
          x.writeRow(value == lpuc::lpu::kNoInstr ? paddingRow(resultType)
                                                  : value,
                     out, (n * P + p) * K + r, 0);
        }
    return planes.finish();
  }
  if (tapRows) {
    for (int64_t n = 0; n < N; ++n)
      for (int64_t oy = 0; oy < OH; ++oy)
        for (int64_t r = 0; r < K; ++r) {
          std::optional<int64_t> row = tapRow(n, oy, r);
          for (int64_t q = 0; q < outTiles; ++q)
            x.writeRow(row ? x.readRow(columns, *row, q)
                           : paddingRow(resultType),
                       out, (n * OH + oy) * K + r, q);
        }
    return planes.finish();
  }

  // Step 2: output image row (n, oy) reads, for packed element
  // (ky * KW + kx) * C + c, columns[kx] at input row (n, c, y(oy, ky)).
  // Installed transposed, unit vector ox gives pixel ox's row.
  const int32_t unit = x.identity();
  for (int64_t n = 0; n < N; ++n)
    for (int64_t oy = 0; oy < OH; ++oy)
      for (int64_t q = 0; q < outTiles; ++q) {
        const int64_t width = std::min(lanes, OW - q * lanes);
        // One install per window of the pixels' lanes.
        for (int64_t first = 0; first < width; first += x.mxmRows) {
          const int32_t plane = planes.next();
          x.loadAndInstall(
              plane, K, /*transposed=*/true,
              [&](int64_t r) {
                std::optional<int64_t> row = tapRow(n, oy, r);
                return row ? x.readRow(columns, *row, q)
                           : paddingRow(x.mxmType);
              },
              first);
          for (int64_t e = first; e < std::min(width, first + x.mxmRows); ++e)
            x.writeRow(x.matmul(plane, x.read(unit, e)), out,
                       (n * OH + oy) * OW + q * lanes + e, 0);
        }
      }
  return planes.finish();
}
