// Open MPI for many runs (docs/sweeps.md): under mpirun the sweep's points, the moments' rows and
// a run's replications are spread over the ranks, rank r taking points r, r + size, ...; rank 0
// gathers them and writes.
// Each point runs exactly as it would alone (its own seeds, any thread count), so the result is
// bit-identical to a run without MPI. Started without mpirun, nothing changes: MPI is not even
// initialised.
#pragma once

#include "sim/runner.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <numeric>
#include <vector>

#ifdef LABOURSHIFT_MPI
#include <mpi.h>
#endif

namespace labourshift::cli {

struct Ranks {
  int rank = 0;
  int size = 1;
  bool active = false;  ///< MPI_Init was called
};

inline Ranks& ranks() {
  static Ranks r;
  return r;
}

/// MPI_Init when the process was launched by mpirun (Open MPI's or a PMI launcher's environment).
inline void mpi_start(int* argc, char*** argv) {
#ifdef LABOURSHIFT_MPI
  if (std::getenv("OMPI_COMM_WORLD_SIZE") == nullptr && std::getenv("PMI_SIZE") == nullptr) return;
  MPI_Init(argc, argv);
  Ranks& r = ranks();
  MPI_Comm_rank(MPI_COMM_WORLD, &r.rank);
  MPI_Comm_size(MPI_COMM_WORLD, &r.size);
  r.active = true;
#else
  (void)argc;
  (void)argv;
#endif
}

inline void mpi_stop() {
#ifdef LABOURSHIFT_MPI
  if (ranks().active) MPI_Finalize();
#endif
}

/// Whether this rank computes point `p`.
inline bool mine(std::size_t p) {
  return p % static_cast<std::size_t>(ranks().size) == static_cast<std::size_t>(ranks().rank);
}

/// Rank 0 collects every rank's points: `v` holds `width` values per point (point-major); after
/// the call rank 0's `v` has each point's values from the rank that computed it.
inline void gather_points(std::vector<double>& v, std::size_t width) {
#ifdef LABOURSHIFT_MPI
  const Ranks& r = ranks();
  if (!r.active || r.size == 1) return;
  const int n = static_cast<int>(v.size());
  if (r.rank != 0) {
    MPI_Send(v.data(), n, MPI_DOUBLE, 0, 17, MPI_COMM_WORLD);
    return;
  }
  std::vector<double> other(v.size());
  for (int from = 1; from < r.size; ++from) {
    MPI_Recv(other.data(), n, MPI_DOUBLE, from, 17, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    for (std::size_t p = 0; p * width < v.size(); ++p) {
      if (p % static_cast<std::size_t>(r.size) != static_cast<std::size_t>(from)) continue;
      for (std::size_t j = 0; j < width; ++j) v[p * width + j] = other[p * width + j];
    }
  }
#else
  (void)v;
  (void)width;
#endif
}

#ifdef LABOURSHIFT_MPI
namespace detail {
template <class T>
MPI_Datatype mpi_type();
template <>
inline MPI_Datatype mpi_type<double>() {
  return MPI_DOUBLE;
}
template <>
inline MPI_Datatype mpi_type<std::int64_t>() {
  return MPI_INT64_T;
}
template <class T>
void send_vector(const std::vector<T>& v, int to) {
  const auto n = static_cast<std::int64_t>(v.size());
  MPI_Send(&n, 1, MPI_INT64_T, to, 23, MPI_COMM_WORLD);
  if (n > 0) MPI_Send(v.data(), static_cast<int>(n), mpi_type<T>(), to, 24, MPI_COMM_WORLD);
}
template <class T>
std::vector<T> receive_vector(int from) {
  std::int64_t n = 0;
  MPI_Recv(&n, 1, MPI_INT64_T, from, 23, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  std::vector<T> v(static_cast<std::size_t>(n));
  if (n > 0)
    MPI_Recv(v.data(), static_cast<int>(n), mpi_type<T>(), from, 24, MPI_COMM_WORLD,
             MPI_STATUS_IGNORE);
  return v;
}
}  // namespace detail
#endif

/// Element-wise sum of `v` over the ranks, on every rank (MPI_Allreduce); a no-op without MPI.
inline void sum_over_ranks(std::vector<double>& v) {
#ifdef LABOURSHIFT_MPI
  if (!ranks().active || ranks().size == 1) return;
  MPI_Allreduce(MPI_IN_PLACE, v.data(), static_cast<int>(v.size()), MPI_DOUBLE, MPI_SUM,
                MPI_COMM_WORLD);
#else
  (void)v;
#endif
}

/// Rank 0 collects the replications every rank ran (run_ensemble with stride = ranks, offset =
/// rank, keep_months and keep_events): their months done, every month's values, statics and
/// event rows. After the call rank 0's result holds all replications, each table's rows in
/// replication order (column 0 of every event table is the replication), as one process running
/// them all would have them. A no-op without MPI or on one rank.
inline void gather_replications(sim::EnsembleResult& res,
                                const std::vector<std::size_t>& event_columns) {
#ifdef LABOURSHIFT_MPI
  const Ranks& r = ranks();
  if (!r.active || r.size == 1) return;
  const auto reps = res.months_done.size();
  const auto stride = static_cast<std::size_t>(r.size);
  if (r.rank != 0) {
    for (std::size_t rep = static_cast<std::size_t>(r.rank); rep < reps; rep += stride) {
      std::vector<double> head = {static_cast<double>(res.months_done[rep]),
                                  static_cast<double>(res.statics[rep].size())};
      detail::send_vector(head, 0);
      detail::send_vector(res.values[rep], 0);
      for (const auto& s : res.statics[rep]) detail::send_vector(s, 0);
    }
    for (const auto& rows : res.events) detail::send_vector(rows, 0);
    return;
  }
  for (int from = 1; from < r.size; ++from) {
    for (std::size_t rep = static_cast<std::size_t>(from); rep < reps; rep += stride) {
      const std::vector<double> head = detail::receive_vector<double>(from);
      res.months_done[rep] = static_cast<int>(head[0]);
      res.values[rep] = detail::receive_vector<double>(from);
      res.statics[rep].clear();
      for (std::size_t s = 0; s < static_cast<std::size_t>(head[1]); ++s)
        res.statics[rep].push_back(detail::receive_vector<double>(from));
    }
    for (std::size_t e = 0; e < res.events.size(); ++e) {
      const std::vector<std::int64_t> rows = detail::receive_vector<std::int64_t>(from);
      res.events[e].insert(res.events[e].end(), rows.begin(), rows.end());
    }
  }
  // Each table's rows in replication order; a replication's rows keep their (month) order.
  for (std::size_t e = 0; e < res.events.size(); ++e) {
    const std::size_t w = event_columns[e];
    auto& rows = res.events[e];
    std::vector<std::size_t> order(rows.size() / w);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return rows[a * w] < rows[b * w]; });
    std::vector<std::int64_t> sorted;
    sorted.reserve(rows.size());
    for (const std::size_t i : order)
      sorted.insert(sorted.end(), rows.begin() + static_cast<std::ptrdiff_t>(i * w),
                    rows.begin() + static_cast<std::ptrdiff_t>((i + 1) * w));
    rows = std::move(sorted);
  }
#else
  (void)res;
  (void)event_columns;
#endif
}

}  // namespace labourshift::cli
