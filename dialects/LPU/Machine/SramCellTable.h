//===- SramCellTable.h - Per-SRAM-cell state, paid for as used --*- C++ -*-===//
//
// The scheduler, the schedule verifier and the tree order keep a fact per
// SRAM cell (MachineProgram::sramCell). A full chip has 720,896 cells, while a
// small program touches a few hundred; a dense table would cost every compile
// tens of megabytes and milliseconds to set up. This one allocates a page of
// cells the first time one of them is touched.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_DIALECTS_LPU_MACHINE_SRAMCELLTABLE_H
#define LPU_DIALECTS_LPU_MACHINE_SRAMCELLTABLE_H

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <memory>
#include <vector>

namespace lpuc::lpu {

/// A `T` for each of `numCells` cells, each starting as `initial`.
template <typename T> class SramCellTable {
public:
  SramCellTable() = default;
  explicit SramCellTable(int64_t numCells, T initial = T()) {
    reset(numCells, std::move(initial));
  }

  /// Forgets every cell: all read as `initial` again.
  void reset(int64_t numCells, T initial = T()) {
    pages.clear();
    pages.resize(size_t((numCells + kPageCells - 1) / kPageCells));
    this->initial = std::move(initial);
  }

  T &operator[](int64_t cell) {
    assert(cell >= 0 && size_t(cell / kPageCells) < pages.size() &&
           "SRAM cell outside the table");
    std::unique_ptr<T[]> &page = pages[size_t(cell / kPageCells)];
    if (!page) {
      page = std::make_unique<T[]>(kPageCells);
      std::fill_n(page.get(), kPageCells, initial);
    }
    return page[cell % kPageCells];
  }

private:
  // A quarter of an lpu-v1 slice: tensors fill a slice from its low
  // addresses up (SlicePlacer.h), so a small program touches a page or two
  // per slice it uses.
  static constexpr int64_t kPageCells = 2048;

  std::vector<std::unique_ptr<T[]>> pages;
  T initial{};
};

} // namespace lpuc::lpu

#endif // LPU_DIALECTS_LPU_MACHINE_SRAMCELLTABLE_H
