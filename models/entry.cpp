// Entrants: graduates join the labour force every month and search at once.
#include "models/phases.hpp"
#include "sim/random.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace labourshift::models {

void enter_labour_force(const Model& m, DrawKey key, const Environment& env,
                        const OccupationState& occ, const Stocks& stocks, WorkerTable& W,
                        MonthFlows& flows, MonthLists& lists) {
  const Scenario& sc = m.scenario;
  const std::size_t O = m.data.size();
  const int month = env.month;
  // Graduates join unemployment every month, trained in proportion to
  // employment `lag` months ago, tilted toward occupations that were growing then.
  const auto& wp = sc.workers;
  const double labour_force =
      std::accumulate(stocks.employed.begin(), stocks.employed.end(), 0.0) +
      std::accumulate(stocks.unemployed.begin(), stocks.unemployed.end(), 0.0) +
      std::accumulate(stocks.founders.begin(), stocks.founders.end(), 0.0);
  const std::uint64_t seed = key.seed;
  sim::Stream count_rng(seed, key.replication, static_cast<std::uint32_t>(month), stream::kEntry,
                        0xffffffffU);
  const double expected = labour_force * wp.entrant_rate_per_year / 12.0;
  const auto n_new = static_cast<std::size_t>(std::floor(expected + count_rng.uniform()));
  if (n_new == 0) return;
  const std::size_t h = occ.employment_history.size();
  const std::size_t lag = static_cast<std::size_t>(wp.entrant_mix_lag_months);
  const std::vector<double>& then = occ.employment_history[h > lag ? h - 1 - lag : 0];
  const std::vector<double>& before = occ.employment_history[h > lag + 12 ? h - 1 - lag - 12 : 0];
  std::vector<double> cdf(O);
  double acc = 0;
  for (std::size_t o = 0; o < O; ++o) {
    const double growth = before[o] > 0 ? then[o] / before[o] - 1.0 : 0.0;
    acc += then[o] * std::max(0.1, 1.0 + wp.entrant_growth_tilt * growth);
    cdf[o] = acc;
  }
  const std::size_t first = W.size();
  W.append(n_new);
  for (std::size_t row = first; row < first + n_new; ++row) {
    sim::Stream rng(seed, key.replication, static_cast<std::uint32_t>(month), stream::kEntry,
                    W.id[row]);
    const double u = rng.uniform() * acc;
    const auto o = std::min(
        static_cast<std::size_t>(std::upper_bound(cdf.begin(), cdf.end(), u) - cdf.begin()), O - 1);
    W.status[row] = static_cast<std::uint8_t>(Status::kUnemployed);
    W.occupation[row] = static_cast<OccupationId>(o);
    W.age[row] = static_cast<std::uint8_t>(wp.entrant_age);
    W.literacy[row] = static_cast<float>(wp.entrant_literacy);
    W.wage[row] = static_cast<float>(occ.wage[o] / env.productivity);
    ++flows.transitions[kEntrant * O + o];
    lists.seekers.push_back(static_cast<std::uint32_t>(row));  // entrants search at once
  }
}

}  // namespace labourshift::models
