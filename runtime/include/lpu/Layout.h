//===- Layout.h - How tensors are laid out in SRAM --------------*- C++ -*-===//
//
// A tensor is stored as rows of lane vectors in one MEM slice: the innermost
// dimension is spread across lanes, every other dimension is flattened into
// rows. Row r, vector j lives at `base + r * vectorsPerRow + j`. Lanes past
// the end of a row hold zero; every instruction sequence keeps them zero.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_LAYOUT_H
#define LPU_LAYOUT_H

#include <cstdint>
#include <vector>

namespace lpu {

struct TensorLayout {
  int64_t rows = 1;
  int64_t rowLength = 1;
  int64_t vectorsPerRow = 1;

  int64_t numVectors() const { return rows * vectorsPerRow; }
  int64_t numElements() const { return rows * rowLength; }
};

inline TensorLayout layoutFor(const int64_t *shape, size_t rank,
                              uint32_t lanes) {
  TensorLayout layout;
  if (rank) {
    layout.rowLength = shape[rank - 1];
    for (size_t i = 0; i + 1 < rank; ++i)
      layout.rows *= shape[i];
  }
  layout.vectorsPerRow = (layout.rowLength + lanes - 1) / lanes;
  if (layout.vectorsPerRow == 0)
    layout.vectorsPerRow = 1;
  return layout;
}

inline TensorLayout layoutFor(const std::vector<int64_t> &shape,
                              uint32_t lanes) {
  return layoutFor(shape.data(), shape.size(), lanes);
}

} // namespace lpu

#endif // LPU_LAYOUT_H
