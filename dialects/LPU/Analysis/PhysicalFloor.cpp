//===- PhysicalFloor.cpp - The cycles a model needs on a target -----------===//

#include "dialects/LPU/Analysis/PhysicalFloor.h"

#include <cmath>

using namespace lpuc::lpu;

const char *FloorCycles::limit() const {
  if (mac >= weight && mac >= io)
    return "mxm";
  return weight >= io ? "weights" : "io";
}

double lpuc::lpu::macsPerCycle(const ::lpu::TargetDesc &target,
                               ::lpu::DType type) {
  const ::lpu::MXMRate *rate = target.mxmRate(type);
  if (!rate || !rate->cycles)
    return 0;
  return double(target.mxmPlanes) * rate->rows * target.lanes / rate->cycles;
}

double lpuc::lpu::weightBytesPerCycle(const ::lpu::TargetDesc &target) {
  return double(target.mxmPlanes) * target.lanes * target.mxmLoadBytes;
}

namespace {
int64_t cyclesFor(double amount, double perCycle) {
  return perCycle > 0 ? int64_t(std::ceil(amount / perCycle)) : 0;
}
} // namespace

FloorCycles lpuc::lpu::floorOf(const NodeWork &node,
                               const ::lpu::TargetDesc &target) {
  FloorCycles floor;
  floor.mac = cyclesFor(double(node.macs), macsPerCycle(target, node.mxmType));
  floor.weight =
      cyclesFor(double(node.weightElements) * dtypeHostBytes(node.mxmType),
                weightBytesPerCycle(target));
  return floor;
}

FloorCycles lpuc::lpu::floorOf(const ModelWork &work,
                               const ::lpu::TargetDesc &target) {
  double macCycles = 0, weightBytes = 0;
  for (const NodeWork &node : work.nodes) {
    double rate = macsPerCycle(target, node.mxmType);
    if (rate > 0)
      macCycles += double(node.macs) / rate;
    weightBytes += double(node.weightElements) * dtypeHostBytes(node.mxmType);
  }
  FloorCycles floor;
  floor.mac = int64_t(std::ceil(macCycles));
  floor.weight = cyclesFor(weightBytes, weightBytesPerCycle(target));
  floor.io = cyclesFor(double(work.ioBytes), double(target.memSlices) *
                                                 target.memBanks *
                                                 target.planeBytes());
  return floor;
}
