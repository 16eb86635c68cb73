//===- SramCellTableTest.cpp - The paged per-cell table against a vector --===//
//
// The scheduler, verifier and tree order trust the table to behave as the
// dense vector it replaced: every cell starts at the initial value, cells
// on one page are independent, and reset forgets them all.
//
//===----------------------------------------------------------------------===//

#include "dialects/LPU/Machine/SramCellTable.h"

#include <gtest/gtest.h>

#include <random>

using lpuc::lpu::SramCellTable;

namespace {

TEST(SramCellTable, MatchesADenseVector) {
  const int64_t numCells = 88 * 8192; // lpu-v1
  SramCellTable<int32_t> table(numCells, -1);
  std::vector<int32_t> dense(numCells, -1);
  std::mt19937 random(3);
  for (int i = 0; i < 20000; ++i) {
    // Mostly low addresses of a few slices, as placement fills them, and
    // the table's first and last cells.
    int64_t cell = (random() % 6) * 8192 + random() % 600;
    if (i % 1000 == 0)
      cell = i % 2000 ? numCells - 1 : 0;
    if (random() % 2) {
      table[cell] = i;
      dense[cell] = i;
    }
    ASSERT_EQ(table[cell], dense[cell]) << "cell " << cell;
  }
  for (int64_t cell = 0; cell < numCells; cell += 7)
    ASSERT_EQ(table[cell], dense[cell]) << "cell " << cell;
}

TEST(SramCellTable, ResetForgetsEveryCell) {
  SramCellTable<std::vector<int>> table(5000);
  table[4999].push_back(1);
  table[17].push_back(2);
  table.reset(5000, {9});
  EXPECT_EQ(table[4999], std::vector<int>{9});
  EXPECT_EQ(table[17], std::vector<int>{9});
}

} // namespace
