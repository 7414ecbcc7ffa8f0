// Open MPI for many runs (docs/sweeps.md): under mpirun the sweep's points and the moments' rows
// are spread over the ranks, rank r taking points r, r + size, ...; rank 0 gathers them and writes.
// Each point runs exactly as it would alone (its own seeds, any thread count), so the result is
// bit-identical to a run without MPI. Started without mpirun, nothing changes: MPI is not even
// initialised.
#pragma once

#include <cstdlib>
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

}  // namespace labourshift::cli
