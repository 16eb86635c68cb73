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
  bool integer = false;     // written as int32 rather than float32
  bool int64 = false;       // an integer written as int64
};

/// Reads a .npy or TensorProto file (told apart by content): float16/32/64
/// and int8/32/64 elements.
bool readTensorFile(const std::string &path, HostTensor &tensor,
                    std::string &error);
bool writeNpy(const std::string &path, const HostTensor &tensor,
              std::string &error);

} // namespace lpu

#endif // LPU_TOOLS_TENSORIO_H
