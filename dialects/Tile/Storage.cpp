//===- Storage.cpp - Which tile tensors SRAM holds, and when --------------===//
//
// Traffic is estimated from the ops alone, the way their expansion reads:
// a product streams its left operand once per install it meets (the
// installs' products, from getMXMTurns) and reads a right operand computed
// at run time once per install row; a pooling window reads a pixel vector
// per tap and output vector; an im2col reads every input row once per
// kernel column; element-wise work (maps, epilogues) reads every operand
// once per output vector (broadcasts re-read) and gathers, relayouts and
// concatenations at least once; everything else reads each vector once.
// Each result is written once.
//
//===----------------------------------------------------------------------===//

#include "dialects/Tile/Storage.h"

#include "dialects/LPU/LPUOps.h"
#include "dialects/Tile/MXMJobs.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <limits>

using namespace mlir;
using namespace lpuc::tile;

namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// Rows of a tensor's layout: every dimension but the innermost, saturated.
int64_t rowsOf(Value value) {
  ArrayRef<int64_t> shape = shapeOf(value);
  int64_t rows = 1;
  for (int64_t d : shape.drop_back())
    rows = saturatingMultiply(rows, d);
  return rows;
}

/// The graph outputs results are computed straight into: the index of the
/// output each such value is, or is stored as (the value a returned one is
/// a reshape keeping rows of, as far as the tensors are read only on the
/// way). A returned graph input, constant or value already an output's has
/// no entry of its own for that output: it is copied at the end.
DenseMap<Value, int> getComputedOutputs(func::FuncOp func) {
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  DenseMap<Value, int> outputOf;
  for (auto [i, value] : llvm::enumerate(ret.getOperands())) {
    Operation *def = value.getDefiningOp();
    if (!def || isa<arith::ConstantOp>(def) || outputOf.count(value))
      continue;
    outputOf[value] = i;
    // Back through reshapes that keep rows, read only on the way.
    Value source = value;
    while (auto reshape = source.getDefiningOp<ReshapeOp>()) {
      Value input = reshape.getInput();
      Operation *inputDef = input.getDefiningOp();
      if (!reshape.keepsRows() || !input.hasOneUse() || !inputDef ||
          isa<arith::ConstantOp>(inputDef))
        break;
      source = input;
    }
    outputOf[source] = i;
  }
  return outputOf;
}

} // namespace

int64_t lpuc::tile::saturatingAdd(int64_t a, int64_t b) {
  int64_t sum;
  return llvm::AddOverflow(a, b, sum) ? std::numeric_limits<int64_t>::max()
                                      : sum;
}

int64_t lpuc::tile::saturatingMultiply(int64_t a, int64_t b) {
  int64_t product;
  return llvm::MulOverflow(a, b, product) ? std::numeric_limits<int64_t>::max()
                                          : product;
}

bool lpuc::tile::isStoredWhole(Operation *user, unsigned index) {
  if (auto matmul = dyn_cast<MatMulOp>(user))
    return index != 1 || !matmul.getPackedWeights();
  if (auto conv = dyn_cast<ConvOp>(user))
    return index != 1 || conv.getTapMajor();
  return true;
}

int64_t lpuc::tile::estimateReads(Operation *user, unsigned index,
                                  const ::lpu::TargetDesc &target,
                                  std::map<int32_t, int64_t> &planeReads) {
  const int64_t lanes = target.lanes;
  Value operand = user->getOperand(index);
  const int64_t vectors = getStoredVectors(operand, lanes);
  const int64_t resultVectors = getStoredVectors(user->getResult(0), lanes);
  // Reads by the MXM's installs (`rows`) or streamed through them
  // (products), jobs [first, last) of the op's, each on its plane.
  auto fromJobs = [&](bool installed, size_t first, size_t last) {
    auto planes = user->getAttrOfType<DenseI32ArrayAttr>("planes");
    int64_t reads = 0;
    size_t job = 0;
    for (const MXMTurn &turn : getMXMTurns(user, target))
      for (const MXMJob &install : turn) {
        if (job >= first && job < last) {
          const int64_t count =
              installed ? install.rows : install.work - install.rows;
          reads = saturatingAdd(reads, count);
          if (planes && job < size_t(planes.size()))
            planeReads[planes[job]] += count;
        }
        ++job;
      }
    return reads;
  };
  // A product's left operand streams through every install; a right
  // operand computed at run time is read by the installs.
  if (isa<MatMulOp, ConvOp>(user) && index <= 1)
    return fromJobs(/*installed=*/index == 1, 0, SIZE_MAX);
  // Transposes on the MXM, global pooling and row extrema install their
  // input; row sums stream it; an im2col streams it in its first step.
  if (auto transpose = dyn_cast<TransposeOp>(user);
      transpose && transpose.movesLanes())
    return fromJobs(/*installed=*/true, 0, SIZE_MAX);
  if (auto pool = dyn_cast<GlobalPoolOp>(user))
    return pool.getOnVxm() ? vectors
                           : fromJobs(/*installed=*/true, 0, SIZE_MAX);
  // A pooling transpose reads each image row once per output row whose
  // window holds it.
  if (auto pool = dyn_cast<MaxPoolTransposeOp>(user))
    return ceilDiv(saturatingMultiply(vectors, pool.getKernel()[0]),
                   pool.getStrides()[0]);
  if (auto reduce = dyn_cast<ReduceRowsOp>(user)) {
    if (reduce.getStrategy() == RowStrategy::MXMExtremum)
      return fromJobs(/*installed=*/true, 0, SIZE_MAX);
    if (reduce.getStrategy() == RowStrategy::MXMSum)
      return fromJobs(/*installed=*/false, 0, SIZE_MAX);
  }
  if (auto pool = dyn_cast<PoolOp>(user))
    return saturatingMultiply(resultVectors,
                              pool.getKernel()[0] * pool.getKernel()[1]);
  if (auto im2col = dyn_cast<Im2ColOp>(user))
    return saturatingMultiply(vectors, im2col.getKernel()[1]);
  if (auto pack = dyn_cast<PackTapsOp>(user))
    return saturatingMultiply(resultVectors, pack.getTaps());
  // A transformed tile's 16 vectors sum 64 input vectors; an output
  // pixel's vector 9 products.
  if (isa<WinogradInputOp>(user))
    return saturatingMultiply(resultVectors, 4);
  if (isa<WinogradOutputOp>(user) && index == 0)
    return saturatingMultiply(resultVectors, 9);
  // Element-wise work (epilogues too) reads an operand per output vector;
  // gathers read at least one vector per output vector.
  if (isa<MapOp, MatMulOp, ConvOp, GatherOp, LookupOp, GatherElementsOp,
          ReshapeOp, ConcatOp, WinogradOutputOp>(user))
    return std::max(vectors, resultVectors);
  return vectors;
}

int64_t lpuc::tile::getStoredVectors(Value value, int64_t lanes) {
  ArrayRef<int64_t> shape = shapeOf(value);
  if (shape.empty())
    return 1;
  return saturatingMultiply(rowsOf(value),
                            ceilDiv(std::max<int64_t>(shape.back(), 1), lanes));
}

int64_t lpuc::tile::getStoredAddresses(Value value,
                                       const ::lpu::TargetDesc &target) {
  return saturatingMultiply(
      getStoredVectors(value, target.lanes),
      target.planesOf(lpuc::lpu::getDType(
          cast<RankedTensorType>(value.getType()).getElementType())));
}

std::optional<std::pair<int64_t, int64_t>>
lpuc::tile::getSplitRows(Value value, const ::lpu::TargetDesc &target) {
  Operation *op = value.getDefiningOp();
  IntegerAttr rows;
  if (op)
    rows = op->getAttrOfType<IntegerAttr>(kSplitRowsAttrName);
  else if (auto arg = dyn_cast<BlockArgument>(value))
    if (auto func = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp()))
      rows = func.getArgAttrOfType<IntegerAttr>(arg.getArgNumber(),
                                                kSplitRowsAttrName);
  if (!rows)
    return std::nullopt;
  const int64_t blockRows = std::max<int64_t>(rows.getInt(), 1);
  return std::make_pair(
      blockRows,
      std::min<int64_t>(ceilDiv(rowsOf(value), blockRows), target.memSlices));
}

StoragePlan lpuc::tile::planStorage(func::FuncOp func,
                                    const ::lpu::TargetDesc &target,
                                    bool estimateTraffic) {
  const int64_t lanes = target.lanes;
  StoragePlan plan;
  Block &body = func.getBody().front();
  plan.end = std::distance(body.begin(), body.end());
  auto addTensor = [&](Value owner, int64_t first, int output) {
    StoredTensor tensor;
    tensor.owner = owner;
    tensor.output = output;
    tensor.vectors = getStoredVectors(owner, lanes);
    tensor.addresses = getStoredAddresses(owner, target);
    tensor.first = tensor.last = first;
    plan.tensorOf[owner] = plan.tensors.size();
    plan.tensors.push_back(std::move(tensor));
    return &plan.tensors.back();
  };
  for (BlockArgument arg : body.getArguments()) {
    StoredTensor *tensor = addTensor(arg, 0, -1);
    if (auto split = getSplitRows(arg, target))
      std::tie(tensor->blockRows, tensor->minParts) = *split;
  }

  DenseMap<Value, int> outputOf = getComputedOutputs(func);

  int64_t position = 0;
  for (Operation &op : body) {
    ++position;
    if (isa<arith::ConstantOp>(op))
      continue;
    const bool isReturn = isa<func::ReturnOp>(op);
    const bool hasResult = !isReturn && op.getNumResults() == 1 &&
                           isa<RankedTensorType>(op.getResult(0).getType());
    Value result = hasResult ? op.getResult(0) : Value();
    auto output = outputOf.find(result);
    // A reshape that keeps rows is its input's tensor (and reads nothing),
    // unless the result is a graph output the input is not computed into;
    // a constant's such reshape stays a constant.
    bool aliases = false;
    if (auto reshape = dyn_cast<ReshapeOp>(op);
        reshape && reshape.keepsRows()) {
      Value input = reshape.getInput();
      auto inputTensor = plan.tensorOf.find(input);
      if (output == outputOf.end())
        aliases = inputTensor != plan.tensorOf.end() ||
                  isa_and_nonnull<arith::ConstantOp>(input.getDefiningOp());
      else
        aliases = inputTensor != plan.tensorOf.end() &&
                  plan.tensors[inputTensor->second].output == output->second;
    }
    for (OpOperand &use : op.getOpOperands()) {
      auto it = plan.tensorOf.find(use.get());
      if (it == plan.tensorOf.end())
        continue;
      StoredTensor &tensor = plan.tensors[it->second];
      tensor.last = isReturn ? plan.end : position;
      if (estimateTraffic && !isReturn && !aliases)
        tensor.accesses = saturatingAdd(
            tensor.accesses, estimateReads(&op, use.getOperandNumber(), target,
                                           tensor.planeAccesses));
    }
    if (!hasResult)
      continue;
    if (aliases) {
      auto inputTensor = plan.tensorOf.find(op.getOperand(0));
      if (inputTensor != plan.tensorOf.end())
        plan.tensorOf[result] = inputTensor->second;
      continue;
    }
    StoredTensor *tensor = addTensor(
        result, position, output == outputOf.end() ? -1 : output->second);
    if (tensor->output >= 0) {
      tensor->last = plan.end;
    } else if (auto split = getSplitRows(result, target)) {
      std::tie(tensor->blockRows, tensor->minParts) = *split;
    }
    if (estimateTraffic)
      tensor->accesses = tensor->vectors;
  }
  return plan;
}
