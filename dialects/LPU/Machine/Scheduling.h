//===- Scheduling.h - Place, check and allocate machine programs -*- C++
//-*-===//
//
// The back end's steps on a MachineProgram. Each reports problems as MLIR
// diagnostics at the instruction or buffer at fault (its ONNX node) and
// returns failure. The lpu-allocate-sram, lpu-schedule and
// lpu-verify-schedule passes run them on an lpu.program.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_DIALECTS_LPU_MACHINE_SCHEDULING_H
#define LPU_DIALECTS_LPU_MACHINE_SCHEDULING_H

#include "dialects/LPU/Machine/MachineProgram.h"

namespace lpuc::lpu {

/// Gives every buffer a MEM slice and addresses (see lpu-allocate-sram).
/// `opByOp`: the benchmarks' baseline, round-robin without reuse.
mlir::LogicalResult allocateSRAM(MachineProgram &program, bool opByOp = false);

/// Joins consecutive weight-row loads of a plane into `lw`s of up to the
/// target's rows per load (see lpu-bundle-weight-loads). Needs SRAM placed.
mlir::LogicalResult bundleWeightLoads(MachineProgram &program);

/// Erases results nobody reads and recomputes a value read by several
/// instructions for each extra one, right after the original (its operands
/// are then split in turn), keeping every other instruction in program
/// order: every value then has one consumer (the first step of
/// lpu-schedule).
void splitSharedValues(MachineProgram &program);

/// The order the scheduler places trees in (see lpu-schedule): program
/// order, by critical path (orderTreesByCriticalPath), or both, keeping the
/// schedule with fewer cycles (`Best`, twice the scheduling time).
enum class TreeOrder { Program, CriticalPath, Best };

/// Gives every instruction a unit, an issue cycle and a result stream, and
/// the program its cycle count (see lpu-schedule). `opByOp`: each ONNX
/// node's instructions start after the nodes before it have finished, in
/// program order.
mlir::LogicalResult scheduleProgram(MachineProgram &program,
                                    bool opByOp = false,
                                    TreeOrder order = TreeOrder::CriticalPath);

/// The roots of the program's trees, the instructions without a result, in
/// program order.
std::vector<InstrId> treeRoots(const MachineProgram &program);

/// The roots of the program's trees (instructions without a result) in the
/// order the scheduler places them: by critical path, each after the trees
/// whose SRAM versions and MXM plane state program order puts before it.
/// Needs SRAM placed and shared values split.
std::vector<InstrId> orderTreesByCriticalPath(const MachineProgram &program);

/// Checks a scheduled program against the machine rules, independently of
/// the scheduler (see lpu-verify-schedule).
mlir::LogicalResult verifySchedule(const MachineProgram &program);

} // namespace lpuc::lpu

#endif // LPU_DIALECTS_LPU_MACHINE_SCHEDULING_H
