// The AI reallocation: the paradox, comparative statics, accounting and
// capacity identities, reliability.
#include "helpers.hpp"
#include "models/ai_environment.hpp"
#include "models/phases.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
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

TEST_CASE("a WARN notice is 50 persons at one site: the closed form over sites", "[firms][warn]") {
  models::WorkerParams rules;
  rules.warn_threshold_persons = 50;
  rules.warn_min_employer_persons = 100;
  rules.warn_one_third_rule = false;
  // One site: a notice exactly when the loss reaches 50.
  CHECK(models::warn_sites(1000, 49, 1, rules).notices == 0);
  const auto one = models::warn_sites(1000, 50, 1, rules);
  CHECK(one.notices == 1);
  CHECK(one.persons == Approx(50));
  // Employers under 100 file nothing, whatever they lay off.
  CHECK(models::warn_sites(99, 99, 1, rules).notices == 0);
  // S sites of sizes falling as 1/j lose the same share: site j loses L / (j H_S), so the
  // notices are the j with L / (j H_S) >= 50 and hold L H_n / H_S persons.
  const double staff = 100000, laid_off = 5000, sites = 1000;
  const double hs = models::harmonic(sites);
  double brute_n = 0, brute_persons = 0;
  for (int j = 1; j <= 1000; ++j) {
    const double loss = laid_off / (j * hs);
    if (loss >= 50) {
      ++brute_n;
      brute_persons += loss;
    }
  }
  const auto many = models::warn_sites(staff, laid_off, sites, rules);
  CHECK(many.notices == brute_n);
  CHECK(many.persons == Approx(brute_persons).epsilon(1e-9));
  CHECK(many.smallest >= 50);
  CHECK(many.largest == Approx(laid_off / hs));
  // The asymptotic harmonic number is the sum's.
  double h = 0;
  for (int j = 1; j <= 5000; ++j) h += 1.0 / j;
  CHECK(models::harmonic(5000) == Approx(h).epsilon(1e-12));
  // A closing firm (everyone laid off) files at every site of 50 or more, under either rule.
  rules.warn_one_third_rule = true;
  const auto closing = models::warn_sites(staff, staff, sites, rules);
  CHECK(closing.notices == std::floor(staff / (50 * hs)));
  // The federal one-third test: a 5% cut files only at sites losing 500 or more.
  const auto federal = models::warn_sites(staff, laid_off, sites, rules);
  CHECK(federal.notices == std::floor(laid_off / (500 * hs)));
  CHECK(federal.notices < many.notices);
}

TEST_CASE("WARN notices: the table's rows add up to the month's series", "[firms][warn]") {
  const auto m = baseline({}, 12);
  const auto r = run(m, 2);
  const auto& id = m->ids;
  constexpr std::size_t kColumns = 8;
  const auto& rows = r.events[id.events("events/warn")];
  REQUIRE(rows.size() % kColumns == 0);
  REQUIRE(!rows.empty());
  double notices = 0, persons = 0;
  for (std::size_t i = 0; i < rows.size(); i += kColumns) {
    notices += static_cast<double>(rows[i + 4]);
    persons += static_cast<double>(rows[i + 5]);
    CHECK(rows[i + 4] > 0);
    // Each notice holds 50 or more persons, and the notices no more than the firm laid off.
    CHECK(static_cast<double>(rows[i + 5]) >=
          m->scenario.workers.warn_threshold_persons * static_cast<double>(rows[i + 4]) - 0.5);
    CHECK(rows[i + 5] <= rows[i + 6]);
    CHECK(rows[i + 7] >= 0);
    CHECK(rows[i + 7] <= 3);
  }
  CHECK(notices == total(*m, r, id.series("warn_notices"), 1, 12));
  const double series_persons = total(*m, r, id.series("warn_persons"), 1, 12);
  CHECK(std::fabs(persons - series_persons) <= 0.5 * static_cast<double>(rows.size() / kColumns));
  for (int month = 1; month <= 12; ++month) {
    const double median = mean(*m, r, id.series("warn_median_persons"), month, month);
    if (std::isfinite(median)) CHECK(median >= m->scenario.workers.warn_threshold_persons);
  }
}

TEST_CASE("named firms start at their headcount in their class, and sell AI as the data says",
          "[firms][named]") {
  const auto m = baseline({}, 1);
  const models::LabourMarket lm(m, 0);
  const auto& F = lm.firms();
  const auto& named = m->firm_data.named;
  REQUIRE(named.size() >= 6);
  REQUIRE(F.named_rows.size() == named.size());
  for (std::size_t j = 0; j < named.size(); ++j) {
    INFO(named[j].name);
    const auto agents = std::llround(named[j].employees / m->persons_per_agent);
    if (agents == 0) {
      CHECK(F.named_rows[j] == models::FirmTable::kNoRow);
      continue;
    }
    const std::uint32_t f = F.named_rows[j];
    REQUIRE(f != models::FirmTable::kNoRow);
    CHECK(F.named[f] == j + 1);
    CHECK(F.firm_class[f] == named[j].firm_class);
    CHECK(F.ai_seller[f] == (named[j].ai_seller ? 1 : 0));
    CHECK(F.real_firms[f] == 1);
    double staff = 0;  // the set-up's staff: headcount is before any month has run
    for (std::size_t o = 0; o < F.occupations; ++o) staff += F.headcount[F.cell(f, o)];
    CHECK(staff == static_cast<double>(agents));
  }
  // The classes the data places them in: Microsoft sells AI, Apple does not.
  for (std::size_t j = 0; j < named.size(); ++j) {
    if (named[j].name == "Microsoft") CHECK(named[j].ai_seller);
    if (named[j].name == "Apple") CHECK_FALSE(named[j].ai_seller);
  }
}

TEST_CASE("the US size bands: real firms and persons add up, groups reach group_agents",
          "[firms][susb]") {
  const auto m = baseline({}, 1);
  const models::LabourMarket lm(m, 0);
  const auto& F = lm.firms();
  const std::size_t k = class_index(*m, "enterprise");
  const double ppa = m->persons_per_agent;
  double us_firms = 0, us_employment = 0;
  for (const auto& b : m->firm_data.bands) {
    us_firms += b.firms;
    us_employment += b.employment;
  }
  double real_total = 0, agents = 0;
  std::size_t model_firms = 0, below = 0;
  for (std::size_t f = 0; f < F.size(); ++f) {
    if (F.firm_class[f] != k || F.named[f] != 0) continue;
    ++model_firms;
    real_total += F.real_firms[f];
    double staff = 0;
    for (std::size_t o = 0; o < F.occupations; ++o) staff += F.headcount[F.cell(f, o)];
    agents += staff;
    CHECK(F.sites[f] >= 1);
    // A group holds group_agents' worth of persons (to the agent); a lone real firm may be larger.
    if (staff + 1 < m->scenario.firms[k].value.group_agents) ++below;
  }
  // The class's real firms are the US count scaled by the persons it holds.
  const double expected = us_firms * agents * ppa / us_employment;
  CHECK(real_total == Approx(expected).epsilon(0.01));
  CHECK(below <= 1);  // the last band's remainder group, at most
  CHECK(static_cast<double>(model_firms) < real_total / 1000);  // grouped: far fewer model firms
  // At one model firm per real firm (group_agents = 1) and a fine scale the model firms are the
  // real firms of the top band's largest sizes and everyone grouped below them.
  const auto fine = baseline({set("firms.enterprise.group_agents", real(1.0))}, 1);
  const models::LabourMarket lf(fine, 0);
  std::size_t fine_firms = 0;
  for (std::size_t f = 0; f < lf.firms().size(); ++f)
    fine_firms += lf.firms().firm_class[f] == k ? 1 : 0;
  CHECK(fine_firms > 20 * model_firms);
}

TEST_CASE("bad firm data names the file, line, column and value", "[firms][named][input]") {
  const auto dir = std::filesystem::temp_directory_path() / "labourshift_named_firms";
  std::filesystem::create_directories(dir);
  const auto file = dir / "named.csv";
  {
    std::ofstream out(file);
    out << "# test\nname,class,employees,as_of,ai_seller,ai_position\n"
        << "Acme,hyperscaler,1000,2024-01-01,1,x\nBeta,no_such_class,1000,2024-01-01,0,y\n";
  }
  const std::vector<sim::Setting> settings = {set("data.named_firms", sim::Value{file.string()})};
  try {
    (void)test::baseline(settings, 1, 2000);
    FAIL("no error");
  } catch (const sim::InputError& e) {
    const std::string what = e.what();
    CHECK_THAT(what, Catch::Contains(file.string() + ":4"));
    CHECK_THAT(what, Catch::Contains("column 'class' = 'no_such_class'"));
    CHECK_THAT(what, Catch::Contains("allowed: hyperscaler"));
  }
  // Without named firms the run has none, and no /by_firm.
  const auto off = baseline({set("data.use_named_firms", sim::Value{false})}, 1);
  CHECK(off->firm_data.named.empty());
  for (const auto& s : off->layout.specs()) CHECK(s.group != "by_firm");
  std::filesystem::remove_all(dir);
}
