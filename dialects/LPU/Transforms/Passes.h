//===- Passes.h - lpu dialect passes ----------------------------*- C++ -*-===//

#ifndef LPU_DIALECTS_LPU_TRANSFORMS_PASSES_H
#define LPU_DIALECTS_LPU_TRANSFORMS_PASSES_H

#include "dialects/LPU/LPUOps.h"
#include "dialects/LPU/Machine/Scheduling.h"

#include "mlir/Pass/Pass.h"

namespace lpuc::lpu {

/// What lpu-print-schedule-report prints.
enum class ReportFormat { Text, Json, Timeline };

#define GEN_PASS_DECL
#include "dialects/LPU/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dialects/LPU/Transforms/Passes.h.inc"

} // namespace lpuc::lpu

#endif // LPU_DIALECTS_LPU_TRANSFORMS_PASSES_H
