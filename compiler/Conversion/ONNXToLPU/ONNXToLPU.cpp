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

#include <cmath>
#include <cstring>
#include <functional>
#include <numeric>

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
enum class Combine {
  First,
  Add,
  Sub,
  Mul,
  Max,
  Min,
  Div,
  Pow,
  Equal,
  Less,
  Greater
};

/// A lane function applied to the chain's value (Scale: times the step's
/// `scale`).
enum class Unary {
  Relu,
  Abs,
  Exp,
  Log,
  Tanh,
  Sigmoid,
  Erf,
  Sqrt,
  Reciprocal,
  Scale
};

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
  static ElementwiseStep apply(Unary unary, float scale = 1.0f) {
    ElementwiseStep step;
    step.unary = unary;
    step.scale = scale;
    return step;
  }
  /// Whether the step keeps zero lanes zero (so padding stays zero).
  bool keepsZero() const {
    if (buffer)
      return combine != Combine::Div && combine != Combine::Pow &&
             combine != Combine::Equal;
    return unary != Unary::Exp && unary != Unary::Log &&
           unary != Unary::Sigmoid && unary != Unary::Reciprocal;
  }
};

class InstructionSelector {
public:
  InstructionSelector(func::FuncOp func, ProgramOp program, bool opByOp)
      : func(func), target(program.getTargetDesc()), opByOp(opByOp),
        builder(&program.getBodyBlock(), program.getBodyBlock().end()),
        vectorType(lpuc::lpu::VectorType::get(
            func.getContext(), Float32Type::get(func.getContext()))) {}

  LogicalResult run() {
    Block &body = func.getBody().front();
    Location loc = func.getLoc();
    for (BlockArgument arg : body.getArguments()) {
      std::string name = ioName(arg.getArgNumber(), /*isInput=*/true);
      auto element = getElementTypeOrSelf(arg.getType());
      if (isComparedInteger(arg) || isCastHalf(arg)) {
        buffers[arg] = createBuffer(loc, BufferKind::Input, name,
                                    cast<RankedTensorType>(arg.getType()));
        continue;
      }
      if (element.isInteger() && !element.isInteger(1))
        return emitError(loc)
               << "graph input '" << name << "' has element type " << element
               << ": integer inputs are not supported at run time; if it "
                  "holds shapes, bounds or indices, fix its value at compile "
                  "time with --input-value "
               << name << "=FILE.pb";
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
      auto type =
          isCastHalf(value) ? FailureOr<RankedTensorType>(
                                  cast<RankedTensorType>(value.getType()))
          : isIndexTensor(value)
              ? FailureOr<RankedTensorType>(
                    laneTensorType(cast<RankedTensorType>(value.getType())))
              : getStaticF32Type(value, loc, "graph output '" + name + "'");
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

  /// The type of the buffer that holds a tensor of `type`: booleans are
  /// carried as f32 0.0 / 1.0 (comparisons produce them, Where and Not
  /// consume them), and integer indices (ArgMax results, folded shapes) as
  /// exact f32 integers.
  static RankedTensorType laneTensorType(RankedTensorType type) {
    if (type.getElementType().isInteger())
      return RankedTensorType::get(type.getShape(),
                                   Float32Type::get(type.getContext()));
    return type;
  }

  /// The value's buffer type if it is a static-shape f32 (or bool) tensor,
  /// else an error that says what is wrong with it.
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
    if (!ranked.getElementType().isF32() &&
        !ranked.getElementType().isInteger(1))
      return emitError(loc)
             << what << " has element type " << ranked.getElementType()
             << ", which is not supported yet (only f32 and bool)";
    if (ranked.getNumElements() == 0)
      return emitError(loc) << what << " is empty (" << ranked << ")";
    return laneTensorType(ranked);
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
      if (!isa<NoneType>(v.getType()) && !isComparedInteger(v) &&
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
                            IntegerAttr(), DenseI32ArrayAttr());
  }

  /// A buffer name from the node or initializer a location names.
  static std::string nameFrom(Location loc, StringRef fallback,
                              StringRef suffix = "") {
    StringRef node = onnx::getNodeName(loc);
    return ((node.empty() ? fallback : node) + suffix).str();
  }

  /// The element type of a static, non-empty tensor value; null otherwise.
  static Type staticElementType(Value value) {
    auto type = dyn_cast<RankedTensorType>(value.getType());
    if (!type || !type.hasStaticShape() || type.getNumElements() == 0)
      return nullptr;
    return type.getElementType();
  }

  /// A static i32 tensor whose every use is a comparison: the VXM compares
  /// i32 lanes exactly, so such a tensor stays i32 on the chip.
  static bool isComparedInteger(Value value) {
    Type element = staticElementType(value);
    return element && element.isSignlessInteger(32) && !value.use_empty() &&
           llvm::all_of(value.getUsers(), [](Operation *user) {
             return isa<onnx::EqualOp, onnx::LessOp, onnx::GreaterOp>(user);
           });
  }

  /// A static f16 tensor that only Casts produce or consume: the chip holds
  /// such lanes, and `vxm.convert` moves between them and f32. (bf16 lanes
  /// exist too, but ONNX exchanges bf16 data as uint16 bit patterns, which
  /// the runtime does not read yet.)
  static bool isCastHalf(Value value) {
    Type element = staticElementType(value);
    if (!element || !element.isF16())
      return false;
    if (value.getDefiningOp<onnx::CastOp>())
      return true;
    return !value.use_empty() &&
           llvm::all_of(value.getUsers(), [](Operation *user) {
             return isa<onnx::CastOp>(user);
           });
  }

  /// Cast between f32 and f16 (and bool as f32): a copy whose write converts
  /// the lanes (see write()).
  LogicalResult lowerCast(onnx::CastOp op) {
    Value in = op.getInput(), out = op.getOutput();
    for (Value v : {in, out}) {
      Type element = getElementTypeOrSelf(v.getType());
      if (!isCastHalf(v) && !element.isF32() && !element.isInteger(1))
        return op.emitError("Cast from ")
               << getElementTypeOrSelf(in.getType()) << " to "
               << getElementTypeOrSelf(out.getType())
               << " is not supported (f32, f16 and bool)";
      if (!isCastHalf(v) &&
          failed(getStaticF32Type(v, op.getLoc(),
                                  v == in ? "input 0" : "output 0")))
        return failure();
    }
    auto buffer = bufferFor(in, op);
    if (failed(buffer))
      return failure();
    SmallVector<ElementwiseStep> steps = {
        ElementwiseStep::operand(*buffer, shapeOf(in))};
    if (getElementTypeOrSelf(out.getType()).isInteger(1) &&
        !getElementTypeOrSelf(in.getType()).isInteger(1)) {
      // To bool: 1 - [x == 0].
      Location loc = op.getLoc();
      steps.push_back(ElementwiseStep::operand(
          scalarConstant(loc, ".zero", 0.0f), {1}, Combine::Equal));
      steps.push_back(ElementwiseStep::apply(Unary::Scale, -1.0f));
      steps.push_back(ElementwiseStep::operand(
          scalarConstant(loc, ".one", 1.0f), {1}, Combine::Add));
    }
    emitElementwise(op.getLoc(), steps, resultBuffer(out), shapeOf(out));
    return success();
  }

  /// Integers the LPU carries exactly as f32: an ArgMax result, or a
  /// statically shaped integer constant (a folded Shape, say) within 2^24.
  static bool isIndexTensor(Value value) {
    Type element = staticElementType(value);
    if (!element || !element.isInteger() || element.isInteger(1))
      return false;
    if (value.getDefiningOp<onnx::ArgMaxOp>())
      return true;
    auto values = onnx::getConstantIntegers(value);
    return values && llvm::all_of(*values, [](int64_t v) {
             return std::abs(v) <= (int64_t(1) << 24);
           });
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
    if (isComparedInteger(value)) {
      BufferOp buffer =
          createBuffer(constant.getLoc(), BufferKind::Constant,
                       nameFrom(constant.getLoc(), "constant"),
                       cast<RankedTensorType>(value.getType()), data);
      buffers[value] = buffer;
      return buffer;
    }
    if (isIndexTensor(value)) {
      SmallVector<float> values;
      for (int64_t v : *onnx::getConstantIntegers(value))
        values.push_back(float(v));
      auto type = laneTensorType(cast<RankedTensorType>(value.getType()));
      BufferOp buffer =
          createBuffer(constant.getLoc(), BufferKind::Constant,
                       nameFrom(constant.getLoc(), "constant"), type,
                       cast<ElementsAttr>(DenseElementsAttr::get(
                           type, ArrayRef<float>(values))));
      buffers[value] = buffer;
      return buffer;
    }
    auto type = getStaticF32Type(value, constant.getLoc(), "constant");
    if (failed(type))
      return failure();
    if (data.getElementType().isInteger(1)) {
      auto bits = dyn_cast<DenseElementsAttr>(data);
      if (!bits)
        return constant.emitError("boolean constant is not dense");
      SmallVector<float> values;
      for (bool b : bits.getValues<bool>())
        values.push_back(b ? 1.0f : 0.0f);
      data = DenseElementsAttr::get(*type, ArrayRef<float>(values));
    }
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
                     laneTensorType(cast<RankedTensorType>(result.getType())));
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
      results.push_back(resultVectorType(operands));
    return OpTy::create(builder, loc, results, operands, attrs);
  }

  /// Vectors carry their operands' element type (a read: its buffer's);
  /// f32 unless integer tensors are compared.
  Type resultVectorType(ValueRange operands) {
    for (Value v : operands) {
      if (isa<lpuc::lpu::VectorType>(v.getType()))
        return v.getType();
      if (auto buffer = v.getDefiningOp<BufferOp>())
        return lpuc::lpu::VectorType::get(
            builder.getContext(),
            cast<ShapedType>(buffer.getTensorType()).getElementType());
    }
    return vectorType;
  }

  NamedAttribute intAttr(StringRef name, int64_t value) {
    return builder.getNamedAttr(name, builder.getI64IntegerAttr(value));
  }

  Value read(Location loc, BufferOp buffer, int64_t offset) {
    return emit<ReadOp>(loc, {buffer}, {intAttr("offset", offset)});
  }

  void write(Location loc, Value value, BufferOp buffer, int64_t offset) {
    Type element = cast<ShapedType>(buffer.getTensorType()).getElementType();
    if (cast<lpuc::lpu::VectorType>(value.getType()).getElementType() !=
        element) // an i32 comparison's 0 / 1 into a bool (f32) tensor
      value = ConvertOp::create(
          builder, loc,
          TypeRange{lpuc::lpu::VectorType::get(builder.getContext(), element)},
          ValueRange{value}, ArrayRef<NamedAttribute>{});
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
    case Combine::Equal:
      return emit<EqualOp>(loc, {lhs, rhs});
    case Combine::Less:
      return emit<LessOp>(loc, {lhs, rhs});
    case Combine::Greater:
      return emit<GreaterOp>(loc, {lhs, rhs});
    case Combine::First:
      break;
    }
    llvm_unreachable("the first step of a chain combines nothing");
  }

  Value scaled(Location loc, Value value, float factor) {
    return emit<ScaleOp>(
        loc, {value},
        {builder.getNamedAttr("factor", builder.getF32FloatAttr(factor))});
  }

  Value apply(Location loc, const ElementwiseStep &step, Value value) {
    switch (step.unary) {
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
    case Unary::Scale:
      return scaled(loc, value, step.scale);
    }
    llvm_unreachable("unknown lane function");
  }

  /// A chain ready to be computed vector by vector over `shape`: every
  /// operand's shape left-padded to the output's rank, with its row strides.
  struct PreparedStep {
    ElementwiseStep step;
    Shape shape;     // left-padded with 1s to the chain's rank
    Shape rowStride; // per leading dimension, in rows
    int64_t vectorsPerRow = 0;
    bool laneBroadcast = false; // a single column spread over the row
  };
  struct PreparedChain {
    SmallVector<PreparedStep> steps;
    Shape shape;
    bool keepsZero = true;
  };

  PreparedChain prepareChain(ArrayRef<ElementwiseStep> steps,
                             ArrayRef<int64_t> outShape) {
    PreparedChain chain;
    chain.shape = outShape.empty() ? Shape{1} : Shape(outShape);
    const size_t rank = chain.shape.size();
    for (const ElementwiseStep &step : steps) {
      PreparedStep p{step, {}, {}};
      chain.keepsZero &= step.keepsZero();
      if (step.buffer) {
        // ONNX broadcasting guarantees operand rank <= output rank.
        size_t padding = rank - std::min(rank, step.shape.size());
        p.shape.assign(padding, 1);
        p.shape.append(step.shape.begin(), step.shape.end());
        p.rowStride.assign(rank - 1, 1);
        for (int64_t i = int64_t(rank) - 3; i >= 0; --i)
          p.rowStride[i] = p.rowStride[i + 1] * p.shape[i + 1];
        p.vectorsPerRow = BufferOp(step.buffer).getLayout(target).vectorsPerRow;
        p.laneBroadcast = p.shape.back() == 1 && chain.shape.back() > 1;
      }
      chain.steps.push_back(std::move(p));
    }
    return chain;
  }

  /// The leading-dimension index of row `row` of `shape`.
  static Shape rowIndex(ArrayRef<int64_t> shape, int64_t row) {
    Shape index(shape.size() - 1, 0);
    for (int64_t d = int64_t(index.size()) - 1; d >= 0; --d) {
      index[d] = row % shape[d];
      row /= shape[d];
    }
    return index;
  }

  /// Vector `j` of the output row at `index`, computed by `chain` from
  /// `initial` (the value so far; null when the chain starts with an
  /// operand). Padding lanes stay zero: where a step could make them
  /// non-zero, the SXM shifts them out.
  Value emitChainVector(Location loc, const PreparedChain &chain,
                        ArrayRef<int64_t> index, int64_t j, Value initial) {
    const size_t rank = chain.shape.size();
    const int64_t width =
        std::min<int64_t>(target.lanes, chain.shape.back() - j * target.lanes);
    Value acc = initial;
    for (const PreparedStep &p : chain.steps) {
      const ElementwiseStep &step = p.step;
      if (!step.buffer) {
        acc = apply(loc, step, acc);
        continue;
      }
      int64_t opRow = 0;
      for (size_t d = 0; d + 1 < rank; ++d)
        opRow += (p.shape[d] == 1 ? 0 : index[d]) * p.rowStride[d];
      Value v;
      if (p.laneBroadcast) {
        v = read(loc, step.buffer, opRow * p.vectorsPerRow);
        v = emit<DistributeOp>(loc, {v},
                               {intAttr("lane", 0), intAttr("width", width)});
      } else {
        v = read(loc, step.buffer, opRow * p.vectorsPerRow + j);
      }
      if (step.scale != 1.0f)
        v = scaled(loc, v, step.scale);
      acc = step.combine == Combine::First ? v
                                           : combine(loc, step.combine, acc, v);
    }
    if (!chain.keepsZero && width < target.lanes) {
      // Up and back down by the padding: lanes past `width` shift in 0.
      int64_t pad = target.lanes - width;
      acc = emit<ShiftOp>(loc, {acc}, {intAttr("amount", pad)});
      acc = emit<ShiftOp>(loc, {acc}, {intAttr("amount", -pad)});
    }
    return acc;
  }

  /// Computes the chain `steps` into `out`, vector by vector, with NumPy
  /// broadcasting of every operand to `outShape`.
  void emitElementwise(Location loc, ArrayRef<ElementwiseStep> steps,
                       BufferOp out, ArrayRef<int64_t> outShape) {
    PreparedChain chain = prepareChain(steps, outShape);
    const ::lpu::TensorLayout outLayout = out.getLayout(target);
    for (int64_t row = 0; row < outLayout.rows; ++row) {
      Shape index = rowIndex(chain.shape, row);
      for (int64_t j = 0; j < outLayout.vectorsPerRow; ++j)
        write(loc, emitChainVector(loc, chain, index, j, Value()), out,
              row * outLayout.vectorsPerRow + j);
    }
  }

  /// The right operand of a matrix product, cut into lanes x lanes weight
  /// tiles. A constant is stored tile by tile, one buffer per tile, so every
  /// tile's rows are consecutive (alternating banks) and tiles spread over
  /// MEM slices, which lets several MXM planes load at once. A tensor
  /// computed at run time is read where it is.
  struct WeightSource {
    BufferOp whole;
    int64_t wholeVectorsPerRow = 0;
    SmallVector<BufferOp> tiles; // k-major: tiles[k * columnTiles + n]
    int64_t columnTiles = 0;
  };

  /// Row r of weight tile (k, n); `firstRow` is the first row of B's
  /// matrix inside `whole` (for batched products).
  Value readWeightRow(Location loc, const WeightSource &b, int64_t k, int64_t n,
                      int64_t r, int64_t firstRow) {
    if (!b.tiles.empty())
      return read(loc, b.tiles[k * b.columnTiles + n], r);
    return read(loc, b.whole,
                (firstRow + k * target.lanes + r) * b.wholeVectorsPerRow + n);
  }

  /// Where one matrix of a batched product starts, in rows of A, B and the
  /// output.
  struct BatchRows {
    int64_t a = 0, b = 0, out = 0;
  };

  /// The [K, N] right operand `value` (stored [N, K] if `transposed`).
  FailureOr<WeightSource> weightSource(Operation *op, Value value,
                                       bool transposed, int64_t K, int64_t N) {
    // Only a 2-D constant is cut into tile buffers; a batch of matrices is
    // read where it is.
    bool tiled = cast<ShapedType>(value.getType()).getRank() == 2;
    auto key = std::make_pair(value, unsigned(transposed));
    if (auto it = weightSources.find(key); it != weightSources.end())
      return it->second;
    const int64_t lanes = target.lanes;
    WeightSource source;
    source.columnTiles = llvm::divideCeil(N, lanes);
    auto constant = value.getDefiningOp<arith::ConstantOp>();
    std::optional<std::vector<uint32_t>> data;
    if (constant && (tiled || transposed) && !(opByOp && !transposed))
      data = readLaneWords(cast<ElementsAttr>(constant.getValue()));
    if (!data) {
      if (transposed)
        return op->emitError()
               << "B must be a constant to be transposed (transposing a "
                  "tensor computed at run time is not supported yet)";
      auto whole = bufferFor(value, op);
      if (failed(whole))
        return failure();
      source.whole = *whole;
      source.wholeVectorsPerRow = whole->getLayout(target).vectorsPerRow;
      return weightSources[key] = source;
    }
    // Graph tensors are f32 (checked on entry), so lane words are f32 bits.
    for (int64_t k = 0; k * lanes < K; ++k) {
      for (int64_t n = 0; n * lanes < N; ++n) {
        int64_t rows = std::min(lanes, K - k * lanes);
        int64_t cols = std::min(lanes, N - n * lanes);
        std::vector<uint32_t> tile(rows * cols);
        for (int64_t r = 0; r < rows; ++r)
          for (int64_t c = 0; c < cols; ++c) {
            int64_t kk = k * lanes + r, nn = n * lanes + c;
            tile[r * cols + c] =
                (*data)[transposed ? nn * K + kk : kk * N + nn];
          }
        auto type = RankedTensorType::get({rows, cols}, builder.getF32Type());
        std::string name =
            nameFrom(constant.getLoc(), "constant",
                     (transposed ? ".T.k" : ".k") + std::to_string(k) + "n" +
                         std::to_string(n));
        auto attr = DenseResourceElementsAttr::get(
            type, name,
            HeapAsmResourceBlob::allocateAndCopyInferAlign(
                ArrayRef<uint32_t>(tile)));
        source.tiles.push_back(createBuffer(constant.getLoc(),
                                            BufferKind::Constant, name, type,
                                            cast<ElementsAttr>(attr)));
      }
    }
    return weightSources[key] = source;
  }

  /// Loads `rows` f32 weight rows (`row(r)` is row r) on `plane` and installs
  /// them, as array rows or, `transposed`, as array columns.
  void loadAndInstall(Location loc, NamedAttribute plane, int64_t rows,
                      bool transposed,
                      llvm::function_ref<Value(int64_t r)> row) {
    for (int64_t r = 0; r < rows; ++r)
      emit<LoadWeightsOp>(loc, {row(r)}, {intAttr("row", r), plane});
    SmallVector<NamedAttribute, 4> attrs = {
        intAttr("rows", rows),
        builder.getNamedAttr("element_type",
                             TypeAttr::get(builder.getF32Type())),
        plane};
    if (transposed)
      attrs.push_back(
          builder.getNamedAttr("transposed", builder.getUnitAttr()));
    emit<InstallWeightsOp>(loc, {}, attrs);
  }

  /// A tensor's rows of lane vectors, possibly split into several buffers of
  /// `rowsPerPart` rows, so that its SRAM traffic spreads over as many MEM
  /// slices (a MEM queue issues one access per cycle).
  struct RowStore {
    SmallVector<BufferOp> parts;
    int64_t rowsPerPart = 1;
    int64_t vectorsPerRow = 1;
  };

  RowStore wholeStore(BufferOp buffer) {
    ::lpu::TensorLayout layout = buffer.getLayout(target);
    return {{buffer}, layout.rows, layout.vectorsPerRow};
  }

  /// A scratch tensor of `shape` in parts of whole rows of its leading
  /// dimensions: one part per `partDims` trailing leading dimensions (e.g.
  /// per image row of an [N, H, W, C] tensor), merged so that there are no
  /// more parts than MEM slices.
  RowStore splitStore(Location loc, StringRef suffix, ArrayRef<int64_t> shape,
                      int64_t rowsPerGroup) {
    ::lpu::TensorLayout layout = ::lpu::layoutFor(
        std::vector<int64_t>(shape.begin(), shape.end()), target.lanes);
    int64_t groups = llvm::divideCeil(layout.rows, rowsPerGroup);
    int64_t perPart =
        rowsPerGroup * llvm::divideCeil(groups, int64_t(target.memSlices));
    RowStore store{{}, perPart, layout.vectorsPerRow};
    for (int64_t first = 0, i = 0; first < layout.rows; first += perPart, ++i)
      store.parts.push_back(createBuffer(
          loc, BufferKind::Scratch,
          nameFrom(loc, "tmp", (suffix + "." + Twine(i)).str()),
          RankedTensorType::get(
              {std::min(perPart, layout.rows - first), shape.back()},
              builder.getF32Type())));
    return store;
  }

  Value readRow(Location loc, const RowStore &store, int64_t row, int64_t j) {
    return read(loc, store.parts[row / store.rowsPerPart],
                (row % store.rowsPerPart) * store.vectorsPerRow + j);
  }
  void writeRow(Location loc, Value value, const RowStore &store, int64_t row,
                int64_t j) {
    write(loc, value, store.parts[row / store.rowsPerPart],
          (row % store.rowsPerPart) * store.vectorsPerRow + j);
  }

  /// One matrix product for emitMatMul: `rows` output rows, each the sum
  /// over K tiles k of (a vector of `a`) x (weight tile k, n).
  struct ProductPlan {
    RowStore a;
    int64_t rows = 0;
    int64_t kTiles = 0;
    int64_t firstOutRow = 0;
    /// Weight rows of K tile k (the rest of the array is zero).
    std::function<int64_t(int64_t k)> tileRows;
    /// Row r of weight tile (k, n).
    std::function<Value(int64_t k, int64_t n, int64_t r)> weightRow;
    /// The row and vector of `a` that output row m multiplies with K tile
    /// k, or nothing when it is zero (a convolution tap in the padding).
    std::function<std::optional<std::pair<int64_t, int64_t>>(int64_t m,
                                                             int64_t k)>
        aVector;
  };

  /// out = epilogue(sum_k a_k x W_k). For each column tile n, the K tiles
  /// are installed on distinct MXM planes (the least loaded first) and each
  /// row's partial sum flows from plane to plane through `mxm.matmul_acc`
  /// on the streams, west to east; when there are more K tiles than planes,
  /// the planes are used in turns and a turn's partial sum is the addend of
  /// the next, through `out`. The epilogue (bias, activation ... fused
  /// element-wise nodes) runs on the VXM on the way from the last plane to
  /// SRAM.
  void emitMatMul(Location loc, const ProductPlan &plan,
                  const PreparedChain &epilogue, const RowStore &out) {
    const int64_t planes = target.mxmPlanes;
    const int64_t planesPerTurn = opByOp ? 1 : planes;
    for (int64_t n = 0; n < out.vectorsPerRow; ++n) {
      // Rows whose partial sum so far is in `out`.
      std::vector<bool> hasPartial(plan.rows, false);
      for (int64_t first = 0; first < plan.kTiles; first += planesPerTurn) {
        const int64_t turn = std::min(planesPerTurn, plan.kTiles - first);
        const bool lastTurn = first + turn == plan.kTiles;
        // Weight loads dominate the MXM's work: give each tile of the turn
        // to the least loaded distinct plane, the largest tile first.
        SmallVector<int64_t> order = planesByWork();
        SmallVector<int64_t> bySize(turn);
        std::iota(bySize.begin(), bySize.end(), 0);
        std::stable_sort(
            bySize.begin(), bySize.end(), [&](int64_t x, int64_t y) {
              return plan.tileRows(first + x) > plan.tileRows(first + y);
            });
        SmallVector<NamedAttribute> units(
            turn, builder.getNamedAttr("unit", builder.getUnitAttr()));
        SmallVector<int64_t> planeOf(turn); // plane of the turn's i-th tile
        for (auto [rank, i] : llvm::enumerate(bySize)) {
          int64_t k = first + i, rows = plan.tileRows(k);
          int64_t plane = order[rank];
          planeWork[plane] += rows + plan.rows;
          planeOf[i] = plane;
          units[i] =
              builder.getNamedAttr("unit", builder.getI32IntegerAttr(plane));
        }
        for (int64_t i = 0; i < turn; ++i) {
          int64_t k = first + i;
          loadAndInstall(loc, units[i], plan.tileRows(k), /*transposed=*/false,
                         [&](int64_t r) { return plan.weightRow(k, n, r); });
        }
        // Partial sums visit the planes west to east: the shortest way.
        SmallVector<int64_t> visit(turn);
        std::iota(visit.begin(), visit.end(), 0);
        llvm::sort(visit, [&](int64_t x, int64_t y) {
          return planeOf[x] < planeOf[y];
        });
        for (int64_t m = 0; m < plan.rows; ++m) {
          const int64_t row = plan.firstOutRow + m;
          Value acc;
          for (int64_t i : visit) {
            auto at = plan.aVector(m, first + i);
            if (!at)
              continue;
            Value x = readRow(loc, plan.a, at->first, at->second);
            if (acc)
              acc = emit<MatMulAccOp>(loc, {x, acc}, {units[i]});
            else if (hasPartial[m])
              acc = emit<MatMulAccOp>(loc, {x, readRow(loc, out, row, n)},
                                      {units[i]});
            else
              acc = emit<MatMulOp>(loc, {x}, {units[i]});
          }
          if (!lastTurn) {
            if (acc) {
              writeRow(loc, acc, out, row, n);
              hasPartial[m] = true;
            }
            continue;
          }
          if (!acc) // no term in the last turn: the partial, or zero
            acc = hasPartial[m]
                      ? readRow(loc, out, row, n)
                      : read(loc, scalarConstant(loc, ".zero", 0.0f), 0);
          acc = emitChainVector(loc, epilogue, rowIndex(epilogue.shape, row), n,
                                acc);
          writeRow(loc, acc, out, row, n);
        }
      }
    }
  }

  //===--------------------------------------------------------------------===//
  // Nodes
  //===--------------------------------------------------------------------===//

  LogicalResult lowerOp(Operation *op) {
    if (fusedNodes.contains(op))
      return success(); // computed by the chain of the node it consumes
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
            onnx::ReduceMeanOp, onnx::ReduceSumSquareOp, onnx::ReduceL1Op,
            onnx::ReduceL2Op, onnx::ReduceLogSumOp, onnx::ReduceLogSumExpOp>(
            op))
      return lowerReduce(op);
    if (isa<onnx::SliceOp, onnx::SplitOp, onnx::ExpandOp, onnx::TileOp,
            onnx::PadOp, onnx::GatherOp>(op))
      return lowerDataMovement(op);
    if (auto resize = dyn_cast<onnx::ResizeOp>(op))
      return lowerResize(resize);
    if (auto argMax = dyn_cast<onnx::ArgMaxOp>(op))
      return lowerArgMax(argMax);
    if (auto castOp = dyn_cast<onnx::CastOp>(op))
      return lowerCast(castOp);
    if (failed(checkNodeTypes(op)))
      return failure();
    if (isElementwiseNode(op))
      return lowerElementwise(op);
    return TypeSwitch<Operation *, LogicalResult>(op)
        .Case([&](onnx::SoftmaxOp op) {
          return lowerSoftmax(op, op.getAxis(), /*logarithm=*/false);
        })
        .Case([&](onnx::LogSoftmaxOp op) {
          return lowerSoftmax(op, op.getAxis(), /*logarithm=*/true);
        })
        .Case([&](onnx::MatMulOp op) { return lowerMatMul(op); })
        .Case([&](onnx::TransposeOp op) { return lowerTranspose(op); })
        .Case([&](onnx::LayerNormalizationOp op) { return lowerLayerNorm(op); })
        .Case([&](onnx::ConvOp op) {
          return lowerConvolution(op, op.getX(), op.getW(), op.getB(),
                                  op.getGroup(), /*transposed=*/false);
        })
        .Case([&](onnx::ConvTransposeOp op) {
          return lowerConvolution(op, op.getX(), op.getW(), op.getB(),
                                  op.getGroup(), /*transposed=*/true);
        })
        .Case([&](onnx::BatchNormalizationOp op) { return lowerBatchNorm(op); })
        .Case([&](onnx::ConcatOp op) { return lowerConcat(op); })
        .Case([&](onnx::MaxPoolOp op) {
          for (Value indices : op.getIndices())
            if (!indices.use_empty())
              return LogicalResult(
                  op.emitError("the MaxPool Indices output is not supported"));
          return lowerPool(op, op.getX(), op.getY(), Pool::Max);
        })
        .Case([&](onnx::AveragePoolOp op) {
          return lowerPool(op, op.getX(), op.getY(),
                           op.getCountIncludePad() ? Pool::AverageWithPadding
                                                   : Pool::Average);
        })
        .Case([&](onnx::GlobalAveragePoolOp op) {
          return lowerPool(op, op.getX(), op.getY(), Pool::AverageWithPadding);
        })
        .Case([&](onnx::GemmOp op) { return lowerGemm(op); })
        .Case([&](onnx::WhereOp op) { return lowerWhere(op); })
        .Case([&](onnx::ArgMaxOp op) { return lowerArgMax(op); })
        .Default([&](Operation *op) {
          return op->emitError("operator '")
                 << onnx::getOperatorType(op)
                 << "' is not supported by the LPU lowering yet";
        });
  }

  /// Copies lanes [from, from + count) of `v` to lanes [to, to + count),
  /// zeroing every other lane, with SXM shifts. `width` is how many low
  /// lanes of `v` may be non-zero (the rest are padding).
  Value moveLanes(Location loc, Value v, int64_t from, int64_t count,
                  int64_t to, int64_t width) {
    const int64_t lanes = target.lanes;
    auto shift = [&](Value x, int64_t amount) {
      return amount ? emit<ShiftOp>(loc, {x}, {intAttr("amount", amount)}) : x;
    };
    if (from + count < width) {
      // Lanes above the segment hold data: push them out at the top, then
      // bring the segment down to lane 0, dropping the lanes below it.
      v = shift(v, lanes - from - count);
      return shift(shift(v, count - lanes), to);
    }
    if (from > 0 && to > 0)
      return shift(shift(v, -from), to);
    return shift(v, to - from); // nothing below the segment moves in
  }

  /// An element of a tensor's row: the buffer, the row, the index in it.
  struct RowElement {
    BufferOp buffer;
    int64_t row, element;
  };

  /// A vector of `width` lanes gathered from tensor rows: `source(lane)`
  /// says where output lane `lane` comes from, or nothing for a zero lane.
  /// Each run of consecutive elements within one input vector is moved into
  /// place by moveLanes (which zeroes the other lanes) and the runs are
  /// joined by VXM adds.
  Value gatherLanes(
      Location loc, int64_t width,
      llvm::function_ref<std::optional<RowElement>(int64_t lane)> source) {
    const int64_t lanes = target.lanes;
    Value acc;
    for (int64_t done = 0; done < width;) {
      std::optional<RowElement> at = source(done);
      if (!at) {
        ++done;
        continue;
      }
      const ::lpu::TensorLayout in = at->buffer.getLayout(target);
      int64_t inVector = at->element / lanes, lane = at->element % lanes;
      int64_t inWidth = std::min(lanes, in.rowLength - inVector * lanes);
      int64_t count = 1;
      for (int64_t limit = std::min(width - done, inWidth - lane);
           count < limit; ++count) {
        std::optional<RowElement> next = source(done + count);
        if (!next || next->buffer != at->buffer || next->row != at->row ||
            next->element != at->element + count)
          break;
      }
      Value v = read(loc, at->buffer, at->row * in.vectorsPerRow + inVector);
      v = moveLanes(loc, v, lane, count, done, inWidth);
      acc = acc ? combine(loc, Combine::Add, acc, v) : v;
      done += count;
    }
    if (!acc)
      acc = read(loc, scalarConstant(loc, ".zero", 0.0f), 0);
    return acc;
  }

  /// Writes `out` element by element: `source(i, lane)` says which tensor
  /// element flat output element i (in vector lane `lane`) copies, or
  /// nothing for zero. Slices, broadcasts, tiling, padding and gathers with
  /// constant indices are all such maps; rows that map to whole rows are
  /// plain copies.
  void emitElementMap(
      Location loc, BufferOp out,
      llvm::function_ref<std::optional<RowElement>(int64_t, int64_t)> source) {
    const int64_t lanes = target.lanes;
    const ::lpu::TensorLayout to = out.getLayout(target);
    for (int64_t row = 0; row < to.rows; ++row)
      for (int64_t j = 0; j < to.vectorsPerRow; ++j) {
        int64_t width = std::min(lanes, to.rowLength - j * lanes);
        int64_t flat = row * to.rowLength + j * lanes;
        Value gathered = gatherLanes(loc, width, [&](int64_t lane) {
          return source(flat + lane, lane);
        });
        write(loc, gathered, out, row * to.vectorsPerRow + j);
      }
  }

  /// emitElementMap from one tensor over multi-indices: `map(outIndex,
  /// inIndex)` fills the input index, or returns false for a padding
  /// element, which is zero, or taken from `padding` (a constant row of
  /// `lanes` equal values) when given.
  void emitIndexMap(
      Location loc, BufferOp in, ArrayRef<int64_t> inShape, BufferOp out,
      ArrayRef<int64_t> outShape,
      llvm::function_ref<bool(ArrayRef<int64_t>, MutableArrayRef<int64_t>)> map,
      BufferOp padding = {}) {
    const int64_t inRowLength = in.getLayout(target).rowLength;
    Shape outIndex(outShape.size()), inIndex(inShape.size());
    emitElementMap(
        loc, out, [&](int64_t flat, int64_t lane) -> std::optional<RowElement> {
          for (int64_t d = int64_t(outShape.size()) - 1; d >= 0; --d) {
            outIndex[d] = flat % outShape[d];
            flat /= outShape[d];
          }
          if (!map(outIndex, inIndex)) {
            if (!padding)
              return std::nullopt;
            return RowElement{padding, 0, lane};
          }
          int64_t element = 0;
          for (size_t d = 0; d < inShape.size(); ++d)
            element = element * inShape[d] + inIndex[d];
          return RowElement{in, element / inRowLength, element % inRowLength};
        });
  }

  /// Slice, Split, Expand, Tile, Pad and Gather: every output element
  /// copies one input element or is padding (emitIndexMap). The data is f32
  /// at run time; starts, splits, shapes, repeats, pads and gather indices
  /// must be constants (the fold-constants pass computes those derived from
  /// shapes).
  LogicalResult lowerDataMovement(Operation *op) {
    Location loc = op->getLoc();
    Value data = op->getOperand(0);
    if (failed(getStaticF32Type(data, loc, "input 0")))
      return failure();
    for (auto [i, result] : llvm::enumerate(op->getResults()))
      if (failed(getStaticF32Type(result, loc, "output " + std::to_string(i))))
        return failure();
    auto input = bufferFor(data, op);
    if (failed(input))
      return failure();
    const Shape in = shapeOf(data);
    const int64_t rank = in.size();
    auto constantOperand =
        [&](Value v, StringRef what) -> FailureOr<SmallVector<int64_t>> {
      if (auto values = onnx::getConstantIntegers(v))
        return *values;
      return op->emitError() << what
                             << " must be known at compile time (a constant, "
                                "or computed from constants and shapes)";
    };
    auto normalizeAxis = [&](int64_t axis) -> FailureOr<int64_t> {
      if (axis < -rank || axis >= rank)
        return op->emitError("axis ") << axis << " is out of range";
      return (axis + rank) % rank;
    };
    Value result = op->getResult(0);
    auto emitInto = [&](Value result, auto map, BufferOp padding = {}) {
      emitIndexMap(loc, *input, in, resultBuffer(result), shapeOf(result), map,
                   padding);
    };
    if (auto slice = dyn_cast<onnx::SliceOp>(op)) {
      FailureOr<onnx::SliceBounds> bounds = onnx::getSliceBounds(slice);
      if (failed(bounds))
        return failure();
      if (bounds->size != shapeOf(result))
        return op->emitError("the graph gives the Slice result another shape");
      emitInto(result, [&](ArrayRef<int64_t> o, MutableArrayRef<int64_t> i) {
        for (int64_t d = 0; d < rank; ++d)
          i[d] = bounds->start[d] + o[d] * bounds->step[d];
        return true;
      });
      return success();
    }
    if (auto split = dyn_cast<onnx::SplitOp>(op)) {
      FailureOr<int64_t> axis = normalizeAxis(split.getAxis());
      if (failed(axis))
        return failure();
      int64_t offset = 0;
      for (Value part : split.getOutputs()) {
        emitInto(part, [&](ArrayRef<int64_t> o, MutableArrayRef<int64_t> i) {
          llvm::copy(o, i.begin());
          i[*axis] += offset;
          return true;
        });
        offset += shapeOf(part)[*axis];
      }
      if (offset != in[*axis])
        return op->emitError("the parts' sizes add up to ")
               << offset << ", not " << in[*axis];
      return success();
    }
    if (isa<onnx::ExpandOp>(op)) {
      const Shape out = shapeOf(result);
      const int64_t lead = int64_t(out.size()) - rank;
      if (lead < 0)
        return op->emitError("Expand to a lower rank");
      emitInto(result, [&](ArrayRef<int64_t> o, MutableArrayRef<int64_t> i) {
        for (int64_t d = 0; d < rank; ++d)
          i[d] = in[d] == 1 ? 0 : o[lead + d];
        return true;
      });
      return success();
    }
    if (isa<onnx::TileOp>(op)) {
      emitInto(result, [&](ArrayRef<int64_t> o, MutableArrayRef<int64_t> i) {
        for (int64_t d = 0; d < rank; ++d)
          i[d] = o[d] % in[d];
        return true;
      });
      return success();
    }
    if (auto pad = dyn_cast<onnx::PadOp>(op)) {
      auto pads = constantOperand(pad.getPads(), "pads");
      if (failed(pads))
        return failure();
      if (int64_t(pads->size()) != 2 * rank)
        return op->emitError("pads has ")
               << pads->size() << " values, not " << 2 * rank;
      StringRef mode = pad.getMode();
      if (mode != "constant" && mode != "edge" && mode != "reflect")
        return op->emitError("pad mode '") << mode << "' is not supported";
      // A non-zero pad value fills a row of lanes the padding copies from:
      // a constant, or the run-time scalar spread over the lanes once.
      BufferOp padding;
      if (Value value = pad.getConstantValue();
          value && !isa<NoneType>(value.getType())) {
        auto type = RankedTensorType::get({target.lanes}, builder.getF32Type());
        if (cast<ShapedType>(value.getType()).getNumElements() != 1 ||
            failed(getStaticF32Type(value, loc, "the pad value")))
          return op->emitError("the pad value must be an f32 scalar");
        if (auto fill = constantFloats(value)) {
          if ((*fill)[0] != 0.0f)
            padding = createBuffer(
                loc, BufferKind::Constant, nameFrom(loc, "constant", ".pad"),
                type,
                cast<ElementsAttr>(DenseElementsAttr::get(type, (*fill)[0])));
        } else {
          auto scalar = bufferFor(value, op);
          if (failed(scalar))
            return failure();
          padding = createBuffer(loc, BufferKind::Scratch,
                                 nameFrom(loc, "tmp", ".pad"), type);
          Value spread = emit<DistributeOp>(
              loc, {read(loc, *scalar, 0)},
              {intAttr("lane", 0), intAttr("width", target.lanes)});
          write(loc, spread, padding, 0);
        }
      }
      emitInto(
          result,
          [&](ArrayRef<int64_t> o, MutableArrayRef<int64_t> i) {
            for (int64_t d = 0; d < rank; ++d) {
              int64_t p = o[d] - (*pads)[d], n = in[d];
              if (p >= 0 && p < n) {
                i[d] = p;
              } else if (mode == "constant") {
                return false;
              } else if (mode == "edge" || n == 1) {
                i[d] = std::clamp<int64_t>(p, 0, n - 1);
              } else { // reflect, about the first and last elements
                int64_t period = 2 * (n - 1);
                p = ((p % period) + period) % period;
                i[d] = p < n ? p : period - p;
              }
            }
            return true;
          },
          padding);
      return success();
    }
    auto gather = cast<onnx::GatherOp>(op);
    FailureOr<int64_t> axis = normalizeAxis(gather.getAxis());
    if (failed(axis))
      return failure();
    auto indices = constantOperand(gather.getIndices(), "Gather indices");
    if (failed(indices))
      return failure();
    for (int64_t &index : *indices) {
      if (index < -in[*axis] || index >= in[*axis])
        return op->emitError("Gather index ")
               << index << " is out of range for a dimension of " << in[*axis];
      index = (index + in[*axis]) % in[*axis];
    }
    const Shape indexShape = shapeOf(gather.getIndices());
    const int64_t q = indexShape.size();
    emitInto(result, [&](ArrayRef<int64_t> o, MutableArrayRef<int64_t> i) {
      int64_t flat = 0;
      for (int64_t d = 0; d < q; ++d)
        flat = flat * indexShape[d] + o[*axis + d];
      for (int64_t d = 0; d < rank; ++d)
        i[d] = d < *axis ? o[d] : d == *axis ? (*indices)[flat] : o[d + q - 1];
      return true;
    });
    return success();
  }

  /// Resize, nearest: an element map (each output element copies the input
  /// element nearest its source coordinate). Linear: for each of the 2^k
  /// corners around the source point (k axes resized), an element map into
  /// scratch, then a chain summing corner x weight, the weights constant
  /// tensors over the resized axes. Source coordinates follow ONNX's
  /// coordinate_transformation_mode; scales and sizes must be constants.
  LogicalResult lowerResize(onnx::ResizeOp op) {
    Location loc = op.getLoc();
    if (failed(getStaticF32Type(op.getX(), loc, "input 0")) ||
        failed(getStaticF32Type(op.getY(), loc, "output 0")))
      return failure();
    auto params = op.getRoiScalesSizes();
    if (params.size() < 2)
      return op.emitError("Resize before opset 11 (X, scales) is not "
                          "supported");
    const Shape in = shapeOf(op.getX()), out = shapeOf(op.getY());
    const int64_t rank = in.size();
    StringRef mode = op.getMode(),
              transform = op.getCoordinateTransformationMode();
    StringRef nearestMode = op.getNearestMode();
    if (mode != "nearest" && mode != "linear")
      return op.emitError("Resize mode '") << mode << "' is not supported";
    if (transform != "half_pixel" && transform != "pytorch_half_pixel" &&
        transform != "align_corners" && transform != "asymmetric" &&
        transform != "tf_half_pixel_for_nn")
      return op.emitError("coordinate_transformation_mode '")
             << transform << "' is not supported";
    if (nearestMode != "round_prefer_floor" &&
        nearestMode != "round_prefer_ceil" && nearestMode != "floor" &&
        nearestMode != "ceil")
      return op.emitError("nearest_mode '")
             << nearestMode << "' is not supported";
    // Per axis: the scale, from `scales` or output / input sizes.
    SmallVector<double> scale(rank);
    Value scalesValue = params.size() > 1 ? params[1] : Value();
    std::optional<std::vector<float>> scales;
    if (scalesValue && !isa<NoneType>(scalesValue.getType()) &&
        cast<ShapedType>(scalesValue.getType()).getNumElements() > 0) {
      scales = constantFloats(scalesValue);
      if (!scales || int64_t(scales->size()) != rank)
        return op.emitError("Resize scales must be a constant with one value "
                            "per axis");
    }
    for (int64_t d = 0; d < rank; ++d)
      scale[d] = scales ? double((*scales)[d]) : double(out[d]) / double(in[d]);
    // The source coordinate of output position x along axis d.
    auto source = [&](int64_t d, int64_t x) -> double {
      double lengthOut = scale[d] * in[d];
      // ONNX measures the output in input units times the scale (2.4 for
      // 0.6 x 4), not in whole output elements.
      if (transform == "align_corners")
        return lengthOut == 1.0 ? 0.0
                                : x * double(in[d] - 1) / (lengthOut - 1.0);
      if (transform == "asymmetric")
        return x / scale[d];
      if (transform == "tf_half_pixel_for_nn")
        return (x + 0.5) / scale[d];
      if (transform == "pytorch_half_pixel" && lengthOut <= 1.0)
        return -0.5;
      return (x + 0.5) / scale[d] - 0.5;
    };
    auto clampIndex = [&](int64_t d, int64_t i) {
      return std::clamp<int64_t>(i, 0, in[d] - 1);
    };
    auto input = bufferFor(op.getX(), op);
    if (failed(input))
      return failure();
    if (mode == "nearest") {
      emitIndexMap(
          loc, *input, in, resultBuffer(op.getY()), out,
          [&](ArrayRef<int64_t> o, MutableArrayRef<int64_t> i) {
            for (int64_t d = 0; d < rank; ++d) {
              double x = source(d, o[d]);
              double base = std::floor(x), ratio = x - base;
              bool up = ratio > 0.0 &&
                        (nearestMode == "ceil" ||
                         (nearestMode == "round_prefer_floor" && ratio > 0.5) ||
                         (nearestMode == "round_prefer_ceil" && ratio >= 0.5));
              i[d] = clampIndex(d, int64_t(base) + (up ? 1 : 0));
            }
            return true;
          });
      return success();
    }
    // Linear: corners over the axes whose size changes or whose source
    // coordinates are not the output's own (an axis of one input element
    // gives that element whatever the weights).
    SmallVector<int64_t> axes;
    for (int64_t d = 0; d < rank; ++d)
      for (int64_t x = 0; x < out[d] && in[d] > 1; ++x)
        if (source(d, x) != double(x) || in[d] != out[d]) {
          axes.push_back(d);
          break;
        }
    if (axes.size() > 3)
      return op.emitError("linear Resize of more than 3 axes is not supported");
    Shape weightShape(rank, 1);
    for (int64_t d : axes)
      weightShape[d] = out[d];
    auto weightType = RankedTensorType::get(weightShape, builder.getF32Type());
    const int64_t corners = int64_t(1) << axes.size();
    const int64_t points = weightType.getNumElements();
    BufferOp sum;
    for (int64_t corner = 0; corner < corners; ++corner) {
      auto upAlong = [&](size_t k) { return (corner >> k) & 1; };
      BufferOp values = createBuffer(
          loc, BufferKind::Scratch,
          nameFrom(loc, "tmp", ".corner" + std::to_string(corner)),
          laneTensorType(cast<RankedTensorType>(op.getY().getType())));
      emitIndexMap(loc, *input, in, values, out,
                   [&](ArrayRef<int64_t> o, MutableArrayRef<int64_t> i) {
                     llvm::copy(o, i.begin());
                     for (size_t k = 0; k < axes.size(); ++k) {
                       int64_t d = axes[k];
                       int64_t base = int64_t(std::floor(source(d, o[d])));
                       i[d] = clampIndex(d, base + upAlong(k));
                     }
                     return true;
                   });
      // weight(point) = product over axes of ratio or 1 - ratio.
      std::vector<float> weights(points);
      for (int64_t p = 0; p < points; ++p) {
        double w = 1.0;
        int64_t rest = p;
        SmallVector<int64_t> index(rank);
        for (int64_t d = rank - 1; d >= 0; --d) {
          index[d] = rest % weightShape[d];
          rest /= weightShape[d];
        }
        for (size_t k = 0; k < axes.size(); ++k) {
          double x = source(axes[k], index[axes[k]]);
          double ratio = x - std::floor(x);
          w *= upAlong(k) ? ratio : 1.0 - ratio;
        }
        weights[p] = float(w);
      }
      BufferOp weight = createBuffer(
          loc, BufferKind::Constant,
          nameFrom(loc, "constant", ".weight" + std::to_string(corner)),
          weightType,
          cast<ElementsAttr>(
              DenseElementsAttr::get(weightType, ArrayRef<float>(weights))));
      SmallVector<ElementwiseStep> steps = {
          ElementwiseStep::operand(values, out),
          ElementwiseStep::operand(weight, weightShape, Combine::Mul)};
      if (sum)
        steps.push_back(ElementwiseStep::operand(sum, out, Combine::Add));
      BufferOp next =
          corner + 1 == corners
              ? resultBuffer(op.getY())
              : createBuffer(
                    loc, BufferKind::Scratch,
                    nameFrom(loc, "tmp", ".sum" + std::to_string(corner)),
                    cast<RankedTensorType>(values.getTensorType()));
      emitElementwise(loc, steps, next, out);
      sum = next;
    }
    return success();
  }

  /// Copies `in` into `out`, which holds the same elements in the same
  /// order with another shape: output row r holds the flat elements
  /// [r * rowLength, (r + 1) * rowLength). Each output vector gathers its
  /// elements from the input vectors holding them, segment by segment,
  /// moved into place by the SXM and joined by VXM adds. When the innermost
  /// dimension stays, every vector is a plain copy.
  void emitRelayout(Location loc, BufferOp in, BufferOp out) {
    const int64_t lanes = target.lanes;
    const ::lpu::TensorLayout from = in.getLayout(target);
    const ::lpu::TensorLayout to = out.getLayout(target);
    for (int64_t row = 0; row < to.rows; ++row) {
      for (int64_t j = 0; j < to.vectorsPerRow; ++j) {
        int64_t width = std::min(lanes, to.rowLength - j * lanes);
        int64_t flat = row * to.rowLength + j * lanes;
        Value gathered = gatherLanes(
            loc, width, [&](int64_t lane) -> std::optional<RowElement> {
              return RowElement{in, (flat + lane) / from.rowLength,
                                (flat + lane) % from.rowLength};
            });
        write(loc, gathered, out, row * to.vectorsPerRow + j);
      }
    }
  }

  /// A scratch buffer holding `value`'s elements as `shape`, or its own
  /// buffer when the layout is the same.
  FailureOr<BufferOp> relaidOut(Operation *op, Value value,
                                ArrayRef<int64_t> shape, StringRef suffix) {
    auto buffer = bufferFor(value, op);
    if (failed(buffer))
      return failure();
    return relaidOut(op->getLoc(), *buffer, shape, suffix);
  }
  BufferOp relaidOut(Location loc, BufferOp buffer, ArrayRef<int64_t> shape,
                     StringRef suffix) {
    auto type = RankedTensorType::get(shape, builder.getF32Type());
    ::lpu::TensorLayout want = ::lpu::layoutFor(
        std::vector<int64_t>(shape.begin(), shape.end()), target.lanes);
    if (want.rowLength == buffer.getLayout(target).rowLength)
      return buffer;
    BufferOp copy = createBuffer(loc, BufferKind::Scratch,
                                 nameFrom(loc, "tmp", suffix), type);
    emitRelayout(loc, buffer, copy);
    return copy;
  }

  /// Reshapes keep the element order (see emitRelayout).
  LogicalResult lowerReshape(Operation *op) {
    Value data = op->getOperand(0), result = op->getResult(0);
    if (failed(checkDataTypes(op)))
      return failure();
    auto input = bufferFor(data, op);
    if (failed(input))
      return failure();
    emitRelayout(op->getLoc(), *input, resultBuffer(result));
    return success();
  }

  //===--------------------------------------------------------------------===//
  // Convolution and pooling: NCHW in the graph, channels last inside
  //===--------------------------------------------------------------------===//
  //
  // A spatial op works on pixel vectors (channels across lanes): a
  // convolution is then a matrix product per kernel tap, and pooling a
  // lane-wise VXM chain. Tensors arrive and leave NCHW (rows along W) and are
  // transposed on the MXM; a result whose consumers are all spatial ops
  // stays channels last.

  /// Kernel, strides, dilations and padding of a 2-D window op.
  struct Window {
    int64_t kernel[2] = {1, 1}, strides[2] = {1, 1}, dilations[2] = {1, 1};
    int64_t padBegin[2] = {0, 0};
    bool transposed = false; // ConvTranspose: out = in * stride + ...
  };

  FailureOr<Window> windowOf(Operation *op, ArrayRef<int64_t> in,
                             ArrayRef<int64_t> out,
                             std::optional<std::array<int64_t, 2>> kernel) {
    Window w;
    auto ints = [&](StringRef name) {
      SmallVector<int64_t> values;
      if (auto attr = op->getAttrOfType<ArrayAttr>(name))
        for (Attribute a : attr)
          values.push_back(cast<IntegerAttr>(a).getInt());
      return values;
    };
    SmallVector<int64_t> k = ints("kernel_shape"), s = ints("strides"),
                         d = ints("dilations"), p = ints("pads");
    if (kernel) {
      w.kernel[0] = (*kernel)[0];
      w.kernel[1] = (*kernel)[1];
    } else if (k.size() == 2) {
      w.kernel[0] = k[0];
      w.kernel[1] = k[1];
    } else {
      return op->emitError("needs a 2-D kernel_shape");
    }
    for (int i = 0; i < 2; ++i) {
      if (s.size() == 2)
        w.strides[i] = s[i];
      if (d.size() == 2)
        w.dilations[i] = d[i];
    }
    StringRef autoPad = "NOTSET";
    if (auto attr = op->getAttrOfType<StringAttr>("auto_pad"))
      autoPad = attr.getValue();
    for (int i = 0; i < 2; ++i) {
      if (autoPad == "NOTSET") {
        if (p.size() == 4)
          w.padBegin[i] = p[i];
        if (isa<onnx::ConvTransposeOp>(op) && op->hasAttr("output_shape")) {
          // An explicit output shape decides the padding, the extra at the
          // start.
          int64_t total = (in[i] - 1) * w.strides[i] +
                          (w.kernel[i] - 1) * w.dilations[i] + 1 - out[i] +
                          outputPadding(op, i);
          // ONNX rounds total / 2 down (a negative total adds outputs at
          // the end).
          w.padBegin[i] = total - llvm::divideFloorSigned(total, 2);
        }
      } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
        int64_t total = std::max<int64_t>(
            0, (out[i] - 1) * w.strides[i] +
                   (w.kernel[i] - 1) * w.dilations[i] + 1 - in[i]);
        w.padBegin[i] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
        if (isa<onnx::ConvTransposeOp>(op)) {
          // The padding that makes the declared output size.
          total = (in[i] - 1) * w.strides[i] +
                  (w.kernel[i] - 1) * w.dilations[i] + 1 - out[i] +
                  outputPadding(op, i);
          int64_t half = llvm::divideFloorSigned(total, 2);
          w.padBegin[i] = autoPad == "SAME_UPPER" ? half : total - half;
        }
      } else if (autoPad != "VALID") {
        return op->emitError("unknown auto_pad '") << autoPad << "'";
      }
    }
    return w;
  }

  static int64_t outputPadding(Operation *op, int i) {
    auto attr = op->getAttrOfType<ArrayAttr>("output_padding");
    return attr && attr.size() == 2 ? cast<IntegerAttr>(attr[i]).getInt() : 0;
  }

  /// The input pixel a window tap reads, or nothing in the padding (or, for
  /// a transposed convolution, between strided input pixels).
  static std::optional<std::pair<int64_t, int64_t>>
  tapPixel(const Window &w, ArrayRef<int64_t> in, int64_t oy, int64_t ox,
           int64_t ky, int64_t kx) {
    int64_t at[2] = {oy, ox}, tap[2] = {ky, kx}, pixel[2];
    for (int i = 0; i < 2; ++i) {
      if (!w.transposed) {
        pixel[i] =
            at[i] * w.strides[i] - w.padBegin[i] + tap[i] * w.dilations[i];
      } else {
        // out = in * stride - pad + tap * dilation, solved for in.
        int64_t scaled = at[i] + w.padBegin[i] - tap[i] * w.dilations[i];
        if (scaled < 0 || scaled % w.strides[i])
          return std::nullopt;
        pixel[i] = scaled / w.strides[i];
      }
      if (pixel[i] < 0 || pixel[i] >= in[i])
        return std::nullopt;
    }
    return std::make_pair(pixel[0], pixel[1]);
  }

  /// A channels-last scratch tensor [N, H, W, C], one part per image row (or
  /// several), so that the rows a window reads at once sit on different
  /// slices.
  RowStore pixelStore(Location loc, StringRef suffix, ArrayRef<int64_t> nhwc) {
    return splitStore(loc, suffix, nhwc, nhwc[2]);
  }

  /// `value` (NCHW) as a channels-last tensor [N, H, W, C].
  FailureOr<RowStore> channelsLast(Operation *op, Value value) {
    if (auto it = channelsLastStores.find(value);
        it != channelsLastStores.end())
      return it->second;
    auto nchw = bufferFor(value, op);
    if (failed(nchw))
      return failure();
    Shape s = shapeOf(value);
    Shape nhwcShape = {s[0], s[2], s[3], s[1]};
    RowStore nhwc = pixelStore(op->getLoc(), ".input.nhwc", nhwcShape);
    emitTransposeOnMXM(op->getLoc(), wholeStore(*nchw), s, {0, 2, 3, 1}, nhwc,
                       nhwcShape);
    channelsLastStores[value] = nhwc;
    return nhwc;
  }

  /// Records `nhwc` as `result`'s channels-last form and writes the NCHW
  /// tensor too unless every consumer is a spatial op.
  void storeChannelsLast(Location loc, const RowStore &nhwc, Value result) {
    channelsLastStores[result] = nhwc;
    bool spatialOnly =
        !outputBuffers.count(result) &&
        llvm::all_of(result.getUses(), [](OpOperand &use) {
          return use.getOperandNumber() == 0 &&
                 isa<onnx::ConvOp, onnx::MaxPoolOp, onnx::AveragePoolOp,
                     onnx::GlobalAveragePoolOp>(use.getOwner());
        });
    if (spatialOnly)
      return;
    Shape s = shapeOf(result);
    emitTransposeOnMXM(loc, nhwc, {s[0], s[2], s[3], s[1]}, {0, 3, 1, 2},
                       wholeStore(resultBuffer(result)), s);
  }

  static bool isSpatial4D(Value value) {
    return cast<ShapedType>(value.getType()).getRank() == 4;
  }

  /// Y[n, oy, ox, :] = sum over taps (ky, kx) and channel chunks of the input
  /// pixel vector times the tap's [C, F] weight tile: a matrix product whose
  /// K tiles are the taps, so each output pixel is one MXM chain (taps in
  /// the padding are left out). Groups are block-diagonal weight tiles.
  /// Conv and ConvTranspose. Weights are [F, C/g, KH, KW] for Conv and
  /// [C, F/g, KH, KW] for ConvTranspose; a transposed convolution gathers,
  /// for each output pixel and tap, the input pixel that scatters there.
  LogicalResult lowerConvolution(Operation *op, Value X, Value Wv, Value Bv,
                                 int64_t group, bool transposed) {
    Location loc = op->getLoc();
    if (!isSpatial4D(X))
      return op->emitError("only 2-D convolutions (4-D inputs) are supported "
                           "yet");
    Shape x = shapeOf(X), w = shapeOf(Wv);
    Shape y = shapeOf(op->getResult(0));
    const int64_t N = x[0], C = x[1];
    const int64_t F = transposed ? w[1] * group : w[0];
    if (group < 1 || C % group || F % group ||
        (transposed ? w[0] != C : w[1] * group != C))
      return op->emitError("group ")
             << group << " does not divide the " << C << " input and " << F
             << " output channels";
    auto constant = Wv.getDefiningOp<arith::ConstantOp>();
    std::optional<std::vector<uint32_t>> data;
    if (constant)
      data = readLaneWords(cast<ElementsAttr>(constant.getValue()));
    if (!data && group != 1)
      return op->emitError("grouped convolution weights must be constant");
    FailureOr<Window> win = windowOf(op, {x[2], x[3]}, {y[2], y[3]},
                                     std::array<int64_t, 2>{w[2], w[3]});
    if (failed(win))
      return failure();
    win->transposed = transposed;
    FailureOr<RowStore> input = channelsLast(op, X);
    if (failed(input))
      return failure();
    const int64_t lanes = target.lanes;
    const int64_t taps = w[2] * w[3];
    const int64_t cChunks = llvm::divideCeil(C, lanes);
    const int64_t fChunks = llvm::divideCeil(F, lanes);
    const int64_t perGroupIn = C / group, perGroupOut = F / group;
    // Weight tile (tap, c chunk, f chunk): [channels in, channels out]. A
    // constant is cut into tile buffers; weights computed at run time are
    // transposed on the MXM to [KH, KW, C, F], whose rows are tile rows.
    SmallVector<BufferOp> tiles;
    BufferOp runtimeWeights;
    if (!data) {
      auto wBuffer = bufferFor(Wv, op);
      if (failed(wBuffer))
        return failure();
      Shape tapMajor = {w[2], w[3], C, F};
      runtimeWeights = createBuffer(
          loc, BufferKind::Scratch, nameFrom(loc, "tmp", ".weights"),
          RankedTensorType::get(tapMajor, builder.getF32Type()));
      emitTransposeOnMXM(loc, wholeStore(*wBuffer), w,
                         transposed ? ArrayRef<int64_t>{2, 3, 0, 1}
                                    : ArrayRef<int64_t>{2, 3, 1, 0},
                         wholeStore(runtimeWeights), tapMajor);
    }
    for (int64_t tap = 0; data && tap < taps; ++tap)
      for (int64_t kc = 0; kc < cChunks; ++kc)
        for (int64_t fc = 0; fc < fChunks; ++fc) {
          int64_t rows = std::min(lanes, C - kc * lanes);
          int64_t cols = std::min(lanes, F - fc * lanes);
          std::vector<uint32_t> tile(rows * cols, 0);
          for (int64_t r = 0; r < rows; ++r)
            for (int64_t c = 0; c < cols; ++c) {
              int64_t in = kc * lanes + r, out = fc * lanes + c;
              int64_t g = out / perGroupOut;
              if (in / perGroupIn != g)
                continue;
              tile[r * cols + c] =
                  transposed
                      ? (*data)[(in * perGroupOut + out - g * perGroupOut) *
                                    taps +
                                tap]
                      : (*data)[(out * perGroupIn + in - g * perGroupIn) *
                                    taps +
                                tap];
            }
          auto type = RankedTensorType::get({rows, cols}, builder.getF32Type());
          std::string name =
              nameFrom(constant.getLoc(), "constant",
                       ".t" + std::to_string(tap) + "c" + std::to_string(kc) +
                           "f" + std::to_string(fc));
          auto attr = DenseResourceElementsAttr::get(
              type, name,
              HeapAsmResourceBlob::allocateAndCopyInferAlign(
                  ArrayRef<uint32_t>(tile)));
          tiles.push_back(createBuffer(constant.getLoc(), BufferKind::Constant,
                                       name, type, cast<ElementsAttr>(attr)));
        }
    SmallVector<ElementwiseStep> epilogue;
    if (Bv) {
      auto bias = bufferFor(Bv, op);
      if (failed(bias))
        return failure();
      epilogue.push_back(ElementwiseStep::operand(*bias, {F}, Combine::Add));
    }
    Value result = op->getResult(0);
    if (failed(fuseConsumers(op, result, epilogue, /*channelsLast=*/true)))
      return failure();
    Shape outNHWC = {N, y[2], y[3], F};
    RowStore out = pixelStore(loc, ".nhwc", outNHWC);
    const int64_t H = x[2], W = x[3], OH = y[2], OW = y[3], KW = w[3];
    ProductPlan plan;
    plan.a = *input;
    plan.rows = N * OH * OW;
    plan.kTiles = taps * cChunks;
    plan.tileRows = [&](int64_t k) {
      return std::min(lanes, C - (k % cChunks) * lanes);
    };
    const int64_t fVectors = llvm::divideCeil(F, lanes);
    plan.weightRow = [&](int64_t k, int64_t n, int64_t r) {
      if (runtimeWeights) {
        int64_t tap = k / cChunks, c = (k % cChunks) * lanes + r;
        return read(loc, runtimeWeights, (tap * C + c) * fVectors + n);
      }
      return read(loc, tiles[k * fChunks + n], r);
    };
    plan.aVector =
        [&](int64_t m,
            int64_t k) -> std::optional<std::pair<int64_t, int64_t>> {
      int64_t n = m / (OH * OW), oy = m / OW % OH, ox = m % OW;
      int64_t tap = k / cChunks, kc = k % cChunks;
      auto pixel = tapPixel(*win, {H, W}, oy, ox, tap / KW, tap % KW);
      if (!pixel)
        return std::nullopt;
      return std::make_pair((n * H + pixel->first) * W + pixel->second, kc);
    };
    emitMatMul(loc, plan, prepareChain(epilogue, outNHWC), out);
    storeChannelsLast(loc, out, result);
    return success();
  }

  enum class Pool { Max, Average, AverageWithPadding };

  /// Max or mean over each window, channels across lanes: a VXM chain over
  /// the window's pixel vectors (taps in the padding left out; for the mean
  /// they count only with AverageWithPadding). A chain rather than a tree:
  /// its reads, all from one buffer, then come one VXM latency apart and
  /// never compete for the slice. Global average pooling runs on the MXM.
  LogicalResult lowerPool(Operation *op, Value xValue, Value result,
                          Pool kind) {
    Location loc = op->getLoc();
    if (!isSpatial4D(xValue))
      return op->emitError("only 2-D pooling (4-D inputs) is supported yet");
    Shape x = shapeOf(xValue), y = shapeOf(result);
    FailureOr<RowStore> input = channelsLast(op, xValue);
    if (failed(input))
      return failure();
    Shape outNHWC = {y[0], y[2], y[3], y[1]};
    RowStore out = pixelStore(loc, ".nhwc", outNHWC);
    if (isa<onnx::GlobalAveragePoolOp>(op)) {
      emitGlobalAverage(loc, *input, x, out);
      storeChannelsLast(loc, out, result);
      return success();
    }
    FailureOr<Window> win =
        windowOf(op, {x[2], x[3]}, {y[2], y[3]}, std::nullopt);
    if (failed(win))
      return failure();
    const int64_t vectors = input->vectorsPerRow;
    const int64_t H = x[2], W = x[3], OH = y[2], OW = y[3];
    const Combine fold = kind == Pool::Max ? Combine::Max : Combine::Add;
    for (int64_t n = 0; n < y[0]; ++n)
      for (int64_t oy = 0; oy < OH; ++oy)
        for (int64_t ox = 0; ox < OW; ++ox)
          for (int64_t j = 0; j < vectors; ++j) {
            Value acc;
            int64_t terms = 0;
            for (int64_t ky = 0; ky < win->kernel[0]; ++ky)
              for (int64_t kx = 0; kx < win->kernel[1]; ++kx)
                if (auto pixel = tapPixel(*win, {H, W}, oy, ox, ky, kx)) {
                  Value v =
                      readRow(loc, *input,
                              (n * H + pixel->first) * W + pixel->second, j);
                  acc = acc ? combine(loc, fold, acc, v) : v;
                  ++terms;
                }
            int64_t count = kind == Pool::AverageWithPadding
                                ? win->kernel[0] * win->kernel[1]
                                : terms;
            if (!acc)
              acc = read(loc, scalarConstant(loc, ".zero", 0.0f), 0);
            else if (kind != Pool::Max && count > 1)
              acc = scaled(loc, acc, 1.0f / float(count));
            writeRow(loc, acc, out, (n * OH + oy) * OW + ox, j);
          }
    storeChannelsLast(loc, out, result);
    return success();
  }

  /// out[n, 0, 0, :] = mean of the H x W pixel vectors of image n: the
  /// pixels are installed as weight rows (lanes of them per tile) and a
  /// vector of 1 / (H W) streams through, one product per tile chained with
  /// matmul_acc.
  void emitGlobalAverage(Location loc, const RowStore &input,
                         ArrayRef<int64_t> x, const RowStore &out) {
    const int64_t lanes = target.lanes, pixels = x[2] * x[3];
    auto type = RankedTensorType::get({lanes}, builder.getF32Type());
    BufferOp mean = createBuffer(
        loc, BufferKind::Constant, nameFrom(loc, "constant", ".mean"), type,
        cast<ElementsAttr>(DenseElementsAttr::get(type, 1.0f / pixels)));
    PreparedChain none = prepareChain({}, {x[0], 1, 1, x[1]});
    for (int64_t n = 0; n < x[0]; ++n) {
      ProductPlan plan;
      plan.a = wholeStore(mean);
      plan.rows = 1;
      plan.kTiles = llvm::divideCeil(pixels, lanes);
      plan.firstOutRow = n;
      plan.tileRows = [&](int64_t k) {
        return std::min(lanes, pixels - k * lanes);
      };
      plan.weightRow = [&](int64_t k, int64_t j, int64_t r) {
        return readRow(loc, input, n * pixels + k * lanes + r, j);
      };
      plan.aVector = [](int64_t,
                        int64_t) -> std::optional<std::pair<int64_t, int64_t>> {
        return std::make_pair(int64_t(0), int64_t(0));
      };
      emitMatMul(loc, plan, none, out);
    }
  }

  //===--------------------------------------------------------------------===//
  // Batch normalization and concatenation
  //===--------------------------------------------------------------------===//

  /// The values of an f32 constant, if `value` is one.
  static std::optional<std::vector<float>> constantFloats(Value value) {
    auto constant = value.getDefiningOp<arith::ConstantOp>();
    if (!constant || !isStaticF32(value))
      return std::nullopt;
    std::optional<std::vector<uint32_t>> words =
        readLaneWords(cast<ElementsAttr>(constant.getValue()));
    if (!words)
      return std::nullopt;
    std::vector<float> values(words->size());
    std::memcpy(values.data(), words->data(), values.size() * 4);
    return values;
  }

  bool isInferenceBatchNorm(onnx::BatchNormalizationOp op) {
    return op.getTrainingMode() == 0 &&
           llvm::all_of(op.getRunning(), [](Value v) { return v.use_empty(); });
  }

  /// y = x * a + c per channel, with a = scale / sqrt(var + epsilon) and
  /// c = B - mean * a computed at compile time, as [C] constants; nothing
  /// unless the node is for inference and its parameters are constants.
  std::optional<std::pair<BufferOp, BufferOp>>
  foldedBatchNorm(onnx::BatchNormalizationOp op) {
    auto scale = constantFloats(op.getScale()),
         bias = constantFloats(op.getB());
    auto mean = constantFloats(op.getInputMean());
    auto var = constantFloats(op.getInputVar());
    if (!isInferenceBatchNorm(op) || !scale || !bias || !mean || !var)
      return std::nullopt;
    const float epsilon = op.getEpsilon().convertToFloat();
    std::vector<float> a(scale->size()), c(scale->size());
    for (size_t i = 0; i < a.size(); ++i) {
      a[i] = (*scale)[i] / std::sqrt((*var)[i] + epsilon);
      c[i] = (*bias)[i] - (*mean)[i] * a[i];
    }
    auto type =
        RankedTensorType::get({int64_t(a.size())}, builder.getF32Type());
    auto constant = [&](StringRef suffix, ArrayRef<float> data) {
      return createBuffer(
          op.getLoc(), BufferKind::Constant,
          nameFrom(op.getLoc(), "constant", suffix), type,
          cast<ElementsAttr>(DenseElementsAttr::get(type, data)));
    };
    // Sequenced, so the buffers come in the same order with every compiler.
    BufferOp scaleBuffer = constant(".scale", a);
    BufferOp shiftBuffer = constant(".shift", c);
    return std::make_pair(scaleBuffer, shiftBuffer);
  }

  /// Inference batch normalization on NCHW (channels on dimension 1): the
  /// per-channel parameters broadcast as [C, 1, ...]; (x - mean) * (scale /
  /// sqrt(var + epsilon)) + B as one chain.
  LogicalResult lowerBatchNorm(onnx::BatchNormalizationOp op) {
    if (!isInferenceBatchNorm(op))
      return op.emitError("batch normalization in training mode is not "
                          "supported");
    Location loc = op.getLoc();
    Shape shape = shapeOf(op.getX());
    if (shape.size() < 2)
      return op.emitError("needs an input of rank 2 or more");
    Shape channel(shape.size() - 1, 1);
    channel[0] = shape[1];
    Value result = op.getY();
    SmallVector<ElementwiseStep> steps;
    auto x = bufferFor(op.getX(), op);
    if (failed(x))
      return failure();
    steps.push_back(ElementwiseStep::operand(*x, shape));
    if (auto folded = foldedBatchNorm(op)) {
      BufferOp a = relaidOut(loc, folded->first, channel, ".scale.c");
      BufferOp c = relaidOut(loc, folded->second, channel, ".shift.c");
      steps.push_back(ElementwiseStep::operand(a, channel, Combine::Mul));
      steps.push_back(ElementwiseStep::operand(c, channel, Combine::Add));
    } else {
      auto scale = relaidOut(op, op.getScale(), channel, ".scale.c");
      auto bias = relaidOut(op, op.getB(), channel, ".bias.c");
      auto mean = relaidOut(op, op.getInputMean(), channel, ".mean.c");
      auto var = relaidOut(op, op.getInputVar(), channel, ".var.c");
      if (failed(scale) || failed(bias) || failed(mean) || failed(var))
        return failure();
      BufferOp inverse = createBuffer(
          loc, BufferKind::Scratch, nameFrom(loc, "tmp", ".inverse"),
          RankedTensorType::get(channel, builder.getF32Type()));
      emitElementwise(loc,
                      {ElementwiseStep::operand(*var, channel),
                       ElementwiseStep::operand(
                           scalarConstant(loc, ".epsilon",
                                          op.getEpsilon().convertToFloat()),
                           {1}, Combine::Add),
                       ElementwiseStep::apply(Unary::Sqrt),
                       ElementwiseStep::apply(Unary::Reciprocal),
                       ElementwiseStep::operand(*scale, channel, Combine::Mul)},
                      inverse, channel);
      steps.push_back(ElementwiseStep::operand(*mean, channel, Combine::Sub));
      steps.push_back(ElementwiseStep::operand(inverse, channel, Combine::Mul));
      steps.push_back(ElementwiseStep::operand(*bias, channel, Combine::Add));
    }
    if (failed(fuseConsumers(op, result, steps)))
      return failure();
    emitElementwise(loc, steps, resultBuffer(result), shapeOf(result));
    return success();
  }

  /// Concat along the innermost axis gathers each output vector's segments
  /// from the inputs (SXM shifts, VXM adds); along another axis it copies
  /// whole rows.
  LogicalResult lowerConcat(onnx::ConcatOp op) {
    Location loc = op.getLoc();
    Shape out = shapeOf(op.getConcatResult());
    const int64_t rank = out.size(), lanes = target.lanes;
    int64_t axis = op.getAxis();
    if (rank == 0 || axis < -rank || axis >= rank)
      return op.emitError("axis ") << axis << " is out of range";
    axis = (axis + rank) % rank;
    SmallVector<BufferOp> inputs;
    SmallVector<Shape> shapes;
    for (Value input : op.getInputs()) {
      auto buffer = bufferFor(input, op);
      if (failed(buffer))
        return failure();
      inputs.push_back(*buffer);
      shapes.push_back(shapeOf(input));
    }
    BufferOp result = resultBuffer(op.getConcatResult());
    const ::lpu::TensorLayout outLayout = result.getLayout(target);
    // Which input holds position p along the axis, and where in it.
    auto locateOnAxis = [&](int64_t p) {
      size_t i = 0;
      while (p >= shapes[i][axis]) {
        p -= shapes[i][axis];
        ++i;
      }
      return std::make_pair(i, p);
    };
    auto rowOf = [&](ArrayRef<int64_t> shape, ArrayRef<int64_t> index) {
      int64_t row = 0;
      for (int64_t d = 0; d + 1 < rank; ++d)
        row = row * shape[d] + index[d];
      return row;
    };
    for (int64_t row = 0; row < outLayout.rows; ++row) {
      Shape index = rowIndex(out, row);
      if (axis != rank - 1) {
        auto [i, p] = locateOnAxis(index[axis]);
        Shape inIndex(index);
        inIndex[axis] = p;
        int64_t inRow = rowOf(shapes[i], inIndex);
        int64_t vectors = inputs[i].getLayout(target).vectorsPerRow;
        for (int64_t j = 0; j < outLayout.vectorsPerRow; ++j)
          write(loc, read(loc, inputs[i], inRow * vectors + j), result,
                row * outLayout.vectorsPerRow + j);
        continue;
      }
      for (int64_t j = 0; j < outLayout.vectorsPerRow; ++j) {
        int64_t width = std::min(lanes, out.back() - j * lanes);
        Value gathered = gatherLanes(
            loc, width, [&](int64_t lane) -> std::optional<RowElement> {
              auto [i, element] = locateOnAxis(j * lanes + lane);
              return RowElement{inputs[i], rowOf(shapes[i], index), element};
            });
        write(loc, gathered, result, row * outLayout.vectorsPerRow + j);
      }
    }
    return success();
  }

  /// The [lanes, lanes] identity, whose rows are the unit vectors a
  /// transpose streams through the MXM.
  BufferOp identityBuffer(Location loc) {
    if (identity)
      return identity;
    const int64_t lanes = target.lanes;
    auto type = RankedTensorType::get({lanes, lanes}, builder.getF32Type());
    std::vector<float> data(lanes * lanes, 0.0f);
    for (int64_t i = 0; i < lanes; ++i)
      data[i * lanes + i] = 1.0f;
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(builder.getBlock());
    identity = createBuffer(
        loc, BufferKind::Constant, "identity", type,
        cast<ElementsAttr>(DenseElementsAttr::get(type, ArrayRef(data))));
    return identity;
  }

  /// The MXM plane with the least work so far, which the caller then loads.
  NamedAttribute leastLoadedPlane(int64_t work) {
    int64_t plane = planesByWork().front();
    planeWork[plane] += work;
    return builder.getNamedAttr("unit", builder.getI32IntegerAttr(plane));
  }

  /// The MXM planes, least work (weight rows + rows streamed) first; ties
  /// in plane order.
  SmallVector<int64_t> planesByWork() {
    planeWork.resize(target.mxmPlanes, 0);
    SmallVector<int64_t> order(target.mxmPlanes);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int64_t x, int64_t y) {
      return planeWork[x] < planeWork[y];
    });
    return order;
  }

  /// A transpose that moves the innermost dimension. Output rows run along
  /// input dimension a = perm.back(): for every index of the other input
  /// dimensions, the input rows along a (up to lanes of them) are installed
  /// transposed on a plane, and streaming unit vector e_z through it gives
  /// lane n = element z of row n, i.e. the output row for that z.
  void emitTransposeOnMXM(Location loc, const RowStore &input,
                          ArrayRef<int64_t> from, ArrayRef<int64_t> perm,
                          const RowStore &out, ArrayRef<int64_t> to) {
    const int64_t lanes = target.lanes, rank = from.size();
    const int64_t a = perm.back(), z = rank - 1;
    Shape inStride(rank - 1, 1), outStride(rank - 1, 1);
    for (int64_t d = rank - 3; d >= 0; --d) {
      inStride[d] = inStride[d + 1] * from[d + 1];
      outStride[d] = outStride[d + 1] * to[d + 1];
    }
    BufferOp unit = identityBuffer(loc);
    // Every index of the input with a and z at 0.
    Shape index(rank, 0);
    for (bool more = true; more;) {
      for (int64_t tile = 0; tile * lanes < from[a]; ++tile) {
        int64_t rows = std::min(lanes, from[a] - tile * lanes);
        for (int64_t j = 0; j < input.vectorsPerRow; ++j) {
          int64_t width = std::min(lanes, from[z] - j * lanes);
          NamedAttribute plane = leastLoadedPlane(rows + width);
          loadAndInstall(loc, plane, rows, /*transposed=*/true, [&](int64_t r) {
            index[a] = tile * lanes + r;
            int64_t inRow = 0;
            for (int64_t d = 0; d < z; ++d)
              inRow += index[d] * inStride[d];
            return readRow(loc, input, inRow, j);
          });
          index[a] = 0;
          for (int64_t e = 0; e < width; ++e) {
            index[z] = j * lanes + e;
            int64_t outRow = 0;
            for (int64_t d = 0; d + 1 < rank; ++d)
              outRow += index[perm[d]] * outStride[d];
            Value column = emit<MatMulOp>(loc, {read(loc, unit, e)}, {plane});
            writeRow(loc, column, out, outRow, tile);
          }
          index[z] = 0;
        }
      }
      // Next index of the dimensions other than a and z.
      more = false;
      for (int64_t d = rank - 1; d >= 0 && !more; --d) {
        if (d == a || d == z)
          continue;
        if (++index[d] < from[d])
          more = true;
        else
          index[d] = 0;
      }
    }
  }

  /// A transpose that keeps the innermost dimension in place permutes whole
  /// rows: each output vector is a copy of an input vector.
  LogicalResult lowerTranspose(onnx::TransposeOp op) {
    Shape from = shapeOf(op.getData()), to = shapeOf(op.getTransposed());
    const int64_t rank = from.size();
    SmallVector<int64_t> perm;
    if (auto attr = op.getPerm())
      for (Attribute a : *attr)
        perm.push_back(cast<IntegerAttr>(a).getInt());
    else
      for (int64_t d = rank - 1; d >= 0; --d)
        perm.push_back(d);
    if (rank == 0)
      return lowerCopy(op);
    auto input = bufferFor(op.getData(), op);
    if (failed(input))
      return failure();
    Location loc = op.getLoc();
    const ::lpu::TensorLayout in = input->getLayout(target);
    BufferOp out = resultBuffer(op.getTransposed());
    const ::lpu::TensorLayout outLayout = out.getLayout(target);
    // Row strides of the input's leading dimensions.
    Shape inStride(rank - 1, 1);
    for (int64_t d = rank - 3; d >= 0; --d)
      inStride[d] = inStride[d + 1] * from[d + 1];
    if (perm.back() != rank - 1) {
      emitTransposeOnMXM(loc, wholeStore(*input), from, perm, wholeStore(out),
                         to);
      return success();
    }
    for (int64_t row = 0; row < outLayout.rows; ++row) {
      Shape index = rowIndex(to, row);
      int64_t inRow = 0;
      for (int64_t d = 0; d + 1 < rank; ++d)
        inRow += index[d] * inStride[perm[d]];
      for (int64_t j = 0; j < outLayout.vectorsPerRow; ++j)
        write(loc, read(loc, *input, inRow * in.vectorsPerRow + j), out,
              row * outLayout.vectorsPerRow + j);
    }
    return success();
  }

  /// Normalizes over the axes from `axis` on, seen as one row: mean and
  /// variance by row reductions, then (x - mean) * (1 / sqrt(var + epsilon))
  /// * Scale + B as one chain, with element-wise consumers fused. When the
  /// normalized axes are more than the innermost one, X, Scale and B are
  /// first laid out as [outer, inner] rows, and the result back.
  LogicalResult lowerLayerNorm(onnx::LayerNormalizationOp op) {
    Location loc = op.getLoc();
    Shape shape = shapeOf(op.getX());
    const int64_t rank = shape.size();
    int64_t axis = op.getAxis();
    if (axis < -rank || axis >= rank)
      return op.emitError("axis ") << axis << " is out of range";
    axis = (axis + rank) % rank;
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < rank; ++d)
      (d < axis ? outer : inner) *= shape[d];
    const Shape rows = {outer, inner}, rowShape = {outer, 1};
    FailureOr<BufferOp> x = relaidOut(op, op.getX(), rows, ".rows");
    FailureOr<BufferOp> scale =
        relaidOut(op, op.getScale(), {inner}, ".scale.row");
    if (failed(x) || failed(scale))
      return failure();
    std::optional<BufferOp> bias;
    if (Value b = op.getB()) {
      FailureOr<BufferOp> row = relaidOut(op, b, {inner}, ".bias.row");
      if (failed(row))
        return failure();
      bias = *row;
    }
    // Mean and InvStdDev, when used, are outputs with one value per row.
    auto statistic = [&](unsigned i, StringRef suffix) {
      auto stats = op.getStatistics();
      if (i < stats.size() && !stats[i].use_empty())
        return resultBuffer(stats[i]);
      return rowScratch(loc, rows, suffix);
    };
    auto scratch = [&](StringRef suffix) {
      return scratchBuffer(loc, rows, suffix);
    };
    const float inverseLength = 1.0f / float(inner);
    BufferOp mean = statistic(0, ".mean");
    emitRowReduction(loc, *x, inner, Reduction::Sum, mean, inverseLength);
    BufferOp centered = scratch(".centered");
    emitElementwise(loc,
                    {ElementwiseStep::operand(*x, rows),
                     ElementwiseStep::operand(mean, rowShape, Combine::Sub)},
                    centered, rows);
    BufferOp squares = scratch(".squares");
    emitElementwise(loc,
                    {ElementwiseStep::operand(centered, rows),
                     ElementwiseStep::operand(centered, rows, Combine::Mul)},
                    squares, rows);
    BufferOp variance = rowScratch(loc, rows, ".variance");
    emitRowReduction(loc, squares, inner, Reduction::Sum, variance,
                     inverseLength);
    BufferOp inverseStd = statistic(1, ".invstd");
    emitElementwise(
        loc,
        {ElementwiseStep::operand(variance, rowShape),
         ElementwiseStep::operand(
             scalarConstant(loc, ".epsilon", op.getEpsilon().convertToFloat()),
             {1}, Combine::Add),
         ElementwiseStep::apply(Unary::Sqrt),
         ElementwiseStep::apply(Unary::Reciprocal)},
        inverseStd, rowShape);
    // Over the innermost axis alone, [outer, inner] is X's own layout, and
    // the last chain is written in X's shape so its consumers can fuse.
    const bool innermost = axis == rank - 1;
    Shape chainShape = innermost ? shape : rows;
    Shape chainRowShape(chainShape);
    chainRowShape.back() = 1;
    SmallVector<ElementwiseStep> steps = {
        ElementwiseStep::operand(centered, chainShape),
        ElementwiseStep::operand(inverseStd, chainRowShape, Combine::Mul),
        ElementwiseStep::operand(*scale, {inner}, Combine::Mul)};
    if (bias)
      steps.push_back(ElementwiseStep::operand(*bias, {inner}, Combine::Add));
    Value result = op.getY();
    if (innermost) {
      if (failed(fuseConsumers(op, result, steps)))
        return failure();
      emitElementwise(loc, steps, resultBuffer(result), shapeOf(result));
      return success();
    }
    BufferOp normalized = scratch(".normalized");
    emitElementwise(loc, steps, normalized, rows);
    emitRelayout(loc, normalized, resultBuffer(result));
    return success();
  }

  enum class Reduction { Max, Min, Sum };

  /// Sums each row of `in` into lane 0 of the same row of `out`, times
  /// `scale`, on the MXM: one weight row of `scale`s installed transposed
  /// is column 0 of the array (the rest zero), so one matmul sums a whole
  /// vector into lane 0, and a row's vectors accumulate on the plane
  /// (`matmul_acc`).
  void emitRowSum(Location loc, BufferOp in, BufferOp out, float scale) {
    const int64_t lanes = target.lanes;
    const ::lpu::TensorLayout layout = in.getLayout(target);
    auto type = RankedTensorType::get({lanes}, builder.getF32Type());
    BufferOp weights = createBuffer(
        loc, BufferKind::Constant, nameFrom(loc, "constant", ".sum"), type,
        cast<ElementsAttr>(DenseElementsAttr::get(type, scale)));
    NamedAttribute plane =
        leastLoadedPlane(1 + layout.rows * layout.vectorsPerRow);
    loadAndInstall(loc, plane, 1, /*transposed=*/true,
                   [&](int64_t) { return read(loc, weights, 0); });
    for (int64_t row = 0; row < layout.rows; ++row) {
      Value acc;
      for (int64_t j = 0; j < layout.vectorsPerRow; ++j) {
        Value v = read(loc, in, row * layout.vectorsPerRow + j);
        acc = acc ? Value(emit<MatMulAccOp>(loc, {v, acc}, {plane}))
                  : Value(emit<MatMulOp>(loc, {v}, {plane}));
      }
      write(loc, acc, out, row);
    }
  }

  /// A row's vectors combined lane-wise into one, its padding lanes (when
  /// the row only partly fills its last vector) first taking lane 0's value
  /// so they change no maximum or minimum.
  Value combineRowVectors(Location loc, BufferOp in, int64_t row,
                          int64_t rowLength, Combine fold) {
    const int64_t lanes = target.lanes;
    const ::lpu::TensorLayout layout = in.getLayout(target);
    Value acc;
    for (int64_t j = 0; j < layout.vectorsPerRow; ++j) {
      int64_t width = std::min(lanes, rowLength - j * lanes);
      Value v = read(loc, in, row * layout.vectorsPerRow + j);
      if (width < lanes && layout.vectorsPerRow > 1) {
        Value first = emit<DistributeOp>(
            loc, {v}, {intAttr("lane", 0), intAttr("width", lanes)});
        v = combine(loc, Combine::Add, v,
                    emit<ShiftOp>(loc, {first}, {intAttr("amount", width)}));
      }
      acc = acc ? combine(loc, fold, acc, v) : v;
    }
    return acc;
  }

  /// Max or min of each row into lane 0 of `out`'s row, for blocks of up to
  /// `lanes` rows at a time on the MXM: the block's rows are installed
  /// transposed, so streaming unit vector e_k gives lane n = element k of
  /// row n, and a VXM chain over k leaves every row's extremum in its lane;
  /// one `sxm.distribute` per row moves it to lane 0. (Elements must be
  /// finite: the MXM multiplies the other rows' elements by zero.)
  void emitRowExtremumOnMXM(Location loc, BufferOp in, int64_t rowLength,
                            Reduction kind, BufferOp out, float scale) {
    const int64_t lanes = target.lanes;
    const ::lpu::TensorLayout layout = in.getLayout(target);
    const Combine fold = kind == Reduction::Max ? Combine::Max : Combine::Min;
    const int64_t elements = std::min(rowLength, lanes);
    BufferOp unit = identityBuffer(loc);
    const int64_t blocks = llvm::divideCeil(layout.rows, lanes);
    // Each block's extrema, staged: a streamed value reaches one consumer.
    BufferOp staged = createBuffer(
        loc, BufferKind::Scratch, nameFrom(loc, "tmp", ".extrema"),
        RankedTensorType::get({blocks, lanes}, builder.getF32Type()));
    for (int64_t block = 0; block < blocks; ++block) {
      const int64_t first = block * lanes;
      const int64_t rows = std::min(lanes, layout.rows - first);
      NamedAttribute plane = leastLoadedPlane(rows + elements);
      loadAndInstall(loc, plane, rows, /*transposed=*/true, [&](int64_t b) {
        return combineRowVectors(loc, in, first + b, rowLength, fold);
      });
      Value acc;
      for (int64_t k = 0; k < elements; ++k) {
        Value column = emit<MatMulOp>(loc, {read(loc, unit, k)}, {plane});
        acc = acc ? combine(loc, fold, acc, column) : column;
      }
      write(loc, acc, staged, block);
      for (int64_t b = 0; b < rows; ++b) {
        Value v = emit<DistributeOp>(loc, {read(loc, staged, block)},
                                     {intAttr("lane", b), intAttr("width", 1)});
        if (scale != 1.0f)
          v = scaled(loc, v, scale);
        write(loc, v, out, first + b);
      }
    }
  }

  /// Reduces each row of `in` (the innermost axis) into lane 0 of the same
  /// row of `out` (shape [..., 1]), times `scale`. Sums run on the MXM
  /// (emitRowSum); for max and min, a shift-and-combine tree on the SXM and
  /// VXM folds the lanes, padding lanes first taking lane 0's value so they
  /// change nothing.
  void emitRowReduction(Location loc, BufferOp in, int64_t rowLength,
                        Reduction kind, BufferOp out, float scale = 1.0f) {
    if (kind == Reduction::Sum && !opByOp)
      return emitRowSum(loc, in, out, scale);
    const int64_t lanes = target.lanes;
    if (!opByOp && 4 * in.getLayout(target).rows >= std::min(rowLength, lanes))
      return emitRowExtremumOnMXM(loc, in, rowLength, kind, out, scale);
    const ::lpu::TensorLayout layout = in.getLayout(target);
    const Combine fold = kind == Reduction::Sum   ? Combine::Add
                         : kind == Reduction::Max ? Combine::Max
                                                  : Combine::Min;
    auto shift = [&](Value v, int64_t amount) {
      return emit<ShiftOp>(loc, {v}, {intAttr("amount", amount)});
    };
    // One staging buffer per step, so the steps' SRAM traffic spreads over
    // as many MEM slices.
    const int64_t treeSteps = llvm::Log2_64_Ceil(lanes);
    SmallVector<BufferOp> tree;
    for (int64_t i = 0; i < treeSteps; ++i)
      tree.push_back(createBuffer(
          loc, BufferKind::Scratch,
          nameFrom(loc, "tmp", ".tree" + std::to_string(i)),
          RankedTensorType::get({layout.rows, lanes}, builder.getF32Type())));
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
        BufferOp stage = tree[stepIndex++];
        write(loc, acc, stage, row);
        Value kept = read(loc, stage, row); // sequenced: a fixed op order
        acc = combine(loc, fold, kept, shift(read(loc, stage, row), amount));
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

  /// A scratch f32 buffer of `shape`, named after the node.
  BufferOp scratchBuffer(Location loc, ArrayRef<int64_t> shape,
                         StringRef suffix) {
    return createBuffer(loc, BufferKind::Scratch, nameFrom(loc, "tmp", suffix),
                        RankedTensorType::get(shape, builder.getF32Type()));
  }

  /// A scratch buffer for one value per row of `shape`.
  BufferOp rowScratch(Location loc, ArrayRef<int64_t> shape, StringRef suffix) {
    Shape reduced(shape);
    reduced.back() = 1;
    return scratchBuffer(loc, reduced, suffix);
  }

  /// Softmax and LogSoftmax: the max over the axes, exp(x - max), their
  /// sum, then a divide (or x - max - log sum). From opset 13 the axes are
  /// `axis` alone; before, the input is coerced to 2-D at `axis`, i.e. every
  /// axis from `axis` on. Over the innermost axis alone each reduction is a
  /// row reduction; otherwise emitReduction also combines rows.
  LogicalResult lowerSoftmax(Operation *op, int64_t axis, bool logarithm) {
    Location loc = op->getLoc();
    Value x = op->getOperand(0);
    Shape shape = shapeOf(x);
    if (shape.empty())
      shape = {1};
    const int64_t rank = shape.size();
    if (axis < -rank || axis >= rank)
      return op->emitError("axis ") << axis << " is out of range";
    axis = (axis + rank) % rank;
    auto opset = func->getAttrOfType<IntegerAttr>("onnx.opset");
    const bool coerced = opset && opset.getInt() < 13;
    SmallVector<int64_t> axes = {axis};
    for (int64_t d = axis + 1; coerced && d < rank; ++d)
      axes.push_back(d);
    auto input = bufferFor(x, op);
    if (failed(input))
      return failure();
    Shape kept(shape);
    for (int64_t d : axes)
      kept[d] = 1;
    BufferOp max = scratchBuffer(loc, kept, ".max");
    emitReduction(loc, *input, shape, axes, Reduction::Max, false, std::nullopt,
                  max, kept);
    BufferOp exps = scratchBuffer(loc, shape, ".exp");
    emitElementwise(loc,
                    {ElementwiseStep::operand(*input, shape),
                     ElementwiseStep::operand(max, kept, Combine::Sub),
                     ElementwiseStep::apply(Unary::Exp)},
                    exps, shape);
    BufferOp sum = scratchBuffer(loc, kept, ".sum");
    emitReduction(loc, exps, shape, axes, Reduction::Sum, false, std::nullopt,
                  sum, kept);
    Value result = op->getResult(0);
    if (!logarithm) {
      emitElementwise(loc,
                      {ElementwiseStep::operand(exps, shape),
                       ElementwiseStep::operand(sum, kept, Combine::Div)},
                      resultBuffer(result), shape);
      return success();
    }
    BufferOp logSum = scratchBuffer(loc, kept, ".logsum");
    emitElementwise(loc,
                    {ElementwiseStep::operand(sum, kept),
                     ElementwiseStep::apply(Unary::Log)},
                    logSum, kept);
    emitElementwise(loc,
                    {ElementwiseStep::operand(*input, shape),
                     ElementwiseStep::operand(max, kept, Combine::Sub),
                     ElementwiseStep::operand(logSum, kept, Combine::Sub)},
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
      std::optional<SmallVector<int64_t>> values =
          onnx::getConstantIntegers(op->getOperand(1));
      if (!values)
        return op->emitError("axes must be a constant");
      axes = *values;
    }
    const int64_t rank = shape.size();
    if (axes.empty()) {
      auto noop = op->getAttrOfType<IntegerAttr>("noop_with_empty_axes");
      if (noop && noop.getInt())
        return lowerCopy(op);
      for (int64_t d = 0; d < rank; ++d)
        if (d == rank - 1 || shape[d] != 1)
          axes.push_back(d);
    }
    for (int64_t &axis : axes) {
      if (axis < -rank || axis >= rank)
        return op->emitError("axis ") << axis << " is out of range";
      axis = (axis + rank) % rank;
    }
    llvm::sort(axes);
    axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
    auto input = bufferFor(data, op);
    if (failed(input))
      return failure();
    // Sum-based reductions: an element-wise step before, one after.
    std::optional<Unary> before, after;
    if (isa<onnx::ReduceL1Op>(op))
      before = Unary::Abs;
    if (isa<onnx::ReduceLogSumExpOp>(op))
      before = Unary::Exp;
    if (isa<onnx::ReduceL2Op>(op))
      after = Unary::Sqrt;
    if (isa<onnx::ReduceLogSumOp, onnx::ReduceLogSumExpOp>(op))
      after = Unary::Log;
    const bool squares = isa<onnx::ReduceSumSquareOp, onnx::ReduceL2Op>(op);
    Reduction kind = isa<onnx::ReduceMaxOp>(op)   ? Reduction::Max
                     : isa<onnx::ReduceMinOp>(op) ? Reduction::Min
                                                  : Reduction::Sum;
    BufferOp source = *input;
    if (before || squares) {
      BufferOp pre = scratchBuffer(loc, shape, ".terms");
      SmallVector<ElementwiseStep> steps = {
          ElementwiseStep::operand(source, shape)};
      if (squares)
        steps.push_back(ElementwiseStep::operand(source, shape, Combine::Mul));
      if (before)
        steps.push_back(ElementwiseStep::apply(*before));
      emitElementwise(loc, steps, pre, shape);
      source = pre;
    }
    emitReduction(loc, source, shape, axes, kind,
                  /*mean=*/isa<onnx::ReduceMeanOp>(op), after,
                  resultBuffer(result), shapeOf(result));
    return success();
  }

  /// Reduces `axes` (sorted, non-negative) of `source` (of `shape`) into
  /// `out`, whose shape drops or keeps them as size 1; `mean` divides by the
  /// count and `after` is applied to each result.
  void emitReduction(Location loc, BufferOp source, ArrayRef<int64_t> shape,
                     ArrayRef<int64_t> axes, Reduction kind, bool mean,
                     std::optional<Unary> after, BufferOp out,
                     ArrayRef<int64_t> outShape) {
    const int64_t rank = shape.size();
    int64_t count = 1;
    Shape kept(shape), keptLeading(shape);
    for (int64_t axis : axes) {
      count *= shape[axis];
      kept[axis] = 1;
      if (axis != rank - 1)
        keptLeading[axis] = 1;
    }
    const bool innermost = llvm::is_contained(axes, rank - 1);
    const bool leading = axes.size() > (innermost ? 1u : 0u);
    float scale = mean ? 1.0f / float(count) : 1.0f;
    // The result has the kept-dimension layout unless keepdims = 0 dropped
    // the innermost dimension; then it is laid out at the end.
    const bool sameLayout =
        (outShape.empty() ? 1 : outShape.back()) == kept.back();
    if (!leading && innermost && !after && sameLayout) {
      emitRowReduction(loc, source, shape.back(), kind, out, scale);
      return;
    }
    if (leading && !innermost && !after && scale == 1.0f && sameLayout) {
      emitLeadingReduction(loc, source, shape, axes, kind, out, keptLeading);
      return;
    }
    if (leading) {
      BufferOp partial = scratchBuffer(loc, keptLeading, ".partial");
      emitLeadingReduction(loc, source, shape, axes, kind, partial,
                           keptLeading);
      source = partial;
    }
    if (innermost) {
      BufferOp rows = scratchBuffer(loc, kept, ".rows");
      emitRowReduction(loc, source, shape.back(), kind, rows, 1.0f);
      source = rows;
    }
    SmallVector<ElementwiseStep> steps = {
        ElementwiseStep::operand(source, kept, Combine::First, scale)};
    if (after)
      steps.push_back(ElementwiseStep::apply(*after));
    if (sameLayout) {
      emitElementwise(loc, steps, out, kept);
      return;
    }
    BufferOp finished = scratchBuffer(loc, kept, ".kept");
    emitElementwise(loc, steps, finished, kept);
    emitRelayout(loc, finished, out);
  }

  /// Reduces the non-innermost `axes` of `in` lane-wise: each output row is
  /// a VXM chain over the input rows that differ only along those axes.
  void emitLeadingReduction(Location loc, BufferOp in, ArrayRef<int64_t> shape,
                            ArrayRef<int64_t> axes, Reduction kind,
                            BufferOp out, ArrayRef<int64_t> outShape) {
    const int64_t rank = shape.size();
    const Combine fold = kind == Reduction::Sum   ? Combine::Add
                         : kind == Reduction::Max ? Combine::Max
                                                  : Combine::Min;
    const ::lpu::TensorLayout layout = in.getLayout(target);
    const ::lpu::TensorLayout outLayout = out.getLayout(target);
    SmallVector<int64_t> reduced;
    for (int64_t axis : axes)
      if (axis != rank - 1)
        reduced.push_back(axis);
    for (int64_t row = 0; row < outLayout.rows; ++row) {
      Shape index = rowIndex(outShape, row);
      for (int64_t j = 0; j < outLayout.vectorsPerRow; ++j) {
        Value acc;
        Shape at(index);
        for (bool more = true; more;) {
          int64_t inRow = 0;
          for (int64_t d = 0; d + 1 < rank; ++d)
            inRow = inRow * shape[d] + at[d];
          Value v = read(loc, in, inRow * layout.vectorsPerRow + j);
          acc = acc ? combine(loc, fold, acc, v) : v;
          more = false;
          for (int64_t i = int64_t(reduced.size()) - 1; i >= 0 && !more; --i) {
            int64_t d = reduced[i];
            if (++at[d] < shape[d])
              more = true;
            else
              at[d] = 0;
          }
        }
        write(loc, acc, out, row * outLayout.vectorsPerRow + j);
      }
    }
  }

  //===--------------------------------------------------------------------===//
  // Element-wise nodes and their fusion
  //===--------------------------------------------------------------------===//

  static bool isElementwiseNode(Operation *op) {
    return isa<onnx::AddOp, onnx::SubOp, onnx::MulOp, onnx::DivOp, onnx::PowOp,
               onnx::MaxOp, onnx::MinOp, onnx::SumOp, onnx::MeanOp,
               onnx::ReluOp, onnx::AbsOp, onnx::ExpOp, onnx::LogOp,
               onnx::TanhOp, onnx::SigmoidOp, onnx::ErfOp, onnx::SqrtOp,
               onnx::ReciprocalOp, onnx::NegOp, onnx::IdentityOp,
               onnx::DropoutOp, onnx::LeakyReluOp, onnx::HardSigmoidOp,
               onnx::HardSwishOp, onnx::ClipOp, onnx::EqualOp, onnx::LessOp,
               onnx::GreaterOp, onnx::NotOp>(op);
  }

  /// Nodes whose chain reads operand 0 a second time, which must therefore
  /// be in SRAM (a streamed value reaches one consumer).
  static bool rereadsInput(Operation *op) {
    return isa<onnx::LeakyReluOp, onnx::HardSwishOp>(op);
  }

  /// An element-wise node as a chain on its operand 0: the factor operand 0
  /// enters with, and the steps after it.
  struct NodeChain {
    float firstScale = 1.0f;
    SmallVector<ElementwiseStep> tail;
  };

  FailureOr<NodeChain> chainOf(Operation *op) {
    NodeChain chain;
    auto operandStep = [&](Value v, Combine kind,
                           float scale = 1.0f) -> LogicalResult {
      auto buffer = bufferFor(v, op);
      if (failed(buffer))
        return failure();
      chain.tail.push_back(
          ElementwiseStep::operand(*buffer, shapeOf(v), kind, scale));
      return success();
    };
    // ((op_0 (x) op_1) (x) op_2) ..., each operand times `scale`.
    auto variadic = [&](Combine kind, float scale = 1.0f) -> LogicalResult {
      chain.firstScale = scale;
      for (Value v : op->getOperands().drop_front())
        if (failed(operandStep(v, kind, scale)))
          return failure();
      return success();
    };
    auto unary = [&](Unary fn) {
      chain.tail.push_back(ElementwiseStep::apply(fn));
      return success();
    };
    auto constantStep = [&](StringRef suffix, float value, Combine kind) {
      chain.tail.push_back(ElementwiseStep::operand(
          scalarConstant(op->getLoc(), suffix, value), {1}, kind));
    };
    // max(0, min(1, alpha x + beta)), times x for HardSwish.
    auto hardSigmoid = [&](float alpha, float beta, bool timesInput) {
      chain.firstScale = alpha;
      constantStep(".beta", beta, Combine::Add);
      constantStep(".zero", 0.0f, Combine::Max);
      constantStep(".one", 1.0f, Combine::Min);
      if (timesInput)
        return operandStep(op->getOperand(0), Combine::Mul);
      return success();
    };
    LogicalResult built =
        TypeSwitch<Operation *, LogicalResult>(op)
            .Case([&](onnx::AddOp) { return variadic(Combine::Add); })
            .Case([&](onnx::SubOp) { return variadic(Combine::Sub); })
            .Case([&](onnx::MulOp) { return variadic(Combine::Mul); })
            .Case([&](onnx::DivOp) { return variadic(Combine::Div); })
            .Case([&](onnx::PowOp) { return variadic(Combine::Pow); })
            .Case([&](onnx::MaxOp) { return variadic(Combine::Max); })
            .Case([&](onnx::MinOp) { return variadic(Combine::Min); })
            .Case([&](onnx::SumOp) { return variadic(Combine::Add); })
            .Case([&](onnx::MeanOp) {
              return variadic(Combine::Add, 1.0f / op->getNumOperands());
            })
            .Case([&](onnx::ReluOp) { return unary(Unary::Relu); })
            .Case([&](onnx::AbsOp) { return unary(Unary::Abs); })
            .Case([&](onnx::ExpOp) { return unary(Unary::Exp); })
            .Case([&](onnx::LogOp) { return unary(Unary::Log); })
            .Case([&](onnx::TanhOp) { return unary(Unary::Tanh); })
            .Case([&](onnx::SigmoidOp) { return unary(Unary::Sigmoid); })
            .Case([&](onnx::ErfOp) { return unary(Unary::Erf); })
            .Case([&](onnx::SqrtOp) { return unary(Unary::Sqrt); })
            .Case([&](onnx::ReciprocalOp) { return unary(Unary::Reciprocal); })
            .Case([&](onnx::NegOp) {
              chain.firstScale = -1.0f;
              return success();
            })
            .Case([&](onnx::IdentityOp) { return success(); })
            .Case([&](onnx::EqualOp) { return variadic(Combine::Equal); })
            .Case([&](onnx::LessOp) { return variadic(Combine::Less); })
            .Case([&](onnx::GreaterOp) { return variadic(Combine::Greater); })
            .Case([&](onnx::NotOp) { // 1 - x on 0.0 / 1.0
              chain.firstScale = -1.0f;
              constantStep(".one", 1.0f, Combine::Add);
              return success();
            })
            .Case([&](onnx::DropoutOp op) { return checkInferenceDropout(op); })
            .Case([&](onnx::LeakyReluOp op) {
              // max(x, alpha x) for alpha <= 1, min(x, alpha x) above.
              float alpha = op.getAlpha().convertToFloat();
              return operandStep(op.getX(),
                                 alpha <= 1.0f ? Combine::Max : Combine::Min,
                                 alpha);
            })
            .Case([&](onnx::HardSigmoidOp op) {
              return hardSigmoid(op.getAlpha().convertToFloat(),
                                 op.getBeta().convertToFloat(),
                                 /*timesInput=*/false);
            })
            .Case([&](onnx::HardSwishOp) {
              return hardSigmoid(1.0f / 6.0f, 0.5f, /*timesInput=*/true);
            })
            .Case([&](onnx::ClipOp op) -> LogicalResult {
              for (auto [i, bound] : llvm::enumerate(op.getBounds()))
                if (!isa<NoneType>(bound.getType()) && // omitted
                    failed(operandStep(bound,
                                       i == 0 ? Combine::Max : Combine::Min)))
                  return failure();
              return success();
            })
            .Default([&](Operation *op) {
              return op->emitError("not an element-wise node");
            });
    if (failed(built))
      return failure();
    return chain;
  }

  LogicalResult checkInferenceDropout(onnx::DropoutOp op) {
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
    return success();
  }

  static bool isStaticF32(Value value) {
    auto type = dyn_cast<RankedTensorType>(value.getType());
    return type && type.hasStaticShape() && type.getElementType().isF32() &&
           type.getNumElements() > 0;
  }

  /// Appends to `steps` the element-wise nodes that consume `value` and
  /// nothing else does, as long as the value need not be in SRAM for anyone
  /// else; `value` becomes the last fused node's result. Their other
  /// operands must be ready where `start` is lowered. This is what keeps a
  /// bias add and an activation on the streams between the MXM and SRAM.
  LogicalResult fuseConsumers(Operation *start, Value &value,
                              SmallVectorImpl<ElementwiseStep> &steps,
                              bool channelsLast = false) {
    const bool scalarOperandsOnly = channelsLast;
    while (!opByOp && value.hasOneUse() && !outputBuffers.count(value)) {
      Operation *user = *value.user_begin();
      // Channels last, an inference batch normalization with constant
      // parameters is a per-lane multiply-add: folded into the chain.
      if (auto bn = dyn_cast<onnx::BatchNormalizationOp>(user);
          bn && channelsLast && bn.getX() == value) {
        std::optional<std::pair<BufferOp, BufferOp>> folded =
            foldedBatchNorm(bn);
        if (!folded)
          break;
        steps.push_back(ElementwiseStep::operand(
            folded->first, shapeOf(bn.getScale()), Combine::Mul));
        steps.push_back(ElementwiseStep::operand(
            folded->second, shapeOf(bn.getScale()), Combine::Add));
        fusedNodes.insert(user);
        value = bn.getY();
        continue;
      }
      if (!isElementwiseNode(user) || rereadsInput(user) ||
          !isStaticF32(user->getResult(0)) ||
          shapeOf(user->getResult(0)) != shapeOf(value))
        break;
      bool ready = llvm::all_of(user->getOperands(), [&](Value operand) {
        if (operand == value || isa<NoneType>(operand.getType()))
          return true;
        // A chain computed in another layout (channels last) can only take
        // operands that are the same everywhere.
        if (scalarOperandsOnly &&
            cast<ShapedType>(operand.getType()).getNumElements() != 1)
          return false;
        Operation *def = operand.getDefiningOp();
        return isStaticF32(operand) && (!def || isa<arith::ConstantOp>(def) ||
                                        def->isBeforeInBlock(start));
      });
      if (!ready || llvm::count(user->getOperands(), value) != 1)
        break;
      if (user->getOperand(0) == value) {
        FailureOr<NodeChain> chain = chainOf(user);
        if (failed(chain))
          return failure();
        if (chain->firstScale != 1.0f)
          steps.push_back(
              ElementwiseStep::apply(Unary::Scale, chain->firstScale));
        steps.append(chain->tail.begin(), chain->tail.end());
      } else {
        // value (x) other for a commutative binary node.
        std::optional<Combine> kind =
            user->getNumOperands() != 2           ? std::nullopt
            : isa<onnx::AddOp, onnx::SumOp>(user) ? std::optional(Combine::Add)
            : isa<onnx::MulOp>(user)              ? std::optional(Combine::Mul)
            : isa<onnx::MaxOp>(user)              ? std::optional(Combine::Max)
            : isa<onnx::MinOp>(user)              ? std::optional(Combine::Min)
                                                  : std::nullopt;
        if (!kind)
          break;
        Value other = user->getOperand(0);
        auto buffer = bufferFor(other, user);
        if (failed(buffer))
          return failure();
        steps.push_back(
            ElementwiseStep::operand(*buffer, shapeOf(other), *kind));
      }
      fusedNodes.insert(user);
      value = user->getResult(0);
    }
    return success();
  }

  /// An element-wise node and the element-wise nodes fused after it, as one
  /// chain per output vector.
  LogicalResult lowerElementwise(Operation *op) {
    FailureOr<NodeChain> chain = chainOf(op);
    if (failed(chain))
      return failure();
    Value input = op->getOperand(0);
    auto buffer = bufferFor(input, op);
    if (failed(buffer))
      return failure();
    SmallVector<ElementwiseStep> steps = {ElementwiseStep::operand(
        *buffer, shapeOf(input), Combine::First, chain->firstScale)};
    steps.append(chain->tail.begin(), chain->tail.end());
    Value result = op->getResult(0);
    // A chain on i32 lanes (a comparison of integers) takes no f32 steps.
    if (!isComparedInteger(input) && failed(fuseConsumers(op, result, steps)))
      return failure();
    emitElementwise(op->getLoc(), steps, resultBuffer(result), shapeOf(result));
    return success();
  }

  /// The first (or last) index of the maximum along `axis`: m = max, then
  /// the candidates i + B (1 - [x == m]) (or i - B (1 - [x == m])) reduced
  /// with min (or max), B = 2^23 so every value is an exact f32 integer.
  LogicalResult lowerArgMax(onnx::ArgMaxOp op) {
    Location loc = op.getLoc();
    if (failed(getStaticF32Type(op.getData(), loc, "input 0")))
      return failure();
    auto resultType = dyn_cast<RankedTensorType>(op.getReduced().getType());
    if (!resultType || !resultType.hasStaticShape())
      return op.emitError("ArgMax needs a static result shape");
    Shape shape = shapeOf(op.getData());
    const int64_t rank = shape.size();
    int64_t axis = op.getAxis();
    if (rank == 0 || axis < -rank || axis >= rank)
      return op.emitError("axis ") << axis << " is out of range";
    axis = (axis + rank) % rank;
    constexpr float kBig = 8388608.0f; // 2^23
    if (shape[axis] >= (int64_t(1) << 22))
      return op.emitError("ArgMax over ")
             << shape[axis] << " elements: indices would not be exact";
    auto input = bufferFor(op.getData(), op);
    if (failed(input))
      return failure();
    Shape kept(shape), iotaShape(rank, 1);
    kept[axis] = 1;
    iotaShape[axis] = shape[axis];
    BufferOp maximum = scratchBuffer(loc, kept, ".max");
    emitReduction(loc, *input, shape, {axis}, Reduction::Max, false,
                  std::nullopt, maximum, kept);
    std::vector<float> indices(shape[axis]);
    for (int64_t i = 0; i < shape[axis]; ++i)
      indices[i] = float(i);
    auto iotaType = RankedTensorType::get(iotaShape, builder.getF32Type());
    BufferOp iota =
        createBuffer(loc, BufferKind::Constant,
                     nameFrom(loc, "constant", ".indices"), iotaType,
                     cast<ElementsAttr>(DenseElementsAttr::get(
                         iotaType, ArrayRef<float>(indices))));
    const bool last = op.getSelectLastIndex() != 0;
    BufferOp candidates = scratchBuffer(loc, shape, ".candidates");
    emitElementwise(
        loc,
        {ElementwiseStep::operand(*input, shape),
         ElementwiseStep::operand(maximum, kept, Combine::Equal),
         ElementwiseStep::apply(Unary::Scale, last ? kBig : -kBig),
         ElementwiseStep::operand(scalarConstant(loc, ".big", kBig), {1},
                                  last ? Combine::Sub : Combine::Add),
         ElementwiseStep::operand(iota, iotaShape, Combine::Add)},
        candidates, shape);
    emitReduction(loc, candidates, shape, {axis},
                  last ? Reduction::Max : Reduction::Min, false, std::nullopt,
                  resultBuffer(op.getReduced()), shapeOf(op.getReduced()));
    return success();
  }

  /// Where(c, x, y) = c x + (1 - c) y for c in {0, 1}, exact for finite
  /// x and y: t = c x, then -((c y - y) - t).
  LogicalResult lowerWhere(onnx::WhereOp op) {
    Location loc = op.getLoc();
    SmallVector<BufferOp> in;
    for (Value v : op->getOperands()) {
      auto buffer = bufferFor(v, op);
      if (failed(buffer))
        return failure();
      in.push_back(*buffer);
    }
    Shape c = shapeOf(op.getCondition()), x = shapeOf(op.getX()),
          y = shapeOf(op.getY()), out = shapeOf(op.getOutput());
    BufferOp picked = createBuffer(
        loc, BufferKind::Scratch, nameFrom(loc, "tmp", ".cx"),
        laneTensorType(cast<RankedTensorType>(op.getOutput().getType())));
    emitElementwise(loc,
                    {ElementwiseStep::operand(in[0], c),
                     ElementwiseStep::operand(in[1], x, Combine::Mul)},
                    picked, out);
    emitElementwise(loc,
                    {ElementwiseStep::operand(in[0], c),
                     ElementwiseStep::operand(in[2], y, Combine::Mul),
                     ElementwiseStep::operand(in[2], y, Combine::Sub),
                     ElementwiseStep::operand(picked, out, Combine::Sub),
                     ElementwiseStep::apply(Unary::Scale, -1.0f)},
                    resultBuffer(op.getOutput()), out);
    return success();
  }

  /// result = operand 0, copied.
  LogicalResult lowerCopy(Operation *op) {
    Value input = op->getOperand(0), result = op->getResult(0);
    auto buffer = bufferFor(input, op);
    if (failed(buffer))
      return failure();
    emitElementwise(op->getLoc(),
                    {ElementwiseStep::operand(*buffer, shapeOf(input))},
                    resultBuffer(result), shapeOf(result));
    return success();
  }

  /// A one-element f32 constant, broadcast like an ONNX scalar.
  BufferOp scalarConstant(Location loc, StringRef suffix, float value) {
    auto type = RankedTensorType::get({1}, builder.getF32Type());
    return createBuffer(
        loc, BufferKind::Constant, nameFrom(loc, "constant", suffix), type,
        cast<ElementsAttr>(DenseElementsAttr::get(type, value)));
  }

  /// NumPy matmul: the last two dimensions are matrices, the others a
  /// broadcast batch. A 2-D right operand multiplies every row of A at once.
  LogicalResult lowerMatMul(onnx::MatMulOp op) {
    Shape aShape = shapeOf(op.getA()), bShape = shapeOf(op.getB());
    if (aShape.size() < 2 || bShape.size() < 2)
      return op.emitError("1-D operands (ranks ")
             << aShape.size() << " and " << bShape.size()
             << ") are not supported yet";
    auto a = bufferFor(op.getA(), op);
    if (failed(a))
      return failure();
    const int64_t K = aShape.back(), N = bShape.back();
    const int64_t M = aShape[aShape.size() - 2];
    if (bShape.size() == 2) {
      int64_t rows = cast<ShapedType>(op.getA().getType()).getNumElements() / K;
      return lowerProduct(op, *a, op.getB(), /*transposeB=*/false, rows, K, N,
                          {}, {BatchRows{}});
    }
    Shape outShape = shapeOf(op.getY());
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
    SmallVector<BatchRows> batches;
    int64_t count = 1;
    for (int64_t d : batch)
      count *= d;
    for (int64_t i = 0; i < count; ++i) {
      Shape index(batch.size());
      for (int64_t d = int64_t(batch.size()) - 1, rest = i; d >= 0; --d) {
        index[d] = rest % batch[d];
        rest /= batch[d];
      }
      batches.push_back({matrixIndex(aShape, index) * M,
                         matrixIndex(bShape, index) * K, i * M});
    }
    return lowerProduct(op, *a, op.getB(), /*transposeB=*/false, M, K, N, {},
                        batches);
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
    int64_t M = aShape[op.getTransA() ? 1 : 0];
    int64_t K = aShape[op.getTransA() ? 0 : 1];
    int64_t N = bShape[op.getTransB() ? 0 : 1];
    // Y = alpha * (A x B) + beta * C, on the way out of the MXM.
    SmallVector<ElementwiseStep> epilogue;
    float alpha = op.getAlpha().convertToFloat();
    if (alpha != 1.0f)
      epilogue.push_back(ElementwiseStep::apply(Unary::Scale, alpha));
    if (Value c = op.getC()) {
      auto cBuffer = bufferFor(c, op);
      if (failed(cBuffer))
        return failure();
      epilogue.push_back(ElementwiseStep::operand(
          *cBuffer, shapeOf(c), Combine::Add, op.getBeta().convertToFloat()));
    }
    return lowerProduct(op, *a, op.getB(), op.getTransB(), M, K, N, epilogue,
                        {BatchRows{}});
  }

  /// Y = epilogue(A x B) for each matrix of `batches` (M rows each), with
  /// the element-wise nodes that only consume Y fused into the epilogue.
  LogicalResult lowerProduct(Operation *op, BufferOp a, Value b,
                             bool transposeB, int64_t M, int64_t K, int64_t N,
                             SmallVector<ElementwiseStep> epilogue,
                             ArrayRef<BatchRows> batches) {
    FailureOr<WeightSource> weights = weightSource(op, b, transposeB, K, N);
    if (failed(weights))
      return failure();
    Value result = op->getResult(0);
    if (failed(fuseConsumers(op, result, epilogue)))
      return failure();
    PreparedChain chain = prepareChain(epilogue, shapeOf(result));
    BufferOp out = resultBuffer(result);
    const int64_t lanes = target.lanes;
    for (const BatchRows &at : batches) {
      ProductPlan plan;
      plan.a = wholeStore(a);
      plan.rows = M;
      plan.kTiles = llvm::divideCeil(K, lanes);
      plan.firstOutRow = at.out;
      plan.tileRows = [&](int64_t k) { return std::min(lanes, K - k * lanes); };
      plan.weightRow = [&, loc = op->getLoc()](int64_t k, int64_t n,
                                               int64_t r) {
        return readWeightRow(loc, *weights, k, n, r, at.b);
      };
      plan.aVector =
          [&](int64_t m,
              int64_t k) -> std::optional<std::pair<int64_t, int64_t>> {
        return std::make_pair(at.a + m, k);
      };
      emitMatMul(op->getLoc(), plan, chain, wholeStore(out));
    }
    return success();
  }

  func::FuncOp func;
  const ::lpu::TargetDesc &target;
  // The benchmarks' baseline: no fusion, no weight tiles, no plane chains.
  const bool opByOp;
  OpBuilder builder;
  lpuc::lpu::VectorType vectorType;
  DenseMap<Value, BufferOp> buffers;
  DenseMap<Value, BufferOp> outputBuffers;
  DenseMap<std::pair<Value, unsigned>, WeightSource> weightSources;
  // Element-wise nodes computed as part of an earlier node's chain.
  DenseSet<Operation *> fusedNodes;
  // Issue cycles given to each MXM plane so far (weight rows + matmuls).
  SmallVector<int64_t> planeWork;
  BufferOp identity; // made on first use
  // Channels-last copies of NCHW tensors, made or kept by spatial ops.
  DenseMap<Value, RowStore> channelsLastStores;
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
    if (failed(InstructionSelector(func, program, opByOp).run())) {
      program.erase();
      return signalPassFailure();
    }
    func.erase();
  }
};

} // namespace
