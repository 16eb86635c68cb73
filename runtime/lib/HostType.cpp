//===- HostType.cpp - Element types of host buffers -----------------------===//

#include "lpu/HostType.h"

#include "lpu/Elements.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace lpu {

bool decodeHostType(uint8_t byte, HostType &type) {
  switch (static_cast<HostType>(byte)) {
  case HostType::F32:
  case HostType::U8:
  case HostType::I8:
  case HostType::U16:
  case HostType::I16:
  case HostType::I32:
  case HostType::I64:
  case HostType::Bool:
  case HostType::F16:
  case HostType::F64:
  case HostType::U32:
  case HostType::U64:
  case HostType::BF16:
    type = static_cast<HostType>(byte);
    return true;
  }
  return false;
}

std::string_view hostTypeName(HostType type) {
  switch (type) {
  case HostType::F32:
    return "f32";
  case HostType::U8:
    return "u8";
  case HostType::I8:
    return "i8";
  case HostType::U16:
    return "u16";
  case HostType::I16:
    return "i16";
  case HostType::I32:
    return "i32";
  case HostType::I64:
    return "i64";
  case HostType::Bool:
    return "bool";
  case HostType::F16:
    return "f16";
  case HostType::F64:
    return "f64";
  case HostType::U32:
    return "u32";
  case HostType::U64:
    return "u64";
  case HostType::BF16:
    return "bf16";
  }
  return "?";
}

unsigned hostTypeBytes(HostType type) {
  switch (type) {
  case HostType::U8:
  case HostType::I8:
  case HostType::Bool:
    return 1;
  case HostType::U16:
  case HostType::I16:
  case HostType::F16:
  case HostType::BF16:
    return 2;
  case HostType::F32:
  case HostType::I32:
  case HostType::U32:
    return 4;
  case HostType::I64:
  case HostType::U64:
  case HostType::F64:
    return 8;
  }
  return 0;
}

bool isIntegerHostType(HostType type) {
  switch (type) {
  case HostType::U8:
  case HostType::I8:
  case HostType::U16:
  case HostType::I16:
  case HostType::I32:
  case HostType::I64:
  case HostType::U32:
  case HostType::U64:
    return true;
  default:
    return false;
  }
}

bool isHalfHostType(HostType type) {
  return type == HostType::F16 || type == HostType::BF16;
}

bool holdsHostType(DType chip, HostType host) {
  if (chip != DType::None && hostTypeOf(chip) == host)
    return true;
  if (chip == DType::I32)
    return isIntegerHostType(host);
  return chip == DType::F32 && (host == HostType::Bool ||
                                host == HostType::F64 || isHalfHostType(host));
}

namespace {

/// The range of an integer host type, as int64 bounds (u64's upper bound is
/// clamped: the chip's values never come near it).
std::pair<int64_t, int64_t> integerRange(HostType type) {
  switch (type) {
  case HostType::U8:
    return {0, 255};
  case HostType::I8:
    return {-128, 127};
  case HostType::U16:
    return {0, 65535};
  case HostType::I16:
    return {-32768, 32767};
  case HostType::I32:
    return {INT32_MIN, INT32_MAX};
  case HostType::U32:
    return {0, UINT32_MAX};
  case HostType::U64:
    return {0, INT64_MAX};
  default:
    return {INT64_MIN, INT64_MAX};
  }
}

/// A little-endian T at `p`.
template <typename T> T load(const uint8_t *p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

/// Integer element `i` of a host buffer; u64 values above INT64_MAX are
/// reported as INT64_MAX (out of every range the chip holds).
int64_t readInteger(HostType type, const uint8_t *in, size_t i) {
  const uint8_t *p = in + i * hostTypeBytes(type);
  switch (type) {
  case HostType::U8:
    return load<uint8_t>(p);
  case HostType::I8:
    return load<int8_t>(p);
  case HostType::U16:
    return load<uint16_t>(p);
  case HostType::I16:
    return load<int16_t>(p);
  case HostType::I32:
    return load<int32_t>(p);
  case HostType::U32:
    return load<uint32_t>(p);
  case HostType::U64:
    return int64_t(std::min<uint64_t>(load<uint64_t>(p), INT64_MAX));
  default:
    return load<int64_t>(p);
  }
}

/// Writes `v`, which lies in the type's range.
void writeInteger(HostType type, int64_t v, uint8_t *out, size_t i) {
  const unsigned size = hostTypeBytes(type);
  // Little-endian: the low bytes of the two's complement are the value.
  std::memcpy(out + i * size, &v, size);
}

/// Integers of type `from` as type `to`, each checked against `to`'s range
/// (`range` names it in the error).
bool convertIntegers(HostType from, HostType to, const uint8_t *in,
                     size_t count, uint8_t *out, std::string_view range,
                     std::string &error) {
  const auto [lo, hi] = integerRange(to);
  for (size_t i = 0; i < count; ++i) {
    const int64_t v = readInteger(from, in, i);
    if (v < lo || v > hi) {
      error = "element " + std::to_string(i) + " is " + std::to_string(v) +
              ", outside the " + std::string(range);
      return false;
    }
    writeInteger(to, v, out, i);
  }
  return true;
}

} // namespace

bool hostToChipElements(HostType host, DType chip, const void *in, size_t count,
                        void *out, std::string &error) {
  const auto *from = static_cast<const uint8_t *>(in);
  auto *to = static_cast<uint8_t *>(out);
  if (hostTypeOf(chip) == host) {
    std::memcpy(to, from, count * hostTypeBytes(host));
    return true;
  }
  if (chip == DType::I32 && isIntegerHostType(host))
    return convertIntegers(host, HostType::I32, from, count, to,
                           "int32 range the LPU computes integers in", error);
  if (chip == DType::F32 && host == HostType::Bool) {
    for (size_t i = 0; i < count; ++i) {
      const float v = from[i] != 0 ? 1.0f : 0.0f;
      std::memcpy(to + 4 * i, &v, 4);
    }
    return true;
  }
  if (chip == DType::F32 && host == HostType::F64) {
    for (size_t i = 0; i < count; ++i) {
      const float v = static_cast<float>(load<double>(from + 8 * i));
      std::memcpy(to + 4 * i, &v, 4);
    }
    return true;
  }
  if (chip == DType::F32 && isHalfHostType(host)) {
    // Exact: every f16 and bf16 value is an f32 one.
    for (size_t i = 0; i < count; ++i) {
      const uint32_t word =
          laneWordFromHost(static_cast<DType>(host), from + 2 * i);
      std::memcpy(to + 4 * i, &word, 4);
    }
    return true;
  }
  error = "the chip cannot hold " + std::string(hostTypeName(host)) +
          " elements as " + std::string(dtypeName(chip));
  return false;
}

bool chipToHostElements(DType chip, HostType host, const void *in, size_t count,
                        void *out, std::string &error) {
  const auto *from = static_cast<const uint8_t *>(in);
  auto *to = static_cast<uint8_t *>(out);
  if (hostTypeOf(chip) == host) {
    std::memcpy(to, from, count * hostTypeBytes(host));
    return true;
  }
  if (chip == DType::I32 && isIntegerHostType(host))
    return convertIntegers(HostType::I32, host, from, count, to,
                           std::string(hostTypeName(host)) + " range", error);
  if (chip == DType::F32 && (host == HostType::Bool || host == HostType::F64)) {
    for (size_t i = 0; i < count; ++i) {
      const float v = load<float>(from + 4 * i);
      if (host == HostType::Bool) {
        to[i] = v != 0.0f;
      } else {
        const double d = v;
        std::memcpy(to + 8 * i, &d, 8);
      }
    }
    return true;
  }
  if (chip == DType::F32 && isHalfHostType(host)) {
    // Rounded to nearest even, as a Cast to the half type rounds.
    const auto half = static_cast<DType>(host);
    for (size_t i = 0; i < count; ++i)
      laneWordToHost(half, roundFloatWord(half, load<float>(from + 4 * i)),
                     to + 2 * i);
    return true;
  }
  error = "the chip cannot give " + std::string(dtypeName(chip)) +
          " elements as " + std::string(hostTypeName(host));
  return false;
}

void hostElementsToDoubles(HostType type, const void *in, size_t count,
                           double *out) {
  const auto *from = static_cast<const uint8_t *>(in);
  for (size_t i = 0; i < count; ++i) {
    const uint8_t *p = from + i * hostTypeBytes(type);
    switch (type) {
    case HostType::F32:
    case HostType::F16:
    case HostType::BF16:
      out[i] = wordToFloat(laneWordFromHost(static_cast<DType>(type), p));
      break;
    case HostType::F64:
      out[i] = load<double>(p);
      break;
    case HostType::Bool:
      out[i] = *p != 0;
      break;
    case HostType::U64:
      out[i] = static_cast<double>(load<uint64_t>(p));
      break;
    default:
      out[i] = static_cast<double>(readInteger(type, from, i));
    }
  }
}

void hostElementsFromDoubles(HostType type, const double *in, size_t count,
                             void *out) {
  auto *to = static_cast<uint8_t *>(out);
  for (size_t i = 0; i < count; ++i) {
    uint8_t *p = to + i * hostTypeBytes(type);
    switch (type) {
    case HostType::F32:
    case HostType::F16:
    case HostType::BF16: {
      const auto dtype = static_cast<DType>(type);
      laneWordToHost(dtype, roundFloatWord(dtype, static_cast<float>(in[i])),
                     p);
      break;
    }
    case HostType::F64:
      std::memcpy(p, &in[i], 8);
      break;
    case HostType::Bool:
      *p = in[i] != 0.0 && !std::isnan(in[i]);
      break;
    case HostType::U64: {
      const double v = std::isnan(in[i]) ? 0.0 : std::nearbyint(in[i]);
      const uint64_t u = v <= 0.0                      ? 0
                         : v >= 18446744073709551616.0 ? UINT64_MAX
                                                       : uint64_t(v);
      std::memcpy(p, &u, 8);
      break;
    }
    default: {
      // Saturated at the type's range; for i64, 2^63 itself is out of it.
      const auto [lo, hi] = integerRange(type);
      const double v = std::isnan(in[i]) ? 0.0 : std::nearbyint(in[i]);
      const int64_t value = v >= 9223372036854775808.0 ? hi
                            : v < double(lo)
                                ? lo
                                : std::min<int64_t>(int64_t(v), hi);
      writeInteger(type, value, to, i);
    }
    }
  }
}

} // namespace lpu
