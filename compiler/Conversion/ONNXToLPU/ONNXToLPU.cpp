//===- ONNXToLPU.cpp - Instruction selection for ONNX graphs --------------===//
//
// Every tensor gets a buffer; every node becomes the MEM/VXM/MXM/SXM
// instructions that compute it, vector by vector. Tensors are rows of lane
// vectors (lpu/Layout.h) whose padding lanes are zero; every sequence here
// keeps them zero, which is what lets partial MXM tiles ignore them.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/Passes.h"

#include "dialects/LPU/LPUOps.h"
#include "dialects/ONNX/ONNXOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cstring>

namespace lpuc {
#define GEN_PASS_DEF_CONVERTONNXTOLPU
#include "compiler/Conversion/Passes.h.inc"
} // namespace lpuc

using namespace mlir;
using namespace lpuc;
using namespace lpuc::lpu;

namespace {

using Shape = SmallVector<int64_t>;

/// How an operand joins the value an element-wise chain has so far.
enum class Combine { First, Add, Sub, Mul, Max, Min, Div, Pow };

/// A lane function applied to the chain's value.
enum class Unary { Relu, Abs, Exp, Log, Tanh, Sigmoid, Erf, Sqrt, Reciprocal };

/// One step of an element-wise chain, computed vector by vector: an operand
/// (broadcast to the output, times `scale`) combined into the value, or a
/// lane function of the value. The first step is an operand.
struct ElementwiseStep {
  BufferOp buffer; // null for a lane function
  Shape shape;
  float scale = 1.0f;
  Combine combine = Combine::First;
  Unary unary = Unary::Relu;

  static ElementwiseStep operand(BufferOp buffer, Shape shape,
                                 Combine combine = Combine::First,
                                 float scale = 1.0f) {
    ElementwiseStep step;
    step.buffer = buffer;
    step.shape = std::move(shape);
    step.scale = scale;
    step.combine = combine;
    return step;
  }
  static ElementwiseStep apply(Unary unary) {
    ElementwiseStep step;
    step.unary = unary;
    return step;
  }
  /// Whether the step keeps zero lanes zero (so padding stays zero).
  bool keepsZero() const {
    if (buffer)
      return combine != Combine::Div && combine != Combine::Pow;
    return unary != Unary::Exp && unary != Unary::Log &&
           unary != Unary::Sigmoid && unary != Unary::Reciprocal;
  }
};

class InstructionSelector {
public:
  InstructionSelector(func::FuncOp func, ProgramOp program)
      : func(func), target(program.getTargetDesc()),
        builder(&program.getBodyBlock(), program.getBodyBlock().end()),
        vectorType(lpuc::lpu::VectorType::get(
            func.getContext(), Float32Type::get(func.getContext()))) {}

  LogicalResult run() {
    Block &body = func.getBody().front();
    Location loc = func.getLoc();
    for (BlockArgument arg : body.getArguments()) {
      std::string name = ioName(arg.getArgNumber(), /*isInput=*/true);
      auto type = getStaticF32Type(arg, loc, "graph input '" + name + "'");
      if (failed(type))
        return failure();
      buffers[arg] = createBuffer(loc, BufferKind::Input, name, *type);
    }
    // Outputs are created in graph order so the binary lists them that way.
    // A node result that is an output is computed straight into it; graph
    // inputs, constants and repeated outputs are copied at the end.
    auto ret = cast<func::ReturnOp>(body.getTerminator());
    SmallVector<std::pair<Value, BufferOp>> copies;
    for (auto [i, value] : llvm::enumerate(ret.getOperands())) {
      std::string name = ioName(i, /*isInput=*/false);
      auto type = getStaticF32Type(value, loc, "graph output '" + name + "'");
      if (failed(type))
        return failure();
      BufferOp out = createBuffer(loc, BufferKind::Output, name, *type);
      Operation *def = value.getDefiningOp();
      if (def && !isa<arith::ConstantOp>(def) && !outputBuffers.count(value))
        outputBuffers[value] = out;
      else
        copies.push_back({value, out});
    }
    for (Operation &op : body.without_terminator())
      if (failed(lowerOp(&op)))
        return failure();
    for (auto [value, out] : copies) {
      FailureOr<BufferOp> source = bufferFor(value, ret);
      if (failed(source))
        return failure();
      emitElementwise(loc, {ElementwiseStep::operand(*source, shapeOf(value))},
                      out, shapeOf(value));
    }
    return success();
  }

private:
  //===--------------------------------------------------------------------===//
  // Values and buffers
  //===--------------------------------------------------------------------===//

  std::string ioName(unsigned index, bool isInput) {
    auto name = isInput
                    ? func.getArgAttrOfType<StringAttr>(index, "onnx.name")
                    : func.getResultAttrOfType<StringAttr>(index, "onnx.name");
    if (name)
      return name.str();
    return (isInput ? "input" : "output") + std::to_string(index);
  }

  static Shape shapeOf(Value value) {
    return Shape(cast<RankedTensorType>(value.getType()).getShape());
  }

  /// The value's type if it is a static-shape f32 tensor, else an error that
  /// says what is wrong with it.
  FailureOr<RankedTensorType> getStaticF32Type(Value value, Location loc,
                                               const Twine &what) {
    auto ranked = dyn_cast<RankedTensorType>(value.getType());
    if (!ranked)
      return emitError(loc) << what << " has type " << value.getType()
                            << " whose shape ONNX shape inference could not "
                               "determine";
    if (!ranked.hasStaticShape())
      return emitError(loc) << what << " has dynamic shape " << ranked
                            << "; fix the graph inputs' sizes with --shape";
    if (!ranked.getElementType().isF32())
      return emitError(loc)
             << what << " has element type " << ranked.getElementType()
             << ", which is not supported yet (only f32)";
    if (ranked.getNumElements() == 0)
      return emitError(loc) << what << " is empty (" << ranked << ")";
    return ranked;
  }

  /// Checks the data input and the result of a node whose other inputs
  /// (shapes, axes) only shape inference reads.
  LogicalResult checkDataTypes(Operation *op) {
    if (failed(getStaticF32Type(op->getOperand(0), op->getLoc(), "input 0")))
      return failure();
    return getStaticF32Type(op->getResult(0), op->getLoc(), "output 0");
  }

  /// Checks every operand and result of a node before lowering it.
  LogicalResult checkNodeTypes(Operation *op) {
    for (auto [i, v] : llvm::enumerate(op->getOperands()))
      if (!isa<NoneType>(v.getType()) &&
          failed(
              getStaticF32Type(v, op->getLoc(), "input " + std::to_string(i))))
        return failure();
    // Results nobody reads (e.g. a dropout mask) need no buffer.
    for (auto [i, v] : llvm::enumerate(op->getResults()))
      if ((i == 0 || !v.use_empty()) &&
          failed(
              getStaticF32Type(v, op->getLoc(), "output " + std::to_string(i))))
        return failure();
    return success();
  }

  BufferOp createBuffer(Location loc, BufferKind kind, StringRef name,
                        RankedTensorType type, ElementsAttr init = {}) {
    return BufferOp::create(builder, loc, BufferType::get(builder.getContext()),
                            kind, name, type, init, IntegerAttr(),
                            IntegerAttr());
  }

  /// A buffer name from the node or initializer a location names.
  static std::string nameFrom(Location loc, StringRef fallback,
                              StringRef suffix = "") {
    StringRef node = onnx::getNodeName(loc);
    return ((node.empty() ? fallback : node) + suffix).str();
  }

  /// The buffer holding `value`; constants get theirs on first use.
  FailureOr<BufferOp> bufferFor(Value value, Operation *user) {
    if (BufferOp buffer = buffers.lookup(value))
      return buffer;
    auto constant = value.getDefiningOp<arith::ConstantOp>();
    if (!constant)
      return user->emitError("operand has no LPU buffer");
    auto data = dyn_cast<ElementsAttr>(constant.getValue());
    if (!data)
      return constant.emitError("constant is not a tensor");
    auto type = getStaticF32Type(value, constant.getLoc(), "constant");
    if (failed(type))
      return failure();
    BufferOp buffer =
        createBuffer(constant.getLoc(), BufferKind::Constant,
                     nameFrom(constant.getLoc(), "constant"), *type, data);
    buffers[value] = buffer;
    return buffer;
  }

  /// A fresh buffer for a node result (or the output buffer it feeds).
  BufferOp resultBuffer(Value result) {
    if (BufferOp out = outputBuffers.lookup(result)) {
      buffers[result] = out;
      return out;
    }
    Location loc = result.getLoc();
    BufferOp buffer =
        createBuffer(loc, BufferKind::Scratch, nameFrom(loc, "tmp"),
                     cast<RankedTensorType>(result.getType()));
    buffers[result] = buffer;
    return buffer;
  }

  /// A constant operand, transposed at compile time (Gemm transA/transB).
  FailureOr<BufferOp> transposedConstant(Operation *op, Value value,
                                         StringRef which) {
    auto constant = value.getDefiningOp<arith::ConstantOp>();
    // Graph tensors are f32 (checked on entry), so lane words are f32 bits.
    std::optional<std::vector<uint32_t>> data;
    if (constant)
      data = readLaneWords(cast<ElementsAttr>(constant.getValue()));
    if (!data)
      return op->emitError()
             << which
             << " must be a constant to be transposed (transposing a "
                "tensor computed at run time is not supported yet)";
    auto type = cast<RankedTensorType>(value.getType());
    int64_t rows = type.getDimSize(0), cols = type.getDimSize(1);
    std::vector<uint32_t> transposed(data->size());
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c)
        transposed[c * rows + r] = (*data)[r * cols + c];
    auto newType = RankedTensorType::get({cols, rows}, type.getElementType());
    std::string name = nameFrom(constant.getLoc(), "constant", ".T");
    auto attr = DenseResourceElementsAttr::get(
        newType, name,
        HeapAsmResourceBlob::allocateAndCopyInferAlign(
            ArrayRef<uint32_t>(transposed)));
    return createBuffer(constant.getLoc(), BufferKind::Constant, name, newType,
                        cast<ElementsAttr>(attr));
  }

  //===--------------------------------------------------------------------===//
  // Instruction emission
  //===--------------------------------------------------------------------===//

  template <typename OpTy>
  OpTy emit(Location loc, ValueRange operands,
            ArrayRef<NamedAttribute> attrs = {}) {
    SmallVector<Type, 1> results;
    if (::lpu::getInstructionInfo(OpTy::kOpcode).hasResult)
      results.push_back(vectorType);
    return OpTy::create(builder, loc, results, operands, attrs);
  }

  NamedAttribute intAttr(StringRef name, int64_t value) {
    return builder.getNamedAttr(name, builder.getI64IntegerAttr(value));
  }

  Value read(Location loc, BufferOp buffer, int64_t offset) {
    return emit<ReadOp>(loc, {buffer}, {intAttr("offset", offset)});
  }

  void write(Location loc, Value value, BufferOp buffer, int64_t offset) {
    emit<WriteOp>(loc, {value, buffer}, {intAttr("offset", offset)});
  }

  Value combine(Location loc, Combine kind, Value lhs, Value rhs) {
    switch (kind) {
    case Combine::Add:
      return emit<AddOp>(loc, {lhs, rhs});
    case Combine::Sub:
      return emit<SubOp>(loc, {lhs, rhs});
    case Combine::Mul:
      return emit<MulOp>(loc, {lhs, rhs});
    case Combine::Max:
      return emit<MaxOp>(loc, {lhs, rhs});
    case Combine::Min:
      return emit<MinOp>(loc, {lhs, rhs});
    case Combine::Div:
      return emit<DivOp>(loc, {lhs, rhs});
    case Combine::Pow:
      return emit<PowOp>(loc, {lhs, rhs});
    case Combine::First:
      break;
    }
    llvm_unreachable("the first step of a chain combines nothing");
  }

  Value apply(Location loc, Unary fn, Value value) {
    switch (fn) {
    case Unary::Relu:
      return emit<ReluOp>(loc, {value});
    case Unary::Abs:
      return emit<AbsOp>(loc, {value});
    case Unary::Exp:
      return emit<ExpOp>(loc, {value});
    case Unary::Log:
      return emit<LogOp>(loc, {value});
    case Unary::Tanh:
      return emit<TanhOp>(loc, {value});
    case Unary::Sigmoid:
      return emit<SigmoidOp>(loc, {value});
    case Unary::Erf:
      return emit<ErfOp>(loc, {value});
    case Unary::Sqrt:
      return emit<SqrtOp>(loc, {value});
    case Unary::Reciprocal:
      return emit<ReciprocalOp>(loc, {value});
    }
    llvm_unreachable("unknown lane function");
  }

  /// Computes the chain `steps` into `out`, vector by vector, with NumPy
  /// broadcasting of every operand to `outShape`. Padding lanes stay zero:
  /// where a step could make them non-zero, the SXM shifts them out.
  void emitElementwise(Location loc, ArrayRef<ElementwiseStep> steps,
                       BufferOp out, ArrayRef<int64_t> outShape) {
    Shape shape = outShape.empty() ? Shape{1} : Shape(outShape);
    const size_t rank = shape.size();
    const int64_t rowLength = shape.back();
    const ::lpu::TensorLayout outLayout = out.getLayout(target);
    const bool keepsZero = llvm::all_of(
        steps, [](const ElementwiseStep &s) { return s.keepsZero(); });

    struct Prepared {
      const ElementwiseStep *step;
      Shape shape;     // left-padded with 1s to `rank`
      Shape rowStride; // per leading dimension, in rows
      int64_t vectorsPerRow = 0;
      bool laneBroadcast = false; // a single column spread over the row
    };
    SmallVector<Prepared> prepared;
    for (const ElementwiseStep &step : steps) {
      Prepared p{&step, {}, {}};
      if (step.buffer) {
        // ONNX broadcasting guarantees operand rank <= output rank.
        size_t padding = rank - std::min(rank, step.shape.size());
        p.shape.assign(padding, 1);
        p.shape.append(step.shape.begin(), step.shape.end());
        p.rowStride.assign(rank - 1, 1);
        for (int64_t i = int64_t(rank) - 3; i >= 0; --i)
          p.rowStride[i] = p.rowStride[i + 1] * p.shape[i + 1];
        p.vectorsPerRow = BufferOp(step.buffer).getLayout(target).vectorsPerRow;
        p.laneBroadcast = p.shape.back() == 1 && rowLength > 1;
      }
      prepared.push_back(std::move(p));
    }

    Shape index(rank - 1, 0);
    for (int64_t row = 0; row < outLayout.rows; ++row) {
      for (int64_t j = 0; j < outLayout.vectorsPerRow; ++j) {
        int64_t width =
            std::min<int64_t>(target.lanes, rowLength - j * target.lanes);
        Value acc;
        for (Prepared &p : prepared) {
          const ElementwiseStep &step = *p.step;
          if (!step.buffer) {
            acc = apply(loc, step.unary, acc);
            continue;
          }
          int64_t opRow = 0;
          for (size_t d = 0; d + 1 < rank; ++d)
            opRow += (p.shape[d] == 1 ? 0 : index[d]) * p.rowStride[d];
          Value v;
          if (p.laneBroadcast) {
            v = read(loc, step.buffer, opRow * p.vectorsPerRow);
            v = emit<DistributeOp>(
                loc, {v}, {intAttr("lane", 0), intAttr("width", width)});
          } else {
            v = read(loc, step.buffer, opRow * p.vectorsPerRow + j);
          }
          if (step.scale != 1.0f)
            v = emit<ScaleOp>(
                loc, {v},
                {builder.getNamedAttr("factor",
                                      builder.getF32FloatAttr(step.scale))});
          acc = step.combine == Combine::First
                    ? v
                    : combine(loc, step.combine, acc, v);
        }
        if (!keepsZero && width < target.lanes) {
          // Up and back down by the padding: lanes past `width` shift in 0.
          int64_t pad = target.lanes - width;
          acc = emit<ShiftOp>(loc, {acc}, {intAttr("amount", pad)});
          acc = emit<ShiftOp>(loc, {acc}, {intAttr("amount", -pad)});
        }
        write(loc, acc, out, row * outLayout.vectorsPerRow + j);
      }
      for (int64_t d = int64_t(rank) - 2; d >= 0; --d) {
        if (++index[d] < shape[d])
          break;
        index[d] = 0;
      }
    }
  }

  /// out[M,N] = a[M,K] x b[K,N], one lanes x lanes weight tile at a time.
  /// Tiles rotate over the MXM planes; partial sums over K tiles accumulate
  /// in `out` through the VXM.
  void emitMatMul(Location loc, BufferOp a, BufferOp b, BufferOp out, int64_t M,
                  int64_t K) {
    const int64_t lanes = target.lanes;
    const ::lpu::TensorLayout aLayout = a.getLayout(target);
    const ::lpu::TensorLayout bLayout = b.getLayout(target);
    const ::lpu::TensorLayout outLayout = out.getLayout(target);
    for (int64_t n = 0; n < outLayout.vectorsPerRow; ++n) {
      for (int64_t k = 0; k < aLayout.vectorsPerRow; ++k) {
        int64_t plane = nextPlane++ % target.mxmPlanes;
        NamedAttribute unit =
            builder.getNamedAttr("unit", builder.getI32IntegerAttr(plane));
        int64_t rows = std::min(lanes, K - k * lanes);
        for (int64_t r = 0; r < rows; ++r) {
          Value row = read(loc, b, (k * lanes + r) * bLayout.vectorsPerRow + n);
          emit<LoadWeightsOp>(loc, {row}, {intAttr("row", r), unit});
        }
        emit<InstallWeightsOp>(
            loc, {},
            {intAttr("rows", rows),
             builder.getNamedAttr("element_type",
                                  TypeAttr::get(builder.getF32Type())),
             unit});
        for (int64_t m = 0; m < M; ++m) {
          Value x = read(loc, a, m * aLayout.vectorsPerRow + k);
          int64_t offset = m * outLayout.vectorsPerRow + n;
          Value partial = emit<MatMulOp>(loc, {x}, {unit});
          // Added on the VXM rather than with mxm.matmul_acc: the SRAM
          // round trip would then stall the plane's in-order queue.
          if (k > 0)
            partial =
                combine(loc, Combine::Add, partial, read(loc, out, offset));
          write(loc, partial, out, offset);
        }
      }
    }
  }

  //===--------------------------------------------------------------------===//
  // Nodes
  //===--------------------------------------------------------------------===//

  LogicalResult lowerOp(Operation *op) {
    if (isa<arith::ConstantOp, onnx::NoValueOp>(op))
      return success(); // Buffers for constants are made on first use.
    if (isa<onnx::NodeOp>(op))
      return op->emitError("operator '")
             << onnx::getOperatorType(op)
             << "' is not supported by the LPU lowering yet";
    builder.setInsertionPointToEnd(builder.getBlock());
    if (isa<onnx::ReshapeOp, onnx::FlattenOp, onnx::SqueezeOp,
            onnx::UnsqueezeOp>(op))
      return lowerReshape(op);
    if (isa<onnx::ReduceMaxOp, onnx::ReduceMinOp, onnx::ReduceSumOp,
            onnx::ReduceMeanOp>(op))
      return lowerReduce(op);
    if (failed(checkNodeTypes(op)))
      return failure();
    return TypeSwitch<Operation *, LogicalResult>(op)
        .Case([&](onnx::AddOp op) { return lowerVariadic(op, Combine::Add); })
        .Case([&](onnx::SubOp op) { return lowerVariadic(op, Combine::Sub); })
        .Case([&](onnx::MulOp op) { return lowerVariadic(op, Combine::Mul); })
        .Case([&](onnx::DivOp op) { return lowerVariadic(op, Combine::Div); })
        .Case([&](onnx::PowOp op) { return lowerVariadic(op, Combine::Pow); })
        .Case([&](onnx::MaxOp op) { return lowerVariadic(op, Combine::Max); })
        .Case([&](onnx::MinOp op) { return lowerVariadic(op, Combine::Min); })
        .Case([&](onnx::SumOp op) { return lowerVariadic(op, Combine::Add); })
        .Case([&](onnx::MeanOp op) {
          return lowerVariadic(op, Combine::Add, 1.0f / op->getNumOperands());
        })
        .Case([&](onnx::ReluOp op) { return lowerUnary(op, Unary::Relu); })
        .Case([&](onnx::AbsOp op) { return lowerUnary(op, Unary::Abs); })
        .Case([&](onnx::ExpOp op) { return lowerUnary(op, Unary::Exp); })
        .Case([&](onnx::LogOp op) { return lowerUnary(op, Unary::Log); })
        .Case([&](onnx::TanhOp op) { return lowerUnary(op, Unary::Tanh); })
        .Case(
            [&](onnx::SigmoidOp op) { return lowerUnary(op, Unary::Sigmoid); })
        .Case([&](onnx::ErfOp op) { return lowerUnary(op, Unary::Erf); })
        .Case([&](onnx::SqrtOp op) { return lowerUnary(op, Unary::Sqrt); })
        .Case([&](onnx::ReciprocalOp op) {
          return lowerUnary(op, Unary::Reciprocal);
        })
        .Case([&](onnx::NegOp op) { return lowerChain(op, {}, -1.0f); })
        .Case([&](onnx::IdentityOp op) { return lowerChain(op, {}); })
        .Case([&](onnx::DropoutOp op) { return lowerDropout(op); })
        .Case([&](onnx::LeakyReluOp op) {
          // max(x, alpha x) for alpha <= 1, min(x, alpha x) above.
          float alpha = op.getAlpha().convertToFloat();
          auto x = bufferFor(op.getX(), op);
          if (failed(x))
            return failure();
          return lowerChain(
              op, {ElementwiseStep::operand(
                      *x, shapeOf(op.getX()),
                      alpha <= 1.0f ? Combine::Max : Combine::Min, alpha)});
        })
        .Case([&](onnx::HardSigmoidOp op) {
          return lowerHardSigmoid(op, op.getAlpha().convertToFloat(),
                                  op.getBeta().convertToFloat(),
                                  /*timesInput=*/false);
        })
        .Case([&](onnx::HardSwishOp op) {
          return lowerHardSigmoid(op, 1.0f / 6.0f, 0.5f, /*timesInput=*/true);
        })
        .Case([&](onnx::ClipOp op) { return lowerClip(op); })
        .Case([&](onnx::SoftmaxOp op) {
          return lowerSoftmax(op, op.getAxis(), /*logarithm=*/false);
        })
        .Case([&](onnx::LogSoftmaxOp op) {
          return lowerSoftmax(op, op.getAxis(), /*logarithm=*/true);
        })
        .Case([&](onnx::MatMulOp op) { return lowerMatMul(op); })
        .Case([&](onnx::GemmOp op) { return lowerGemm(op); })
        .Default([&](Operation *op) {
          return op->emitError("operator '")
                 << onnx::getOperatorType(op)
                 << "' is not supported by the LPU lowering yet";
        });
  }

  /// Reshapes keep the element order. When the innermost dimension stays,
  /// so do the rows, and the data is copied vector by vector; other
  /// reshapes would move elements between lanes.
  LogicalResult lowerReshape(Operation *op) {
    Value data = op->getOperand(0), result = op->getResult(0);
    if (failed(checkDataTypes(op)))
      return failure();
    Shape from = shapeOf(data), to = shapeOf(result);
    int64_t fromRow = from.empty() ? 1 : from.back();
    int64_t toRow = to.empty() ? 1 : to.back();
    if (fromRow != toRow)
      return op->emitError("reshaping ")
             << cast<ShapedType>(data.getType()) << " to "
             << cast<ShapedType>(result.getType())
             << " changes the innermost dimension, which is not supported yet";
    auto input = bufferFor(data, op);
    if (failed(input))
      return failure();
    // Same rows, same layout: read the input as if it had the output shape.
    emitElementwise(op->getLoc(), {ElementwiseStep::operand(*input, to)},
                    resultBuffer(result), to);
    return success();
  }

  enum class Reduction { Max, Min, Sum };

  /// Reduces each row of `in` (the innermost axis) into lane 0 of the same
  /// row of `out` (shape [..., 1]), times `scale`. A shift-and-combine tree
  /// on the SXM and VXM folds the lanes; for max and min, padding lanes first
  /// take lane 0's value so they change nothing.
  void emitRowReduction(Location loc, BufferOp in, int64_t rowLength,
                        Reduction kind, BufferOp out, float scale = 1.0f) {
    const int64_t lanes = target.lanes;
    const ::lpu::TensorLayout layout = in.getLayout(target);
    const Combine fold = kind == Reduction::Sum   ? Combine::Add
                         : kind == Reduction::Max ? Combine::Max
                                                  : Combine::Min;
    auto shift = [&](Value v, int64_t amount) {
      return emit<ShiftOp>(loc, {v}, {intAttr("amount", amount)});
    };
    const int64_t treeSteps = llvm::Log2_64_Ceil(lanes);
    BufferOp tree =
        createBuffer(loc, BufferKind::Scratch, nameFrom(loc, "tmp", ".tree"),
                     RankedTensorType::get({layout.rows * treeSteps, lanes},
                                           builder.getF32Type()));
    for (int64_t row = 0; row < layout.rows; ++row) {
      Value acc;
      for (int64_t j = 0; j < layout.vectorsPerRow; ++j) {
        int64_t width = std::min(lanes, rowLength - j * lanes);
        Value v = read(loc, in, row * layout.vectorsPerRow + j);
        if (kind != Reduction::Sum && width < lanes) {
          Value first = emit<DistributeOp>(
              loc, {v}, {intAttr("lane", 0), intAttr("width", lanes)});
          v = combine(loc, Combine::Add, v, shift(first, width));
        }
        acc = acc ? combine(loc, fold, acc, v) : v;
      }
      // Lane i covers lanes [i, i + span) after each step. Each step's
      // input is staged in SRAM and read twice, since a value on a stream
      // reaches one consumer (the scheduler would otherwise recompute the
      // whole tree below it for the shifted copy).
      int64_t span = 1, stepIndex = 0;
      auto step = [&](int64_t amount) {
        int64_t cell = row * treeSteps + stepIndex++;
        write(loc, acc, tree, cell);
        acc = combine(loc, fold, read(loc, tree, cell),
                      shift(read(loc, tree, cell), amount));
      };
      for (; 2 * span <= lanes; span *= 2)
        step(-span);
      if (span < lanes) // sums must not count a lane twice; max/min may
        step(kind == Reduction::Sum ? -span : span - lanes);
      if (scale != 1.0f)
        acc = emit<ScaleOp>(
            loc, {acc},
            {builder.getNamedAttr("factor", builder.getF32FloatAttr(scale))});
      acc = emit<DistributeOp>(loc, {acc},
                               {intAttr("lane", 0), intAttr("width", 1)});
      write(loc, acc, out, row);
    }
  }

  /// The values of an i64 constant (dense or a dense_resource blob).
  static std::optional<SmallVector<int64_t>>
  readI64Elements(ElementsAttr attr) {
    auto type = cast<ShapedType>(attr.getType());
    if (!type.getElementType().isSignlessInteger(64))
      return std::nullopt;
    if (auto dense = dyn_cast<DenseIntElementsAttr>(attr))
      return llvm::to_vector(llvm::map_range(
          dense, [](const APInt &v) { return v.getSExtValue(); }));
    auto resource = dyn_cast<DenseResourceElementsAttr>(attr);
    AsmResourceBlob *blob =
        resource ? resource.getRawHandle().getBlob() : nullptr;
    if (!blob || blob->getData().size() != size_t(type.getNumElements()) * 8)
      return std::nullopt;
    SmallVector<int64_t> values(type.getNumElements());
    std::memcpy(values.data(), blob->getData().data(), values.size() * 8);
    return values;
  }

  /// A scratch buffer for one value per row of `shape`.
  BufferOp rowScratch(Location loc, ArrayRef<int64_t> shape, StringRef suffix) {
    Shape reduced(shape);
    reduced.back() = 1;
    return createBuffer(loc, BufferKind::Scratch, nameFrom(loc, "tmp", suffix),
                        RankedTensorType::get(reduced, builder.getF32Type()));
  }

  /// The innermost axis only: other axes would reduce across rows.
  LogicalResult checkInnermostAxis(Operation *op, int64_t axis, int64_t rank) {
    if (axis < -rank || axis >= rank)
      return op->emitError("axis ") << axis << " is out of range";
    if ((axis + rank) % rank != rank - 1)
      return op->emitError(
                 "only the innermost axis is supported yet, not axis ")
             << axis;
    return success();
  }

  LogicalResult lowerSoftmax(Operation *op, int64_t axis, bool logarithm) {
    Location loc = op->getLoc();
    Value x = op->getOperand(0);
    Shape shape = shapeOf(x);
    if (shape.empty())
      shape = {1};
    if (failed(checkInnermostAxis(op, axis, shape.size())))
      return failure();
    auto input = bufferFor(x, op);
    if (failed(input))
      return failure();
    Shape rowShape(shape);
    rowShape.back() = 1;
    BufferOp max = rowScratch(loc, shape, ".max");
    emitRowReduction(loc, *input, shape.back(), Reduction::Max, max);
    BufferOp exps =
        createBuffer(loc, BufferKind::Scratch, nameFrom(loc, "tmp", ".exp"),
                     RankedTensorType::get(shape, builder.getF32Type()));
    emitElementwise(loc,
                    {ElementwiseStep::operand(*input, shape),
                     ElementwiseStep::operand(max, rowShape, Combine::Sub),
                     ElementwiseStep::apply(Unary::Exp)},
                    exps, shape);
    BufferOp sum = rowScratch(loc, shape, ".sum");
    emitRowReduction(loc, exps, shape.back(), Reduction::Sum, sum);
    Value result = op->getResult(0);
    if (!logarithm) {
      emitElementwise(loc,
                      {ElementwiseStep::operand(exps, shape),
                       ElementwiseStep::operand(sum, rowShape, Combine::Div)},
                      resultBuffer(result), shape);
      return success();
    }
    BufferOp logSum = rowScratch(loc, shape, ".logsum");
    emitElementwise(loc,
                    {ElementwiseStep::operand(sum, rowShape),
                     ElementwiseStep::apply(Unary::Log)},
                    logSum, rowShape);
    emitElementwise(loc,
                    {ElementwiseStep::operand(*input, shape),
                     ElementwiseStep::operand(max, rowShape, Combine::Sub),
                     ElementwiseStep::operand(logSum, rowShape, Combine::Sub)},
                    resultBuffer(result), shape);
    return success();
  }

  LogicalResult lowerReduce(Operation *op) {
    Location loc = op->getLoc();
    Value data = op->getOperand(0), result = op->getResult(0);
    if (failed(checkDataTypes(op)))
      return failure();
    Shape shape = shapeOf(data);
    if (shape.empty())
      return op->emitError("reducing a scalar is not supported");
    // Axes: the attribute, or (ReduceSum) a constant input; none means all.
    SmallVector<int64_t> axes;
    if (auto attr = op->getAttrOfType<ArrayAttr>("axes")) {
      for (Attribute a : attr)
        axes.push_back(cast<IntegerAttr>(a).getInt());
    } else if (op->getNumOperands() > 1 &&
               !isa<NoneType>(op->getOperand(1).getType())) {
      auto constant = op->getOperand(1).getDefiningOp<arith::ConstantOp>();
      std::optional<SmallVector<int64_t>> values;
      if (constant)
        values = readI64Elements(cast<ElementsAttr>(constant.getValue()));
      if (!values)
        return op->emitError("axes must be a constant");
      axes = *values;
    }
    const int64_t rank = shape.size();
    if (axes.empty()) {
      auto noop = op->getAttrOfType<IntegerAttr>("noop_with_empty_axes");
      if (noop && noop.getInt())
        return lowerChain(op, {});
      for (int64_t d = 0; d < rank; ++d)
        if (d == rank - 1 || shape[d] != 1)
          axes.push_back(d);
    }
    if (axes.size() != 1)
      return op->emitError("reducing ")
             << axes.size()
             << " axes at once is not supported yet (only the innermost)";
    if (failed(checkInnermostAxis(op, axes.front(), rank)))
      return failure();
    auto keepdims = op->getAttrOfType<IntegerAttr>("keepdims");
    Shape resultShape = shapeOf(result);
    if ((keepdims && !keepdims.getInt()) &&
        !(resultShape.size() + 1 == shape.size() && rank >= 2 &&
          shape[rank - 2] == 1))
      return op->emitError("keepdims = 0 is not supported yet");
    auto input = bufferFor(data, op);
    if (failed(input))
      return failure();
    Reduction kind = isa<onnx::ReduceMaxOp>(op)   ? Reduction::Max
                     : isa<onnx::ReduceMinOp>(op) ? Reduction::Min
                                                  : Reduction::Sum;
    float scale = isa<onnx::ReduceMeanOp>(op) ? 1.0f / shape.back() : 1.0f;
    emitRowReduction(loc, *input, shape.back(), kind, resultBuffer(result),
                     scale);
    return success();
  }

  /// A one-element f32 constant, broadcast like an ONNX scalar.
  BufferOp scalarConstant(Location loc, StringRef suffix, float value) {
    auto type = RankedTensorType::get({1}, builder.getF32Type());
    return createBuffer(
        loc, BufferKind::Constant, nameFrom(loc, "constant", suffix), type,
        cast<ElementsAttr>(DenseElementsAttr::get(type, value)));
  }

  /// result = ((op_0 (x) op_1) (x) op_2) ..., each operand times `scale`.
  LogicalResult lowerVariadic(Operation *op, Combine kind, float scale = 1.0f) {
    SmallVector<ElementwiseStep> steps;
    for (Value operand : op->getOperands()) {
      auto buffer = bufferFor(operand, op);
      if (failed(buffer))
        return failure();
      steps.push_back(ElementwiseStep::operand(
          *buffer, shapeOf(operand), steps.empty() ? Combine::First : kind,
          scale));
    }
    Value result = op->getResult(0);
    emitElementwise(op->getLoc(), steps, resultBuffer(result), shapeOf(result));
    return success();
  }

  /// result = rest(scale * op_0): the first operand, then `rest`.
  LogicalResult lowerChain(Operation *op, ArrayRef<ElementwiseStep> rest,
                           float scale = 1.0f) {
    Value input = op->getOperand(0);
    auto buffer = bufferFor(input, op);
    if (failed(buffer))
      return failure();
    SmallVector<ElementwiseStep> steps = {ElementwiseStep::operand(
        *buffer, shapeOf(input), Combine::First, scale)};
    steps.append(rest.begin(), rest.end());
    Value result = op->getResult(0);
    emitElementwise(op->getLoc(), steps, resultBuffer(result), shapeOf(result));
    return success();
  }

  LogicalResult lowerUnary(Operation *op, Unary fn) {
    return lowerChain(op, {ElementwiseStep::apply(fn)});
  }

  /// max(0, min(1, alpha x + beta)), times x for HardSwish.
  LogicalResult lowerHardSigmoid(Operation *op, float alpha, float beta,
                                 bool timesInput) {
    Location loc = op->getLoc();
    Value x = op->getOperand(0);
    auto input = bufferFor(x, op);
    if (failed(input))
      return failure();
    SmallVector<ElementwiseStep> steps = {
        ElementwiseStep::operand(*input, shapeOf(x), Combine::First, alpha),
        ElementwiseStep::operand(scalarConstant(loc, ".beta", beta), {1},
                                 Combine::Add),
        ElementwiseStep::operand(scalarConstant(loc, ".zero", 0.0f), {1},
                                 Combine::Max),
        ElementwiseStep::operand(scalarConstant(loc, ".one", 1.0f), {1},
                                 Combine::Min)};
    if (timesInput)
      steps.push_back(
          ElementwiseStep::operand(*input, shapeOf(x), Combine::Mul));
    Value result = op->getResult(0);
    emitElementwise(loc, steps, resultBuffer(result), shapeOf(result));
    return success();
  }

  LogicalResult lowerClip(onnx::ClipOp op) {
    SmallVector<ElementwiseStep> rest;
    for (auto [i, bound] : llvm::enumerate(op.getBounds())) {
      if (isa<NoneType>(bound.getType()))
        continue; // omitted
      auto buffer = bufferFor(bound, op);
      if (failed(buffer))
        return failure();
      rest.push_back(ElementwiseStep::operand(
          *buffer, shapeOf(bound), i == 0 ? Combine::Max : Combine::Min));
    }
    return lowerChain(op, rest);
  }

  LogicalResult lowerDropout(onnx::DropoutOp op) {
    if (!op.getMask().empty() && !op.getMask().front().use_empty())
      return op.emitError("the dropout mask output is not supported");
    // Inference: training_mode must be absent or a constant false.
    if (op.getOptions().size() > 1) {
      Value mode = op.getOptions()[1];
      auto constant = mode.getDefiningOp<arith::ConstantOp>();
      auto value = constant ? dyn_cast<DenseElementsAttr>(constant.getValue())
                            : DenseElementsAttr();
      if (!isa<NoneType>(mode.getType()) &&
          (!value || !value.isSplat() || value.getSplatValue<bool>()))
        return op.emitError("dropout in training mode is not supported");
    }
    return lowerChain(op, {});
  }

  LogicalResult lowerMatMul(onnx::MatMulOp op) {
    Shape aShape = shapeOf(op.getA()), bShape = shapeOf(op.getB());
    if (aShape.size() != 2 || bShape.size() != 2)
      return op.emitError("operands of rank ")
             << aShape.size() << " and " << bShape.size()
             << " are not supported yet (2-D only)";
    auto a = bufferFor(op.getA(), op);
    auto b = bufferFor(op.getB(), op);
    if (failed(a) || failed(b))
      return failure();
    emitMatMul(op.getLoc(), *a, *b, resultBuffer(op.getY()), aShape[0],
               aShape[1]);
    return success();
  }

  LogicalResult lowerGemm(onnx::GemmOp op) {
    Shape aShape = shapeOf(op.getA()), bShape = shapeOf(op.getB());
    if (aShape.size() != 2 || bShape.size() != 2)
      return op.emitError("A and B must be 2-D");
    FailureOr<BufferOp> a = op.getTransA()
                                ? transposedConstant(op, op.getA(), "A")
                                : bufferFor(op.getA(), op);
    if (failed(a))
      return failure();
    FailureOr<BufferOp> b = op.getTransB()
                                ? transposedConstant(op, op.getB(), "B")
                                : bufferFor(op.getB(), op);
    if (failed(b))
      return failure();
    int64_t M = aShape[op.getTransA() ? 1 : 0];
    int64_t K = aShape[op.getTransA() ? 0 : 1];
    int64_t N = bShape[op.getTransB() ? 0 : 1];
    float alpha = op.getAlpha().convertToFloat();
    float beta = op.getBeta().convertToFloat();
    BufferOp out = resultBuffer(op.getY());
    if (!op.getC() && alpha == 1.0f) {
      emitMatMul(op.getLoc(), *a, *b, out, M, K);
      return success();
    }
    // Y = alpha * (A x B) + beta * C: the product goes to scratch first.
    auto productType = RankedTensorType::get({M, N}, builder.getF32Type());
    BufferOp product =
        createBuffer(op.getLoc(), BufferKind::Scratch,
                     nameFrom(op.getLoc(), "tmp", ".product"), productType);
    emitMatMul(op.getLoc(), *a, *b, product, M, K);
    SmallVector<ElementwiseStep> steps = {
        ElementwiseStep::operand(product, {M, N}, Combine::First, alpha)};
    if (Value c = op.getC()) {
      auto cBuffer = bufferFor(c, op);
      if (failed(cBuffer))
        return failure();
      steps.push_back(
          ElementwiseStep::operand(*cBuffer, shapeOf(c), Combine::Add, beta));
    }
    emitElementwise(op.getLoc(), steps, out, {M, N});
    return success();
  }

  func::FuncOp func;
  const ::lpu::TargetDesc &target;
  OpBuilder builder;
  lpuc::lpu::VectorType vectorType;
  DenseMap<Value, BufferOp> buffers;
  DenseMap<Value, BufferOp> outputBuffers;
  unsigned nextPlane = 0;
};

struct ConvertONNXToLPUPass
    : public lpuc::impl::ConvertONNXToLPUBase<ConvertONNXToLPUPass> {
  using ConvertONNXToLPUBase::ConvertONNXToLPUBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (!lpuc::lpu::findTarget(target)) {
      module.emitError("unknown target '") << target << "'";
      return signalPassFailure();
    }
    auto func = module.lookupSymbol<func::FuncOp>("main");
    if (!func || func.isExternal()) {
      module.emitError("expected an imported graph: func.func @main");
      return signalPassFailure();
    }
    OpBuilder builder(module.getBodyRegion());
    builder.setInsertionPoint(func);
    auto program = ProgramOp::create(builder, func.getLoc(), "main", target);
    if (failed(InstructionSelector(func, program).run())) {
      program.erase();
      return signalPassFailure();
    }
    func.erase();
  }
};

} // namespace
