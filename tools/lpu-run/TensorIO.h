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

/// One .npy file name per tensor name, each a plain name inside the output
/// directory and all distinct: a tensor name comes from the binary (and so
/// from the ONNX file), which must not choose where files are written.
/// Letters, digits, '_', '-' and '.' are kept, any other byte becomes '_',
/// a leading '.' too (no ".." or hidden files); an empty name becomes
/// "output"; names are cut at 100 bytes; a name already taken gets "-2",
/// "-3"... before ".npy".
std::vector<std::string> outputFileNames(const std::vector<std::string> &names);
/// For a tensor of host type `dtype` (an lpu_dtype): uint16 elements read
/// for an f16 or bf16 tensor are its bit patterns, which is how ONNX's test
/// data stores bfloat16 (NumPy has no such type); they become the values.
void interpretHalfBits(HostTensor &tensor, int dtype);

} // namespace lpu

#endif // LPU_TOOLS_TENSORIO_H
