//===- FoldConstants.cpp - Evaluate constant subgraphs at compile time ----===//
//
// Values are evaluated on the host in a small tensor type: integers exactly
// as int64, floating point in double rounded to the result's element type
// after each op, so a folded f32 computation gives what f32 arithmetic would.
//
//===----------------------------------------------------------------------===//

#include "dialects/ONNX/Transforms/Passes.h"

#include "dialects/ONNX/ResultShapes.h"

#include "lpu/Elements.h"
#include "lpu/Layout.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <cstring>

namespace lpuc::onnx {
#define GEN_PASS_DEF_FOLDCONSTANTS
#include "dialects/ONNX/Transforms/Passes.h.inc"
} // namespace lpuc::onnx

using namespace mlir;
using namespace lpuc::onnx;

namespace {

/// A constant tensor on the host: row-major elements, integers or floats.
struct HostTensor {
  SmallVector<int64_t> shape;
  bool isInteger = true;
  std::vector<int64_t> ints;
  std::vector<double> floats;

  int64_t numElements() const {
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    return n;
  }
  double get(int64_t i) const {
    return isInteger ? double(ints[i]) : floats[i];
  }
  int64_t getInt(int64_t i) const {
    return isInteger ? ints[i] : int64_t(floats[i]);
  }
};

SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = int64_t(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

/// Calls `fn(index)` for every multi-index of `shape` in row-major order.
void forEachIndex(ArrayRef<int64_t> shape,
                  llvm::function_ref<void(ArrayRef<int64_t>)> fn) {
  for (int64_t d : shape)
    if (d == 0)
      return;
  SmallVector<int64_t> index(shape.size(), 0);
  while (true) {
    fn(index);
    int64_t axis = int64_t(shape.size()) - 1;
    for (; axis >= 0; --axis) {
      if (++index[axis] < shape[axis])
        break;
      index[axis] = 0;
    }
    if (axis < 0)
      return;
  }
}

/// Rounds a double to what the element type can hold.
double roundTo(Type element, double v) {
  if (element.isF32())
    return double(float(v));
  if (element.isF16() || element.isBF16()) {
    APFloat f(v);
    bool lost;
    f.convert(cast<FloatType>(element).getFloatSemantics(),
              APFloat::rmNearestTiesToEven, &lost);
    return f.convertToDouble();
  }
  return v;
}

std::optional<HostTensor> readConstant(Value value) {
  auto constant = value.getDefiningOp<arith::ConstantOp>();
  auto type = constant ? dyn_cast<RankedTensorType>(constant.getType())
                       : RankedTensorType();
  if (!type || !type.hasStaticShape())
    return std::nullopt;
  HostTensor t;
  t.shape.assign(type.getShape().begin(), type.getShape().end());
  if (isa<IntegerType>(type.getElementType())) {
    auto ints = getConstantIntegers(value);
    if (!ints)
      return std::nullopt;
    t.ints.assign(ints->begin(), ints->end());
    return t;
  }
  auto element = dyn_cast<FloatType>(type.getElementType());
  if (!element)
    return std::nullopt;
  t.isInteger = false;
  if (auto dense = dyn_cast<DenseElementsAttr>(constant.getValue())) {
    for (const APFloat &f : dense.getValues<APFloat>())
      t.floats.push_back(f.convertToDouble());
    return t;
  }
  auto resource = dyn_cast<DenseResourceElementsAttr>(constant.getValue());
  AsmResourceBlob *blob =
      resource ? resource.getRawHandle().getBlob() : nullptr;
  if (!blob || !(element.isF32() || element.isF64()) ||
      blob->getData().size() !=
          size_t(type.getNumElements()) * element.getWidth() / 8)
    return std::nullopt;
  const char *raw = blob->getData().data();
  for (int64_t i = 0, e = type.getNumElements(); i < e; ++i) {
    if (element.isF32()) {
      float f;
      std::memcpy(&f, raw + 4 * i, 4);
      t.floats.push_back(f);
    } else {
      double d;
      std::memcpy(&d, raw + 8 * i, 8);
      t.floats.push_back(d);
    }
  }
  return t;
}

/// The attribute holding `t` as a tensor of `element`, if that type is one
/// the pass writes.
DenseElementsAttr toAttribute(const HostTensor &t, Type element) {
  auto type = RankedTensorType::get(t.shape, element);
  const int64_t n = t.numElements();
  if (auto integer = dyn_cast<IntegerType>(element)) {
    SmallVector<APInt> values;
    for (int64_t i = 0; i < n; ++i)
      values.push_back(APInt(integer.getWidth(), uint64_t(t.getInt(i)),
                             /*isSigned=*/!integer.isUnsigned(),
                             /*implicitTrunc=*/true));
    return DenseElementsAttr::get(type, values);
  }
  if (auto real = dyn_cast<FloatType>(element)) {
    SmallVector<APFloat> values;
    for (int64_t i = 0; i < n; ++i) {
      APFloat f(t.get(i));
      bool lost;
      f.convert(real.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
      values.push_back(f);
    }
    return DenseElementsAttr::get(type, values);
  }
  return nullptr;
}

/// The flat position in `t` of the output multi-index `index` under
/// broadcasting (dimensions of size 1 repeat).
int64_t broadcastOffset(const HostTensor &t, ArrayRef<int64_t> index) {
  SmallVector<int64_t> strides = stridesOf(t.shape);
  size_t lead = index.size() - t.shape.size();
  int64_t offset = 0;
  for (size_t i = 0; i < t.shape.size(); ++i)
    if (t.shape[i] != 1)
      offset += index[lead + i] * strides[i];
  return offset;
}

/// Integer arithmetic must stay exact: operands beyond 2^53 are not folded
/// through doubles.
bool exactInDouble(const HostTensor &t) {
  return !t.isInteger || llvm::all_of(t.ints, [](int64_t v) {
    return std::abs(double(v)) < 9007199254740992.0;
  });
}

/// out[index] = fn(inputs at index), broadcasting; integer results when
/// `integerResult`.
std::optional<HostTensor>
elementwise(ArrayRef<HostTensor> inputs, bool integerResult, Type element,
            llvm::function_ref<std::optional<double>(ArrayRef<double>)> fn) {
  SmallVector<int64_t> shape;
  for (const HostTensor &in : inputs) {
    if (!exactInDouble(in))
      return std::nullopt;
    auto b = broadcastShapes(shape, in.shape);
    if (!b)
      return std::nullopt;
    shape = *b;
  }
  HostTensor out;
  out.shape = shape;
  out.isInteger = integerResult;
  bool ok = true;
  forEachIndex(shape, [&](ArrayRef<int64_t> index) {
    SmallVector<double, 3> args;
    for (const HostTensor &in : inputs)
      args.push_back(in.get(broadcastOffset(in, index)));
    std::optional<double> v = fn(args);
    if (!v) {
      ok = false;
      return;
    }
    if (integerResult)
      out.ints.push_back(int64_t(*v));
    else
      out.floats.push_back(roundTo(element, *v));
  });
  if (!ok)
    return std::nullopt;
  return out;
}

std::optional<HostTensor> gather(const HostTensor &data,
                                 const HostTensor &indices, int64_t axis) {
  const int64_t rank = data.shape.size();
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return std::nullopt;
  HostTensor out;
  out.isInteger = data.isInteger;
  out.shape.assign(data.shape.begin(), data.shape.begin() + axis);
  out.shape.append(indices.shape.begin(), indices.shape.end());
  out.shape.append(data.shape.begin() + axis + 1, data.shape.end());
  SmallVector<int64_t> strides = stridesOf(data.shape);
  const int64_t dim = data.shape[axis];
  bool ok = true;
  forEachIndex(out.shape, [&](ArrayRef<int64_t> index) {
    int64_t flatIndex = 0;
    SmallVector<int64_t> idxStrides = stridesOf(indices.shape);
    for (size_t i = 0; i < indices.shape.size(); ++i)
      flatIndex += index[axis + i] * idxStrides[i];
    int64_t pick = indices.getInt(flatIndex);
    if (pick < 0)
      pick += dim;
    if (pick < 0 || pick >= dim) {
      ok = false;
      return;
    }
    int64_t offset = pick * strides[axis];
    for (int64_t i = 0; i < axis; ++i)
      offset += index[i] * strides[i];
    for (int64_t i = axis + 1; i < rank; ++i)
      offset += index[i + indices.shape.size() - 1] * strides[i];
    if (data.isInteger)
      out.ints.push_back(data.ints[offset]);
    else
      out.floats.push_back(data.floats[offset]);
  });
  if (!ok)
    return std::nullopt;
  return out;
}

/// Copies the elements of `in` at start + index * step per axis.
HostTensor strided(const HostTensor &in, const SliceBounds &bounds) {
  HostTensor out;
  out.isInteger = in.isInteger;
  out.shape = bounds.size;
  SmallVector<int64_t> strides = stridesOf(in.shape);
  forEachIndex(out.shape, [&](ArrayRef<int64_t> index) {
    int64_t offset = 0;
    for (size_t i = 0; i < index.size(); ++i)
      offset += (bounds.start[i] + index[i] * bounds.step[i]) * strides[i];
    if (in.isInteger)
      out.ints.push_back(in.ints[offset]);
    else
      out.floats.push_back(in.floats[offset]);
  });
  return out;
}

std::optional<HostTensor> concat(ArrayRef<HostTensor> inputs, int64_t axis) {
  const int64_t rank = inputs.front().shape.size();
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return std::nullopt;
  HostTensor out;
  out.isInteger = inputs.front().isInteger;
  out.shape = inputs.front().shape;
  out.shape[axis] = 0;
  for (const HostTensor &in : inputs) {
    if (in.isInteger != out.isInteger || int64_t(in.shape.size()) != rank)
      return std::nullopt;
    out.shape[axis] += in.shape[axis];
  }
  int64_t outer = 1;
  for (int64_t i = 0; i < axis; ++i)
    outer *= out.shape[i];
  for (int64_t o = 0; o < outer; ++o)
    for (const HostTensor &in : inputs) {
      int64_t chunk = in.numElements() / std::max<int64_t>(outer, 1);
      for (int64_t k = 0; k < chunk; ++k) {
        if (in.isInteger)
          out.ints.push_back(in.ints[o * chunk + k]);
        else
          out.floats.push_back(in.floats[o * chunk + k]);
      }
    }
  return out;
}

/// Drops the inputs of `op` that add nothing: no elements, because their
/// extent along the axis is 0 and every other extent is the result's (torch's
/// `cat` onto an empty tensor, an empty KV cache). The LPU stores no empty
/// tensor, and a Concat of one input of the result's type is that input,
/// which is returned; otherwise null.
Value dropEmptyConcatInputs(ConcatOp op) {
  auto result = dyn_cast<RankedTensorType>(op.getConcatResult().getType());
  if (!result)
    return {};
  const int64_t rank = result.getRank();
  int64_t axis = op.getAxis(); // I64Attr's getter is unsigned
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return {};
  auto isEmptyAlongAxis = [&](Value input) {
    auto type = dyn_cast<RankedTensorType>(input.getType());
    if (!type || !type.hasStaticShape() || type.getRank() != rank ||
        type.getDimSize(axis) != 0)
      return false;
    for (int64_t i = 0; i < rank; ++i)
      if (i != axis && type.getDimSize(i) != result.getDimSize(i))
        return false;
    return true;
  };
  SmallVector<Value> kept;
  llvm::copy_if(op.getInputs(), std::back_inserter(kept),
                [&](Value input) { return !isEmptyAlongAxis(input); });
  if (kept.empty() || kept.size() == op.getInputs().size())
    return {};
  op.getInputsMutable().assign(kept);
  if (kept.size() == 1 && kept.front().getType() == result)
    return kept.front();
  return {};
}

HostTensor filled(ArrayRef<int64_t> shape, const HostTensor &value) {
  HostTensor out;
  out.shape.assign(shape.begin(), shape.end());
  out.isInteger = value.isInteger;
  int64_t n = out.numElements();
  if (value.isInteger)
    out.ints.assign(n, value.ints.empty() ? 0 : value.ints.front());
  else
    out.floats.assign(n, value.floats.empty() ? 0.0 : value.floats.front());
  return out;
}

struct FoldConstantsPass
    : public lpuc::onnx::impl::FoldConstantsBase<FoldConstantsPass> {
  using FoldConstantsBase::FoldConstantsBase;

  /// Set when a node was refused: its result is too large for a constant
  /// and no run-time lowering computes it, or its operands describe no
  /// result at all.
  bool refused = false;

  /// Refuses `op`: the diagnostic says why, and the pass fails after it.
  InFlightDiagnostic refuse(Operation *op, const Twine &why) {
    refused = true;
    return op->emitError(why);
  }

  /// Whether `shape` (of `op`'s result) is small enough to compute here;
  /// if not, and the LPU has no other way to compute it (`mustFold`), `op`
  /// is refused with the sizes.
  bool foldable(Operation *op, ArrayRef<int64_t> shape, bool mustFold) {
    const int64_t count =
        ::lpu::checkedElementCount(shape.data(), shape.size());
    if (count >= 0 && count <= int64_t(maxElements))
      return true;
    if (mustFold)
      refuse(op, "its result [")
          << formatShape(shape) << "] holds "
          << (count >= 0 ? std::to_string(count)
                         : std::string("more than 2^40"))
          << " elements; it is computed at compile time, which takes at most "
          << int64_t(maxElements) << " elements";
    return false;
  }

  void runOnOperation() override {
    // One walk in program order suffices: an op's operands are folded (and
    // typed) before the op is visited.
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (isa_and_nonnull<ONNXDialect>(op->getDialect()))
        ops.push_back(op);
    });
    for (Operation *op : ops) {
      // A copy of a constant is the constant, however large.
      if (auto identity = dyn_cast<IdentityOp>(op);
          identity && identity.getX().getDefiningOp<arith::ConstantOp>() &&
          identity.getX().getType() == identity.getY().getType()) {
        identity.getY().replaceAllUsesWith(identity.getX());
        continue;
      }
      // A selection by one condition known at compile time is the operand
      // it takes (an If the loader inlined, whose condition folded), if
      // that operand already has the result's type.
      if (auto where = dyn_cast<WhereOp>(op)) {
        std::optional<SmallVector<int64_t>> condition =
            getConstantIntegers(where.getCondition());
        if (condition && !condition->empty() && llvm::all_equal(*condition)) {
          Value taken = condition->front() ? where.getX() : where.getY();
          if (taken.getType() == where.getOutput().getType()) {
            where.getOutput().replaceAllUsesWith(taken);
            continue;
          }
        }
      }
      if (failed(refineResultTypes(op)))
        return signalPassFailure();
      if (auto concat = dyn_cast<ConcatOp>(op))
        if (Value only = dropEmptyConcatInputs(concat)) {
          concat.getConcatResult().replaceAllUsesWith(only);
          continue;
        }
      if (std::optional<HostTensor> value = evaluate(op))
        replaceWithConstant(op, *value);
      if (refused)
        return signalPassFailure();
    }
    // Drop what folding left unused, last first.
    for (Operation *op : llvm::reverse(ops))
      if (op->use_empty())
        op->erase();
    for (auto constant :
         llvm::make_early_inc_range(getOperation().getOps<arith::ConstantOp>()))
      if (constant->use_empty())
        constant->erase();
    // Graph outputs whose type was refined keep it.
    func::FuncOp function = getOperation();
    if (!function.getBody().empty())
      if (auto ret = dyn_cast<func::ReturnOp>(
              function.getBody().back().getTerminator()))
        function.setType(FunctionType::get(
            &getContext(), function.getArgumentTypes(), ret.getOperandTypes()));
  }

  static Type elementOf(Value v) {
    return cast<ShapedType>(v.getType()).getElementType();
  }
  static std::optional<ArrayRef<int64_t>> staticShape(Value v) {
    auto type = dyn_cast<RankedTensorType>(v.getType());
    if (!type || !type.hasStaticShape())
      return std::nullopt;
    return type.getShape();
  }

  void replaceWithConstant(Operation *op, const HostTensor &value) {
    if (value.numElements() > maxElements || op->getNumResults() != 1)
      return;
    Value result = op->getResult(0);
    auto type = dyn_cast<ShapedType>(result.getType());
    if (!type)
      return;
    if (auto shape = staticShape(result);
        shape && *shape != ArrayRef<int64_t>(value.shape))
      return; // the graph says otherwise; lowering will report it
    DenseElementsAttr attr = toAttribute(value, type.getElementType());
    if (!attr)
      return;
    OpBuilder builder(op);
    auto constant = arith::ConstantOp::create(builder, op->getLoc(), attr);
    result.replaceAllUsesWith(constant.getResult());
  }

  /// Gives results a static type where ONNX shape inference could not,
  /// because it needed values this pass has since computed, and checks a
  /// static type the graph declared against the same computation.
  LogicalResult refineResultTypes(Operation *op) {
    if (op->getNumResults() == 0)
      return success();
    // A shape the graph declares where ONNX could not infer one (a graph
    // output after a Reshape to a computed shape) was taken on trust; it
    // must agree with what the operands make (fuzzing finding 14).
    if (std::optional<ArrayRef<int64_t>> declared =
            staticShape(op->getResult(0))) {
      std::optional<SmallVector<int64_t>> made = inferResultShape(op);
      if (made && ArrayRef<int64_t>(*made) != *declared)
        return op->emitError("the graph declares result 0 with shape [")
               << formatShape(*declared) << "], but its operands make ["
               << formatShape(*made) << "]";
      return success();
    }
    // A Slice whose bounds are known but wrong is an error worth its own
    // message, not a dynamic shape downstream.
    if (auto slice = dyn_cast<SliceOp>(op);
        slice && staticShape(slice.getData()) && failed(getSliceBounds(slice)))
      return failure();
    std::optional<SmallVector<int64_t>> shape = inferResultShape(op);
    if (!shape)
      return success();
    if (::lpu::checkedElementCount(shape->data(), shape->size()) < 0) {
      InFlightDiagnostic diag = op->emitError("result 0 would have shape ");
      llvm::interleave(*shape, diag, "x");
      return diag << ", more than 2^40 elements";
    }
    op->getResult(0).setType(
        RankedTensorType::get(*shape, elementOf(op->getResult(0))));
    return success();
  }

  std::optional<HostTensor> evaluate(Operation *op) {
    if (op->getNumResults() != 1)
      return std::nullopt;
    Value result = op->getResult(0);
    if (!isa<ShapedType>(result.getType()))
      return std::nullopt;
    Type element = elementOf(result);
    bool integer = isa<IntegerType>(element);
    // Nothing larger than max-elements is ever materialised. Range and
    // ConstantOfShape of constants have no other lowering: refused.
    const bool mustFold =
        isa<RangeOp, ConstantOfShapeOp>(op) &&
        llvm::all_of(op->getOperands(), [](Value v) {
          return v.getDefiningOp<arith::ConstantOp>() != nullptr;
        });
    if (std::optional<ArrayRef<int64_t>> shape = staticShape(result);
        shape && !foldable(op, *shape, mustFold))
      return std::nullopt;
    if (auto shapeOp = dyn_cast<ShapeOp>(op)) {
      auto shape = staticShape(shapeOp.getData());
      if (!shape)
        return std::nullopt;
      int64_t rank = shape->size();
      auto clampDim = [&](int64_t d) {
        return std::clamp<int64_t>(d < 0 ? d + rank : d, 0, rank);
      };
      int64_t start = clampDim(shapeOp.getStart().value_or(0));
      int64_t end = clampDim(shapeOp.getEnd().value_or(rank));
      HostTensor out;
      for (int64_t i = start; i < end; ++i)
        out.ints.push_back((*shape)[i]);
      out.shape = {int64_t(out.ints.size())};
      return out;
    }
    // Size and EyeLike read only the static shape of their input.
    if (auto size = dyn_cast<SizeOp>(op)) {
      auto shape = staticShape(size.getData());
      if (!shape)
        return std::nullopt;
      HostTensor out;
      out.ints = {1};
      for (int64_t d : *shape)
        out.ints[0] *= d;
      return out;
    }
    if (auto eye = dyn_cast<EyeLikeOp>(op)) {
      auto shape = staticShape(eye.getInput());
      if (!shape || shape->size() != 2 ||
          (*shape)[0] * (*shape)[1] > int64_t(maxElements))
        return std::nullopt;
      HostTensor out;
      out.shape.assign(shape->begin(), shape->end());
      out.isInteger = integer;
      for (int64_t i = 0; i < (*shape)[0]; ++i)
        for (int64_t j = 0; j < (*shape)[1]; ++j) {
          const int64_t one = j - i == int64_t(eye.getK()) ? 1 : 0;
          if (integer)
            out.ints.push_back(one);
          else
            out.floats.push_back(double(one));
        }
      return out;
    }
    // Everything else needs constant inputs.
    SmallVector<HostTensor> in;
    for (Value operand : op->getOperands()) {
      if (isa<NoneType>(operand.getType())) {
        in.push_back(HostTensor{}); // an omitted optional input
        in.back().shape = {0};
        continue;
      }
      // An input too large to fold is not even read (a model's weights
      // into a DequantizeLinear: tens of millions of elements).
      auto shaped = dyn_cast<ShapedType>(operand.getType());
      if (shaped && shaped.hasStaticShape() &&
          shaped.getNumElements() > int64_t(maxElements))
        return std::nullopt;
      std::optional<HostTensor> t = readConstant(operand);
      if (!t || t->numElements() > maxElements)
        return std::nullopt;
      in.push_back(std::move(*t));
    }
    if (in.empty())
      return std::nullopt;
    auto binary = [&](auto fn) -> std::optional<HostTensor> {
      return elementwise(in, integer, element,
                         [&](ArrayRef<double> a) -> std::optional<double> {
                           return fn(a[0], a[1]);
                         });
    };
    using R = std::optional<double>;
    return TypeSwitch<Operation *, std::optional<HostTensor>>(op)
        .Case([&](AddOp) {
          return binary([](double a, double b) -> R { return a + b; });
        })
        .Case([&](SubOp) {
          return binary([](double a, double b) -> R { return a - b; });
        })
        .Case([&](MulOp) {
          return binary([](double a, double b) -> R { return a * b; });
        })
        .Case([&](DivOp) {
          return binary([&](double a, double b) -> R {
            if (!integer)
              return a / b;
            if (b == 0)
              return std::nullopt;
            return std::trunc(a / b);
          });
        })
        .Case([&](ModOp mod) {
          const bool truncated = mod.getFmod() != 0;
          return binary([&](double a, double b) -> R {
            if (b == 0 || (!integer && !truncated))
              return std::nullopt;
            const double r = std::fmod(a, b);
            return truncated ? r : ::lpu::flooredRemainder(r, b);
          });
        })
        .Case([&](MaxOp) {
          return elementwise(in, integer, element, [](ArrayRef<double> a) -> R {
            return *std::max_element(a.begin(), a.end());
          });
        })
        .Case([&](MinOp) {
          return elementwise(in, integer, element, [](ArrayRef<double> a) -> R {
            return *std::min_element(a.begin(), a.end());
          });
        })
        .Case([&](NegOp) {
          return elementwise(in, integer, element,
                             [](ArrayRef<double> a) -> R { return -a[0]; });
        })
        .Case([&](EqualOp) {
          return binary([](double a, double b) -> R { return a == b; });
        })
        .Case([&](LessOp) {
          return binary([](double a, double b) -> R { return a < b; });
        })
        .Case([&](GreaterOp) {
          return binary([](double a, double b) -> R { return a > b; });
        })
        .Case([&](NotOp) {
          return elementwise(in, integer, element,
                             [](ArrayRef<double> a) -> R { return a[0] == 0; });
        })
        .Case([&](WhereOp) {
          return elementwise(in, integer, element, [](ArrayRef<double> a) -> R {
            return a[0] != 0 ? a[1] : a[2];
          });
        })
        .Case<IdentityOp>([&](auto) { return in[0]; })
        .Case([&](CastOp) {
          return elementwise(
              in, integer, element, [&](ArrayRef<double> a) -> R {
                if (element.isInteger(1))
                  return a[0] != 0;
                if (integer)
                  return std::isfinite(a[0]) ? R(std::trunc(a[0]))
                                             : std::nullopt;
                return a[0];
              });
        })
        .Case<ReshapeOp, FlattenOp, SqueezeOp, UnsqueezeOp>(
            [&](auto) -> std::optional<HostTensor> {
              auto shape = staticShape(result);
              if (!shape)
                return std::nullopt;
              HostTensor out = in[0];
              out.shape.assign(shape->begin(), shape->end());
              if (out.numElements() != in[0].numElements())
                return std::nullopt;
              return out;
            })
        .Case([&](GatherOp g) { return gather(in[0], in[1], g.getAxis()); })
        .Case([&](ConcatOp c) { return concat(in, c.getAxis()); })
        .Case([&](SliceOp s) -> std::optional<HostTensor> {
          FailureOr<SliceBounds> bounds = getSliceBounds(s);
          if (failed(bounds))
            return std::nullopt;
          return strided(in[0], *bounds);
        })
        .Case([&](ConstantOfShapeOp c) -> std::optional<HostTensor> {
          HostTensor value;
          value.isInteger = integer;
          if (auto attr = c.getValueAttr()) {
            auto dense = dyn_cast<DenseElementsAttr>(attr);
            if (!dense || dense.getNumElements() != 1)
              return std::nullopt;
            if (integer)
              value.ints = {(*dense.getValues<APInt>().begin()).getSExtValue()};
            else
              value.floats = {
                  (*dense.getValues<APFloat>().begin()).convertToDouble()};
          }
          SmallVector<int64_t> shape(in[0].ints.begin(), in[0].ints.end());
          if (llvm::any_of(shape, [](int64_t d) { return d < 0; })) {
            refuse(op, "its shape input [")
                << formatShape(shape) << "] has a negative dimension";
            return std::nullopt;
          }
          if (!foldable(op, shape, /*mustFold=*/true))
            return std::nullopt;
          return filled(shape, value);
        })
        .Case([&](RangeOp) -> std::optional<HostTensor> {
          double start = in[0].get(0), limit = in[1].get(0),
                 delta = in[2].get(0);
          if (delta == 0) {
            refuse(op, "its delta (input 2) is 0");
            return std::nullopt;
          }
          // In double, so a hostile span does not overflow before the check.
          const double span = std::ceil((limit - start) / delta);
          if (!(span <= double(maxElements))) {
            foldable(op, {span > 9.2e18 ? INT64_MAX : int64_t(span)},
                     /*mustFold=*/true);
            return std::nullopt;
          }
          int64_t n = std::max<int64_t>(int64_t(span), 0);
          HostTensor out;
          out.isInteger = integer;
          out.shape = {n};
          for (int64_t i = 0; i < n; ++i) {
            if (integer)
              out.ints.push_back(int64_t(start) + i * int64_t(delta));
            else
              out.floats.push_back(roundTo(element, start + i * delta));
          }
          return out;
        })
        .Case([&](ExpandOp) -> std::optional<HostTensor> {
          auto shape = staticShape(result);
          if (!shape)
            return std::nullopt;
          HostTensor ones;
          ones.shape.assign(shape->begin(), shape->end());
          ones.isInteger = true;
          ones.ints.assign(ones.numElements(), 0);
          return elementwise({in[0], ones}, integer, element,
                             [](ArrayRef<double> a) -> R { return a[0]; });
        })
        .Default([](Operation *) { return std::nullopt; });
  }
};

} // namespace
