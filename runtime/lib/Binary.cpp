//===- Binary.cpp - Writing and validating .lpu files ---------------------===//

#include "lpu/Binary.h"

#include "lpu/MachineRules.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>
#include <sstream>

#include <zlib.h>

namespace lpu {

namespace {

constexpr uint32_t fourcc(const char (&s)[5]) {
  return static_cast<uint32_t>(s[0]) | static_cast<uint32_t>(s[1]) << 8 |
         static_cast<uint32_t>(s[2]) << 16 | static_cast<uint32_t>(s[3]) << 24;
}
constexpr uint32_t kTagTarget = fourcc("TRGT");
constexpr uint32_t kTagMeta = fourcc("META");
constexpr uint32_t kTagInputs = fourcc("INPT");
constexpr uint32_t kTagOutputs = fourcc("OUTP");
constexpr uint32_t kTagSram = fourcc("SRAM");
constexpr uint32_t kTagCode = fourcc("CODE");
constexpr uint32_t kRequiredTags[] = {kTagTarget,  kTagMeta, kTagInputs,
                                      kTagOutputs, kTagSram, kTagCode};

constexpr size_t kHeaderBytes = 32;
constexpr size_t kSectionEntryBytes = 24;
constexpr size_t kChecksumBytes = 8;
constexpr unsigned kMaxRank = 8;

std::string tagName(uint32_t tag) {
  std::string s(4, ' ');
  for (int i = 0; i < 4; ++i) {
    char c = static_cast<char>(tag >> (8 * i));
    s[i] = (c >= 32 && c < 127) ? c : '?';
  }
  return s;
}

/// The CRC-32 of zlib (and of gzip, PNG and Python's zlib.crc32), which
/// any tool can recompute; zlib's takes a u32 length, so longer data goes in
/// pieces.
uint64_t crc32Of(const uint8_t *data, size_t size) {
  uLong crc = crc32(0L, Z_NULL, 0);
  for (size_t done = 0; done < size;) {
    const uInt piece =
        static_cast<uInt>(std::min<size_t>(size - done, uInt(1) << 30));
    crc = crc32(crc, data + done, piece);
    done += piece;
  }
  return crc;
}

class ByteWriter {
public:
  std::vector<uint8_t> bytes;

  void u8(uint8_t v) { bytes.push_back(v); }
  void u16(uint16_t v) { le(v, 2); }
  void u32(uint32_t v) { le(v, 4); }
  void u64(uint64_t v) { le(v, 8); }
  void i64(int64_t v) { le(static_cast<uint64_t>(v), 8); }
  void f32(float v) {
    uint32_t bits;
    std::memcpy(&bits, &v, 4);
    u32(bits);
  }
  void str(const std::string &s) {
    u32(static_cast<uint32_t>(s.size()));
    bytes.insert(bytes.end(), s.begin(), s.end());
  }
  void alignTo8() {
    while (bytes.size() % 8)
      bytes.push_back(0);
  }
  void patchU64(size_t at, uint64_t v) {
    for (int i = 0; i < 8; ++i)
      bytes[at + i] = static_cast<uint8_t>(v >> (8 * i));
  }

private:
  void le(uint64_t v, int n) {
    for (int i = 0; i < n; ++i)
      bytes.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
};

/// Bounds-checked little-endian reader over one section; the first failure
/// is remembered with its absolute file offset.
class ByteReader {
public:
  ByteReader(const uint8_t *data, size_t begin, size_t end, std::string where)
      : data(data), pos(begin), end(end), where(std::move(where)) {}

  bool ok() const { return error.empty(); }
  const std::string &getError() const { return error; }
  size_t offset() const { return pos; }
  bool atEnd() const { return pos == end; }
  size_t remaining() const { return end - pos; }

  void fail(const std::string &message) { failAt(pos, message); }
  void failAt(size_t offset, const std::string &message) {
    if (error.empty()) {
      std::ostringstream os;
      os << where << " at offset " << offset << ": " << message;
      error = os.str();
    }
  }
  bool need(size_t n) {
    if (!ok())
      return false;
    if (end - pos < n) {
      fail("truncated (needs " + std::to_string(n) + " more bytes)");
      return false;
    }
    return true;
  }
  uint64_t le(int n) {
    if (!need(n))
      return 0;
    uint64_t v = 0;
    for (int i = 0; i < n; ++i)
      v |= static_cast<uint64_t>(data[pos + i]) << (8 * i);
    pos += n;
    return v;
  }
  uint8_t u8() { return static_cast<uint8_t>(le(1)); }
  uint16_t u16() { return static_cast<uint16_t>(le(2)); }
  uint32_t u32() { return static_cast<uint32_t>(le(4)); }
  uint64_t u64() { return le(8); }
  int64_t i64() { return static_cast<int64_t>(le(8)); }
  /// `n` reserved bytes, which must be zero: a reader that skipped them
  /// would take a corrupted or future file for a valid one.
  void reserved(int n, const char *what) {
    const size_t at = pos;
    if (le(n) != 0 && ok())
      failAt(at, std::string(what) + " must be 0");
  }
  std::string str(size_t maxLength) {
    uint32_t n = u32();
    if (n > maxLength) {
      fail("string of " + std::to_string(n) + " bytes exceeds limit " +
           std::to_string(maxLength));
      return {};
    }
    if (!need(n))
      return {};
    std::string s(reinterpret_cast<const char *>(data + pos), n);
    pos += n;
    return s;
  }
  const uint8_t *take(size_t n) {
    if (!need(n))
      return nullptr;
    const uint8_t *p = data + pos;
    pos += n;
    return p;
  }

private:
  const uint8_t *data;
  size_t pos;
  size_t end;
  std::string where;
  std::string error;
};

void writeTarget(ByteWriter &w, const TargetDesc &t) {
  w.str(t.name);
  for (uint32_t v :
       {t.clockMHz, t.lanes, t.laneBytes, t.superlanes, t.streamsPerDirection,
        t.memAddresses, t.memBanks, t.vxmAlusPerLane, t.sxmQueuesPerSlice})
    w.u32(v);
  w.u32(static_cast<uint32_t>(t.floorplan.size()));
  for (SliceKind kind : t.floorplan)
    w.u8(static_cast<uint8_t>(kind));
  for (size_t i = t.floorplan.size(); i % 4; ++i)
    w.u8(0);
  w.u32(kNumOpcodes);
  for (uint32_t l : t.latency)
    w.u32(l);
  w.u32(static_cast<uint32_t>(t.vxmTypes.size()));
  for (DType d : t.vxmTypes)
    w.u32(static_cast<uint8_t>(d));
  w.u32(static_cast<uint32_t>(t.mxmRates.size()));
  for (const MXMRate &rate : t.mxmRates) {
    w.u32(static_cast<uint8_t>(rate.type));
    w.u32(rate.rows);
    w.u32(rate.cycles);
  }
  w.u32(t.mxmLoadBytes);
}

void writeBindings(ByteWriter &w, const std::vector<TensorBinding> &list) {
  w.u32(static_cast<uint32_t>(list.size()));
  for (const TensorBinding &b : list) {
    w.str(b.name);
    w.u8(static_cast<uint8_t>(b.host));
    w.u8(static_cast<uint8_t>(b.dtype));
    w.u8(static_cast<uint8_t>(b.shape.size()));
    w.u16(static_cast<uint16_t>(b.stateOf + 1));
    for (int64_t d : b.shape)
      w.i64(d);
    w.i64(b.layout.rows);
    w.i64(b.layout.rowLength);
    w.i64(b.layout.vectorsPerRow);
    w.i64(b.blockRows);
    w.u32(static_cast<uint32_t>(b.parts.size()));
    for (const SramPart &part : b.parts) {
      w.u32(part.slice);
      w.u32(part.address);
    }
  }
}

void writeSram(ByteWriter &w, const Binary &binary) {
  w.u32(static_cast<uint32_t>(binary.sram.size()));
  for (const SramSegment &s : binary.sram) {
    w.u32(s.slice);
    w.u32(s.address);
    w.u32(s.addresses);
    const uint8_t *bytes = binary.segmentBytes(s);
    const size_t size = binary.segmentSize(s);
    w.bytes.insert(w.bytes.end(), bytes, bytes + size);
    for (size_t i = size; i % 4; ++i)
      w.u8(0);
  }
}

void writeCode(ByteWriter &w, const std::vector<UnitProgram> &units) {
  w.u32(static_cast<uint32_t>(units.size()));
  for (const UnitProgram &u : units) {
    w.u8(static_cast<uint8_t>(u.kind));
    w.u8(0);
    w.u16(0);
    w.u32(u.index);
    w.u32(static_cast<uint32_t>(u.instructions.size()));
    uint8_t word[kInstructionBytes];
    for (const Instruction &inst : u.instructions) {
      encodeInstruction(inst, word);
      w.bytes.insert(w.bytes.end(), word, word + kInstructionBytes);
    }
  }
}

bool readTarget(ByteReader &r, TargetDesc &t) {
  t.name = r.str(64);
  for (uint32_t *field : {&t.clockMHz, &t.lanes, &t.laneBytes, &t.superlanes,
                          &t.streamsPerDirection, &t.memAddresses, &t.memBanks,
                          &t.vxmAlusPerLane, &t.sxmQueuesPerSlice})
    *field = r.u32();
  uint32_t columns = r.u32();
  if (r.ok() && (columns == 0 || columns > 4096))
    r.fail("floorplan of " + std::to_string(columns) + " slices");
  for (uint32_t i = 0; i < columns && r.ok(); ++i) {
    uint8_t kind = r.u8();
    if (kind > static_cast<uint8_t>(SliceKind::C2c))
      r.fail("unknown slice kind " + std::to_string(kind));
    t.floorplan.push_back(static_cast<SliceKind>(kind));
  }
  for (uint32_t i = columns; r.ok() && i % 4; ++i)
    if (r.u8() != 0)
      r.fail("non-zero floorplan padding");
  uint32_t numOpcodes = r.u32();
  if (r.ok() && numOpcodes != kNumOpcodes)
    r.fail("target lists " + std::to_string(numOpcodes) +
           " instruction latencies, this runtime knows " +
           std::to_string(kNumOpcodes));
  for (uint32_t &l : t.latency)
    l = r.u32();
  auto readType = [&](const char *what) {
    uint32_t byte = r.u32();
    DType dtype = DType::None;
    if (r.ok() && (byte > 0xff || !decodeDType(uint8_t(byte), dtype) ||
                   dtype == DType::None))
      r.fail(std::string(what) + " names unknown element type " +
             std::to_string(byte));
    return dtype;
  };
  uint32_t vxmTypes = r.u32();
  if (r.ok() && vxmTypes > 8)
    r.fail("target lists " + std::to_string(vxmTypes) + " VXM types");
  for (uint32_t i = 0; i < vxmTypes && r.ok(); ++i)
    t.vxmTypes.push_back(readType("a VXM type"));
  uint32_t mxmTypes = r.u32();
  if (r.ok() && mxmTypes > 8)
    r.fail("target lists " + std::to_string(mxmTypes) + " MXM types");
  for (uint32_t i = 0; i < mxmTypes && r.ok(); ++i) {
    MXMRate rate;
    rate.type = readType("an MXM rate");
    rate.rows = r.u32();
    rate.cycles = r.u32();
    t.mxmRates.push_back(rate);
  }
  t.mxmLoadBytes = r.u32();
  if (r.ok()) {
    t.finalize();
    std::string why = t.validate();
    if (!why.empty())
      r.fail("invalid target description: " + why);
  }
  return r.ok();
}

bool checkRange(ByteReader &r, const TargetDesc &t, uint32_t slice,
                uint32_t address, int64_t addresses, const std::string &what) {
  if (slice >= t.memSlices)
    r.fail(what + ": MEM slice " + std::to_string(slice) +
           " does not exist (target has " + std::to_string(t.memSlices) + ")");
  else if (addresses <= 0 || address >= t.memAddresses ||
           static_cast<uint64_t>(addresses) > t.memAddresses - address)
    r.fail(what + ": SRAM range [" + std::to_string(address) + ", +" +
           std::to_string(addresses) + ") is outside the slice's " +
           std::to_string(t.memAddresses) + " addresses");
  return r.ok();
}

bool readBindings(ByteReader &r, const TargetDesc &t,
                  std::vector<TensorBinding> &list) {
  uint32_t count = r.u32();
  if (r.ok() && count > 65536)
    r.fail("too many tensors: " + std::to_string(count));
  std::set<std::string> names;
  for (uint32_t i = 0; i < count && r.ok(); ++i) {
    TensorBinding b;
    b.name = r.str(kMaxTensorNameBytes);
    uint8_t host = r.u8();
    uint8_t dtype = r.u8();
    uint8_t rank = r.u8();
    b.stateOf = int32_t(r.u16()) - 1;
    if (!r.ok())
      break;
    if (!isValidTensorName(b.name) || !names.insert(b.name).second)
      r.fail("a tensor name is empty, repeated or holds a control character");
    if (!decodeDType(dtype, b.dtype) || !decodeHostType(host, b.host) ||
        !holdsHostType(b.dtype, b.host))
      r.fail("tensor '" + b.name + "' has unsupported types: host " +
             std::to_string(host) + ", chip " + std::to_string(dtype));
    if (rank > kMaxRank)
      r.fail("tensor '" + b.name + "' has rank " + std::to_string(rank));
    for (unsigned d = 0; d < rank && r.ok(); ++d) {
      int64_t dim = r.i64();
      if (r.ok() && (dim <= 0 || dim > (int64_t(1) << 32)))
        r.fail("tensor '" + b.name + "' has invalid dimension " +
               std::to_string(dim));
      b.shape.push_back(dim);
    }
    b.layout.rows = r.i64();
    b.layout.rowLength = r.i64();
    b.layout.vectorsPerRow = r.i64();
    b.blockRows = r.i64();
    uint32_t parts = r.u32();
    if (!r.ok())
      break;
    if (checkedElementCount(b.shape) < 0) {
      r.fail("tensor '" + b.name + "' has more than 2^40 elements");
      break;
    }
    TensorLayout expected = layoutFor(t, b.shape, b.dtype);
    if (expected.rows != b.layout.rows ||
        expected.rowLength != b.layout.rowLength ||
        expected.vectorsPerRow != b.layout.vectorsPerRow) {
      r.fail("tensor '" + b.name +
             "' has a layout that does not match its shape");
      break;
    }
    b.layout = expected;
    if (b.blockRows < 1 || b.blockRows > b.layout.rows || parts == 0 ||
        parts > t.memSlices) {
      r.fail("tensor '" + b.name + "' is dealt in blocks of " +
             std::to_string(b.blockRows) + " rows over " +
             std::to_string(parts) + " parts");
      break;
    }
    std::set<uint32_t> slices;
    for (uint32_t i = 0; i < parts && r.ok(); ++i) {
      SramPart part{r.u32(), r.u32()};
      if (r.ok() && !slices.insert(part.slice).second)
        r.fail("tensor '" + b.name + "' has two parts on mem[" +
               std::to_string(part.slice) + "]");
      b.parts.push_back(part);
    }
    for (uint32_t i = 0; i < parts && r.ok(); ++i) {
      int64_t addresses = b.deal().partAddresses(b.layout, i);
      if (addresses > 0)
        checkRange(r, t, b.parts[i].slice, b.parts[i].address, addresses,
                   "tensor '" + b.name + "' part " + std::to_string(i));
    }
    list.push_back(std::move(b));
  }
  return r.ok();
}

/// Only outputs are state, each of a distinct input whose SRAM, type and
/// shape it shares.
bool checkStates(ByteReader &r, const std::vector<TensorBinding> &inputs,
                 const std::vector<TensorBinding> &outputs) {
  auto refuse = [&](const std::string &message) {
    r.fail(message);
    return false;
  };
  for (const TensorBinding &in : inputs)
    if (in.stateOf >= 0)
      return refuse("input '" + in.name + "' is marked as state");
  std::set<int32_t> carried;
  auto samePart = [](const SramPart &a, const SramPart &b) {
    return a.slice == b.slice && a.address == b.address;
  };
  for (const TensorBinding &out : outputs) {
    if (out.stateOf < 0)
      continue;
    if (size_t(out.stateOf) >= inputs.size() ||
        !carried.insert(out.stateOf).second)
      return refuse("output '" + out.name + "' is the state of input " +
                    std::to_string(out.stateOf) +
                    ", which does not exist or has another");
    const TensorBinding &in = inputs[out.stateOf];
    if (in.dtype != out.dtype || in.host != out.host || in.shape != out.shape ||
        in.blockRows != out.blockRows ||
        !std::equal(in.parts.begin(), in.parts.end(), out.parts.begin(),
                    out.parts.end(), samePart))
      return refuse("output '" + out.name + "' is the state of input '" +
                    in.name + "' but differs in type, shape or SRAM");
  }
  return true;
}

bool readSram(ByteReader &r, const TargetDesc &t, Binary &binary) {
  // The section's size bounds the image's (a file offset, checked).
  binary.sramBytes.reserve(r.remaining());
  uint32_t count = r.u32();
  for (uint32_t i = 0; i < count && r.ok(); ++i) {
    SramSegment s;
    s.slice = r.u32();
    s.address = r.u32();
    s.addresses = r.u32();
    if (!r.ok() || !checkRange(r, t, s.slice, s.address, s.addresses,
                               "SRAM segment " + std::to_string(i)))
      break;
    size_t bytes = static_cast<size_t>(s.addresses) * t.planeBytes();
    const uint8_t *p = r.take(bytes);
    if (!p)
      break;
    s.offset = binary.sramBytes.size();
    binary.sramBytes.insert(binary.sramBytes.end(), p, p + bytes);
    for (size_t k = bytes; k % 4 && r.ok(); ++k)
      if (r.u8() != 0)
        r.fail("non-zero padding after SRAM segment " + std::to_string(i));
    binary.sram.push_back(s);
  }
  return r.ok();
}

/// Checks one instruction against the ISA table and the target.
std::string checkInstruction(const Instruction &inst, const UnitProgram &unit,
                             const TargetDesc &t) {
  const InstructionInfo &info = getInstructionInfo(inst.opcode);
  const UnitKind kind = unit.kind;
  // Messages are built only for an instruction that fails.
  auto name = [&] { return std::string(info.mnemonic); };
  if (info.unit != UnitKind::Any && info.unit != kind)
    return "'" + name() + "' cannot run on a " +
           std::string(unitKindName(kind)) + " unit";
  // A vector of several planes takes an aligned group of streams. Only the
  // VXM chains through ALU latches, and writes only its own.
  auto checkStream = [&](uint8_t s, bool used, const char *role, DType dtype) {
    if (used && isLatchField(s)) {
      if (kind != UnitKind::Vxm || latchAlu(s) >= t.vxmUnits)
        return "'" + name() + "' " + role + " " + streamName(t, s) +
               " is not a VXM ALU latch it can reach";
      if (std::string_view(role) == "result" &&
          !mayKeepInLatch(kind, unit.index, s))
        return "'" + name() + "' on vxm[" + std::to_string(unit.index) +
               "] puts its result in another ALU's latch (" + streamName(t, s) +
               ")";
      return std::string();
    }
    if (used && s >= t.numStreams())
      return "'" + name() + "' " + role + " stream " + std::to_string(s) +
             " does not exist";
    if (used && s % t.planesOf(dtype) != 0)
      return "'" + name() + "' " + role + " stream " + std::to_string(s) +
             " does not start a group of " + std::to_string(t.planesOf(dtype)) +
             " streams (" + std::string(dtypeName(dtype)) + ")";
    if (!used && s != kNoStream)
      return "'" + name() + "' has an unexpected " + role + " stream";
    return std::string();
  };
  if (!typeSetContains(info.types, inst.dtype))
    return "'" + name() + "' cannot operate on element type " +
           std::string(dtypeName(inst.dtype));
  if (info.types == TypeSet::MatMul && !t.mxmRate(inst.dtype))
    return "'" + name() + "' cannot multiply " +
           std::string(dtypeName(inst.dtype)) + ": the MXM of " + t.name +
           " multiplies " + t.mxmTypeList();
  if (info.unit == UnitKind::Vxm &&
      (!t.vxmComputes(inst.dtype) ||
       (info.imm == ImmKind::DType &&
        !t.vxmComputes(static_cast<DType>(inst.imm & 0xff)))))
    return "'" + name() + "' uses an element type the VXM of " + t.name +
           " does not compute in";
  uint32_t imm = inst.imm;
  switch (info.imm) {
  case ImmKind::None:
    if (imm != 0)
      return "'" + name() + "' has a non-zero immediate";
    break;
  case ImmKind::Count:
    if (imm == 0)
      return "'" + name() + "' count " + std::to_string(imm) + " is invalid";
    break;
  case ImmKind::Install: {
    // Array rows come from buffer rows, or (transposed) from the buffer's
    // lanes [window, window + rows of the type); buffer rows fill columns.
    const MXMRate *rate = t.mxmRate(inst.dtype);
    InstallFields f = decodeInstall(imm);
    uint32_t limit = f.transposed || !rate ? t.lanes : rate->rows;
    if (f.rows == 0 || f.rows > limit || !f.valid || f.window >= t.lanes ||
        (rate && f.window % rate->rows != 0))
      return "'" + name() + "' rows/flags " + std::to_string(imm) +
             " are invalid";
    break;
  }
  case ImmKind::Load: {
    // Rows come from consecutive stream groups of one direction, at most the
    // plane's load bandwidth of them.
    LoadFields f = decodeLoad(imm);
    const uint32_t planes = t.planesOf(inst.dtype);
    const uint32_t end =
        t.isEastward(inst.src0) ? t.streamsPerDirection : t.numStreams();
    if (!f.valid || f.row + f.rows > t.lanes ||
        f.rows > t.loadRowsOf(inst.dtype))
      return "'" + name() + "' rows " + std::to_string(f.row) + "+" +
             std::to_string(f.rows) + " are invalid (at most " +
             std::to_string(t.loadRowsOf(inst.dtype)) + " " +
             std::string(dtypeName(inst.dtype)) + " rows per load)";
    if (inst.src0 < t.numStreams() &&
        uint32_t(inst.src0) + f.rows * planes > end)
      return "'" + name() + "' loads " + std::to_string(f.rows) +
             " rows from stream " + std::to_string(inst.src0) +
             " on, past the last stream of its direction";
    break;
  }
  case ImmKind::F32:
    break;
  case ImmKind::LaneWidth: {
    uint32_t lane = imm & 0xffff, width = imm >> 16;
    if (lane >= t.lanes || width == 0 || width > t.lanes)
      return "'" + name() + "' lane/width " + std::to_string(lane) + "/" +
             std::to_string(width) + " is invalid";
    break;
  }
  case ImmKind::Shift: {
    int32_t shift = static_cast<int32_t>(imm);
    if (shift <= -static_cast<int32_t>(t.lanes) ||
        shift >= static_cast<int32_t>(t.lanes))
      return "'" + name() + "' shift " + std::to_string(shift) + " is invalid";
    break;
  }
  case ImmKind::DType: {
    DType to;
    if ((imm & ~(0xffu | kConvertTowardZero)) != 0 ||
        !decodeDType(static_cast<uint8_t>(imm), to) || to == DType::None)
      return "'" + name() + "' target type " + std::to_string(imm) +
             " is invalid";
    break;
  }
  case ImmKind::Gather: {
    const GatherFields f = decodeGather(imm);
    const uint64_t planes = t.planesOf(inst.dtype);
    if (!f.valid)
      return "'" + name() + "' table " + std::to_string(imm) +
             " is invalid (count and stride at least 1, bits 26.. clear)";
    if (uint64_t(inst.address) +
            (uint64_t(f.count - 1) * f.stride + 1) * planes >
        t.memAddresses)
      return "'" + name() + "' table of " + std::to_string(f.count) +
             " entries from address " + std::to_string(inst.address) +
             " runs out of the slice";
    break;
  }
  case ImmKind::Flag:
    if (imm > 1)
      return "'" + name() + "' flag " + std::to_string(imm) + " is not 0 or 1";
    break;
  case ImmKind::Repeat:
    if ((imm & 0xffff) == 0 || (imm >> 16) == 0)
      return "'" + name() + "' needs a count and a stride of at least 1";
    break;
  }
  if (std::string why =
          checkStream(inst.dst, info.hasResult, "result", resultType(inst));
      !why.empty())
    return why;
  if (std::string why = checkStream(inst.src0, info.numSources > 0,
                                    "first source", sourceType(inst, 0));
      !why.empty())
    return why;
  if (std::string why = checkStream(inst.src1, info.numSources > 1,
                                    "second source", sourceType(inst, 1));
      !why.empty())
    return why;
  if (info.usesAddress
          ? uint64_t(inst.address) + t.planesOf(inst.dtype) > t.memAddresses
          : (inst.address != 0 && info.imm != ImmKind::Repeat))
    return "'" + name() + "' address " + std::to_string(inst.address) +
           " is invalid";
  return {};
}

bool readCode(ByteReader &r, const TargetDesc &t,
              std::vector<UnitProgram> &units) {
  // Decoded words are no larger than encoded ones, so the section's size
  // bounds the arena's.
  static_assert(sizeof(Instruction) <= kInstructionBytes);
  auto arena = std::make_shared<LargeArena>(r.remaining());
  uint32_t count = r.u32();
  std::set<std::pair<unsigned, uint32_t>> seen;
  for (uint32_t i = 0; i < count && r.ok(); ++i) {
    UnitProgram u;
    u.instructions = InstructionQueue(ArenaAllocator<Instruction>(arena));
    uint8_t kind = r.u8();
    r.reserved(3, "the unit's reserved bytes");
    u.index = r.u32();
    uint32_t n = r.u32();
    if (!r.ok())
      break;
    if (kind >= kNumUnitKinds) {
      r.fail("unknown unit kind " + std::to_string(kind));
      break;
    }
    u.kind = static_cast<UnitKind>(kind);
    std::string unitName =
        std::string(unitKindName(u.kind)) + "[" + std::to_string(u.index) + "]";
    if (u.index >= t.unitCount(u.kind) ||
        !seen.insert({kind, u.index}).second) {
      r.fail("unit " + unitName + " does not exist or appears twice");
      break;
    }
    size_t wordsAt = r.offset();
    const uint8_t *words = r.take(static_cast<size_t>(n) * kInstructionBytes);
    if (!words)
      break;
    uint64_t cycle = 0;
    u.instructions.reserve(n);
    for (uint32_t k = 0; k < n; ++k) {
      Instruction &inst = u.instructions.emplace_back();
      std::string why = decodeInstruction(words + k * kInstructionBytes, inst)
                            ? checkInstruction(inst, u, t)
                            : std::string("undecodable instruction word");
      if (why.empty() && inst.opcode == Opcode::Repeat &&
          (k == 0 || u.instructions[k - 1].opcode == Opcode::Nop ||
           u.instructions[k - 1].opcode == Opcode::Repeat))
        why = "'repeat' must follow an instruction other than nop or repeat";
      if (why.empty() && inst.opcode == Opcode::Repeat &&
          (inst.imm >> 16) < queueCycles(t, u.instructions[k - 1]))
        why = "'repeat' issues the previous instruction again before it "
              "has left its queue";
      cycle += queueCycles(t, inst);
      if (why.empty() && cycle > (uint64_t(1) << 40))
        why = "program is longer than 2^40 cycles";
      if (!why.empty()) {
        r.failAt(wordsAt + size_t(k) * kInstructionBytes,
                 unitName + " instruction " + std::to_string(k) + ": " + why);
        break;
      }
    }
    units.push_back(std::move(u));
  }
  return r.ok();
}

void writeMeta(ByteWriter &w, const Binary &b) {
  w.str(b.producer);
  w.u32(static_cast<uint32_t>(b.provenance.size()));
  for (const auto &[key, value] : b.provenance) {
    w.str(key);
    w.str(value);
  }
}

void readMeta(ByteReader &r, Binary &b) {
  b.producer = r.str(1 << 16);
  if (r.ok() && hasControlCharacter(b.producer))
    r.fail("the producer holds a control character");
  const uint32_t count = r.u32();
  if (r.ok() && count > kMaxProvenanceEntries)
    r.fail("too many provenance entries: " + std::to_string(count));
  std::set<std::string> keys;
  for (uint32_t i = 0; i < count && r.ok(); ++i) {
    std::string key = r.str(kMaxProvenanceKeyBytes);
    std::string value = r.str(kMaxProvenanceValueBytes);
    if (!r.ok())
      break;
    if (key.empty() || hasControlCharacter(key) || hasControlCharacter(value) ||
        !keys.insert(key).second)
      r.fail("provenance key '" + key +
             "' is empty, repeated or holds a control character, or its "
             "value does");
    b.provenance.emplace_back(std::move(key), std::move(value));
  }
}

} // namespace

size_t Binary::addSramSegment(uint32_t slice, uint32_t address,
                              uint32_t addresses) {
  const size_t offset = sramBytes.size();
  sram.push_back({slice, address, addresses, offset});
  sramBytes.resize(offset + size_t(addresses) * target.planeBytes());
  return offset;
}

uint64_t computeChecksum(const uint8_t *data, size_t size) {
  return crc32Of(data, size < kChecksumBytes ? 0 : size - kChecksumBytes);
}

std::string streamName(const TargetDesc &target, uint8_t stream) {
  if (isLatchField(stream))
    return "alu" + std::to_string(latchAlu(stream));
  if (stream < target.streamsPerDirection)
    return "e" + std::to_string(stream);
  return "w" + std::to_string(stream - target.streamsPerDirection);
}

std::vector<uint8_t> encodeTarget(const TargetDesc &target) {
  ByteWriter w;
  writeTarget(w, target);
  return std::move(w.bytes);
}

std::vector<uint8_t> writeBinary(const Binary &binary) {
  using Fill = void (*)(ByteWriter &, const Binary &);
  const std::pair<uint32_t, Fill> sections[] = {
      {kTagTarget,
       [](ByteWriter &w, const Binary &b) { writeTarget(w, b.target); }},
      {kTagMeta, [](ByteWriter &w, const Binary &b) { writeMeta(w, b); }},
      {kTagInputs,
       [](ByteWriter &w, const Binary &b) { writeBindings(w, b.inputs); }},
      {kTagOutputs,
       [](ByteWriter &w, const Binary &b) { writeBindings(w, b.outputs); }},
      {kTagSram, [](ByteWriter &w, const Binary &b) { writeSram(w, b); }},
      {kTagCode, [](ByteWriter &w, const Binary &b) { writeCode(w, b.units); }},
  };
  const size_t numSections = std::size(sections);
  // Sections are written in place, each after its 8-byte alignment, and the
  // table patched after: the image exists once, at about its final size.
  size_t estimate = kHeaderBytes + numSections * (kSectionEntryBytes + 8) +
                    kChecksumBytes + 4096;
  estimate += 16 * binary.sram.size() + binary.sramBytes.size();
  for (const UnitProgram &unit : binary.units)
    estimate += 12 + kInstructionBytes * unit.instructions.size();
  ByteWriter out;
  out.bytes.reserve(estimate);
  for (char c : kMagic)
    out.u8(static_cast<uint8_t>(c));
  out.u16(kFormatMajor);
  out.u16(kFormatMinor);
  out.u32(static_cast<uint32_t>(numSections));
  size_t fileSizeAt = out.bytes.size();
  out.u64(0);
  out.u64(0); // flags and reserved
  size_t tableAt = out.bytes.size();
  for (const auto &section : sections) {
    out.u32(section.first);
    out.u32(0);
    out.u64(0);
    out.u64(0);
  }
  for (size_t i = 0; i < numSections; ++i) {
    out.alignTo8();
    const size_t start = out.bytes.size();
    sections[i].second(out, binary);
    out.patchU64(tableAt + i * kSectionEntryBytes + 8, start);
    out.patchU64(tableAt + i * kSectionEntryBytes + 16,
                 out.bytes.size() - start);
  }
  out.alignTo8();
  out.patchU64(fileSizeAt, out.bytes.size() + kChecksumBytes);
  out.u64(crc32Of(out.bytes.data(), out.bytes.size()));
  return std::move(out.bytes);
}

bool readBinary(const uint8_t *data, size_t size, Binary &binary,
                std::string &error) {
  binary = Binary();
  if (size < kHeaderBytes + kChecksumBytes ||
      std::memcmp(data, kMagic, sizeof(kMagic)) != 0) {
    error = "not an LPU binary (bad magic or shorter than a header)";
    return false;
  }
  ByteReader header(data, 8, size, "header");
  uint16_t major = header.u16();
  uint16_t minor = header.u16();
  uint32_t numSections = header.u32();
  uint64_t fileSize = header.u64();
  header.reserved(8, "flags");
  if (!header.ok()) {
    error = header.getError();
    return false;
  }
  if (major != kFormatMajor) {
    error = "unsupported format version " + std::to_string(major) + "." +
            std::to_string(minor) + " (this runtime reads " +
            std::to_string(kFormatMajor) + ".x)";
    return false;
  }
  if (fileSize != size) {
    error = "file is " + std::to_string(size) + " bytes but its header says " +
            std::to_string(fileSize) + " (truncated or padded)";
    return false;
  }
  uint64_t stored = 0;
  for (int i = 0; i < 8; ++i)
    stored |= static_cast<uint64_t>(data[size - 8 + i]) << (8 * i);
  if (stored != crc32Of(data, size - kChecksumBytes)) {
    error = "checksum mismatch: the file is corrupted";
    return false;
  }
  if (numSections > 64 ||
      kHeaderBytes + numSections * kSectionEntryBytes > size - kChecksumBytes) {
    error = "header: section table with " + std::to_string(numSections) +
            " entries does not fit the file";
    return false;
  }
  struct Section {
    uint32_t tag;
    uint64_t offset, size;
  };
  std::vector<Section> table;
  ByteReader tableReader(data, kHeaderBytes, size - kChecksumBytes,
                         "section table");
  for (uint32_t i = 0; i < numSections; ++i) {
    Section s;
    s.tag = tableReader.u32();
    tableReader.reserved(4, "a section entry's reserved field");
    s.offset = tableReader.u64();
    s.size = tableReader.u64();
    if (s.offset < kHeaderBytes + numSections * kSectionEntryBytes ||
        s.offset > size - kChecksumBytes ||
        s.size > size - kChecksumBytes - s.offset) {
      error = "section '" + tagName(s.tag) + "' lies outside the file";
      return false;
    }
    for (const Section &other : table)
      if (other.tag == s.tag) {
        error = "section '" + tagName(s.tag) + "' appears twice";
        return false;
      }
    table.push_back(s);
  }
  if (!tableReader.ok()) {
    error = tableReader.getError();
    return false;
  }
  // What no section holds (alignment padding) must be zero.
  {
    std::vector<Section> byOffset = table;
    std::sort(
        byOffset.begin(), byOffset.end(),
        [](const Section &a, const Section &b) { return a.offset < b.offset; });
    uint64_t covered = kHeaderBytes + numSections * kSectionEntryBytes;
    byOffset.push_back({0, size - kChecksumBytes, 0});
    for (const Section &s : byOffset) {
      for (uint64_t at = covered; at < s.offset; ++at)
        if (data[at] != 0) {
          error = "padding byte at offset " + std::to_string(at) + " is not 0";
          return false;
        }
      covered = std::max(covered, s.offset + s.size);
    }
  }
  auto find = [&](uint32_t tag) -> const Section * {
    for (const Section &s : table)
      if (s.tag == tag)
        return &s;
    return nullptr;
  };
  for (uint32_t tag : kRequiredTags)
    if (!find(tag)) {
      error = "required section '" + tagName(tag) + "' is missing";
      return false;
    }

  auto parse = [&](uint32_t tag, auto &&body) {
    const Section *s = find(tag);
    ByteReader r(data, s->offset, s->offset + s->size,
                 "section '" + tagName(tag) + "'");
    body(r);
    if (r.ok() && !r.atEnd())
      r.fail("has trailing bytes");
    if (!r.ok())
      error = r.getError();
    return r.ok();
  };
  const TargetDesc &t = binary.target;
  return parse(kTagTarget,
               [&](ByteReader &r) { readTarget(r, binary.target); }) &&
         parse(kTagMeta, [&](ByteReader &r) { readMeta(r, binary); }) &&
         parse(kTagInputs,
               [&](ByteReader &r) { readBindings(r, t, binary.inputs); }) &&
         parse(kTagOutputs,
               [&](ByteReader &r) {
                 readBindings(r, t, binary.outputs) &&
                     checkStates(r, binary.inputs, binary.outputs);
               }) &&
         parse(kTagSram, [&](ByteReader &r) { readSram(r, t, binary); }) &&
         parse(kTagCode, [&](ByteReader &r) { readCode(r, t, binary.units); });
}

} // namespace lpu
