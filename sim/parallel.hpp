// Deterministic parallel loops. Work is cut into fixed-size blocks whose boundaries do not depend
// on the thread count; per-block partial results are joined in block order, so integer counts and
// floating-point sums are bit-identical for any number of threads.
#pragma once

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>

#include <cstddef>
#include <vector>

namespace labourshift::sim {

/// Number of blocks of `block` items covering n items.
constexpr std::size_t block_count(std::size_t n, std::size_t block) {
  return (n + block - 1) / block;
}

/// Calls fn(block_index, begin, end) for every block of [0, n), in parallel. fn must only write
/// to rows in [begin, end) and to per-block slots indexed by block_index.
template <class Fn>
void for_blocks(std::size_t n, std::size_t block, Fn&& fn) {
  const std::size_t nb = block_count(n, block);
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, nb, 1),
      [&](const tbb::blocked_range<std::size_t>& r) {
        for (std::size_t b = r.begin(); b != r.end(); ++b) {
          const std::size_t begin = b * block;
          const std::size_t end = begin + block < n ? begin + block : n;
          fn(b, begin, end);
        }
      },
      tbb::simple_partitioner());
}

/// Calls fn(i) for i in [0, n) in parallel, for loops whose iterations are independent.
template <class Fn>
void for_each_index(std::size_t n, std::size_t grain, Fn&& fn) {
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, grain),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      for (std::size_t i = r.begin(); i != r.end(); ++i) fn(i);
                    });
}

/// Adds a block's partial sums into the totals, entry by entry (to[i] += from[i], converted to
/// the totals' type): the join of per-block results, called in block order.
template <class T, class U>
void add_entries(std::vector<T>& to, const std::vector<U>& from) {
  for (std::size_t i = 0; i < to.size(); ++i) to[i] += static_cast<T>(from[i]);
}

}  // namespace labourshift::sim
