//===- CheckCapacity.cpp - Refuse programs larger than SRAM ---------------===//
//
// A lower bound of what expansion and allocation will need, from the tile
// ops alone, in linear time: SRAM vectors of the target (lanes x 32 bits).
// Sizes are summed saturating, so absurd shapes cannot wrap around.
//
//===----------------------------------------------------------------------===//

#include "dialects/Tile/Transforms/Passes.h"

#include "dialects/ONNX/ONNXOps.h"
#include "dialects/Tile/MXMJobs.h"

#include "lpu/Layout.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include "llvm/Support/MathExtras.h"

#include <limits>
#include <map>
#include <set>

namespace lpuc::tile {
#define GEN_PASS_DEF_CHECKCAPACITY
#include "dialects/Tile/Transforms/Passes.h.inc"
} // namespace lpuc::tile

using namespace mlir;
using namespace lpuc::tile;

namespace {

constexpr int64_t kSaturated = std::numeric_limits<int64_t>::max();
int64_t add(int64_t a, int64_t b) {
  int64_t sum;
  return llvm::AddOverflow(a, b, sum) ? kSaturated : sum;
}
int64_t multiply(int64_t a, int64_t b) {
  int64_t product;
  return llvm::MulOverflow(a, b, product) ? kSaturated : product;
}
int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

ArrayRef<int64_t> shapeOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getShape();
}

/// Vectors a tensor takes in its row layout (lpu/Layout.h).
int64_t vectorsOf(Value value, int64_t lanes) {
  ArrayRef<int64_t> shape = shapeOf(value);
  if (shape.empty())
    return 1;
  const int64_t inner = shape.back();
  int64_t rows = 1;
  for (int64_t d : shape.drop_back())
    rows = multiply(rows, d);
  return multiply(rows, ceilDiv(std::max<int64_t>(inner, 1), lanes));
}

/// How the expansion stores a constant read by `user` as operand `index`:
/// weight tiles (a key naming the packing, and its vectors), or its own
/// layout (key 0).
std::pair<unsigned, int64_t> storageOf(Operation *user, unsigned index,
                                       Value constant, int64_t lanes) {
  if (auto matmul = dyn_cast<MatMulOp>(user);
      matmul && index == 1 && matmul.getPackedWeights()) {
    // Tile (k, n) is its rows of B, one vector each.
    const int64_t K = matmul.getK(), N = matmul.getN();
    return {matmul.getTransposeB() ? 2u : 1u, multiply(K, ceilDiv(N, lanes))};
  }
  if (auto conv = dyn_cast<ConvOp>(user);
      conv && index == 1 && !conv.getTapMajor()) {
    const int64_t C = shapeOf(conv.getInput())[3],
                  F = shapeOf(conv.getResult())[3];
    const int64_t taps = conv.getKernel()[0] * conv.getKernel()[1];
    int64_t rows = 0;
    for (int64_t kc = 0; kc * lanes < C; ++kc)
      for (int64_t fc = 0; fc * lanes < F; ++fc)
        if (isGroupTileUsed(C, F, conv.getGroup(), lanes, kc, fc))
          rows = add(rows, std::min(lanes, C - kc * lanes));
    return {3u, multiply(taps, rows)};
  }
  return {0u, vectorsOf(constant, lanes)};
}

struct CheckCapacityPass
    : public lpuc::tile::impl::CheckCapacityBase<CheckCapacityPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    const ::lpu::TargetDesc *target = getTarget(func);
    if (!target)
      return signalPassFailure();
    const int64_t lanes = target->lanes;

    // Weights: each constant once per way it is stored.
    int64_t weights = 0;
    std::set<std::pair<Operation *, unsigned>> stored;
    func.walk([&](arith::ConstantOp constant) {
      for (OpOperand &use : constant->getUses()) {
        auto [key, vectors] = storageOf(use.getOwner(), use.getOperandNumber(),
                                        constant.getResult(), lanes);
        if (stored.insert({constant, key}).second)
          weights = add(weights, vectors);
      }
    });

    // Activations: each stored tensor from its definition to its last
    // reader, in program order; a reshape that keeps rows is its input.
    DenseMap<Value, Value> storageRoot;
    auto rootOf = [&](Value v) {
      auto it = storageRoot.find(v);
      return it == storageRoot.end() ? v : it->second;
    };
    DenseMap<Value, std::pair<int64_t, int64_t>> live; // root -> [first, last]
    Block &body = func.getBody().front();
    const int64_t end = std::distance(body.begin(), body.end());
    for (BlockArgument arg : body.getArguments())
      live[arg] = {0, 0};
    int64_t position = 0;
    for (Operation &op : body) {
      ++position;
      if (isa<arith::ConstantOp>(op))
        continue;
      for (Value operand : op.getOperands()) {
        Value root = rootOf(operand);
        auto it = live.find(root);
        if (it != live.end())
          it->second.second = isa<func::ReturnOp>(op) ? end : position;
      }
      auto reshape = dyn_cast<ReshapeOp>(op);
      if (reshape && reshape.keepsRows() &&
          live.count(rootOf(reshape.getInput()))) {
        storageRoot[reshape.getResult()] = rootOf(reshape.getInput());
        continue;
      }
      for (Value result : op.getResults())
        if (isa<RankedTensorType>(result.getType()))
          live[result] = {position, position};
    }
    std::map<int64_t, int64_t> delta;
    for (auto &[value, range] : live) {
      const int64_t vectors = vectorsOf(value, lanes);
      delta[range.first] = add(delta[range.first], vectors);
      delta[range.second + 1] -= vectors;
    }
    int64_t current = 0, peak = 0, peakAt = 0;
    for (auto [at, change] : delta) {
      current = add(current, change);
      if (current > peak) {
        peak = current;
        peakAt = at;
      }
    }
    const int64_t capacity =
        int64_t(target->memSlices) * int64_t(target->memAddresses);
    const int64_t needed = add(weights, peak);
    if (needed <= capacity)
      return;
    InFlightDiagnostic diag = emitError(func.getLoc())
                              << "the model needs at least " << needed
                              << " SRAM vectors (weights " << weights
                              << ", live tensors " << peak;
    if (Operation *op = opAt(body, peakAt))
      if (StringRef node = lpuc::onnx::getNodeName(op->getLoc()); !node.empty())
        diag << " at node '" << node << "'";
    diag << ") but " << target->name << " holds " << capacity << " vectors of "
         << lanes << " x 32 bits";
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
