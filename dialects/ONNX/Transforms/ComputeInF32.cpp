//===- ComputeInF32.cpp - Float values of other widths computed in f32 ----===//

#include "dialects/ONNX/Transforms/ComputeInF32.h"

#include "dialects/LPU/LPUOps.h"
#include "dialects/ONNX/ONNXOps.h"

#include "lpu/Elements.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <cstring>

using namespace mlir;

namespace {

/// A float constant's values as f32 (null if they cannot be read): f64 from
/// its doubles, the chip's float types from their lane words.
ElementsAttr elementsAsF32(ElementsAttr attr, StringRef name) {
  auto type = cast<ShapedType>(attr.getType());
  std::vector<float> values;
  if (type.getElementType().isF64()) {
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
  } else {
    std::optional<std::vector<uint32_t>> words = lpuc::lpu::readLaneWords(attr);
    if (!words)
      return nullptr;
    for (uint32_t word : *words)
      values.push_back(::lpu::wordToFloat(word));
  }
  return lpuc::lpu::getF32Elements(attr.getContext(), name, type.getShape(),
                                   values);
}

} // namespace

bool lpuc::onnx::hasF64Elements(Type type) {
  return getElementTypeOrSelf(type).isF64();
}

bool lpuc::onnx::hasHalfElements(Type type) {
  Type element = getElementTypeOrSelf(type);
  return element.isF16() || element.isBF16();
}

Type lpuc::onnx::withF32Elements(Type type, function_ref<bool(Type)> retyped) {
  if (!retyped(type))
    return type;
  auto f32 = Float32Type::get(type.getContext());
  if (auto shaped = dyn_cast<ShapedType>(type))
    return shaped.clone(f32);
  return f32;
}

LogicalResult lpuc::onnx::computeInF32(Operation *op,
                                       function_ref<bool(Type)> retyped,
                                       ArrayRef<int64_t> typeNumbers) {
  for (NamedAttribute attr : SmallVector<NamedAttribute>(op->getAttrs())) {
    Attribute value = attr.getValue();
    Attribute converted;
    if (auto elements = dyn_cast<ElementsAttr>(value);
        elements && retyped(elements.getType())) {
      StringRef name = getNodeName(op->getLoc());
      converted = elementsAsF32(elements, name.empty() ? "constant" : name);
      if (!converted)
        return op->emitError("cannot read the ")
               << elements.getElementType() << " constant '" << attr.getName()
               << "'";
    } else if (isa<CastOp, EyeLikeOp>(op) &&
               (attr.getName() == "to" || attr.getName() == "dtype") &&
               llvm::is_contained(typeNumbers,
                                  cast<IntegerAttr>(value).getInt())) {
      converted =
          IntegerAttr::get(cast<IntegerAttr>(value).getType(), kOnnxFloat);
    }
    if (converted)
      op->setAttr(attr.getName(), converted);
  }
  for (OpResult result : op->getResults())
    result.setType(withF32Elements(result.getType(), retyped));
  return success();
}
