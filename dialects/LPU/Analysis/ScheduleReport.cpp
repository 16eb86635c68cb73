//===- ScheduleReport.cpp - What a schedule achieves and could ------------===//

#include "dialects/LPU/Analysis/ScheduleReport.h"

#include "lpu/MachineRules.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/Format.h"

#include <map>
#include <set>

using namespace mlir;
using namespace lpuc::lpu;
using ::lpu::Opcode;
using ::lpu::UnitKind;

namespace {

constexpr UnitKind kKinds[] = {UnitKind::Mem, UnitKind::Vxm, UnitKind::Mxm,
                               UnitKind::MxmWeights, UnitKind::Sxm};

std::string unitName(UnitKind kind, int64_t index) {
  return std::string(::lpu::unitKindName(kind)) + "[" + std::to_string(index) +
         "]";
}

/// Earliest issue cycles under the program's true dependences only, with
/// unlimited queues: operands arrive after their producer's latency and the
/// shortest way between the two units; a read follows the write it reads; an
/// MXM plane loads one weight row per cycle, installs after its loads, and
/// multiplies after the install. `vxm.move`s only retime and count as free.
/// Also returns, per origin, the cycles the path spends from the issue of
/// each of its instructions to the issue of the next on the path.
std::pair<int64_t, std::vector<int64_t>>
computeCriticalPath(const MachineProgram &program) {
  const ::lpu::TargetDesc &target = *program.target;
  std::vector<int64_t> earliest(program.instrs.size(), 0);
  // The instruction whose constraint set each one's earliest cycle.
  std::vector<InstrId> via(program.instrs.size(), kNoInstr);
  llvm::DenseMap<std::pair<int32_t, int64_t>, InstrId> lastWrite;
  struct Plane {
    InstrId install = kNoInstr, lastLoad = kNoInstr, lastMatMulId = kNoInstr;
    int64_t loadsLanded = 0, firstLoad = -1, loads = 0, lastMatMul = -1;
  };
  std::vector<Plane> planes(target.mxmPlanes);
  const std::vector<uint32_t> &sxmColumns =
      target.unitColumns[static_cast<unsigned>(UnitKind::Sxm)];

  auto latency = [&](const MachineInstr &inst) -> int64_t {
    if (inst.opcode == Opcode::Move)
      return 0;
    if (inst.opcode == Opcode::Nop)
      return inst.span(target);
    return target.latencyOf(inst.opcode);
  };
  // The SXM queue a value passes through is a scheduling choice: take the
  // one nearest each neighbour separately, which never overestimates.
  auto distance = [&](const MachineInstr &from, const MachineInstr &to) {
    auto nearest = [&](int64_t column) {
      int64_t best = target.numColumns();
      for (uint32_t c : sxmColumns)
        best = std::min(best, ::lpu::travelCycles(c, column));
      return best;
    };
    bool fromSxm = from.queueKind == UnitKind::Sxm;
    bool toSxm = to.queueKind == UnitKind::Sxm;
    if (fromSxm && toSxm)
      return int64_t(0);
    if (fromSxm)
      return nearest(program.column(to));
    if (toSxm)
      return nearest(program.column(from));
    return ::lpu::travelCycles(program.column(from), program.column(to));
  };

  int64_t path = 0;
  InstrId last = kNoInstr;
  for (InstrId id = 0, e = program.instrs.size(); id < e; ++id) {
    const MachineInstr &inst = program.instrs[id];
    int64_t at = 0;
    auto after = [&](int64_t cycle, InstrId cause) {
      if (cycle > at) {
        at = cycle;
        via[id] = cause;
      }
    };
    for (unsigned k = 0; k < inst.numOperands(); ++k) {
      const MachineInstr &def = program.instrs[inst.operands[k]];
      after(earliest[inst.operands[k]] + latency(def) + distance(def, inst),
            inst.operands[k]);
    }
    if (inst.readsSram()) {
      const MachineInstr::VectorRange range = inst.vectorRange();
      for (int64_t e = 0; e < range.count; ++e) {
        auto it = lastWrite.find({inst.buffer, inst.offset + e * range.step});
        if (it != lastWrite.end())
          after(earliest[it->second] + latency(program.instrs[it->second]),
                it->second);
      }
    } else if (::lpu::writesSram(inst.opcode)) {
      const MachineInstr::VectorRange range = inst.vectorRange();
      for (int64_t e = 0; e < range.count; ++e)
        lastWrite[{inst.buffer, inst.offset + e * range.step}] = id;
    } else if (::lpu::isPlaneQueue(inst.queueKind) && inst.unit >= 0) {
      Plane &plane = planes[inst.unit];
      const int64_t loadLatency = target.latencyOf(Opcode::LoadWeights);
      if (inst.opcode == Opcode::LoadWeights) {
        if (plane.install != kNoInstr)
          after(earliest[plane.install] + 1, plane.install);
        plane.firstLoad = plane.loads ? std::min(plane.firstLoad, at) : at;
        ++plane.loads;
        plane.loadsLanded = std::max(plane.loadsLanded, at + loadLatency);
        plane.lastLoad = id;
      } else if (inst.opcode == Opcode::InstallWeights) {
        after(plane.loadsLanded, plane.lastLoad);
        after(plane.lastMatMul + 1, plane.lastMatMulId);
        if (plane.loads) // one `lw` per cycle on the plane's weight queue
          after(plane.firstLoad + plane.loads - 1 + loadLatency,
                plane.lastLoad);
        plane.install = id;
        plane.loads = 0;
        plane.loadsLanded = 0;
      } else if (inst.opcode == Opcode::MatMul ||
                 inst.opcode == Opcode::MatMulAcc) {
        if (plane.install != kNoInstr)
          after(earliest[plane.install] +
                    target.latencyOf(Opcode::InstallWeights),
                plane.install);
        if (at > plane.lastMatMul) {
          plane.lastMatMul = at;
          plane.lastMatMulId = id;
        }
      }
    }
    earliest[id] = at;
    if (at + latency(inst) > path || last == kNoInstr) {
      path = at + latency(inst);
      last = id;
    }
  }
  std::vector<int64_t> byOrigin(program.origins.size(), 0);
  for (InstrId id = last, next = kNoInstr; id != kNoInstr;
       next = id, id = via[id]) {
    const int64_t until = next == kNoInstr ? path : earliest[next];
    byOrigin[program.instrs[id].origin] += until - earliest[id];
  }
  return {path, std::move(byOrigin)};
}

/// Highest number of vectors whose contents are live at one cycle: a buffer
/// lives from its first write landing (inputs and constants: from the
/// start) to its last read (outputs: to the end).
int64_t computePeakLive(const MachineProgram &program, int64_t cycles) {
  const ::lpu::TargetDesc &target = *program.target;
  struct Range {
    int64_t begin = INT64_MAX, end = -1;
  };
  std::vector<Range> ranges(program.buffers.size());
  for (const MachineInstr &inst : program.instrs) {
    if (!inst.accessesSram())
      continue;
    Range &range = ranges[inst.buffer];
    if (::lpu::writesSram(inst.opcode))
      range.begin = std::min(
          range.begin, ::lpu::landingCycle(target, inst.opcode, inst.cycle));
    else
      range.end = std::max(range.end, inst.cycle + 1);
  }
  std::map<int64_t, int64_t> delta; // cycle -> change in live vectors
  for (size_t i = 0; i < program.buffers.size(); ++i) {
    const MachineBuffer &buffer = program.buffers[i];
    Range range = ranges[i];
    if (buffer.kind == BufferKind::Input || buffer.kind == BufferKind::Constant)
      range.begin = 0;
    if (buffer.kind == BufferKind::Output)
      range.end = cycles + 1; // held until the host reads it
    if (range.begin == INT64_MAX || range.end <= range.begin)
      continue;
    delta[range.begin] += buffer.numAddresses();
    delta[range.end] -= buffer.numAddresses();
  }
  int64_t live = 0, peak = 0;
  for (auto [cycle, change] : delta) {
    live += change;
    peak = std::max(peak, live);
  }
  return peak;
}

/// The model's floor in total and per node, matched to the report's nodes
/// by name.
void addPhysicalFloor(ScheduleReport &report, const ModelWork &work,
                      const ::lpu::TargetDesc &target) {
  report.floor = floorOf(work, target);
  report.ioBytes = work.ioBytes;
  std::map<std::string, NodeSpan *> byName;
  for (NodeSpan &node : report.nodes)
    byName[node.name] = &node;
  for (const NodeWork &node : work.nodes) {
    report.macs += node.macs;
    report.weightBytes +=
        node.weightElements * ::lpu::dtypeHostBytes(node.mxmType);
    auto it = byName.find(node.name);
    if (it == byName.end())
      continue;
    it->second->macs = node.macs;
    it->second->floor = floorOf(node, target);
  }
}

} // namespace

std::string ScheduleReport::boundLimit() const {
  for (const UnitClassWork &work : classWork)
    if (work.bound == lowerBound && work.bound > criticalPath)
      return std::string(::lpu::unitKindName(work.kind));
  return "critical path";
}

ScheduleReport lpuc::lpu::buildScheduleReport(const MachineProgram &program,
                                              const ModelWork *work) {
  const ::lpu::TargetDesc &target = *program.target;
  ScheduleReport report;
  report.target = target.name;
  report.clockMHz = target.clockMHz;
  report.cycles = program.cycles.value_or(0);

  std::map<std::pair<unsigned, int64_t>, UnitUsage> usage;
  for (UnitKind kind : kKinds)
    for (int64_t i = 0, e = target.unitCount(kind); i < e; ++i)
      usage[{static_cast<unsigned>(kind), i}] = UnitUsage{kind, i, 0, 0};

  // Nodes keyed by name, in order of first appearance in the program.
  std::vector<std::pair<std::string, std::string>> originNodes;
  for (Location loc : program.origins)
    originNodes.push_back(getNodeOfLocation(loc));
  std::map<std::string, size_t> nodeIndex;
  std::vector<std::set<std::pair<unsigned, int64_t>>> nodeUnits;
  for (const MachineInstr &inst : program.instrs) {
    if (!inst.isPlaced())
      continue;
    ++report.instructions;
    UnitKind kind = inst.queueKind;
    int64_t issue = inst.cycle, span = inst.span(target);
    UnitUsage &unit = usage[{static_cast<unsigned>(kind), inst.unit}];
    unit.busyCycles += span;
    ++unit.instructions;

    auto [name, opType] = originNodes[inst.origin];
    if (name.empty())
      name = "(graph outputs)";
    auto [it, inserted] = nodeIndex.insert({name, report.nodes.size()});
    if (inserted) {
      report.nodes.push_back(NodeSpan{name, opType, issue, issue, 0, {}});
      nodeUnits.emplace_back();
    }
    NodeSpan &node = report.nodes[it->second];
    node.firstIssue = std::min(node.firstIssue, issue);
    int64_t lands = inst.opcode == Opcode::Nop
                        ? issue + span
                        : ::lpu::landingCycle(target, inst.opcode, issue);
    node.lastLanded = std::max(node.lastLanded, lands);
    ++node.instructions;
    nodeUnits[it->second].insert({static_cast<unsigned>(kind), inst.unit});
  }
  for (size_t i = 0; i < report.nodes.size(); ++i)
    for (auto [kind, index] : nodeUnits[i])
      report.nodes[i].units.push_back(
          unitName(static_cast<UnitKind>(kind), index));
  std::stable_sort(report.nodes.begin(), report.nodes.end(),
                   [](const NodeSpan &a, const NodeSpan &b) {
                     return a.firstIssue < b.firstIssue;
                   });
  for (auto &[key, unit] : usage)
    report.units.push_back(unit);

  std::set<::lpu::DType> productTypes;
  for (const MachineInstr &inst : program.instrs)
    if (inst.opcode == Opcode::MatMul || inst.opcode == Opcode::MatMulAcc)
      productTypes.insert(inst.dtype);
  for (::lpu::DType type : productTypes)
    report.mxmTypes.push_back(std::string(::lpu::dtypeName(type)));

  std::vector<int64_t> pathByOrigin;
  std::tie(report.criticalPath, pathByOrigin) = computeCriticalPath(program);
  std::map<std::string, size_t> pathIndex;
  for (size_t origin = 0; origin < pathByOrigin.size(); ++origin) {
    if (!pathByOrigin[origin])
      continue;
    auto [name, opType] = originNodes[origin];
    if (name.empty())
      name = "(graph outputs)";
    auto [it, inserted] =
        pathIndex.insert({name, report.criticalPathNodes.size()});
    if (inserted)
      report.criticalPathNodes.push_back({name, opType, 0});
    report.criticalPathNodes[it->second].cycles += pathByOrigin[origin];
  }
  std::stable_sort(report.criticalPathNodes.begin(),
                   report.criticalPathNodes.end(),
                   [](const PathShare &a, const PathShare &b) {
                     return a.cycles > b.cycles;
                   });
  report.lowerBound = report.criticalPath;
  // A MEM slice's work is its bank-port time where that exceeds its issue
  // cycles (an f32 access holds both ports of lpu-v1's slices for two).
  int64_t extraPortCycles = 0;
  for (const MachineInstr &inst : program.instrs)
    if (inst.isPlaced() && inst.accessesSram())
      extraPortCycles +=
          ::lpu::memSliceCycles(target, inst.opcode, inst.dtype) - 1;
  for (UnitKind kind : kKinds) {
    UnitClassWork work{kind, 0, target.unitCount(kind), 0};
    for (const UnitUsage &unit : report.units)
      if (unit.kind == kind)
        work.work += unit.busyCycles;
    if (kind == UnitKind::Mem)
      work.work += extraPortCycles;
    work.bound = work.units ? (work.work + work.units - 1) / work.units : 0;
    report.lowerBound = std::max(report.lowerBound, work.bound);
    report.classWork.push_back(work);
  }

  report.addressBytes = target.planeBytes();
  report.sramCapacity = int64_t(target.memSlices) * target.memAddresses;
  std::vector<int64_t> sliceTop(target.memSlices, 0);
  for (const MachineBuffer &buffer : program.buffers) {
    report.sramTensors += buffer.numAddresses();
    const int64_t parts = buffer.parts.size();
    for (int64_t i = 0; i < parts; ++i) {
      auto [slice, address] = buffer.parts[i];
      int64_t &top = sliceTop[slice];
      top = std::max(top, address + buffer.partAddresses(parts, i));
    }
  }
  for (int64_t top : sliceTop)
    report.sramAllocated += top;
  report.sramPeakLive = computePeakLive(program, report.cycles);
  if (work)
    addPhysicalFloor(report, *work, target);
  return report;
}

llvm::json::Value lpuc::lpu::toJSON(const ScheduleReport &report) {
  using llvm::json::Array;
  using llvm::json::Object;
  Object unitClasses;
  Array pathNodes;
  for (const PathShare &share : report.criticalPathNodes)
    pathNodes.push_back(Object{{"name", share.name},
                               {"op_type", share.opType},
                               {"cycles", share.cycles}});
  for (const UnitClassWork &work : report.classWork) {
    int64_t busy = work.work;
    double capacity = double(work.units) * double(report.cycles);
    unitClasses[std::string(::lpu::unitKindName(work.kind))] =
        Object{{"units", work.units},
               {"busy_cycles", busy},
               {"utilization", capacity > 0 ? double(busy) / capacity : 0.0},
               {"bound_cycles", work.bound}};
  }
  Array units;
  for (const UnitUsage &unit : report.units)
    units.push_back(
        Object{{"unit", unitName(unit.kind, unit.index)},
               {"instructions", unit.instructions},
               {"busy_cycles", unit.busyCycles},
               {"utilization",
                report.cycles ? double(unit.busyCycles) / double(report.cycles)
                              : 0.0}});
  Array nodes;
  for (const NodeSpan &node : report.nodes) {
    Array nodeUnits;
    for (const std::string &u : node.units)
      nodeUnits.push_back(u);
    Object entry{{"name", node.name},
                 {"op_type", node.opType},
                 {"first_cycle", node.firstIssue},
                 {"last_cycle", node.lastLanded},
                 {"cycles", node.lastLanded - node.firstIssue},
                 {"instructions", node.instructions},
                 {"units", std::move(nodeUnits)}};
    if (node.floor) {
      entry["macs"] = node.macs;
      entry["floor"] = Object{{"cycles", node.floor->cycles()},
                              {"mac_cycles", node.floor->mac},
                              {"weight_cycles", node.floor->weight}};
    }
    nodes.push_back(std::move(entry));
  }
  llvm::json::Value floor = nullptr;
  if (report.floor)
    floor = Object{{"cycles", report.floor->cycles()},
                   {"mac_cycles", report.floor->mac},
                   {"weight_cycles", report.floor->weight},
                   {"io_cycles", report.floor->io},
                   {"limited_by", report.floor->limit()},
                   {"macs", report.macs},
                   {"weight_bytes", report.weightBytes},
                   {"io_bytes", report.ioBytes},
                   {"floor_over_cycles", report.floorRatio()}};
  return Object{
      {"format", "lpuc-report-1"},
      {"target", report.target},
      {"clock_mhz", report.clockMHz},
      {"cycles", report.cycles},
      {"latency_us", report.latencyMicroseconds()},
      {"instructions", report.instructions},
      {"mxm_types", report.mxmTypes},
      {"bound", Object{{"cycles", report.lowerBound},
                       {"critical_path", report.criticalPath},
                       {"critical_path_nodes", std::move(pathNodes)},
                       {"limited_by", report.boundLimit()},
                       {"bound_over_cycles", report.boundRatio()}}},
      {"floor", std::move(floor)},
      {"unit_classes", std::move(unitClasses)},
      {"units", std::move(units)},
      {"sram",
       Object{{"address_bytes", report.addressBytes},
              {"capacity_bytes", report.sramCapacity * report.addressBytes},
              {"allocated_bytes", report.sramAllocated * report.addressBytes},
              {"peak_live_bytes", report.sramPeakLive * report.addressBytes},
              {"tensor_bytes", report.sramTensors * report.addressBytes}}},
      {"nodes", std::move(nodes)}};
}

namespace {
using ::lpu::formatBytes;
} // namespace

void lpuc::lpu::printScheduleReport(const ScheduleReport &report,
                                    llvm::raw_ostream &os) {
  os << report.target << ": " << report.cycles
     << " cycles = " << llvm::format("%.3f", report.latencyMicroseconds())
     << " us at " << report.clockMHz << " MHz, " << report.instructions
     << " instructions";
  if (!report.mxmTypes.empty()) {
    os << ", MXM products in";
    for (const std::string &type : report.mxmTypes)
      os << " " << type;
  }
  os << "\n";
  os << "lower bound: " << report.lowerBound << " cycles (limited by "
     << report.boundLimit() << "), bound/cycles "
     << llvm::format("%.2f", report.boundRatio()) << "\n";
  os << "  critical path " << report.criticalPath;
  for (const UnitClassWork &work : report.classWork)
    os << ", " << ::lpu::unitKindName(work.kind) << " " << work.work << "/"
       << work.units << " = " << work.bound;
  os << "\n";
  if (!report.criticalPathNodes.empty()) {
    os << "  critical path by node:";
    constexpr size_t kShown = 5;
    for (size_t i = 0; i < std::min(kShown, report.criticalPathNodes.size());
         ++i)
      os << (i ? ", " : " ") << report.criticalPathNodes[i].name << " "
         << report.criticalPathNodes[i].cycles;
    os << "\n";
  }
  if (report.floor) {
    const FloorCycles &floor = *report.floor;
    os << "physical floor: " << floor.cycles() << " cycles (limited by "
       << floor.limit() << "), floor/cycles "
       << llvm::format("%.3f", report.floorRatio()) << "\n";
    os << "  mxm " << floor.mac << " (" << report.macs << " MACs), weights "
       << floor.weight << " (" << formatBytes(report.weightBytes) << "), io "
       << floor.io << " (" << formatBytes(report.ioBytes) << ")\n";
  }
  os << "utilization:";
  for (const UnitClassWork &work : report.classWork) {
    double capacity = double(work.units) * double(report.cycles);
    os << " " << ::lpu::unitKindName(work.kind) << " "
       << llvm::format("%.1f%%",
                       capacity > 0 ? 100.0 * work.work / capacity : 0.0);
  }
  os << "\n";
  os << "SRAM: " << formatBytes(report.sramAllocated * report.addressBytes)
     << " allocated of "
     << formatBytes(report.sramCapacity * report.addressBytes) << ", peak live "
     << formatBytes(report.sramPeakLive * report.addressBytes) << ", tensors "
     << formatBytes(report.sramTensors * report.addressBytes) << "\n";
  os << "nodes (issue of the first instruction .. last result landed):\n";
  size_t width = 4;
  for (const NodeSpan &node : report.nodes)
    width = std::max(width, node.name.size() + node.opType.size() + 3);
  for (const NodeSpan &node : report.nodes) {
    std::string label =
        node.opType.empty() ? node.name : node.name + " (" + node.opType + ")";
    std::map<std::string, int> perKind;
    for (const std::string &unit : node.units)
      ++perKind[unit.substr(0, unit.find('['))];
    os << "  " << llvm::left_justify(label, width) << " "
       << llvm::format_decimal(node.firstIssue, 7) << " .. "
       << llvm::format_decimal(node.lastLanded, 7) << "  "
       << llvm::format_decimal(node.instructions, 7) << " instructions on";
    for (auto [kind, count] : perKind)
      os << " " << count << " " << kind;
    if (node.floor)
      os << ", floor " << node.floor->cycles();
    os << "\n";
  }
}

void lpuc::lpu::writeTimeline(const MachineProgram &program,
                              llvm::raw_ostream &os) {
  const ::lpu::TargetDesc &target = *program.target;
  llvm::json::OStream json(os);
  json.object([&] {
    json.attribute("displayTimeUnit", "ns");
    json.attributeObject("otherData", [&] {
      json.attribute("generator", "lpuc --timeline");
      json.attribute("target", target.name);
      json.attribute("time_unit", "1 us on the time axis = 1 cycle");
      json.attribute("cycles", program.cycles.value_or(0));
    });
    json.attributeArray("traceEvents", [&] {
      // One process per unit kind, one thread per queue, west to east.
      for (UnitKind kind : kKinds) {
        int pid = static_cast<int>(kind) + 1;
        json.object([&] {
          json.attribute("ph", "M");
          json.attribute("name", "process_name");
          json.attribute("pid", pid);
          json.attributeObject("args", [&] {
            json.attribute("name", std::string(::lpu::unitKindName(kind)));
          });
        });
        json.object([&] {
          json.attribute("ph", "M");
          json.attribute("name", "process_sort_index");
          json.attribute("pid", pid);
          json.attributeObject("args",
                               [&] { json.attribute("sort_index", pid); });
        });
        for (int64_t i = 0, e = target.unitCount(kind); i < e; ++i)
          json.object([&] {
            json.attribute("ph", "M");
            json.attribute("name", "thread_name");
            json.attribute("pid", pid);
            json.attribute("tid", i);
            json.attributeObject("args", [&] {
              json.attribute("name", unitName(kind, i) + " @ slice " +
                                         std::to_string(target.unitColumn(
                                             kind, uint32_t(i))));
            });
          });
      }
      std::vector<std::pair<std::string, std::string>> originNodes;
      for (Location loc : program.origins)
        originNodes.push_back(getNodeOfLocation(loc));
      for (const MachineInstr &inst : program.instrs) {
        if (!inst.isPlaced())
          continue;
        const std::string &name = originNodes[inst.origin].first;
        const std::string &opType = originNodes[inst.origin].second;
        int64_t issue = inst.cycle;
        json.object([&] {
          json.attribute("name", std::string(inst.info().mnemonic));
          json.attribute("cat", opType.empty() ? "copy" : opType);
          json.attribute("ph", "X");
          json.attribute("ts", issue);
          json.attribute("dur", inst.span(target));
          json.attribute("pid", static_cast<int>(inst.queueKind) + 1);
          json.attribute("tid", inst.unit);
          json.attributeObject("args", [&] {
            json.attribute("node", name);
            json.attribute("cycle", issue);
            if (inst.opcode != Opcode::Nop)
              json.attribute("lands",
                             ::lpu::landingCycle(target, inst.opcode, issue));
            if (inst.stream >= 0)
              json.attribute("stream", inst.stream);
            if (inst.accessesSram()) {
              json.attribute("buffer", program.bufferOf(inst).name);
              json.attribute("address", program.sramLocation(inst).second);
            }
          });
        });
      }
    });
  });
  os << "\n";
}
