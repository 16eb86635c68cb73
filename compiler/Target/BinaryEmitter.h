//===- BinaryEmitter.h - lpu.program to .lpu binary -------------*- C++ -*-===//

#ifndef LPU_COMPILER_TARGET_BINARYEMITTER_H
#define LPU_COMPILER_TARGET_BINARYEMITTER_H

#include "dialects/LPU/Machine/MachineProgram.h"

#include "lpu/Binary.h"

namespace lpuc {

/// Version string recorded in every binary's META section.
llvm::StringRef getProducerString();

/// Encodes a scheduled, allocated program: the target, the input/output
/// table, the SRAM image of constants and one instruction queue per unit,
/// with the gaps between issue cycles filled by NOPs.
mlir::FailureOr<::lpu::Binary> buildBinary(const lpu::MachineProgram &program);

} // namespace lpuc

#endif // LPU_COMPILER_TARGET_BINARYEMITTER_H
