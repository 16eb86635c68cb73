//===- LPUOps.td - The lpu dialect: LPU instructions -------*- tablegen -*-===//
//
// One op per LPU instruction (see runtime/include/lpu/ISA.def and
// docs/isa.md), SRAM buffers, and the program that holds the schedule.
// Instructions carry their placement as attributes: `unit` (which queue of
// the instruction's unit kind), `cycle` (issue cycle) and, for instructions
// with a result, `stream` (the stream register the result lands on, or from
// 128 on, for a VXM result read by a VXM instruction, its own ALU's latch).
// Passes fill these in; a scheduled program has all of them.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_DIALECT_LPU_OPS
#define LPU_DIALECT_LPU_OPS

include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/OpBase.td"
include "mlir/IR/RegionKindInterface.td"
include "mlir/IR/SymbolInterfaces.td"

def LPU_Dialect : Dialect {
  let name = "lpu";
  let cppNamespace = "::lpuc::lpu";
  let summary = "LPU functional-unit instructions, streams, SRAM and cycles";
  let useDefaultTypePrinterParser = 1;
}

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

def LPU_VectorType : TypeDef<LPU_Dialect, "Vector"> {
  let mnemonic = "vector";
  let summary = "One lane vector in flight on a stream";
  let description = [{
    A vector of `lanes` elements of one of the ISA's element types: f32, f16,
    bf16, i32 or i8. It takes one stream per plane of its type (a stream
    group: 4 for f32 and i32, 2 for f16 and bf16, 1 for i8 on lpu-v1; see
    docs/isa.md).
  }];
  let parameters = (ins "::mlir::Type":$elementType);
  let assemblyFormat = "`<` $elementType `>`";
  let genVerifyDecl = 1;
}

def LPU_BufferType : TypeDef<LPU_Dialect, "Buffer"> {
  let mnemonic = "buffer";
  let summary = "A tensor's range of SRAM addresses";
  let builderCall = "$_builder.getType<::lpuc::lpu::BufferType>()";
}

def LPU_AnyVector : Type<
    CPred<"::llvm::isa<::lpuc::lpu::VectorType>($_self)">,
    "lane vector", "::lpuc::lpu::VectorType">;
def LPU_FloatVector : Type<
    And<[CPred<"::llvm::isa<::lpuc::lpu::VectorType>($_self)">,
         CPred<"::llvm::isa<::mlir::FloatType>(::llvm::cast<"
               "::lpuc::lpu::VectorType>($_self).getElementType())">]>,
    "floating-point lane vector", "::lpuc::lpu::VectorType">;

//===----------------------------------------------------------------------===//
// Buffers and the program
//===----------------------------------------------------------------------===//

def LPU_BufferKind : I32EnumAttr<"BufferKind", "what a buffer holds", [
    I32EnumAttrCase<"Input", 0, "input">,
    I32EnumAttrCase<"Output", 1, "output">,
    I32EnumAttrCase<"Constant", 2, "constant">,
    I32EnumAttrCase<"Scratch", 3, "scratch">]> {
  let cppNamespace = "::lpuc::lpu";
}

class LPU_Op<string mnemonic, list<Trait> traits = []>
    : Op<LPU_Dialect, mnemonic, traits>;

def LPU_ProgramOp : LPU_Op<"program", [
    IsolatedFromAbove, NoTerminator, SingleBlock, Symbol]> {
  let summary = "A whole static LPU program for one target";
  let description = [{
    Holds buffers and instructions. Instruction order inside the body is the
    order of every unit's queue. `cycles`, set by scheduling, is the cycle at
    which the last result lands; its presence marks the program scheduled.
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, StrAttr:$target,
                       OptionalAttr<I64Attr>:$cycles);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $sym_name `target` `(` $target `)` attr-dict-with-keyword $body
  }];
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    /// The target description named by `target` (verified to exist).
    const ::lpu::TargetDesc &getTargetDesc();
    ::mlir::Block &getBodyBlock() { return getBody().front(); }
  }];
  let builders = [
    OpBuilder<(ins "::llvm::StringRef":$name, "::llvm::StringRef":$target), [{
      build($_builder, $_state, name, target, ::mlir::IntegerAttr());
      $_state.regions.front()->emplaceBlock();
    }]>
  ];
}

def LPU_BufferOp : LPU_Op<"buffer"> {
  let summary = "A tensor stored in SRAM";
  let description = [{
    `tensor_type` gives the shape; the layout (rows of lane vectors) follows
    from it and the target's lanes. Constant buffers carry their data in
    `init`. `lpu-allocate-sram` (or, through the expansion,
    `tile-allocate-sram`) sets `slice` and `address`. A buffer may be
    spread over several slices, so its traffic does not queue on one or
    because it is larger than one: `spread` lists the (slice, address) of
    parts 1, 2, ... (`slice` and `address` are part 0's), and blocks of
    `block_rows` rows (1 if absent) are dealt round-robin, block b to part
    b mod parts. `min_parts` is how many parts the expansion asks for
    (tensors whose rows windows read together); the allocator uses fewer
    only where SRAM is too fragmented for that many. `host_type` is the
    element type the host passes or receives an input or output in, when
    it differs from the one held here (int64 or uint8 held as i32, f64 or
    bool as f32; the runtime converts).
    `state_of` marks an output that is the next run's value of the named
    input (a KV cache): it takes the input's SRAM, so it never leaves the
    chip.
  }];
  let arguments = (ins LPU_BufferKind:$kind, StrAttr:$name,
                       TypeAttrOf<AnyStaticShapeTensor>:$tensor_type,
                       OptionalAttr<ElementsAttr>:$init,
                       OptionalAttr<I32Attr>:$slice,
                       OptionalAttr<I32Attr>:$address,
                       OptionalAttr<DenseI32ArrayAttr>:$spread,
                       OptionalAttr<I64Attr>:$block_rows,
                       OptionalAttr<I64Attr>:$min_parts,
                       OptionalAttr<TypeAttr>:$host_type,
                       OptionalAttr<StrAttr>:$state_of);
  let results = (outs LPU_BufferType:$buffer);
  let assemblyFormat = [{
    $kind $name (`init` `(` $init^ `)`)? attr-dict `:` $tensor_type
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The SRAM layout of this buffer on `target`.
    ::lpu::TensorLayout getLayout(const ::lpu::TargetDesc &target);
    bool isAllocated() { return getSlice() && getAddress(); }
    /// Slices the rows are dealt over (1 unless spread).
    int64_t getNumParts();
    /// Part i's (slice, first address), once allocated.
    std::pair<int64_t, int64_t> getPart(int64_t i);
    /// How the rows are dealt over `parts` parts.
    ::lpu::PartDeal getDeal(int64_t parts) {
      return {parts, int64_t(getBlockRows().value_or(1))};
    }
    /// Addresses part i takes (of `parts` parts).
    int64_t getPartAddresses(const ::lpu::TargetDesc &target, int64_t parts,
                             int64_t i);
    /// The (slice, address) of vector `offset` of the tensor.
    std::pair<int64_t, int64_t> locate(const ::lpu::TargetDesc &target,
                                       int64_t offset);
  }];
}

//===----------------------------------------------------------------------===//
// Instructions
//===----------------------------------------------------------------------===//

def LPU_InstructionOpInterface : OpInterface<"InstructionOpInterface"> {
  let cppNamespace = "::lpuc::lpu";
  let description = "An op that is one LPU instruction (a row of ISA.def)";
  let methods = [
    InterfaceMethod<"The instruction's opcode", "::lpu::Opcode", "getOpcode",
      (ins), [{}], [{ return ConcreteOp::kOpcode; }]>,
  ];
  let extraSharedClassDeclaration = [{
    ::lpu::UnitKind getUnitKind() {
      return ::lpu::getInstructionInfo($_op.getOpcode()).unit;
    }
    std::optional<int64_t> getIssueCycle() {
      if (auto a = $_op->template getAttrOfType<::mlir::IntegerAttr>("cycle"))
        return a.getInt();
      return std::nullopt;
    }
    std::optional<int64_t> getUnitIndex() {
      if (auto a = $_op->template getAttrOfType<::mlir::IntegerAttr>("unit"))
        return a.getInt();
      return std::nullopt;
    }
    std::optional<int64_t> getResultStream() {
      if (auto a = $_op->template getAttrOfType<::mlir::IntegerAttr>("stream"))
        return a.getInt();
      return std::nullopt;
    }
    void setPlacement(int64_t cycle, int64_t unit) {
      ::mlir::Builder b($_op->getContext());
      $_op->setAttr("cycle", b.getI64IntegerAttr(cycle));
      $_op->setAttr("unit", b.getI32IntegerAttr(unit));
    }
    void setResultStream(int64_t stream) {
      ::mlir::Builder b($_op->getContext());
      $_op->setAttr("stream", b.getI32IntegerAttr(stream));
    }
  }];
  let verify = [{ return ::lpuc::lpu::verifyInstruction($_op); }];
}

class LPU_Inst<string mnemonic, string opcode, list<Trait> traits = []>
    : LPU_Op<mnemonic, !listconcat(traits, [
        DeclareOpInterfaceMethods<LPU_InstructionOpInterface>,
        HasParent<"ProgramOp">])> {
  dag placement = (ins OptionalAttr<I64Attr>:$cycle,
                       OptionalAttr<I32Attr>:$unit);
  dag streamPlacement = (ins OptionalAttr<I32Attr>:$stream);
  let extraClassDeclaration = [{
    static constexpr ::lpu::Opcode kOpcode = ::lpu::Opcode::}] # opcode # [{;
  }];
}

def LPU_ReadOp : LPU_Inst<"mem.read", "Read"> {
  let summary = "MEM: read one SRAM vector onto a stream";
  let arguments = !con((ins LPU_BufferType:$buffer, I64Attr:$offset),
                       placement, streamPlacement);
  let results = (outs LPU_AnyVector:$result);
  let assemblyFormat = "$buffer `[` $offset `]` attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def LPU_WriteOp : LPU_Inst<"mem.write", "Write"> {
  let summary = "MEM: write a stream's vector into SRAM";
  let arguments = !con((ins LPU_AnyVector:$value, LPU_BufferType:$buffer,
                            I64Attr:$offset), placement);
  let assemblyFormat = [{
    $value `,` $buffer `[` $offset `]` attr-dict `:` type($value)
  }];
  let hasVerifier = 1;
}

def LPU_GatherOp : LPU_Inst<"mem.gather", "Gather"> {
  let summary = "MEM: each lane reads its lane of the table entry its index names";
  let description = [{
    The table is `count` vectors `stride` vectors apart from vector `offset`
    of the buffer, all in one block of its rows (so on one slice, in
    order). Lane l of the result is lane l of entry `indices[l]`; an index
    outside [0, count) reads 0, or faults with `fault_below` (an index below
    0) or `fault_above` (from `count` on). An embedding lookup broadcasts
    one token id to every lane.
  }];
  let arguments = !con((ins LPU_AnyVector:$indices, LPU_BufferType:$buffer,
                            I64Attr:$offset, I64Attr:$count, I64Attr:$stride,
                            UnitAttr:$fault_below, UnitAttr:$fault_above),
                       placement, streamPlacement);
  let results = (outs LPU_AnyVector:$result);
  let assemblyFormat = [{
    $buffer `[` $offset `]` `by` $indices attr-dict `:` type($indices) `->`
    type($result)
  }];
  let hasVerifier = 1;
}

def LPU_ScatterOp : LPU_Inst<"mem.scatter", "Scatter"> {
  let summary = "MEM: each lane writes its lane of the table entry its index names";
  let description = [{
    A gather's mirror: lane l of `value` lands in lane l of entry
    `indices[l]` of the table (`count` vectors `stride` apart from vector
    `offset` of the buffer, in one block of its rows). An index outside
    [0, count) writes nothing, or faults with `fault_below` / `fault_above`.
    A KV cache's new row: one position broadcast to every lane.
  }];
  let arguments = !con((ins LPU_AnyVector:$value, LPU_AnyVector:$indices,
                            LPU_BufferType:$buffer, I64Attr:$offset,
                            I64Attr:$count, I64Attr:$stride,
                            UnitAttr:$fault_below, UnitAttr:$fault_above),
                       placement);
  let assemblyFormat = [{
    $value `,` $buffer `[` $offset `]` `by` $indices attr-dict `:`
    type($value) `,` type($indices)
  }];
  let hasVerifier = 1;
}

class LPU_VXMBinaryOp<string mnemonic, string opcode, string what,
                      Type vector = LPU_AnyVector>
    : LPU_Inst<"vxm." # mnemonic, opcode, [AllTypesMatch<["lhs", "rhs", "result"]>]> {
  let summary = "VXM: lane-wise " # what;
  let arguments = !con((ins vector:$lhs, vector:$rhs),
                       placement, streamPlacement);
  let results = (outs vector:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($result)";
}

class LPU_VXMUnaryOp<string mnemonic, string opcode, string what,
                     Type vector = LPU_FloatVector>
    : LPU_Inst<"vxm." # mnemonic, opcode, [AllTypesMatch<["input", "result"]>]> {
  let summary = "VXM: lane-wise " # what;
  let arguments = !con((ins vector:$input), placement, streamPlacement);
  let results = (outs vector:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
}

def LPU_AddOp : LPU_VXMBinaryOp<"add", "Add", "addition">;
def LPU_SubOp : LPU_VXMBinaryOp<"sub", "Sub", "subtraction">;
def LPU_MulOp : LPU_VXMBinaryOp<"mul", "Mul", "multiplication">;
def LPU_MaxOp : LPU_VXMBinaryOp<"max", "Max", "maximum">;
def LPU_MinOp : LPU_VXMBinaryOp<"min", "Min", "minimum">;
def LPU_EqualOp : LPU_VXMBinaryOp<"eq", "Equal", "comparison: 1 where equal, else 0">;
def LPU_LessOp : LPU_VXMBinaryOp<"lt", "Less", "comparison: 1 where src0 < src1, else 0">;
def LPU_GreaterOp : LPU_VXMBinaryOp<"gt", "Greater", "comparison: 1 where src0 > src1, else 0">;
def LPU_DivOp : LPU_VXMBinaryOp<"div", "Div",
                                "division (integers: toward zero, x / 0 = -1)">;
def LPU_ModOp : LPU_Inst<"vxm.mod", "Mod", [AllTypesMatch<["lhs", "rhs", "result"]>]> {
  let summary = "VXM: lane-wise remainder";
  let description = [{
    The remainder with the divisor's sign (Python's %, ONNX Mod), or with
    `truncated` the dividend's (C's fmod). x mod 0 is x for integers, NaN for
    floats.
  }];
  let arguments = !con((ins LPU_AnyVector:$lhs, LPU_AnyVector:$rhs,
                            UnitAttr:$truncated),
                       placement, streamPlacement);
  let results = (outs LPU_AnyVector:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($result)";
}
def LPU_PowOp : LPU_VXMBinaryOp<"pow", "Pow", "power", LPU_FloatVector>;

def LPU_AbsOp : LPU_VXMUnaryOp<"abs", "Abs", "absolute value", LPU_AnyVector>;
def LPU_ExpOp : LPU_VXMUnaryOp<"exp", "Exp", "exponential">;
def LPU_LogOp : LPU_VXMUnaryOp<"log", "Log", "natural logarithm">;
def LPU_TanhOp : LPU_VXMUnaryOp<"tanh", "Tanh", "hyperbolic tangent">;
def LPU_SigmoidOp : LPU_VXMUnaryOp<"sigmoid", "Sigmoid", "logistic function">;
def LPU_ErfOp : LPU_VXMUnaryOp<"erf", "Erf", "error function">;
def LPU_SqrtOp : LPU_VXMUnaryOp<"sqrt", "Sqrt", "square root">;
def LPU_ReciprocalOp : LPU_VXMUnaryOp<"reciprocal", "Reciprocal", "reciprocal">;

def LPU_ReluOp : LPU_Inst<"vxm.relu", "Relu", [AllTypesMatch<["input", "result"]>]> {
  let summary = "VXM: lane-wise max(x, 0)";
  let arguments = !con((ins LPU_AnyVector:$input), placement, streamPlacement);
  let results = (outs LPU_AnyVector:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
}

def LPU_ScaleOp : LPU_Inst<"vxm.scale", "Scale", [AllTypesMatch<["input", "result"]>]> {
  let summary = "VXM: multiply every lane by an immediate";
  let arguments = !con((ins LPU_FloatVector:$input, F32Attr:$factor),
                       placement, streamPlacement);
  let results = (outs LPU_FloatVector:$result);
  let assemblyFormat = "$input `,` $factor attr-dict `:` type($result)";
}

def LPU_DivScalarOp : LPU_Inst<"vxm.div_scalar", "DivScalar", [AllTypesMatch<["input", "result"]>]> {
  let summary = "VXM: divide every lane by an immediate";
  let arguments = !con((ins LPU_FloatVector:$input, F32Attr:$divisor),
                       placement, streamPlacement);
  let results = (outs LPU_FloatVector:$result);
  let assemblyFormat = "$input `,` $divisor attr-dict `:` type($result)";
}

def LPU_LoadWeightsOp : LPU_Inst<"mxm.load_weights", "LoadWeights"> {
  let summary = "MXM: load vectors into consecutive weight-buffer rows";
  let description = [{
    `values[i]` becomes weight-buffer row `row + i`. The values arrive
    together on consecutive stream groups, the first's result stream and on,
    so one load takes at most the target's `mxm.load_bytes` per lane: 8 i8
    or 4 f16 rows on lpu-v1.
  }];
  let arguments = !con((ins Variadic<LPU_AnyVector>:$values, I64Attr:$row),
                       placement);
  let assemblyFormat =
      "$values `into` `row` $row attr-dict `:` type($values)";
  let hasVerifier = 1;
}

def LPU_InstallWeightsOp : LPU_Inst<"mxm.install", "InstallWeights"> {
  let summary = "MXM: install the first `rows` buffer rows into the array";
  let description = [{
    The array holds K rows of the element type (the target's `mxm.types`:
    320 for i8 on lpu-v1, 160 for f16 and bf16); array row k meets input
    lane `window + k` (window a multiple of K, 0 if absent). Array rows at
    and past `rows` become zero, so lanes past the end of a contraction
    never meet stale weights. With `transposed`, buffer row n becomes array
    column n (array[k][n] = buffer[n][window + k]) and columns at and past
    `rows` are zero: a matmul then gives result[n] = dot(input, row n) over
    the window, which is how a product with a transposed operand, and a
    transpose (streaming unit vectors), run without moving the rows first.
  }];
  let arguments = !con((ins I64Attr:$rows, UnitAttr:$transposed,
                            OptionalAttr<I64Attr>:$window,
                            TypeAttr:$element_type),
                       placement);
  let assemblyFormat = [{
    `rows` $rows (`transposed` $transposed^)? (`window` $window^)? attr-dict
    `:` $element_type
  }];
  let hasVerifier = 1;
}

def LPU_MatMulOp : LPU_Inst<"mxm.matmul", "MatMul"> {
  let summary = "MXM: result[n] = sum_k input[k] * weights[k][n]";
  let description = [{
    The input's element type must be the installed weights' (f32, f16, bf16
    or i8); float types accumulate into an f32 result, i8 into i32.
  }];
  let arguments = !con((ins LPU_AnyVector:$input), placement, streamPlacement);
  let results = (outs LPU_AnyVector:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def LPU_MatMulAccOp : LPU_Inst<"mxm.matmul_acc", "MatMulAcc",
    [AllTypesMatch<["addend", "result"]>]> {
  let summary = "MXM: result[n] = addend[n] + sum_k input[k] * weights[k][n]";
  let description = [{
    Accumulates partial sums of a contraction split over several weight tiles
    inside the MXM, without a separate VXM addition.
  }];
  let arguments = !con((ins LPU_AnyVector:$input, LPU_AnyVector:$addend),
                       placement, streamPlacement);
  let results = (outs LPU_AnyVector:$result);
  let assemblyFormat = [{
    $input `,` $addend attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def LPU_MoveOp : LPU_Inst<"vxm.move", "Move", [AllTypesMatch<["input", "result"]>]> {
  let summary = "VXM: pass a vector through unchanged";
  let description = [{
    Delays a value by the VXM latency. The scheduler inserts moves where two
    operands of one tree would otherwise need the same queue or bank port in
    the same cycle.
  }];
  let arguments = !con((ins LPU_AnyVector:$input), placement, streamPlacement);
  let results = (outs LPU_AnyVector:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
}

def LPU_ConvertOp : LPU_Inst<"vxm.convert", "Convert"> {
  let summary = "VXM: convert every lane to another element type";
  let description = [{
    Floats round to nearest even; float to integer rounds to nearest even (or,
    with `toward_zero`, truncates, as ONNX Cast does) and saturates (NaN
    becomes 0); integer narrowing saturates.
  }];
  let arguments = !con((ins LPU_AnyVector:$input, UnitAttr:$toward_zero),
                       placement, streamPlacement);
  let results = (outs LPU_AnyVector:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def LPU_DistributeOp : LPU_Inst<"sxm.distribute", "Distribute", [AllTypesMatch<["input", "result"]>]> {
  let summary = "SXM: copy one lane into lanes [0, width), zero the rest";
  let arguments = !con((ins LPU_AnyVector:$input, I64Attr:$lane, I64Attr:$width),
                       placement, streamPlacement);
  let results = (outs LPU_AnyVector:$result);
  let assemblyFormat = [{
    $input `,` `lane` $lane `,` `width` $width attr-dict `:` type($result)
  }];
  let hasVerifier = 1;
}

def LPU_ShiftOp : LPU_Inst<"sxm.shift", "Shift", [AllTypesMatch<["input", "result"]>]> {
  let summary = "SXM: move lanes up (positive) or down, filling with zero";
  let arguments = !con((ins LPU_AnyVector:$input, I64Attr:$amount),
                       placement, streamPlacement);
  let results = (outs LPU_AnyVector:$result);
  let assemblyFormat = "$input `,` $amount attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def LPU_NopOp : LPU_Inst<"nop", "Nop"> {
  let summary = "Idle a unit's queue for `count` cycles";
  let description = [{
    Gaps between scheduled instructions are encoded as NOPs when the binary
    is written; an explicit nop keeps its queue idle where it stands.
  }];
  let arguments = !con((ins I64Attr:$count, StrAttr:$unit_kind), placement);
  let assemblyFormat = "$count `on` $unit_kind attr-dict";
  let hasVerifier = 1;
}

#endif // LPU_DIALECT_LPU_OPS
