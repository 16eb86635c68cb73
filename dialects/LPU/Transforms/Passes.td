//===- Passes.td - lpu dialect passes ----------------------*- tablegen -*-===//

#ifndef LPU_DIALECT_LPU_PASSES
#define LPU_DIALECT_LPU_PASSES

include "mlir/Pass/PassBase.td"

def AllocateSRAM : Pass<"lpu-allocate-sram", "::lpuc::lpu::ProgramOp"> {
  let summary = "Give every buffer a MEM slice and a static address range";
  let description = [{
    Buffers are placed in program order, round-robin over MEM slices so that
    the operands of one instruction tend to sit on different slices and can
    be read in the same cycle. Each buffer stays in one slice. A program that
    does not fit is rejected with the number of vectors missing.
  }];
}

def Schedule : Pass<"lpu-schedule", "::lpuc::lpu::ProgramOp"> {
  let summary = "Assign every instruction a unit, an issue cycle and a stream";
  let description = [{
    List scheduling in program order: each instruction issues at the first
    cycle at which its operands have landed, its unit's queue is free, SRAM
    and MXM weight state are ready, and no earlier access is overtaken.
    Reads are placed just in time for their first user so values do not
    occupy streams longer than needed. Stream registers are then assigned
    by interval colouring of value lifetimes. Sets the program's `cycles`.
  }];
}

def VerifySchedule : Pass<"lpu-verify-schedule", "::lpuc::lpu::ProgramOp"> {
  let summary = "Prove a scheduled program's stream and queue discipline";
  let description = [{
    Checks that each unit issues at most one instruction per cycle, every
    operand has landed on its stream when read, and no other result lands
    on that stream between the write and the last read.
  }];
}

#endif // LPU_DIALECT_LPU_PASSES
