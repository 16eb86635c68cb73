//===- BinaryEmitter.cpp - lpu.program to .lpu binary ---------------------===//

#include "compiler/Target/BinaryEmitter.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cstring>
#include <map>

using namespace mlir;
using namespace lpuc;
using namespace lpuc::lpu;

StringRef lpuc::getProducerString() { return "lpuc 0.1.0"; }

namespace {

uint8_t streamOf(Value value) {
  auto producer = value.getDefiningOp<InstructionOpInterface>();
  return static_cast<uint8_t>(*producer.getResultStream());
}

uint32_t floatBits(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  return bits;
}

::lpu::DType elementDType(Value vector) {
  return getDType(
      cast<lpuc::lpu::VectorType>(vector.getType()).getElementType());
}

/// The element type an instruction computes in (ISA.def's Types column).
::lpu::DType dtypeOf(InstructionOpInterface inst) {
  Operation *op = inst.getOperation();
  switch (::lpu::getInstructionInfo(inst.getOpcode()).types) {
  case ::lpu::TypeSet::None:
    return ::lpu::DType::None;
  case ::lpu::TypeSet::MatMul:
    if (auto iw = dyn_cast<InstallWeightsOp>(op))
      return getDType(iw.getElementType());
    return elementDType(op->getOperand(0));
  case ::lpu::TypeSet::Arith:
  case ::lpu::TypeSet::Float:
    // Conversions are typed by their source, everything else by its result.
    return elementDType(isa<ConvertOp>(op) ? op->getOperand(0)
                                           : op->getResult(0));
  }
  return ::lpu::DType::None;
}

/// The instruction word for one op, issue cycle aside.
::lpu::Instruction encode(InstructionOpInterface inst) {
  ::lpu::Instruction word;
  word.opcode = inst.getOpcode();
  word.dtype = dtypeOf(inst);
  Operation *op = inst.getOperation();
  if (auto stream = inst.getResultStream())
    word.dst = static_cast<uint8_t>(*stream);
  unsigned src = 0;
  for (Value operand : op->getOperands()) {
    if (!isa<lpuc::lpu::VectorType>(operand.getType()))
      continue;
    (src++ == 0 ? word.src0 : word.src1) = streamOf(operand);
  }
  TypeSwitch<Operation *>(op)
      .Case<ReadOp, WriteOp>(
          [&](auto mem) { word.address = getSramAddress(mem); })
      .Case([&](ScaleOp scale) {
        word.imm = floatBits(scale.getFactor().convertToFloat());
      })
      .Case([&](LoadWeightsOp lw) { word.imm = lw.getRow(); })
      .Case([&](InstallWeightsOp iw) {
        word.imm = static_cast<uint32_t>(iw.getRows()) |
                   (iw.getTransposed() ? 1u << 16 : 0u);
      })
      .Case([&](DistributeOp d) {
        word.imm = static_cast<uint32_t>(d.getLane() | (d.getWidth() << 16));
      })
      .Case([&](ShiftOp s) {
        word.imm = static_cast<uint32_t>(static_cast<int32_t>(s.getAmount()));
      })
      .Case([&](ConvertOp convert) {
        word.imm = static_cast<uint32_t>(elementDType(convert.getResult()));
      })
      .Case([&](NopOp nop) { word.imm = nop.getCount(); });
  return word;
}

/// Whether `b` is `a` issued again with its address moved by `step`.
bool isRepeatOf(const ::lpu::Instruction &a, const ::lpu::Instruction &b,
                int64_t step) {
  return a.opcode == b.opcode && a.dst == b.dst && a.src0 == b.src0 &&
         a.src1 == b.src1 && a.imm == b.imm && a.dtype == b.dtype &&
         int64_t(b.address) - int64_t(a.address) == step;
}

/// Writes one queue: idle gaps become NOPs, and runs of an instruction issued
/// at a fixed stride with a fixed address step become one `repeat`.
void encodeQueue(llvm::ArrayRef<std::pair<int64_t, ::lpu::Instruction>> words,
                 std::vector<::lpu::Instruction> &out) {
  int64_t cycle = 0;
  for (size_t i = 0; i < words.size();) {
    auto [issue, word] = words[i];
    // A NOP counts at most 2^32-1 cycles.
    while (issue > cycle) {
      ::lpu::Instruction nop;
      nop.imm =
          static_cast<uint32_t>(std::min<int64_t>(issue - cycle, UINT32_MAX));
      out.push_back(nop);
      cycle += nop.imm;
    }
    out.push_back(word);
    cycle = issue + ::lpu::queueCycles(word);
    size_t end = i + 1;
    if (word.opcode != ::lpu::Opcode::Nop && end < words.size()) {
      int64_t stride = words[end].first - issue;
      int64_t step = int64_t(words[end].second.address) - word.address;
      while (end < words.size() && end - i <= 0xffff && stride <= 0xffff &&
             words[end].first - words[end - 1].first == stride &&
             isRepeatOf(words[end - 1].second, words[end].second, step))
        ++end;
      uint32_t count = end - i - 1;
      // Worth a word when it replaces two or more, or one plus its NOP.
      if (count >= 2 || (count == 1 && stride > 1)) {
        ::lpu::Instruction repeat;
        repeat.opcode = ::lpu::Opcode::Repeat;
        repeat.imm = count | static_cast<uint32_t>(stride) << 16;
        repeat.address = static_cast<uint32_t>(static_cast<int32_t>(step));
        out.push_back(repeat);
        cycle = issue + count * stride + 1;
      } else {
        end = i + 1;
      }
    }
    i = end;
  }
}

std::vector<int64_t> shapeOf(BufferOp buffer) {
  auto shape = buffer.getTensorType().getShape();
  return std::vector<int64_t>(shape.begin(), shape.end());
}

} // namespace

FailureOr<::lpu::Binary> lpuc::buildBinary(ProgramOp program) {
  if (!program.getCycles())
    return program.emitError("cannot encode an unscheduled program");
  const ::lpu::TargetDesc &target = program.getTargetDesc();
  ::lpu::Binary binary;
  binary.target = target;
  binary.producer = getProducerString().str();

  for (BufferOp buffer : program.getBodyBlock().getOps<BufferOp>()) {
    if (!buffer.isAllocated())
      return buffer.emitError("cannot encode an unallocated buffer");
    ::lpu::TensorLayout layout = buffer.getLayout(target);
    switch (buffer.getKind()) {
    case BufferKind::Input:
    case BufferKind::Output: {
      ::lpu::TensorBinding binding;
      binding.name = buffer.getName().str();
      binding.dtype = getDType(buffer.getTensorType().getElementType());
      binding.shape = shapeOf(buffer);
      binding.slice = *buffer.getSlice();
      binding.address = *buffer.getAddress();
      binding.layout = layout;
      (buffer.getKind() == BufferKind::Input ? binary.inputs : binary.outputs)
          .push_back(std::move(binding));
      break;
    }
    case BufferKind::Constant: {
      std::optional<std::vector<uint32_t>> values =
          readLaneWords(*buffer.getInit());
      if (!values)
        return buffer.emitError("constant data of '")
               << buffer.getName() << "' is unavailable (elided?)";
      ::lpu::SramSegment segment;
      segment.slice = *buffer.getSlice();
      segment.address = *buffer.getAddress();
      segment.data.assign(layout.numVectors() * target.lanes, 0u);
      for (int64_t r = 0; r < layout.rows; ++r)
        std::copy_n(values->begin() + r * layout.rowLength, layout.rowLength,
                    segment.data.begin() +
                        r * layout.vectorsPerRow * target.lanes);
      binary.sram.push_back(std::move(segment));
      break;
    }
    case BufferKind::Scratch:
      break;
    }
  }

  // Queues keyed by (unit kind, index): std::map keeps the order stable.
  std::map<std::pair<unsigned, uint32_t>,
           std::vector<std::pair<int64_t, InstructionOpInterface>>>
      queues;
  for (auto inst : program.getBodyBlock().getOps<InstructionOpInterface>())
    queues[{static_cast<unsigned>(getQueueKind(inst)),
            static_cast<uint32_t>(*inst.getUnitIndex())}]
        .push_back({*inst.getIssueCycle(), inst});
  for (auto &[key, entries] : queues) {
    std::stable_sort(
        entries.begin(), entries.end(),
        [](const auto &a, const auto &b) { return a.first < b.first; });
    ::lpu::UnitProgram unit;
    unit.kind = static_cast<::lpu::UnitKind>(key.first);
    unit.index = key.second;
    std::vector<std::pair<int64_t, ::lpu::Instruction>> words;
    for (auto &[issue, inst] : entries) {
      if (!words.empty() &&
          issue < words.back().first +
                      int64_t(::lpu::queueCycles(words.back().second)))
        return inst.emitError("overlaps the previous instruction of ")
               << ::lpu::unitKindName(unit.kind).data() << "[" << unit.index
               << "] at cycle " << issue;
      words.push_back({issue, encode(inst)});
    }
    encodeQueue(words, unit.instructions);
    binary.units.push_back(std::move(unit));
  }
  return binary;
}
