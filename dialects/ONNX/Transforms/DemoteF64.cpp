//===- DemoteF64.cpp - An f64 graph computed in f32 -----------------------===//
//
// Every f64 type, constant and type attribute of a function becomes f32;
// graph inputs and outputs remember their host type.
//
//===----------------------------------------------------------------------===//

#include "dialects/ONNX/Transforms/Passes.h"

#include "dialects/LPU/LPUOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <cstring>

namespace lpuc::onnx {
#define GEN_PASS_DEF_DEMOTEF64
#include "dialects/ONNX/Transforms/Passes.h.inc"
} // namespace lpuc::onnx

using namespace mlir;
using namespace lpuc::onnx;

namespace {

/// ONNX's numbers for double and float (Cast's `to`, EyeLike's `dtype`).
constexpr int64_t kOnnxDouble = 11, kOnnxFloat = 1;

Type demoteType(Type type) {
  if (type.isF64())
    return Float32Type::get(type.getContext());
  if (auto shaped = dyn_cast<ShapedType>(type))
    if (shaped.getElementType().isF64())
      return shaped.clone(Float32Type::get(type.getContext()));
  return type;
}

/// An f64 constant's values rounded to f32 (null if they cannot be read).
ElementsAttr demoteElements(ElementsAttr attr, StringRef name) {
  auto type = cast<ShapedType>(attr.getType());
  std::vector<float> values;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    for (double v : dense.getValues<double>())
      values.push_back(static_cast<float>(v));
  } else if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob || blob->getData().size() !=
                     size_t(type.getNumElements()) * sizeof(double))
      return nullptr;
    ArrayRef<char> bytes = blob->getData();
    for (size_t i = 0; i < bytes.size(); i += sizeof(double)) {
      double v;
      std::memcpy(&v, bytes.data() + i, sizeof(double));
      values.push_back(static_cast<float>(v));
    }
  } else {
    return nullptr;
  }
  return lpuc::lpu::getF32Elements(attr.getContext(), name, type.getShape(),
                                   values);
}

struct DemoteF64Pass : public lpuc::onnx::impl::DemoteF64Base<DemoteF64Pass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *context = &getContext();
    auto hostF64 = TypeAttr::get(Float64Type::get(context));
    for (BlockArgument arg : func.getArguments())
      if (getElementTypeOrSelf(arg.getType()).isF64()) {
        func.setArgAttr(arg.getArgNumber(), lpuc::tile::kHostTypeAttrName,
                        hostF64);
        arg.setType(demoteType(arg.getType()));
      }
    for (auto [i, type] : llvm::enumerate(func.getResultTypes()))
      if (getElementTypeOrSelf(type).isF64())
        func.setResultAttr(i, lpuc::tile::kHostTypeAttrName, hostF64);
    WalkResult walk = func.walk([&](Operation *op) {
      for (NamedAttribute attr : SmallVector<NamedAttribute>(op->getAttrs())) {
        Attribute value = attr.getValue();
        Attribute demoted;
        if (auto elements = dyn_cast<ElementsAttr>(value);
            elements && elements.getElementType().isF64()) {
          StringRef name = getNodeName(op->getLoc());
          demoted = demoteElements(elements, name.empty() ? "constant" : name);
          if (!demoted) {
            op->emitError("cannot read the f64 constant '")
                << attr.getName() << "'";
            return WalkResult::interrupt();
          }
        } else if (isa<CastOp, EyeLikeOp>(op) &&
                   (attr.getName() == "to" || attr.getName() == "dtype") &&
                   cast<IntegerAttr>(value).getInt() == kOnnxDouble) {
          demoted =
              IntegerAttr::get(cast<IntegerAttr>(value).getType(), kOnnxFloat);
        }
        if (demoted)
          op->setAttr(attr.getName(), demoted);
      }
      for (OpResult result : op->getResults())
        result.setType(demoteType(result.getType()));
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();
    func.setType(FunctionType::get(
        context, func.getBody().getArgumentTypes(),
        func.getBody().front().getTerminator()->getOperandTypes()));
  }
};

} // namespace
