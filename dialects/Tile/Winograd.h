//===- Winograd.h - Minimal filtering F(2x2, 3x3) ---------------*- C++ -*-===//
//
// Winograd's minimal filtering (Lavin and Gray, "Fast Algorithms for
// Convolutional Neural Networks", 2016): a 3x3 correlation g of a 4x4 input
// tile d makes the 2x2 output tile
//
//   Y = A^T [(G g G^T) . (B^T d B)] A
//
// with 16 element-wise products where the direct form takes 36. Over
// channels, each of the 16 positions of the transformed tiles is a matrix
// product (tiles x C by C x F): 16 products per 4 output pixels instead of
// 9 taps per pixel. The transforms are sums with coefficients 0, +-1 and
// +-1/2; tile.winograd_input and tile.winograd_output compute them on the
// VXM, and the weights are transformed at compile time.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_DIALECTS_TILE_WINOGRAD_H
#define LPU_DIALECTS_TILE_WINOGRAD_H

#include <cstdint>

namespace lpuc::tile::winograd {

/// Input tile side, output tile side, kernel side; positions of a
/// transformed tile (its rows of the products).
constexpr int64_t kInputTile = 4, kOutputTile = 2, kKernel = 3,
                  kPositions = kInputTile * kInputTile;

/// B^T: transformed row a of a tile is sum_i kInputTransform[a][i] * row i.
constexpr float kInputTransform[kInputTile][kInputTile] = {
    {1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}};
/// G: transformed kernel row a is sum_k kFilterTransform[a][k] * row k.
constexpr float kFilterTransform[kInputTile][kKernel] = {
    {1, 0, 0}, {0.5f, 0.5f, 0.5f}, {0.5f, -0.5f, 0.5f}, {0, 0, 1}};
/// A^T: output row i is sum_a kOutputTransform[i][a] * product row a.
constexpr float kOutputTransform[kOutputTile][kInputTile] = {{1, 1, 1, 0},
                                                             {0, 1, -1, -1}};

/// The tiles of an [N, OH, OW] output: 2x2 pixels each, the last row and
/// column of tiles cut short when OH or OW is odd, numbered image by image,
/// row by row.
struct Tiles {
  int64_t images, rows, columns;
  Tiles(int64_t N, int64_t OH, int64_t OW)
      : images(N), rows((OH + kOutputTile - 1) / kOutputTile),
        columns((OW + kOutputTile - 1) / kOutputTile) {}
  int64_t count() const { return images * rows * columns; }
  /// Tile t's image and tile row and column.
  struct Tile {
    int64_t image, row, column;
  };
  Tile operator[](int64_t t) const {
    return {t / (rows * columns), t / columns % rows, t % columns};
  }
};

/// Whether every one of `outputs` outputs of a 3x3 window with leading
/// padding `pad` meets one of `inputs` positions.
inline bool windowsMeetInput(int64_t pad, int64_t outputs, int64_t inputs) {
  return pad >= 0 && pad < kKernel && outputs >= 1 &&
         outputs - 1 - pad < inputs;
}

} // namespace lpuc::tile::winograd

#endif // LPU_DIALECTS_TILE_WINOGRAD_H
