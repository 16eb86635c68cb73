//===- Assembly.cpp - Printing LPU programs as assembly -------------------===//

#include "lpu/Binary.h"
#include "lpu/MachineRules.h"

#include <cstring>
#include <iomanip>
#include <sstream>

namespace lpu {

std::string formatInstruction(const TargetDesc &target,
                              const Instruction &inst) {
  const InstructionInfo &info = getInstructionInfo(inst.opcode);
  std::ostringstream os;
  os << info.mnemonic;
  if (inst.dtype != DType::None)
    os << "." << dtypeName(inst.dtype);
  const char *sep = " ";
  auto operand = [&](const std::string &text) {
    os << sep << text;
    sep = ", ";
  };
  if (info.usesAddress && !writesSram(inst.opcode)) // read, gather
    operand("[" + std::to_string(inst.address) + "]");
  if (info.numSources > 0)
    operand(streamName(target, inst.src0));
  if (info.numSources > 1)
    operand(streamName(target, inst.src1));
  switch (info.imm) {
  case ImmKind::None:
    break;
  case ImmKind::Count:
    operand(std::to_string(inst.imm));
    break;
  case ImmKind::Install: {
    InstallFields f = decodeInstall(inst.imm);
    operand(std::to_string(f.rows));
    if (f.transposed)
      operand("transposed");
    if (f.window)
      operand("window " + std::to_string(f.window));
    break;
  }
  case ImmKind::Load: {
    LoadFields f = decodeLoad(inst.imm);
    operand(f.rows == 1 ? "row " + std::to_string(f.row)
                        : "rows " + std::to_string(f.row) + ".." +
                              std::to_string(f.row + f.rows - 1));
    break;
  }
  case ImmKind::F32: {
    std::ostringstream num;
    num << std::setprecision(9) << wordToFloat(inst.imm);
    operand(num.str());
    break;
  }
  case ImmKind::LaneWidth:
    operand("lane " + std::to_string(inst.imm & 0xffff));
    operand("width " + std::to_string(inst.imm >> 16));
    break;
  case ImmKind::Shift:
    operand(std::to_string(static_cast<int32_t>(inst.imm)));
    break;
  case ImmKind::DType:
    operand("to " + std::string(dtypeName(convertResultType(inst.imm))));
    if (inst.imm & kConvertTowardZero)
      operand("toward zero");
    break;
  case ImmKind::Flag:
    operand(std::to_string(inst.imm));
    break;
  case ImmKind::Gather: {
    const GatherFields f = decodeGather(inst.imm);
    operand("count " + std::to_string(f.count));
    operand("stride " + std::to_string(f.stride));
    if (f.faultBelow)
      operand("fault below");
    if (f.faultAbove)
      operand("fault above");
    break;
  }
  case ImmKind::Repeat:
    operand(std::to_string(inst.imm & 0xffff));
    operand("every " + std::to_string(inst.imm >> 16));
    operand("step " + std::to_string(static_cast<int32_t>(inst.address)));
    break;
  }
  if (info.hasResult)
    os << " -> " << streamName(target, inst.dst);
  if (info.usesAddress && writesSram(inst.opcode))
    os << " -> [" << inst.address << "]";
  return os.str();
}

namespace {
std::string_view immMeaning(ImmKind kind) {
  switch (kind) {
  case ImmKind::None:
    return "0";
  case ImmKind::Count:
    return "count >= 1";
  case ImmKind::Install:
    return "rows \\| transposed << 16 \\| window << 17";
  case ImmKind::Load:
    return "row \\| (rows - 1) << 16; rows <= load_bytes / element bytes";
  case ImmKind::F32:
    return "binary32 bits";
  case ImmKind::LaneWidth:
    return "lane \\| width << 16";
  case ImmKind::Shift:
    return "signed shift, abs < lanes";
  case ImmKind::DType:
    return "element type \\| toward zero << 8";
  case ImmKind::Flag:
    return "0 or 1";
  case ImmKind::Gather:
    return "count \\| stride << 16 \\| fault below << 24 \\| fault above << 25";
  case ImmKind::Repeat:
    return "count \\| stride << 16 (address: step)";
  }
  return "?";
}

std::string_view typeSetText(TypeSet set) {
  switch (set) {
  case TypeSet::None:
    return "none";
  case TypeSet::Any:
  case TypeSet::Arith:
    return "f32 f16 bf16 i32 i8";
  case TypeSet::Float:
    return "f32 f16 bf16";
  case TypeSet::MatMul:
    return "f32 f16 bf16 i8";
  }
  return "?";
}
} // namespace

void printInstructionTable(std::ostream &os) {
  os << "| opcode | mnemonic | unit | sources | result | address | immediate "
        "| types | semantics |\n"
     << "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n";
  for (unsigned i = 0; i < kNumOpcodes; ++i) {
    const InstructionInfo &info = getInstructionInfo(static_cast<Opcode>(i));
    os << "| " << i << " | `" << info.mnemonic << "` | "
       << unitKindName(info.unit) << " | " << info.numSources << " | "
       << (info.hasResult ? "stream" : "-") << " | "
       << (info.usesAddress ? "yes" : "-") << " | " << immMeaning(info.imm)
       << " | " << typeSetText(info.types) << " | " << info.summary << " |\n";
  }
}

void printTargetTables(const std::vector<TargetDesc> &targets,
                       std::ostream &os) {
  auto row = [&](const std::string &name, auto value) {
    os << "| " << name;
    for (const TargetDesc &t : targets)
      os << " | " << value(t);
    os << " |\n";
  };
  os << "| parameter";
  for (const TargetDesc &t : targets)
    os << " | `" << t.name << "`";
  os << " |\n| ---";
  for (size_t i = 0; i < targets.size(); ++i)
    os << " | ---";
  os << " |\n";
  row("lanes (superlanes)", [](const TargetDesc &t) {
    return std::to_string(t.lanes) + " (" + std::to_string(t.superlanes) + ")";
  });
  row("slices, west to east", [](const TargetDesc &t) {
    std::string text;
    for (uint32_t i = 0; i < t.floorplan.size();) {
      uint32_t j = i;
      while (j < t.floorplan.size() && t.floorplan[j] == t.floorplan[i])
        ++j;
      text += (text.empty() ? "" : " ") +
              std::string(sliceKindName(t.floorplan[i]));
      if (j - i > 1)
        text += "x" + std::to_string(j - i);
      i = j;
    }
    return text;
  });
  row("bytes per stream and per SRAM address", [](const TargetDesc &t) {
    return std::to_string(t.planeBytes()) + " (" + std::to_string(t.laneBytes) +
           " per lane)";
  });
  row("streams = addresses per vector", [](const TargetDesc &t) {
    std::string text;
    for (DType d : {DType::I8, DType::F16, DType::BF16, DType::F32, DType::I32})
      text += (text.empty() ? "" : ", ") + std::string(dtypeName(d)) + " " +
              std::to_string(t.planesOf(d));
    return text;
  });
  row("MEM slices x addresses (banks)", [](const TargetDesc &t) {
    return std::to_string(t.memSlices) + " x " +
           std::to_string(t.memAddresses) + " (" + std::to_string(t.memBanks) +
           ")";
  });
  row("SRAM", [](const TargetDesc &t) { return formatBytes(t.sramBytes()); });
  row("streams", [](const TargetDesc &t) {
    return std::to_string(t.streamsPerDirection) + " east + " +
           std::to_string(t.streamsPerDirection) + " west";
  });
  row("VXM types", [](const TargetDesc &t) {
    std::string text;
    for (DType d : t.vxmTypes)
      text += (text.empty() ? "" : " ") + std::string(dtypeName(d));
    return text;
  });
  row("MXM types: K rows, cycles per vector, chip MACs/cycle",
      [](const TargetDesc &t) {
        std::string text;
        for (const MXMRate &rate : t.mxmRates)
          text += (text.empty() ? "" : "; ") +
                  std::string(dtypeName(rate.type)) + " " +
                  std::to_string(rate.rows) + ", " +
                  std::to_string(rate.cycles) + ", " +
                  std::to_string(uint64_t(t.mxmPlanes) * rate.rows * t.lanes /
                                 rate.cycles);
        return text;
      });
  row("weight load (`lw`): bytes per lane per cycle; cycles to fill an array",
      [](const TargetDesc &t) {
        uint32_t fill = 0;
        for (const MXMRate &rate : t.mxmRates)
          fill = std::max(fill, (rate.rows + t.loadRowsOf(rate.type) - 1) /
                                    t.loadRowsOf(rate.type));
        return std::to_string(t.mxmLoadBytes) + " per plane (" +
               std::to_string(t.mxmLoadBytes * t.mxmPlanes) + " chip-wide); " +
               std::to_string(fill);
      });
  row("VXM / MXM (`mxm` + `mxw`) / SXM queues", [](const TargetDesc &t) {
    return std::to_string(t.vxmUnits) + " / " +
           std::to_string(2 * t.mxmPlanes) + " (" +
           std::to_string(t.mxmPlanes) + " + " + std::to_string(t.mxmPlanes) +
           ") / " + std::to_string(t.sxmUnits);
  });
  row("clock",
      [](const TargetDesc &t) { return std::to_string(t.clockMHz) + " MHz"; });
  for (unsigned i = 0; i < kNumOpcodes; ++i)
    row("latency `" +
            std::string(getInstructionInfo(static_cast<Opcode>(i)).mnemonic) +
            "`",
        [i](const TargetDesc &t) { return std::to_string(t.latency[i]); });
}

namespace {
void printBinding(std::ostream &os, const char *role, const TensorBinding &b,
                  const Binary &binary) {
  os << "; " << role << " " << b.name << " : " << hostTypeName(b.host) << "[";
  for (size_t i = 0; i < b.shape.size(); ++i)
    os << (i ? "x" : "") << b.shape[i];
  os << "]";
  if (hostTypeOf(b.dtype) != b.host)
    os << " as " << dtypeName(b.dtype);
  os << " at";
  for (const SramPart &part : b.parts)
    os << " mem[" << part.slice << "]:" << part.address;
  if (b.parts.size() > 1)
    os << " (blocks of " << b.blockRows << " rows)";
  os << " (" << b.layout.rows << " rows x " << b.layout.vectorsPerRow
     << " vectors)";
  if (b.stateOf >= 0)
    os << " (state: the next run's " << binary.inputs[b.stateOf].name << ")";
  os << "\n";
}
} // namespace

void printSummary(const Binary &binary, std::ostream &os) {
  const TargetDesc &t = binary.target;
  os << "; target " << t.name << ": " << t.lanes << " lanes of " << t.laneBytes
     << " byte" << (t.laneBytes > 1 ? "s" : "") << ", " << t.memSlices
     << " MEM slices x " << t.memAddresses << " addresses, "
     << t.streamsPerDirection << "+" << t.streamsPerDirection << " streams, "
     << t.vxmUnits << " VXM, " << t.mxmPlanes << " MXM planes, " << t.sxmUnits
     << " SXM, " << t.numColumns() << " slices, " << t.clockMHz << " MHz\n";
  os << "; producer: " << binary.producer << "\n";
  for (const auto &[key, value] : binary.provenance)
    os << "; " << key << ": " << value << "\n";
  for (const TensorBinding &b : binary.inputs)
    printBinding(os, "input ", b, binary);
  for (const TensorBinding &b : binary.outputs)
    printBinding(os, "output", b, binary);
  size_t addresses = 0;
  for (const SramSegment &s : binary.sram)
    addresses += s.addresses;
  os << "; sram image: " << binary.sram.size() << " segments, " << addresses
     << " addresses\n";
  for (const SramSegment &s : binary.sram)
    os << ";   mem[" << s.slice << "]:" << s.address << " +" << s.addresses
       << "\n";
}

void printAssembly(const Binary &binary, std::ostream &os) {
  const TargetDesc &t = binary.target;
  printSummary(binary, os);
  for (const UnitProgram &u : binary.units) {
    os << "\n"
       << unitKindName(u.kind) << "[" << u.index << "] (slice "
       << t.unitColumn(u.kind, u.index) << "):\n";
    uint64_t cycle = 0, lastIssue = 0;
    for (size_t i = 0; i < u.instructions.size(); ++i) {
      const Instruction &inst = u.instructions[i];
      // A repeat is printed at its first extra issue, `stride` cycles after
      // the instruction it repeats.
      uint64_t at =
          inst.opcode == Opcode::Repeat ? lastIssue + (inst.imm >> 16) : cycle;
      os << "  @" << std::left << std::setw(8) << at << std::right
         << formatInstruction(t, inst) << "\n";
      if (inst.opcode != Opcode::Repeat && inst.opcode != Opcode::Nop)
        lastIssue = cycle;
      cycle += queueCycles(t, inst);
    }
  }
}

} // namespace lpu
