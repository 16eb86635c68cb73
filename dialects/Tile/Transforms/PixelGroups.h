//===- PixelGroups.h - Several output pixels per product ---------*- C++
//-*-===//
//
// A convolution with few filters leaves most of the MXM's columns idle. Its
// neighbouring output pixels along a window row can share one product: the
// input columns they read side by side in K, weights whose columns are each
// pixel's filters, and a tile.gather that gives each pixel its own vector
// afterwards. tile-pack-taps groups pixels of channels-last inputs (packed
// by tile.pack_taps), tile-pack-conv-taps those of channels-first ones
// (packed by tile.im2col); both rewrite through these functions.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_DIALECTS_TILE_TRANSFORMS_PIXELGROUPS_H
#define LPU_DIALECTS_TILE_TRANSFORMS_PIXELGROUPS_H

#include "dialects/Tile/TileOps.h"

#include <optional>

namespace lpuc::tile {

/// The input columns that `pixels` neighbouring outputs of a window row
/// read, side by side.
int64_t groupTaps(int64_t pixels, int64_t kernel, int64_t stride,
                  int64_t dilation);

/// Whether constant operand `operand` of a chain on pixels serves groups of
/// them: the same for every pixel, as one value (a relu6 bound, serving
/// them all) or [1, 1, 1, F] (repeated per pixel, repeatPerPixel).
bool servesPixelGroups(mlir::Value operand);

/// Such an operand as groups of `pixels` read it: one value as it is,
/// [1, 1, 1, F] repeated to [1, 1, 1, pixels * F] before `builder`'s
/// insertion point; null if its data cannot be read.
mlir::Value repeatPerPixel(mlir::OpBuilder &builder, mlir::Location loc,
                           mlir::Value operand, int64_t pixels);

/// How many of `conv`'s epilogue steps can run on groups of pixels, if its
/// pixels can be grouped: those before its first step that combines a
/// tensor computed at run time (a residual), which with the rest runs after
/// the pixels are unpacked. Every constant those steps combine must be the
/// same for every pixel.
std::optional<size_t> groupedEpilogueSteps(ConvOp conv,
                                           const ::lpu::TargetDesc &target);

/// `conv`'s weights [F, C, KH, KW] for groups of `pixels` outputs, as a
/// convolution with one window of groupTaps(...) columns (dilation 1):
/// [pixels * F, C, KH, taps], where filter f of pixel j reads column
/// j * stride + kx * dilation through tap (ky, kx) and no other column.
/// Null if the weights cannot be read.
mlir::Value groupedWeights(mlir::OpBuilder &builder, ConvOp conv,
                           int64_t pixels);

/// The window of a convolution of groups: `conv`'s, with `pixels` strides
/// per step along W and one window of the group's columns.
struct GroupWindow {
  llvm::SmallVector<int64_t, 2> kernel, strides, dilations, padBegin;
};
GroupWindow groupWindow(ConvOp conv, int64_t pixels);

/// Replaces `conv` by a convolution of `pixels`-pixel groups over `input`
/// with `weights` and `window`, whose result [N, OH, ceil(OW / pixels),
/// pixels * F] holds the group's pixels' filters side by side and runs the
/// epilogue steps groupedEpilogueSteps allows (constants repeated per
/// pixel), then a tile.gather of each pixel's F lanes and a tile.map of the
/// remaining steps. Returns the convolution of groups.
mlir::FailureOr<ConvOp> replaceByPixelGroups(ConvOp conv, int64_t pixels,
                                             mlir::Value input,
                                             mlir::Value weights,
                                             const GroupWindow &window,
                                             const ::lpu::TargetDesc &target);

/// A tile.gather of `groups` ([N, OH, G, pixels * F], `pixels` output
/// pixels' F values side by side) that gives each pixel its own vector:
/// `resultType` [N, OH, OW, F].
mlir::Value unpackPixelGroups(mlir::OpBuilder &builder, mlir::Location loc,
                              mlir::Value groups,
                              mlir::RankedTensorType resultType);

/// The pixels per group of `gather`, if it is such an unpacking.
std::optional<int64_t> unpackedGroupSize(GatherOp gather);

/// `pixels` ([N, H, W, F], computed at run time) as groups of `group`
/// neighbouring pixels along W ([N, H, ceil(W / group), group * F]), a
/// missing pixel's lanes zero: the groups it unpacks, or a tile.gather right
/// after `pixels` is computed, so that a chain on groups can take it
/// wherever `pixels` exists.
mlir::Value groupPixels(mlir::OpBuilder &builder, mlir::Location loc,
                        mlir::Value pixels, int64_t group);

/// A tile.pack_taps along W of an unpacking of pixel groups, as one
/// tile.gather of the groups before `builder`'s insertion point: each result
/// vector then takes its taps as runs of the groups' lanes (a group's
/// neighbouring pixels are already side by side) rather than pixel by pixel
/// after the unpacking has written every pixel's vector. Null if `pack` is
/// not one, or pads a float input with a value other than zero.
mlir::Value packTapsOfGroups(mlir::OpBuilder &builder, PackTapsOp pack);

} // namespace lpuc::tile

#endif // LPU_DIALECTS_TILE_TRANSFORMS_PIXELGROUPS_H
