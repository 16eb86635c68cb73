//===- TensorIO.cpp - Reading and writing host tensors --------------------===//

#include "TensorIO.h"

#include "lpu/runtime.h"

#include <onnx/onnx_pb.h>

#include <algorithm>

#include <cstring>
#include <fstream>
#include <iterator>
#include <regex>

namespace lpu {

namespace {
constexpr char kNpyMagic[] = "\x93NUMPY";

/// `count` little-endian elements of type T from `p` as doubles.
template <typename T>
void widenElements(const char *p, size_t count, std::vector<double> &out) {
  for (size_t i = 0; i < count; ++i) {
    T v;
    std::memcpy(&v, p + sizeof(T) * i, sizeof(T));
    out[i] = static_cast<double>(v);
  }
}

/// Little-endian elements of a NumPy kind ("f4", "i1", ...) as doubles (the
/// kind is looked at once, not per element: a KV cache has millions).
bool decodeElements(const std::string &kind, const char *p, size_t count,
                    std::vector<double> &out) {
  out.resize(count);
  if (kind == "f2") {
    std::vector<uint16_t> halves(count);
    std::memcpy(halves.data(), p, 2 * count);
    lpu_elements_to_f64(LPU_DTYPE_F16, halves.data(), count, out.data());
  } else if (kind == "f4") {
    widenElements<float>(p, count, out);
  } else if (kind == "f8") {
    widenElements<double>(p, count, out);
  } else if (kind == "i1") {
    widenElements<int8_t>(p, count, out);
  } else if (kind == "b1") {
    for (size_t i = 0; i < count; ++i)
      out[i] = p[i] != 0;
  } else if (kind == "i4") {
    widenElements<int32_t>(p, count, out);
  } else if (kind == "i8") {
    widenElements<int64_t>(p, count, out);
  } else {
    return false;
  }
  return true;
}

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
  static const char *const kKinds[] = {"f2", "f4", "f8", "i1", "i4", "i8"};
  if (std::find(std::begin(kKinds), std::end(kKinds), kind) ==
          std::end(kKinds) ||
      bigEndian) {
    error = ".npy dtype '" + m[0].str() +
            "' is not supported (little-endian float16/32/64, int8/32/64)";
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
  size_t width = std::stoul(kind.substr(1));
  size_t dataAt = headerAt + headerLen;
  if (bytes.size() - dataAt != count * width) {
    error = ".npy data has " + std::to_string(bytes.size() - dataAt) +
            " bytes, expected " + std::to_string(count * width);
    return false;
  }
  tensor.integer = kind[0] == 'i' || kind[0] == 'b';
  return decodeElements(kind, bytes.data() + dataAt, count, tensor.data);
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
  const std::string &raw = proto.raw_data();
  // Element kind and the typed field used when raw_data is empty.
  std::string kind;
  std::vector<double> typed;
  switch (proto.data_type()) {
  case onnx::TensorProto::FLOAT:
    kind = "f4";
    typed.assign(proto.float_data().begin(), proto.float_data().end());
    break;
  case onnx::TensorProto::DOUBLE:
    kind = "f8";
    typed.assign(proto.double_data().begin(), proto.double_data().end());
    break;
  case onnx::TensorProto::FLOAT16:
    kind = "f2";
    for (int32_t bits : proto.int32_data()) {
      uint16_t h = static_cast<uint16_t>(bits);
      double d;
      lpu_elements_to_f64(LPU_DTYPE_F16, &h, 1, &d);
      typed.push_back(d);
    }
    break;
  case onnx::TensorProto::INT8:
    kind = "i1";
    typed.assign(proto.int32_data().begin(), proto.int32_data().end());
    break;
  case onnx::TensorProto::BOOL:
    kind = "b1";
    typed.assign(proto.int32_data().begin(), proto.int32_data().end());
    break;
  case onnx::TensorProto::INT32:
    kind = "i4";
    typed.assign(proto.int32_data().begin(), proto.int32_data().end());
    break;
  case onnx::TensorProto::INT64:
    kind = "i8";
    typed.assign(proto.int64_data().begin(), proto.int64_data().end());
    break;
  default:
    error = "TensorProto data type " + std::to_string(proto.data_type()) +
            " is not supported (float16/32/64, int8/32/64, bool)";
    return false;
  }
  tensor.integer = kind[0] == 'i' || kind[0] == 'b';
  if (!raw.empty()) {
    if (raw.size() == count * std::stoul(kind.substr(1)))
      return decodeElements(kind, raw.data(), count, tensor.data);
  } else if (typed.size() == count) {
    tensor.data = std::move(typed);
    return true;
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
  std::string header = "{'descr': '" +
                       std::string(!tensor.integer ? "<f4"
                                   : tensor.int64  ? "<i8"
                                                   : "<i4") +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
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
  for (double d : tensor.data) {
    char bytes[8];
    size_t size = 4;
    if (tensor.integer && tensor.int64) {
      int64_t v = static_cast<int64_t>(d);
      std::memcpy(bytes, &v, size = 8);
    } else if (tensor.integer) {
      int32_t v = static_cast<int32_t>(d);
      std::memcpy(bytes, &v, 4);
    } else {
      float f = static_cast<float>(d);
      std::memcpy(bytes, &f, 4);
    }
    out.write(bytes, std::streamsize(size));
  }
  if (!out) {
    error = path + ": write error";
    return false;
  }
  return true;
}

} // namespace lpu
