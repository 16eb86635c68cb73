//===- LPUOps.h - The lpu dialect -------------------------------*- C++ -*-===//

#ifndef LPU_DIALECTS_LPU_LPUOPS_H
#define LPU_DIALECTS_LPU_LPUOPS_H

#include "lpu/HostType.h"
#include "lpu/ISA.h"
#include "lpu/Layout.h"
#include "lpu/Target.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/RegionKindInterface.h"
#include "mlir/IR/SymbolTable.h"

#include "dialects/LPU/LPUDialect.h.inc"
#include "dialects/LPU/LPUEnums.h.inc"

#define GET_TYPEDEF_CLASSES
#include "dialects/LPU/LPUTypes.h.inc"

namespace lpuc::lpu {
class InstructionOpInterface;
/// Checks what every instruction shares: placement attributes in range for
/// the program's target.
mlir::LogicalResult verifyInstruction(mlir::Operation *op);
} // namespace lpuc::lpu

#include "dialects/LPU/LPUInterfaces.h.inc"

#define GET_OP_CLASSES
#include "dialects/LPU/LPUOps.h.inc"

namespace lpuc::lpu {

/// The kind of queue an instruction runs on (for a NOP, the one it names).
::lpu::UnitKind getQueueKind(InstructionOpInterface inst);

/// Parses "mem", "vxm", "mxm", "sxm" or "mxw".
std::optional<::lpu::UnitKind> parseUnitKind(llvm::StringRef name);

/// The ISA element type of an MLIR type (DType::None if it has none), and
/// back (null for DType::None).
::lpu::DType getDType(mlir::Type elementType);
mlir::Type getElementType(mlir::MLIRContext *context, ::lpu::DType dtype);
/// The host element type of an ONNX element type as the importer spells it
/// (f32, ui8, i8, i64, i1 for bool, f64, ...), if the runtime has one.
std::optional<::lpu::HostType> hostTypeFor(mlir::Type elementType);

/// The SRAM layout of a tensor of `type` on `target`: its vectors take one
/// address per plane of the element type.
::lpu::TensorLayout getLayout(const ::lpu::TargetDesc &target,
                              mlir::ShapedType type);

/// A dense or dense_resource constant's elements, row-major: as lane words,
/// or as their little-endian host bytes (dtypeHostBytes each); nothing if
/// the element type has no lane form or a resource blob is missing (elided).
std::optional<std::vector<uint32_t>> readLaneWords(mlir::ElementsAttr attr);
std::optional<std::vector<char>> readElementBytes(mlir::ElementsAttr attr);

/// f32 data of `shape` as a constant attribute: dense when small, else a
/// `dense_resource` blob called `name` (printed IR elides it).
mlir::ElementsAttr getF32Elements(mlir::MLIRContext *context,
                                  llvm::StringRef name,
                                  llvm::ArrayRef<int64_t> shape,
                                  llvm::ArrayRef<float> values);
/// Float data of `shape` converted to `dtype` (rounded to f16 or bf16, or
/// to an integer half to even with saturation), as a
/// `dense_resource` blob called `name`.
mlir::ElementsAttr getFloatElements(mlir::MLIRContext *context,
                                    llvm::StringRef name, ::lpu::DType dtype,
                                    llvm::ArrayRef<int64_t> shape,
                                    llvm::ArrayRef<float> values);

/// The target called `name`: a built-in one or one registered from a file.
const ::lpu::TargetDesc *findTarget(llvm::StringRef name);
/// Makes a target description (e.g. read from a file by lpuc --target=FILE)
/// known by its name. Returns why not if another target has that name.
std::string registerTarget(const ::lpu::TargetDesc &target);

/// The floorplan column of a placed instruction's unit.
int64_t getColumn(InstructionOpInterface inst, const ::lpu::TargetDesc &target);

/// The vector a MEM instruction addresses: its offset in the buffer, and,
/// once allocated, the MEM slice and address it is at (a spread buffer's
/// rows are on several slices).
int64_t getBufferOffset(mlir::Operation *memInstruction);
std::pair<int64_t, int64_t> getSramLocation(mlir::Operation *memInstruction);
int64_t getSramAddress(mlir::Operation *memInstruction);
int64_t getMemSlice(mlir::Operation *memInstruction);

/// The lpu.buffer a MEM instruction addresses.
BufferOp getAccessedBuffer(mlir::Operation *memInstruction);

} // namespace lpuc::lpu

#endif // LPU_DIALECTS_LPU_LPUOPS_H
