//===- ProductsTest.cpp - Batched MXM products, bit for bit ---------------===//
//
// The value pass computes the products that stream through one installed
// array together, in blocks of array rows; each output must still be the
// bits of one product alone: b, then each array row whose input element is
// not zero, in row order, every multiply and add rounded to binary32.
//
//===----------------------------------------------------------------------===//

#include "Products.h"

#include "lpu/Elements.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

using namespace lpu;

namespace {

uint32_t bitsOf(float value) {
  uint32_t word;
  std::memcpy(&word, &value, 4);
  return word;
}

TEST(Products, BatchedProductsKeepEachOnesOrder) {
  constexpr uint32_t kLanes = 320, kRows = 160, kColumns = 300, kCount = 23;
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> value(-4.0f, 4.0f);
  InstalledArray array;
  array.dtype = DType::F32;
  array.rows = kRows;
  array.window = 0;
  array.columns = kColumns;
  array.floats.assign(size_t(kRows) * kLanes, 0.0f);
  for (uint32_t k = 0; k < kRows; ++k)
    for (uint32_t n = 0; n < kColumns; ++n)
      array.floats[size_t(k) * kLanes + n] = value(rng);
  // Inputs with runs of zeros (and -0) of every length a block of rows can
  // hold, so blocks carry 0 to 8 rows of each product.
  std::vector<std::vector<uint32_t>> a(kCount, std::vector<uint32_t>(kLanes)),
      b(kCount, std::vector<uint32_t>(kLanes)),
      out(kCount, std::vector<uint32_t>(kLanes));
  std::vector<Product> products;
  for (uint32_t i = 0; i < kCount; ++i) {
    for (uint32_t k = 0; k < kLanes; ++k) {
      const bool zero = (k / (i % 9 + 1)) % 2 == 1 || rng() % 5 == 0;
      a[i][k] = bitsOf(zero ? (k % 2 ? -0.0f : 0.0f) : value(rng));
      b[i][k] = bitsOf(value(rng));
    }
    products.push_back(
        {a[i].data(), i % 4 ? b[i].data() : nullptr, out[i].data()});
  }
  ProductScratch scratch(kLanes, ProductScratch::kMaxProducts);
  multiply(array, DType::F32, kLanes, products.data(), kCount, scratch);
  for (uint32_t i = 0; i < kCount; ++i)
    for (uint32_t n = 0; n < kColumns; ++n) {
      float sum = i % 4 ? wordToFloat(b[i][n]) : 0.0f;
      for (uint32_t k = 0; k < kRows; ++k) {
        const float x = wordToFloat(a[i][k]);
        if (x != 0.0f) {
          volatile float product = x * array.floats[size_t(k) * kLanes + n];
          sum += product;
        }
      }
      ASSERT_EQ(out[i][n], bitsOf(sum)) << "product " << i << " column " << n;
    }
}

} // namespace
