//===- LPUOps.cpp - The lpu dialect ---------------------------------------===//

#include "dialects/LPU/LPUOps.h"

#include "lpu/Elements.h"
#include "lpu/MachineRules.h"
#include "lpu/Simulator.h"

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
  for (::lpu::UnitKind kind :
       {::lpu::UnitKind::Mem, ::lpu::UnitKind::Vxm, ::lpu::UnitKind::Mxm,
        ::lpu::UnitKind::Sxm, ::lpu::UnitKind::MxmWeights})
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
  Value buffer = TypeSwitch<Operation *, Value>(op)
                     .Case<ReadOp, WriteOp, GatherOp, ScatterOp>(
                         [](auto op) { return op.getBuffer(); })
                     .Default([](Operation *) { return Value(); });
  return buffer ? buffer.getDefiningOp<BufferOp>() : BufferOp();
}

::lpu::DType lpuc::lpu::getDType(Type elementType) {
  if (elementType.isF32())
    return ::lpu::DType::F32;
  if (elementType.isF16())
    return ::lpu::DType::F16;
  if (elementType.isBF16())
    return ::lpu::DType::BF16;
  if (elementType.isSignlessInteger(32))
    return ::lpu::DType::I32;
  if (elementType.isSignlessInteger(8))
    return ::lpu::DType::I8;
  return ::lpu::DType::None;
}

std::optional<::lpu::HostType> lpuc::lpu::hostTypeFor(Type elementType) {
  using ::lpu::HostType;
  if (auto integer = dyn_cast<IntegerType>(elementType)) {
    const bool isUnsigned = integer.isUnsigned();
    switch (integer.getWidth()) {
    case 1:
      return HostType::Bool;
    case 8:
      return isUnsigned ? HostType::U8 : HostType::I8;
    case 16:
      return isUnsigned ? HostType::U16 : HostType::I16;
    case 32:
      return isUnsigned ? HostType::U32 : HostType::I32;
    case 64:
      return isUnsigned ? HostType::U64 : HostType::I64;
    default:
      return std::nullopt;
    }
  }
  if (elementType.isF64())
    return HostType::F64;
  ::lpu::DType dtype = getDType(elementType);
  if (dtype == ::lpu::DType::None)
    return std::nullopt;
  return ::lpu::hostTypeOf(dtype);
}

Type lpuc::lpu::getElementType(MLIRContext *context, ::lpu::DType dtype) {
  Builder b(context);
  switch (dtype) {
  case ::lpu::DType::F32:
    return b.getF32Type();
  case ::lpu::DType::F16:
    return b.getF16Type();
  case ::lpu::DType::BF16:
    return b.getBF16Type();
  case ::lpu::DType::I32:
    return b.getI32Type();
  case ::lpu::DType::I8:
    return b.getI8Type();
  case ::lpu::DType::None:
    break;
  }
  return {};
}

::lpu::TensorLayout lpuc::lpu::getLayout(const ::lpu::TargetDesc &target,
                                         ShapedType type) {
  return ::lpu::layoutFor(target, type.getShape().data(), type.getRank(),
                          getDType(type.getElementType()));
}

int64_t lpuc::lpu::getBufferOffset(Operation *op) {
  return TypeSwitch<Operation *, int64_t>(op)
      .Case<ReadOp, WriteOp, GatherOp, ScatterOp>(
          [](auto mem) { return static_cast<int64_t>(mem.getOffset()); });
}

static const ::lpu::TargetDesc *getEnclosingTarget(Operation *op);

std::pair<int64_t, int64_t> lpuc::lpu::getSramLocation(Operation *op) {
  BufferOp buffer = getAccessedBuffer(op);
  return buffer.locate(*getEnclosingTarget(op), getBufferOffset(op));
}

int64_t lpuc::lpu::getSramAddress(Operation *op) {
  return getSramLocation(op).second;
}

int64_t lpuc::lpu::getMemSlice(Operation *op) {
  return getSramLocation(op).first;
}

std::optional<std::vector<char>>
lpuc::lpu::readElementBytes(ElementsAttr attr) {
  auto type = cast<ShapedType>(attr.getType());
  ::lpu::DType dtype = getDType(type.getElementType());
  if (dtype == ::lpu::DType::None)
    return std::nullopt;
  // Host bytes of the elements, as ONNX and MLIR store them (little-endian).
  std::vector<char> bytes;
  const size_t width = ::lpu::dtypeHostBytes(dtype);
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    // Packed little-endian elements; a splat stores one.
    ArrayRef<char> raw = dense.getRawData();
    if (raw.size() != (dense.isSplat() ? 1 : type.getNumElements()) * width)
      return std::nullopt;
    for (int64_t i = 0, e = type.getNumElements(); i < e; ++i)
      bytes.insert(bytes.end(), raw.begin() + (dense.isSplat() ? 0 : i * width),
                   raw.begin() + (dense.isSplat() ? 0 : i * width) + width);
  } else if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob || blob->getData().size() != type.getNumElements() * width)
      return std::nullopt;
    bytes.assign(blob->getData().begin(), blob->getData().end());
  } else {
    return std::nullopt;
  }
  return bytes;
}

std::optional<std::vector<uint32_t>>
lpuc::lpu::readLaneWords(ElementsAttr attr) {
  std::optional<std::vector<char>> bytes = readElementBytes(attr);
  if (!bytes)
    return std::nullopt;
  const ::lpu::DType dtype =
      getDType(cast<ShapedType>(attr.getType()).getElementType());
  const size_t width = ::lpu::dtypeHostBytes(dtype);
  std::vector<uint32_t> words(bytes->size() / width);
  for (size_t i = 0; i < words.size(); ++i)
    words[i] = ::lpu::laneWordFromHost(dtype, bytes->data() + i * width);
  return words;
}

ElementsAttr lpuc::lpu::getF32Elements(MLIRContext *context, StringRef name,
                                       ArrayRef<int64_t> shape,
                                       ArrayRef<float> values) {
  auto type = RankedTensorType::get(shape, Float32Type::get(context));
  if (values.size() <= 16)
    return cast<ElementsAttr>(DenseElementsAttr::get(type, values));
  return cast<ElementsAttr>(DenseResourceElementsAttr::get(
      type, name, HeapAsmResourceBlob::allocateAndCopyInferAlign(values)));
}

ElementsAttr lpuc::lpu::getFloatElements(MLIRContext *context, StringRef name,
                                         ::lpu::DType dtype,
                                         ArrayRef<int64_t> shape,
                                         ArrayRef<float> values) {
  if (dtype == ::lpu::DType::F32)
    return getF32Elements(context, name, shape, values);
  const unsigned width = ::lpu::dtypeHostBytes(dtype);
  std::vector<char> bytes(values.size() * width);
  for (size_t i = 0; i < values.size(); ++i)
    ::lpu::laneWordToHost(dtype,
                          ::lpu::convertLaneWord(::lpu::DType::F32, dtype,
                                                 ::lpu::floatToWord(values[i])),
                          bytes.data() + i * width);
  auto type = RankedTensorType::get(shape, getElementType(context, dtype));
  // Like getF32Elements, no blob without bytes (and copying none from a null
  // pointer is undefined behaviour).
  if (bytes.empty())
    return cast<ElementsAttr>(DenseElementsAttr::getFromRawBuffer(type, {}));
  return cast<ElementsAttr>(DenseResourceElementsAttr::get(
      type, name,
      HeapAsmResourceBlob::allocateAndCopyWithAlign(ArrayRef<char>(bytes),
                                                    alignof(uint64_t))));
}

int64_t lpuc::lpu::getColumn(InstructionOpInterface inst,
                             const ::lpu::TargetDesc &target) {
  return target.unitColumn(getQueueKind(inst),
                           static_cast<uint32_t>(*inst.getUnitIndex()));
}

namespace {
/// Targets loaded from description files, by name (see registerTarget).
std::vector<std::unique_ptr<::lpu::TargetDesc>> &registeredTargets() {
  static std::vector<std::unique_ptr<::lpu::TargetDesc>> targets;
  return targets;
}
} // namespace

const ::lpu::TargetDesc *lpuc::lpu::findTarget(StringRef name) {
  for (const auto &t : registeredTargets())
    if (t->name == name)
      return t.get();
  return ::lpu::findBuiltinTarget(std::string_view(name.data(), name.size()));
}

std::string lpuc::lpu::registerTarget(const ::lpu::TargetDesc &target) {
  if (const ::lpu::TargetDesc *known = findTarget(target.name)) {
    if (*known == target)
      return {};
    return "a different target named '" + target.name +
           "' is already known; give the description another name";
  }
  registeredTargets().push_back(std::make_unique<::lpu::TargetDesc>(target));
  return {};
}

LogicalResult
lpuc::lpu::VectorType::verify(function_ref<InFlightDiagnostic()> emitError,
                              Type elementType) {
  if (getDType(elementType) == ::lpu::DType::None)
    return emitError() << "lane vectors hold f32, f16, bf16, i32 or i8, not "
                       << elementType;
  return success();
}

/// The target of the program enclosing `op`, or null outside a valid one.
static const ::lpu::TargetDesc *getEnclosingTarget(Operation *op) {
  auto program = op->getParentOfType<ProgramOp>();
  return program ? findTarget(program.getTarget()) : nullptr;
}

//===----------------------------------------------------------------------===//
// ProgramOp
//===----------------------------------------------------------------------===//

const ::lpu::TargetDesc &ProgramOp::getTargetDesc() {
  const ::lpu::TargetDesc *target = findTarget(getTarget());
  assert(target && "verified program names a known target");
  return *target;
}

LogicalResult ProgramOp::verifyRegions() {
  if (!findTarget(getTarget()))
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
  return lpuc::lpu::getLayout(target, cast<ShapedType>(getTensorType()));
}

int64_t BufferOp::getNumParts() {
  auto spread = getSpread();
  return 1 + (spread ? int64_t(spread->size()) / 2 : 0);
}

std::pair<int64_t, int64_t> BufferOp::getPart(int64_t i) {
  if (i == 0)
    return {*getSlice(), *getAddress()};
  ArrayRef<int32_t> spread = *getSpread();
  return {spread[2 * (i - 1)], spread[2 * (i - 1) + 1]};
}

int64_t BufferOp::getPartAddresses(const ::lpu::TargetDesc &target,
                                   int64_t parts, int64_t i) {
  return getDeal(parts).partAddresses(getLayout(target), i);
}

std::pair<int64_t, int64_t> BufferOp::locate(const ::lpu::TargetDesc &target,
                                             int64_t offset) {
  auto [part, local] = getDeal(getNumParts()).locate(getLayout(target), offset);
  auto [slice, address] = getPart(part);
  return {slice, address + local};
}

LogicalResult BufferOp::verify() {
  auto type = cast<RankedTensorType>(getTensorType());
  if (getDType(type.getElementType()) == ::lpu::DType::None)
    return emitOpError("holds ") << type.getElementType()
                                 << "; buffers hold f32, f16, bf16, i32 or i8";
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
  if (auto spread = getSpread())
    if (!getSlice() || spread->size() % 2)
      return emitOpError("`spread` needs `slice` and `address` and lists "
                         "(slice, address) pairs");
  if (auto rows = getBlockRows(); rows && *rows < 1)
    return emitOpError("`block_rows` must be positive");
  if (auto parts = getMinParts(); parts && *parts < 1)
    return emitOpError("`min_parts` must be positive");
  if (std::optional<Type> host = getHostType()) {
    std::optional<::lpu::HostType> hostType = lpuc::lpu::hostTypeFor(*host);
    if (isConstant || getKind() == BufferKind::Scratch || !hostType ||
        !::lpu::holdsHostType(getDType(type.getElementType()), *hostType))
      return emitOpError("`host_type` ")
             << *host << " is not one an input or output of "
             << type.getElementType() << " can be passed in";
  }
  if (std::optional<StringRef> state = getStateOf()) {
    BufferOp input;
    for (auto buffer : (*this)->getBlock()->getOps<BufferOp>())
      if (buffer.getKind() == BufferKind::Input && buffer.getName() == *state)
        input = buffer;
    if (getKind() != BufferKind::Output || !input ||
        input.getTensorType() != getTensorType() ||
        input.getHostType() != getHostType())
      return emitOpError("`state_of` names an input of the same type, on an "
                         "output: no input '")
             << *state << "' of type " << getTensorType();
  }
  if (const ::lpu::TargetDesc *target = getEnclosingTarget(*this);
      target && getSlice()) {
    const int64_t parts = getNumParts();
    std::vector<int64_t> slices;
    for (int64_t i = 0; i < parts; ++i) {
      auto [slice, address] = getPart(i);
      int64_t addresses = getPartAddresses(*target, parts, i);
      if (slice < 0 || slice >= target->memSlices || address < 0 ||
          address + addresses > target->memAddresses)
        return emitOpError("SRAM range mem[")
               << slice << "]:" << address << "+" << addresses
               << " is outside the target";
      if (llvm::is_contained(slices, slice))
        return emitOpError("puts two parts on mem[") << slice << "]";
      slices.push_back(slice);
    }
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
  auto stream = inst.getResultStream();
  if (!stream)
    return success();
  // A VXM result may stay in its own ALU's latch (ISA.h: kLatchBase).
  if (*stream >= ::lpu::kLatchBase && *stream < ::lpu::kNoStream) {
    auto unit = inst.getUnitIndex();
    if (!unit ||
        !::lpu::mayKeepInLatch(kind, uint32_t(*unit), uint8_t(*stream)))
      return op->emitOpError("stream ")
             << *stream << " is an ALU latch, which only the VXM instruction "
             << "on that ALU writes";
    return success();
  }
  if (*stream < 0 || *stream >= target->numStreams())
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

/// A MEM access moves vectors of the buffer's element type.
static LogicalResult verifyElementType(Operation *op, Value buffer,
                                       Type vectorType) {
  auto def = buffer.getDefiningOp<BufferOp>();
  Type element = cast<lpuc::lpu::VectorType>(vectorType).getElementType();
  if (def && def.getTensorType().getElementType() != element)
    return op->emitOpError("moves ")
           << element << " vectors of buffer '" << def.getName()
           << "', which holds " << def.getTensorType().getElementType();
  return success();
}

LogicalResult ReadOp::verify() {
  if (failed(verifyElementType(*this, getBuffer(), getResult().getType())))
    return failure();
  return verifyMemAccess(*this, getBuffer(), static_cast<int64_t>(getOffset()));
}

/// A write or scatter stores `value` into a buffer the program may write.
static LogicalResult verifyStore(Operation *op, Value buffer, Value value) {
  if (auto def = buffer.getDefiningOp<BufferOp>();
      def && (def.getKind() == BufferKind::Constant ||
              def.getKind() == BufferKind::Input))
    return op->emitOpError("writes to read-only buffer '")
           << def.getName() << "'";
  return verifyElementType(op, buffer, value.getType());
}

LogicalResult WriteOp::verify() {
  if (failed(verifyStore(*this, getBuffer(), getValue())))
    return failure();
  return verifyMemAccess(*this, getBuffer(), static_cast<int64_t>(getOffset()));
}

/// A gather's or scatter's table: i32 indices, an instruction's count and
/// stride, every entry in the buffer and in one block of its rows (so on one
/// slice, in order, however many slices the buffer is dealt over).
static LogicalResult verifyTable(Operation *op, Value indices, Value buffer,
                                 int64_t offset, int64_t count,
                                 int64_t stride) {
  if (!cast<lpuc::lpu::VectorType>(indices.getType())
           .getElementType()
           .isSignlessInteger(32))
    return op->emitOpError("indices must be an i32 vector");
  if (failed(verifyMemAccess(op, buffer, offset)))
    return failure();
  if (count < 1 || count > ::lpu::kGatherMaxCount || stride < 1 ||
      stride > ::lpu::kGatherMaxStride)
    return op->emitOpError("a table of ")
           << count << " entries " << stride
           << " vectors apart does not fit the instruction (1 to "
           << ::lpu::kGatherMaxCount << " entries, 1 to "
           << ::lpu::kGatherMaxStride << " vectors apart)";
  const ::lpu::TargetDesc *target = getEnclosingTarget(op);
  if (!target)
    return success();
  auto def = buffer.getDefiningOp<BufferOp>();
  const ::lpu::TensorLayout layout = def.getLayout(*target);
  const int64_t last = offset + (count - 1) * stride;
  if (failed(verifyMemAccess(op, buffer, last)))
    return failure();
  const int64_t blockRows = def.getBlockRows().value_or(1);
  if (offset / layout.vectorsPerRow / blockRows !=
      last / layout.vectorsPerRow / blockRows)
    return op->emitOpError("table vectors ")
           << offset << " to " << last << " of buffer '" << def.getName()
           << "' are not within one block of its rows (block_rows " << blockRows
           << "): blocks may lie on different slices";
  return success();
}

LogicalResult GatherOp::verify() {
  if (failed(verifyElementType(*this, getBuffer(), getResult().getType())))
    return failure();
  return verifyTable(*this, getIndices(), getBuffer(), getOffset(), getCount(),
                     getStride());
}

LogicalResult ScatterOp::verify() {
  if (failed(verifyStore(*this, getBuffer(), getValue())))
    return failure();
  return verifyTable(*this, getIndices(), getBuffer(), getOffset(), getCount(),
                     getStride());
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
  const int64_t rows = getValues().size();
  if (rows == 0)
    return emitOpError("loads no row");
  if (!llvm::all_equal(getValues().getTypes()))
    return emitOpError("loads rows of different element types");
  if (const ::lpu::TargetDesc *target = getEnclosingTarget(*this)) {
    ::lpu::DType dtype = getDType(
        cast<lpuc::lpu::VectorType>(getValues()[0].getType()).getElementType());
    if (rows > int64_t(target->loadRowsOf(dtype)))
      return emitOpError("loads ")
             << rows << " rows, more than the " << target->loadRowsOf(dtype)
             << " of " << ::lpu::dtypeName(dtype).data()
             << " one load moves on " << target->name;
  }
  return verifyPlaneAndRange(*this, static_cast<int64_t>(getRow()), 0, 1 - rows,
                             "row");
}

/// The MXM multiplies f32, f16, bf16 or i8 and accumulates in f32 or i32.
static LogicalResult verifyMatMulTypes(Operation *op, Type input, Type result) {
  ::lpu::DType in =
      getDType(cast<lpuc::lpu::VectorType>(input).getElementType());
  ::lpu::DType out =
      getDType(cast<lpuc::lpu::VectorType>(result).getElementType());
  if (!::lpu::typeSetContains(::lpu::TypeSet::MatMul, in))
    return op->emitOpError("the MXM multiplies f32, f16, bf16 or i8, not ")
           << cast<lpuc::lpu::VectorType>(input).getElementType();
  ::lpu::DType want =
      in == ::lpu::DType::I8 ? ::lpu::DType::I32 : ::lpu::DType::F32;
  if (out != want)
    return op->emitOpError("accumulates ")
           << ::lpu::dtypeName(in).data() << " products into "
           << ::lpu::dtypeName(want).data() << ", not "
           << cast<lpuc::lpu::VectorType>(result).getElementType();
  return success();
}

/// The target's MXM rate for `type`, or an error naming what it multiplies.
static FailureOr<const ::lpu::MXMRate *> getMXMRate(Operation *op, Type type) {
  const ::lpu::TargetDesc *target = getEnclosingTarget(op);
  if (!target)
    return static_cast<const ::lpu::MXMRate *>(nullptr);
  if (const ::lpu::MXMRate *rate = target->mxmRate(getDType(type)))
    return rate;
  return op->emitOpError("the MXM of ")
         << target->name << " multiplies " << target->mxmTypeList() << ", not "
         << type;
}

LogicalResult InstallWeightsOp::verify() {
  if (!::lpu::typeSetContains(::lpu::TypeSet::MatMul,
                              getDType(getElementType())))
    return emitOpError("installs f32, f16, bf16 or i8 weights, not ")
           << getElementType();
  FailureOr<const ::lpu::MXMRate *> rate = getMXMRate(*this, getElementType());
  if (failed(rate))
    return failure();
  const int64_t rows = static_cast<int64_t>(getRows());
  const int64_t window = static_cast<int64_t>(getWindow().value_or(0));
  if (*rate) {
    const ::lpu::TargetDesc &target = *getEnclosingTarget(*this);
    const int64_t limit = getTransposed() ? target.lanes : (*rate)->rows;
    if (rows > limit)
      return emitOpError("installs ") << rows << " rows; the array holds "
                                      << limit << " of " << getElementType();
    if (window < 0 || window >= target.lanes || window % (*rate)->rows)
      return emitOpError("window ")
             << window << " is not a multiple of " << (*rate)->rows << " below "
             << target.lanes;
  }
  return verifyPlaneAndRange(*this, rows, 1, 1, "rows");
}

LogicalResult MatMulOp::verify() {
  if (failed(verifyMatMulTypes(*this, getInput().getType(),
                               getResult().getType())))
    return failure();
  return getMXMRate(
      *this,
      cast<lpuc::lpu::VectorType>(getInput().getType()).getElementType());
}

LogicalResult MatMulAccOp::verify() {
  if (failed(verifyMatMulTypes(*this, getInput().getType(),
                               getResult().getType())))
    return failure();
  return getMXMRate(
      *this,
      cast<lpuc::lpu::VectorType>(getInput().getType()).getElementType());
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
