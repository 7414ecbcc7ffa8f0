// Designs and variance-based sensitivity for sweeps (docs/sweeps.md).
//
// Points live in the unit cube [0, 1)^k; a sweep maps them to parameter ranges. The Saltelli
// design stacks N rows of A, N of B and, for each parameter i, N rows of AB_i (A with column i
// taken from B): N (k + 2) evaluations. First-order indices use Saltelli et al. (2010),
//     S_i = mean(f(B) (f(AB_i) - f(A))) / V,
// total indices Jansen's estimator,
//     ST_i = mean((f(A) - f(AB_i))^2) / (2 V),
// with V the variance of f over A and B; confidence intervals by bootstrap over the N rows.
#pragma once

#include <cstdint>
#include <vector>

namespace labourshift::analysis {

/// Rows x k matrix, row-major.
struct Design {
  std::size_t rows = 0, k = 0;
  std::vector<double> x;  ///< [row * k + i], each in [0, 1)
  double at(std::size_t row, std::size_t i) const { return x[row * k + i]; }
};

/// Latin hypercube: n points, each parameter's range cut in n strata, one point per stratum.
Design latin_hypercube(std::size_t n, std::size_t k, std::uint64_t seed);
/// The Saltelli design for Sobol indices: A (rows 0..N-1), B (N..2N-1), AB_i (rows (2+i)N..).
Design saltelli(std::size_t n, std::size_t k, std::uint64_t seed);

struct SobolIndex {
  double value = 0, lo = 0, hi = 0;  ///< estimate and 95% bootstrap interval
};
struct SobolIndices {
  std::vector<SobolIndex> first, total;  ///< per parameter
};

/// Indices from the outputs y of a saltelli(n, k) design, in its row order; `resamples`
/// bootstrap draws (seeded) for the intervals.
SobolIndices sobol_indices(const std::vector<double>& y, std::size_t n, std::size_t k,
                           std::uint64_t seed, int resamples = 500);

}  // namespace labourshift::analysis
