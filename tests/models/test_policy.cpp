// Policy levers: each moves its target indicator in the stated direction
// against baseline_2025, over fixed seeds and several replications.
#include "helpers.hpp"

#include <catch2/catch.hpp>

using namespace labourshift;
using namespace labourshift::test;

namespace {

constexpr int kMonths = 48;
constexpr int kReps = 3;

std::shared_ptr<const models::Model> scenario(const std::vector<sim::Setting>& extra) {
  return test::baseline(extra, kMonths, 40000);
}

double mean_of(const std::shared_ptr<const models::Model>& m, const sim::EnsembleResult& r,
               std::size_t offset) {
  return mean(*m, r, offset, 13, kMonths);
}

}  // namespace

TEST_CASE("each policy lever moves its target indicator", "[policy]") {
  const auto base_m = scenario({});
  const auto base = run(base_m, kReps);
  const auto& id = base_m->ids;
  auto base_mean = [&](std::size_t offset) { return mean_of(base_m, base, offset); };

  SECTION("retraining mandate: more funded reskilling, fewer AI-attributed layoffs") {
    const auto m = scenario({set("policy.retraining_mandate", sim::Value{true})});
    const auto r = run(m, kReps);
    CHECK(mean_of(m, r, id.series("mandated_reskilling")) > 0);
    CHECK(mean_of(m, r, id.series("reskilling_starts")) >
          1.2 * base_mean(id.series("reskilling_starts")));
    CHECK(mean_of(m, r, id.series("layoffs_ai")) < 0.9 * base_mean(id.series("layoffs_ai")));
    CHECK(mean_of(m, r, id.series("layoff_costs")) > 0);
  }
  SECTION("disclosure rule: fewer AI-attributed layoffs") {
    const auto m = scenario({set("policy.disclosure_rule", sim::Value{true})});
    const auto r = run(m, kReps);
    CHECK(mean_of(m, r, id.series("layoffs_ai")) < 0.9 * base_mean(id.series("layoffs_ai")));
  }
  SECTION("unemployment insurance extension: longer spells") {
    const auto m = scenario({set("policy.ui_months", i64(18))});
    const auto r = run(m, kReps);
    CHECK(mean_of(m, r, id.series("ui_recipients")) > 1.1 * base_mean(id.series("ui_recipients")));
    CHECK(mean_of(m, r, id.series("long_term_unemployment_share")) >
          base_mean(id.series("long_term_unemployment_share")));
  }
  SECTION("compute tax: less capex (real investment), some of it paid as tax") {
    const auto m = scenario({set("policy.compute_tax", real(0.5))});
    const auto r = run(m, kReps);
    CHECK(mean_of(m, r, id.series("compute_capacity")) < base_mean(id.series("compute_capacity")));
    CHECK(mean_of(m, r, id.series("capex")) - mean_of(m, r, id.series("compute_tax")) <
          base_mean(id.series("capex")));
    CHECK(mean_of(m, r, id.series("mean_adoption")) < base_mean(id.series("mean_adoption")));
  }
  SECTION("severance: fewer layoffs") {
    const auto m = scenario({set("policy.severance_months", real(6.0))});
    const auto r = run(m, kReps);
    CHECK(mean_of(m, r, id.series("layoffs")) < base_mean(id.series("layoffs")));
  }
  SECTION("hiring subsidy for AI-displaced workers: more of them re-employed quickly") {
    const auto m = scenario({set("policy.hiring_subsidy", real(1.0))});
    const auto r = run(m, kReps);
    double sub = 0, plain = 0;
    for (const auto& st : r.statics)
      sub += st[id.statics("reemployment/ai")][0] + st[id.statics("reemployment/ai")][1];
    for (const auto& st : base.statics)
      plain += st[id.statics("reemployment/ai")][0] + st[id.statics("reemployment/ai")][1];
    CHECK(sub > plain);
  }
  SECTION("internal mobility windows: more redeployments") {
    const auto m = scenario({set("policy.internal_mobility_boost", real(3.0))});
    const auto r = run(m, kReps);
    CHECK(mean_of(m, r, id.series("redeployments")) > 1.5 * base_mean(id.series("redeployments")));
  }
  SECTION("founder grants: more firms survive and are created") {
    const auto m = scenario(
        {set("policy.founder_support", real(2.0)), set("policy.founder_grant_months", real(12.0))});
    const auto r = run(m, kReps);
    CHECK(mean_of(m, r, id.series("firms_created")) > base_mean(id.series("firms_created")));
  }
}

TEST_CASE("a lever starting in 2026-07 leaves 2024-01 to 2026-06 as the baseline, bit for bit",
          "[policy][timing]") {
  // Common random numbers: every draw is keyed by (seed, replication, month, stream, agent), so
  // until the lever starts the two runs are the same run.
  constexpr int kRunMonths = 40, kBefore = 30;  // 2026-07 is month 31
  const auto base_m = test::baseline({}, kRunMonths, 20000);
  const auto base = run(base_m, 1);
  const std::size_t width = base_m->layout.size();
  const auto& id = base_m->ids;
  const std::string start = "2026-07";
  const std::vector<std::pair<std::vector<sim::Setting>, std::string>> levers = {
      {{set("policy.reskilling_subsidy", real(0.8)),
        set("policy.reskilling_subsidy_start", sim::Value{start})},
       "reskilling_starts"},
      {{set("policy.compute_tax", real(0.5)), set("policy.compute_tax_start", sim::Value{start})},
       "compute_tax"},
      {{set("policy.ui_months", i64(18)), set("policy.ui_start", sim::Value{start})},
       "ui_recipients"}};
  for (const auto& [settings, target] : levers) {
    INFO(settings.front().key);
    const auto m = test::baseline(settings, kRunMonths, 20000);
    const auto r = run(m, 1);
    const std::vector<double> a(
        base.values[0].begin(),
        base.values[0].begin() + static_cast<std::ptrdiff_t>(kBefore * width));
    const std::vector<double> b(r.values[0].begin(),
                                r.values[0].begin() + static_cast<std::ptrdiff_t>(kBefore * width));
    CHECK(bitwise_equal(a, b));
    // From its start the lever moves its target.
    const std::size_t at = id.series(target);
    CHECK(total(*m, r, at, kBefore + 1, kRunMonths) !=
          total(*base_m, base, at, kBefore + 1, kRunMonths));
  }
}
