// Economics that must hold whatever the calibration: neutrality of the price level, a stationary
// economy without AI, flows as JOLTS defines them, bounded dynamics.
#include "helpers.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <string>

using namespace labourshift;
using namespace labourshift::test;
using models::Model;

TEST_CASE("the price level is neutral: real outcomes do not depend on inflation",
          "[economics][price_level]") {
  // The model runs in real dollars; the CPI path only converts the nominal outputs. So every
  // real series of baseline_2025 must be the same, bit for bit, at 0%, 2.5% and 5% inflation,
  // and the nominal mean wage must be the real one times the price level.
  const int months = 30;
  auto at_inflation = [&](double pi) {
    auto m = baseline({set("macro.inflation_per_year", real(pi))}, months, 20000);
    return std::make_pair(m, run(m, 1));
  };
  const auto [m0, r0] = at_inflation(0.0);
  const auto& ids = m0->ids;
  const std::size_t nominal = ids.series("mean_wage_nominal");
  const std::size_t price = ids.series("price_level");
  for (double pi : {0.025, 0.05}) {
    const auto [m, r] = at_inflation(pi);
    REQUIRE(r.values[0].size() == r0.values[0].size());
    const std::size_t width = m->layout.size();
    std::size_t differing = 0;
    for (std::size_t i = 0; i < r.values[0].size(); ++i) {
      const std::size_t metric = i % width;
      if (metric == nominal || metric == price) continue;
      if (!(r.values[0][i] == r0.values[0][i] ||
            (std::isnan(r.values[0][i]) && std::isnan(r0.values[0][i]))))
        ++differing;
    }
    CHECK(differing == 0);
    const double ai0 = total(*m0, r0, ids.series("layoffs_ai"), 1, months);
    CHECK(total(*m, r, ids.series("layoffs_ai"), 1, months) == ai0);
    CHECK(total(*m, r, ids.series("unemployment_rate"), 1, months) ==
          total(*m0, r0, ids.series("unemployment_rate"), 1, months));
    for (int t : {1, 12, months}) {
      const double level = std::pow(1.0 + pi, t / 12.0);
      CHECK(total(*m, r, price, t, t) == Approx(level).epsilon(1e-12));
      CHECK(total(*m, r, nominal, t, t) ==
            Approx(level * total(*m0, r0, ids.series("mean_wage"), t, t)).epsilon(1e-12));
    }
  }
}
