#include "analysis/sensitivity.hpp"

#include "sim/random.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace labourshift::analysis {

namespace {

/// Stream ids of the designs' draws (no model stream reads these: they use phase ids >= 1000).
constexpr std::uint32_t kLatinStream = 1001, kSaltelliStream = 1002, kBootstrapStream = 1003;

struct Estimate {
  double first, total;
};

/// S_i and ST_i over the rows `rows` (indices into 0..n-1) of the design's output.
Estimate estimate(const std::vector<double>& y, std::size_t n, std::size_t i,
                  const std::vector<std::size_t>& rows) {
  double mean = 0;
  for (std::size_t j : rows) mean += y[j] + y[n + j];
  mean /= static_cast<double>(2 * rows.size());
  double var = 0, first = 0, total = 0;
  for (std::size_t j : rows) {
    const double a = y[j], b = y[n + j], ab = y[(2 + i) * n + j];
    var += (a - mean) * (a - mean) + (b - mean) * (b - mean);
    first += b * (ab - a);
    total += (a - ab) * (a - ab);
  }
  var /= static_cast<double>(2 * rows.size() - 1);
  const auto m = static_cast<double>(rows.size());
  if (!(var > 0)) return {0.0, 0.0};
  return {first / m / var, total / (2 * m) / var};
}

}  // namespace

Design latin_hypercube(std::size_t n, std::size_t k, std::uint64_t seed) {
  Design d{n, k, std::vector<double>(n * k)};
  for (std::size_t i = 0; i < k; ++i) {
    sim::Stream rng(seed, 0, 0, kLatinStream, static_cast<std::uint32_t>(i));
    std::vector<std::size_t> strata(n);
    std::iota(strata.begin(), strata.end(), 0);
    for (std::size_t j = n; j > 1; --j)
      std::swap(strata[j - 1], strata[rng.below(static_cast<std::uint32_t>(j))]);
    for (std::size_t j = 0; j < n; ++j)
      d.x[j * k + i] = (static_cast<double>(strata[j]) + rng.uniform()) / static_cast<double>(n);
  }
  return d;
}

Design saltelli(std::size_t n, std::size_t k, std::uint64_t seed) {
  Design d{n * (k + 2), k, std::vector<double>(n * (k + 2) * k)};
  // A and B: 2k independent uniform columns (plain Monte Carlo: unbiased, if less even than a
  // low-discrepancy sequence).
  for (std::size_t part = 0; part < 2; ++part) {
    for (std::size_t i = 0; i < k; ++i) {
      sim::Stream rng(seed, 0, 0, kSaltelliStream, static_cast<std::uint32_t>(part * k + i));
      for (std::size_t j = 0; j < n; ++j) d.x[(part * n + j) * k + i] = rng.uniform();
    }
  }
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      for (std::size_t c = 0; c < k; ++c)
        d.x[((2 + i) * n + j) * k + c] = c == i ? d.at(n + j, c) : d.at(j, c);
    }
  }
  return d;
}

SobolIndices sobol_indices(const std::vector<double>& y, std::size_t n, std::size_t k,
                           std::uint64_t seed, int resamples) {
  if (y.size() != n * (k + 2))
    throw std::invalid_argument("sobol_indices: y is not N (k + 2) long");
  SobolIndices out;
  std::vector<std::size_t> all(n);
  std::iota(all.begin(), all.end(), 0);
  sim::Stream rng(seed, 0, 0, kBootstrapStream, 0);
  std::vector<std::vector<std::size_t>> draws(static_cast<std::size_t>(resamples),
                                              std::vector<std::size_t>(n));
  for (auto& draw : draws)
    for (auto& j : draw) j = rng.below(static_cast<std::uint32_t>(n));
  auto interval = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const auto at = [&](double q) {
      return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))];
    };
    return std::pair{at(0.025), at(0.975)};
  };
  for (std::size_t i = 0; i < k; ++i) {
    const Estimate e = estimate(y, n, i, all);
    std::vector<double> f, t;
    for (const auto& draw : draws) {
      const Estimate b = estimate(y, n, i, draw);
      f.push_back(b.first);
      t.push_back(b.total);
    }
    const auto [flo, fhi] = interval(f);
    const auto [tlo, thi] = interval(t);
    out.first.push_back({e.first, flo, fhi});
    out.total.push_back({e.total, tlo, thi});
  }
  return out;
}

}  // namespace labourshift::analysis
