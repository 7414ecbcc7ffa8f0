// Scratch memory that a phase reuses from month to month. A phase's large temporary arrays (the
// month's applications, the offer rounds' state) are hundreds of megabytes at a full-scale
// population; allocated afresh each month, glibc maps them from the kernel and returns them on
// free, so every month paid the page faults and the zeroing of fresh pages again (at 170 M workers
// about 2.4 GB a month). A Scratch keeps its buffers between calls instead: a buffer grows by an
// eighth when a month needs more and never shrinks, and buffers of 4 MiB or more are aligned to
// and advised as transparent huge pages (fewer faults when first touched; what that saves in TLB
// misses was not measured apart).
#pragma once

#include <sys/mman.h>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace labourshift::sim {

class Scratch {
 public:
  /// Buffer `slot` holding at least n values of T, uninitialised (its previous contents are left
  /// as they were). A later call for the same slot may move it; pointers from earlier calls to
  /// other slots stay valid.
  template <class T>
  T* get(std::size_t slot, std::size_t n) {
    static_assert(std::is_trivially_copyable_v<T> && alignof(T) <= kAlign);
    if (slot >= buffers_.size()) buffers_.resize(slot + 1);
    Buffer& b = buffers_[slot];
    const std::size_t bytes = n * sizeof(T);
    if (bytes > b.bytes) {
      const std::size_t want = bytes + bytes / 8;
      b.data.reset();
      b.bytes = 0;
      b.data.reset(allocate(want));
      b.bytes = want;
    }
    return static_cast<T*>(static_cast<void*>(b.data.get()));
  }
  /// Buffer `slot` with its first n values set to `value`.
  template <class T>
  T* filled(std::size_t slot, std::size_t n, T value) {
    T* p = get<T>(slot, n);
    std::fill(p, p + n, value);
    return p;
  }
  /// Bytes held (the memory report).
  std::size_t bytes() const {
    std::size_t total = 0;
    for (const Buffer& b : buffers_) total += b.bytes;
    return total;
  }
  /// The slots of the two largest buffers, largest first (new slots past the last when there
  /// are fewer): a phase that runs between another's uses borrows them rather than allocate.
  std::pair<std::size_t, std::size_t> two_largest() const {
    std::vector<std::size_t> slots(buffers_.size() + 2);
    for (std::size_t i = 0; i < slots.size(); ++i) slots[i] = i;
    auto bytes = [&](std::size_t slot) {
      return slot < buffers_.size() ? buffers_[slot].bytes : 0;
    };
    // Largest first; among equal sizes (the new slots' 0 among them) the lower slot.
    std::stable_sort(slots.begin(), slots.end(),
                     [&](std::size_t a, std::size_t b) { return bytes(a) > bytes(b); });
    return {slots[0], slots[1]};
  }
  /// Frees every buffer (a phase that runs rarely, or before a larger one needs the memory).
  void release() { buffers_.clear(); }

 private:
  static constexpr std::size_t kAlign = 64;
  static constexpr std::size_t kHuge = std::size_t{2} << 20;  ///< a transparent huge page
  struct Free {
    void operator()(std::byte* p) const { std::free(p); }
  };
  struct Buffer {
    std::unique_ptr<std::byte, Free> data;
    std::size_t bytes = 0;
  };
  static std::byte* allocate(std::size_t bytes) {
    const bool huge = bytes >= 2 * kHuge;
    const std::size_t align = huge ? kHuge : kAlign;
    const std::size_t rounded = (bytes + align - 1) / align * align;
    void* p = std::aligned_alloc(align, rounded);
    if (p == nullptr) throw std::bad_alloc();
    // Advice only: where transparent huge pages are off the kernel ignores it.
    if (huge) ::madvise(p, rounded, MADV_HUGEPAGE);
    return static_cast<std::byte*>(p);
  }
  std::vector<Buffer> buffers_;
};

}  // namespace labourshift::sim
