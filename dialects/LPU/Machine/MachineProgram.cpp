//===- MachineProgram.cpp - lpu.program <-> compact arrays ----------------===//

#include "dialects/LPU/Machine/MachineProgram.h"

#include "llvm/ADT/TypeSwitch.h"

#include <array>
#include <functional>
#include <numeric>

using namespace mlir;
using namespace lpuc::lpu;
using ::lpu::DType;
using ::lpu::Opcode;

//===----------------------------------------------------------------------===//
// Buffers and origins
//===----------------------------------------------------------------------===//

std::pair<int64_t, int64_t> MachineBuffer::locate(int64_t offset) const {
  auto [part, local] = deal(parts.size()).locate(layout, offset);
  return {parts[part].first, parts[part].second + local};
}

int32_t MachineProgram::addOrigin(Location loc) {
  auto [it, inserted] = originIndex.try_emplace(loc, int32_t(origins.size()));
  if (inserted)
    origins.push_back(loc);
  return it->second;
}

std::vector<llvm::SmallVector<InstrId, 1>>
lpuc::lpu::computeUsers(const MachineProgram &program) {
  std::vector<llvm::SmallVector<InstrId, 1>> users(program.instrs.size());
  for (InstrId i = 0, e = program.instrs.size(); i < e; ++i) {
    const MachineInstr &inst = program.instrs[i];
    for (unsigned k = 0; k < inst.numOperands(); ++k) {
      InstrId operand = inst.operands[k];
      if (inst.repeatsOperand(k))
        continue;
      users[operand].push_back(i);
    }
  }
  return users;
}

void lpuc::lpu::renumberBufferPositions(MachineProgram &program,
                                        ArrayRef<InstrId> newIndex,
                                        InstrId count) {
  const InstrId original = newIndex.size();
  for (MachineBuffer &buffer : program.buffers) {
    InstrId at = buffer.position;
    if (at < 0)
      continue; // listed before everything
    while (at < original && newIndex[at] == kNoInstr)
      ++at;
    buffer.position = at < original ? newIndex[at] : count;
  }
}

std::pair<std::string, std::string> lpuc::lpu::getNodeOfLocation(Location loc) {
  std::string name, opType;
  loc->walk([&](Location inner) {
    if (auto named = dyn_cast<NameLoc>(inner); named && name.empty())
      name = named.getName().str();
    if (auto fused = dyn_cast<FusedLoc>(inner))
      if (auto meta = dyn_cast_or_null<StringAttr>(fused.getMetadata());
          meta && opType.empty())
        opType = meta.str();
    return WalkResult::advance();
  });
  return {name, opType};
}

//===----------------------------------------------------------------------===//
// Import
//===----------------------------------------------------------------------===//

namespace {

DType vectorDType(Value value) {
  return getDType(
      cast<lpuc::lpu::VectorType>(value.getType()).getElementType());
}

/// The element type the instruction word names (ISA.def's Types column):
/// MXM instructions their input's (an install its weights'), conversions
/// their source's, writes and weight loads their operand's, every other
/// typed instruction its result's.
DType wordDType(InstructionOpInterface inst) {
  Operation *op = inst.getOperation();
  switch (::lpu::getInstructionInfo(inst.getOpcode()).types) {
  case ::lpu::TypeSet::None:
    return DType::None;
  case ::lpu::TypeSet::Any:
    // The vector moved: a write's or weight load's operand, else the result.
    return vectorDType(op->getNumResults() ? op->getResult(0)
                                           : op->getOperand(0));
  case ::lpu::TypeSet::MatMul:
    if (auto iw = dyn_cast<InstallWeightsOp>(op))
      return getDType(iw.getElementType());
    return vectorDType(op->getOperand(0));
  case ::lpu::TypeSet::Arith:
  case ::lpu::TypeSet::Float:
    return vectorDType(isa<ConvertOp>(op) ? op->getOperand(0)
                                          : op->getResult(0));
  }
  return DType::None;
}

uint32_t immediateOf(Operation *op) {
  return TypeSwitch<Operation *, uint32_t>(op)
      .Case([](ScaleOp scale) {
        return ::lpu::floatToWord(scale.getFactor().convertToFloat());
      })
      .Case([](DivScalarOp div) {
        return ::lpu::floatToWord(div.getDivisor().convertToFloat());
      })
      .Case([](LoadWeightsOp lw) {
        return ::lpu::encodeLoad(uint32_t(lw.getRow()),
                                 uint32_t(lw.getValues().size()));
      })
      .Case([](InstallWeightsOp iw) {
        return ::lpu::encodeInstall(uint32_t(iw.getRows()), iw.getTransposed(),
                                    uint32_t(iw.getWindow().value_or(0)));
      })
      .Case([](DistributeOp d) {
        return uint32_t(d.getLane() | (d.getWidth() << 16));
      })
      .Case([](ShiftOp s) {
        return static_cast<uint32_t>(static_cast<int32_t>(s.getAmount()));
      })
      .Case([](ConvertOp convert) {
        return uint32_t(vectorDType(convert.getResult())) |
               (convert.getTowardZero() ? ::lpu::kConvertTowardZero : 0);
      })
      .Case([](ModOp mod) { return uint32_t(mod.getTruncated()); })
      .Case<GatherOp, ScatterOp>([](auto table) {
        ::lpu::GatherFields f;
        f.count = uint32_t(table.getCount());
        f.stride = uint32_t(table.getStride());
        f.faultBelow = table.getFaultBelow();
        f.faultAbove = table.getFaultAbove();
        return ::lpu::encodeGather(f);
      })
      .Case([](NopOp nop) { return uint32_t(nop.getCount()); })
      .Default([](Operation *) { return 0u; });
}

} // namespace

MachineProgram lpuc::lpu::importProgram(ProgramOp program) {
  MachineProgram machine(program.getTargetDesc());
  machine.name = program.getSymName().str();
  machine.cycles = program.getCycles();
  machine.addOrigin(program.getLoc());
  llvm::DenseMap<Operation *, int32_t> index;
  for (Operation &op : program.getBodyBlock()) {
    if (auto buffer = dyn_cast<BufferOp>(op)) {
      MachineBuffer b;
      b.kind = buffer.getKind();
      b.name = buffer.getName().str();
      b.type = cast<RankedTensorType>(buffer.getTensorType());
      if (auto init = buffer.getInit())
        b.init = *init;
      b.origin = machine.addOrigin(buffer.getLoc());
      b.layout = buffer.getLayout(*machine.target);
      b.blockRows = buffer.getBlockRows().value_or(1);
      b.minParts = buffer.getMinParts().value_or(1);
      b.hostType = buffer.getHostType().value_or(Type());
      if (std::optional<StringRef> state = buffer.getStateOf())
        for (auto [k, other] : llvm::enumerate(machine.buffers))
          if (other.kind == BufferKind::Input && other.name == *state)
            b.stateOf = int32_t(k);
      if (buffer.isAllocated())
        for (int64_t i = 0, e = buffer.getNumParts(); i < e; ++i) {
          auto [slice, address] = buffer.getPart(i);
          b.parts.push_back({int32_t(slice), int32_t(address)});
        }
      b.position = machine.instrs.size();
      index[&op] = machine.buffers.size();
      machine.buffers.push_back(std::move(b));
      continue;
    }
    auto inst = cast<InstructionOpInterface>(op);
    MachineInstr m;
    m.opcode = inst.getOpcode();
    m.queueKind = getQueueKind(inst);
    m.dtype = wordDType(inst);
    if (op.getNumResults())
      m.resultType = vectorDType(op.getResult(0));
    for (Value operand : op.getOperands()) {
      if (isa<lpuc::lpu::VectorType>(operand.getType()))
        m.operands.push_back(index.lookup(operand.getDefiningOp()));
      else
        m.buffer = index.lookup(operand.getDefiningOp());
    }
    if (m.buffer >= 0)
      m.offset = int32_t(getBufferOffset(&op));
    m.imm = immediateOf(&op);
    m.origin = machine.addOrigin(op.getLoc());
    m.unit = int32_t(inst.getUnitIndex().value_or(-1));
    m.cycle = inst.getIssueCycle().value_or(-1);
    m.stream = int16_t(inst.getResultStream().value_or(-1));
    index[&op] = machine.instrs.size();
    machine.instrs.push_back(m);
  }
  return machine;
}

//===----------------------------------------------------------------------===//
// Materialization
//===----------------------------------------------------------------------===//

namespace {

/// Every instruction op's name, by opcode.
template <typename... Ops> struct InstructionNames {
  std::array<StringRef, ::lpu::kNumOpcodes> names;
  InstructionNames() { (add<Ops>(), ...); }
  template <typename Op> void add() {
    if constexpr (Op::template hasTrait<InstructionOpInterface::Trait>())
      names[static_cast<unsigned>(Op::kOpcode)] = Op::getOperationName();
  }
};

StringRef instructionName(Opcode opcode) {
  static const InstructionNames<
#define GET_OP_LIST
#include "dialects/LPU/LPUOps.cpp.inc"
      >
      table;
  return table.names[static_cast<unsigned>(opcode)];
}

} // namespace

void lpuc::lpu::materializeProgram(const MachineProgram &machine,
                                   ProgramOp program) {
  MLIRContext *context = program.getContext();
  Builder b(context);
  Block &body = program.getBodyBlock();
  while (!body.empty())
    body.back().erase();
  OpBuilder builder = OpBuilder::atBlockEnd(&body);
  if (machine.cycles)
    program.setCyclesAttr(b.getI64IntegerAttr(*machine.cycles));
  else
    program.removeCyclesAttr();

  std::vector<Value> buffers(machine.buffers.size());
  std::vector<Value> results(machine.instrs.size());
  auto createBuffer = [&](size_t i) {
    const MachineBuffer &m = machine.buffers[i];
    auto buffer = BufferOp::create(
        builder, machine.origins[m.origin], BufferType::get(context), m.kind,
        m.name, m.type, m.init, IntegerAttr(), IntegerAttr(),
        DenseI32ArrayAttr(), IntegerAttr(), IntegerAttr(),
        m.hostType ? TypeAttr::get(m.hostType) : TypeAttr(),
        m.stateOf >= 0 ? b.getStringAttr(machine.buffers[m.stateOf].name)
                       : StringAttr());
    if (m.isAllocated()) {
      buffer.setSliceAttr(b.getI32IntegerAttr(m.parts[0].first));
      buffer.setAddressAttr(b.getI32IntegerAttr(m.parts[0].second));
      if (m.parts.size() > 1) {
        SmallVector<int32_t> spread;
        for (auto [slice, address] : llvm::drop_begin(m.parts))
          spread.append({slice, address});
        buffer.setSpreadAttr(b.getDenseI32ArrayAttr(spread));
      }
    }
    if (m.blockRows != 1)
      buffer.setBlockRowsAttr(b.getI64IntegerAttr(m.blockRows));
    if (m.minParts != 1)
      buffer.setMinPartsAttr(b.getI64IntegerAttr(m.minParts));
    buffers[i] = buffer;
  };

  // An instruction's operands exist before it in program order, except
  // those the scheduler added later (moves): those go right before their
  // consumer.
  std::function<void(InstrId)> create = [&](InstrId id) {
    const MachineInstr &m = machine.instrs[id];
    for (unsigned k = 0; k < m.numOperands(); ++k)
      if (!results[m.operands[k]])
        create(m.operands[k]);
    OperationState state(machine.origins[m.origin], instructionName(m.opcode));
    for (unsigned k = 0; k < m.numOperands(); ++k)
      state.addOperands(results[m.operands[k]]);
    if (m.accessesSram()) {
      if (m.opcode == Opcode::Read)
        state.operands.insert(state.operands.begin(), buffers[m.buffer]);
      else
        state.addOperands(buffers[m.buffer]);
      state.addAttribute("offset", b.getI64IntegerAttr(m.offset));
    }
    if (m.hasResult())
      state.addTypes(lpuc::lpu::VectorType::get(
          context, getElementType(context, m.resultType)));
    switch (m.opcode) {
    case Opcode::Scale:
      state.addAttribute("factor",
                         b.getF32FloatAttr(::lpu::wordToFloat(m.imm)));
      break;
    case Opcode::DivScalar:
      state.addAttribute("divisor",
                         b.getF32FloatAttr(::lpu::wordToFloat(m.imm)));
      break;
    case Opcode::LoadWeights:
      state.addAttribute("row",
                         b.getI64IntegerAttr(::lpu::decodeLoad(m.imm).row));
      break;
    case Opcode::InstallWeights: {
      ::lpu::InstallFields f = ::lpu::decodeInstall(m.imm);
      state.addAttribute("rows", b.getI64IntegerAttr(f.rows));
      if (f.transposed)
        state.addAttribute("transposed", b.getUnitAttr());
      if (f.window)
        state.addAttribute("window", b.getI64IntegerAttr(f.window));
    }
      state.addAttribute("element_type",
                         TypeAttr::get(getElementType(context, m.dtype)));
      break;
    case Opcode::Distribute:
      state.addAttribute("lane", b.getI64IntegerAttr(m.imm & 0xffff));
      state.addAttribute("width", b.getI64IntegerAttr(m.imm >> 16));
      break;
    case Opcode::Shift:
      state.addAttribute("amount",
                         b.getI64IntegerAttr(static_cast<int32_t>(m.imm)));
      break;
    case Opcode::Convert:
      if (m.imm & ::lpu::kConvertTowardZero)
        state.addAttribute("toward_zero", b.getUnitAttr());
      break;
    case Opcode::Mod:
      if (m.imm)
        state.addAttribute("truncated", b.getUnitAttr());
      break;
    case Opcode::Gather:
    case Opcode::Scatter: {
      ::lpu::GatherFields f = ::lpu::decodeGather(m.imm);
      state.addAttribute("count", b.getI64IntegerAttr(f.count));
      state.addAttribute("stride", b.getI64IntegerAttr(f.stride));
      if (f.faultBelow)
        state.addAttribute("fault_below", b.getUnitAttr());
      if (f.faultAbove)
        state.addAttribute("fault_above", b.getUnitAttr());
      break;
    }
    case Opcode::Nop:
      state.addAttribute("count", b.getI64IntegerAttr(m.imm));
      state.addAttribute("unit_kind",
                         b.getStringAttr(::lpu::unitKindName(m.queueKind)));
      break;
    default:
      break;
    }
    if (m.cycle >= 0)
      state.addAttribute("cycle", b.getI64IntegerAttr(m.cycle));
    if (m.unit >= 0)
      state.addAttribute("unit", b.getI32IntegerAttr(m.unit));
    if (m.stream >= 0)
      state.addAttribute("stream", b.getI32IntegerAttr(m.stream));
    Operation *op = builder.create(state);
    if (m.hasResult())
      results[id] = op->getResult(0);
  };
  // Instructions without a result are created once, in order; the others
  // on first need or in order, whichever comes first.
  std::vector<bool> done(machine.instrs.size(), false);
  std::vector<size_t> bufferOrder(machine.buffers.size());
  std::iota(bufferOrder.begin(), bufferOrder.end(), 0);
  llvm::stable_sort(bufferOrder, [&](size_t a, size_t b) {
    return machine.buffers[a].position < machine.buffers[b].position;
  });
  size_t nextBuffer = 0;
  for (InstrId id = 0, e = machine.instrs.size(); id < e; ++id) {
    while (nextBuffer < bufferOrder.size() &&
           machine.buffers[bufferOrder[nextBuffer]].position <= id)
      createBuffer(bufferOrder[nextBuffer++]);
    const MachineInstr &m = machine.instrs[id];
    if (m.hasResult() ? !results[id] : !done[id]) {
      create(id);
      done[id] = true;
    }
  }
  while (nextBuffer < bufferOrder.size())
    createBuffer(bufferOrder[nextBuffer++]);
}
