//===- ISA.cpp - LPU instruction table and encoding -----------------------===//

#include "lpu/ISA.h"

#include <cstring>

namespace lpu {

namespace {

void putU32(uint8_t *out, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    out[i] = static_cast<uint8_t>(v >> (8 * i));
}
uint32_t getU32(const uint8_t *in) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i)
    v |= static_cast<uint32_t>(in[i]) << (8 * i);
  return v;
}
} // namespace

std::string_view unitKindName(UnitKind kind) {
  switch (kind) {
  case UnitKind::Mem:
    return "mem";
  case UnitKind::Vxm:
    return "vxm";
  case UnitKind::Mxm:
    return "mxm";
  case UnitKind::Sxm:
    return "sxm";
  case UnitKind::MxmWeights:
    return "mxw";
  case UnitKind::Any:
    return "any";
  }
  return "?";
}

std::string_view dtypeName(DType dtype) {
  switch (dtype) {
  case DType::None:
    return "none";
  case DType::F32:
    return "f32";
  case DType::I8:
    return "i8";
  case DType::I32:
    return "i32";
  case DType::F16:
    return "f16";
  case DType::BF16:
    return "bf16";
  }
  return "?";
}

bool parseDTypeName(std::string_view name, DType &dtype) {
  for (DType candidate : kElementTypes)
    if (dtypeName(candidate) == name) {
      dtype = candidate;
      return true;
    }
  return false;
}

bool decodeDType(uint8_t byte, DType &dtype) {
  switch (static_cast<DType>(byte)) {
  case DType::None:
  case DType::F32:
  case DType::I8:
  case DType::I32:
  case DType::F16:
  case DType::BF16:
    dtype = static_cast<DType>(byte);
    return true;
  }
  return false;
}

bool typeSetContains(TypeSet set, DType dtype) {
  switch (set) {
  case TypeSet::None:
    return dtype == DType::None;
  case TypeSet::Any:
  case TypeSet::Arith:
    return dtype != DType::None;
  case TypeSet::Float:
    return isFloatDType(dtype);
  case TypeSet::MatMul:
    return isFloatDType(dtype) || dtype == DType::I8;
  }
  return false;
}

bool decodeOpcode(uint8_t byte, Opcode &opcode) {
  if (byte >= kNumOpcodes)
    return false;
  opcode = static_cast<Opcode>(byte);
  return true;
}

void encodeInstruction(const Instruction &inst, uint8_t *out) {
  out[0] = static_cast<uint8_t>(inst.opcode);
  out[1] = inst.dst;
  out[2] = inst.src0;
  out[3] = inst.src1;
  putU32(out + 4, inst.address);
  putU32(out + 8, inst.imm);
  putU32(out + 12, static_cast<uint8_t>(inst.dtype));
}

bool decodeInstruction(const uint8_t *in, Instruction &inst) {
  if (!decodeOpcode(in[0], inst.opcode) || !decodeDType(in[12], inst.dtype) ||
      (getU32(in + 12) >> 8) != 0)
    return false;
  inst.dst = in[1];
  inst.src0 = in[2];
  inst.src1 = in[3];
  inst.address = getU32(in + 4);
  inst.imm = getU32(in + 8);
  return true;
}

} // namespace lpu
