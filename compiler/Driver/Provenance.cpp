//===- Provenance.cpp - What a binary records about its making ------------===//

#include "compiler/Driver/Provenance.h"

#include "dialects/Tile/TileOps.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SHA256.h"

#include <algorithm>

namespace lpuc {

namespace {

std::string sha256Hex(llvm::ArrayRef<uint8_t> bytes) {
  llvm::SHA256 hash;
  hash.update(bytes);
  return llvm::toHex(hash.final(), /*LowerCase=*/true);
}

bool hashFile(const std::string &path, std::string &digest,
              std::string &error) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (!file) {
    error = path + ": " + file.getError().message();
    return false;
  }
  digest = sha256Hex(llvm::arrayRefFromStringRef((*file)->getBuffer()));
  return true;
}

/// The --precision value products run in: the flag's, else the target's
/// default.
std::string effectivePrecision(const DriverOptions &options,
                               const ::lpu::TargetDesc &target) {
  if (!options.precision.empty())
    return options.precision;
  return tile::getPrecisionName(tile::getDefaultMXMFloatType(target)).str();
}

/// `--name=value` for each value, sorted: the order of repeated flags does
/// not change the output.
void appendSorted(std::vector<std::string> &flags, llvm::StringRef name,
                  std::vector<std::string> values) {
  llvm::sort(values);
  for (const std::string &value : values)
    flags.push_back(("--" + name + "=").str() + value);
}

} // namespace

bool describeProvenance(const DriverOptions &options,
                        const ::lpu::TargetDesc &target,
                        ::lpu::Provenance &provenance, std::string &error) {
  std::string modelDigest;
  if (!hashFile(options.inputPath, modelDigest, error))
    return false;
  const std::string precision = effectivePrecision(options, target);

  // The flags that change the output, in one canonical order: `lpuc MODEL
  // FLAGS` rebuilds the binary (given the same target and input values).
  // A target file is named by its target's name; an input value file by its
  // SHA-256.
  std::vector<std::string> flags = {"--target=" + target.name,
                                    "--precision=" + precision,
                                    "--schedule=" + options.schedule};
  if (options.f64AsF32)
    flags.push_back("--f64-as-f32");
  appendSorted(flags, "shape", options.shapes);
  std::vector<std::string> inputValues;
  for (const std::string &spec : options.inputValues) {
    auto [name, path] = llvm::StringRef(spec).split('=');
    std::string digest;
    if (!hashFile(path.str(), digest, error))
      return false;
    inputValues.push_back(name.str() + "=sha256:" + digest);
  }
  appendSorted(flags, "input-value", std::move(inputValues));
  appendSorted(flags, "state", options.states);

  provenance = {
      {"model.sha256", modelDigest},
      {"target", target.name},
      {"target.sha256", sha256Hex(::lpu::encodeTarget(target))},
      {"precision", precision},
      {"flags", llvm::join(flags, " ")},
  };
  return true;
}

} // namespace lpuc
