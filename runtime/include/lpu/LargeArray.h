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
#include <memory>
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

/// Many small arrays that together are large (a binary's instruction
/// queues, one per unit) in a few large arrays: the arena hands out memory
/// from front to back and frees it all at once when its last user goes.
class LargeArena {
public:
  /// `expectedBytes` sizes the first large array; more are added if needed.
  explicit LargeArena(size_t expectedBytes) : nextChunkBytes(expectedBytes) {}
  LargeArena(const LargeArena &) = delete;
  LargeArena &operator=(const LargeArena &) = delete;
  ~LargeArena();
  void *allocate(size_t bytes, size_t alignment);

private:
  struct Chunk {
    uint8_t *data;
    size_t size;
  };
  std::vector<Chunk> chunks;
  size_t used = 0; // in the last chunk
  size_t nextChunkBytes;
};

/// A std allocator from a shared LargeArena, or from operator new when it
/// has none (the default, and what a copy of a container gets). Containers
/// hold their arena, so it outlives every array it gave out.
template <typename T> struct ArenaAllocator {
  using value_type = T;
  using propagate_on_container_copy_assignment = std::true_type;
  using propagate_on_container_move_assignment = std::true_type;
  using propagate_on_container_swap = std::true_type;
  ArenaAllocator() = default;
  explicit ArenaAllocator(std::shared_ptr<LargeArena> arena)
      : arena(std::move(arena)) {}
  template <typename U>
  ArenaAllocator(const ArenaAllocator<U> &other) noexcept
      : arena(other.arena) {}
  T *allocate(size_t n) {
    if (!arena)
      return static_cast<T *>(::operator new(n * sizeof(T)));
    return static_cast<T *>(arena->allocate(n * sizeof(T), alignof(T)));
  }
  void deallocate(T *p, size_t) noexcept {
    if (!arena)
      ::operator delete(p);
  }
  ArenaAllocator select_on_container_copy_construction() const { return {}; }
  template <typename U>
  bool operator==(const ArenaAllocator<U> &other) const noexcept {
    return arena == other.arena;
  }
  template <typename U>
  bool operator!=(const ArenaAllocator<U> &other) const noexcept {
    return arena != other.arena;
  }

  std::shared_ptr<LargeArena> arena;
};

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
