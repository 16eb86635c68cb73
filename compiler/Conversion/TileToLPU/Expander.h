//===- Expander.h - The toolkit tile ops expand with ------------*- C++ -*-===//
//
// Expansion turns each tile op into the instructions that compute it,
// appended to a MachineProgram. The Expander holds what every op family
// shares: the buffers of tensor values, instruction building with element
// types and origins, element-wise chains vector by vector, lane-run gathers,
// weight loads, and matrix products over planes. Op families (Math, NN,
// Tensor, Reduction) build on it; each op expands on its own.
//
// Tensors are rows of lane vectors (lpu/Layout.h) whose padding lanes are
// zero; every sequence here keeps them zero, which is what lets partial MXM
// tiles ignore them.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_COMPILER_CONVERSION_TILETOLPU_EXPANDER_H
#define LPU_COMPILER_CONVERSION_TILETOLPU_EXPANDER_H

#include "dialects/LPU/Machine/MachineProgram.h"
#include "dialects/LPU/Machine/SlicePlacer.h"
#include "dialects/Tile/Storage.h"
#include "dialects/Tile/TileOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <functional>

namespace lpuc::tile_to_lpu {

using lpu::InstrId;
using Shape = llvm::SmallVector<int64_t>;
using tile::ChainStep;
using tile::StepKind;

/// A tensor's rows of lane vectors in its buffer (which the allocator may
/// deal over several MEM slices).
struct RowStore {
  int32_t buffer = -1;
  int64_t vectorsPerRow = 1;
  int64_t rows = 1;
  int64_t rowLength = 1;
};

/// One step of a chain with its operand resolved to a tensor store.
struct ResolvedStep {
  ChainStep step;
  RowStore operand; // operand steps only
  Shape shape;      // the operand's shape
  /// The value of a constant whose elements are all equal: an immediate
  /// factor or divisor (`vscale`, `vdivs`), otherwise rows of the value
  /// (copyBroadcastRow), never spread across the lanes by the SXM.
  std::optional<float> splat;
};

/// A chain ready to be computed vector by vector over `shape`: every
/// operand's shape left-padded to the output's rank, with its row strides.
struct PreparedStep {
  ResolvedStep step;
  Shape shape;                // left-padded with 1s to the chain's rank
  Shape rowStride;            // per leading dimension, in rows
  bool laneBroadcast = false; // a single column spread over the row
  /// Copies of each operand row that many output rows read, dealt over as
  /// many slices: output row r reads copy r % copies of its operand row.
  int64_t copies = 1;
  /// Whether a partial vector's padding is guarded before this step
  /// (tile::guardsPadding).
  bool guardsPadding = false;
};
struct PreparedChain {
  std::vector<PreparedStep> steps;
  Shape shape;
  /// What the chain leaves in lanes past a row's width (shifted out when
  /// not zeros and `paddingRead`).
  tile::Padding padding = tile::Padding::Zero;
  /// Whether a reader of the result sees its padding lanes.
  bool paddingRead = true;
};

/// An element of a tensor's row: the store, the row, the index in it.
struct RowElement {
  const RowStore *store;
  int64_t row, element;
};

/// One matrix product: `rows` output rows, each the sum over K tiles k of
/// (a vector of `a`) x (weight tile k, n).
struct ProductPlan {
  RowStore a;
  int64_t rows = 0;
  int64_t kTiles = 0;
  int64_t firstOutRow = 0;
  int64_t turn = 1; // K tiles installed at once, on distinct planes
  /// Each turn's partial sums in a tensor of their own, added by the last
  /// turn on the VXM, instead of carried from turn to turn (see
  /// tile.matmul's `separate_partials`).
  bool separateTurns = false;
  /// Weight rows of K tile k (the rest of the array is zero).
  std::function<int64_t(int64_t k)> tileRows;
  /// Row r of weight tile (k, n); with `transposedRows`, row r of B's
  /// column tile n (vector k of B stored [n, k]).
  std::function<InstrId(int64_t k, int64_t n, int64_t r)> weightRow;
  /// For B stored transposed ([n, k], computed at run time): the rows of
  /// column tile n, installed transposed, each window taking its lanes
  /// (null: B is [k, n], installed as it is).
  std::function<int64_t(int64_t n)> transposedRows;
  /// Whether weight tile (k, n) is used (null: all are); one that is all
  /// zero need not be installed.
  std::function<bool(int64_t k, int64_t n)> tileUsed;
  /// The row and vector of `a` that output row m multiplies with K tile k,
  /// or nothing when it is zero (a convolution tap in the padding).
  std::function<std::optional<std::pair<int64_t, int64_t>>(int64_t m,
                                                           int64_t k)>
      aVector;
  /// The vector a tap in the padding streams instead (null: it is left
  /// out), for K tile k: a quantized input's zero point.
  std::function<InstrId(int64_t k)> padding;
};

/// The MXM planes of one op, in the order its expansion installs weights
/// (the `planes` attribute tile-assign-planes sets).
class PlaneCursor {
public:
  PlaneCursor(mlir::Operation *op,
              std::optional<llvm::ArrayRef<int32_t>> planes)
      : op(op), planes(planes.value_or(llvm::ArrayRef<int32_t>())) {}
  int32_t next() {
    assert(index < planes.size() && "planes checked before expansion");
    return planes[index++];
  }
  /// Fails, naming the op, unless every plane was used: the op's expansion
  /// and its install list (tile/MXMJobs.h) must agree.
  mlir::LogicalResult finish() const {
    if (index == planes.size())
      return mlir::success();
    return op->emitError("lists more planes than its expansion installs "
                         "weights; run tile-assign-planes again");
  }

private:
  mlir::Operation *op;
  llvm::ArrayRef<int32_t> planes;
  size_t index = 0;
};

class Expander {
public:
  Expander(mlir::func::FuncOp func, lpu::MachineProgram &program);

  /// Expands every op of the function, in order; fails once the program
  /// has more than `maxInstructions` (0: no limit), after the op that
  /// passed it.
  mlir::LogicalResult run(uint64_t maxInstructions = 0);

  const ::lpu::TargetDesc &target;
  mlir::MLIRContext *context;
  /// The type the op being expanded runs its MXM work in (tile.precision,
  /// or i8 for an op on quantized values: tile::getMXMType), and the input
  /// lanes one install of it covers: a lanes-wide K tile takes
  /// getWindows(rows) installs, each meeting its window of the input.
  ::lpu::DType mxmType;
  int64_t mxmRows;
  /// The parts f32 values moved through the MXM are split into
  /// (tile::getMovementParts).
  int64_t movementParts = 1;
  int64_t getWindows(int64_t width) const {
    return llvm::divideCeil(width, mxmRows);
  }

  //===--------------------------------------------------------------------===//
  // Values and buffers
  //===--------------------------------------------------------------------===//

  /// The store of a tensor value; constants get a buffer on first use.
  mlir::FailureOr<RowStore> store(mlir::Value value);
  /// The store an op result is computed into: its graph output buffer, or
  /// a scratch buffer (split by image rows if the layout pass said so).
  RowStore resultStore(mlir::Value result);
  /// Makes `result` another name for `source`'s store (the same rows), and
  /// returns false if it cannot be: it must be written to a graph output
  /// buffer of its own.
  bool alias(mlir::Value result, mlir::Value source);
  /// A fresh buffer, named after the op being expanded.
  int32_t createBuffer(lpu::BufferKind kind, llvm::StringRef name,
                       mlir::RankedTensorType type,
                       mlir::ElementsAttr init = {});
  RowStore wholeStore(int32_t buffer) const;
  /// A scratch buffer named after the op being expanded, + `suffix`.
  int32_t scratch(llvm::ArrayRef<int64_t> shape, llvm::StringRef suffix,
                  ::lpu::DType dtype = ::lpu::DType::F32);
  /// A scratch tensor whose groups of `rowsPerGroup` rows (image rows) are
  /// dealt over as many MEM slices as there are groups (up to every slice),
  /// so the rows a window reads come from different slices.
  RowStore splitScratch(mlir::RankedTensorType type, int64_t rowsPerGroup);
  /// Asks for buffer `index`'s rows, which the MXM loads as weights, to be
  /// dealt one at a time over distinct slices (lpu::weightRowParts).
  void dealWeightRows(int32_t index);
  /// Asks for buffer `index`'s rows to be dealt one at a time over `parts`
  /// slices (at most the target's).
  void dealRows(int32_t index, int64_t parts);
  /// Gives the weight tiles of `op` (getWeightTiles' order; -1 for a tile
  /// not stored, which has no place) their places from the op's
  /// `tile.weight_sram`, if it has one.
  void placeWeightTiles(llvm::ArrayRef<int32_t> buffers, mlir::Operation *op);
  /// A constant buffer holding `values` as `shape`, in `dtype` (f32 by
  /// default, mxmType for weights; integer types round half to even and
  /// saturate).
  int32_t constant(llvm::StringRef suffix, llvm::ArrayRef<int64_t> shape,
                   llvm::ArrayRef<float> values,
                   ::lpu::DType dtype = ::lpu::DType::F32);
  /// A one-element f32 constant, broadcast like an ONNX scalar (one buffer
  /// per value and op).
  int32_t scalarConstant(llvm::StringRef suffix, float value);
  /// The [lanes, lanes] identity, whose rows are unit vectors (in mxmType,
  /// for the MXM to stream).
  int32_t identity();
  /// A buffer name: the op's ONNX node (or `fallback`), + `suffix`.
  std::string nameFor(llvm::StringRef fallback, llvm::StringRef suffix = "");

  const lpu::MachineBuffer &buffer(int32_t index) const {
    return program.buffers[index];
  }
  static Shape shapeOf(mlir::Value value) {
    return Shape(
        mlir::cast<mlir::RankedTensorType>(value.getType()).getShape());
  }

  //===--------------------------------------------------------------------===//
  // Instructions
  //===--------------------------------------------------------------------===//

  InstrId read(int32_t buffer, int64_t offset);
  /// A MEM gather by the i32 `indices` from the table of `fields.count`
  /// vectors `fields.stride` apart from vector `offset` of `buffer`.
  InstrId gather(InstrId indices, int32_t buffer, int64_t offset,
                 const ::lpu::GatherFields &fields);
  /// The mirror: `value` (converted to the buffer's type) into the table's
  /// entries the i32 `indices` name, lane by lane.
  void scatter(InstrId value, InstrId indices, int32_t buffer, int64_t offset,
               const ::lpu::GatherFields &fields);
  /// A read of a new one-element constant 0: the value of a sum with no
  /// terms (a window wholly in padding, a turn with no product).
  InstrId zero();
  /// Writes `value`, converted to the buffer's element type on the way.
  void write(InstrId value, int32_t buffer, int64_t offset);
  InstrId readRow(const RowStore &store, int64_t row, int64_t j);
  void writeRow(InstrId value, const RowStore &store, int64_t row, int64_t j);
  InstrId combine(StepKind kind, InstrId lhs, InstrId rhs);
  /// What a lane mask holds in lanes [0, width) and past them.
  enum class LaneMask {
    Keep,      // 1, then +0: a product keeps the lanes, zeroes the padding
    GuardOnes, // -0, then 1: a sum keeps the lanes, makes the padding 1
  };
  /// A read of a constant vector `mask` of `width` lanes, for output row
  /// `row` of a chain over `rows` rows (copies of it are dealt over slices,
  /// since every row reads one).
  InstrId laneMask(LaneMask mask, int64_t width, int64_t row, int64_t rows);
  /// How many copies of a constant row that each of `rows` rows reads are
  /// dealt over slices (a copy per few rows, up to a quarter of the
  /// slices), so that its reads do not keep one slice's ports busy.
  int64_t constantRowCopies(int64_t rows) const;
  InstrId apply(StepKind kind, float factor, InstrId value);
  InstrId scaled(InstrId value, float factor);
  InstrId distribute(InstrId value, int64_t lane, int64_t width);
  InstrId shift(InstrId value, int64_t amount);
  /// A product on `plane` of `input` (a float vector converted to mxmType
  /// first, or i8) with its installed array, plus `addend` if given.
  InstrId matmul(int32_t plane, InstrId input, InstrId addend = lpu::kNoInstr);
  /// Loads `rows` weight rows (`row(r)` is row r, converted to mxmType if
  /// it is another float type) on `plane` and installs them, as array rows
  /// or, `transposed`, as array columns, meeting input lanes from `window`.
  void loadAndInstall(int32_t plane, int64_t rows, bool transposed,
                      llvm::function_ref<InstrId(int64_t r)> row,
                      int64_t window = 0);

  //===--------------------------------------------------------------------===//
  // Chains, gathers and products
  //===--------------------------------------------------------------------===//

  /// The chain's operands resolved to stores (`operands[i]` is operand i).
  mlir::FailureOr<std::vector<ResolvedStep>>
  resolveChain(llvm::ArrayRef<ChainStep> chain, mlir::ValueRange operands);
  PreparedChain prepareChain(llvm::ArrayRef<ResolvedStep> steps,
                             llvm::ArrayRef<int64_t> outShape);
  /// What `op`'s chain leaves in lanes past its rows' width (its operands'
  /// padding lanes taken as zeros).
  static tile::Padding paddingOf(tile::MapOp op);
  /// Replaces an operand row every output row of `outShape` reads (a
  /// constant, or a row computed at run time) by copies dealt over several
  /// slices, where that is worth it.
  void copyBroadcastRow(PreparedStep &p, llvm::ArrayRef<int64_t> outShape);
  /// Replaces `rows`, computed at run time, each read in turn by
  /// `readersPerRow` reads, by copies of each row dealt over several slices
  /// (copied once, by the MEM slices, before the readers), when that is
  /// worth it: one slice's bank ports serve a read a cycle (two for an f32
  /// vector). Copy c of row r is row r * copies + c, and read k of a row
  /// takes copy k % copies; returns how many copies (1: none made).
  int64_t spreadComputedRows(RowStore &rows, int64_t readersPerRow);
  /// The leading-dimension index of row `row` of `shape`.
  static Shape rowIndex(llvm::ArrayRef<int64_t> shape, int64_t row);
  /// The rows between consecutive indices of each leading dimension of
  /// `shape` (none for a scalar).
  static Shape rowStrides(llvm::ArrayRef<int64_t> shape);
  /// Vector `j` of the output row at `index`, computed by `chain` from
  /// `initial` (the value so far; none when the chain starts with an
  /// operand). Padding lanes stay zero, unless nothing reads them.
  InstrId emitChainVector(const PreparedChain &chain,
                          llvm::ArrayRef<int64_t> index, int64_t j,
                          InstrId initial);
  /// Computes `chain` into `out`, vector by vector.
  void emitElementwise(const PreparedChain &chain, const RowStore &out);
  /// Copies `from`, a tensor of `shape`, into `to` (another layout of it).
  void emitCopy(const RowStore &from, llvm::ArrayRef<int64_t> shape,
                const RowStore &to);

  /// A vector of `width` lanes gathered from tensor rows: `source(lane)`
  /// says where output lane `lane` comes from, or nothing for a zero lane.
  InstrId gatherLanes(
      int64_t width,
      llvm::function_ref<std::optional<RowElement>(int64_t lane)> source);
  /// Writes `out` element by element: `source(flat, lane)` says which
  /// tensor element output element `flat` (in lane `lane`) copies.
  void emitElementMap(
      const RowStore &out,
      llvm::function_ref<std::optional<RowElement>(int64_t, int64_t)> source);

  /// out = epilogue(sum_k a_k x W_k), K tiles in turns over `planes`.
  void emitMatMul(const ProductPlan &plan, const PreparedChain &epilogue,
                  const RowStore &out, PlaneCursor &planes);

  /// Installs `rows` vectors `vector(r)` transposed at lane `firstLane` (in
  /// movementParts parts, on the next planes), then streams unit vector
  /// `lane` for each (key, lane) of `picks`, handing `take` each key and its
  /// f32 row.
  void
  emitTransposedPicks(PlaneCursor &planes, int64_t rows, int64_t firstLane,
                      llvm::function_ref<InstrId(int64_t r)> vector,
                      llvm::ArrayRef<std::pair<int64_t, int64_t>> picks,
                      llvm::function_ref<void(int64_t key, InstrId sum)> take);

  /// A transpose that moves the innermost dimension, on the MXM.
  void emitTransposeOnMXM(const RowStore &input, llvm::ArrayRef<int64_t> from,
                          llvm::ArrayRef<int64_t> perm, const RowStore &out,
                          llvm::ArrayRef<int64_t> to, PlaneCursor &planes);

  /// The location of the op being expanded (diagnostics, origins).
  mlir::Location location() const { return currentLoc; }

  /// Constant weights stored tile by tile, by (constant, transposed), so
  /// products sharing weights share the tiles.
  llvm::DenseMap<std::pair<mlir::Value, unsigned>, llvm::SmallVector<int32_t>>
      weightTiles;

  /// `value` converted to `to` on the VXM, unless it has that type.
  InstrId convert(InstrId value, ::lpu::DType to, bool towardZero = false);

private:
  /// `value` converted to mxmType if it is another float type.
  InstrId toMXMType(InstrId value);
  InstrId emit(::lpu::Opcode opcode, llvm::ArrayRef<InstrId> operands,
               uint32_t imm = 0);
  mlir::LogicalResult expandOp(mlir::Operation *op);
  /// A MEM instruction on vector `offset` of `buffer`, in the buffer's
  /// element type (a read's or gather's result too).
  InstrId memAccess(::lpu::Opcode opcode, int32_t buffer, int64_t offset,
                    llvm::ArrayRef<InstrId> operands, uint32_t imm = 0);
  ::lpu::DType bufferType(int32_t index) const {
    return lpuc::lpu::getDType(buffer(index).type.getElementType());
  }
  /// Fails if a state input is read after its output's first write.
  mlir::LogicalResult checkStatesInPlace();
  /// Checks the `tile.sram` placements against the tensors and the target.
  mlir::LogicalResult verifyPlacements();
  /// Gives `buffer` the placement `sram` (a `tile.sram`), if there is one.
  void place(int32_t buffer, mlir::Attribute sram);
  void place(int32_t buffer, llvm::ArrayRef<int32_t> parts);
  int32_t constantBuffer(mlir::Value value, mlir::ElementsAttr data);

  mlir::func::FuncOp func;
  lpu::MachineProgram &program;
  mlir::Location currentLoc;
  int32_t currentOrigin = 0;
  llvm::DenseMap<mlir::Value, RowStore> stores;
  /// Which values share a tensor, and which are graph outputs.
  tile::StoragePlan storage;
  /// The graph output buffer each result computed into one is.
  llvm::DenseMap<mlir::Value, int32_t> outputBuffers;
  /// The identity in each type it was streamed in.
  std::map<::lpu::DType, int32_t> identityBuffers;
  /// Lane mask buffers by (kind, width, copies): see laneMask.
  std::map<std::tuple<int, int64_t, int64_t>, int32_t> laneMasks;
};

//===----------------------------------------------------------------------===//
// Op families
//===----------------------------------------------------------------------===//

mlir::LogicalResult expandMap(tile::MapOp op, Expander &x);
mlir::LogicalResult expandMatMul(tile::MatMulOp op, Expander &x);
mlir::LogicalResult expandConv(tile::ConvOp op, Expander &x);
/// The lane words of the constant tensor `value`, or an error on `op` that
/// `what` must be a constant.
mlir::FailureOr<std::vector<uint32_t>>
constantWords(mlir::Operation *op, mlir::Value value, llvm::StringRef what);
/// The first `pixels` output pixels of a tile.conv with `on_vxm` (all of
/// them with `segments`), written to `out` (NN/DepthwiseVXM.cpp).
mlir::LogicalResult expandConvOnVXM(tile::ConvOp op, Expander &x,
                                    const RowStore &out, int64_t pixels);
mlir::LogicalResult expandIm2Col(tile::Im2ColOp op, Expander &x);
mlir::LogicalResult expandPackTaps(tile::PackTapsOp op, Expander &x);
mlir::LogicalResult expandWinogradInput(tile::WinogradInputOp op, Expander &x);
mlir::LogicalResult expandWinogradOutput(tile::WinogradOutputOp op,
                                         Expander &x);
mlir::LogicalResult expandGlobalPool(tile::GlobalPoolOp op, Expander &x);
mlir::LogicalResult expandPool(tile::PoolOp op, Expander &x);
mlir::LogicalResult expandTranspose(tile::TransposeOp op, Expander &x);
mlir::LogicalResult expandMaxPoolTranspose(tile::MaxPoolTransposeOp op,
                                           Expander &x);
mlir::LogicalResult expandGather(tile::GatherOp op, Expander &x);
mlir::LogicalResult expandLookup(tile::LookupOp op, Expander &x);
mlir::LogicalResult expandScatterRows(tile::ScatterRowsOp op, Expander &x);
mlir::LogicalResult expandGatherElements(tile::GatherElementsOp op,
                                         Expander &x);
mlir::LogicalResult expandReshape(tile::ReshapeOp op, Expander &x);
mlir::LogicalResult expandConcat(tile::ConcatOp op, Expander &x);
mlir::LogicalResult expandReduceRows(tile::ReduceRowsOp op, Expander &x);
mlir::LogicalResult expandReduceLeading(tile::ReduceLeadingOp op, Expander &x);

/// Expands a tile-level module's `func.func @main` into a program for the
/// module's target, of at most `maxInstructions` (0: no limit; the compile's
/// time grows with them, and lpuc --max-instructions bounds it).
mlir::FailureOr<lpu::MachineProgram>
expandToMachineProgram(mlir::ModuleOp module, uint64_t maxInstructions = 0);

} // namespace lpuc::tile_to_lpu

#endif // LPU_COMPILER_CONVERSION_TILETOLPU_EXPANDER_H
