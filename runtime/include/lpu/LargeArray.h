//===- LargeArray.h - Arrays of many megabytes on huge pages ----*- C++ -*-===//
//
// A real model's binary carries tens of MB of SRAM image and instructions,
// and its proof and simulated SRAM as much again. Touched 4 KiB page by page,
// those arrays cost a page fault each, which on virtual machines costs more
// than simulating what they hold. So an array of at least kLargeArrayBytes
// gets its own anonymous mapping, aligned and advised for transparent huge
// pages (one fault per 2 MiB); smaller ones come from operator new.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_LARGEARRAY_H
#define LPU_LARGEARRAY_H

#include <cstddef>
#include <cstdint>
#include <vector>

namespace lpu {

constexpr size_t kLargeArrayBytes = size_t(1) << 20;

/// Memory for `bytes` bytes, zeroed when at least kLargeArrayBytes; throws
/// std::bad_alloc when there is none.
void *allocateLargeArray(size_t bytes);
void freeLargeArray(void *memory, size_t bytes);

/// A std allocator over allocateLargeArray.
template <typename T> struct LargeArrayAllocator {
  using value_type = T;
  LargeArrayAllocator() = default;
  template <typename U>
  LargeArrayAllocator(const LargeArrayAllocator<U> &) noexcept {}
  T *allocate(size_t n) {
    return static_cast<T *>(allocateLargeArray(n * sizeof(T)));
  }
  void deallocate(T *p, size_t n) noexcept { freeLargeArray(p, n * sizeof(T)); }
  template <typename U>
  bool operator==(const LargeArrayAllocator<U> &) const noexcept {
    return true;
  }
  template <typename U>
  bool operator!=(const LargeArrayAllocator<U> &) const noexcept {
    return false;
  }
};

template <typename T>
using LargeVector = std::vector<T, LargeArrayAllocator<T>>;

/// A fixed number of zeroed bytes. Unlike a vector's, they are not written
/// when made: a fresh mapping is zero already, and its pages cost nothing
/// until used.
class ZeroedBytes {
public:
  explicit ZeroedBytes(size_t size);
  ZeroedBytes(ZeroedBytes &&other) noexcept;
  ZeroedBytes &operator=(ZeroedBytes &&other) noexcept;
  ~ZeroedBytes();
  uint8_t *data() { return bytes; }
  const uint8_t *data() const { return bytes; }
  size_t size() const { return count; }

private:
  uint8_t *bytes = nullptr;
  size_t count = 0;
};

} // namespace lpu

#endif // LPU_LARGEARRAY_H
