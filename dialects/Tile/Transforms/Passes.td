//===- Passes.td - tile dialect passes ---------------------*- tablegen -*-===//
//
// The decisions between a graph and its instructions, one pass each, in
// pipeline order. Each reads the chip from the module's `tile.target`.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_DIALECT_TILE_PASSES
#define LPU_DIALECT_TILE_PASSES

include "mlir/Pass/PassBase.td"

def AssignLayout : Pass<"tile-assign-layout", "::mlir::func::FuncOp"> {
  let summary = "Channels-last regions with as few transposes as possible";
  let description = [{
    Convolutions and pooling work channels last, and the conversion from
    ONNX wraps each in transposes from and back to NCHW. This pass moves each
    transpose down through element-wise maps whose other operands are
    transposed the same way, constants (transposed at compile time) or
    scalars, then folds transposes of transposes and merges equal ones, so a
    chain of spatial ops and the element-wise work between them (bias,
    activations, residual adds) stays channels last. A product whose B is a
    transpose on the MXM that swaps B's two innermost dimensions takes the
    transpose's input instead, permuted only by rows if at all, with
    `transpose_b` (installed transposed). A tensor read by a
    spatial op is then stored split into parts of whole image rows on
    different MEM slices (`tile.split_rows`), so the rows a window reads come
    from several slices at once. A lookup table is split into blocks of
    rows of at most half a slice each, one MEM gather per block;
    GatherElements' data into blocks of the rows one gather reaches (those
    along the axis for one index of the dimensions before it).
  }];
}

def PackConvTaps : Pass<"tile-pack-conv-taps", "::mlir::func::FuncOp"> {
  let summary = "Convolutions over few channels as one K tile per pixel";
  let description = [{
    A convolution makes one product per output pixel and kernel tap, each
    with a K tile of only C of the lanes: a 7x7 stem over 3 channels makes 49
    products per pixel that use 3 of 320 lanes. When all KH * KW * C values
    of a window fit in one K tile and the input exists channels first (a
    graph input, transposed for the convolution), this pass rewrites the
    convolution into a tile.im2col of the channels-first input, which packs
    each window into one row, and a tile.matmul of those rows with the
    weights reordered to [KH * KW * C, F], keeping the epilogue. It does so
    only where the MXM work it estimates (products, weight rows and the
    packing itself) is less than the convolution's.

    Transposing each output pixel's window into a row costs a product per
    pixel; with fewer filters than output columns, a product per filter and
    output image row is cheaper: tile.im2col with `tap_rows` gives each
    output image row's tap rows, a batched tile.matmul of the weights [F, K]
    with them makes the filters as rows ([N, OH, F, OW]), and a transpose
    puts them channels last. The transpose moves i8 values, or f16 (bf16)
    ones that only such products read (an f32 one moves in parts; rounding
    commutes with max); an i8 one only before a max pool. A pool's image
    rows pool first (the transpose then moves half the rows after a stride
    of 2) and its columns after: the element-wise maps between the convolution and the
    first i8 result (a dequantization, a requantization), whose operands
    are the same for every pixel, go along in the row layout, their
    per-filter operands as [1, 1, F, OW] rows. ResNet-50's int8 stem: 33,184
    MXM cycles -> 22,001.

    Windows as rows can also serve several neighbouring output pixels at
    once when their filters leave most of the array's columns idle and
    their windows together fit the lanes: the convolution first becomes one
    of pixel groups (dialects/Tile/Transforms/PixelGroups.h, as in
    tile-pack-taps), whose window spans the group's input columns and whose
    stride is the group's; a tile.gather then gives each pixel its own
    vector. ResNet's 7x7 stem over 3 channels makes 5 pixels per i8
    product (a window of 15 columns, 315 rows, 320 filter columns), a
    MobileNet's 3x3 stride-2 stem into 32 filters 8 pixels per f16 one.
    Per convolution the estimate picks the group size (or none) with the
    fewest cycles, the MXM's over its planes or the gather's shifts over
    the SXM queues, and compares that with tap rows.
  }];
  let options = [
    Option<"tapRows", "tap-rows", "bool", /*default=*/"true",
           "Make few-filter convolutions as filter rows">,
    Option<"maxPixels", "max-pixels", "int64_t", /*default=*/"0",
           "Most output pixels per row of windows; 0: as many as fit, 1: "
           "none grouped">,
  ];
}

def PackTaps : Pass<"tile-pack-taps", "::mlir::func::FuncOp"> {
  let summary = "Convolutions over few channels with a window's taps per K tile";
  let description = [{
    A KH x KW convolution over C channels makes KH * KW products per output
    pixel, each with a K tile of only C rows: a 3x3 convolution over 64
    channels (ResNet's first stage) uses a fifth of the array nine times.
    This pass puts tile.pack_taps before such a convolution, which lays each
    pixel's taps along a window row (or column) side by side in lanes (SXM
    shifts and VXM adds, over as many vectors as they need), and makes the
    convolution one with a single tap along that dimension over taps * C
    channels, the weights reordered to match. Packing a window row's pack
    along columns too leaves a 1 x 1 convolution over KH * KW * C channels.
    Over 64 channels that is 3 i8 products per pixel instead of 9 (rows),
    and 4 f16 ones instead of 6 (rows and columns, 576 rows in K windows of
    160); over 128 channels 4 i8 products instead of 9 (rows and columns:
    1,152 rows in 4 windows, where rows alone took 6; the columns' pack
    then packs pixels of 384 lanes, two vectors each).

    A product can also make several neighbouring output pixels at once when
    few filters leave most of the array's columns idle: a 3x3 convolution
    of 64 channels into 64 packs the 5 input columns that 3 neighbouring
    outputs read (tile.pack_taps along W with 3 strides per result), and
    weights whose 192 columns are the 3 pixels' filters make them in one
    product per window row: 1 i8 product per pixel instead of 3. A
    tile.gather then moves each pixel's filters to its own vector (an SXM
    shift for all but a group's first). The epilogue steps before its
    first operand computed at run time (a residual) must combine constants
    the same for every pixel (they repeat per pixel); the rest run after
    the gather, as a tile.map. The node's own work stays on the product as
    `tile.model_work` for the physical floor.

    A 3x3 float convolution with stride and dilation 1 may instead take
    Winograd's F(2x2, 3x3) form (dialects/Tile/Winograd.h): a
    tile.winograd_input of its 4x4 input tiles, a tile.matmul of each of the
    16 positions with the weights transformed at compile time ([16 C, F],
    batch p is rows [p T, (p + 1) T) of the T tiles), and a
    tile.winograd_output with the epilogue: 16 products per 4 output pixels
    instead of 9 per pixel, for VXM sums on both sides.

    Per convolution it tries rows, columns, both, pixel groups of every
    size that fits, Winograd's form, or nothing, and keeps the one with the
    fewest cycles: the longest of its MXM cycles per plane and its packs'
    (and unpack's, and transforms') SXM and VXM cycles per queue (a pack
    streams its rows to the products), plus two thirds of the chip's width
    in cycles per pack, the pass through SRAM the products wait for. Over
    256 channels packing the columns too would save 1 of 9 K windows per
    pixel, less than that pass costs on a 14x14 layer: ResNet-18 int8 in
    the QDQ form 18,667 -> 18,169 cycles, ResNet-50 int8 40,692 -> 39,982
    (ResNet-18 fp16 42,511 -> 42,814).
  }];
  let options = [
    Option<"maxPixels", "max-pixels", "int64_t", /*default=*/"0",
           "Most output pixels per product; 0: as many as fit, 1: none grouped">,
    Option<"winograd", "winograd", "bool", /*default=*/"true",
           "Consider Winograd's F(2x2, 3x3) for 3x3 float convolutions">,
  ];
}

def FuseElementwise : Pass<"tile-fuse-elementwise", "::mlir::func::FuncOp"> {
  let summary = "Fold element-wise maps into the op whose result they consume";
  let description = [{
    A tile.map that is the only reader of a product's, a convolution's or
    another map's result, does not broadcast it, reads it once and whose
    other operands exist before that op, becomes part of that op's chain:
    a bias, an activation or a residual add is then computed on the VXM on
    the way from the MXM (or from the previous chain) into SRAM, and the
    intermediate tensor never exists. Results that are graph outputs are
    kept.

    First, a chain that never decreases with its running value (adds,
    max, min, relu, products and quotients by constants at least zero,
    operands the same over a pool's windows) moves from before a max pool
    that alone reads it to after it: max commutes with it, and it then runs
    on the pooled pixels only (a quarter of them after ResNet's stem).
    And a reshape that only adds leading size-1 dimensions to a map's or
    product's result that nothing else reads goes: the producer gives that
    shape itself, so a residual add after torch's [S, D] -> [1, S, D] can
    join an output projection. A map that alone reads the tile.gather that
    unpacks pixel groups (PixelGroups.h) moves before the gather: it then
    joins the groups' product and runs on a pixels-th as many vectors
    (MobileNetV2 int8's stem quantization). Its constant operands must be
    the same for every pixel (repeated per pixel); a tensor of pixels
    computed at run time (a residual) is read as the groups it unpacks, or
    gathered into groups once. Maps move until none can, so consecutive
    residual blocks keep their groups from one to the next. A max pool
    that alone reads such a gather pools its window rows on the groups and
    its window columns after the unpacking (max is separable): ResNet's
    stem pools rows with 2 maxima per vector of 5 pixels.

    After fusing, a map of one combining step (x - mean) that several maps
    continue, and nothing else reads, is computed again in each of them,
    which then join it; the maps fuse once more. A layer normalization's
    x - mean then never goes through SRAM: its square and the division by
    the deviation each subtract the mean themselves (one VXM instruction
    per vector more, a write, a read and a trip fewer). Maps that joined a
    producer first (a product's bias) are not copied.

    Then, still before fusing, a tile.pack_taps along W of such an
    unpacking that only packings read becomes one tile.gather of the
    groups, and the unpacking goes: a
    window's neighbouring pixels are already side by side in a group, so
    each packed vector takes a few runs of lanes instead of a shift per
    tap, and no pixel's vector is written. Run again after tile-pack-taps,
    whose pixel groups these rewrites then keep from one 3x3 convolution
    to the next: ResNet-18 int8 in the onnxruntime QDQ form 20,890 ->
    19,290 cycles, in ours (f32 residuals) 25,232 -> 23,699.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def SimplifyChains : Pass<"tile-simplify-chains", "::mlir::func::FuncOp"> {
  let summary = "Simplify quantizing chains: redundant clamps, affine runs";
  let description = [{
    A chain whose result is i8 ends in a conversion that rounds to nearest
    even and saturates to [-128, 127]. A relu, or a max or min with a
    constant, before it changes nothing when the bound, carried through the
    later steps (adds and subtracts of constants, multiplies and divides by
    positive ones, other clamps: all monotone), rounds to -128 or 127 or
    beyond for every element: a quantized ReLU whose zero point is -128, a
    ReLU6 whose 6 quantizes to 127. Such a step is removed, and with it its
    operand when nothing else reads it. Results are the same bits; each
    output vector takes one or two VXM instructions fewer.

    Then each run of three or more affine steps with constant operands
    (adds, subtracts, multiplies, divides, immediate scales) becomes one
    multiply and one add composed at compile time: a requantizing epilogue
    (y * s + b) / o + z becomes y * (s / o) + (b / o + z), two VXM
    instructions fewer per output vector. This reassociates binary32
    arithmetic, so a value at a rounding tie may land one quantization step
    away.
  }];
}

def StoreProductInputs
    : Pass<"tile-store-product-inputs", "::mlir::func::FuncOp"> {
  let summary = "Store tensors only products read in the products' type";
  let description = [{
    A product rounds its streamed input to the type it multiplies in (f16 or
    bf16, the module's `tile.precision`) on the way to the MXM: a VXM
    conversion for every read. When a tensor computed by a convolution, a
    matrix product, an element-wise map or a tile.pack_taps is read
    only as the input of products in that type (directly, or through a
    tile.pack_taps or a tile.gather without padding that only such products
    read), this pass gives it that type instead (and so the moves): the
    producer rounds each vector once as it writes it, each read moves half
    the bytes on streams and bank ports, and the products compute on the
    same values as before. Graph outputs keep their types; with f32 products
    nothing changes.
  }];
}

def BroadcastReductions
    : Pass<"tile-broadcast-reductions", "::mlir::func::FuncOp"> {
  let summary = "Row reductions kept as wide as the rows they are spread over";
  let description = [{
    A row reduction gives one value per row, [..., 1], and the maps that
    combine it with the rows it came from (x - mean, e / sum) spread it over
    each row with an SXM `distribute` per output vector: the SXM, four
    units on lpu-v1, was the bound of a transformer's softmax. When every
    reader of the reduction (through maps of such values and splats, and
    reshapes of leading dimensions) is such a map, the reduction and those
    values become [..., L], the row's value in each element: a row sum on
    the MXM installs `scale` in L array columns and leaves the sum in every
    lane at no extra cost, an extremum or a shift tree distributes its
    result over the row once, and the maps read the operand vector by
    vector. A map of row values then computes on vectors as wide as the
    rows, which costs the same instructions. Only rows of up to a vector:
    a wider row's value would be read back for each further vector, and the
    layer normalizations of ViT-B/16 (768 wide) made it 0.9% slower.
  }];
}

def ChooseTiling : Pass<"tile-choose-tiling", "::mlir::func::FuncOp"> {
  let summary = "Cut products and reductions for the machine";
  let description = [{
    Sets, for every matrix product, convolution and global pooling, how many
    K tiles are installed at once on distinct planes (`turn`: every plane,
    so partial sums flow plane to plane on the streams; a product streaming
    another's results, directly or through element-wise maps, from a
    producer of at least as many rows, that fits one turn on the planes the
    other's last turn leaves idle takes only those, to run beside it); which
    unit computes
    a depthwise convolution of float values (`on_vxm`: multiply-adds on the
    VXM, when those take fewer issue cycles over the VXM queues than its
    taps' products over the MXM planes at the type's rate); whether a constant
    right operand is stored tile by tile (`packed_weights`, so a tile's rows
    are consecutive and tiles spread over slices); whether a product's turns
    (and a global pooling's) keep their partial sums apart
    (`separate_partials`: when streaming its
    rows through a turn takes less than a partial sum's way from the turn's
    first plane across the chip and back through SRAM, turn latencies times
    products plus twice the columns plus a write and a read; such a product
    whose rows stream in one cycle, i8 on lpu-v1, takes turns of two planes);
    and, for every
    row reduction, which units do it (`strategy`: sums on the MXM, maxima
    and minima on the MXM when there are enough rows or one install holds a
    row, else a shift tree).

    With `op-by-op`, the benchmarks' baseline: one K tile per turn (partial
    sums through SRAM), weights read where the graph stores them, every
    convolution on the MXM, and every row reduction as a shift tree.
  }];
  let options = [
    Option<"opByOp", "op-by-op", "bool", /*default=*/"false",
           "The foundation's choices (benchmark baseline)">,
  ];
}

def BandHandoffs : Pass<"tile-band-handoffs", "::mlir::func::FuncOp"> {
  let summary = "Transposes that write a depthwise convolution's bands";
  let description = [{
    A depthwise convolution on the VXM in S bands (`segments`, chosen by
    tile-choose-tiling) first moves its input so that each vector holds S
    pixels, one per band: a read, a shift and an add per pixel. When that
    input is a tile.max_pool_transpose that nothing else reads (a stem's
    filters as rows moved to channels last) and S times its filters fit
    the lanes, the transpose writes the bands itself (`bands` [S, OH]):
    each install holds the filter rows of the output rows b, B + b, ...,
    so each unit vector's product is a banded vector as it is: no pixel is
    split out of a product (a shift and a write each) or moved into a band
    (a read, a shift and an add each), MobileNetV2's stem in 10 bands. The
    convolution then reads them as they are (`banded_input` H).
  }];
}

def AssignPlanes : Pass<"tile-assign-planes", "::mlir::func::FuncOp"> {
  let summary = "Give every weight install an MXM plane";
  let description = [{
    Walks the MXM work in program order and gives each weight install the
    plane with the least work so far (weight rows loaded plus rows streamed;
    the loads run on the plane's own weight queue, but balancing the two
    queues apart measured slower: ResNet-50 int8 47,308 -> 48,285 cycles,
    ResNet-18 fp16 65,696 -> 66,621); the K tiles of one turn go to
    distinct planes, the largest tile to the least loaded. A row sum's
    windows, whose products add up one after another, prefer planes on the
    side of the least loaded (each partial otherwise crosses the chip:
    gpt2's decode step 41,857 -> 38,375 cycles). Sets `planes` on every op
    that uses the MXM, in the order its expansion installs weights.
  }];
}

def CheckCapacity : Pass<"tile-check-capacity", "::mlir::func::FuncOp"> {
  let summary = "Refuse a program that cannot fit the target's SRAM";
  let description = [{
    Before any instruction exists: the weights as the expansion stores them
    (packed tile by tile for products and convolutions, grouped
    convolutions' all-zero tiles left out, other constants in their own
    layout, each once) plus the most SRAM the op results live at the same
    time need (in program order; graph inputs from the start, outputs to the
    end, a reshape that keeps rows sharing its input's), in the target's
    vectors. Expansion needs at least that much, so a program over the
    target's capacity is refused here, in one line naming the three
    figures, instead of after millions of instructions.
  }];
}

def AllocateSRAM : Pass<"tile-allocate-sram", "::mlir::func::FuncOp"> {
  let summary = "Give the graph's tensors and constants MEM slices and addresses";
  let description = [{
    Places, by the rule lpu-allocate-sram also follows
    (dialects/LPU/Machine/SlicePlacer.h) and in the order the expansion
    creates buffers: the identity transposes on the MXM, row extrema and
    im2col stream unit vectors from (`tile.identity_sram` on the function);
    graph inputs; each op's constants, weight tiles of a packed product or a
    convolution one per install next to the plane that installs it
    (`tile.weight_sram` on the op), other constants whole (`tile.sram` on
    the constant); then op results by birth (`tile.sram` on the op, or on
    the function's result for one computed into a graph output; a reshape
    that keeps rows is its input's tensor, dialects/Tile/Storage.h).

    A tensor lives from the op that writes it to the last op that reads it
    (constants from the start, outputs to the end); its traffic is
    estimated from the ops as their expansion reads. Placements are
    `array<i32: slice, address, ...>`, one pair per part. The expansion
    keeps them, and lpu-allocate-sram places only what the expansion adds.
    What does not fit is left to lpu-allocate-sram, which reports the
    shortfall.
  }];
}

#endif // LPU_DIALECT_TILE_PASSES
