//===- Products.h - MXM products of the value pass --------------*- C++ -*-===//
//
// What an installed MXM plane computes for `abc`/`acc`, for many products at
// once: the products that stream through one installed array are computed
// together, block by block of array rows, so each block is read once for all
// of them and each product's sums once per block. Every output keeps the
// accumulation order of one product alone, so the bits do not depend on how
// products or rows are grouped (ProductsTest.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef LPU_RUNTIME_LIB_PRODUCTS_H
#define LPU_RUNTIME_LIB_PRODUCTS_H

#include "lpu/ISA.h"

#include <cstdint>
#include <vector>

namespace lpu {

/// The weights a plane multiplies by: `rows` array rows of lanes weights;
/// row i meets input lane window + i. Columns from `columns` on hold only
/// +0, which lets a product skip them. i8 weights are held as floats too
/// (see multiplyInt8 in Products.cpp).
struct InstalledArray {
  DType dtype = DType::None;
  uint32_t rows = 0, window = 0, columns = 0;
  std::vector<float> floats; // rows x lanes, row-major
};

/// One product: out = b + a x array (b may be null: zero).
struct Product {
  const uint32_t *a;
  const uint32_t *b;
  uint32_t *out;
};

/// Buffers the products reuse, sized for `lanes` and up to `batch` (at most
/// kMaxProducts) products.
class ProductScratch {
public:
  static constexpr uint32_t kMaxProducts = 32;
  ProductScratch(uint32_t lanes, uint32_t batch)
      : inputs(size_t(lanes) * batch), sums(size_t(lanes) * batch),
        nonzero(lanes) {}
  std::vector<float> inputs; // each product's input elements, as multiplied
  std::vector<float> sums;   // each product's sums, lanes apiece
  /// Per array row, the products whose input element there is not zero
  /// (bit i: product i): the ones that row adds to.
  std::vector<uint32_t> nonzero;
};

/// Computes `count` products of `dtype` (the array's type) through `array`
/// on a machine of `lanes` lanes; count is at most the scratch's batch.
void multiply(const InstalledArray &array, DType dtype, uint32_t lanes,
              const Product *products, uint32_t count, ProductScratch &scratch);

} // namespace lpu

#endif // LPU_RUNTIME_LIB_PRODUCTS_H
