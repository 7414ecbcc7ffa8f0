// Sobol indices against the Ishigami function's closed forms (Ishigami and Homma 1990; a = 7,
// b = 0.1 on [-pi, pi]^3): S1 = 0.3139, S2 = 0.4424, S3 = 0; ST1 = 0.5576, ST2 = 0.4424,
// ST3 = 0.2437.
#include "analysis/sensitivity.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <set>

using namespace labourshift::analysis;

TEST_CASE("Sobol indices recover the Ishigami function's", "[sensitivity]") {
  constexpr std::size_t n = 20000, k = 3;
  const Design d = saltelli(n, k, 20240611);
  std::vector<double> y(d.rows);
  for (std::size_t r = 0; r < d.rows; ++r) {
    const double x1 = M_PI * (2 * d.at(r, 0) - 1), x2 = M_PI * (2 * d.at(r, 1) - 1),
                 x3 = M_PI * (2 * d.at(r, 2) - 1);
    y[r] = std::sin(x1) + 7 * std::sin(x2) * std::sin(x2) + 0.1 * std::pow(x3, 4) * std::sin(x1);
  }
  const SobolIndices s = sobol_indices(y, n, k, 77, 200);
  const double first[] = {0.3139, 0.4424, 0.0}, total[] = {0.5576, 0.4424, 0.2437};
  for (std::size_t i = 0; i < k; ++i) {
    INFO("parameter " << i);
    CHECK(s.first[i].value == Approx(first[i]).margin(0.03));
    CHECK(s.total[i].value == Approx(total[i]).margin(0.03));
    // The bootstrap interval brackets the estimate and, here, the truth.
    CHECK(s.first[i].lo <= s.first[i].value);
    CHECK(s.first[i].value <= s.first[i].hi);
    CHECK(s.total[i].lo - 0.01 <= total[i]);
    CHECK(total[i] <= s.total[i].hi + 0.01);
  }
}

TEST_CASE("a Latin hypercube puts one point in each stratum of every parameter", "[sensitivity]") {
  constexpr std::size_t n = 50, k = 4;
  const Design d = latin_hypercube(n, k, 3);
  for (std::size_t i = 0; i < k; ++i) {
    std::set<std::size_t> strata;
    for (std::size_t j = 0; j < n; ++j) strata.insert(static_cast<std::size_t>(d.at(j, i) * n));
    CHECK(strata.size() == n);
  }
}
