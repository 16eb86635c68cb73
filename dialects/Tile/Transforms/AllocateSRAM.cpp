//===- AllocateSRAM.cpp - Slices and addresses for the graph's tensors ----===//

#include "dialects/Tile/Transforms/Passes.h"

#include "dialects/LPU/LPUOps.h"
#include "dialects/LPU/Machine/SlicePlacer.h"
#include "dialects/Tile/MXMJobs.h"
#include "dialects/Tile/Storage.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

namespace lpuc::tile {
#define GEN_PASS_DEF_ALLOCATESRAM
#include "dialects/Tile/Transforms/Passes.h.inc"
} // namespace lpuc::tile

using namespace mlir;
using namespace lpuc::tile;
using lpuc::lpu::Placement;
using lpuc::lpu::PlacementRequest;

namespace {
class Allocation {
public:
  Allocation(func::FuncOp func, const ::lpu::TargetDesc &target)
      : func(func), target(target), placer(target), builder(func) {}

  /// In the order lpu-allocate-sram takes buffers: the identity, graph
  /// inputs, then weights (as the expansion stores them, in its order),
  /// then the other tensors by birth.
  void run() {
    StoragePlan plan = planStorage(func, target, /*estimateTraffic=*/true);
    end = plan.end;
    int64_t position = 0;
    for (Operation &op : func.getBody().front())
      positions[&op] = ++position;
    placeIdentity();
    size_t next = 0;
    for (; next < plan.tensors.size() &&
           isa<BlockArgument>(plan.tensors[next].owner);
         ++next)
      placeTensor(plan.tensors[next]);
    for (Operation &op : func.getBody().front())
      placeConstants(&op);
    for (; next < plan.tensors.size(); ++next)
      placeTensor(plan.tensors[next]);
  }

private:
  PlacementRequest request(ArrayRef<int64_t> shape, Type element,
                           int64_t accesses,
                           const std::map<int32_t, int64_t> &planeAccesses) {
    PlacementRequest request;
    request.layout =
        lpuc::lpu::getLayout(target, RankedTensorType::get(shape, element));
    request.accesses = accesses;
    int64_t nearMXM = 0;
    for (auto [plane, count] : planeAccesses) {
      request.peerColumns[target.unitColumn(::lpu::UnitKind::Mxm, plane)] +=
          count;
      nearMXM += count;
    }
    request.peerColumns[target.centreColumn()] += accesses - nearMXM;
    return request;
  }

  /// The type the expansion stores `op`'s weight tiles in (the module's
  /// float type for the identity).
  Type mxmElementType(Operation *op) {
    return lpuc::lpu::getElementType(func.getContext(), getMXMType(op, target));
  }

  /// Places `request`, or leaves it to lpu-allocate-sram (which reports
  /// the shortfall with every buffer the expansion adds) if it cannot.
  std::optional<Placement> place(const PlacementRequest &request) {
    if (placer.smallestLargestPart(request) > target.memAddresses)
      return std::nullopt;
    return placer.place(request);
  }

  DenseI32ArrayAttr toAttr(ArrayRef<std::pair<int32_t, int32_t>> parts) {
    SmallVector<int32_t> flat;
    for (auto [slice, address] : parts)
      flat.append({slice, address});
    return builder.getDenseI32ArrayAttr(flat);
  }

  /// The identity whose rows the expansion streams, if any op needs it.
  void placeIdentity() {
    int64_t reads = 0, last = 0;
    std::map<int32_t, int64_t> planeReads;
    for (Operation &op : func.getBody().front())
      if (int64_t opReads = getIdentityReads(&op, target, planeReads)) {
        reads = saturatingAdd(reads, opReads);
        last = positions.lookup(&op);
      }
    if (reads == 0)
      return;
    PlacementRequest r = request({target.lanes, target.lanes},
                                 mxmElementType(func), reads, planeReads);
    r.minParts = lpuc::lpu::weightRowParts(target, target.lanes,
                                           getMXMType(func, target));
    r.last = last;
    if (std::optional<Placement> where = place(r))
      func->setAttr(kIdentitySRAMAttrName, toAttr(*where));
  }

  void placeTensor(const StoredTensor &tensor) {
    // A state output takes its input's SRAM, which stays its until the end.
    if (tensor.output >= 0)
      if (auto input = func.getResultAttrOfType<IntegerAttr>(
              tensor.output, kStateOfAttrName)) {
        if (Attribute sram = func.getArgAttr(input.getInt(), kSRAMAttrName))
          func.setResultAttr(tensor.output, kSRAMAttrName, sram);
        return;
      }
    auto type = cast<RankedTensorType>(tensor.owner.getType());
    PlacementRequest r = request(type.getShape(), type.getElementType(),
                                 tensor.accesses, tensor.planeAccesses);
    r.blockRows = tensor.blockRows;
    r.minParts = tensor.minParts;
    r.first = tensor.first;
    r.last = tensor.last;
    if (auto arg = dyn_cast<BlockArgument>(tensor.owner);
        arg && isState(arg.getArgNumber()))
      r.last = end;
    // Graph inputs and outputs too: the host moves them part by part at no
    // cost to the chip, and their readers gain the bank ports of every
    // slice (a stem reads each input row several times).
    r.spread = true;
    std::optional<Placement> where = place(r);
    if (!where)
      return;
    DenseI32ArrayAttr sram = toAttr(*where);
    if (tensor.output >= 0)
      func.setResultAttr(tensor.output, kSRAMAttrName, sram);
    else if (auto arg = dyn_cast<BlockArgument>(tensor.owner))
      func.setArgAttr(arg.getArgNumber(), kSRAMAttrName, sram);
    else
      tensor.owner.getDefiningOp()->setAttr(kSRAMAttrName, sram);
  }

  /// Whether graph input `index` is state (some result is its next value).
  bool isState(unsigned index) {
    for (unsigned i = 0, e = func.getNumResults(); i < e; ++i)
      if (auto input =
              func.getResultAttrOfType<IntegerAttr>(i, kStateOfAttrName);
          input && input.getInt() == int64_t(index))
        return true;
    return false;
  }

  /// The constants `op` reads, the first time each is stored: weight tiles
  /// (each read by the plane that installs it) or the whole tensor, live
  /// from the start to their last reader.
  void placeConstants(Operation *op) {
    for (OpOperand &use : op->getOpOperands()) {
      auto constant = use.get().getDefiningOp<arith::ConstantOp>();
      if (!constant || !isa<RankedTensorType>(constant.getType()))
        continue;
      if (!isStoredWhole(op, use.getOperandNumber())) {
        placeWeightTiles(op, constant);
        continue;
      }
      if (!placedWhole.insert(constant).second)
        continue;
      int64_t reads = 0;
      std::map<int32_t, int64_t> planeReads;
      for (OpOperand &reader : constant->getUses())
        if (isStoredWhole(reader.getOwner(), reader.getOperandNumber()) &&
            !isa<func::ReturnOp>(reader.getOwner()))
          reads = saturatingAdd(reads, estimateReads(reader.getOwner(),
                                                     reader.getOperandNumber(),
                                                     target, planeReads));
      auto type = cast<RankedTensorType>(constant.getType());
      PlacementRequest r =
          request(type.getShape(), type.getElementType(), reads, planeReads);
      r.last = lastReader(constant);
      if (auto split = getSplitRows(constant.getResult(), target))
        std::tie(r.blockRows, r.minParts) = *split;
      if (std::optional<Placement> where = place(r))
        constant->setAttr(kSRAMAttrName, toAttr(*where));
    }
  }

  /// The position of the last op that reads `constant`, also through
  /// reshapes that keep rows (a constant is dead after it, as for
  /// lpu-allocate-sram); a graph output's to the end.
  int64_t lastReader(arith::ConstantOp constant) {
    int64_t last = 0;
    SmallVector<Value> values = {constant.getResult()};
    while (!values.empty()) {
      Value value = values.pop_back_val();
      for (Operation *user : value.getUsers()) {
        last = std::max(
            last, isa<func::ReturnOp>(user) ? end : positions.lookup(user));
        // A reshape that keeps rows reads through to the constant's SRAM.
        if (auto reshape = dyn_cast<ReshapeOp>(user);
            reshape && reshape.keepsRows())
          values.push_back(reshape.getResult());
      }
    }
    return last;
  }

  void placeWeightTiles(Operation *op, arith::ConstantOp weights) {
    // The expansion stores a matrix's tiles once for all products that
    // read it the same way (BatchMatrices::shareable); each convolution
    // stores its own.
    if (auto matmul = dyn_cast<MatMulOp>(op);
        matmul && getBatchMatrices(matmul).shareable() &&
        !placedTiles
             .insert({weights.getResult(), unsigned(matmul.getTransposeB())})
             .second)
      return;
    SmallVector<int32_t> list;
    for (const WeightTile &tile : getWeightTiles(op, target)) {
      std::map<int32_t, int64_t> planeReads;
      if (tile.plane >= 0)
        planeReads[tile.plane] = tile.rows * tile.installs;
      PlacementRequest r =
          request({tile.rows, target.lanes}, mxmElementType(op),
                  tile.rows * tile.installs, planeReads);
      r.minParts =
          lpuc::lpu::weightRowParts(target, tile.rows, getMXMType(op, target));
      r.last = lastReader(weights);
      // Stored from the start, but loaded only by `op`: its traffic meets
      // only what is accessed then, the other tiles `op` loads above all.
      r.accessed = {positions.lookup(op), positions.lookup(op)};
      std::optional<Placement> where = place(r);
      // The op's placement lists every tile or none: if one does not fit,
      // lpu-allocate-sram places them all (those booked here stay booked).
      if (!where)
        return;
      list.push_back(int32_t(where->size()));
      for (auto [slice, address] : *where)
        list.append({slice, address});
    }
    if (!list.empty())
      op->setAttr(kWeightSRAMAttrName, builder.getDenseI32ArrayAttr(list));
  }

  func::FuncOp func;
  const ::lpu::TargetDesc &target;
  lpuc::lpu::SlicePlacer placer;
  Builder builder;
  int64_t end = 0;
  DenseMap<Operation *, int64_t> positions; // of the body's ops, from 1
  DenseSet<Operation *> placedWhole;
  DenseSet<std::pair<Value, unsigned>> placedTiles;
};

struct AllocateSRAMPass
    : public lpuc::tile::impl::AllocateSRAMBase<AllocateSRAMPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    const ::lpu::TargetDesc *target = getTarget(func);
    if (!target)
      return signalPassFailure();
    Allocation(func, *target).run();
  }
};
} // namespace
