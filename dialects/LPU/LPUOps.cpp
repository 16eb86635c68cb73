//===- LPUOps.cpp - The lpu dialect ---------------------------------------===//

#include "dialects/LPU/LPUOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/OpImplementation.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cstring>

using namespace mlir;
using namespace lpuc::lpu;

#include "dialects/LPU/LPUDialect.cpp.inc"
#include "dialects/LPU/LPUEnums.cpp.inc"
#include "dialects/LPU/LPUInterfaces.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "dialects/LPU/LPUTypes.cpp.inc"

#define GET_OP_CLASSES
#include "dialects/LPU/LPUOps.cpp.inc"

void LPUDialect::initialize() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "dialects/LPU/LPUTypes.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "dialects/LPU/LPUOps.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

std::optional<::lpu::UnitKind> lpuc::lpu::parseUnitKind(StringRef name) {
  for (::lpu::UnitKind kind : {::lpu::UnitKind::Mem, ::lpu::UnitKind::Vxm,
                               ::lpu::UnitKind::Mxm, ::lpu::UnitKind::Sxm})
    if (std::string_view(name) == ::lpu::unitKindName(kind))
      return kind;
  return std::nullopt;
}

::lpu::UnitKind lpuc::lpu::getQueueKind(InstructionOpInterface inst) {
  if (auto nop = dyn_cast<NopOp>(inst.getOperation()))
    return parseUnitKind(nop.getUnitKind()).value_or(::lpu::UnitKind::Any);
  return inst.getUnitKind();
}

BufferOp lpuc::lpu::getAccessedBuffer(Operation *op) {
  Value buffer =
      TypeSwitch<Operation *, Value>(op)
          .Case<ReadOp, WriteOp>([](auto op) { return op.getBuffer(); })
          .Default([](Operation *) { return Value(); });
  return buffer ? buffer.getDefiningOp<BufferOp>() : BufferOp();
}

std::optional<std::vector<float>>
lpuc::lpu::readF32Elements(ElementsAttr attr) {
  auto type = cast<ShapedType>(attr.getType());
  if (!type.getElementType().isF32())
    return std::nullopt;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    auto values = dense.getValues<float>();
    return std::vector<float>(values.begin(), values.end());
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return std::nullopt;
    ArrayRef<char> bytes = blob->getData();
    if (bytes.size() != type.getNumElements() * sizeof(float))
      return std::nullopt;
    std::vector<float> values(type.getNumElements());
    std::memcpy(values.data(), bytes.data(), bytes.size());
    return values;
  }
  return std::nullopt;
}

/// The target of the program enclosing `op`, or null outside a valid one.
static const ::lpu::TargetDesc *getEnclosingTarget(Operation *op) {
  auto program = op->getParentOfType<ProgramOp>();
  return program ? ::lpu::findBuiltinTarget(program.getTarget().str())
                 : nullptr;
}

//===----------------------------------------------------------------------===//
// ProgramOp
//===----------------------------------------------------------------------===//

const ::lpu::TargetDesc &ProgramOp::getTargetDesc() {
  const ::lpu::TargetDesc *target = ::lpu::findBuiltinTarget(getTarget().str());
  assert(target && "verified program names a known target");
  return *target;
}

LogicalResult ProgramOp::verifyRegions() {
  if (!::lpu::findBuiltinTarget(getTarget().str()))
    return emitOpError("unknown target '") << getTarget() << "'";
  if (getBodyBlock().getNumArguments())
    return emitOpError("body must not have arguments: every vector is "
                       "produced by an instruction");
  bool scheduled = getCycles().has_value();
  for (Operation &op : getBodyBlock()) {
    if (isa<BufferOp>(op))
      continue;
    auto inst = dyn_cast<InstructionOpInterface>(op);
    if (!inst)
      return op.emitOpError("is not allowed in an lpu.program");
    if (!scheduled)
      continue;
    if (!inst.getIssueCycle() || !inst.getUnitIndex())
      return op.emitOpError("lacks a cycle or unit in a scheduled program");
    if (op.getNumResults() && !inst.getResultStream())
      return op.emitOpError("lacks a result stream in a scheduled program");
  }
  return success();
}

//===----------------------------------------------------------------------===//
// BufferOp
//===----------------------------------------------------------------------===//

::lpu::TensorLayout BufferOp::getLayout(const ::lpu::TargetDesc &target) {
  auto shape = getTensorType().getShape();
  return ::lpu::layoutFor(std::vector<int64_t>(shape.begin(), shape.end()),
                          target.lanes);
}

LogicalResult BufferOp::verify() {
  auto type = cast<RankedTensorType>(getTensorType());
  if (!type.getElementType().isF32())
    return emitOpError("holds ")
           << type.getElementType() << "; only f32 buffers are supported";
  if (type.getNumElements() == 0)
    return emitOpError("has no elements");
  bool isConstant = getKind() == BufferKind::Constant;
  if (isConstant != static_cast<bool>(getInit()))
    return emitOpError(isConstant ? "constant buffer needs `init` data"
                                  : "only constant buffers have `init` data");
  if (getInit() && cast<ShapedType>(getInit()->getType()) != type)
    return emitOpError("init data type ")
           << getInit()->getType() << " does not match " << type;
  if (static_cast<bool>(getSlice()) != static_cast<bool>(getAddress()))
    return emitOpError("needs both `slice` and `address`, or neither");
  if (const ::lpu::TargetDesc *target = getEnclosingTarget(*this);
      target && getSlice()) {
    ::lpu::TensorLayout layout = getLayout(*target);
    if (*getSlice() >= target->memSlices ||
        *getAddress() + layout.numVectors() > target->memAddresses)
      return emitOpError("SRAM range mem[")
             << *getSlice() << "]:" << *getAddress() << "+"
             << layout.numVectors() << " is outside the target";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Instructions
//===----------------------------------------------------------------------===//

LogicalResult lpuc::lpu::verifyInstruction(Operation *op) {
  auto inst = cast<InstructionOpInterface>(op);
  const ::lpu::TargetDesc *target = getEnclosingTarget(op);
  if (!target)
    return success(); // The program reports an unknown target.
  if (auto cycle = inst.getIssueCycle(); cycle && *cycle < 0)
    return op->emitOpError("has negative cycle ") << *cycle;
  ::lpu::UnitKind kind = getQueueKind(inst);
  if (kind == ::lpu::UnitKind::Any)
    return success(); // A NOP with a bad unit kind; NopOp::verify says so.
  if (auto unit = inst.getUnitIndex();
      unit && (*unit < 0 || *unit >= target->unitCount(kind)))
    return op->emitOpError("unit ")
           << ::lpu::unitKindName(kind).data() << "[" << *unit
           << "] does not exist on " << target->name;
  if (auto stream = inst.getResultStream();
      stream && (*stream < 0 || *stream >= target->numStreams()))
    return op->emitOpError("stream ")
           << *stream << " does not exist (target has " << target->numStreams()
           << ")";
  return success();
}

/// Offsets must name a vector inside the accessed buffer.
static LogicalResult verifyMemAccess(Operation *op, Value buffer,
                                     int64_t offset) {
  auto def = buffer.getDefiningOp<BufferOp>();
  if (!def)
    return op->emitOpError("buffer operand must be defined by lpu.buffer");
  if (const ::lpu::TargetDesc *target = getEnclosingTarget(op)) {
    int64_t vectors = def.getLayout(*target).numVectors();
    if (offset < 0 || offset >= vectors)
      return op->emitOpError("offset ")
             << offset << " is outside buffer '" << def.getName() << "' ("
             << vectors << " vectors)";
  }
  return success();
}

LogicalResult ReadOp::verify() {
  return verifyMemAccess(*this, getBuffer(), static_cast<int64_t>(getOffset()));
}

LogicalResult WriteOp::verify() {
  if (auto def = getBuffer().getDefiningOp<BufferOp>();
      def && (def.getKind() == BufferKind::Constant ||
              def.getKind() == BufferKind::Input))
    return emitOpError("writes to read-only buffer '") << def.getName() << "'";
  return verifyMemAccess(*this, getBuffer(), static_cast<int64_t>(getOffset()));
}

/// MXM instructions are tied to a plane from the start: weights installed on
/// a plane are only visible to that plane's matmuls.
static LogicalResult verifyPlaneAndRange(Operation *op, int64_t value,
                                         int64_t min, int64_t maxPlusLanes,
                                         StringRef what) {
  auto inst = cast<InstructionOpInterface>(op);
  if (!inst.getUnitIndex())
    return op->emitOpError("needs a `unit` (its MXM plane)");
  if (const ::lpu::TargetDesc *target = getEnclosingTarget(op))
    if (value < min || value >= target->lanes + maxPlusLanes)
      return op->emitOpError(what) << " " << value << " is out of range for "
                                   << target->lanes << " lanes";
  return success();
}

LogicalResult LoadWeightsOp::verify() {
  return verifyPlaneAndRange(*this, static_cast<int64_t>(getRow()), 0, 0,
                             "row");
}

LogicalResult InstallWeightsOp::verify() {
  return verifyPlaneAndRange(*this, static_cast<int64_t>(getRows()), 1, 1,
                             "rows");
}

LogicalResult DistributeOp::verify() {
  if (const ::lpu::TargetDesc *target = getEnclosingTarget(*this)) {
    int64_t lanes = target->lanes;
    auto lane = static_cast<int64_t>(getLane());
    auto width = static_cast<int64_t>(getWidth());
    if (lane < 0 || lane >= lanes || width < 1 || width > lanes)
      return emitOpError("lane ") << lane << " / width " << width
                                  << " out of range for " << lanes << " lanes";
  }
  return success();
}

LogicalResult ShiftOp::verify() {
  if (const ::lpu::TargetDesc *target = getEnclosingTarget(*this)) {
    int64_t lanes = target->lanes;
    auto amount = static_cast<int64_t>(getAmount());
    if (amount <= -lanes || amount >= lanes)
      return emitOpError("shift ")
             << amount << " out of range for " << lanes << " lanes";
  }
  return success();
}

LogicalResult NopOp::verify() {
  if (static_cast<int64_t>(getCount()) < 1)
    return emitOpError("count must be at least 1");
  if (!parseUnitKind(getUnitKind()))
    return emitOpError("unknown unit kind '") << getUnitKind() << "'";
  return success();
}
