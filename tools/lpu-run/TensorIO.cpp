//===- TensorIO.cpp - Reading and writing host tensors --------------------===//

#include "TensorIO.h"

#include <onnx/onnx_pb.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <regex>

namespace lpu {

namespace {
constexpr char kNpyMagic[] = "\x93NUMPY";

bool readNpy(const std::string &bytes, HostTensor &tensor, std::string &error) {
  if (bytes.size() < 10) {
    error = "truncated .npy header";
    return false;
  }
  unsigned major = static_cast<unsigned char>(bytes[6]);
  size_t headerLen, headerAt;
  if (major == 1) {
    headerLen = static_cast<unsigned char>(bytes[8]) |
                static_cast<unsigned char>(bytes[9]) << 8;
    headerAt = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) {
      error = "truncated .npy header";
      return false;
    }
    headerLen = 0;
    for (int i = 0; i < 4; ++i)
      headerLen |= size_t(static_cast<unsigned char>(bytes[8 + i])) << (8 * i);
    headerAt = 12;
  } else {
    error = "unsupported .npy version " + std::to_string(major);
    return false;
  }
  if (bytes.size() < headerAt + headerLen) {
    error = "truncated .npy header";
    return false;
  }
  std::string header = bytes.substr(headerAt, headerLen);
  std::smatch m;
  if (!std::regex_search(
          header, m, std::regex("'descr'\\s*:\\s*'([<>|=]?)([a-z])(\\d+)'"))) {
    error = ".npy header has no 'descr'";
    return false;
  }
  std::string kind = m[2].str() + m[3].str();
  bool bigEndian = m[1] == ">";
  if ((kind != "f4" && kind != "f8") || bigEndian) {
    error = ".npy dtype '" + m[0].str() +
            "' is not supported (little-endian float32/float64 only)";
    return false;
  }
  if (std::regex_search(header, std::regex("'fortran_order'\\s*:\\s*True"))) {
    error = ".npy arrays in Fortran order are not supported";
    return false;
  }
  if (!std::regex_search(header, m,
                         std::regex("'shape'\\s*:\\s*\\(([^)]*)\\)"))) {
    error = ".npy header has no 'shape'";
    return false;
  }
  tensor.shape.clear();
  std::string dims = m[1];
  std::regex number("\\d+");
  size_t count = 1;
  for (auto it = std::sregex_iterator(dims.begin(), dims.end(), number);
       it != std::sregex_iterator(); ++it) {
    tensor.shape.push_back(std::stoll(it->str()));
    count *= tensor.shape.back();
  }
  size_t width = kind == "f4" ? 4 : 8;
  size_t dataAt = headerAt + headerLen;
  if (bytes.size() - dataAt != count * width) {
    error = ".npy data has " + std::to_string(bytes.size() - dataAt) +
            " bytes, expected " + std::to_string(count * width);
    return false;
  }
  tensor.data.resize(count);
  for (size_t i = 0; i < count; ++i) {
    if (width == 4) {
      std::memcpy(&tensor.data[i], bytes.data() + dataAt + 4 * i, 4);
    } else {
      double d;
      std::memcpy(&d, bytes.data() + dataAt + 8 * i, 8);
      tensor.data[i] = static_cast<float>(d);
    }
  }
  return true;
}

bool readTensorProto(const std::string &bytes, HostTensor &tensor,
                     std::string &error) {
  onnx::TensorProto proto;
  if (!proto.ParseFromString(bytes)) {
    error = "neither a .npy file nor a valid ONNX TensorProto";
    return false;
  }
  tensor.name = proto.name();
  tensor.shape.assign(proto.dims().begin(), proto.dims().end());
  size_t count = 1;
  for (int64_t d : tensor.shape) {
    if (d < 0) {
      error = "TensorProto has a negative dimension";
      return false;
    }
    count *= static_cast<size_t>(d);
  }
  tensor.data.resize(count);
  const std::string &raw = proto.raw_data();
  switch (proto.data_type()) {
  case onnx::TensorProto::FLOAT:
    if (!raw.empty()) {
      if (raw.size() != count * 4)
        break;
      std::memcpy(tensor.data.data(), raw.data(), raw.size());
      return true;
    }
    if (static_cast<size_t>(proto.float_data_size()) != count)
      break;
    std::copy(proto.float_data().begin(), proto.float_data().end(),
              tensor.data.begin());
    return true;
  case onnx::TensorProto::DOUBLE:
    if (!raw.empty()) {
      if (raw.size() != count * 8)
        break;
      for (size_t i = 0; i < count; ++i) {
        double d;
        std::memcpy(&d, raw.data() + 8 * i, 8);
        tensor.data[i] = static_cast<float>(d);
      }
      return true;
    }
    if (static_cast<size_t>(proto.double_data_size()) != count)
      break;
    for (size_t i = 0; i < count; ++i)
      tensor.data[i] = static_cast<float>(proto.double_data(i));
    return true;
  default:
    error = "TensorProto data type " + std::to_string(proto.data_type()) +
            " is not supported (float and double only)";
    return false;
  }
  error = "TensorProto data size does not match its dimensions";
  return false;
}
} // namespace

bool readTensorFile(const std::string &path, HostTensor &tensor,
                    std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = path + ": cannot open file";
    return false;
  }
  std::string bytes((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
  bool isNpy = bytes.compare(0, 6, kNpyMagic) == 0;
  bool ok = isNpy ? readNpy(bytes, tensor, error)
                  : readTensorProto(bytes, tensor, error);
  if (!ok)
    error = path + ": " + error;
  return ok;
}

bool writeNpy(const std::string &path, const HostTensor &tensor,
              std::string &error) {
  std::string shape = "(";
  for (int64_t d : tensor.shape)
    shape += std::to_string(d) + ",";
  if (tensor.shape.size() > 1)
    shape.pop_back();
  shape += ")";
  std::string header =
      "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
  // Magic (6) + version (2) + length (2) + header + '\n' is 64-aligned.
  while ((10 + header.size() + 1) % 64)
    header += ' ';
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  if (!out) {
    error = path + ": cannot create file";
    return false;
  }
  out.write(kNpyMagic, 6);
  out.put(1);
  out.put(0);
  out.put(static_cast<char>(header.size() & 0xff));
  out.put(static_cast<char>(header.size() >> 8));
  out << header;
  out.write(reinterpret_cast<const char *>(tensor.data.data()),
            tensor.data.size() * 4);
  if (!out) {
    error = path + ": write error";
    return false;
  }
  return true;
}

} // namespace lpu
