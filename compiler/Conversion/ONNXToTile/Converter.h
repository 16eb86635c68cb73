//===- Converter.h - Shared state of the ONNX to tile conversion -*- C++
//-*-===//
//
// The conversion walks the graph once, in order, and replaces every ONNX node
// by the tile ops that compute it. The Converter holds what the op families
// (Math, NN, Tensor, Reduction) share: the tile value of each ONNX value,
// the lane types the LPU carries (booleans and small integers as f32), type
// checks that name the node at fault, and builders for tile ops and
// constants.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_COMPILER_CONVERSION_ONNXTOTILE_CONVERTER_H
#define LPU_COMPILER_CONVERSION_ONNXTOTILE_CONVERTER_H

#include "dialects/ONNX/ONNXOps.h"
#include "dialects/Tile/TileOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

namespace lpuc::onnx_to_tile {

using Shape = llvm::SmallVector<int64_t>;
using tile::Chain;
using tile::ChainStep;
using tile::StepKind;

class Converter {
public:
  Converter(mlir::func::FuncOp func, const ::lpu::TargetDesc &target);

  /// Converts the whole function in place.
  mlir::LogicalResult run();

  mlir::func::FuncOp func;
  const ::lpu::TargetDesc &target;
  mlir::OpBuilder builder;

  //===--------------------------------------------------------------------===//
  // Types
  //===--------------------------------------------------------------------===//

  static Shape shapeOf(mlir::Value value) {
    return Shape(
        mlir::cast<mlir::RankedTensorType>(value.getType()).getShape());
  }
  mlir::Type f32() { return builder.getF32Type(); }
  mlir::RankedTensorType f32Tensor(llvm::ArrayRef<int64_t> shape) {
    return mlir::RankedTensorType::get(shape, f32());
  }
  /// The lane type of a static-shape f32 (or bool) tensor, else an error
  /// that says what is wrong with it.
  mlir::FailureOr<mlir::RankedTensorType>
  laneType(mlir::Value value, mlir::Location loc, const llvm::Twine &what);
  /// Checks every operand and used result of a node.
  mlir::LogicalResult checkNodeTypes(mlir::Operation *op);
  /// Checks the data input and the result of a node whose other inputs
  /// (shapes, axes) only shape inference reads.
  mlir::LogicalResult checkDataTypes(mlir::Operation *op);

  /// A static f16 tensor that only Casts produce or consume.
  static bool isCastHalf(mlir::Value value);
  /// Integers the LPU carries exactly as f32: an ArgMax or ArgMin result and
  /// the int32 sums of MatMulInteger and ConvInteger (exact up to 2^24). Other
  /// int32 and int64 tensors are i32.
  static bool isIndexTensor(mlir::Value value);
  /// An int32 or int64 tensor the LPU holds as i32 (not an index tensor).
  static bool isI32Tensor(mlir::Value value);

  //===--------------------------------------------------------------------===//
  // Values
  //===--------------------------------------------------------------------===//

  /// The tile value of an ONNX value; constants are converted to lane
  /// types on first use. Integers of every type are i32 (the exact values),
  /// but for the int8 products' operands (getEightBitLanes).
  mlir::FailureOr<mlir::Value> get(mlir::Value value, mlir::Operation *user);
  /// An int8 or uint8 tensor in the int8 lanes the MXM multiplies: int8
  /// values as they are, uint8 ones minus eightBitLaneOffset. QuantizeLinear
  /// gives this form; get() converts it to integers, and this back, for the
  /// nodes that want the other (each conversion once).
  mlir::FailureOr<mlir::Value> getEightBitLanes(mlir::Value value,
                                                mlir::Operation *user);
  /// 128 for uint8, 0 for int8.
  static int64_t eightBitLaneOffset(mlir::Type element);
  /// The element type the graph declares for `value`: a graph input is
  /// retyped to its lane type first thing, and keeps the declared one as
  /// its `tile.host_type`.
  static mlir::Type declaredElementType(mlir::Value value);
  /// The tile values of all of `user`'s operands, in order.
  mlir::FailureOr<llvm::SmallVector<mlir::Value>>
  getOperands(mlir::Operation *user);
  void set(mlir::Value onnxValue, mlir::Value tileValue) {
    values[onnxValue] = tileValue;
  }

  //===--------------------------------------------------------------------===//
  // Builders (at the node being converted, with its location)
  //===--------------------------------------------------------------------===//

  /// An f32 constant named after the node (+ `suffix`).
  mlir::Value constant(mlir::Location loc, llvm::StringRef suffix,
                       llvm::ArrayRef<int64_t> shape,
                       llvm::ArrayRef<float> values);
  /// An i32 constant named after the node (+ `suffix`).
  mlir::Value integerConstant(mlir::Location loc, llvm::StringRef suffix,
                              llvm::ArrayRef<int64_t> shape,
                              llvm::ArrayRef<int32_t> values);
  /// A one-element f32 constant, broadcast like an ONNX scalar.
  mlir::Value scalar(mlir::Location loc, llvm::StringRef suffix, float value) {
    return constant(loc, suffix, {1}, {value});
  }
  mlir::Value map(mlir::Location loc, mlir::ValueRange inputs,
                  llvm::ArrayRef<ChainStep> chain, mlir::Type resultType);
  /// Y = A x B for each (a, b, out) row triple of `batches`, m rows each
  /// (tile.matmul).
  mlir::Value matmul(mlir::Location loc, mlir::Value a, mlir::Value b,
                     int64_t m, int64_t k, int64_t n,
                     llvm::ArrayRef<int64_t> batches, bool transposeB,
                     mlir::RankedTensorType type);
  mlir::Value reshape(mlir::Location loc, mlir::Value value,
                      llvm::ArrayRef<int64_t> shape);
  /// As reshape, but a constant becomes a constant of the new shape (paths
  /// that treat constant operands apart, such as a convolution's weights,
  /// still see one).
  mlir::Value reshapeKeepingConstant(mlir::Location loc, mlir::Value value,
                                     llvm::ArrayRef<int64_t> shape);
  mlir::Value transpose(mlir::Location loc, mlir::Value value,
                        llvm::ArrayRef<int64_t> perm);
  /// Each row of `value` reduced into one value, times `scale`.
  mlir::Value reduceRows(mlir::Location loc, mlir::Value value,
                         tile::ReduceKind kind, float scale,
                         mlir::RankedTensorType type);
  mlir::Value reduceLeading(mlir::Location loc, mlir::Value value,
                            tile::ReduceKind kind, llvm::ArrayRef<int64_t> axes,
                            mlir::RankedTensorType type);

  /// The f32 values of a constant, if `value` is one.
  static std::optional<std::vector<float>> constantFloats(mlir::Value value);

private:
  /// Graph inputs take their lane types (first); outputs are checked after
  /// the nodes, so a node that makes an output empty or dynamic is named.
  mlir::LogicalResult convertInputs();
  mlir::LogicalResult convertOutputs();
  mlir::LogicalResult lowerOp(mlir::Operation *op);

  llvm::DenseMap<mlir::Value, mlir::Value> values;
  /// 8-bit values' other form (see getEightBitLanes).
  llvm::DenseMap<mlir::Value, mlir::Value> exactIntegers, laneValues;
};

//===----------------------------------------------------------------------===//
// Op families
//===----------------------------------------------------------------------===//

// Math: element-wise nodes, Cast, Where.
bool isElementwiseNode(mlir::Operation *op);
mlir::LogicalResult lowerElementwise(mlir::Operation *op, Converter &c);
mlir::LogicalResult lowerCast(onnx::CastOp op, Converter &c);
mlir::LogicalResult lowerWhere(onnx::WhereOp op, Converter &c);
// Math: activations and hyperbolic functions built from several maps.
bool isActivationNode(mlir::Operation *op);
mlir::LogicalResult lowerActivation(mlir::Operation *op, Converter &c);
/// result = operand 0, copied.
mlir::LogicalResult lowerCopy(mlir::Operation *op, Converter &c);

// NN: products, convolutions, pooling, normalization.
mlir::LogicalResult lowerMatMul(onnx::MatMulOp op, Converter &c);
mlir::LogicalResult lowerGemm(onnx::GemmOp op, Converter &c);
mlir::LogicalResult lowerConvolution(mlir::Operation *op, Converter &c);
mlir::LogicalResult lowerPool(mlir::Operation *op, Converter &c);
/// Checks a 2-D Conv's or pool's window attributes against its input (pads,
/// strides, a window larger than the padded input), naming what is wrong
/// in the model's terms; other nodes pass.
mlir::LogicalResult checkWindow(mlir::Operation *op);
mlir::LogicalResult lowerBatchNorm(onnx::BatchNormalizationOp op, Converter &c);
mlir::LogicalResult lowerInstanceNorm(onnx::InstanceNormalizationOp op,
                                      Converter &c);
mlir::LogicalResult lowerLayerNorm(onnx::LayerNormalizationOp op, Converter &c);

/// The tile ops of a 2-D convolution node `op` (its window attributes and
/// `group`): `input` is the tile value of its [N, C, H, W] input, `weights`
/// that of its [F, C/group, KH, KW] weights ([C, F/group, KH, KW] for
/// ConvTranspose), constant unless group is 1; `bias`, if any, is added in
/// the epilogue. The result is node result 0's [N, F, OH, OW], in f32.
/// `paddingValue` is tile.conv's (0 but for quantized inputs).
mlir::FailureOr<mlir::Value>
emitConvolution(Converter &c, mlir::Operation *op, mlir::Value input,
                mlir::Value weights, mlir::Value bias, int64_t paddingValue);

// Quantization: QuantizeLinear, DequantizeLinear, int8 products.
mlir::LogicalResult lowerQuantizeLinear(onnx::QuantizeLinearOp op,
                                        Converter &c);
mlir::LogicalResult lowerDequantizeLinear(onnx::DequantizeLinearOp op,
                                          Converter &c);
/// QLinearConv, QLinearMatMul, ConvInteger and MatMulInteger.
mlir::LogicalResult lowerIntegerProduct(mlir::Operation *op, Converter &c);
/// A Conv (MatMul, Gemm) whose operands DequantizeLinear makes real from
/// 8-bit integers, as an int8 product: true if it was lowered so, false if
/// it is not such a node (or its weights do not fit int8: it then runs on
/// the dequantized values like any other), failure after an error.
mlir::FailureOr<bool> lowerQuantizedConv(mlir::Operation *op, Converter &c);
mlir::FailureOr<bool> lowerQuantizedMatMul(mlir::Operation *op, Converter &c);

// Tensor: data movement, shapes.
mlir::LogicalResult lowerDataMovement(mlir::Operation *op, Converter &c);
/// ScatterND of whole rows (indices of rank(data) - 1 components), with
/// indices known at run time or not.
mlir::LogicalResult lowerScatterND(onnx::ScatterNDOp op, Converter &c);
/// Gather on `axis` by indices known only at run time, of `data` (the tile
/// value of the node's data).
mlir::LogicalResult lowerLookup(onnx::GatherOp op, int64_t axis,
                                mlir::Value data, Converter &c);
/// GatherElements on `axis` by indices known only at run time, of `data`;
/// lowerDataMovement has checked the indices' shape against the data's.
mlir::LogicalResult lowerGatherElements(onnx::GatherElementsOp op, int64_t axis,
                                        mlir::Value data, Converter &c);
mlir::LogicalResult lowerResize(onnx::ResizeOp op, Converter &c);
mlir::LogicalResult lowerReshape(mlir::Operation *op, Converter &c);
mlir::LogicalResult lowerTranspose(onnx::TransposeOp op, Converter &c);
mlir::LogicalResult lowerConcat(onnx::ConcatOp op, Converter &c);
mlir::LogicalResult lowerTrilu(onnx::TriluOp op, Converter &c);
mlir::LogicalResult lowerOneHot(onnx::OneHotOp op, Converter &c);
/// DepthToSpace and SpaceToDepth.
mlir::LogicalResult lowerDepthToSpace(mlir::Operation *op, Converter &c);

// Reduction: reductions, softmax, argmax.
mlir::LogicalResult lowerReduce(mlir::Operation *op, Converter &c);
mlir::LogicalResult lowerSoftmax(mlir::Operation *op, int64_t axis,
                                 bool logarithm, Converter &c);
mlir::LogicalResult lowerArgMax(onnx::ArgMaxOp op, Converter &c);
mlir::LogicalResult lowerArgMin(onnx::ArgMinOp op, Converter &c);
mlir::LogicalResult lowerHardmax(onnx::HardmaxOp op, Converter &c);
mlir::LogicalResult lowerGlobalMaxPool(onnx::GlobalMaxPoolOp op, Converter &c);

/// Reduces `axes` (sorted, non-negative) of `source` with `kind`; `mean`
/// divides by the count and `after` applies a lane function to each result.
/// The result has `resultType`: the kept shape, or the same elements with
/// the reduced axes dropped.
mlir::Value emitReduction(Converter &c, mlir::Location loc, mlir::Value source,
                          llvm::ArrayRef<int64_t> axes, tile::ReduceKind kind,
                          bool mean, std::optional<StepKind> after,
                          mlir::RankedTensorType resultType);

} // namespace lpuc::onnx_to_tile

#endif // LPU_COMPILER_CONVERSION_ONNXTOTILE_CONVERTER_H
