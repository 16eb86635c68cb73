//===- Products.cpp - MXM products of the value pass ----------------------===//

#include "Products.h"

#include "VectorClones.h"
#include "lpu/Elements.h"

#include <algorithm>
#include <cmath>

namespace lpu {

namespace {

/// Adds to `acc` rows[0..C) times xs[0..C), in that order, over `columns`
/// columns: each sum is read and written once for C rows.
template <uint32_t C>
[[gnu::always_inline]] inline void addRows(float *acc, const float *const *rows,
                                           const float *xs, uint32_t columns) {
  for (uint32_t n = 0; n < columns; ++n) {
    float sum = acc[n];
    for (uint32_t j = 0; j < C; ++j)
      sum += xs[j] * rows[j][n];
    acc[n] = sum;
  }
}

/// addRows<count>, for any count in [1, C].
template <uint32_t C>
[[gnu::always_inline]] inline void
addRowsUpTo(uint32_t count, float *acc, const float *const *rows,
            const float *xs, uint32_t columns) {
  if constexpr (C > 1)
    if (count < C)
      return addRowsUpTo<C - 1>(count, acc, rows, xs, columns);
  addRows<C>(acc, rows, xs, columns);
}

/// Adds each array row k in [first, last) times each batched product's input
/// element k, where it is not zero, to that product's sums, over the first
/// `columns` columns: row after row, so each output keeps its plane's order.
/// Rows go in blocks of kBlockRows, each product's nonzero ones in a block
/// added at once, so its sums leave registers once a block, not once a row.
LPU_VECTOR_CLONES
void accumulateRows(const InstalledArray &array, uint32_t lanes,
                    uint32_t columns, uint32_t first, uint32_t last,
                    ProductScratch &scratch) {
  constexpr uint32_t kBlockRows = 8;
  for (uint32_t k0 = first; k0 < last; k0 += kBlockRows) {
    const uint32_t k1 = std::min(last, k0 + kBlockRows);
    uint32_t any = 0;
    for (uint32_t k = k0; k < k1; ++k)
      any |= scratch.nonzero[k];
    for (uint32_t todo = any; todo; todo &= todo - 1) {
      const uint32_t i = __builtin_ctz(todo);
      const float *x = scratch.inputs.data() + size_t(i) * lanes;
      const float *rows[kBlockRows];
      float xs[kBlockRows];
      uint32_t count = 0;
      for (uint32_t k = k0; k < k1; ++k)
        if (scratch.nonzero[k] >> i & 1) {
          rows[count] = array.floats.data() + size_t(k) * lanes;
          xs[count++] = x[k];
        }
      float *acc = scratch.sums.data() + size_t(i) * lanes;
      addRowsUpTo<kBlockRows>(count, acc, rows, xs, columns);
    }
  }
}

/// Whether any of a product's input elements is positive, and whether any
/// is infinite or NaN (what the columns past the array's need to know).
struct InputSigns {
  bool anyPositive, anyNotFinite;
};

/// Sets bit i of nonzero[k] where product i's input element x[k] is not
/// zero, for k < rows (one loop without branches: it vectorizes).
inline InputSigns markNonzeroInputs(const float *x, uint32_t rows, uint32_t i,
                                    uint32_t *nonzero) {
  const uint32_t bit = 1u << i;
  uint32_t positive = 0, notFinite = 0;
  for (uint32_t k = 0; k < rows; ++k) {
    nonzero[k] |= x[k] != 0.0f ? bit : 0u;
    positive |= uint32_t(x[k] > 0.0f);
    notFinite |= uint32_t(!(x[k] - x[k] == 0.0f));
  }
  return {positive != 0, notFinite != 0};
}

/// Float products: out = b + a x array over the array's rows, each input
/// element rounded to `dtype`, accumulated row after row in binary32 (what
/// the plane computes). An input element that is zero adds nothing and is
/// skipped. Columns past `array.columns` meet only +0 weights: each
/// processed input x adds +0 or -0 there, which leaves a nonzero sum as it
/// is and makes a -0 sum +0 once some x is positive; only a non-finite x or
/// sum needs them computed.
LPU_VECTOR_CLONES
void multiplyFloat(const InstalledArray &array, DType dtype, uint32_t lanes,
                   const Product *products, uint32_t count,
                   ProductScratch &scratch) {
  const uint32_t columns = array.columns;
  const uint32_t rows = std::min(array.rows, lanes - array.window);
  uint32_t anyPositive = 0, nonFinite = 0; // bit i: product i
  std::fill_n(scratch.nonzero.begin(), rows, 0u);
  uint32_t *nonzero = scratch.nonzero.data();
  for (uint32_t i = 0; i < count; ++i) {
    const Product &p = products[i];
    const uint32_t *a = p.a + array.window;
    float *x = scratch.inputs.data() + size_t(i) * lanes;
    // Separate loops with one type each, so that they vectorize.
    switch (dtype) {
    case DType::F16:
      for (uint32_t k = 0; k < rows; ++k)
        x[k] = wordToFloat(roundWordToHalf(a[k]));
      break;
    case DType::BF16:
      for (uint32_t k = 0; k < rows; ++k)
        x[k] = wordToFloat(wordToBFloat(a[k]) << 16);
      break;
    default:
      for (uint32_t k = 0; k < rows; ++k)
        x[k] = wordToFloat(a[k]);
      break;
    }
    const InputSigns signs = markNonzeroInputs(x, rows, i, nonzero);
    anyPositive |= uint32_t(signs.anyPositive) << i;
    nonFinite |= uint32_t(signs.anyNotFinite) << i;
    float *acc = scratch.sums.data() + size_t(i) * lanes;
    for (uint32_t n = 0; n < columns; ++n)
      acc[n] = p.b ? wordToFloat(p.b[n]) : 0.0f;
  }
  accumulateRows(array, lanes, columns, 0, rows, scratch);
  for (uint32_t i = 0; i < count; ++i) {
    const Product &p = products[i];
    const float *acc = scratch.sums.data() + size_t(i) * lanes;
    for (uint32_t n = 0; n < columns; ++n)
      p.out[n] = floatToWord(acc[n]);
    if (!(nonFinite >> i & 1)) {
      // Each processed x added +0 or -0 to the sum (see above), unless the
      // sum is a NaN, whose bits the sums decide: those are computed.
      const bool positive = anyPositive >> i & 1;
      uint32_t nan = 0;
      if (p.b) {
        for (uint32_t n = columns; n < lanes; ++n) {
          const float sum = wordToFloat(p.b[n]);
          nan |= uint32_t(sum != sum);
          p.out[n] = floatToWord(positive && sum == 0.0f ? 0.0f : sum);
        }
      } else {
        std::fill(p.out + columns, p.out + lanes, 0u);
      }
      if (!nan)
        continue;
    }
    const float *x = scratch.inputs.data() + size_t(i) * lanes;
    for (uint32_t n = columns; n < lanes; ++n) {
      float sum = p.b ? wordToFloat(p.b[n]) : 0.0f;
      for (uint32_t k = 0; k < rows; ++k)
        if (x[k] != 0.0f)
          sum += x[k] * array.floats[size_t(k) * lanes + n];
      p.out[n] = floatToWord(sum);
    }
  }
}

/// i8 products summed in binary32, exactly: each is at most 2^14 in
/// magnitude, so a sum of up to 1024 of them stays an integer below 2^24.
/// Such sums, and the addend, join in i32, where sums wrap (modulo 2^32:
/// the same bits as a wider sum wrapped once). Columns past
/// `array.columns` add only zeros.
LPU_VECTOR_CLONES
void multiplyInt8(const InstalledArray &array, uint32_t lanes,
                  const Product *products, uint32_t count,
                  ProductScratch &scratch) {
  constexpr uint32_t kExactRows = 1024;
  static_assert(kExactRows * 128 * 128 <= (1 << 24), "exact in binary32");
  const uint32_t columns = array.columns;
  const uint32_t rows = std::min(array.rows, lanes - array.window);
  std::fill_n(scratch.nonzero.begin(), rows, 0u);
  for (uint32_t i = 0; i < count; ++i) {
    const Product &p = products[i];
    const uint32_t *a = p.a + array.window;
    float *x = scratch.inputs.data() + size_t(i) * lanes;
    for (uint32_t k = 0; k < rows; ++k)
      x[k] = static_cast<int8_t>(a[k]);
    markNonzeroInputs(x, rows, i, scratch.nonzero.data());
    for (uint32_t n = 0; n < lanes; ++n)
      p.out[n] = p.b ? p.b[n] : 0;
  }
  for (uint32_t first = 0; first < rows; first += kExactRows) {
    const uint32_t last = std::min(rows, first + kExactRows);
    for (uint32_t i = 0; i < count; ++i)
      std::fill_n(scratch.sums.begin() + size_t(i) * lanes, columns, 0.0f);
    accumulateRows(array, lanes, columns, first, last, scratch);
    for (uint32_t i = 0; i < count; ++i) {
      const float *acc = scratch.sums.data() + size_t(i) * lanes;
      for (uint32_t n = 0; n < columns; ++n)
        products[i].out[n] +=
            static_cast<uint32_t>(static_cast<int32_t>(acc[n]));
    }
  }
}

} // namespace

void multiply(const InstalledArray &array, DType dtype, uint32_t lanes,
              const Product *products, uint32_t count,
              ProductScratch &scratch) {
  if (dtype == DType::I8)
    multiplyInt8(array, lanes, products, count, scratch);
  else
    multiplyFloat(array, dtype, lanes, products, count, scratch);
}

} // namespace lpu
