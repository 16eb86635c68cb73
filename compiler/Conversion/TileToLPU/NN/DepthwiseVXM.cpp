//===- DepthwiseVXM.cpp - Depthwise convolutions on the VXM ---------------===//
//
// Each output vector is the sum over the window's taps of an input vector
// times that tap's weight vector, then the epilogue. A pixel's vector holds
// its C channels; with `segments` S, S bands of B = ceil(H / S) image rows
// side by side (lanes [s C, (s + 1) C) of vector (n, y, x) hold pixel
// (n, s B + y, x)), so that each vector's taps compute S pixels.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/TileToLPU/Expander.h"

#include "dialects/Tile/Window.h"
#include "lpu/Elements.h"

#include <map>

using namespace mlir;
using namespace lpuc;
using namespace lpuc::tile_to_lpu;

namespace {

/// A constant tensor's elements as f32 values.
FailureOr<SmallVector<float>> constantFloats(Operation *op, Value value,
                                             StringRef what) {
  FailureOr<std::vector<uint32_t>> data = constantWords(op, value, what);
  if (failed(data))
    return failure();
  const ::lpu::DType type =
      lpuc::lpu::getDType(getElementTypeOrSelf(value.getType()));
  SmallVector<float> values;
  for (uint32_t word : *data)
    values.push_back(::lpu::wordToFloat(
        ::lpu::convertLaneWord(type, ::lpu::DType::F32, word)));
  return values;
}

/// The epilogue of a banded convolution: each operand that is not one
/// value repeated over the S bands' lanes (the verifier and
/// tile-choose-tiling keep to operands the same for every pixel).
FailureOr<std::vector<ResolvedStep>>
bandedEpilogue(tile::ConvOp op, Expander &x, int64_t C, int64_t S) {
  auto steps = x.resolveChain(tile::getEpilogue(op), op.getExtras());
  if (failed(steps))
    return failure();
  for (ResolvedStep &step : *steps) {
    if (!step.step.isOperand() || step.splat)
      continue;
    FailureOr<SmallVector<float>> values = constantFloats(
        op, op.getExtras()[step.step.operand], "a banded epilogue operand");
    if (failed(values))
      return failure();
    if (int64_t(values->size()) != C)
      return op.emitError("a banded epilogue operand must hold one value "
                          "per channel");
    SmallVector<float> repeated;
    for (int64_t s = 0; s < S; ++s)
      repeated.append(values->begin(), values->end());
    step.operand = x.wholeStore(
        x.constant(".bands.epilogue" + std::to_string(step.step.operand),
                   {1, S * C}, repeated));
    step.shape = {1, 1, 1, S * C};
  }
  return steps;
}

} // namespace

LogicalResult lpuc::tile_to_lpu::expandConvOnVXM(tile::ConvOp op, Expander &x,
                                                 const RowStore &out,
                                                 int64_t pixels) {
  Shape y = Expander::shapeOf(op.getResult());
  const std::array<int64_t, 4> image = op.getInputImage();
  const int64_t N = image[0], H = image[1], W = image[2], C = image[3];
  const int64_t OH = y[1], OW = y[2];
  const int64_t KW = op.getKernel()[1], taps = op.getKernel()[0] * KW;
  const int64_t S = op.getSegments().value_or(1);
  if (S * C > int64_t(x.target.lanes) && S > 1)
    return op.emitError("segments ")
           << S << " of " << C << " channels exceed the " << x.target.lanes
           << " lanes";
  FailureOr<RowStore> input = x.store(op.getInput());
  FailureOr<SmallVector<float>> weightValues =
      constantFloats(op, op.getWeights(), "convolution weights");
  if (failed(input) || failed(weightValues))
    return failure();
  // The taps multiply and add in the type the input is stored in (f16 or
  // bf16 when tile-store-product-inputs chose it: half the streams of f32),
  // or, for quantized (i8) values, in i32: exact sums of x times w - zw, as
  // the MXM forms them, for the epilogue that rescales them.
  const ::lpu::DType stored =
      lpuc::lpu::getDType(x.buffer(input->buffer).type.getElementType());
  const bool quantized = stored == ::lpu::DType::I8;
  const ::lpu::DType sumType = quantized ? ::lpu::DType::I32 : stored;
  // Weights [C, 1, KH, KW] as rows of taps, [taps, S C] (each band's lanes
  // the same), in `copies` copies whose rows are dealt one by one over a
  // quarter of the MEM slices: every output vector reads each tap's row,
  // which would keep one slice's ports busier than the VXM. Output vector v
  // reads copy v % copies.
  const int64_t spread = std::max<int64_t>(1, x.target.memSlices / 4);
  const int64_t copies = llvm::divideCeil(spread, taps);
  const int64_t width = S * C;
  SmallVector<float> table(copies * taps * width);
  for (int64_t copy = 0; copy < copies; ++copy)
    for (int64_t tap = 0; tap < taps; ++tap)
      for (int64_t lane = 0; lane < width; ++lane)
        table[(copy * taps + tap) * width + lane] =
            (*weightValues)[(lane % C) * taps + tap];
  const int32_t tableBuffer =
      x.constant(".taps", {copies * taps, width}, table, sumType);
  x.dealRows(tableBuffer, std::min(spread, copies * taps));
  RowStore weights = x.wholeStore(tableBuffer);
  // A quantized input's padding holds its zero point (padding_value).
  std::optional<RowStore> padding;
  if (const int64_t value = quantized ? op.getPaddingValue() : 0)
    padding = x.wholeStore(x.constant(
        ".padding", {1, C}, SmallVector<float>(C, float(value)), sumType));
  const tile::Window window = tile::Window::of(op);

  // One output vector: its taps' products summed, widened, the epilogue.
  int64_t outVector = 0;
  auto tapSum =
      [&](function_ref<std::optional<InstrId>(int64_t tap, int64_t j)> value,
          int64_t j) {
        InstrId acc = lpuc::lpu::kNoInstr;
        for (int64_t tap = 0; tap < taps; ++tap) {
          std::optional<InstrId> v = value(tap, j);
          if (!v)
            continue;
          InstrId weight =
              x.readRow(weights, (outVector % copies) * taps + tap, j);
          InstrId term = x.combine(StepKind::Mul, *v, weight);
          acc = acc == lpuc::lpu::kNoInstr
                    ? term
                    : x.combine(StepKind::Add, acc, term);
        }
        ++outVector;
        if (acc == lpuc::lpu::kNoInstr)
          acc = x.zero();
        return x.convert(acc, ::lpu::DType::F32);
      };

  if (S == 1) {
    auto epilogue = x.resolveChain(tile::getEpilogue(op), op.getExtras());
    if (failed(epilogue))
      return failure();
    PreparedChain chain = x.prepareChain(*epilogue, y);
    for (int64_t n = 0; n < N; ++n)
      for (int64_t oy = 0; oy < OH; ++oy)
        for (int64_t ox = 0; ox < OW; ++ox)
          for (int64_t j = 0; j < input->vectorsPerRow; ++j) {
            const int64_t row = (n * OH + oy) * OW + ox;
            if (row >= pixels)
              return success();
            InstrId acc = tapSum(
                [&](int64_t tap, int64_t j) -> std::optional<InstrId> {
                  auto pixel =
                      window.tapPixel({H, W}, oy, ox, tap / KW, tap % KW);
                  if (!pixel && !padding)
                    return std::nullopt;
                  if (!pixel)
                    return x.readRow(*padding, 0, j);
                  InstrId v = x.readRow(
                      *input, (n * H + pixel->first) * W + pixel->second, j);
                  return quantized ? x.convert(v, sumType) : v;
                },
                j);
            acc = x.emitChainVector(chain, Expander::rowIndex(chain.shape, row),
                                    j, acc);
            x.writeRow(acc, out, row, j);
          }
    return success();
  }

  // Bands: the input moved into S bands of H / S rows, each output vector
  // computed once for S pixels, the result moved back. A window row above
  // or below a band (local row outside [0, H / S)) is band s - 1's or
  // s + 1's row at the same local position, shifted C lanes up or down:
  // the first band then gets zeros from below lane 0, the last from the
  // padding lanes past S C, both the image's zero padding.
  // The last band may be shorter: its rows past the image are padding.
  const int64_t bandRows = llvm::divideCeil(H, S);
  const int64_t outBandRows = llvm::divideCeil(OH, S);
  if (pixels != N * OH * OW)
    return op.emitError("a banded convolution computes every pixel");
  // An input already in bands (`banded_input`) is read as it is.
  RowStore bandsIn = *input;
  if (!op.getBandedInput()) {
    bandsIn =
        x.wholeStore(x.scratch({N * bandRows * W, width}, ".bands.in", stored));
    x.emitElementMap(bandsIn, [&](int64_t flat, int64_t) {
      const int64_t row = flat / width, lane = flat % width;
      const int64_t n = row / (bandRows * W), local = row / W % bandRows;
      const int64_t imageRow = lane / C * bandRows + local;
      if (imageRow >= H)
        return std::optional<RowElement>();
      return std::optional<RowElement>(
          RowElement{&*input, (n * H + imageRow) * W + row % W, lane % C});
    });
  }
  const ::lpu::DType outType =
      lpuc::lpu::getDType(x.buffer(out.buffer).type.getElementType());
  RowStore bandsOut = x.wholeStore(
      x.scratch({N * outBandRows * OW, width}, ".bands.out", outType));
  auto epilogue = bandedEpilogue(op, x, C, S);
  if (failed(epilogue))
    return failure();
  PreparedChain chain = x.prepareChain(*epilogue, {N, outBandRows, OW, width});
  // A quantized input's padding holds its zero point: the bands whose
  // shifted-in rows are the image's padding get it added (`over` bands
  // above or below), and a window column in the padding reads it in every
  // band.
  const int64_t paddingValue = quantized ? op.getPaddingValue() : 0;
  std::map<int64_t, RowStore> paddingBands;
  auto paddingIn = [&](int64_t first, int64_t count) {
    auto [it, inserted] = paddingBands.insert({first * S + count, {}});
    if (inserted) {
      SmallVector<float> values(width, 0.0f);
      std::fill_n(values.begin() + first * C, count * C, float(paddingValue));
      it->second =
          x.wholeStore(x.constant(".bands.padding" + std::to_string(first) +
                                      "x" + std::to_string(count),
                                  {1, width}, values, sumType));
    }
    return x.readRow(it->second, 0, 0);
  };
  for (int64_t n = 0; n < N; ++n)
    for (int64_t oy = 0; oy < outBandRows; ++oy)
      for (int64_t ox = 0; ox < OW; ++ox) {
        InstrId acc = tapSum(
            [&](int64_t tap, int64_t) -> std::optional<InstrId> {
              // The tap's input row within the band, possibly outside it.
              const int64_t iy = oy * window.strides[0] - window.padBegin[0] +
                                 tap / KW * window.dilations[0];
              const int64_t ix = ox * window.strides[1] - window.padBegin[1] +
                                 tap % KW * window.dilations[1];
              const int64_t over = llvm::divideFloorSigned(iy, bandRows);
              const bool allPadding = over <= -S || over >= S;
              if (ix < 0 || ix >= W || allPadding)
                return paddingValue ? std::optional(paddingIn(0, S))
                                    : std::nullopt;
              InstrId v = x.readRow(
                  bandsIn, (n * bandRows + iy - over * bandRows) * W + ix, 0);
              if (over)
                v = x.shift(v, -over * C);
              if (quantized)
                v = x.convert(v, sumType);
              if (over && paddingValue)
                v = x.combine(StepKind::Add, v,
                              over < 0 ? paddingIn(0, -over)
                                       : paddingIn(S - over, over));
              return v;
            },
            0);
        const int64_t row = (n * outBandRows + oy) * OW + ox;
        acc = x.emitChainVector(chain, Expander::rowIndex(chain.shape, row), 0,
                                acc);
        x.writeRow(acc, bandsOut, row, 0);
      }
  x.emitElementMap(out, [&](int64_t flat, int64_t) {
    const int64_t row = flat / C, c = flat % C;
    const int64_t n = row / (OH * OW), oy = row / OW % OH, ox = row % OW;
    return std::optional<RowElement>(
        RowElement{&bandsOut, (n * outBandRows + oy % outBandRows) * OW + ox,
                   oy / outBandRows * C + c});
  });
  return success();
}
