//===- Provenance.h - What a binary records about its making ----*- C++ -*-===//
//
// Every binary says what it was made from, so that a deployed artifact can
// be traced to its model and rebuilt: the model's SHA-256, the target and the
// SHA-256 of its canonical form, the precision, and the flags that change
// the output. Nothing that depends on where or when it was built (paths,
// dates), so two builds of the same inputs stay byte-identical.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_COMPILER_DRIVER_PROVENANCE_H
#define LPU_COMPILER_DRIVER_PROVENANCE_H

#include "compiler/Driver/Driver.h"

#include "lpu/Binary.h"

namespace lpuc {

/// The provenance of compiling `options.inputPath` with `options` for
/// `target`. Fails, setting `error`, when a file it hashes cannot be read.
bool describeProvenance(const DriverOptions &options,
                        const ::lpu::TargetDesc &target,
                        ::lpu::Provenance &provenance, std::string &error);

} // namespace lpuc

#endif // LPU_COMPILER_DRIVER_PROVENANCE_H
