//===- ModelWork.cpp - The MXM work an ONNX model asks for ----------------===//

#include "dialects/Tile/Analysis/ModelWork.h"

#include "dialects/LPU/Machine/MachineProgram.h"
#include "dialects/Tile/TileOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringSwitch.h"

#include <map>

using namespace mlir;

using namespace lpuc::tile;

namespace {

/// ONNX operators whose products are the model's own work.
bool isModelProduct(StringRef opType) {
  return llvm::StringSwitch<bool>(opType)
      .Cases({"Conv", "ConvTranspose", "ConvInteger", "QLinearConv"}, true)
      .Cases({"Gemm", "MatMul", "MatMulInteger", "QLinearMatMul"}, true)
      .Default(false);
}

int64_t elementsOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getNumElements();
}

int64_t bytesOf(Type type) {
  auto tensor = cast<RankedTensorType>(type);
  return tensor.getNumElements() *
         ::lpu::dtypeHostBytes(lpuc::lpu::getDType(tensor.getElementType()));
}

/// MACs and stationary elements of one product op.
std::pair<int64_t, int64_t> productWork(Operation *op) {
  if (auto work = op->getAttrOfType<DenseI64ArrayAttr>(kModelWorkAttrName);
      work && work.size() == 2)
    return {work[0], work[1]};
  if (auto conv = dyn_cast<ConvOp>(op)) {
    // Every output pixel (every input pixel, transposed) meets every weight.
    ArrayRef<int64_t> pixels =
        cast<RankedTensorType>(
            (conv.getTransposed() ? conv.getInput() : conv.getResult())
                .getType())
            .getShape();
    const int64_t weights = elementsOf(conv.getWeights());
    return {pixels[0] * pixels[1] * pixels[2] * weights, weights};
  }
  auto matmul = cast<MatMulOp>(op);
  const int64_t m = matmul.getM(), k = matmul.getK(), n = matmul.getN();
  const int64_t batches = matmul.getBatches().size() / 3;
  const int64_t macs = batches * m * k * n;
  if (matmul.getB().getDefiningOp<arith::ConstantOp>())
    return {macs, elementsOf(matmul.getB())};
  // Both run-time tensors: either operand could stay in the array.
  return {macs, batches * std::min(m, n) * k};
}

} // namespace

lpuc::lpu::ModelWork
lpuc::tile::measureModelWork(func::FuncOp func,
                             const ::lpu::TargetDesc &target) {
  lpuc::lpu::ModelWork work;
  std::map<std::string, size_t> nodeIndex;
  func.walk([&](Operation *op) {
    if (!isa<ConvOp, MatMulOp>(op))
      return;
    auto [name, opType] = lpuc::lpu::getNodeOfLocation(op->getLoc());
    if (!isModelProduct(opType))
      return;
    auto [it, inserted] = nodeIndex.insert({name, work.nodes.size()});
    if (inserted)
      work.nodes.push_back({name, opType, getMXMType(op, target), 0, 0});
    lpuc::lpu::NodeWork &node = work.nodes[it->second];
    auto [macs, weights] = productWork(op);
    node.macs += macs;
    node.weightElements += weights;
  });
  // State (a KV cache) stays in SRAM: it crosses no boundary.
  llvm::SmallDenseSet<int64_t> states;
  for (unsigned i = 0, e = func.getNumResults(); i < e; ++i)
    if (auto input = func.getResultAttrOfType<IntegerAttr>(i, kStateOfAttrName))
      states.insert(input.getInt());
  for (auto [i, type] : llvm::enumerate(func.getArgumentTypes()))
    if (!states.contains(int64_t(i)))
      work.ioBytes += bytesOf(type);
  for (auto [i, type] : llvm::enumerate(func.getResultTypes()))
    if (!func.getResultAttr(i, kStateOfAttrName))
      work.ioBytes += bytesOf(type);
  return work;
}
