//===- TensorIO.cpp - Reading and writing host tensors --------------------===//

#include "TensorIO.h"

#include "lpu/ISA.h"
#include "lpu/runtime.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cctype>
#include <set>

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

/// Bytes per element of a NumPy kind ("f4": 4, "b1": 1; "bf2": 2).
size_t elementWidth(const std::string &kind) {
  return std::stoul(kind.substr(kind.find_first_of("0123456789")));
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
  } else if (kind == "u1") {
    widenElements<uint8_t>(p, count, out);
  } else if (kind == "i2") {
    widenElements<int16_t>(p, count, out);
  } else if (kind == "u2") {
    widenElements<uint16_t>(p, count, out);
  } else if (kind == "u4") {
    widenElements<uint32_t>(p, count, out);
  } else if (kind == "u8") {
    widenElements<uint64_t>(p, count, out);
  } else if (kind == "bf2") { // ONNX bfloat16, which NumPy has no kind for
    for (size_t i = 0; i < count; ++i) {
      uint16_t bits;
      std::memcpy(&bits, p + 2 * i, 2);
      out[i] = wordToFloat(uint32_t(bits) << 16);
    }
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
  static const char *const kKinds[] = {"f2", "f4", "f8", "i1", "i2", "i4",
                                       "i8", "u1", "u2", "u4", "u8", "b1"};
  if (std::find(std::begin(kKinds), std::end(kKinds), kind) ==
          std::end(kKinds) ||
      bigEndian) {
    error = ".npy dtype '" + m[0].str() +
            "' is not supported (little-endian float16/32/64, (u)int8 to "
            "64, bool)";
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
  size_t width = elementWidth(kind);
  size_t dataAt = headerAt + headerLen;
  if (bytes.size() - dataAt != count * width) {
    error = ".npy data has " + std::to_string(bytes.size() - dataAt) +
            " bytes, expected " + std::to_string(count * width);
    return false;
  }
  tensor.kind = kind == "f2" ? "f4" : kind;
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
  case onnx::TensorProto::BFLOAT16:
    kind = "bf2";
    for (int32_t bits : proto.int32_data())
      typed.push_back(wordToFloat(uint32_t(bits & 0xffff) << 16));
    break;
  case onnx::TensorProto::INT8:
    kind = "i1";
    typed.assign(proto.int32_data().begin(), proto.int32_data().end());
    break;
  case onnx::TensorProto::UINT8:
    kind = "u1";
    typed.assign(proto.int32_data().begin(), proto.int32_data().end());
    break;
  case onnx::TensorProto::INT16:
    kind = "i2";
    typed.assign(proto.int32_data().begin(), proto.int32_data().end());
    break;
  case onnx::TensorProto::UINT16:
    kind = "u2";
    typed.assign(proto.int32_data().begin(), proto.int32_data().end());
    break;
  case onnx::TensorProto::UINT32:
    kind = "u4";
    typed.assign(proto.uint64_data().begin(), proto.uint64_data().end());
    break;
  case onnx::TensorProto::UINT64:
    kind = "u8";
    typed.assign(proto.uint64_data().begin(), proto.uint64_data().end());
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
            " is not supported (float16/32/64, bfloat16, (u)int8 to 64, "
            "bool)";
    return false;
  }
  tensor.kind = kind == "bf2" || kind == "f2" ? "f4" : kind;
  if (!raw.empty()) {
    if (raw.size() == count * elementWidth(kind))
      return decodeElements(kind, raw.data(), count, tensor.data);
  } else if (typed.size() == count) {
    tensor.data = std::move(typed);
    return true;
  }
  error = "TensorProto data size does not match its dimensions";
  return false;
}
} // namespace

namespace {
/// (NumPy kind, lpu_dtype) pairs; f16 and bf16 are written as f4.
constexpr std::pair<const char *, int> kNpyKinds[] = {
    {"f4", LPU_DTYPE_F32}, {"u1", LPU_DTYPE_U8},   {"i1", LPU_DTYPE_I8},
    {"u2", LPU_DTYPE_U16}, {"i2", LPU_DTYPE_I16},  {"i4", LPU_DTYPE_I32},
    {"i8", LPU_DTYPE_I64}, {"b1", LPU_DTYPE_BOOL}, {"f8", LPU_DTYPE_F64},
    {"u4", LPU_DTYPE_U32}, {"u8", LPU_DTYPE_U64}};

int npyDType(const std::string &kind) {
  for (auto [k, dtype] : kNpyKinds)
    if (kind == k)
      return dtype;
  return 0;
}
} // namespace

std::string npyKindOf(int dtype) {
  for (auto [kind, d] : kNpyKinds)
    if (d == dtype)
      return kind;
  return "f4";
}

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

std::vector<std::string>
outputFileNames(const std::vector<std::string> &names) {
  constexpr size_t kMaxStem = 100;
  std::vector<std::string> files;
  std::set<std::string> taken;
  for (const std::string &name : names) {
    std::string stem;
    for (char c : name.substr(0, kMaxStem)) {
      const bool plain = std::isalnum(static_cast<unsigned char>(c)) ||
                         c == '_' || c == '-' || (c == '.' && !stem.empty());
      stem += plain ? c : '_';
    }
    if (stem.empty())
      stem = "output";
    std::string file = stem + ".npy";
    for (int k = 2; !taken.insert(file).second; ++k)
      file = stem + "-" + std::to_string(k) + ".npy";
    files.push_back(file);
  }
  return files;
}

void interpretHalfBits(HostTensor &tensor, int dtype) {
  if (tensor.kind != "u2" ||
      (dtype != LPU_DTYPE_F16 && dtype != LPU_DTYPE_BF16))
    return;
  for (double &d : tensor.data) {
    const uint16_t bits = static_cast<uint16_t>(d);
    lpu_elements_to_f64(lpu_dtype(dtype), &bits, 1, &d);
  }
  tensor.kind = "f4";
}

bool writeNpy(const std::string &path, const HostTensor &tensor,
              std::string &error) {
  std::string shape = "(";
  for (int64_t d : tensor.shape)
    shape += std::to_string(d) + ",";
  if (tensor.shape.size() > 1)
    shape.pop_back();
  shape += ")";
  // One-byte kinds have no byte order.
  const char order = elementWidth(tensor.kind) == 1 ? '|' : '<';
  std::string header = "{'descr': '" + std::string(1, order) + tensor.kind +
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
  const int dtype = npyDType(tensor.kind);
  std::vector<uint8_t> bytes(tensor.data.size() * elementWidth(tensor.kind));
  if (dtype == 0 ||
      lpu_elements_from_f64(lpu_dtype(dtype), tensor.data.data(),
                            tensor.data.size(), bytes.data()) != LPU_OK) {
    error = path + ": cannot write elements of kind " + tensor.kind;
    return false;
  }
  out.write(reinterpret_cast<const char *>(bytes.data()),
            std::streamsize(bytes.size()));
  if (!out) {
    error = path + ": write error";
    return false;
  }
  return true;
}

} // namespace lpu
