//===- TensorIO.h - Reading and writing host tensors ------------*- C++ -*-===//
//
// NumPy .npy files and ONNX TensorProto .pb files, as used by lpu-run.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_TOOLS_TENSORIO_H
#define LPU_TOOLS_TENSORIO_H

#include <cstdint>
#include <string>
#include <vector>

namespace lpu {

struct HostTensor {
  std::string name; // from a .pb file; empty for .npy
  std::vector<int64_t> shape;
  std::vector<double> data; // every supported element type fits exactly
  /// The NumPy element kind it is written as: "f4", "i8", "u1", "b1", ...
  std::string kind = "f4";
};

/// The NumPy kind of a host element type (f16 and bf16 as "f4").
std::string npyKindOf(int dtype);

/// Reads a .npy or TensorProto file (told apart by content): float16/32/64,
/// bfloat16, signed and unsigned 8- to 64-bit integers and bools.
bool readTensorFile(const std::string &path, HostTensor &tensor,
                    std::string &error);
bool writeNpy(const std::string &path, const HostTensor &tensor,
              std::string &error);
/// For a tensor of host type `dtype` (an lpu_dtype): uint16 elements read
/// for an f16 or bf16 tensor are its bit patterns, which is how ONNX's test
/// data stores bfloat16 (NumPy has no such type); they become the values.
void interpretHalfBits(HostTensor &tensor, int dtype);

} // namespace lpu

#endif // LPU_TOOLS_TENSORIO_H
