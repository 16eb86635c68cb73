//===- Expander.cpp - Buffers, instructions and products for expansion ----===//

#include "compiler/Conversion/TileToLPU/Expander.h"

#include "dialects/Tile/MXMJobs.h"
#include "dialects/Tile/Storage.h"

#include "dialects/ONNX/ONNXOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace lpuc;
using namespace lpuc::tile_to_lpu;
using ::lpu::DType;
using ::lpu::Opcode;

Expander::Expander(func::FuncOp func, lpuc::lpu::MachineProgram &program)
    : target(*program.target), context(func.getContext()),
      mxmType(tile::getMXMFloatType(func, target)),
      mxmRows(tile::getMXMRows(func, target)), func(func), program(program),
      currentLoc(func.getLoc()) {
  currentOrigin = program.addOrigin(func.getLoc());
}

//===----------------------------------------------------------------------===//
// Values and buffers
//===----------------------------------------------------------------------===//

std::string Expander::nameFor(StringRef fallback, StringRef suffix) {
  StringRef node = onnx::getNodeName(currentLoc);
  return ((node.empty() ? fallback : node) + suffix).str();
}

int32_t Expander::createBuffer(lpuc::lpu::BufferKind kind, StringRef name,
                               RankedTensorType type, ElementsAttr init) {
  lpuc::lpu::MachineBuffer buffer;
  buffer.kind = kind;
  buffer.name = name.str();
  buffer.type = type;
  buffer.init = init;
  buffer.origin = currentOrigin;
  buffer.layout = lpuc::lpu::getLayout(target, type);
  buffer.position = program.instrs.size();
  program.buffers.push_back(std::move(buffer));
  return int32_t(program.buffers.size() - 1);
}

RowStore Expander::wholeStore(int32_t index) const {
  const ::lpu::TensorLayout &layout = buffer(index).layout;
  RowStore store;
  store.buffer = index;
  store.vectorsPerRow = layout.vectorsPerRow;
  store.rows = layout.rows;
  store.rowLength = layout.rowLength;
  return store;
}

int32_t Expander::scratch(ArrayRef<int64_t> shape, StringRef suffix,
                          DType dtype) {
  return createBuffer(
      lpuc::lpu::BufferKind::Scratch, nameFor("tmp", suffix),
      RankedTensorType::get(shape, lpuc::lpu::getElementType(context, dtype)));
}

RowStore Expander::splitScratch(RankedTensorType type, int64_t rowsPerGroup) {
  int32_t index =
      createBuffer(lpuc::lpu::BufferKind::Scratch, nameFor("tmp"), type);
  lpuc::lpu::MachineBuffer &split = program.buffers[index];
  split.blockRows = rowsPerGroup;
  split.minParts = std::min<int64_t>(
      llvm::divideCeil(split.layout.rows, rowsPerGroup), target.memSlices);
  return wholeStore(index);
}

int32_t Expander::constant(StringRef suffix, ArrayRef<int64_t> shape,
                           ArrayRef<float> values, DType dtype) {
  std::string name = nameFor("constant", suffix);
  ElementsAttr data =
      lpuc::lpu::getFloatElements(context, name, dtype, shape, values);
  return createBuffer(lpuc::lpu::BufferKind::Constant, name,
                      cast<RankedTensorType>(data.getType()), data);
}

int32_t Expander::scalarConstant(StringRef suffix, float value) {
  return constant(suffix, {1}, {value});
}

InstrId Expander::zero() { return read(scalarConstant(".zero", 0.0f), 0); }

int32_t Expander::identity() {
  if (auto it = identityBuffers.find(mxmType); it != identityBuffers.end())
    return it->second;
  const int64_t lanes = target.lanes;
  std::vector<float> unit(lanes * lanes, 0.0f);
  for (int64_t i = 0; i < lanes; ++i)
    unit[i * lanes + i] = 1.0f;
  int32_t index = constant(".identity", {lanes, lanes}, unit, mxmType);
  // One buffer per type shared by the whole program, listed first. The tile
  // level places the one in the module's float type.
  const bool moduleType = mxmType == tile::getMXMFloatType(func, target);
  program.buffers[index].name =
      moduleType ? "identity"
                 : "identity." + std::string(::lpu::dtypeName(mxmType));
  program.buffers[index].position = -1;
  dealWeightRows(index);
  if (moduleType)
    place(index, func->getAttr(tile::kIdentitySRAMAttrName));
  return identityBuffers[mxmType] = index;
}

int32_t Expander::constantBuffer(Value value, ElementsAttr data) {
  std::string name = onnx::getNodeName(value.getLoc()).str();
  return createBuffer(lpuc::lpu::BufferKind::Constant,
                      name.empty() ? "constant" : name,
                      cast<RankedTensorType>(value.getType()), data);
}

FailureOr<RowStore> Expander::store(Value value) {
  if (auto it = stores.find(value); it != stores.end())
    return it->second;
  auto constant = value.getDefiningOp<arith::ConstantOp>();
  auto data =
      constant ? dyn_cast<ElementsAttr>(constant.getValue()) : ElementsAttr();
  if (!data)
    return emitError(currentLoc, "operand has no SRAM tensor (defined by ")
           << (value.getDefiningOp()
                   ? value.getDefiningOp()->getName().getStringRef()
                   : StringRef("a block argument"))
           << ")";
  Location loc = currentLoc;
  currentLoc = constant.getLoc();
  RowStore result = wholeStore(constantBuffer(value, data));
  if (auto split = tile::getSplitRows(value, target)) {
    lpuc::lpu::MachineBuffer &b = program.buffers[result.buffer];
    std::tie(b.blockRows, b.minParts) = *split;
  }
  place(result.buffer, constant->getAttr(tile::kSRAMAttrName));
  currentLoc = loc;
  return stores[value] = result;
}

RowStore Expander::resultStore(Value result) {
  if (auto it = outputBuffers.find(result); it != outputBuffers.end())
    return stores[result] = wholeStore(it->second);
  auto type = cast<RankedTensorType>(result.getType());
  Operation *def = result.getDefiningOp();
  RowStore store;
  if (auto rows = def->getAttrOfType<IntegerAttr>(tile::kSplitRowsAttrName))
    store = splitScratch(type, rows.getInt());
  else
    store = wholeStore(
        createBuffer(lpuc::lpu::BufferKind::Scratch, nameFor("tmp"), type));
  place(store.buffer, def->getAttr(tile::kSRAMAttrName));
  return stores[result] = store;
}

namespace {
/// The (slice, address) pairs of a placement attribute; none if absent.
ArrayRef<int32_t> partsOf(Attribute sram) {
  if (auto parts = dyn_cast_or_null<DenseI32ArrayAttr>(sram))
    return parts.asArrayRef();
  return {};
}
} // namespace

void Expander::dealWeightRows(int32_t index) {
  dealRows(index, lpuc::lpu::weightRowParts(
                      target, program.buffers[index].layout.rows, mxmType));
}

void Expander::dealRows(int32_t index, int64_t parts) {
  lpuc::lpu::MachineBuffer &b = program.buffers[index];
  b.blockRows = 1;
  b.minParts = std::min<int64_t>(parts, target.memSlices);
}

void Expander::placeWeightTiles(ArrayRef<int32_t> buffers, Operation *op) {
  auto list = op->getAttrOfType<DenseI32ArrayAttr>(tile::kWeightSRAMAttrName);
  if (!list)
    return;
  // verifyPlacements checked the list against the op's tiles.
  auto tiles = tile::splitWeightPlacements(list.asArrayRef());
  if (!tiles)
    return;
  size_t next = 0;
  for (int32_t buffer : buffers)
    if (buffer >= 0 && next < tiles->size())
      place(buffer, (*tiles)[next++]);
}

void Expander::place(int32_t index, Attribute sram) {
  place(index, partsOf(sram));
}

void Expander::place(int32_t index, ArrayRef<int32_t> parts) {
  if (parts.empty())
    return;
  lpuc::lpu::MachineBuffer &b = program.buffers[index];
  b.parts.clear();
  for (size_t i = 0; i + 1 < parts.size(); i += 2)
    b.parts.push_back({parts[i], parts[i + 1]});
}

LogicalResult Expander::verifyPlacements() {
  auto checkParts = [&](Location loc, ArrayRef<int32_t> parts, Type type,
                        int64_t blockRows) -> LogicalResult {
    ::lpu::TensorLayout layout =
        lpuc::lpu::getLayout(target, cast<ShapedType>(type));
    const int64_t blocks = llvm::divideCeil(layout.rows, blockRows);
    if (parts.empty() || parts.size() % 2 ||
        int64_t(parts.size() / 2) > std::min<int64_t>(blocks, target.memSlices))
      return emitError(loc, "'")
             << tile::kSRAMAttrName
             << "' must list (slice, address) of 1 to min(blocks of rows, MEM "
                "slices) parts";
    const int64_t count = parts.size() / 2;
    llvm::SmallVector<int32_t> slices;
    for (int64_t i = 0; i < count; ++i) {
      const int64_t slice = parts[2 * i], address = parts[2 * i + 1];
      const int64_t addresses =
          ::lpu::PartDeal{count, blockRows}.partAddresses(layout, i);
      if (slice < 0 || slice >= target.memSlices ||
          llvm::is_contained(slices, slice) || address < 0 ||
          address + addresses > target.memAddresses)
        return emitError(loc, "'")
               << tile::kSRAMAttrName << "' part " << i << " (slice " << slice
               << ", address " << address << ", " << addresses
               << " addresses) is outside " << target.name << "'s "
               << target.memSlices << " MEM slices of " << target.memAddresses
               << " addresses or on the slice of another part";
      slices.push_back(slice);
    }
    return success();
  };
  // The identity is stored in the module's float type (the constructor's
  // mxmType), weight tiles in their op's MXM type.
  const Type mxmElementType = lpuc::lpu::getElementType(context, mxmType);
  auto check = [&](Location loc, Attribute sram, Type type,
                   int64_t blockRows) -> LogicalResult {
    if (!sram)
      return success();
    return checkParts(loc, partsOf(sram), type, blockRows);
  };
  if (failed(check(
          func.getLoc(), func->getAttr(tile::kIdentitySRAMAttrName),
          RankedTensorType::get({target.lanes, target.lanes}, mxmElementType),
          1)))
    return failure();
  auto blockRowsOf = [&](BlockArgument arg) -> int64_t {
    auto split = tile::getSplitRows(arg, target);
    return split ? split->first : 1;
  };
  for (BlockArgument arg : func.getArguments())
    if (failed(check(arg.getLoc(),
                     func.getArgAttr(arg.getArgNumber(), tile::kSRAMAttrName),
                     arg.getType(), blockRowsOf(arg))))
      return failure();
  for (auto [i, type] : llvm::enumerate(func.getResultTypes())) {
    // A state output is dealt as its input is.
    auto input =
        func.getResultAttrOfType<IntegerAttr>(i, tile::kStateOfAttrName);
    if (failed(check(
            func.getLoc(), func.getResultAttr(i, tile::kSRAMAttrName), type,
            input ? blockRowsOf(func.getArgument(input.getInt())) : 1)))
      return failure();
  }
  WalkResult walk = func.walk([&](Operation *op) {
    if (auto list =
            op->getAttrOfType<DenseI32ArrayAttr>(tile::kWeightSRAMAttrName)) {
      SmallVector<tile::WeightTile> weights = tile::getWeightTiles(op, target);
      // The dialect verifier checked the list's form.
      auto tiles = *tile::splitWeightPlacements(list.asArrayRef());
      if (tiles.size() != weights.size())
        return WalkResult(op->emitError("'")
                          << tile::kWeightSRAMAttrName << "' places "
                          << tiles.size() << " weight tiles; the op stores "
                          << weights.size());
      // In the op's own MXM type (i8 for a quantized product).
      const Type weightType =
          lpuc::lpu::getElementType(context, tile::getMXMType(op, target));
      for (auto [i, weight] : llvm::enumerate(weights)) {
        auto type =
            RankedTensorType::get({weight.rows, target.lanes}, weightType);
        if (failed(checkParts(op->getLoc(), tiles[i], type, 1)))
          return WalkResult::interrupt();
      }
    }
    Attribute sram = op->getAttr(tile::kSRAMAttrName);
    if (!sram)
      return WalkResult::advance();
    if (op->getNumResults() != 1)
      return WalkResult(op->emitError("'") << tile::kSRAMAttrName
                                           << "' on an op without one result");
    int64_t blockRows = 1;
    if (auto rows = op->getAttrOfType<IntegerAttr>(tile::kSplitRowsAttrName))
      blockRows = std::max<int64_t>(rows.getInt(), 1);
    return WalkResult(
        check(op->getLoc(), sram, op->getResult(0).getType(), blockRows));
  });
  return failure(walk.wasInterrupted());
}

bool Expander::alias(Value result, Value source) {
  // The storage plan says which values share a tensor; a constant's
  // reshape has none of its own and stays the constant.
  auto tensor = storage.tensorOf.find(result);
  auto sourceTensor = storage.tensorOf.find(source);
  const bool shared = tensor == storage.tensorOf.end()
                          ? sourceTensor == storage.tensorOf.end()
                          : sourceTensor != storage.tensorOf.end() &&
                                tensor->second == sourceTensor->second;
  if (!shared)
    return false;
  RowStore store = stores.lookup(source); // before `result` may rehash
  stores[result] = store;
  return true;
}

//===----------------------------------------------------------------------===//
// Instructions
//===----------------------------------------------------------------------===//

InstrId Expander::emit(Opcode opcode, ArrayRef<InstrId> operands,
                       uint32_t imm) {
  const ::lpu::InstructionInfo &info = ::lpu::getInstructionInfo(opcode);
  lpuc::lpu::MachineInstr inst;
  inst.opcode = opcode;
  inst.queueKind = info.unit;
  inst.operands.assign(operands.begin(), operands.end());
  inst.imm = imm;
  inst.origin = currentOrigin;
  if (info.hasResult && !operands.empty())
    inst.resultType = program.instrs[operands.front()].resultType;
  switch (info.types) {
  case ::lpu::TypeSet::None:
    break;
  case ::lpu::TypeSet::Any: // the vector moved
    inst.dtype = program.instrs[operands.front()].resultType;
    break;
  case ::lpu::TypeSet::MatMul:
    inst.dtype = inst.resultType;
    break;
  case ::lpu::TypeSet::Arith:
  case ::lpu::TypeSet::Float:
    inst.dtype = inst.resultType;
    break;
  }
  program.instrs.push_back(inst);
  return InstrId(program.instrs.size() - 1);
}

InstrId Expander::memAccess(Opcode opcode, int32_t bufferIndex, int64_t offset,
                            ArrayRef<InstrId> operands, uint32_t imm) {
  lpuc::lpu::MachineInstr inst;
  inst.opcode = opcode;
  inst.queueKind = ::lpu::UnitKind::Mem;
  inst.dtype = lpuc::lpu::getDType(buffer(bufferIndex).type.getElementType());
  if (inst.hasResult())
    inst.resultType = inst.dtype;
  inst.operands.assign(operands.begin(), operands.end());
  inst.buffer = bufferIndex;
  inst.offset = int32_t(offset);
  inst.imm = imm;
  inst.origin = currentOrigin;
  program.instrs.push_back(inst);
  return InstrId(program.instrs.size() - 1);
}

InstrId Expander::read(int32_t bufferIndex, int64_t offset) {
  return memAccess(Opcode::Read, bufferIndex, offset, {});
}

InstrId Expander::gather(InstrId indices, int32_t bufferIndex, int64_t offset,
                         const ::lpu::GatherFields &fields) {
  return memAccess(Opcode::Gather, bufferIndex, offset, {indices},
                   ::lpu::encodeGather(fields));
}

void Expander::scatter(InstrId value, InstrId indices, int32_t bufferIndex,
                       int64_t offset, const ::lpu::GatherFields &fields) {
  value = convert(value, bufferType(bufferIndex));
  memAccess(Opcode::Scatter, bufferIndex, offset, {value, indices},
            ::lpu::encodeGather(fields));
}

void Expander::write(InstrId value, int32_t bufferIndex, int64_t offset) {
  // E.g. an i32 comparison's 0 / 1 into an f32 tensor, or a Cast to f16.
  value = convert(value, bufferType(bufferIndex));
  memAccess(Opcode::Write, bufferIndex, offset, {value});
}

InstrId Expander::readRow(const RowStore &store, int64_t row, int64_t j) {
  return read(store.buffer, row * store.vectorsPerRow + j);
}

void Expander::writeRow(InstrId value, const RowStore &store, int64_t row,
                        int64_t j) {
  write(value, store.buffer, row * store.vectorsPerRow + j);
}

InstrId Expander::combine(StepKind kind, InstrId lhs, InstrId rhs) {
  switch (kind) {
  case StepKind::Add:
    return emit(Opcode::Add, {lhs, rhs});
  case StepKind::Sub:
    return emit(Opcode::Sub, {lhs, rhs});
  case StepKind::Mul:
    return emit(Opcode::Mul, {lhs, rhs});
  case StepKind::Max:
    return emit(Opcode::Max, {lhs, rhs});
  case StepKind::Min:
    return emit(Opcode::Min, {lhs, rhs});
  case StepKind::Div:
    return emit(Opcode::Div, {lhs, rhs});
  case StepKind::Pow:
    return emit(Opcode::Pow, {lhs, rhs});
  case StepKind::Equal:
    return emit(Opcode::Equal, {lhs, rhs});
  case StepKind::Less:
    return emit(Opcode::Less, {lhs, rhs});
  case StepKind::Greater:
    return emit(Opcode::Greater, {lhs, rhs});
  case StepKind::Mod:
    return emit(Opcode::Mod, {lhs, rhs}, /*truncated=*/0);
  case StepKind::FMod:
    return emit(Opcode::Mod, {lhs, rhs}, /*truncated=*/1);
  default:
    break;
  }
  llvm_unreachable("not a combining step");
}

InstrId Expander::scaled(InstrId value, float factor) {
  return emit(Opcode::Scale, {value}, ::lpu::floatToWord(factor));
}

InstrId Expander::apply(StepKind kind, float factor, InstrId value) {
  switch (kind) {
  case StepKind::Relu:
    return emit(Opcode::Relu, {value});
  case StepKind::Abs:
    return emit(Opcode::Abs, {value});
  case StepKind::Exp:
    return emit(Opcode::Exp, {value});
  case StepKind::Log:
    return emit(Opcode::Log, {value});
  case StepKind::Tanh:
    return emit(Opcode::Tanh, {value});
  case StepKind::Sigmoid:
    return emit(Opcode::Sigmoid, {value});
  case StepKind::Erf:
    return emit(Opcode::Erf, {value});
  case StepKind::Sqrt:
    return emit(Opcode::Sqrt, {value});
  case StepKind::Reciprocal:
    return emit(Opcode::Reciprocal, {value});
  case StepKind::Scale:
    return scaled(value, factor);
  case StepKind::RoundI8:
    return convert(convert(value, DType::I8), DType::F32);
  case StepKind::ToF32:
    return convert(value, DType::F32);
  case StepKind::TruncI32:
    return convert(value, DType::I32, /*towardZero=*/true);
  case StepKind::RoundI32:
    return convert(value, DType::I32);
  default:
    break;
  }
  llvm_unreachable("not a lane function");
}

InstrId Expander::distribute(InstrId value, int64_t lane, int64_t width) {
  return emit(Opcode::Distribute, {value},
              uint32_t(lane) | uint32_t(width) << 16);
}

InstrId Expander::shift(InstrId value, int64_t amount) {
  return emit(Opcode::Shift, {value},
              static_cast<uint32_t>(static_cast<int32_t>(amount)));
}

InstrId Expander::matmul(int32_t plane, InstrId input, InstrId addend) {
  input = toMXMType(input);
  InstrId id = addend == lpuc::lpu::kNoInstr
                   ? emit(Opcode::MatMul, {input})
                   : emit(Opcode::MatMulAcc, {input, addend});
  lpuc::lpu::MachineInstr &inst = program.instrs[id];
  inst.unit = plane;
  // Float products accumulate in f32, i8 in i32.
  inst.dtype = program.instrs[input].resultType;
  inst.resultType = inst.dtype == DType::I8 ? DType::I32 : DType::F32;
  return id;
}

InstrId Expander::convert(InstrId value, DType to, bool towardZero) {
  const DType from = program.instrs[value].resultType;
  if (from == to)
    return value;
  towardZero &= ::lpu::isFloatDType(from) && !::lpu::isFloatDType(to);
  InstrId converted =
      emit(Opcode::Convert, {value},
           uint32_t(to) | (towardZero ? ::lpu::kConvertTowardZero : 0));
  program.instrs[converted].resultType = to;
  program.instrs[converted].dtype = from;
  return converted;
}

InstrId Expander::toMXMType(InstrId value) {
  if (!::lpu::isFloatDType(program.instrs[value].resultType))
    return value;
  return convert(value, mxmType);
}

void Expander::loadAndInstall(int32_t plane, int64_t rows, bool transposed,
                              function_ref<InstrId(int64_t r)> row,
                              int64_t window) {
  DType type = mxmType;
  for (int64_t r = 0; r < rows; ++r) {
    InstrId value = toMXMType(row(r));
    type = program.instrs[value].resultType;
    InstrId load = emit(Opcode::LoadWeights, {value}, uint32_t(r));
    program.instrs[load].unit = plane;
  }
  InstrId install =
      emit(Opcode::InstallWeights, {},
           ::lpu::encodeInstall(uint32_t(rows), transposed, uint32_t(window)));
  program.instrs[install].unit = plane;
  program.instrs[install].dtype = type;
}

//===----------------------------------------------------------------------===//
// Products and transposes on the MXM
//===----------------------------------------------------------------------===//

void Expander::emitMatMul(const ProductPlan &plan,
                          const PreparedChain &epilogue, const RowStore &out,
                          PlaneCursor &planes) {
  // One install per window of each K tile: (K tile, first row).
  struct Install {
    int64_t k, first, rows;
  };
  // Partial sums of earlier turns wait in `out`, or, when it holds another
  // type than the sums (i32 sums of i8 products, a result converted to i8),
  // in a scratch tensor of the sums' type. Separate turns keep theirs in
  // slots of their own (slot t for turn t), otherwise one slot is carried.
  const DType sumType = ::lpu::accumulatorType(mxmType);
  const bool partialsInOut =
      lpuc::lpu::getDType(buffer(out.buffer).type.getElementType()) == sumType;
  std::vector<std::optional<RowStore>> scratchPartials;
  auto partialAt = [&](size_t slot,
                       int64_t m) -> std::pair<const RowStore *, int64_t> {
    if (partialsInOut && slot == 0)
      return {&out, plan.firstOutRow + m};
    if (scratchPartials.size() <= slot)
      scratchPartials.resize(slot + 1);
    if (!scratchPartials[slot])
      scratchPartials[slot] = wholeStore(scratch(
          {plan.rows, out.rowLength},
          slot ? (".partial" + Twine(slot)).str() : ".partial", sumType));
    return {&*scratchPartials[slot], m};
  };
  for (int64_t n = 0; n < out.vectorsPerRow; ++n) {
    SmallVector<Install> used;
    for (int64_t k = 0; k < plan.kTiles; ++k)
      if (!plan.tileUsed || plan.tileUsed(k, n))
        for (int64_t first = 0, rows = plan.tileRows(k); first < rows;
             first += mxmRows)
          used.push_back({k, first, std::min(mxmRows, rows - first)});
    const int64_t installs = used.size();
    const int64_t turns = llvm::divideCeil(installs, plan.turn);
    // Per slot, the rows whose partial sum is in it.
    std::vector<std::vector<bool>> hasPartial(
        plan.separateTurns ? std::max<int64_t>(turns, 1) : 1,
        std::vector<bool>(plan.rows, false));
    for (int64_t first = 0; first < installs; first += plan.turn) {
      const int64_t turn = std::min(plan.turn, installs - first);
      const bool lastTurn = first + turn == installs;
      const size_t slot = plan.separateTurns ? first / plan.turn : 0;
      // A short turn is installed in copies on the planes it would leave
      // idle; row m goes through copy m % copies (tile::turnCopies).
      const int64_t copies =
          tile::turnCopies(turn, plan.turn, plan.rows,
                           tile::getMXMRowCycles(mxmType, target), first > 0);
      // Plane of the i-th install of copy c: planeOf[c * turn + i].
      SmallVector<int32_t> planeOf(copies * turn);
      for (int32_t &plane : planeOf)
        plane = planes.next();
      for (int64_t c = 0; c < copies; ++c)
        for (int64_t i = 0; i < turn; ++i) {
          const Install &install = used[first + i];
          if (plan.transposedRows) {
            loadAndInstall(
                planeOf[c * turn + i], plan.transposedRows(n),
                /*transposed=*/true,
                [&](int64_t r) { return plan.weightRow(install.k, n, r); },
                install.first);
            continue;
          }
          loadAndInstall(
              planeOf[c * turn + i], install.rows, /*transposed=*/false,
              [&](int64_t r) {
                return plan.weightRow(install.k, n, install.first + r);
              },
              install.first);
        }
      // Partial sums visit each copy's planes west to east: the shortest
      // way.
      std::vector<SmallVector<int64_t>> visits(copies);
      for (int64_t c = 0; c < copies; ++c) {
        SmallVector<int64_t> &visit = visits[c];
        visit.resize(turn);
        std::iota(visit.begin(), visit.end(), 0);
        llvm::sort(visit, [&](int64_t x, int64_t y) {
          return planeOf[c * turn + x] < planeOf[c * turn + y];
        });
      }
      for (int64_t m = 0; m < plan.rows; ++m) {
        const int64_t row = plan.firstOutRow + m;
        const int64_t copy = m % copies;
        const int32_t *copyPlanes = planeOf.data() + copy * turn;
        InstrId acc = lpuc::lpu::kNoInstr;
        for (int64_t i : visits[copy]) {
          const int64_t k = used[first + i].k;
          InstrId x;
          if (auto at = plan.aVector(m, k))
            x = readRow(plan.a, at->first, at->second);
          else if (plan.padding)
            x = plan.padding(k);
          else
            continue;
          if (acc != lpuc::lpu::kNoInstr) {
            acc = matmul(copyPlanes[i], x, acc);
          } else if (!plan.separateTurns && hasPartial[0][m]) {
            auto [partials, partialRow] = partialAt(0, m);
            acc = matmul(copyPlanes[i], x, readRow(*partials, partialRow, n));
          } else {
            acc = matmul(copyPlanes[i], x);
          }
        }
        if (!lastTurn) {
          if (acc != lpuc::lpu::kNoInstr) {
            auto [partials, partialRow] = partialAt(slot, m);
            writeRow(acc, *partials, partialRow, n);
            hasPartial[slot][m] = true;
          }
          continue;
        }
        // The sums left by earlier turns (the last writes none): added
        // here, one read per separate turn (a chain, so the reads come a
        // VXM latency apart), or, carried, already in this turn's first
        // product unless it had no term.
        for (size_t t = 0; t < hasPartial.size(); ++t) {
          if (!hasPartial[t][m] ||
              (!plan.separateTurns && acc != lpuc::lpu::kNoInstr))
            continue;
          auto [partials, partialRow] = partialAt(t, m);
          InstrId sum = readRow(*partials, partialRow, n);
          acc = acc == lpuc::lpu::kNoInstr ? sum
                                           : combine(StepKind::Add, acc, sum);
        }
        if (acc == lpuc::lpu::kNoInstr) // no term in any turn
          acc = zero();
        // The epilogue computes in f32 (i8 products sum in i32).
        acc = convert(acc, DType::F32);
        acc = emitChainVector(epilogue, rowIndex(epilogue.shape, row), n, acc);
        writeRow(acc, out, row, n);
      }
    }
  }
}

void Expander::emitTransposedPicks(
    PlaneCursor &planes, int64_t rows, int64_t firstLane,
    function_ref<InstrId(int64_t r)> vector,
    ArrayRef<std::pair<int64_t, int64_t>> picks,
    function_ref<void(int64_t key, InstrId sum)> take) {
  const int64_t parts = movementParts;
  // Part k of a value is what parts 0 .. k-1 (in mxmType) leave.
  SmallVector<int32_t> planeOf(parts);
  for (int64_t k = 0; k < parts; ++k) {
    planeOf[k] = planes.next();
    loadAndInstall(
        planeOf[k], rows, /*transposed=*/true,
        [&](int64_t r) {
          InstrId rest = vector(r);
          for (int64_t done = 0; done < k; ++done)
            rest = combine(StepKind::Sub, rest,
                           convert(toMXMType(rest), DType::F32));
          return rest;
        },
        firstLane);
  }
  const int32_t unit = identity();
  for (auto [key, lane] : picks) {
    // Largest part first: each partial sum is exact in f32.
    InstrId sum = matmul(planeOf[0], read(unit, lane));
    for (int64_t k = 1; k < parts; ++k)
      sum = matmul(planeOf[k], read(unit, lane), sum);
    take(key, sum);
  }
}

void Expander::emitTransposeOnMXM(const RowStore &input, ArrayRef<int64_t> from,
                                  ArrayRef<int64_t> perm, const RowStore &out,
                                  ArrayRef<int64_t> to, PlaneCursor &planes) {
  const int64_t lanes = target.lanes, rank = from.size();
  const int64_t a = perm.back(), z = rank - 1;
  const Shape inStride = rowStrides(from), outStride = rowStrides(to);
  // Every index of the input with a and z at 0.
  Shape index(rank, 0);
  for (bool more = true; more;) {
    for (int64_t tile = 0; tile * lanes < from[a]; ++tile) {
      int64_t rows = std::min(lanes, from[a] - tile * lanes);
      for (int64_t j = 0; j < input.vectorsPerRow; ++j) {
        int64_t width = std::min(lanes, from[z] - j * lanes);
        // Each install meets one window of the rows' lanes: unit vector e
        // picks lane e of every row installed with e's window.
        for (int64_t window = 0; window < width; window += mxmRows) {
          SmallVector<std::pair<int64_t, int64_t>> picks;
          for (int64_t e = window; e < std::min(width, window + mxmRows); ++e)
            picks.push_back({j * lanes + e, e});
          emitTransposedPicks(
              planes, rows, window,
              [&](int64_t r) {
                index[a] = tile * lanes + r;
                int64_t inRow = 0;
                for (int64_t d = 0; d < z; ++d)
                  inRow += index[d] * inStride[d];
                return readRow(input, inRow, j);
              },
              picks,
              [&](int64_t at, InstrId sum) {
                index[a] = 0;
                index[z] = at;
                int64_t outRow = 0;
                for (int64_t d = 0; d + 1 < rank; ++d)
                  outRow += index[perm[d]] * outStride[d];
                index[z] = 0;
                writeRow(sum, out, outRow, tile);
              });
        }
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

//===----------------------------------------------------------------------===//
// The function
//===----------------------------------------------------------------------===//

LogicalResult Expander::expandOp(Operation *op) {
  return TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](tile::MapOp op) { return expandMap(op, *this); })
      .Case([&](tile::MatMulOp op) { return expandMatMul(op, *this); })
      .Case([&](tile::ConvOp op) { return expandConv(op, *this); })
      .Case([&](tile::Im2ColOp op) { return expandIm2Col(op, *this); })
      .Case([&](tile::PackTapsOp op) { return expandPackTaps(op, *this); })
      .Case([&](tile::WinogradInputOp op) {
        return expandWinogradInput(op, *this);
      })
      .Case([&](tile::WinogradOutputOp op) {
        return expandWinogradOutput(op, *this);
      })
      .Case([&](tile::GlobalPoolOp op) { return expandGlobalPool(op, *this); })
      .Case([&](tile::PoolOp op) { return expandPool(op, *this); })
      .Case([&](tile::TransposeOp op) { return expandTranspose(op, *this); })
      .Case([&](tile::MaxPoolTransposeOp op) {
        return expandMaxPoolTranspose(op, *this);
      })
      .Case([&](tile::GatherOp op) { return expandGather(op, *this); })
      .Case([&](tile::LookupOp op) { return expandLookup(op, *this); })
      .Case([&](tile::GatherElementsOp op) {
        return expandGatherElements(op, *this);
      })
      .Case(
          [&](tile::ScatterRowsOp op) { return expandScatterRows(op, *this); })
      .Case([&](tile::ReshapeOp op) { return expandReshape(op, *this); })
      .Case([&](tile::ConcatOp op) { return expandConcat(op, *this); })
      .Case([&](tile::ReduceRowsOp op) { return expandReduceRows(op, *this); })
      .Case([&](tile::ReduceLeadingOp op) {
        return expandReduceLeading(op, *this);
      })
      .Case([&](arith::ConstantOp) { return success(); })
      .Default([&](Operation *op) {
        return op->emitError("cannot be expanded to LPU instructions: not a "
                             "tile op");
      });
}

LogicalResult Expander::run(uint64_t maxInstructions) {
  Block &body = func.getBody().front();
  auto ioName = [&](unsigned index, bool isInput) {
    return onnx::getGraphIOName(func, index, isInput);
  };
  if (failed(verifyPlacements()))
    return failure();
  for (BlockArgument arg : body.getArguments()) {
    stores[arg] = wholeStore(createBuffer(
        lpuc::lpu::BufferKind::Input, ioName(arg.getArgNumber(), true),
        cast<RankedTensorType>(arg.getType())));
    lpuc::lpu::MachineBuffer &input = program.buffers[stores[arg].buffer];
    if (auto host = func.getArgAttrOfType<TypeAttr>(arg.getArgNumber(),
                                                    tile::kHostTypeAttrName))
      input.hostType = host.getValue();
    if (auto split = tile::getSplitRows(arg, target))
      std::tie(input.blockRows, input.minParts) = *split;
    place(stores[arg].buffer,
          func.getArgAttr(arg.getArgNumber(), tile::kSRAMAttrName));
  }
  // Outputs in graph order, so the binary lists them that way. A result is
  // computed straight into its output buffer (also through reshapes that
  // keep rows); graph inputs, constants and repeated outputs are copied at
  // the end.
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  storage = tile::planStorage(func, target, /*estimateTraffic=*/false);
  SmallVector<int32_t> outputs;
  for (auto [i, value] : llvm::enumerate(ret.getOperands())) {
    outputs.push_back(createBuffer(lpuc::lpu::BufferKind::Output,
                                   ioName(i, false),
                                   cast<RankedTensorType>(value.getType())));
    if (auto host =
            func.getResultAttrOfType<TypeAttr>(i, tile::kHostTypeAttrName))
      program.buffers[outputs.back()].hostType = host.getValue();
    if (auto input =
            func.getResultAttrOfType<IntegerAttr>(i, tile::kStateOfAttrName)) {
      lpuc::lpu::MachineBuffer &out = program.buffers[outputs.back()];
      out.stateOf = stores[body.getArgument(input.getInt())].buffer;
      out.blockRows = program.buffers[out.stateOf].blockRows;
      out.minParts = program.buffers[out.stateOf].minParts;
    }
  }
  SmallVector<bool> computed(outputs.size(), false);
  for (const tile::StoredTensor &tensor : storage.tensors) {
    if (tensor.output < 0)
      continue;
    computed[tensor.output] = true;
    outputBuffers[tensor.owner] = outputs[tensor.output];
    place(outputs[tensor.output],
          func.getResultAttr(tensor.output, tile::kSRAMAttrName));
  }
  SmallVector<std::pair<Value, int32_t>> copies;
  for (auto [i, value] : llvm::enumerate(ret.getOperands()))
    if (!computed[i])
      copies.push_back({value, outputs[i]});
  for (Operation &op : body.without_terminator()) {
    currentLoc = op.getLoc();
    currentOrigin = program.addOrigin(currentLoc);
    mxmType = tile::getMXMType(&op, target);
    mxmRows = tile::getMXMRows(&op, target);
    movementParts = tile::getMovementParts(&op, target);
    if (failed(expandOp(&op)))
      return failure();
    if (maxInstructions != 0 && program.instrs.size() > maxInstructions)
      return emitError(func.getLoc(),
                       "the program needs more instructions than its budget "
                       "of ")
             << maxInstructions << " (raise it with --max-instructions)";
  }
  currentLoc = func.getLoc();
  currentOrigin = program.addOrigin(currentLoc);
  for (auto [value, buffer] : copies) {
    FailureOr<RowStore> source = store(value);
    if (failed(source))
      return failure();
    emitCopy(*source, shapeOf(value), wholeStore(buffer));
  }
  return checkStatesInPlace();
}

LogicalResult Expander::checkStatesInPlace() {
  // A state output overwrites its input's SRAM, vector for vector (both
  // have one layout): no vector of the input may be read after the
  // output's vector there is written, in program order.
  llvm::DenseMap<int32_t, int32_t> outputOf; // input buffer -> output
  llvm::DenseMap<int32_t, llvm::BitVector> written;
  for (auto [k, b] : llvm::enumerate(program.buffers))
    if (b.stateOf >= 0) {
      outputOf[b.stateOf] = int32_t(k);
      written[int32_t(k)].resize(b.numVectors());
    }
  if (outputOf.empty())
    return success();
  for (const lpuc::lpu::MachineInstr &inst : program.instrs) {
    if (!inst.accessesSram())
      continue;
    if (::lpu::writesSram(inst.opcode)) {
      const lpuc::lpu::MachineInstr::VectorRange range = inst.vectorRange();
      if (auto it = written.find(inst.buffer); it != written.end())
        for (int64_t e = 0; e < range.count; ++e)
          it->second.set(inst.offset + e * range.step);
      continue;
    }
    auto out = outputOf.find(inst.buffer);
    if (out == outputOf.end())
      continue;
    const lpuc::lpu::MachineInstr::VectorRange range = inst.vectorRange();
    for (int64_t e = 0; e < range.count; ++e)
      if (written[out->second].test(inst.offset + e * range.step))
        return emitError(program.locationOf(inst), "reads state input '")
               << buffer(inst.buffer).name << "' after its next value, output '"
               << buffer(out->second).name
               << "', has overwritten that part of it in the same SRAM; make "
                  "the graph read the input only before it computes the "
                  "output";
  }
  return success();
}

FailureOr<lpuc::lpu::MachineProgram>
lpuc::tile_to_lpu::expandToMachineProgram(ModuleOp module,
                                          uint64_t maxInstructions) {
  const ::lpu::TargetDesc *target = tile::getTarget(module);
  if (!target)
    return failure();
  auto func = module.lookupSymbol<func::FuncOp>("main");
  if (!func || func.isExternal())
    return module.emitError("expected a tile-level graph: func.func @main");
  lpuc::lpu::MachineProgram program(*target);
  Expander expander(func, program);
  if (failed(expander.run(maxInstructions)))
    return failure();
  return program;
}
