//===- BinaryEmitter.cpp - lpu.program to .lpu binary ---------------------===//

#include "compiler/Target/BinaryEmitter.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cstring>
#include <map>

using namespace mlir;
using namespace lpuc;
using namespace lpuc::lpu;

StringRef lpuc::getProducerString() { return "lpuc " LPUC_VERSION; }

namespace {

/// The instruction word for one instruction, issue cycle aside.
::lpu::Instruction encode(const MachineProgram &program,
                          const MachineInstr &inst) {
  ::lpu::Instruction word;
  word.opcode = inst.opcode;
  word.dtype = inst.dtype;
  word.imm = inst.imm;
  if (inst.stream >= 0)
    word.dst = static_cast<uint8_t>(inst.stream);
  // The source fields name stream groups; an `lw`'s further rows follow its
  // first on consecutive groups (the scheduler put them there).
  for (unsigned k = 0; k < inst.info().numSources; ++k)
    (k == 0 ? word.src0 : word.src1) =
        static_cast<uint8_t>(program.instrs[inst.operands[k]].stream);
  if (inst.accessesSram())
    word.address = static_cast<uint32_t>(program.sramLocation(inst).second);
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
void encodeQueue(const ::lpu::TargetDesc &target,
                 llvm::ArrayRef<std::pair<int64_t, ::lpu::Instruction>> words,
                 ::lpu::InstructionQueue &out) {
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
    const int64_t span = ::lpu::queueCycles(target, word);
    cycle = issue + span;
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
        cycle = issue + count * stride + span;
      } else {
        end = i + 1;
      }
    }
    i = end;
  }
}

} // namespace

FailureOr<::lpu::Binary> lpuc::buildBinary(const MachineProgram &program) {
  if (!program.cycles)
    return emitError(program.location(),
                     "cannot encode an unscheduled program");
  const ::lpu::TargetDesc &target = *program.target;
  ::lpu::Binary binary;
  binary.target = target;
  binary.producer = getProducerString().str();

  // A state output names its input by the input's place in the binary.
  llvm::DenseMap<int32_t, int32_t> inputIndex;
  for (auto [k, buffer] : llvm::enumerate(program.buffers))
    if (buffer.kind == BufferKind::Input)
      inputIndex.try_emplace(int32_t(k), int32_t(inputIndex.size()));
  for (const MachineBuffer &buffer : program.buffers) {
    if (!buffer.isAllocated())
      return emitError(program.origins[buffer.origin],
                       "cannot encode an unallocated buffer");
    const ::lpu::TensorLayout &layout = buffer.layout;
    switch (buffer.kind) {
    case BufferKind::Input:
    case BufferKind::Output: {
      ::lpu::TensorBinding binding;
      binding.name = buffer.name;
      if (!::lpu::isValidTensorName(binding.name))
        return emitError(program.origins[buffer.origin],
                         "graph input or output name is empty, longer than ")
               << ::lpu::kMaxTensorNameBytes
               << " bytes or holds a control character";
      binding.dtype = getDType(buffer.type.getElementType());
      binding.host = ::lpu::hostTypeOf(binding.dtype);
      if (buffer.hostType) {
        std::optional<::lpu::HostType> host = hostTypeFor(buffer.hostType);
        if (!host || !::lpu::holdsHostType(binding.dtype, *host))
          return emitError(program.origins[buffer.origin], "'")
                 << buffer.name << "' cannot be passed as " << buffer.hostType;
        binding.host = *host;
      }
      binding.shape.assign(buffer.type.getShape().begin(),
                           buffer.type.getShape().end());
      binding.layout = layout;
      binding.blockRows = buffer.blockRows;
      if (buffer.stateOf >= 0)
        binding.stateOf = inputIndex.lookup(buffer.stateOf);
      for (auto [slice, address] : buffer.parts)
        binding.parts.push_back({uint32_t(slice), uint32_t(address)});
      (buffer.kind == BufferKind::Input ? binary.inputs : binary.outputs)
          .push_back(std::move(binding));
      break;
    }
    case BufferKind::Constant: {
      std::optional<std::vector<char>> values = readElementBytes(buffer.init);
      const ::lpu::DType dtype = getDType(buffer.type.getElementType());
      const size_t width = ::lpu::dtypeHostBytes(dtype);
      if (!values)
        return emitError(program.origins[buffer.origin], "constant data of '")
               << buffer.name << "' is unavailable (elided?)";
      // One segment per non-empty part, each the part's rows in order.
      const int64_t parts = buffer.parts.size();
      std::vector<size_t> partOffset(parts);
      for (int64_t i = 0; i < parts; ++i)
        if (int64_t addresses = buffer.partAddresses(parts, i))
          partOffset[i] = binary.addSramSegment(buffer.parts[i].first,
                                                buffer.parts[i].second,
                                                uint32_t(addresses));
      const ::lpu::PartDeal deal = buffer.deal(parts);
      for (int64_t r = 0; r < layout.rows; ++r)
        for (int64_t j = 0; j < layout.vectorsPerRow; ++j) {
          auto [part, local] =
              deal.locate(layout, r * layout.vectorsPerRow + j);
          int64_t first = j * target.lanes;
          int64_t count =
              std::min<int64_t>(target.lanes, layout.rowLength - first);
          uint8_t *planes = binary.sramBytes.data() + partOffset[part] +
                            local * target.planeBytes();
          for (int64_t l = 0; l < count; ++l)
            ::lpu::storeLaneElement(
                target, dtype,
                reinterpret_cast<const uint8_t *>(values->data()) +
                    (r * layout.rowLength + first + l) * width,
                uint32_t(l), planes);
        }
      break;
    }
    case BufferKind::Scratch:
      break;
    }
  }

  // One queue per (unit kind, index), kind-major: the order is stable.
  std::vector<std::vector<std::pair<int64_t, InstrId>>> queues;
  std::vector<size_t> firstQueue;
  for (unsigned k = 0; k < ::lpu::kNumUnitKinds; ++k) {
    firstQueue.push_back(queues.size());
    queues.resize(queues.size() +
                  target.unitCount(static_cast<::lpu::UnitKind>(k)));
  }
  for (InstrId id = 0, e = program.instrs.size(); id < e; ++id) {
    const MachineInstr &inst = program.instrs[id];
    queues[firstQueue[static_cast<unsigned>(inst.queueKind)] + inst.unit]
        .push_back({inst.cycle, id});
  }
  for (unsigned k = 0; k < ::lpu::kNumUnitKinds; ++k) {
    auto kind = static_cast<::lpu::UnitKind>(k);
    for (uint32_t index = 0; index < target.unitCount(kind); ++index) {
      auto &entries = queues[firstQueue[k] + index];
      if (entries.empty())
        continue;
      std::stable_sort(
          entries.begin(), entries.end(),
          [](const auto &a, const auto &b) { return a.first < b.first; });
      ::lpu::UnitProgram unit;
      unit.kind = kind;
      unit.index = index;
      std::vector<std::pair<int64_t, ::lpu::Instruction>> words;
      words.reserve(entries.size());
      for (auto [issue, id] : entries) {
        if (!words.empty() &&
            issue < words.back().first + int64_t(::lpu::queueCycles(
                                             target, words.back().second)))
          return emitError(program.locationOf(program.instrs[id]),
                           "overlaps the previous instruction of ")
                 << ::lpu::unitKindName(kind).data() << "[" << index
                 << "] at cycle " << issue;
        words.push_back({issue, encode(program, program.instrs[id])});
      }
      encodeQueue(target, words, unit.instructions);
      binary.units.push_back(std::move(unit));
    }
  }
  return binary;
}
