//===- Assembly.cpp - Printing LPU programs as assembly -------------------===//

#include "lpu/Binary.h"

#include <cstring>
#include <iomanip>
#include <sstream>

namespace lpu {

std::string formatInstruction(const TargetDesc &target,
                              const Instruction &inst) {
  const InstructionInfo &info = getInstructionInfo(inst.opcode);
  std::ostringstream os;
  os << info.mnemonic;
  const char *sep = " ";
  auto operand = [&](const std::string &text) {
    os << sep << text;
    sep = ", ";
  };
  if (info.usesAddress && inst.opcode == Opcode::Read)
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
  case ImmKind::Row:
    operand("row " + std::to_string(inst.imm));
    break;
  case ImmKind::F32: {
    float f;
    std::memcpy(&f, &inst.imm, 4);
    std::ostringstream num;
    num << std::setprecision(9) << f;
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
  }
  if (info.hasResult)
    os << " -> " << streamName(target, inst.dst);
  if (info.usesAddress && inst.opcode == Opcode::Write)
    os << " -> [" << inst.address << "]";
  return os.str();
}

namespace {
void printBinding(std::ostream &os, const char *role, const TensorBinding &b) {
  os << "; " << role << " " << b.name << " : " << dtypeName(b.dtype) << "[";
  for (size_t i = 0; i < b.shape.size(); ++i)
    os << (i ? "x" : "") << b.shape[i];
  os << "] at mem[" << b.slice << "]:" << b.address << " (" << b.layout.rows
     << " rows x " << b.layout.vectorsPerRow << " vectors)\n";
}
} // namespace

void printAssembly(const Binary &binary, std::ostream &os) {
  const TargetDesc &t = binary.target;
  os << "; target " << t.name << ": " << t.lanes << " lanes, " << t.memSlices
     << " MEM slices x " << t.memAddresses << " addresses, "
     << t.streamsPerDirection << "+" << t.streamsPerDirection << " streams, "
     << t.vxmUnits << " VXM, " << t.mxmPlanes << " MXM planes, " << t.sxmUnits
     << " SXM, " << t.clockMHz << " MHz\n";
  os << "; producer: " << binary.producer << "\n";
  for (const TensorBinding &b : binary.inputs)
    printBinding(os, "input ", b);
  for (const TensorBinding &b : binary.outputs)
    printBinding(os, "output", b);
  size_t vectors = 0;
  for (const SramSegment &s : binary.sram)
    vectors += s.data.size() / t.lanes;
  os << "; sram image: " << binary.sram.size() << " segments, " << vectors
     << " vectors\n";
  for (const SramSegment &s : binary.sram)
    os << ";   mem[" << s.slice << "]:" << s.address << " +"
       << s.data.size() / t.lanes << "\n";
  for (const UnitProgram &u : binary.units) {
    os << "\n" << unitKindName(u.kind) << "[" << u.index << "]:\n";
    uint64_t cycle = 0;
    for (const Instruction &inst : u.instructions) {
      os << "  @" << std::left << std::setw(8) << cycle << std::right
         << formatInstruction(t, inst) << "\n";
      cycle += inst.opcode == Opcode::Nop ? inst.imm : 1;
    }
  }
}

} // namespace lpu
