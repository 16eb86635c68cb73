//===- lpu-translate.cpp - Encode lpu programs as binaries ----------------===//
//
// Serializes a scheduled lpu.program, exactly as written, into a .lpu binary
// or its assembly. Unlike lpuc it runs no pass, not even the schedule
// verifier, so hand-written (and deliberately broken) schedules reach the
// simulator as they are.
//
//===----------------------------------------------------------------------===//

#include "compiler/Pipeline/Pipeline.h"
#include "compiler/Target/BinaryEmitter.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "mlir/Tools/mlir-translate/Translation.h"

#include <sstream>

using namespace mlir;

namespace {

/// The one lpu.program of `op` (a module, or the program itself).
FailureOr<lpuc::lpu::ProgramOp> findProgram(Operation *op) {
  if (auto program = dyn_cast<lpuc::lpu::ProgramOp>(op))
    return program;
  SmallVector<lpuc::lpu::ProgramOp> programs;
  op->walk([&](lpuc::lpu::ProgramOp p) { programs.push_back(p); });
  if (programs.size() != 1)
    return op->emitError("expected exactly one lpu.program, found ")
           << programs.size();
  return programs.front();
}

LogicalResult translate(Operation *op, llvm::raw_ostream &os, bool assembly) {
  auto program = findProgram(op);
  if (failed(program))
    return failure();
  FailureOr<::lpu::Binary> binary =
      lpuc::buildBinary(lpuc::lpu::importProgram(*program));
  if (failed(binary))
    return failure();
  if (assembly) {
    std::ostringstream text;
    ::lpu::printAssembly(*binary, text);
    os << text.str();
    return success();
  }
  std::vector<uint8_t> bytes = ::lpu::writeBinary(*binary);
  os.write(reinterpret_cast<const char *>(bytes.data()), bytes.size());
  return success();
}

void registerDialects(DialectRegistry &registry) {
  lpuc::registerDialects(registry);
}

} // namespace

int main(int argc, char **argv) {
  TranslateFromMLIRRegistration toBinary(
      "lpu-to-binary", "encode a scheduled lpu.program as a .lpu binary",
      [](Operation *op, llvm::raw_ostream &os) {
        return translate(op, os, /*assembly=*/false);
      },
      registerDialects);
  TranslateFromMLIRRegistration toAssembly(
      "lpu-to-asm", "print a scheduled lpu.program as LPU assembly",
      [](Operation *op, llvm::raw_ostream &os) {
        return translate(op, os, /*assembly=*/true);
      },
      registerDialects);
  return failed(mlirTranslateMain(argc, argv, "lpu translation driver\n"));
}
