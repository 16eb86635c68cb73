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
  std::vector<float> data;
};

/// Reads a .npy or TensorProto file (told apart by content). fp32 data is
/// taken as is, fp64 is rounded to fp32; other types are refused.
bool readTensorFile(const std::string &path, HostTensor &tensor,
                    std::string &error);
bool writeNpy(const std::string &path, const HostTensor &tensor,
              std::string &error);

} // namespace lpu

#endif // LPU_TOOLS_TENSORIO_H
