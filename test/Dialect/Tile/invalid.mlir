// RUN: lpu-opt %s -split-input-file -verify-diagnostics
// The tile verifiers reject malformed ops with a message naming the fault.

func.func @chain_start(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{a chain starts with one operand (`inN`) and only there}}
  %0 = tile.map(%a) [relu] : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @chain_operand(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{chain step 1 names operand 1 of 1}}
  %0 = tile.map(%a) [in0, add in1] : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @broadcast(%a: tensor<3xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{operand of type 'tensor<3xf32>' does not broadcast to 'tensor<2x4xf32>'}}
  %0 = tile.map(%a) [in0] : (tensor<3xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @unknown_step(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{unknown chain step 'cube'}}
  %0 = tile.map(%a) [in0, cube] : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @epilogue_start(%a: tensor<4x8xf32>, %w: tensor<8x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{an epilogue continues the product's value: no step may start a chain}}
  %0 = tile.matmul %a, %w [in0] {batches = array<i64: 0, 0, 0>, k = 8 : i64, m = 4 : i64, n = 8 : i64} : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @batch_outside(%a: tensor<4x8xf32>, %w: tensor<8x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{batch 1 is outside its operands}}
  %0 = tile.matmul %a, %w [] {batches = array<i64: 0, 0, 0, 2, 0, 2>, k = 8 : i64, m = 4 : i64, n = 8 : i64} : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @conv_weights(%x: tensor<1x4x4x3xf32>, %w: tensor<5x2x3x3xf32>) -> tensor<1x4x4x5xf32> {
  // expected-error @+1 {{weights must be [5, 3, 3, 3]}}
  %0 = tile.conv %x, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x4x4x3xf32>, tensor<5x2x3x3xf32> -> tensor<1x4x4x5xf32>
  return %0 : tensor<1x4x4x5xf32>
}

// -----

func.func @conv_group(%x: tensor<1x4x4x3xf32>, %w: tensor<4x1x3x3xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error @+1 {{group 2 does not divide the 3 input and 4 output channels}}
  %0 = tile.conv %x, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 2 : i64} : tensor<1x4x4x3xf32>, tensor<4x1x3x3xf32> -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

func.func @transpose_perm(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{`perm` must name every dimension once}}
  %0 = tile.transpose %x [0, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @gather_table(%x: tensor<4xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{the table of dimension 0 has index 4 outside 0..3}}
  %0 = tile.gather %x {first = array<i64: 0>, count = array<i64: 1>, tables = [array<i64: 0, 4>]} : tensor<4xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @gather_length(%x: tensor<4xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{the table of dimension 0 needs 2 entries}}
  %0 = tile.gather %x {first = array<i64: 0>, count = array<i64: 1>, tables = [array<i64: 0>]} : tensor<4xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @reshape_size(%x: tensor<4xf32>) -> tensor<5xf32> {
  // expected-error @+1 {{keeps the number of elements}}
  %0 = tile.reshape %x : tensor<4xf32> -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @concat_sum(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> tensor<2x7xf32> {
  // expected-error @+1 {{the inputs add up to 6 along the axis, not 7}}
  %0 = tile.concat %a, %b axis 1 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x7xf32>
  return %0 : tensor<2x7xf32>
}

// -----

func.func @rows(%x: tensor<4x8xf32>) -> tensor<4x2xf32> {
  // expected-error @+1 {{the result keeps every dimension but the last, which is 1}}
  %0 = tile.reduce_rows sum %x : tensor<4x8xf32> -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @leading(%x: tensor<4x8xf32>) -> tensor<4x1xf32> {
  // expected-error @+1 {{axes must be increasing leading dimensions}}
  %0 = tile.reduce_leading sum %x [1] : tensor<4x8xf32> -> tensor<4x1xf32>
  return %0 : tensor<4x1xf32>
}

// -----

func.func @split(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'tile.split_rows' is a positive row count on an op with one tensor result}}
  %0 = tile.map(%x) [in0] {tile.split_rows = 0 : i64} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @model_work(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'tile.model_work' is array<i64: macs, weight elements> on a tile.matmul or tile.conv}}
  %0 = tile.map(%x) [in0] {tile.model_work = array<i64: 32, 8>} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// expected-error @+1 {{'tile.target' names a target on a module}}
func.func @target() attributes {tile.target = "lpu-v1"} {
  return
}

// -----

func.func @im2col_width(%x: tensor<1x3x4x4xf32>) -> tensor<1x4x4x9xf32> {
  // expected-error @+1 {{the result must be [N, OH, OW, KH * KW * C] for an [N, C, H, W] input}}
  %0 = tile.im2col %x {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>} : tensor<1x3x4x4xf32> -> tensor<1x4x4x9xf32>
  return %0 : tensor<1x4x4x9xf32>
}

// -----

func.func @im2col_tap_rows(%x: tensor<1x3x4x4xf32>) -> tensor<1x4x4x27xf32> {
  // expected-error @+1 {{with `tap_rows`, the result must be [N, OH, KH * KW * C, OW] for an [N, C, H, W] input}}
  %0 = tile.im2col %x {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, tap_rows} : tensor<1x3x4x4xf32> -> tensor<1x4x4x27xf32>
  return %0 : tensor<1x4x4x27xf32>
}

// -----

func.func @pack_taps_width(%x: tensor<1x4x4x3xf32>) -> tensor<1x4x4x6xf32> {
  // expected-error @+1 {{the result must be [N, H, OW, taps * C] for an [N, H, W, C] input packed along W}}
  %0 = tile.pack_taps %x {dim = 2 : i64, taps = 3 : i64, stride = 1 : i64, dilation = 1 : i64, pad_begin = 1 : i64} : tensor<1x4x4x3xf32> -> tensor<1x4x4x6xf32>
  return %0 : tensor<1x4x4x6xf32>
}

// -----

func.func @pack_taps_stride(%x: tensor<1x4x4x3xf32>) -> tensor<1x4x4x9xf32> {
  // expected-error @+1 {{needs taps, stride and dilation of at least 1 and a padding of at least 0}}
  %0 = tile.pack_taps %x {dim = 2 : i64, taps = 3 : i64, stride = 0 : i64, dilation = 1 : i64, pad_begin = 1 : i64} : tensor<1x4x4x3xf32> -> tensor<1x4x4x9xf32>
  return %0 : tensor<1x4x4x9xf32>
}

// -----

func.func @pack_taps_type(%x: tensor<1x4x4x3xf16>) -> tensor<1x4x4x9xf32> {
  // expected-error @+1 {{may only narrow a float input's type}}
  %0 = tile.pack_taps %x {dim = 2 : i64, taps = 3 : i64, stride = 1 : i64, dilation = 1 : i64, pad_begin = 1 : i64} : tensor<1x4x4x3xf16> -> tensor<1x4x4x9xf32>
  return %0 : tensor<1x4x4x9xf32>
}

// -----

func.func @pack_taps_padding(%x: tensor<1x4x4x3xf32>) -> tensor<1x4x4x9xf32> {
  // expected-error @+1 {{pads with a value other than 0 only in i8}}
  %0 = tile.pack_taps %x {dim = 2 : i64, taps = 3 : i64, stride = 1 : i64, dilation = 1 : i64, pad_begin = 1 : i64, padding_value = 3 : i64} : tensor<1x4x4x3xf32> -> tensor<1x4x4x9xf32>
  return %0 : tensor<1x4x4x9xf32>
}

// -----

func.func @int8_by_float(%x: tensor<2x16xi8>, %w: tensor<16x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{multiplies i8 only by i8: operands of types 'tensor<2x16xi8>' and 'tensor<16x4xf32>'}}
  %0 = tile.matmul %x, %w [] {batches = array<i64: 0, 0, 0>, k = 16 : i64, m = 2 : i64, n = 4 : i64} : tensor<2x16xi8>, tensor<16x4xf32> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @float_padding_value(%x: tensor<1x4x4x3xf32>, %w: tensor<5x3x3x3xf32>) -> tensor<1x4x4x5xf32> {
  // expected-error @+1 {{pads with a value other than 0 only in i8}}
  %0 = tile.conv %x, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64, padding_value = 3 : i64} : tensor<1x4x4x3xf32>, tensor<5x3x3x3xf32> -> tensor<1x4x4x5xf32>
  return %0 : tensor<1x4x4x5xf32>
}

// -----

func.func @padding_value_range(%x: tensor<1x4x4x3xi8>, %w: tensor<5x3x3x3xi8>) -> tensor<1x4x4x5xf32> {
  // expected-error @+1 {{padding value 200 is not an i8 value}}
  %0 = tile.conv %x, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64, padding_value = 200 : i64} : tensor<1x4x4x3xi8>, tensor<5x3x3x3xi8> -> tensor<1x4x4x5xf32>
  return %0 : tensor<1x4x4x5xf32>
}

// -----

func.func @vxm_turn(%x: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
  %w = arith.constant dense<1.0> : tensor<8x1x3x3xf32>
  // expected-error @+1 {{on the VXM must be depthwise (group = input = output channels), with constant weights and no `turn` or `planes` unless it shares its pixels with the MXM}}
  %0 = tile.conv %x, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 8 : i64, on_vxm, turn = 2 : i64} : tensor<1x4x4x8xf32>, tensor<8x1x3x3xf32> -> tensor<1x4x4x8xf32>
  return %0 : tensor<1x4x4x8xf32>
}

// -----

func.func @vxm_pixels_all(%x: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
  %w = arith.constant dense<1.0> : tensor<8x1x3x3xf32>
  // expected-error @+1 {{vxm_pixels 16 must be on a VXM convolution and between 1 and 15 (the pixels but one)}}
  %0 = tile.conv %x, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 8 : i64, on_vxm, turn = 2 : i64, vxm_pixels = 16 : i64} : tensor<1x4x4x8xf32>, tensor<8x1x3x3xf32> -> tensor<1x4x4x8xf32>
  return %0 : tensor<1x4x4x8xf32>
}

// -----

func.func @vxm_pixels_mxm(%x: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
  %w = arith.constant dense<1.0> : tensor<8x1x3x3xf32>
  // expected-error @+1 {{vxm_pixels 4 must be on a VXM convolution and between 1 and 15 (the pixels but one)}}
  %0 = tile.conv %x, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 8 : i64, turn = 2 : i64, vxm_pixels = 4 : i64} : tensor<1x4x4x8xf32>, tensor<8x1x3x3xf32> -> tensor<1x4x4x8xf32>
  return %0 : tensor<1x4x4x8xf32>
}

// -----

// 4 bands of 2 rows would leave the last one empty.
func.func @segments_empty_band(%x: tensor<1x6x4x8xf32>) -> tensor<1x6x4x8xf32> {
  %w = arith.constant dense<1.0> : tensor<8x1x3x3xf32>
  // expected-error @+1 {{segments 4 must cut the input and output heights (6, 6) into bands whose rows line up (ceil(H / S) = stride * ceil(OH / S)), exactly when the padding is not zero}}
  %0 = tile.conv %x, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 8 : i64, on_vxm, segments = 4 : i64} : tensor<1x6x4x8xf32>, tensor<8x1x3x3xf32> -> tensor<1x6x4x8xf32>
  return %0 : tensor<1x6x4x8xf32>
}

// -----

// A quantized input's padding is its zero point: the last band's rows past
// the image would be zeros.
func.func @segments_inexact_quantized(%x: tensor<1x7x4x8xi8>) -> tensor<1x7x4x8xf32> {
  %w = arith.constant dense<1> : tensor<8x1x3x3xi8>
  // expected-error @+1 {{segments 2 must cut the input and output heights (7, 7) into bands whose rows line up (ceil(H / S) = stride * ceil(OH / S)), exactly when the padding is not zero}}
  %0 = tile.conv %x, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 8 : i64, padding_value = -128 : i64, on_vxm, segments = 2 : i64} : tensor<1x7x4x8xi8>, tensor<8x1x3x3xi8> -> tensor<1x7x4x8xf32>
  return %0 : tensor<1x7x4x8xf32>
}

// -----

// Bands of 5 input rows but 2 output rows (stride 2: 4 input rows).
func.func @segments_strided(%x: tensor<1x10x4x8xf32>) -> tensor<1x4x1x8xf32> {
  %w = arith.constant dense<1.0> : tensor<8x1x3x3xf32>
  // expected-error @+1 {{segments 2 must cut the input and output heights (10, 4) into bands whose rows line up (ceil(H / S) = stride * ceil(OH / S)), exactly when the padding is not zero}}
  %0 = tile.conv %x, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 0, 0>, group = 8 : i64, on_vxm, segments = 2 : i64} : tensor<1x10x4x8xf32>, tensor<8x1x3x3xf32> -> tensor<1x4x1x8xf32>
  return %0 : tensor<1x4x1x8xf32>
}

// -----

func.func @segments_shared(%x: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
  %w = arith.constant dense<1.0> : tensor<8x1x3x3xf32>
  // expected-error @+1 {{segments need every pixel on the VXM}}
  %0 = tile.conv %x, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 8 : i64, on_vxm, turn = 2 : i64, vxm_pixels = 8 : i64, segments = 2 : i64} : tensor<1x4x4x8xf32>, tensor<8x1x3x3xf32> -> tensor<1x4x4x8xf32>
  return %0 : tensor<1x4x4x8xf32>
}

// -----

func.func @pack_taps_dim(%x: tensor<1x4x4x3xf32>) -> tensor<1x4x4x9xf32> {
  // expected-error @+1 {{packs taps along dimension 1 (H) or 2 (W), not 3}}
  %0 = tile.pack_taps %x {dim = 3 : i64, taps = 3 : i64, stride = 1 : i64, dilation = 1 : i64, pad_begin = 1 : i64} : tensor<1x4x4x3xf32> -> tensor<1x4x4x9xf32>
  return %0 : tensor<1x4x4x9xf32>
}

// -----

func.func @pack_taps_column(%x: tensor<1x4x4x3xf32>) -> tensor<1x2x2x9xf32> {
  // expected-error @+1 {{the result must be [N, OH, W, taps * C] for an [N, H, W, C] input packed along H}}
  %0 = tile.pack_taps %x {dim = 1 : i64, taps = 3 : i64, stride = 2 : i64, dilation = 1 : i64, pad_begin = 1 : i64} : tensor<1x4x4x3xf32> -> tensor<1x2x2x9xf32>
  return %0 : tensor<1x2x2x9xf32>
}

// -----

// A turn of no K tile would never end.
func.func @empty_turn(%a: tensor<4x32xf32>, %w: tensor<32x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{attribute 'turn' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %0 = tile.matmul %a, %w [] {batches = array<i64: 0, 0, 0>, k = 32 : i64, m = 4 : i64, n = 8 : i64, turn = 0 : i64} : tensor<4x32xf32>, tensor<32x8xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @winograd_tiles(%x: tensor<1x4x4x2xf32>) -> tensor<16x3x2xf32> {
  // expected-error @+1 {{the result must be [16, 4, 2]: the tiles of 1x4x4 output pixels}}
  %0 = tile.winograd_input %x {pad_begin = array<i64: 1, 1>, output_size = array<i64: 4, 4>} : tensor<1x4x4x2xf32> -> tensor<16x3x2xf32>
  return %0 : tensor<16x3x2xf32>
}

// -----

func.func @winograd_window(%x: tensor<1x4x4x2xf32>) -> tensor<16x9x2xf32> {
  // expected-error @+1 {{a 3x3 window with padding 1 cannot make 6 outputs from 4 inputs}}
  %0 = tile.winograd_input %x {pad_begin = array<i64: 1, 1>, output_size = array<i64: 6, 6>} : tensor<1x4x4x2xf32> -> tensor<16x9x2xf32>
  return %0 : tensor<16x9x2xf32>
}

// -----

func.func @winograd_output(%m: tensor<16x4x2xf32>) -> tensor<1x4x4x3xf32> {
  // expected-error @+1 {{the input must be [16, 4, 3]: the tiles of 1x4x4 output pixels}}
  %0 = tile.winograd_output %m [] : tensor<16x4x2xf32> -> tensor<1x4x4x3xf32>
  return %0 : tensor<1x4x4x3xf32>
}

// -----

func.func @im2col_segments(%x: tensor<1x3x4x4xf32>) -> tensor<1x4x4x27xf32> {
  // expected-error @+1 {{only tap rows have `segments`, at least 1}}
  %0 = tile.im2col %x {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, segments = 2 : i64} : tensor<1x3x4x4xf32> -> tensor<1x4x4x27xf32>
  return %0 : tensor<1x4x4x27xf32>
}

// -----

func.func @im2col_segment_lanes(%x: tensor<1x3x4x4xi8>) -> tensor<1x2x27x8xi8> {
  // expected-error @+1 {{with 2 segments, the rows' 8 lanes must split evenly and the padding value be 0}}
  %0 = tile.im2col %x {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, tap_rows, segments = 2 : i64, padding_value = -3 : i64} : tensor<1x3x4x4xi8> -> tensor<1x2x27x8xi8>
  return %0 : tensor<1x2x27x8xi8>
}

// -----

func.func @pool_transpose_segments(%r: tensor<1x2x3x9xf16>) -> tensor<1x4x4x3xf16> {
  // expected-error @+1 {{the rows' 9 lanes must hold a whole number of segments, not 2}}
  %0 = tile.max_pool_transpose %r {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 0, 0>, segments = 2 : i64} : tensor<1x2x3x9xf16> -> tensor<1x4x4x3xf16>
  return %0 : tensor<1x4x4x3xf16>
}

// -----

func.func @pool_transpose_filters(%r: tensor<1x2x3x8xf16>) -> tensor<1x4x4x2xf16> {
  // expected-error @+1 {{the result must keep the batch and filter sizes}}
  %0 = tile.max_pool_transpose %r {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 0, 0>, segments = 2 : i64} : tensor<1x2x3x8xf16> -> tensor<1x4x4x2xf16>
  return %0 : tensor<1x4x4x2xf16>
}

// -----

func.func @pool_transpose_window(%r: tensor<1x2x3x8xf16>) -> tensor<1x4x5x3xf16> {
  // expected-error @+1 {{every window must meet the 4x4 image}}
  %0 = tile.max_pool_transpose %r {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 0, 0>, segments = 2 : i64} : tensor<1x2x3x8xf16> -> tensor<1x4x5x3xf16>
  return %0 : tensor<1x4x5x3xf16>
}

// -----

// Bands of a transpose's result: 16 rows in 2 bands are 8 rows of 2 x 4
// filters, not 16.
func.func @pool_transpose_bands(%r: tensor<1x16x4x2xf32>) -> tensor<1x16x2x8xf32> {
  // expected-error @+1 {{bands [S, OH] need S > 1 and a result of ceil(OH / S) rows of S bands of the filters}}
  %0 = tile.max_pool_transpose %r {bands = array<i64: 2, 16>, kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 0, 0>} : tensor<1x16x4x2xf32> -> tensor<1x16x2x8xf32>
  return %0 : tensor<1x16x2x8xf32>
}

// -----

// An input in bands needs the convolution to compute in as many bands.
func.func @banded_input_segments(%x: tensor<1x8x2x8xf32>) -> tensor<1x16x2x4xf32> {
  %w = arith.constant dense<1.0> : tensor<4x1x3x3xf32>
  // expected-error @+1 {{banded_input 16 needs `on_vxm`, `segments` S > 1 and an input of ceil(16 / S) rows of S bands}}
  %0 = tile.conv %x, %w [] {banded_input = 16 : i64, kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 4 : i64, on_vxm, segments = 4 : i64} : tensor<1x8x2x8xf32>, tensor<4x1x3x3xf32> -> tensor<1x16x2x4xf32>
  return %0 : tensor<1x16x2x4xf32>
}

// -----

func.func @lookup_float_indices(%t: tensor<50x24xf32>, %i: tensor<3xf32>) -> tensor<3x24xf32> {
  // expected-error @+1 {{indices must be i32, not 'f32'}}
  %0 = tile.lookup %t[%i] : tensor<50x24xf32>, tensor<3xf32> -> tensor<3x24xf32>
  return %0 : tensor<3x24xf32>
}

// -----

func.func @lookup_shape(%t: tensor<50x24xf32>, %i: tensor<3xi32>) -> tensor<3x20xf32> {
  // expected-error @+1 {{result must be 'tensor<3x24xf32>': a table row per index}}
  %0 = tile.lookup %t[%i] : tensor<50x24xf32>, tensor<3xi32> -> tensor<3x20xf32>
  return %0 : tensor<3x20xf32>
}

// -----

func.func @lookup_rank(%t: tensor<50xf32>, %i: tensor<3xi32>) -> tensor<3x1xf32> {
  // expected-error @+1 {{looks up rows of a [V, D] table, not of 'tensor<50xf32>'}}
  %0 = tile.lookup %t[%i] : tensor<50xf32>, tensor<3xi32> -> tensor<3x1xf32>
  return %0 : tensor<3x1xf32>
}

// -----

func.func @gather_elements_innermost(%t: tensor<4x5xf32>, %i: tensor<4x5xi32>) -> tensor<4x5xf32> {
  // expected-error @+1 {{gathers along an axis before the innermost of data of rank 2 or more, not axis 1 of 'tensor<4x5xf32>'}}
  %0 = tile.gather_elements %t[%i] axis 1 : tensor<4x5xf32>, tensor<4x5xi32> -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

func.func @gather_elements_lanes(%t: tensor<4x5xf32>, %i: tensor<4x3xi32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{indices 'tensor<4x3xi32>' must have the rank and innermost dimension of 'tensor<4x5xf32>' and no larger dimension but along the axis}}
  %0 = tile.gather_elements %t[%i] axis 0 : tensor<4x5xf32>, tensor<4x3xi32> -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @gather_elements_result(%t: tensor<4x5xf32>, %i: tensor<6x5xi32>) -> tensor<6x5xf16> {
  // expected-error @+1 {{result must have the indices' shape and the data's element type}}
  %0 = tile.gather_elements %t[%i] axis 0 : tensor<4x5xf32>, tensor<6x5xi32> -> tensor<6x5xf16>
  return %0 : tensor<6x5xf16>
}

// -----

func.func @scatter_columns(%t: tensor<4x5xf32>, %r: tensor<2xi32>, %c: tensor<3xi32>, %u: tensor<2x1xf32>) -> tensor<4x5xf32> {
  // expected-error @+1 {{columns must have the rows' type 'tensor<2xi32>'}}
  %0 = tile.scatter_rows %t[%r] = %u columns %c : tensor<3xi32> : tensor<4x5xf32>, tensor<2xi32>, tensor<2x1xf32>
  return %0 : tensor<4x5xf32>
}

// -----

func.func @scatter_element_updates(%t: tensor<4x5xf32>, %r: tensor<2xi32>, %c: tensor<2xi32>, %u: tensor<2x5xf32>) -> tensor<4x5xf32> {
  // expected-error @+1 {{with columns needs [N, 1] updates of the table's type and gives the table's type}}
  %0 = tile.scatter_rows %t[%r] = %u columns %c : tensor<2xi32> : tensor<4x5xf32>, tensor<2xi32>, tensor<2x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// expected-error @+1 {{state result 0 has type 'tensor<8xf32>', not that of input 0, 'tensor<16xf32>'}}
func.func @state_type(%s: tensor<16xf32>) -> (tensor<8xf32> {tile.state_of = 0 : i64}) {
  %0 = arith.constant dense<1.0> : tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

func.func @scatter_rows_updates(%t: tensor<8x20xf32>, %r: tensor<2xi32>, %u: tensor<3x20xf32>) -> tensor<8x20xf32> {
  // expected-error @+1 {{needs [N, D] updates of the table's type and gives the table's type}}
  %0 = tile.scatter_rows %t[%r] = %u : tensor<8x20xf32>, tensor<2xi32>, tensor<3x20xf32>
  return %0 : tensor<8x20xf32>
}
