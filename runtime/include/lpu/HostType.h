//===- HostType.h - Element types of host buffers ---------------*- C++ -*-===//
//
// A program's inputs and outputs are given and read by the host in the ONNX
// model's element type, which may be one the chip does not compute in: the
// chip holds every integer type as i32 and bool and f64 as f32, and f16 and
// bf16 as f32 where the model computes with them. The runtime
// converts at the boundary, checking that every value fits; these are the
// conversions, shared by the simulator and the C API.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_HOSTTYPE_H
#define LPU_HOSTTYPE_H

#include "lpu/ISA.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace lpu {

/// Numbered as ONNX's TensorProto.DataType (and the C API's lpu_dtype).
enum class HostType : uint8_t {
  F32 = 1,
  U8 = 2,
  I8 = 3,
  U16 = 4,
  I16 = 5,
  I32 = 6,
  I64 = 7,
  Bool = 9,
  F16 = 10,
  F64 = 11,
  U32 = 12,
  U64 = 13,
  BF16 = 16,
};

bool decodeHostType(uint8_t byte, HostType &type);
/// "f32", "u8", "bool", ... (as lpu-objdump prints them).
std::string_view hostTypeName(HostType type);
/// Bytes per element in host buffers.
unsigned hostTypeBytes(HostType type);
bool isIntegerHostType(HostType type);
/// f16 or bf16.
bool isHalfHostType(HostType type);
/// The host type whose elements are the chip's own (no conversion).
inline HostType hostTypeOf(DType dtype) {
  return static_cast<HostType>(static_cast<uint8_t>(dtype));
}
/// Whether the chip can hold `host` elements as `chip` ones: the same type,
/// an integer as i32, or bool, f64, f16 and bf16 as f32.
bool holdsHostType(DType chip, HostType host);

/// Converts `count` host elements to the chip type's host elements (i32 or
/// f32), `in` and `out` may not overlap. On a value the chip type cannot
/// hold (an integer outside int32) it returns false and sets `error`, which
/// names element `index` as "element N is V, ...".
bool hostToChipElements(HostType host, DType chip, const void *in, size_t count,
                        void *out, std::string &error);
/// The reverse; an integer outside the host type's range is an error too
/// (the compiler wraps narrow integer results, so this means a bug).
bool chipToHostElements(DType chip, HostType host, const void *in, size_t count,
                        void *out, std::string &error);

/// Host elements as doubles and back (floats round to nearest even,
/// integers round and saturate, NaN becomes 0): for tools that read and
/// print tensors.
void hostElementsToDoubles(HostType type, const void *in, size_t count,
                           double *out);
void hostElementsFromDoubles(HostType type, const double *in, size_t count,
                             void *out);

} // namespace lpu

#endif // LPU_HOSTTYPE_H
