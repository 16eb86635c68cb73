//===- Target.cpp - Built-in LPU target descriptions ----------------------===//

#include "lpu/Target.h"

namespace lpu {

namespace {
struct Latencies {
  uint32_t read, write, vxm, loadWeights, installWeights, matmul, sxm;
};

TargetDesc makeTarget(std::string name, uint32_t lanes, uint32_t memSlices,
                      uint32_t memAddresses, uint32_t streamsPerDirection,
                      uint32_t vxmUnits, uint32_t mxmPlanes, uint32_t sxmUnits,
                      const Latencies &lat) {
  TargetDesc t;
  t.name = std::move(name);
  t.lanes = lanes;
  t.memSlices = memSlices;
  t.memAddresses = memAddresses;
  t.streamsPerDirection = streamsPerDirection;
  t.vxmUnits = vxmUnits;
  t.mxmPlanes = mxmPlanes;
  t.sxmUnits = sxmUnits;
  t.clockMHz = 900;
  auto set = [&](Opcode op, uint32_t cycles) {
    t.latency[static_cast<unsigned>(op)] = cycles;
  };
  set(Opcode::Nop, 1);
  set(Opcode::Read, lat.read);
  set(Opcode::Write, lat.write);
  for (Opcode op : {Opcode::Add, Opcode::Sub, Opcode::Mul, Opcode::Max,
                    Opcode::Relu, Opcode::Scale})
    set(op, lat.vxm);
  set(Opcode::LoadWeights, lat.loadWeights);
  set(Opcode::InstallWeights, lat.installWeights);
  set(Opcode::MatMul, lat.matmul);
  set(Opcode::MatMulAcc, lat.matmul);
  set(Opcode::Distribute, lat.sxm);
  set(Opcode::Shift, lat.sxm);
  return t;
}
} // namespace

uint32_t TargetDesc::unitCount(UnitKind kind) const {
  switch (kind) {
  case UnitKind::Mem:
    return memSlices;
  case UnitKind::Vxm:
    return vxmUnits;
  case UnitKind::Mxm:
    return mxmPlanes;
  case UnitKind::Sxm:
    return sxmUnits;
  case UnitKind::Any:
    break;
  }
  return 0;
}

std::string TargetDesc::validate() const {
  if (name.empty() || name.size() > 64)
    return "target name must have 1 to 64 characters";
  if (lanes == 0 || lanes > 4096)
    return "lanes must be in [1, 4096]";
  if (memSlices == 0 || memSlices > 1024 || memAddresses == 0 ||
      memAddresses > (1u << 20))
    return "SRAM geometry out of range";
  if (streamsPerDirection == 0 || 2 * streamsPerDirection > 254)
    return "streams per direction must be in [1, 127]";
  if (vxmUnits == 0 || vxmUnits > 256 || mxmPlanes == 0 || mxmPlanes > 64 ||
      sxmUnits == 0 || sxmUnits > 256)
    return "unit counts out of range";
  if (clockMHz == 0)
    return "clock must be positive";
  for (unsigned i = 0; i < kNumOpcodes; ++i)
    if (latency[i] == 0 || latency[i] > 1024)
      return "latency of '" +
             std::string(getInstructionInfo(static_cast<Opcode>(i)).mnemonic) +
             "' must be in [1, 1024]";
  return {};
}

bool TargetDesc::operator==(const TargetDesc &other) const {
  return name == other.name && lanes == other.lanes &&
         memSlices == other.memSlices && memAddresses == other.memAddresses &&
         streamsPerDirection == other.streamsPerDirection &&
         vxmUnits == other.vxmUnits && mxmPlanes == other.mxmPlanes &&
         sxmUnits == other.sxmUnits && clockMHz == other.clockMHz &&
         latency == other.latency;
}

const std::vector<TargetDesc> &builtinTargets() {
  static const std::vector<TargetDesc> targets = {
      // TSP-scale: 320-lane vectors, 88 MEM slices x 8192 addresses,
      // 32 + 32 streams, 16 VXM queues, 4 MXM planes.
      makeTarget("lpu-v1", 320, 88, 8192, 32, 16, 4, 4,
                 {/*read=*/3, /*write=*/2, /*vxm=*/4, /*lw=*/2, /*iw=*/8,
                  /*matmul=*/24, /*sxm=*/6}),
      // A small chip with the same structure, so tests simulate quickly.
      makeTarget("lpu-tiny", 16, 8, 4096, 8, 4, 2, 2,
                 {/*read=*/2, /*write=*/1, /*vxm=*/2, /*lw=*/1, /*iw=*/2,
                  /*matmul=*/4, /*sxm=*/2}),
  };
  return targets;
}

const TargetDesc *findBuiltinTarget(const std::string &name) {
  for (const TargetDesc &t : builtinTargets())
    if (t.name == name)
      return &t;
  return nullptr;
}

} // namespace lpu
