//===- Target.cpp - Target descriptions and their file format -------------===//
//
// The JSON reader uses nlohmann::json; its exceptions never leave this file.
//
//===----------------------------------------------------------------------===//

#include "lpu/Target.h"

#include "lpu/Elements.h"

#include "VectorClones.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace lpu {

namespace {
using Json = nlohmann::ordered_json;

constexpr std::string_view kFormat = "lpu-target-1";

constexpr std::pair<std::string_view, SliceKind> kSliceNames[] = {
    {"MEM", SliceKind::Mem},
    {"VXM", SliceKind::Vxm},
    {"MXM", SliceKind::Mxm},
    {"SXM", SliceKind::Sxm},
    {"C2C", SliceKind::C2c}};

/// A reader error: the key path and what is wrong with it.
struct FieldError {
  std::string message;
};

uint32_t getU32(const Json &object, const char *key, const std::string &path) {
  auto it = object.find(key);
  if (it == object.end())
    throw FieldError{"missing key '" + path + key + "'"};
  if (!it->is_number_unsigned() || it->get<uint64_t>() > UINT32_MAX)
    throw FieldError{"'" + path + key + "' must be an unsigned 32-bit integer"};
  return it->get<uint32_t>();
}

const Json &getObject(const Json &object, const char *key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_object())
    throw FieldError{std::string("'") + key + "' must be an object"};
  return *it;
}

/// Appends one floorplan entry: "MEM" or "MEM*44".
void appendSlices(const Json &entry, const std::string &where,
                  std::vector<SliceKind> &out) {
  if (!entry.is_string())
    throw FieldError{"'" + where + "' entries must be strings like \"MEM*44\""};
  std::string text = entry.get<std::string>();
  std::string kindName = text;
  uint64_t count = 1;
  if (size_t star = text.find('*'); star != std::string::npos) {
    kindName = text.substr(0, star);
    std::string digits = text.substr(star + 1);
    if (digits.empty() || digits.size() > 5 ||
        !std::all_of(digits.begin(), digits.end(),
                     [](char c) { return c >= '0' && c <= '9'; }) ||
        (count = std::stoull(digits)) == 0)
      throw FieldError{"'" + where + "' entry \"" + text +
                       "\" has a bad repeat count"};
  }
  auto it = std::find_if(std::begin(kSliceNames), std::end(kSliceNames),
                         [&](const auto &p) { return p.first == kindName; });
  if (it == std::end(kSliceNames))
    throw FieldError{"'" + where + "' entry \"" + text +
                     "\" names no slice kind (MEM, VXM, MXM, SXM, C2C)"};
  out.insert(out.end(), count, it->second);
}

/// Refuses a key of `object` (at `path`, e.g. "vxm.") that is not `known`.
void rejectUnknownKeys(const Json &object, const std::string &path,
                       std::initializer_list<std::string_view> known) {
  for (const auto &[key, value] : object.items())
    if (std::find(known.begin(), known.end(), key) == known.end())
      throw FieldError{"unknown key '" + path + key + "'"};
}

DType readTypeName(const Json &entry, const std::string &where) {
  DType dtype;
  if (!entry.is_string() || !parseDTypeName(entry.get<std::string>(), dtype))
    throw FieldError{"'" + where +
                     "' names no element type (f32, f16, bf16, i32, i8)"};
  return dtype;
}

/// "types": ["f32", ...] in the vxm object, kept in DType order.
std::vector<DType> readVxmTypes(const Json &vxm) {
  auto it = vxm.find("types");
  if (it == vxm.end() || !it->is_array())
    throw FieldError{"'vxm.types' must be an array of element types"};
  std::vector<DType> types;
  for (const Json &entry : *it)
    types.push_back(readTypeName(entry, "vxm.types"));
  std::sort(types.begin(), types.end());
  types.erase(std::unique(types.begin(), types.end()), types.end());
  rejectUnknownKeys(vxm, "vxm.", {"alus_per_lane", "types"});
  return types;
}

/// "types": {"i8": {"rows": 320, "cycles": 1}, ...} in the mxm object.
std::vector<MXMRate> readMxmRates(const Json &mxm) {
  auto it = mxm.find("types");
  if (it == mxm.end() || !it->is_object())
    throw FieldError{"'mxm.types' must be an object"};
  std::vector<MXMRate> rates;
  for (const auto &[name, value] : it->items()) {
    std::string where = "mxm.types." + name;
    MXMRate rate;
    rate.type = readTypeName(Json(name), where);
    if (!value.is_object())
      throw FieldError{"'" + where + "' must be an object"};
    rate.rows = getU32(value, "rows", where + ".");
    rate.cycles = getU32(value, "cycles", where + ".");
    rejectUnknownKeys(value, where + ".", {"rows", "cycles"});
    rates.push_back(rate);
  }
  std::sort(rates.begin(), rates.end(),
            [](const MXMRate &a, const MXMRate &b) { return a.type < b.type; });
  return rates;
}

void readTarget(const Json &root, TargetDesc &t) {
  if (!root.is_object())
    throw FieldError{"a target description is a JSON object"};
  auto format = root.find("format");
  if (format == root.end() || *format != kFormat)
    throw FieldError{"'format' must be \"" + std::string(kFormat) + "\""};
  auto name = root.find("name");
  if (name == root.end() || !name->is_string())
    throw FieldError{"'name' must be a string"};
  t.name = name->get<std::string>();
  t.clockMHz = getU32(root, "clock_mhz", "");
  t.lanes = getU32(root, "lanes", "");
  t.laneBytes = getU32(root, "lane_bytes", "");
  t.superlanes = getU32(root, "superlanes", "");
  t.streamsPerDirection = getU32(root, "streams_per_direction", "");
  const Json &mem = getObject(root, "mem");
  t.memAddresses = getU32(mem, "addresses", "mem.");
  t.memBanks = getU32(mem, "banks", "mem.");
  const Json &vxm = getObject(root, "vxm");
  t.vxmAlusPerLane = getU32(vxm, "alus_per_lane", "vxm.");
  t.vxmTypes = readVxmTypes(vxm);
  rejectUnknownKeys(mem, "mem.", {"addresses", "banks"});
  const Json &mxm = getObject(root, "mxm");
  t.mxmRates = readMxmRates(mxm);
  t.mxmLoadBytes = getU32(mxm, "load_bytes", "mxm.");
  rejectUnknownKeys(mxm, "mxm.", {"types", "load_bytes"});
  const Json &sxm = getObject(root, "sxm");
  t.sxmQueuesPerSlice = getU32(sxm, "queues_per_slice", "sxm.");
  rejectUnknownKeys(sxm, "sxm.", {"queues_per_slice"});

  const Json &plan = getObject(root, "floorplan");
  t.floorplan.clear();
  for (const char *part : {"west", "centre", "east"}) {
    auto it = plan.find(part);
    if (it == plan.end() || !it->is_array())
      throw FieldError{std::string("'floorplan.") + part +
                       "' must be an array"};
    for (const Json &entry : *it) {
      appendSlices(entry, std::string("floorplan.") + part, t.floorplan);
      if (t.floorplan.size() > 4096)
        throw FieldError{"the floorplan has more than 4096 slices"};
    }
  }
  rejectUnknownKeys(plan, "floorplan.", {"west", "centre", "east"});

  const Json &latency = getObject(root, "latency");
  for (unsigned i = 0; i < kNumOpcodes; ++i) {
    std::string mnemonic(getInstructionInfo(static_cast<Opcode>(i)).mnemonic);
    t.latency[i] = getU32(latency, mnemonic.c_str(), "latency.");
  }
  for (const auto &[key, value] : latency.items()) {
    bool known = false;
    for (unsigned i = 0; i < kNumOpcodes; ++i)
      known |= getInstructionInfo(static_cast<Opcode>(i)).mnemonic == key;
    if (!known)
      throw FieldError{"'latency." + key + "' names no instruction"};
  }
  rejectUnknownKeys(root, "",
                    {"format", "name", "description", "clock_mhz", "lanes",
                     "lane_bytes", "superlanes", "streams_per_direction", "mem",
                     "vxm", "mxm", "sxm", "floorplan", "latency"});
}

#include "BuiltinTargets.inc" // kBuiltinTargetFiles: {file name, JSON text}
} // namespace

std::string_view sliceKindName(SliceKind kind) {
  for (const auto &[name, k] : kSliceNames)
    if (k == kind)
      return name;
  return "?";
}

void TargetDesc::finalize() {
  for (auto &columns : unitColumns)
    columns.clear();
  // Queue counts come from the file: size nothing by them until validated.
  if (!validateParameters().empty())
    return;
  for (uint32_t column = 0; column < floorplan.size(); ++column) {
    switch (floorplan[column]) {
    case SliceKind::Mem:
      unitColumns[unsigned(UnitKind::Mem)].push_back(column);
      break;
    case SliceKind::Mxm:
      unitColumns[unsigned(UnitKind::Mxm)].push_back(column);
      unitColumns[unsigned(UnitKind::MxmWeights)].push_back(column);
      break;
    case SliceKind::Vxm:
      unitColumns[unsigned(UnitKind::Vxm)].insert(
          unitColumns[unsigned(UnitKind::Vxm)].end(), vxmAlusPerLane, column);
      break;
    case SliceKind::Sxm:
      unitColumns[unsigned(UnitKind::Sxm)].insert(
          unitColumns[unsigned(UnitKind::Sxm)].end(), sxmQueuesPerSlice,
          column);
      break;
    case SliceKind::C2c:
      break;
    }
  }
  memSlices = unitColumns[unsigned(UnitKind::Mem)].size();
  vxmUnits = unitColumns[unsigned(UnitKind::Vxm)].size();
  mxmPlanes = unitColumns[unsigned(UnitKind::Mxm)].size();
  sxmUnits = unitColumns[unsigned(UnitKind::Sxm)].size();
}

uint32_t TargetDesc::unitCount(UnitKind kind) const {
  if (kind == UnitKind::Any)
    return 0;
  return unitColumns[static_cast<unsigned>(kind)].size();
}

uint32_t TargetDesc::centreColumn() const {
  auto it = std::find(floorplan.begin(), floorplan.end(), SliceKind::Vxm);
  return it == floorplan.end() ? 0 : it - floorplan.begin();
}

const MXMRate *TargetDesc::mxmRate(DType dtype) const {
  for (const MXMRate &rate : mxmRates)
    if (rate.type == dtype)
      return &rate;
  return nullptr;
}

bool TargetDesc::vxmComputes(DType dtype) const {
  return std::find(vxmTypes.begin(), vxmTypes.end(), dtype) != vxmTypes.end();
}

std::string TargetDesc::mxmTypeList() const {
  std::string list;
  for (const MXMRate &rate : mxmRates)
    list += (list.empty() ? "" : ", ") + std::string(dtypeName(rate.type));
  return list;
}

std::string TargetDesc::validate() const {
  if (std::string why = validateParameters(); !why.empty())
    return why;
  if (std::count(floorplan.begin(), floorplan.end(), SliceKind::Vxm) != 1)
    return "the floorplan needs exactly one VXM slice (the centre)";
  for (SliceKind kind : {SliceKind::Mem, SliceKind::Mxm, SliceKind::Sxm})
    if (std::find(floorplan.begin(), floorplan.end(), kind) == floorplan.end())
      return "the floorplan has no " + std::string(sliceKindName(kind)) +
             " slice";
  if (unitCount(UnitKind::Mem) == 0 || unitCount(UnitKind::Vxm) == 0)
    return "finalize() was not called";
  return {};
}

std::string TargetDesc::validateParameters() const {
  if (name.empty() || name.size() > 64)
    return "target name must have 1 to 64 characters";
  if (clockMHz == 0 || clockMHz > 100000)
    return "clock_mhz must be in [1, 100000]";
  if (lanes == 0 || lanes > 4096)
    return "lanes must be in [1, 4096]";
  if (laneBytes != 1 && laneBytes != 2 && laneBytes != 4)
    return "lane_bytes must be 1, 2 or 4";
  if (superlanes == 0 || lanes % superlanes != 0)
    return "superlanes must divide lanes";
  if (streamsPerDirection == 0 || 2 * streamsPerDirection > kLatchBase)
    return "streams_per_direction must be in [1, " +
           std::to_string(kLatchBase / 2) + "]";
  if (streamsPerDirection % planesOf(DType::F32) != 0)
    return "streams_per_direction must be a multiple of the streams an f32 "
           "vector takes (" +
           std::to_string(planesOf(DType::F32)) + ")";
  if (memAddresses == 0 || memAddresses > (1u << 20))
    return "mem.addresses must be in [1, 1048576]";
  if (memBanks == 0 || memBanks > 16 || memAddresses % memBanks != 0)
    return "mem.banks must be in [1, 16] and divide mem.addresses";
  if (vxmAlusPerLane == 0 || vxmAlusPerLane > 64)
    return "vxm.alus_per_lane must be in [1, 64]";
  if (vxmTypes.empty())
    return "vxm.types must name at least one element type";
  for (size_t i = 0; i < vxmTypes.size(); ++i)
    if (vxmTypes[i] == DType::None || (i && vxmTypes[i] <= vxmTypes[i - 1]))
      return "vxm.types must name distinct element types";
  if (mxmRates.empty())
    return "mxm.types must give at least one element type";
  for (const MXMRate &rate : mxmRates) {
    std::string where = "mxm.types." + std::string(dtypeName(rate.type));
    if (!typeSetContains(TypeSet::MatMul, rate.type))
      return where + ": the MXM multiplies f32, f16, bf16 or i8";
    if (rate.rows == 0 || rate.rows > lanes)
      return where + ".rows must be in [1, lanes]";
    if (rate.cycles == 0 || rate.cycles > 64)
      return where + ".cycles must be in [1, 64]";
  }
  // Kept in DType order (as the file reader sorts them and binaries hold
  // them), so a duplicate is a neighbour.
  for (size_t i = 1; i < mxmRates.size(); ++i)
    if (mxmRates[i].type <= mxmRates[i - 1].type)
      return "mxm.types names " + std::string(dtypeName(mxmRates[i].type)) +
             (mxmRates[i].type == mxmRates[i - 1].type ? " twice"
                                                       : " out of order");
  for (const MXMRate &rate : mxmRates)
    if (mxmLoadBytes < planesOf(rate.type) * laneBytes)
      return "mxm.load_bytes must hold one weight row of every MXM type (" +
             std::string(dtypeName(rate.type)) + " takes " +
             std::to_string(planesOf(rate.type) * laneBytes) + ")";
  if (mxmLoadBytes > streamsPerDirection * laneBytes)
    return "mxm.load_bytes must be at most the bytes per lane of one "
           "direction's streams (" +
           std::to_string(streamsPerDirection * laneBytes) + ")";
  if (sxmQueuesPerSlice == 0 || sxmQueuesPerSlice > 64)
    return "sxm.queues_per_slice must be in [1, 64]";
  if (floorplan.empty() || floorplan.size() > 4096)
    return "the floorplan must have 1 to 4096 slices";
  for (unsigned i = 0; i < kNumOpcodes; ++i)
    if (latency[i] == 0 || latency[i] > 1024)
      return "latency of '" +
             std::string(getInstructionInfo(static_cast<Opcode>(i)).mnemonic) +
             "' must be in [1, 1024]";
  if (latency[unsigned(Opcode::Nop)] != 1 ||
      latency[unsigned(Opcode::Repeat)] != 1)
    return "'nop' and 'repeat' have latency 1";
  return {};
}

bool TargetDesc::operator==(const TargetDesc &o) const {
  return name == o.name && clockMHz == o.clockMHz && lanes == o.lanes &&
         laneBytes == o.laneBytes && superlanes == o.superlanes &&
         streamsPerDirection == o.streamsPerDirection &&
         memAddresses == o.memAddresses && memBanks == o.memBanks &&
         vxmAlusPerLane == o.vxmAlusPerLane && vxmTypes == o.vxmTypes &&
         mxmRates == o.mxmRates && mxmLoadBytes == o.mxmLoadBytes &&
         sxmQueuesPerSlice == o.sxmQueuesPerSlice && floorplan == o.floorplan &&
         latency == o.latency;
}

void storeLaneElement(const TargetDesc &target, DType dtype,
                      const uint8_t *element, uint32_t lane, uint8_t *planes) {
  const unsigned size = dtypeHostBytes(dtype), width = target.laneBytes;
  for (unsigned k = 0; k < target.planesOf(dtype) * width; ++k)
    planes[size_t(k / width) * target.planeBytes() + lane * width + k % width] =
        k < size ? element[k] : 0;
}

void loadLaneElement(const TargetDesc &target, DType dtype,
                     const uint8_t *planes, uint32_t lane, uint8_t *element) {
  const unsigned width = target.laneBytes;
  for (unsigned k = 0; k < dtypeHostBytes(dtype); ++k)
    element[k] = planes[size_t(k / width) * target.planeBytes() + lane * width +
                        k % width];
}

void storeVectorElements(const TargetDesc &target, DType dtype,
                         const uint8_t *elements, size_t stride, uint32_t count,
                         uint8_t *planes) {
  const unsigned size = dtypeHostBytes(dtype);
  const uint32_t lanes = target.lanes;
  if (target.laneBytes != 1) {
    const uint8_t zero[4] = {};
    for (uint32_t lane = 0; lane < lanes; ++lane)
      storeLaneElement(target, dtype,
                       lane < count ? elements + lane * stride : zero, lane,
                       planes);
    return;
  }
  // Byte k of every element is plane k.
  for (unsigned k = 0; k < size; ++k) {
    uint8_t *plane = planes + k * target.planeBytes();
    for (uint32_t lane = 0; lane < count; ++lane)
      plane[lane] = elements[lane * stride + k];
    std::fill(plane + count, plane + lanes, uint8_t(0));
  }
}

void loadVectorElements(const TargetDesc &target, DType dtype,
                        const uint8_t *planes, uint32_t count,
                        uint8_t *elements, size_t stride) {
  const unsigned size = dtypeHostBytes(dtype);
  if (target.laneBytes != 1) {
    for (uint32_t lane = 0; lane < count; ++lane)
      loadLaneElement(target, dtype, planes, lane, elements + lane * stride);
    return;
  }
  for (unsigned k = 0; k < size; ++k) {
    const uint8_t *plane = planes + k * target.planeBytes();
    for (uint32_t lane = 0; lane < count; ++lane)
      elements[lane * stride + k] = plane[lane];
  }
}

// With one byte per lane, byte k of a lane's element is in plane k: the
// common types get loops of their own; the rest go lane by lane through
// storeLaneElement and loadLaneElement.
LPU_VECTOR_CLONES
void storeVectorWords(const TargetDesc &target, DType dtype,
                      const uint32_t *words, uint8_t *planes) {
  const unsigned width = target.laneBytes;
  const size_t planeBytes = target.planeBytes();
  const uint32_t lanes = target.lanes; // bytes written may alias `target`
  if (width == 1 && (dtype == DType::F32 || dtype == DType::I32)) {
    // Plane by plane: each loop is one shift and narrowing, which vectorizes.
    for (unsigned k = 0; k < 4; ++k) {
      uint8_t *plane = planes + k * planeBytes;
      for (uint32_t l = 0; l < lanes; ++l)
        plane[l] = static_cast<uint8_t>(words[l] >> (8 * k));
    }
    return;
  }
  if (width == 1 && (dtype == DType::F16 || dtype == DType::BF16)) {
    uint8_t *low = planes, *high = planes + planeBytes;
    const bool half = dtype == DType::F16;
    for (uint32_t l = 0; l < lanes; ++l) {
      const uint32_t bits =
          half ? wordToHalf(words[l]) : wordToBFloat(words[l]);
      low[l] = static_cast<uint8_t>(bits);
      high[l] = static_cast<uint8_t>(bits >> 8);
    }
    return;
  }
  if (width == 1 && dtype == DType::I8) {
    for (uint32_t l = 0; l < lanes; ++l)
      planes[l] = static_cast<uint8_t>(words[l]);
    return;
  }
  const unsigned size = dtypeHostBytes(dtype);
  for (uint32_t lane = 0; lane < lanes; ++lane) {
    uint8_t element[4] = {};
    laneWordToHost(dtype, words[lane], element);
    if (width != 1) {
      storeLaneElement(target, dtype, element, lane, planes);
      continue;
    }
    for (unsigned k = 0; k < size; ++k)
      planes[k * planeBytes + lane] = element[k];
  }
}

LPU_VECTOR_CLONES
void loadVectorWords(const TargetDesc &target, DType dtype,
                     const uint8_t *planes, uint32_t *words) {
  const unsigned width = target.laneBytes;
  const size_t planeBytes = target.planeBytes();
  const uint32_t lanes = target.lanes;
  if (width == 1) { // every read of the simulator: one loop per type
    const uint8_t *p0 = planes, *p1 = planes + planeBytes;
    switch (dtype) {
    case DType::F32:
    case DType::I32: {
      const uint8_t *p2 = p1 + planeBytes, *p3 = p2 + planeBytes;
      for (uint32_t l = 0; l < lanes; ++l)
        words[l] = uint32_t(p0[l]) | uint32_t(p1[l]) << 8 |
                   uint32_t(p2[l]) << 16 | uint32_t(p3[l]) << 24;
      return;
    }
    case DType::F16:
      for (uint32_t l = 0; l < lanes; ++l)
        words[l] = halfToWord(p0[l] | p1[l] << 8);
      return;
    case DType::BF16:
      for (uint32_t l = 0; l < lanes; ++l)
        words[l] = (uint32_t(p0[l]) | uint32_t(p1[l]) << 8) << 16;
      return;
    case DType::I8:
      for (uint32_t l = 0; l < lanes; ++l)
        words[l] = static_cast<uint32_t>(
            static_cast<int32_t>(static_cast<int8_t>(p0[l])));
      return;
    case DType::None:
      break;
    }
  }
  for (uint32_t lane = 0; lane < lanes; ++lane) {
    uint8_t element[4] = {};
    loadLaneElement(target, dtype, planes, lane, element);
    words[lane] = laneWordFromHost(dtype, element);
  }
}

std::string formatBytes(uint64_t bytes) {
  char text[32];
  if (bytes >= (uint64_t(1) << 20))
    std::snprintf(text, sizeof text, "%.2f MiB", double(bytes) / (1 << 20));
  else if (bytes >= 1024)
    std::snprintf(text, sizeof text, "%.1f KiB", double(bytes) / 1024);
  else
    std::snprintf(text, sizeof text, "%llu B", (unsigned long long)bytes);
  return text;
}

bool parseTargetDescription(std::string_view text, TargetDesc &target,
                            std::string &error) {
  Json root = Json::parse(text.begin(), text.end(), nullptr,
                          /*allow_exceptions=*/false);
  if (root.is_discarded()) {
    error = "not valid JSON";
    return false;
  }
  TargetDesc t;
  try {
    readTarget(root, t);
  } catch (const FieldError &e) {
    error = e.message;
    return false;
  } catch (const std::exception &e) {
    error = e.what();
    return false;
  }
  t.finalize();
  error = t.validate();
  if (!error.empty())
    return false;
  target = std::move(t);
  return true;
}

std::string printTargetDescription(const TargetDesc &t) {
  // Runs of equal slices are written as "KIND*N", split at the centre.
  auto runs = [&](uint32_t begin, uint32_t end) {
    Json list = Json::array();
    for (uint32_t i = begin; i < end;) {
      uint32_t j = i;
      while (j < end && t.floorplan[j] == t.floorplan[i])
        ++j;
      std::string kind(sliceKindName(t.floorplan[i]));
      list.push_back(j - i == 1 ? kind : kind + "*" + std::to_string(j - i));
      i = j;
    }
    return list;
  };
  uint32_t centre = t.centreColumn();
  Json root;
  root["format"] = kFormat;
  root["name"] = t.name;
  root["clock_mhz"] = t.clockMHz;
  root["lanes"] = t.lanes;
  root["lane_bytes"] = t.laneBytes;
  root["superlanes"] = t.superlanes;
  root["streams_per_direction"] = t.streamsPerDirection;
  root["mem"] = {{"addresses", t.memAddresses}, {"banks", t.memBanks}};
  Json vxmTypes = Json::array();
  for (DType d : t.vxmTypes)
    vxmTypes.push_back(std::string(dtypeName(d)));
  root["vxm"] = {{"alus_per_lane", t.vxmAlusPerLane}, {"types", vxmTypes}};
  Json mxmTypes = Json::object();
  for (const MXMRate &rate : t.mxmRates)
    mxmTypes[std::string(dtypeName(rate.type))] = {{"rows", rate.rows},
                                                   {"cycles", rate.cycles}};
  root["mxm"] = {{"types", mxmTypes}, {"load_bytes", t.mxmLoadBytes}};
  root["sxm"] = {{"queues_per_slice", t.sxmQueuesPerSlice}};
  root["floorplan"] = {{"west", runs(0, centre)},
                       {"centre", runs(centre, centre + 1)},
                       {"east", runs(centre + 1, t.floorplan.size())}};
  Json latency = Json::object();
  for (unsigned i = 0; i < kNumOpcodes; ++i)
    latency[std::string(getInstructionInfo(static_cast<Opcode>(i)).mnemonic)] =
        t.latency[i];
  root["latency"] = latency;
  return root.dump(2) + "\n";
}

const std::vector<TargetDesc> &builtinTargets() {
  static const std::vector<TargetDesc> targets = [] {
    std::vector<TargetDesc> list;
    for (const auto &[file, text] : kBuiltinTargetFiles) {
      TargetDesc t;
      std::string error;
      // The shipped files are checked by unit tests; a broken one is a
      // build defect, so it is left out rather than half-read.
      if (parseTargetDescription(text, t, error))
        list.push_back(std::move(t));
    }
    return list;
  }();
  return targets;
}

const TargetDesc *findBuiltinTarget(std::string_view name) {
  for (const TargetDesc &t : builtinTargets())
    if (t.name == name)
      return &t;
  return nullptr;
}

bool loadTarget(const std::string &nameOrPath, TargetDesc &target,
                std::string &error) {
  if (const TargetDesc *builtin = findBuiltinTarget(nameOrPath)) {
    target = *builtin;
    return true;
  }
  std::ifstream in(nameOrPath, std::ios::binary);
  if (!in) {
    std::string names;
    for (const TargetDesc &t : builtinTargets())
      names += (names.empty() ? "" : ", ") + t.name;
    error = "'" + nameOrPath + "' is neither a built-in target (" + names +
            ") nor a readable target file";
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (!parseTargetDescription(text.str(), target, error)) {
    error = nameOrPath + ": " + error;
    return false;
  }
  return true;
}

} // namespace lpu
