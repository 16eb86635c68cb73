//===- CheckCapacity.cpp - Refuse programs larger than SRAM ---------------===//
//
// A lower bound of what expansion and allocation will need, from the tile
// ops alone, in linear time: SRAM addresses of the target (a vector takes
// one per plane of its element type).
// Sizes are summed saturating, so absurd shapes cannot wrap around.
//
//===----------------------------------------------------------------------===//

#include "dialects/Tile/Transforms/Passes.h"

#include "dialects/LPU/LPUOps.h"
#include "dialects/ONNX/ONNXOps.h"
#include "dialects/Tile/MXMJobs.h"
#include "dialects/Tile/Storage.h"

#include "lpu/Layout.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include "llvm/Support/MathExtras.h"

#include <map>
#include <set>

namespace lpuc::tile {
#define GEN_PASS_DEF_CHECKCAPACITY
#include "dialects/Tile/Transforms/Passes.h.inc"
} // namespace lpuc::tile

using namespace mlir;
using namespace lpuc::tile;

namespace {

/// How the expansion stores a constant read by `user` as operand `index`:
/// weight tiles (a key naming the packing, and its addresses), or its own
/// layout (key 0).
std::pair<unsigned, int64_t> storageOf(Operation *user, unsigned index,
                                       Value constant,
                                       const ::lpu::TargetDesc &target) {
  // Weight tiles are stored in the MXM's type.
  const int64_t lanes = target.lanes;
  const int64_t planes = target.planesOf(getMXMType(user, target));
  if (auto matmul = dyn_cast<MatMulOp>(user);
      matmul && index == 1 && matmul.getPackedWeights()) {
    // Tile (k, n) is its rows of B, one vector each.
    const int64_t K = matmul.getK(), N = matmul.getN();
    return {matmul.getTransposeB() ? 2u : 1u,
            saturatingMultiply(
                planes, saturatingMultiply(K, llvm::divideCeil(N, lanes)))};
  }
  if (auto conv = dyn_cast<ConvOp>(user);
      conv && index == 1 && !conv.getTapMajor()) {
    const int64_t C = conv.getInput().getType().getShape()[3],
                  F = conv.getResult().getType().getShape()[3];
    const int64_t taps = conv.getKernel()[0] * conv.getKernel()[1];
    // On the VXM: one f32 vector of weights per tap and channel chunk; as
    // MXM products: the weight tiles (a convolution that shares its pixels
    // has both).
    const int64_t table =
        conv.getOnVxm()
            ? saturatingMultiply(
                  target.planesOf(::lpu::DType::F32),
                  saturatingMultiply(taps, llvm::divideCeil(C, lanes)))
            : 0;
    if (!getMXMPixels(conv))
      return {4u, table};
    int64_t rows = 0;
    for (int64_t kc = 0; kc * lanes < C; ++kc)
      for (int64_t fc = 0; fc * lanes < F; ++fc)
        if (isGroupTileUsed(C, F, conv.getGroup(), lanes, kc, fc))
          rows = saturatingAdd(rows, std::min(lanes, C - kc * lanes));
    return {conv.getOnVxm() ? 5u : 3u,
            saturatingAdd(table, saturatingMultiply(
                                     planes, saturatingMultiply(taps, rows)))};
  }
  return {0u, getStoredAddresses(constant, target)};
}

struct CheckCapacityPass
    : public lpuc::tile::impl::CheckCapacityBase<CheckCapacityPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    const ::lpu::TargetDesc *target = getTarget(func);
    if (!target)
      return signalPassFailure();

    // Weights: each constant once per way it is stored.
    int64_t weights = 0;
    std::set<std::pair<Operation *, unsigned>> stored;
    func.walk([&](arith::ConstantOp constant) {
      for (OpOperand &use : constant->getUses()) {
        auto [key, addresses] =
            storageOf(use.getOwner(), use.getOperandNumber(),
                      constant.getResult(), *target);
        if (stored.insert({constant, key}).second)
          weights = saturatingAdd(weights, addresses);
      }
    });

    // Activations: each stored tensor from its writer to its last reader.
    Block &body = func.getBody().front();
    std::map<int64_t, int64_t> delta;
    for (const StoredTensor &tensor :
         planStorage(func, *target, /*estimateTraffic=*/false).tensors) {
      delta[tensor.first] =
          saturatingAdd(delta[tensor.first], tensor.addresses);
      delta[tensor.last + 1] -= tensor.addresses;
    }
    int64_t current = 0, peak = 0, peakAt = 0;
    for (auto [at, change] : delta) {
      current = saturatingAdd(current, change);
      if (current > peak) {
        peak = current;
        peakAt = at;
      }
    }
    const int64_t capacity =
        int64_t(target->memSlices) * int64_t(target->memAddresses);
    const int64_t needed = saturatingAdd(weights, peak);
    if (needed <= capacity)
      return;
    auto bytes = [&](int64_t addresses) {
      return ::lpu::formatBytes(
          uint64_t(saturatingMultiply(addresses, target->planeBytes())));
    };
    InFlightDiagnostic diag = emitError(func.getLoc())
                              << "the model needs at least " << bytes(needed)
                              << " of SRAM (weights " << bytes(weights)
                              << ", live tensors " << bytes(peak);
    if (Operation *op = opAt(body, peakAt))
      if (StringRef node = lpuc::onnx::getNodeName(op->getLoc()); !node.empty())
        diag << " at node '" << node << "'";
    diag << ") but " << target->name << " holds " << bytes(capacity);
    signalPassFailure();
  }

  /// The op at `position` (1-based) of `body`, if any.
  static Operation *opAt(Block &body, int64_t position) {
    for (Operation &op : body)
      if (--position == 0)
        return &op;
    return nullptr;
  }
};

} // namespace
