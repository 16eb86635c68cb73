//===- AssignLayout.cpp - Channels-last regions ---------------------------===//
//
// The conversion from ONNX wraps every spatial op in transposes (NCHW to
// channels last and back). Here transposes move down through element-wise
// maps until they meet their inverse and fold away, so the tensors between
// spatial ops stay channels last; then tensors that windows read get their
// split into image rows, and lookup tables and GatherElements data theirs
// into blocks a gather reads.
//
//===----------------------------------------------------------------------===//

#include "dialects/Tile/Transforms/Passes.h"

#include "dialects/LPU/LPUOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace lpuc::tile {
#define GEN_PASS_DEF_ASSIGNLAYOUT
#include "dialects/Tile/Transforms/Passes.h.inc"
} // namespace lpuc::tile

using namespace mlir;
using namespace lpuc::tile;

namespace {

SmallVector<int64_t> inversePermutation(ArrayRef<int64_t> perm) {
  SmallVector<int64_t> inverse(perm.size());
  for (auto [k, p] : llvm::enumerate(perm))
    inverse[p] = k;
  return inverse;
}

/// map(T(x), ...) -> T(map(x, ...)) when every operand of the map is
/// transposed the same way (broadcast operands included, such as a
/// squeeze-excitation's per-channel scale), a constant (transposed at
/// compile time) or a scalar, and it saves a transpose: one of the
/// transposed operands is read by the map alone, or every reader of the map
/// is a transpose.
bool sinkTranspose(OpBuilder &builder, MapOp map) {
  auto resultType = cast<RankedTensorType>(map.getResult().getType());
  const int64_t rank = resultType.getRank();
  std::optional<SmallVector<int64_t>> perm;
  bool saves = !map.getResult().use_empty() &&
               llvm::all_of(map.getResult().getUsers(),
                            [](Operation *u) { return isa<TransposeOp>(u); });
  auto transposedOperand = [&](Value input) {
    auto transpose = input.getDefiningOp<TransposeOp>();
    return transpose && transpose.getType().getRank() == rank ? transpose
                                                              : TransposeOp();
  };
  for (Value input : map.getInputs()) {
    TransposeOp transpose = transposedOperand(input);
    if (!transpose)
      continue;
    if (perm && ArrayRef<int64_t>(*perm) != transpose.getPerm())
      return false;
    // The MXM moves floats and int8 between lanes, not i32: a float
    // transpose stays before a map that converts to integers.
    if (transpose.movesLanes() &&
        resultType.getElementType() != transpose.getType().getElementType() &&
        resultType.getElementType().isInteger(32))
      return false;
    perm = SmallVector<int64_t>(transpose.getPerm());
    saves |= input.hasOneUse();
  }
  if (!perm || !saves)
    return false;
  SmallVector<Value> inputs;
  builder.setInsertionPoint(map);
  for (Value input : map.getInputs()) {
    auto type = cast<RankedTensorType>(input.getType());
    if (TransposeOp transpose = transposedOperand(input)) {
      inputs.push_back(transpose.getInput());
    } else if (type.getNumElements() == 1) {
      inputs.push_back(input);
    } else if (auto constant = input.getDefiningOp<arith::ConstantOp>()) {
      Value moved =
          permuteConstant(builder, constant, rank, inversePermutation(*perm));
      if (!moved)
        return false;
      inputs.push_back(moved);
    } else {
      return false; // a tensor computed at run time in this layout
    }
  }
  SmallVector<int64_t> inverse = inversePermutation(*perm);
  SmallVector<int64_t> shape(rank);
  for (int64_t d = 0; d < rank; ++d)
    shape[d] = resultType.getShape()[inverse[d]];
  auto inner =
      MapOp::create(builder, map.getLoc(),
                    RankedTensorType::get(shape, resultType.getElementType()),
                    inputs, map.getStepsAttr(), map.getFactorsAttr());
  auto outer = TransposeOp::create(builder, map.getLoc(), resultType, inner,
                                   builder.getDenseI64ArrayAttr(*perm),
                                   DenseI32ArrayAttr());
  map.getResult().replaceAllUsesWith(outer.getResult());
  map.erase();
  return true;
}

/// A transpose that only moves size-1 dimensions keeps the element order:
/// it is a reshape when it keeps the innermost dimension, or when reshapes
/// are all that read it (they then fold into one reshape of its input).
struct TransposeOfUnitDims : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    ArrayRef<int64_t> in = op.getInput().getType().getShape();
    SmallVector<int64_t> kept;
    for (int64_t p : op.getPerm())
      if (in[p] != 1)
        kept.push_back(p);
    // A reshape that keeps the rows is free (its result is the input's
    // SRAM): a torch transformer's [S, 1, D] -> [1, S, D] copied every row.
    const bool keepsRows =
        in.back() == op.getResult().getType().getShape().back();
    if (!llvm::is_sorted(kept) || op.getResult().use_empty() ||
        (!keepsRows &&
         !llvm::all_of(op.getResult().getUsers(),
                       [](Operation *u) { return isa<ReshapeOp>(u); })))
      return failure();
    rewriter.replaceOpWithNewOp<ReshapeOp>(op, op.getType(), op.getInput());
    return success();
  }
};

/// matmul(A, transpose(X, p)), where p swaps what become B's two innermost
/// dimensions and moves the lanes, multiplies by X permuted by p' (p with
/// those two exchanged), which keeps the lanes, installed transposed
/// (`transpose_b`): an attention's keys, transposed per head on the MXM one
/// product per row, become a row permutation copied by the MEM slices, or
/// nothing.
struct TransposedProductOperand : OpRewritePattern<MatMulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MatMulOp op,
                                PatternRewriter &rewriter) const override {
    auto transpose = op.getB().getDefiningOp<TransposeOp>();
    if (op.getTransposeB() || !transpose || !transpose->hasOneUse() ||
        !transpose.movesLanes())
      return failure();
    SmallVector<int64_t> perm(transpose.getPerm());
    const size_t rank = perm.size();
    std::swap(perm[rank - 2], perm[rank - 1]);
    const int64_t k = op.getK(), n = op.getN();
    if (perm.back() != int64_t(rank - 1))
      return failure();
    SmallVector<int64_t> batches(op.getBatches());
    for (size_t i = 1; i < batches.size(); i += 3) {
      if (batches[i] % k)
        return failure();
      batches[i] = batches[i] / k * n;
    }
    Value x = transpose.getInput();
    Value b = x;
    if (!llvm::equal(perm, llvm::seq<int64_t>(0, rank))) {
      ArrayRef<int64_t> in = transpose.getInput().getType().getShape();
      SmallVector<int64_t> shape;
      for (int64_t p : perm)
        shape.push_back(in[p]);
      b = TransposeOp::create(
          rewriter, transpose.getLoc(), transpose.getType().clone(shape), x,
          rewriter.getDenseI64ArrayAttr(perm), DenseI32ArrayAttr());
    }
    rewriter.modifyOpInPlace(op, [&] {
      op.getBMutable().assign(b);
      op.setTransposeB(true);
      op.setBatches(batches);
    });
    rewriter.eraseOp(transpose);
    return success();
  }
};

struct AssignLayoutPass
    : public lpuc::tile::impl::AssignLayoutBase<AssignLayoutPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    RewritePatternSet patterns(&getContext());
    patterns.add<TransposeOfUnitDims, TransposedProductOperand>(&getContext());
    FrozenRewritePatternSet frozen(std::move(patterns));
    OpBuilder builder(&getContext());
    for (bool changed = true; changed;) {
      changed = false;
      SmallVector<MapOp> maps(func.getOps<MapOp>());
      for (MapOp map : maps)
        changed |= sinkTranspose(builder, map);
      // Transposes of transposes fold, dead ones go, equal ones merge.
      if (failed(applyPatternsGreedily(func, frozen)))
        return signalPassFailure();
      IRRewriter rewriter(&getContext());
      DominanceInfo dominance(func);
      eliminateCommonSubExpressions(rewriter, dominance, func);
    }
    markSplitRows(func);
  }

  /// Tensors that windows read, and the results of spatial ops, are stored
  /// in parts, their rows (pixels) dealt one by one: a window's pixels come
  /// from different slices, so their reads do not queue for one slice's bank
  /// ports (whole image rows per part: EfficientNet-B0 fp16 6% slower).
  /// Graph outputs stay whole.
  void markSplitRows(func::FuncOp func) {
    Builder b(&getContext());
    auto mark = [&](Value value) {
      Operation *def = value.getDefiningOp();
      if (!def || isa<arith::ConstantOp>(def) ||
          llvm::any_of(value.getUsers(),
                       [](Operation *u) { return isa<func::ReturnOp>(u); }))
        return;
      def->setAttr(kSplitRowsAttrName, b.getI64IntegerAttr(1));
    };
    func.walk([&](Operation *op) {
      if (isa<ConvOp, PoolOp, GlobalPoolOp>(op)) {
        mark(op->getOperand(0));
        mark(op->getResult(0));
      }
    });
    // A table read or written by run-time row indices: in blocks, so one
    // gather or scatter per block reaches every row. The table's SRAM is
    // that of the tensor its rows-keeping reshapes start from: a constant,
    // an op's result, or a graph input (a state cache).
    const ::lpu::TargetDesc *target = getTarget(func);
    // `blockRows`: rows a gather must reach (0: as the table's size allows).
    auto markTable = [&](Value table, int64_t blockRows = 0) {
      while (auto reshape = table.getDefiningOp<ReshapeOp>()) {
        if (!reshape.keepsRows())
          break;
        table = reshape.getInput();
      }
      if (!target || llvm::any_of(table.getUsers(), [](Operation *u) {
            return isa<func::ReturnOp>(u);
          }))
        return;
      IntegerAttr rows = b.getI64IntegerAttr(
          blockRows ? blockRows
                    : tableBlockRows(cast<RankedTensorType>(table.getType()),
                                     *target));
      if (auto arg = dyn_cast<BlockArgument>(table))
        func.setArgAttr(arg.getArgNumber(), kSplitRowsAttrName, rows);
      else if (table.getDefiningOp()->getNumResults() == 1)
        table.getDefiningOp()->setAttr(kSplitRowsAttrName, rows);
    };
    func.walk([&](Operation *op) {
      if (auto lookup = dyn_cast<LookupOp>(op))
        markTable(lookup.getTable());
      if (auto scatter = dyn_cast<ScatterRowsOp>(op))
        markTable(scatter.getData());
      if (auto elements = dyn_cast<GatherElementsOp>(op))
        markTable(elements.getData(), elements.getBlockRows());
    });
  }

  /// Rows per block of a table (each gather or scatter reaches one block):
  /// blocks of at most half a MEM slice, so each fits on a slice beside
  /// other tensors, as even as they can be.
  static int64_t tableBlockRows(RankedTensorType table,
                                const ::lpu::TargetDesc &target) {
    const ::lpu::TensorLayout layout = lpuc::lpu::getLayout(target, table);
    const int64_t rowAddresses = layout.vectorsPerRow * layout.vectorAddresses;
    const int64_t most =
        std::clamp<int64_t>(int64_t(target.memAddresses / 2) / rowAddresses, 1,
                            ::lpu::kGatherMaxCount);
    const int64_t blocks = llvm::divideCeil(layout.rows, most);
    return llvm::divideCeil(layout.rows, blocks);
  }
};

} // namespace
