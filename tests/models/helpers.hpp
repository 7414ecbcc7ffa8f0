// Shared helpers of the model tests: build scenarios in code and run ensembles in process.
#pragma once

#include "models/labour_market.hpp"
#include "sim/runner.hpp"

#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace labourshift::test {

inline sim::Setting set(const std::string& key, sim::Value v) {
  return sim::Setting{key, std::move(v), sim::Origin{"test", 0}};
}
inline sim::Value real(double x) { return sim::Value{x}; }
inline sim::Value i64(std::int64_t x) { return sim::Value{x}; }

/// scenarios/NAME.toml with extra settings applied.
inline std::shared_ptr<const models::Model> shipped(const std::string& name,
                                                    const std::vector<sim::Setting>& extra) {
  auto s = models::load_scenario(std::string(LABOURSHIFT_SCENARIOS) + "/" + name + ".toml");
  models::scenario_schema().apply(s, extra);
  models::validate(s);
  return models::Model::build(s);
}

/// scenarios/baseline_2025.toml, shortened and shrunk, with extra settings applied.
inline std::shared_ptr<const models::Model> baseline(const std::vector<sim::Setting>& extra,
                                                     int months, std::int64_t workers) {
  std::vector<sim::Setting> settings = {set("run.months", i64(months)),
                                        set("population.workers", i64(workers))};
  settings.insert(settings.end(), extra.begin(), extra.end());
  return shipped("baseline_2025", settings);
}

inline sim::EnsembleResult run(const std::shared_ptr<const models::Model>& m, int replications) {
  sim::EnsembleOptions o;
  o.replications = replications;
  o.months = m->scenario.run.months;
  return sim::run_ensemble(
      [&](std::uint32_t r) { return std::make_unique<models::LabourMarket>(m, r); }, m->layout, o,
      nullptr);
}

/// Bit-for-bit equality of two vectors of doubles: NaN (an undefined metric) equals itself, and
/// -0.0 differs from 0.0, as h5diff would see them.
inline bool bitwise_equal(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

/// Sum over replications and months [from, to] (1-based, inclusive) of the metric at `offset`.
inline double total(const models::Model& m, const sim::EnsembleResult& r, std::size_t offset,
                    int from, int to) {
  double s = 0;
  for (const auto& v : r.values) {
    for (int t = from; t <= to; ++t)
      s += v[static_cast<std::size_t>(t - 1) * m.layout.size() + offset];
  }
  return s;
}

/// Mean over replications and months [from, to] of the metric at `offset`.
inline double mean(const models::Model& m, const sim::EnsembleResult& r, std::size_t offset,
                   int from, int to) {
  return total(m, r, offset, from, to) /
         static_cast<double>(r.values.size() * static_cast<std::size_t>(to - from + 1));
}

}  // namespace labourshift::test
