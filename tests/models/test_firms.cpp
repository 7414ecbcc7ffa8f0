// The AI reallocation: the paradox, comparative statics, accounting and
// capacity identities, reliability.
#include "helpers.hpp"
#include "models/ai_environment.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <numeric>

using namespace labourshift;
using models::Model;

using namespace labourshift::test;

namespace {

std::shared_ptr<const Model> baseline(const std::vector<sim::Setting>& extra = {},
                                      int months = 48) {
  return test::baseline(extra, months, 60000);
}

/// Mean over replications of a metric at month t.
double at(const Model& m, const sim::EnsembleResult& r, std::size_t offset, int t) {
  return total(m, r, offset, t, t) / static_cast<double>(r.values.size());
}

std::size_t class_index(const Model& m, const std::string& name) {
  for (std::size_t k = 0; k < m.class_names.size(); ++k) {
    if (m.class_names[k] == name) return k;
  }
  FAIL("no class " << name);
  return 0;
}

}  // namespace

TEST_CASE("the environment follows its closed forms", "[firms][environment]") {
  models::AiParams ai = models::scenario_schema().make_default().ai;
  CHECK(models::ai_capability(ai, 0) == Approx(ai.capability_start));
  double prev = 0;
  for (int t = 0; t <= 600; t += 12) {
    const double a = models::ai_capability(ai, t);
    CHECK(a >= prev);
    prev = a;
  }
  CHECK(prev == Approx(ai.capability_max).epsilon(0.01));
  CHECK(models::compute_price(ai, 24) ==
        Approx(ai.compute_price_start * std::pow(1 - ai.compute_price_decline_per_year, 2)));
  // Growth decays from g0 to g_inf with the stated half-life.
  const double g_half = models::ai_growth_per_year(ai, ai.growth_halflife_months);
  CHECK(g_half == Approx(ai.growth_long_run_per_year +
                         0.5 * (ai.growth_start_per_year - ai.growth_long_run_per_year)));
  ai.bust_month = 12;
  ai.bust_depth = 0.5;
  CHECK(models::ai_market_index(ai, 12) ==
        Approx(0.5 * models::ai_market_index(ai, 11) *
               std::pow(1 + models::ai_growth_per_year(ai, 12), 1.0 / 12)));
}

TEST_CASE("the paradox: AI revenue and capex rise while exposed headcount falls",
          "[firms][paradox]") {
  const auto m = baseline({}, 24);
  const auto r = run(*&m, 4);
  const auto& id = m->ids;
  for (const char* name : {"hyperscaler", "big_tech"}) {
    INFO(name);
    const std::size_t k = class_index(*m, name);
    const double ai_2024 = total(*m, r, id.cls("ai_revenue") + k, 1, 12);
    const double ai_2025 = total(*m, r, id.cls("ai_revenue") + k, 13, 24);
    const double capex_2024 = total(*m, r, id.cls("capex") + k, 1, 12);
    const double capex_2025 = total(*m, r, id.cls("capex") + k, 13, 24);
    CHECK(ai_2025 > 1.5 * ai_2024);
    CHECK(capex_2025 > 1.2 * capex_2024);
    // Headcount moves from exposed jobs to AI roles: AI roles grow by more than a tenth, the
    // exposed headcount far less (exposure is not displacement: it need not fall).
    const double ai_roles = at(*m, r, id.cls("ai_role_headcount") + k, 24) /
                            at(*m, r, id.cls("ai_role_headcount") + k, 12);
    const double exposed = at(*m, r, id.cls("exposed_headcount") + k, 24) /
                           at(*m, r, id.cls("exposed_headcount") + k, 12);
    INFO("AI roles x" << ai_roles << ", exposed x" << exposed);
    CHECK(ai_roles > 1.1);
    CHECK(exposed < ai_roles - 0.05);
    const double ai_layoffs = total(*m, r, id.cls("layoffs_ai") + k, 13, 24);
    const double layoffs = total(*m, r, id.cls("layoffs") + k, 13, 24);
    INFO("AI-attributed " << ai_layoffs << " of " << layoffs << " layoffs in 2025");
    CHECK(ai_layoffs > 0.1 * layoffs);
  }
}

TEST_CASE("comparative statics of the AI reallocation", "[firms][statics]") {
  const int months = 48, reps = 3;
  const auto base_m = baseline({}, months);
  const auto base = run(base_m, reps);
  const auto& id = base_m->ids;
  const double base_ai = total(*base_m, base, id.series("layoffs_ai"), 1, months);

  SECTION("faster AI capability gives more AI-attributed layoffs") {
    const auto m = baseline({set("ai.capability_rate_per_year", real(1.5)),
                             set("ai.capability_midpoint_month", i64(24))},
                            months);
    CHECK(total(*m, run(m, reps), id.series("layoffs_ai"), 1, months) > 1.1 * base_ai);
  }
  SECTION("a faster compute-price decline gives higher adoption") {
    const auto m = baseline({set("ai.compute_price_decline_per_year", real(0.6))}, months);
    CHECK(at(*m, run(m, reps), id.series("mean_adoption"), months) >
          1.1 * at(*base_m, base, id.series("mean_adoption"), months));
  }
  SECTION("an AI-demand bust lowers utilisation, then brings capex-funding layoffs") {
    const auto m =
        baseline({set("ai.bust_month", i64(24)), set("ai.bust_depth", real(0.6))}, months);
    const auto r = run(m, reps);
    CHECK(at(*m, r, id.series("compute_utilisation"), 27) <
          0.8 * at(*base_m, base, id.series("compute_utilisation"), 27));
    CHECK(total(*m, r, id.series("layoffs_capex_funding"), 25, months) >
          total(*base_m, base, id.series("layoffs_capex_funding"), 25, months));
  }
  SECTION("a higher target margin gives more cuts") {
    const auto m = baseline({set("firms.hyperscaler.target_margin", real(0.36)),
                             set("firms.big_tech.target_margin", real(0.31)),
                             set("firms.enterprise.target_margin", real(0.10))},
                            months);
    CHECK(total(*m, run(m, reps), id.series("layoffs_capex_funding"), 1, months) >
          1.3 * total(*base_m, base, id.series("layoffs_capex_funding"), 1, months));
  }
  SECTION("zero AI capability gives no AI-attributed layoffs at all") {
    const auto m =
        baseline({set("ai.capability_start", real(0)), set("ai.capability_max", real(0))}, months);
    const auto r = run(m, reps);
    CHECK(total(*m, r, id.series("layoffs_ai"), 1, months) == 0);
    CHECK(total(*m, r, id.series("ai_revenue"), 1, months) == 0);
    CHECK(total(*m, r, id.series("layoffs"), 1, months) > 0);
  }
}

TEST_CASE("firm cash and compute capacity identities hold every month", "[firms][identity]") {
  // Severance and disclosure on, so layoff costs enter the accounts too.
  const auto m =
      baseline({set("population.workers", i64(20000)), set("policy.severance_months", real(2.0)),
                set("policy.disclosure_rule", sim::Value{true})},
               36);
  models::LabourMarket lm(m, 0);
  std::vector<double> out(m->layout.size());
  const auto& F = lm.firms();
  std::vector<double> cash = F.cash, capacity = F.capacity;
  double series_cash = std::accumulate(cash.begin(), cash.end(), 0.0);
  for (int t = 1; t <= 36; ++t) {
    lm.step(t, out.data());
    // Firms created by founders this month have no previous month to compare with.
    for (std::size_t f = 0; f < cash.size(); ++f) {
      if (F.active[f] == 0) continue;
      const double flows = F.core_revenue[f] + F.ai_revenue[f] - F.incident_cost[f] -
                           F.wage_bill[f] - F.capex_payment[f] - F.opex[f] - F.other_costs[f] -
                           F.layoff_costs[f];
      REQUIRE(F.cash_change[f] == flows);
      REQUIRE(F.cash[f] == cash[f] + flows);
      REQUIRE(F.capacity[f] == capacity[f] + F.arrivals[f] - F.retirements[f]);
    }
    cash = F.cash;
    capacity = F.capacity;
    // Aggregate: the change in cash equals revenue less costs, to rounding.
    const auto& id = m->ids;
    const double flows = out[id.series("core_revenue")] + out[id.series("ai_revenue")] -
                         out[id.series("incident_cost")] - out[id.series("wage_bill")] -
                         out[id.series("capex")] - out[id.series("compute_opex")] -
                         out[id.series("other_costs")] - out[id.series("layoff_costs")] +
                         out[id.series("new_firm_funding")];
    CHECK(out[id.series("cash")] - series_cash ==
          Approx(flows).epsilon(1e-9).margin(1e-3 * std::fabs(out[id.series("cash")]) * 1e-9));
    series_cash = out[id.series("cash")];
  }
}

TEST_CASE("cutting knowledge-role staff raises the incident rate", "[firms][reliability]") {
  // Deeper budget cuts at AI sellers fall on exposed, well-paid staff, among them knowledge roles
  // (software developers' automatable share is small, but their wage is high), whose tenure is
  // the institutional knowledge that runs the compute.
  const int months = 36, reps = 4;
  const auto base_m = baseline({}, months);
  const auto deep_m = baseline({set("firms.hyperscaler.target_margin", real(0.40)),
                                set("firms.big_tech.target_margin", real(0.35)),
                                set("firms.hyperscaler.max_budget_cut_share", real(0.04)),
                                set("firms.big_tech.max_budget_cut_share", real(0.04))},
                               months);
  const auto base = run(base_m, reps);
  const auto deep = run(deep_m, reps);
  const auto& id = base_m->ids;
  CHECK(total(*deep_m, deep, id.series("knowledge"), 13, months) <
        0.9 * total(*base_m, base, id.series("knowledge"), 13, months));
  CHECK(total(*deep_m, deep, id.series("load_ratio"), 13, months) >
        1.1 * total(*base_m, base, id.series("load_ratio"), 13, months));
  CHECK(total(*deep_m, deep, id.series("incidents"), 13, months) >
        1.15 * total(*base_m, base, id.series("incidents"), 13, months));
}

TEST_CASE("WARN notices match the firm-months with enough layoffs", "[firms][warn]") {
  const auto m = baseline({}, 12);
  const auto r = run(m, 2);
  const auto& id = m->ids;
  const auto& rows = r.events[id.events("events/warn")];
  REQUIRE(rows.size() % 7 == 0);
  CHECK(static_cast<double>(rows.size() / 7) == total(*m, r, id.series("warn_notices"), 1, 12));
  for (std::size_t i = 0; i < rows.size(); i += 7) {
    CHECK(static_cast<double>(rows[i + 5]) >= m->scenario.workers.warn_threshold_persons - 0.5);
    CHECK(rows[i + 4] > 0);
    CHECK(rows[i + 6] >= 0);
    CHECK(rows[i + 6] <= 3);
  }
}
