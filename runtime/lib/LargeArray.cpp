//===- LargeArray.cpp - Arrays of many megabytes on huge pages ------------===//

#include "lpu/LargeArray.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <new>
#include <utility>

#include <sys/mman.h>

namespace lpu {

namespace {
constexpr size_t kHugePageBytes = size_t(2) << 20;

size_t mappedBytes(size_t bytes) {
  return (bytes + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
}
} // namespace

void *allocateLargeArray(size_t bytes) {
  if (bytes < kLargeArrayBytes)
    return ::operator new(bytes);
  if (bytes > SIZE_MAX - 2 * kHugePageBytes)
    throw std::bad_alloc();
  // Map one huge page more than needed, then unmap the slack on both sides
  // so that the array starts on a huge-page boundary.
  const size_t size = mappedBytes(bytes);
  void *raw = ::mmap(nullptr, size + kHugePageBytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED)
    throw std::bad_alloc();
  const uintptr_t start = reinterpret_cast<uintptr_t>(raw);
  const uintptr_t aligned = mappedBytes(start);
  if (aligned > start)
    ::munmap(raw, aligned - start);
  if (const size_t tail = start + kHugePageBytes - aligned)
    ::munmap(reinterpret_cast<void *>(aligned + size), tail);
  auto *memory = reinterpret_cast<void *>(aligned);
#ifdef MADV_HUGEPAGE
  ::madvise(memory, size, MADV_HUGEPAGE);
#endif
  return memory;
}

void freeLargeArray(void *memory, size_t bytes) {
  if (!memory)
    return;
  if (bytes < kLargeArrayBytes)
    ::operator delete(memory);
  else
    ::munmap(memory, mappedBytes(bytes));
}

LargeArena::~LargeArena() {
  for (const Chunk &chunk : chunks)
    freeLargeArray(chunk.data, chunk.size);
}

void *LargeArena::allocate(size_t bytes, size_t alignment) {
  if (!chunks.empty()) {
    const Chunk &last = chunks.back();
    const size_t start = (used + alignment - 1) & ~(alignment - 1);
    if (start <= last.size && bytes <= last.size - start) {
      used = start + bytes;
      return last.data + start;
    }
  }
  // operator new aligns for every fundamental type, as mappings do.
  const size_t size = std::max(bytes, nextChunkBytes);
  chunks.push_back({static_cast<uint8_t *>(allocateLargeArray(size)), size});
  nextChunkBytes = std::max(nextChunkBytes, size) * 2;
  used = bytes;
  return chunks.back().data;
}

ZeroedBytes::ZeroedBytes(size_t size)
    : bytes(static_cast<uint8_t *>(allocateLargeArray(size))), count(size) {
  if (size < kLargeArrayBytes)
    std::memset(bytes, 0, size);
}

ZeroedBytes::ZeroedBytes(ZeroedBytes &&other) noexcept
    : bytes(std::exchange(other.bytes, nullptr)),
      count(std::exchange(other.count, 0)) {}

ZeroedBytes &ZeroedBytes::operator=(ZeroedBytes &&other) noexcept {
  if (this != &other) {
    freeLargeArray(bytes, count);
    bytes = std::exchange(other.bytes, nullptr);
    count = std::exchange(other.count, 0);
  }
  return *this;
}

ZeroedBytes::~ZeroedBytes() { freeLargeArray(bytes, count); }

} // namespace lpu
