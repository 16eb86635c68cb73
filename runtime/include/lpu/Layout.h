//===- Layout.h - How tensors are laid out in SRAM --------------*- C++ -*-===//
//
// A tensor is stored as rows of lane vectors: the innermost dimension is
// spread across lanes, every other dimension is flattened into rows; vector
// `offset = r * vectorsPerRow + j` is vector j of row r. Lanes past the end of
// a row hold zero; every instruction sequence keeps them zero. A vector takes
// `vectorAddresses` consecutive SRAM addresses, one per plane of its element
// type (TargetDesc::planesOf).
//
// The rows live in one or more parts, each a range of addresses on its own
// MEM slice: the rows are cut into blocks of `blockRows` rows, dealt
// round-robin over the parts (block b is in part b mod P, after that part's
// earlier blocks). One part holds a tensor whole; blocks of one row are
// stripes; blocks of an image row put the rows a window reads on different
// slices.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_LAYOUT_H
#define LPU_LAYOUT_H

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace lpu {

/// The most elements a tensor may have: 2^40, far beyond any chip's SRAM.
/// The importer refuses larger tensors and the binary reader larger
/// bindings, so every size computed from a shape afterwards fits in 64 bits.
constexpr int64_t kMaxTensorElements = int64_t(1) << 40;

/// The element count of `shape`, or -1 if a dimension is negative or the
/// count exceeds kMaxTensorElements (checked at each step: it never wraps).
inline int64_t checkedElementCount(const int64_t *shape, size_t rank) {
  int64_t count = 1;
  for (size_t i = 0; i < rank; ++i) {
    if (shape[i] < 0 || (shape[i] && count > kMaxTensorElements / shape[i]))
      return -1;
    count *= shape[i];
  }
  return count;
}
inline int64_t checkedElementCount(const std::vector<int64_t> &shape) {
  return checkedElementCount(shape.data(), shape.size());
}

struct TensorLayout {
  int64_t rows = 1;
  int64_t rowLength = 1;
  int64_t vectorsPerRow = 1;
  int64_t vectorAddresses = 1;

  int64_t numVectors() const { return rows * vectorsPerRow; }
  int64_t numAddresses() const { return numVectors() * vectorAddresses; }
  int64_t numElements() const { return rows * rowLength; }
};

inline TensorLayout layoutFor(const int64_t *shape, size_t rank, uint32_t lanes,
                              uint32_t vectorAddresses) {
  TensorLayout layout;
  layout.vectorAddresses = vectorAddresses;
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

inline TensorLayout layoutFor(const std::vector<int64_t> &shape, uint32_t lanes,
                              uint32_t vectorAddresses) {
  return layoutFor(shape.data(), shape.size(), lanes, vectorAddresses);
}

/// How a tensor's rows are dealt over parts: `parts` parts, blocks of
/// `blockRows` rows.
struct PartDeal {
  int64_t parts = 1;
  int64_t blockRows = 1;

  /// The part holding vector `offset` of a tensor laid out as `layout`, and
  /// the vector's first address relative to the part's.
  std::pair<int64_t, int64_t> locate(const TensorLayout &layout,
                                     int64_t offset) const {
    int64_t row = offset / layout.vectorsPerRow;
    int64_t j = offset % layout.vectorsPerRow;
    int64_t block = row / blockRows;
    int64_t localRow = (block / parts) * blockRows + row % blockRows;
    return {block % parts,
            (localRow * layout.vectorsPerRow + j) * layout.vectorAddresses};
  }
  /// Addresses part `i` takes.
  int64_t partAddresses(const TensorLayout &layout, int64_t i) const {
    int64_t blocks = (layout.rows + blockRows - 1) / blockRows;
    if (i >= blocks)
      return 0;
    int64_t rows = ((blocks - i + parts - 1) / parts) * blockRows;
    if ((blocks - 1) % parts == i) // the last block may be short
      rows -= blocks * blockRows - layout.rows;
    return rows * layout.vectorsPerRow * layout.vectorAddresses;
  }
  /// The most addresses any part takes.
  int64_t largestPart(const TensorLayout &layout) const {
    return partAddresses(layout, 0);
  }
};

} // namespace lpu

#endif // LPU_LAYOUT_H
