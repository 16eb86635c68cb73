//===- TileOps.td - The tile dialect: units of work on SRAM tensors -*- tablegen -*-===//
//
// The level between ONNX nodes and LPU instructions. A tile op is one unit of
// work the machine does as a whole -- a matrix product over weight tiles, an
// element-wise chain, a gather of lane runs, a transpose, a row reduction, a
// pooling window -- on tensors that live in SRAM. Every choice instruction
// selection used to make while emitting is an attribute here, set by a pass
// that can be run and tested alone: channels-last layout, fusion into
// epilogues, K tiles per MXM turn and weight packing, MXM planes. Each op then
// expands to instructions on its own (compiler/Conversion/TileToLPU).
//
// Ops have value semantics on builtin ranked tensors of lane element types
// (f32; i32 and f16 where the LPU keeps them), inside the graph's
// `func.func @main`; weights stay `arith.constant`s.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_DIALECT_TILE_OPS
#define LPU_DIALECT_TILE_OPS

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Tile_Dialect : Dialect {
  let name = "tile";
  let cppNamespace = "::lpuc::tile";
  let summary = "Units of LPU work on SRAM tensors, with layout and tiling";
  let description = [{
    See docs/tile-dialect.md. The module holds the target it is compiled
    for in the `tile.target` attribute; passes and the expansion to
    instructions read the chip's parameters from it. A result may carry
    `tile.split_rows = R` (set by tile-assign-layout): its tensor is stored
    in parts of whole groups of R rows (image rows of a channels-last
    tensor) on different MEM slices, so a window's rows are read at once.
  }];
  let hasOperationAttrVerify = 1;
  let hasRegionArgAttrVerify = 1;
  let hasRegionResultAttrVerify = 1;
  let useDefaultAttributePrinterParser = 1;
}

class Tile_Op<string mnemonic, list<Trait> traits = []>
    : Op<Tile_Dialect, mnemonic, !listconcat(traits, [Pure])>;

// i8 tensors hold quantized values (an ONNX uint8 tensor minus 128); an op
// whose first operand is i8 runs its MXM work in i8 (getMXMType).
def Tile_Tensor : RankedTensorOf<[F32, F16, BF16, I32, I8]>;

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Tile_PoolKind : I32EnumAttr<"PoolKind", "what a pooling window computes", [
    I32EnumAttrCase<"Max", 0, "max">,
    I32EnumAttrCase<"Average", 1, "average">,
    I32EnumAttrCase<"AverageWithPadding", 2, "average_with_padding">]> {
  let cppNamespace = "::lpuc::tile";
}

def Tile_ReduceKind : I32EnumAttr<"ReduceKind", "how a reduction combines", [
    I32EnumAttrCase<"Sum", 0, "sum">,
    I32EnumAttrCase<"Max", 1, "max">,
    I32EnumAttrCase<"Min", 2, "min">]> {
  let cppNamespace = "::lpuc::tile";
}

def Tile_RowStrategy : I32EnumAttr<"RowStrategy",
    "which units reduce the rows of a tensor", [
    I32EnumAttrCase<"MXMSum", 0, "mxm_sum">,
    I32EnumAttrCase<"MXMExtremum", 1, "mxm_extremum">,
    I32EnumAttrCase<"ShiftTree", 2, "shift_tree">]> {
  let cppNamespace = "::lpuc::tile";
  let genSpecializedAttr = 0;
}
// Printed `#tile<row_strategy mxm_sum>`.
def Tile_RowStrategyAttr
    : EnumAttr<Tile_Dialect, Tile_RowStrategy, "row_strategy">;

// Attributes a decision pass sets; expansion requires them.
defvar Tile_Planes = OptionalAttr<DenseI32ArrayAttr>;
// A turn installs at least one K tile (a turn of 0 would never end).
defvar Tile_Turn = OptionalAttr<ConfinedAttr<I64Attr, [IntPositive]>>;

//===----------------------------------------------------------------------===//
// Element-wise chains
//===----------------------------------------------------------------------===//

def Tile_MapOp : Tile_Op<"map"> {
  let summary = "An element-wise chain, computed vector by vector";
  let description = [{
    `chain` is a list of steps applied to one running value per output
    element: `inN` (operand N, NumPy-broadcast to the result) starts it;
    `add|sub|mul|div|pow|max|min|eq|lt|gt inN` combines operand N into it;
    `relu|abs|exp|log|tanh|sigmoid|erf|sqrt|reciprocal` applies a lane
    function; `scale F` multiplies by a constant. An operand step may carry
    `* F`, a factor it is multiplied by first. The result's element type is
    what the chain's value is converted to on the way into SRAM.

    ```mlir
    %y = tile.map(%x, %b) [in0, add in1, relu]
        : (tensor<4x96xf32>, tensor<96xf32>) -> tensor<4x96xf32>
    ```
  }];
  let arguments = (ins Variadic<Tile_Tensor>:$inputs,
                       DenseI32ArrayAttr:$steps, DenseF32ArrayAttr:$factors);
  let results = (outs Tile_Tensor:$result);
  let assemblyFormat = [{
    `(` $inputs `)` custom<Chain>($steps, $factors) attr-dict `:`
    functional-type($inputs, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Matrix products on the MXM
//===----------------------------------------------------------------------===//

def Tile_MatMulOp : Tile_Op<"matmul"> {
  let summary = "Matrix products over lanes x lanes weight tiles";
  let description = [{
    For each batch (a, b, out) of `batches`, output rows [out, out + m) are
    `epilogue(A[a .. a + m) x B[b .. b + k))`: A's rows times the [k, n]
    matrix starting at row b of B (with `transpose_b`, B is stored [..., n,
    k] and the matrix is the transpose of rows [b, b + n): a constant is
    repacked, a tensor computed at run time installed transposed). The contraction is cut into K tiles of `lanes` rows;
    `turn` K tiles are installed on distinct planes at once and each output
    row's partial sum flows through them; `packed_weights` stores a constant B
    tile by tile. `planes` lists the plane of every weight tile installed, in
    expansion order. The epilogue (steps over `extras`) runs on the VXM on
    the way from the last plane to SRAM. With i8 A and B the products run
    in i8 with i32 sums, which the epilogue sees as f32.

    A turn's partial sums go through SRAM to the next turn, whose first
    product adds them. With `separate_partials`, each turn but the last
    starts from zero and leaves its sums in a tensor of its own, and the
    last turn's sums add them all on the VXM before the epilogue: the turns
    of one output row no longer wait for each other, at the cost of an add
    per earlier turn and output vector.
  }];
  let arguments = (ins Tile_Tensor:$a, Tile_Tensor:$b,
                       Variadic<Tile_Tensor>:$extras,
                       I64Attr:$m, I64Attr:$k, I64Attr:$n,
                       DenseI64ArrayAttr:$batches, UnitAttr:$transpose_b,
                       DenseI32ArrayAttr:$steps, DenseF32ArrayAttr:$factors,
                       Tile_Turn:$turn, UnitAttr:$packed_weights,
                       Tile_Planes:$planes, UnitAttr:$separate_partials);
  let results = (outs Tile_Tensor:$result);
  let assemblyFormat = [{
    $a `,` $b (`epilogue` `(` $extras^ `:` type($extras) `)`)?
    custom<Chain>($steps, $factors) attr-dict `:` type($a) `,` type($b)
    `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Whether B, computed at run time and stored [..., n, k], is installed
    /// transposed: each column tile's rows once per K window (`iw
    /// transposed`). A constant transposed B is packed as tiles instead.
    bool installsTransposedB() {
      return getTransposeB() && !getPackedWeights();
    }
  }];
}

def Tile_ConvOp : Tile_Op<"conv"> {
  let summary = "A 2-D convolution on channels-last tensors, on the MXM";
  let description = [{
    `input` is [N, H, W, C] and the result [N, OH, OW, F]. Each output
    pixel is one product whose K tiles are the kernel taps times chunks of
    `lanes` channels; taps that fall in the padding are left out. Weights
    are a constant [F, C/group, KH, KW] ([C, F/group, KH, KW] when
    `transposed`, a ConvTranspose), or, with `tap_major`, a tensor [KH, KW,
    C, F] computed at run time. `turn`, `planes`, `separate_partials` and the
    epilogue are as for tile.matmul. With i8 input and weights, the product runs in i8 and the
    padding holds `padding_value` (a quantized input's zero point), so that
    every output pixel meets the same number of zero-point terms.

    `on_vxm` (a depthwise convolution: one input and one output channel per
    group, constant weights) computes each output pixel vector on the VXM
    instead: the window's pixel vectors times a vector of each tap's weights,
    summed in the type the input is stored in, then widened to f32 for the
    epilogue; it then has no `turn` or `planes`. With `vxm_pixels`, only
    the first that many output pixels (row-major over N, OH, OW) are
    computed on the VXM and the rest as MXM products at the same time, which
    then need `turn` and `planes`.

    `segments` S (with `on_vxm`, every pixel on the VXM) computes S bands
    of image rows side by side in the lanes: the input is
    first moved so that vector (n, y, x) holds pixel (n, s B + y, x) in
    lanes [s C, (s + 1) C) for each s (B = ceil(H / S); rows past the image
    are padding), each output vector then computes S pixels, and they are
    moved back. The bands' rows must line up: B = stride * ceil(OH / S),
    and S divides H and OH unless `padding_value` is 0. A window row above
    or below a band is the neighbouring band's row, shifted C lanes over.
    With `banded_input` H, the input already holds the H-row image in those
    bands, [N, B, W, S C] (a tile.max_pool_transpose with `bands` makes it
    so), and is not moved.
  }];
  let arguments = (ins Tile_Tensor:$input, Tile_Tensor:$weights,
                       Variadic<Tile_Tensor>:$extras,
                       DenseI64ArrayAttr:$kernel, DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$pad_begin, I64Attr:$group,
                       UnitAttr:$transposed, UnitAttr:$tap_major,
                       DenseI32ArrayAttr:$steps, DenseF32ArrayAttr:$factors,
                       Tile_Turn:$turn, Tile_Planes:$planes,
                       DefaultValuedAttr<I64Attr, "0">:$padding_value,
                       UnitAttr:$on_vxm, OptionalAttr<I64Attr>:$vxm_pixels,
                       OptionalAttr<I64Attr>:$segments,
                       UnitAttr:$separate_partials,
                       OptionalAttr<I64Attr>:$banded_input);
  let results = (outs Tile_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $weights (`epilogue` `(` $extras^ `:` type($extras) `)`)?
    custom<Chain>($steps, $factors) attr-dict `:` type($input) `,`
    type($weights) `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The input image's [N, H, W, C], also when it is held in bands.
    std::array<int64_t, 4> getInputImage();
  }];
}

def Tile_Im2ColOp : Tile_Op<"im2col"> {
  let summary = "Each output pixel's window of a channels-first tensor as "
                "one row";
  let description = [{
    `input` is [N, C, H, W] and the result [N, OH, OW, KH * KW * C]: element
    (n, oy, ox, (ky * KW + kx) * C + c) is input element (n, c, y, x) of tap
    (ky, kx) of output pixel (oy, ox), zero in the padding. A convolution
    over few channels is then one product with a single K tile per output
    pixel instead of one per tap (tile-pack-conv-taps).

    On the MXM, in two steps. For each kx, every input row times constant
    selection tiles gives the row of what tap column kx reads for each
    output x (strides, dilations and padding included); or, when an input
    row and the output row fit a vector each and the stride leaves fewer
    phases than kernel columns, one product per phase (tile::ColumnPhases)
    and each kx that phase shifted on the SXM. Then for each
    output image row, the K rows its windows read are installed transposed
    and unit vectors stream through, one output pixel row each. `turn`
    applies to the first step; `planes` lists every install. The padding
    holds `padding_value` (i8 inputs only), as tile.conv's.

    With `tap_rows`, the result is [N, OH, KH * KW * C, OW] instead: row
    (n, oy, (ky * KW + kx) * C + c) holds what tap (ky, kx) of channel c
    reads for every output x of image row oy, as the first step made it
    (copied, or a row of the padding value). A product with that row block
    installed as weights makes an output image row's filters as rows (a
    convolution whose few channels and wide rows make the pixels' windows
    too costly to transpose, tile-pack-conv-taps); the second step's
    installs and unit vectors are not needed. With `segments` S, the result
    is [N, OH / S, K, S * OW]: image rows s * OH / S + p side by side in row
    block p, so that narrow rows fill the installs' columns (the padding
    value must be 0).
  }];
  let arguments = (ins Tile_Tensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$pad_begin, Tile_Turn:$turn,
                       Tile_Planes:$planes,
                       DefaultValuedAttr<I64Attr, "0">:$padding_value,
                       UnitAttr:$tap_rows,
                       DefaultValuedAttr<I64Attr, "1">:$segments);
  let results = (outs Tile_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The convolution's output image rows and columns, [OH, OW].
    std::array<int64_t, 2> getOutputSize();
  }];
}

def Tile_PackTapsOp : Tile_Op<"pack_taps"> {
  let summary = "Each pixel's window taps along one dimension side by side in lanes";
  let description = [{
    `input` is [N, H, W, C]. Along `dim` 2 (a window row), the result is
    [N, H, OW, taps * C]: element (n, y, ox, kx * C + c) is input element
    (n, y, ox * stride - pad_begin + kx * dilation, c). Along `dim` 1 (a
    window column), it is [N, OH, W, taps * C]: element (n, oy, x, ky * C + c)
    is input element (n, oy * stride - pad_begin + ky * dilation, x, c).
    Where that position is outside the input, the element is
    `padding_value` (i8 inputs only). A KH x KW convolution over C channels
    then reads KH K tiles of KW * C rows per output pixel (a KH x 1
    convolution of a window row's pack) instead of KH * KW tiles of C rows;
    packing that result's window columns too leaves a 1 x 1 convolution over
    KH * KW * C channels (tile-pack-taps).

    Each result vector is the input pixel vectors of the taps meeting its
    lanes (taps * C may span several vectors; C may not), moved to their
    lanes by SXM shifts and joined by VXM adds (their lanes never overlap,
    since padding lanes are zero and shifts fill with zeros); converted to
    the result's type, which may be a narrower float than the input's, as it
    is written.
  }];
  let arguments = (ins Tile_Tensor:$input, I64Attr:$dim, I64Attr:$taps,
                       I64Attr:$stride, I64Attr:$dilation, I64Attr:$pad_begin,
                       DefaultValuedAttr<I64Attr, "0">:$padding_value);
  let results = (outs Tile_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Tile_WinogradInputOp : Tile_Op<"winograd_input"> {
  let summary = "A 3x3 convolution's input tiles in Winograd's F(2x2, 3x3) "
                "domain";
  let description = [{
    `input` is [N, H, W, C]; the convolution (stride 1, dilation 1) pads it
    by `pad_begin` [top, left] and makes `output_size` [OH, OW] pixels, in
    T = N * ceil(OH / 2) * ceil(OW / 2) tiles of 2x2 (dialects/Tile/
    Winograd.h). The result is [16, T, C]: row (4 a + b, t) is position
    (a, b) of B^T d B, where d is the 4x4 input tile (zeros outside the
    input) whose top-left corner is (2 ty - top, 2 tx - left) for tile t =
    (n, ty, tx). Each result vector is one VXM chain over the four input
    pixel vectors it sums (coefficients +-1), converted to the result's
    type as it is written.
  }];
  let arguments = (ins Tile_Tensor:$input, DenseI64ArrayAttr:$pad_begin,
                       DenseI64ArrayAttr:$output_size);
  let results = (outs Tile_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Tile_WinogradOutputOp : Tile_Op<"winograd_output"> {
  let summary = "Output pixels from Winograd F(2x2, 3x3) products";
  let description = [{
    `input` is [16, T, F], the products of tile.winograd_input's rows with
    the transformed weights; the result is [N, OH, OW, F]: pixel (n, 2 ty +
    i, 2 tx + j) of tile t = (n, ty, tx) is the epilogue (steps over
    `extras`, as tile.conv's) of position (i, j) of A^T m A, m the tile's 4x4
    products (row 4 a + b of the input is position (a, b)). On the VXM in
    two stages: the rows of A^T m that the tile's pixels read, each a chain
    over three product vectors, staged in SRAM as f32; then each output
    vector a chain over three of those, and the epilogue.
  }];
  let arguments = (ins Tile_Tensor:$input, Variadic<Tile_Tensor>:$extras,
                       DenseI32ArrayAttr:$steps, DenseF32ArrayAttr:$factors);
  let results = (outs Tile_Tensor:$result);
  let assemblyFormat = [{
    $input (`epilogue` `(` $extras^ `:` type($extras) `)`)?
    custom<Chain>($steps, $factors) attr-dict `:` type($input) `->`
    type($result)
  }];
  let hasVerifier = 1;
}

def Tile_GlobalPoolOp : Tile_Op<"global_pool"> {
  let summary = "The mean of each image's pixels, on the MXM";
  let description = [{
    [N, H, W, C] to [N, 1, 1, C]: the pixels are installed as weight rows
    (lanes of them per tile) and a vector of 1 / (H W) streams through.
    `turn`, `planes` and `separate_partials` are as for tile.matmul.

    `on_vxm` sums the pixel vectors on the VXM instead, in f32: each image
    row's as a tree, as soon as that row exists, then the rows' sums as a
    tree, scaled by 1 / (H W). The installs wait for the last pixel, the
    trees for only one row's: behind an SE block's depthwise convolution
    the mean follows the last pixel a few adds later.
  }];
  let arguments = (ins Tile_Tensor:$input, Tile_Turn:$turn,
                       Tile_Planes:$planes, UnitAttr:$separate_partials,
                       UnitAttr:$on_vxm);
  let results = (outs Tile_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Windows, transposes and data movement
//===----------------------------------------------------------------------===//

def Tile_PoolOp : Tile_Op<"pool"> {
  let summary = "Max or mean over 2-D windows of a channels-last tensor";
  let description = [{
    A VXM chain over each window's pixel vectors (a chain, not a tree: reads
    from one buffer then come a VXM latency apart). Taps in the padding are
    left out; `average_with_padding` still counts them.
  }];
  let arguments = (ins Tile_Tensor:$input, Tile_PoolKind:$kind,
                       DenseI64ArrayAttr:$kernel, DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$pad_begin);
  let results = (outs Tile_Tensor:$result);
  let assemblyFormat = [{
    $kind $input attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tile_MaxPoolTransposeOp : Tile_Op<"max_pool_transpose"> {
  let summary = "Max pooling of an image held as filter rows, to channels last";
  let description = [{
    `input` is [N, P, F, S * W]: an [N, S * P, F, W] image of filter rows
    with S (`segments`) image rows side by side in each row's lanes, image
    row s * P + p in lanes [s * W, (s + 1) * W) of row p, as products of tap
    rows make it (tile.im2col's `tap_rows`). The result [N, OH, OW, F] is
    that image max-pooled like tile.pool (the windows clipped to the image;
    a 1x1 window only moves it) and moved to channels last.

    Per output row, each filter's row is the maximum of its window's image
    rows (SXM shifts bring them to lanes [0, W), VXM maxima), then, for each
    class of windows along the lanes (tile::LaneWindow), the maximum of each
    window at its first lane; those F rows are installed transposed on the
    MXM and the windows' unit vectors streamed through, one output pixel
    each (`planes` lists every install). Rows must fit a vector.

    With `bands` [S, OH], the result holds the OH output rows in S bands
    of B = ceil(OH / S) rows side by side, [N, B, OW, S F]: vector (n, b, x)
    holds pixel (n, s B + b, x) in lanes [s F, (s + 1) F), as a depthwise
    tile.conv with `segments` S computes them. One install then holds the
    filter rows of output rows b, B + b, ..., and each unit vector's
    product is a banded vector as it is.
  }];
  let arguments = (ins Tile_Tensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$pad_begin,
                       DefaultValuedAttr<I64Attr, "1">:$segments,
                       Tile_Planes:$planes,
                       OptionalAttr<DenseI64ArrayAttr>:$bands);
  let results = (outs Tile_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The image's rows and columns, [S * P, W].
    std::array<int64_t, 2> getImageSize();
    /// The output image's [N, OH, OW, F], also when it is held in bands.
    std::array<int64_t, 4> getOutputImage();
    /// The result's bands (1: none).
    int64_t getBandCount();
    /// The output rows (of one image) whose filter rows share each install,
    /// side by side: with bands, rows b, B + b, ... (a banded vector per
    /// product); else runs of consecutive rows, as many as fit `lanes` and
    /// leave an install for each of `planes` planes.
    llvm::SmallVector<llvm::SmallVector<int64_t, 8>>
    getInstallRows(int64_t lanes, int64_t planes);
  }];
}

def Tile_TransposeOp : Tile_Op<"transpose"> {
  let summary = "A permutation of dimensions";
  let description = [{
    One that keeps the innermost dimension copies whole rows. One that moves
    it runs on the MXM: input rows installed transposed, unit vectors
    streamed through, one output row per product (`planes` lists each
    install's plane).
  }];
  let arguments = (ins Tile_Tensor:$input, DenseI64ArrayAttr:$perm,
                       Tile_Planes:$planes);
  let results = (outs Tile_Tensor:$result);
  let assemblyFormat = "$input $perm attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
  let extraClassDeclaration = [{
    /// Whether the innermost dimension moves (a transpose on the MXM).
    bool movesLanes();
  }];
}

def Tile_GatherOp : Tile_Op<"gather"> {
  let summary = "Every output element copies one input element, or padding";
  let description = [{
    For input dimension d, the index is `tables[d]` at the flat index of
    output dimensions [first[d], first[d] + count[d]) (count 0: a table of
    one entry). A table entry of -1 is padding: zero, or the scalar
    `padding`. Slices, broadcasts, tiling, padding, gathers with constant
    indices and nearest resizing are such maps. Each output vector gathers
    its runs of consecutive input elements with SXM shifts and VXM adds.
  }];
  let arguments = (ins Tile_Tensor:$input, Optional<Tile_Tensor>:$padding,
                       DenseI64ArrayAttr:$first, DenseI64ArrayAttr:$count,
                       TypedArrayAttrBase<DenseI64ArrayAttr, "index tables">:$tables);
  let results = (outs Tile_Tensor:$result);
  let assemblyFormat = [{
    $input (`padding` $padding^ `:` type($padding))? attr-dict `:`
    type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tile_LookupOp : Tile_Op<"lookup"> {
  let summary = "Rows of a table picked by indices known only at run time";
  let description = [{
    `result[i..., :] = table[indices[i...], :]` for a [V, D] table and i32
    indices in [0, V): an embedding lookup, ONNX Gather on axis 0. An index
    outside the table is a fault at run time. Each result row is gathered
    by the MEM slices from the index broadcast to every lane: one gather
    per row vector and block of the table's rows (`tile.split_rows` on the
    table, which tile-assign-layout sets so a block fits a slice), the
    blocks' vectors added on the VXM.
  }];
  let arguments = (ins Tile_Tensor:$table, Tile_Tensor:$indices);
  let results = (outs Tile_Tensor:$result);
  let assemblyFormat = [{
    $table `[` $indices `]` attr-dict `:` type($table) `,` type($indices)
    `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tile_GatherElementsOp : Tile_Op<"gather_elements"> {
  let summary = "Elements picked along an axis by indices known only at run time";
  let description = [{
    `result[p] = data[p with p[axis] = indices[p]]` for i32 indices in
    [0, data's dimension `axis`): ONNX GatherElements along any axis but the
    innermost, whose lanes stay in place. The indices have the data's rank,
    no larger dimensions but along the axis, and the data's innermost one.
    An index outside faults at run time. Each result vector is one MEM
    gather whose lanes take their own indices' entries along the axis: the
    data's rows for one index of the dimensions before the axis lie in one
    block on one slice (`tile.split_rows`, which tile-assign-layout sets).
  }];
  let arguments = (ins Tile_Tensor:$data, Tile_Tensor:$indices,
                       I64Attr:$axis);
  let results = (outs Tile_Tensor:$result);
  let assemblyFormat = [{
    $data `[` $indices `]` `axis` $axis attr-dict `:` type($data) `,`
    type($indices) `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Rows of the data for one index of the dimensions before the axis.
    int64_t getBlockRows();
  }];
}

def Tile_ScatterRowsOp : Tile_Op<"scatter_rows",
                                 [AllTypesMatch<["data", "result"]>]> {
  let summary = "A table with rows replaced at indices known only at run time";
  let description = [{
    `result = data`, then `result[rows[n], :] = updates[n, :]` for a [R, D]
    table and i32 row indices in [0, R) (an index outside faults at run
    time): ONNX ScatterND of whole rows, a KV cache's new position. Each
    update row is scattered by the MEM slices, one scatter per row vector
    and block of the result's rows, from its index broadcast to every lane.
    With `columns` (i32, [N]) each update is one element, [N, 1]:
    `result[rows[n], columns[n]] = updates[n, 0]`, the row gathered, the
    element blended in at its lane and the row scattered back, update by
    update (a column outside [0, D) faults too).
    When the result is the state of `data` (a graph output in the same SRAM)
    only the updated rows are written.
  }];
  let arguments = (ins Tile_Tensor:$data, Tile_Tensor:$rows,
                       Tile_Tensor:$updates,
                       Optional<Tile_Tensor>:$columns);
  let results = (outs Tile_Tensor:$result);
  let assemblyFormat = [{
    $data `[` $rows `]` `=` $updates (`columns` $columns^ `:`
    type($columns))? attr-dict `:` type($data) `,` type($rows) `,`
    type($updates)
  }];
  let hasVerifier = 1;
}

def Tile_ReshapeOp : Tile_Op<"reshape"> {
  let summary = "The same elements in the same order, another shape";
  let description = [{
    Output row r holds flat elements [r L, (r + 1) L): when the innermost
    dimension stays, a copy of each vector; otherwise each output vector
    gathers segments of the input vectors that hold its elements.
  }];
  let arguments = (ins Tile_Tensor:$input);
  let results = (outs Tile_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
  let extraClassDeclaration = [{
    /// Whether the innermost dimension stays: every row is kept, so the
    /// result can be the input's SRAM.
    bool keepsRows();
  }];
}

def Tile_ConcatOp : Tile_Op<"concat"> {
  let summary = "Inputs joined along one axis";
  let arguments = (ins Variadic<Tile_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Tile_Tensor:$result);
  let assemblyFormat = [{
    $inputs `axis` $axis attr-dict `:` functional-type($inputs, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

def Tile_ReduceRowsOp : Tile_Op<"reduce_rows"> {
  let summary = "Each row reduced into one value, times `scale`";
  let description = [{
    [..., L] to [..., 1], or to [..., L] with the row's value in each of its
    elements (tile-broadcast-reductions), so the element-wise maps that
    spread it over rows read it vector by vector. `strategy`: `mxm_sum`
    installs one weight row of `scale`s transposed and sums a vector per
    product (row-wide: `scale` in the array's first L columns, so a product
    leaves the sum in every lane of the row); `mxm_extremum`
    installs blocks of rows transposed and streams unit vectors, keeping the
    extremum on the VXM (elements must be finite); `shift_tree` folds the
    lanes with log2(lanes) shift-and-combine steps staged in SRAM.
  }];
  let arguments = (ins Tile_Tensor:$input, Tile_ReduceKind:$kind,
                       DefaultValuedAttr<F32Attr, "1.0f">:$scale,
                       OptionalAttr<Tile_RowStrategyAttr>:$strategy,
                       Tile_Planes:$planes);
  let results = (outs Tile_Tensor:$result);
  let assemblyFormat = "$kind $input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Whether every element of a result row holds the row's value (the
    /// result keeps the input's shape).
    bool broadcasts();
  }];
}

def Tile_ReduceLeadingOp : Tile_Op<"reduce_leading"> {
  let summary = "Leading (not innermost) axes reduced lane-wise";
  let description = [{
    Each output row is a VXM chain over the input rows that differ only
    along `axes`; the result keeps them as size 1.
  }];
  let arguments = (ins Tile_Tensor:$input, Tile_ReduceKind:$kind,
                       DenseI64ArrayAttr:$axes);
  let results = (outs Tile_Tensor:$result);
  let assemblyFormat = [{
    $kind $input $axes attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

#endif // LPU_DIALECT_TILE_OPS
