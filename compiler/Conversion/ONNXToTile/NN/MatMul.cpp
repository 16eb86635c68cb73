//===- MatMul.cpp - MatMul and Gemm as tile.matmul ------------------------===//

#include "compiler/Conversion/ONNXToTile/Converter.h"

#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;
using namespace lpuc;
using namespace lpuc::onnx_to_tile;

namespace {

/// A 2-D constant, transposed at compile time.
FailureOr<Value> transposedConstant(Converter &c, Operation *op, Value value) {
  auto constant = value.getDefiningOp<arith::ConstantOp>();
  std::optional<std::vector<float>> data = Converter::constantFloats(value);
  if (!constant || !data)
    return failure();
  Shape shape = Converter::shapeOf(value);
  std::vector<float> transposed(data->size());
  for (int64_t r = 0; r < shape[0]; ++r)
    for (int64_t col = 0; col < shape[1]; ++col)
      transposed[col * shape[0] + r] = (*data)[r * shape[1] + col];
  return c.constant(constant.getLoc(), ".T", {shape[1], shape[0]}, transposed);
}

} // namespace

/// NumPy matmul: the last two dimensions are matrices, the others a
/// broadcast batch. A 2-D right operand multiplies every row of A at once.
LogicalResult lpuc::onnx_to_tile::lowerMatMul(onnx::MatMulOp op, Converter &c) {
  FailureOr<bool> quantized = lowerQuantizedMatMul(op, c);
  if (failed(quantized) || *quantized)
    return failure(failed(quantized));
  Shape aShape = Converter::shapeOf(op.getA()),
        bShape = Converter::shapeOf(op.getB());
  if (aShape.size() < 2 || bShape.size() < 2)
    return op.emitError("1-D operands (ranks ")
           << aShape.size() << " and " << bShape.size()
           << ") are not supported yet";
  FailureOr<Value> a = c.get(op.getA(), op), b = c.get(op.getB(), op);
  if (failed(a) || failed(b))
    return failure();
  const int64_t K = aShape.back(), N = bShape.back();
  const int64_t M = aShape[aShape.size() - 2];
  auto type = c.f32Tensor(Converter::shapeOf(op.getY()));
  if (bShape.size() == 2) {
    int64_t rows = cast<ShapedType>(op.getA().getType()).getNumElements() / K;
    c.set(op.getY(),
          c.matmul(op.getLoc(), *a, *b, rows, K, N, {0, 0, 0}, false, type));
    return success();
  }
  Shape outShape = Converter::shapeOf(op.getY());
  ArrayRef<int64_t> batch = ArrayRef<int64_t>(outShape).drop_back(2);
  // Each operand's batch index, broadcast like NumPy, in matrices.
  auto matrixIndex = [&](ArrayRef<int64_t> shape, ArrayRef<int64_t> index) {
    ArrayRef<int64_t> own = shape.drop_back(2);
    int64_t flat = 0;
    for (size_t d = 0; d < own.size(); ++d) {
      int64_t i = index[index.size() - own.size() + d];
      flat = flat * own[d] + (own[d] == 1 ? 0 : i);
    }
    return flat;
  };
  SmallVector<int64_t> batches;
  int64_t count = 1;
  for (int64_t d : batch)
    count *= d;
  for (int64_t i = 0; i < count; ++i) {
    Shape index(batch.size());
    for (int64_t d = int64_t(batch.size()) - 1, rest = i; d >= 0; --d) {
      index[d] = rest % batch[d];
      rest /= batch[d];
    }
    batches.append({matrixIndex(aShape, index) * M,
                    matrixIndex(bShape, index) * K, i * M});
  }
  c.set(op.getY(),
        c.matmul(op.getLoc(), *a, *b, M, K, N, batches, false, type));
  return success();
}

/// Y = alpha (A' x B') + beta C: the product, then a map for alpha and C,
/// which tile-fuse-elementwise folds into the product's epilogue. A
/// transposed A is transposed at compile time (a constant) or on the MXM; a
/// transposed constant B is packed transposed, one computed at run time is
/// transposed on the MXM.
LogicalResult lpuc::onnx_to_tile::lowerGemm(onnx::GemmOp op, Converter &c) {
  FailureOr<bool> quantized = lowerQuantizedMatMul(op, c);
  if (failed(quantized) || *quantized)
    return failure(failed(quantized));
  Shape aShape = Converter::shapeOf(op.getA()),
        bShape = Converter::shapeOf(op.getB());
  if (aShape.size() != 2 || bShape.size() != 2)
    return op.emitError("A and B must be 2-D");
  Location loc = op.getLoc();
  FailureOr<Value> a = c.get(op.getA(), op), b = c.get(op.getB(), op);
  if (failed(a) || failed(b))
    return failure();
  if (op.getTransA()) {
    FailureOr<Value> constant = transposedConstant(c, op, op.getA());
    a = succeeded(constant) ? *constant : c.transpose(loc, *a, {1, 0});
  }
  bool transposeB = op.getTransB();
  if (transposeB && !(*b).getDefiningOp<arith::ConstantOp>()) {
    b = c.transpose(loc, *b, {1, 0});
    transposeB = false;
  }
  const int64_t M = aShape[op.getTransA() ? 1 : 0];
  const int64_t K = aShape[op.getTransA() ? 0 : 1];
  const int64_t N = bShape[op.getTransB() ? 0 : 1];
  auto type = c.f32Tensor({M, N});
  Value product = c.matmul(loc, *a, *b, M, K, N, {0, 0, 0}, transposeB, type);
  const float alpha = op.getAlpha().convertToFloat();
  SmallVector<Value> inputs = {product};
  Chain chain = {ChainStep::operandStep(0, StepKind::First, alpha)};
  if (Value cValue = op.getC()) {
    FailureOr<Value> bias = c.get(cValue, op);
    if (failed(bias))
      return failure();
    inputs.push_back(*bias);
    chain.push_back(ChainStep::operandStep(1, StepKind::Add,
                                           op.getBeta().convertToFloat()));
  }
  if (chain.size() > 1 || alpha != 1.0f)
    product = c.map(loc, inputs, chain, type);
  c.set(op.getY(), product);
  return success();
}
