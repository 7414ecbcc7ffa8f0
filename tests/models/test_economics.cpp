// Economics that must hold whatever the calibration: neutrality of the price level, a stationary
// economy without AI, flows as JOLTS defines them, bounded dynamics.
#include "helpers.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>

using namespace labourshift;
using namespace labourshift::test;
using models::Model;

namespace {

/// The first (months 1-120) and the fourth (361-480) decade of a 40-year run, for one series.
struct Decades {
  const Model& m;
  const sim::EnsembleResult& r;
  double early(const char* name) const { return mean(m, r, m.ids.series(name), 1, 120); }
  double late(const char* name) const { return mean(m, r, m.ids.series(name), 361, 480); }
  double change(const char* name) const { return late(name) - early(name); }
  double growth(const char* name) const { return late(name) / early(name) - 1.0; }
  std::string describe(std::initializer_list<const char*> names) const {
    std::string out;
    for (const char* name : names) {
      out += std::string(name) + " " + std::to_string(early(name)) + " -> " +
             std::to_string(late(name)) + "; ";
    }
    return out;
  }
};

}  // namespace

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

TEST_CASE("without AI the economy is stationary for 40 years, firms turning over",
          "[economics][stationarity]") {
  // scenarios/steady_state_no_ai.toml for 480 months: the first and the fourth decade agree on
  // unemployment, the openings rate, the labour share and the number of firms, while firms close
  // at the configured idiosyncratic rate (3% a year by default) and new ones take their place.
  const auto m = shipped("steady_state_no_ai",
                         {set("run.months", i64(480)), set("population.workers", i64(20000))});
  const auto r = run(m, 1);
  const auto& id = m->ids;
  const Decades d{*m, r};
  INFO(d.describe({"unemployment_rate", "openings_rate", "labour_share", "active_firms"}));
  CHECK(std::fabs(d.change("unemployment_rate")) < 0.01);
  CHECK(std::fabs(d.change("openings_rate")) < 0.015);
  CHECK(std::fabs(d.change("labour_share")) < 0.03);
  CHECK(std::fabs(d.growth("active_firms")) < 0.02);
  CHECK(d.late("unemployment_rate") < 0.08);
  // Turnover at the BDS rate: exits a year / firms, and every exit replaced.
  const double exits_per_year = 12 * d.early("firm_exits") / d.early("active_firms");
  INFO("firm exits a year: " << exits_per_year);
  CHECK(exits_per_year > 0.02);
  CHECK(exits_per_year < 0.045);
  CHECK(total(*m, r, id.series("firm_entries"), 1, 480) ==
        total(*m, r, id.series("firm_exits"), 1, 480));
}

TEST_CASE("with the default parameters and AI off, the open economy is stationary for 40 years",
          "[economics][stationarity]") {
  // The defaults (bench/scale_1m.toml sets only the size): core demand grows with productivity
  // (balanced growth) and entrants replace retirements, so a 40-year run keeps unemployment, the
  // labour force, the labour share and wages relative to revenue where they started, with
  // demography, quits out of the labour force, founders and on-the-job search all on.
  const auto m =
      shipped("../bench/scale_1m",
              {set("run.months", i64(480)), set("population.workers", i64(20000)),
               set("ai.capability_start", real(0.0)), set("ai.capability_max", real(0.0))});
  REQUIRE(m->scenario.macro.core_growth_per_year == m->scenario.macro.productivity_growth_per_year);
  const auto r = run(m, 1);
  const Decades d{*m, r};
  INFO(d.describe(
      {"unemployment_rate", "labour_force", "labour_share", "active_firms", "openings_rate"}));
  CHECK(std::fabs(d.change("unemployment_rate")) < 0.01);
  CHECK(std::fabs(d.growth("labour_force")) < 0.05);
  CHECK(std::fabs(d.change("labour_share")) < 0.02);
  CHECK(std::fabs(d.growth("active_firms")) < 0.1);
  CHECK(std::fabs(d.change("openings_rate")) < 0.015);
  // Before the balanced-growth default, labour demand fell 1.5% a year and unemployment reached
  // 19% by year 40 in this run.
  CHECK(d.late("unemployment_rate") < 0.06);
}

TEST_CASE("the del Rio-Chanona et al. (2021) configuration lands on their mean-field steady state",
          "[economics][drc]") {
  // scenarios/validation/del_rio_chanona_2021.toml: per occupation of the complete network, with
  // L workers and demand d, the steady state (docs/model.md) has separations delta_u e equal to
  // openings delta_v e + (1 - delta_v) gamma (d - e - v) and to fills v (1 - exp(-u / v)), u = L -
  // e.
  const auto m = shipped("validation/del_rio_chanona_2021", {});
  const auto& sc = m->scenario;
  const double du = sc.labour.idiosyncratic_layoff_rate, dv = sc.labour.spontaneous_openings_rate;
  const auto& firm =
      std::max_element(sc.firms.begin(), sc.firms.end(), [](const auto& a, const auto& b) {
        return a.value.employment_share < b.value.employment_share;
      })->value;  // the class that holds every job
  REQUIRE(firm.employment_share == 1.0);
  const double gamma = firm.hiring_speed;
  REQUIRE(firm.layoff_speed == gamma);
  const auto n = static_cast<double>(m->data.size());
  const auto N = static_cast<double>(sc.population.workers);
  const double E0 = std::round(N * (1.0 - sc.population.initial_unemployment_rate));
  const double L = N / n, d = E0 * (1.0 + sc.labour.vacancy_rate) / n;
  auto openings = [&](double e) { return d - e - (du - dv) * e / ((1.0 - dv) * gamma); };
  auto excess_fills = [&](double e) {
    const double v = openings(e);
    return v * (1.0 - std::exp(-(L - e) / v)) - du * e;
  };
  double lo = 0.5 * L, hi = d / (1.0 + (du - dv) / ((1.0 - dv) * gamma)) - 1e-9;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (excess_fills(mid) > 0 ? lo : hi) = mid;
  }
  const double e = lo, u_rate = (L - e) / L, v = openings(e);
  const auto r = run(m, 1);
  const auto& id = m->ids;
  const int from = 121, to = sc.run.months;
  const double sim_u = mean(*m, r, id.series("unemployment_rate"), from, to);
  const double sim_v = mean(*m, r, id.series("openings"), from, to) / n;
  const double sim_fills = mean(*m, r, id.series("hires"), from, to) / n;
  INFO("mean field: u = " << u_rate << ", openings " << v << ", fills " << du * e << "; run: u = "
                          << sim_u << ", openings " << sim_v << ", fills " << sim_fills);
  CHECK(std::fabs(sim_u - u_rate) < 0.002);
  CHECK(sim_v == Approx(v).epsilon(0.03));
  CHECK(sim_fills == Approx(du * e).epsilon(0.03));
  // Nothing in this configuration is AI, and no firm closes.
  CHECK(total(*m, r, id.series("layoffs_ai"), 1, to) == 0);
  CHECK(total(*m, r, id.series("firm_exits"), 1, to) == 0);
}

TEST_CASE(
    "exposure is not displacement: automation takes routine and coordination tasks, "
    "augmentation works through the demand for output",
    "[economics][augmentation]") {
  const auto m = baseline({}, 12, 2000);
  const auto& occs = m->data.occupations;
  auto x = [&](const std::string& id) {
    for (std::size_t o = 0; o < occs.size(); ++o)
      if (occs[o].id == id) return m->automatable[o];
    FAIL("no occupation " << id);
    return 0.0;
  };
  // Software developers have the highest exposure but little routine or coordination content.
  CHECK(x("software_dev") < x("office_admin"));
  CHECK(x("software_dev") < x("customer_service"));
  CHECK(x("software_dev") < x("project_coord"));
  CHECK(x("software_dev") < 0.5 * occs[11].exposure);

  // Comparative statics in epsilon: with fast AI literacy, an elastic demand for augmented output
  // keeps more software developers than a fixed output (epsilon = 0, every gain displaces), and
  // the revenue side moves with it, so the labour share barely changes.
  const int months = 72;
  auto at = [&](double eps) {
    auto mm = baseline({set("ai.output_demand_elasticity", real(eps)),
                        set("workers.literacy_learning_rate", real(1.0))},
                       months, 20000);
    return std::make_pair(mm, run(mm, 1));
  };
  const auto [m0, r0] = at(0.0);
  const auto [m2, r2] = at(3.0);
  const std::size_t sd = m0->ids.occ("employment") + 11;
  REQUIRE(occs[11].id == "software_dev");
  const double fixed = mean(*m0, r0, sd, 61, months), elastic = mean(*m2, r2, sd, 61, months);
  INFO("software developers (agents), months 61-72: epsilon 0 " << fixed << ", epsilon 3 "
                                                                << elastic);
  CHECK(elastic > 1.05 * fixed);
  const std::size_t ls = m0->ids.series("labour_share");
  CHECK(std::fabs(mean(*m2, r2, ls, 61, months) - mean(*m0, r0, ls, 61, months)) < 0.01);
}

TEST_CASE("without AI capability the output demand elasticity changes nothing",
          "[economics][augmentation]") {
  auto at = [](double eps) {
    auto m = shipped("steady_state_no_ai",
                     {set("run.months", i64(24)), set("population.workers", i64(5000)),
                      set("ai.output_demand_elasticity", real(eps))});
    return run(m, 1);
  };
  CHECK(bitwise_equal(at(0.0).values[0], at(2.0).values[0]));
}

TEST_CASE("turnover falls with the wage, and the economy's churn stays the parameters'",
          "[economics][turnover]") {
  const auto m = baseline({}, 12, 2000);
  const auto& occs = m->data.occupations;
  // tau_o = (w_o / w-bar)^-eta_w with mean 1 over the data's employment, falling in the wage.
  double employment = 0, weighted = 0;
  for (std::size_t o = 0; o < occs.size(); ++o) {
    employment += occs[o].employment;
    weighted += occs[o].employment * m->turnover[o];
    for (std::size_t p = 0; p < occs.size(); ++p) {
      if (occs[p].wage_month_usd > occs[o].wage_month_usd) CHECK(m->turnover[p] < m->turnover[o]);
    }
  }
  CHECK(weighted / employment == Approx(1.0).epsilon(1e-12));
  const auto flat = baseline({set("labour.turnover_wage_elasticity", real(0.0))}, 12, 2000);
  for (double t : flat->turnover) CHECK(t == 1.0);

  // Comparative statics: with the elasticity, computer occupations (high wage) have lower
  // unemployment and retail and frontline service (low wage) higher than with none, while the
  // economy's layoffs and quits move little.
  const int months = 24;
  auto at = [&](double eta) {
    auto mm = baseline({set("labour.turnover_wage_elasticity", real(eta))}, months, 20000);
    return std::make_pair(mm, run(mm, 2));
  };
  const auto [m0, r0] = at(0.0);
  const auto [m1, r1] = at(0.9);
  auto rate = [&](const models::Model& mm, const sim::EnsembleResult& r,
                  std::initializer_list<const char*> group) {
    double u = 0, e = 0;
    for (const char* name : group) {
      std::size_t o = 0;
      while (o < occs.size() && occs[o].id != name) ++o;
      REQUIRE(o < occs.size());
      u += mean(mm, r, mm.ids.occ("unemployment") + o, 7, months);
      e += mean(mm, r, mm.ids.occ("employment") + o, 7, months);
    }
    return u / (u + e);
  };
  const auto computer = {"software_dev", "ai_ml", "it_infra", "it_support"};
  const auto retail = {"service_retail"};
  INFO("computer occupations: " << rate(*m0, r0, computer) << " -> " << rate(*m1, r1, computer)
                                << "; retail and service: " << rate(*m0, r0, retail) << " -> "
                                << rate(*m1, r1, retail));
  // About a quarter lower (24% at this size and seed since the named tech firms hold more of the
  // computer occupations; their AI-attributed layoffs do not move with the wage).
  CHECK(rate(*m1, r1, computer) < 0.8 * rate(*m0, r0, computer));
  CHECK(rate(*m1, r1, retail) > 1.05 * rate(*m0, r0, retail));
  for (const char* flow : {"layoffs_rate", "quits_rate"}) {
    const double before = mean(*m0, r0, m0->ids.series(flow), 7, months);
    const double after = mean(*m1, r1, m1->ids.series(flow), 7, months);
    INFO(flow << ": " << before << " -> " << after);
    CHECK(after == Approx(before).epsilon(0.1));
  }
}

TEST_CASE(
    "539 detailed occupations: the table loads, covers the economy, and moves as the groups do",
    "[economics][detailed]") {
  const std::vector<sim::Setting> size = {set("run.months", i64(36)),
                                          set("population.workers", i64(30000))};
  const auto detailed = shipped("detailed_occupations", size);
  const auto groups = shipped("baseline_2025", size);
  const auto& occs = detailed->data.occupations;
  REQUIRE(occs.size() == 539);
  // A row-stochastic matrix, and the same economy: employment within 5% of the groups' (the 539
  // nodes cover 97% of OEWS), employment-weighted exposure within 0.03.
  for (Eigen::Index i = 0; i < detailed->data.mobility.rows(); ++i)
    CHECK(detailed->data.mobility.row(i).sum() == Approx(1.0).epsilon(1e-9));
  auto weighted = [](const models::OccupationData& d) {
    double e = 0, x = 0;
    for (const auto& o : d.occupations) {
      e += o.employment;
      x += o.employment * o.exposure;
    }
    return std::make_pair(e, x / e);
  };
  const auto [e539, x539] = weighted(detailed->data);
  const auto [e24, x24] = weighted(groups->data);
  CHECK(e539 == Approx(e24).epsilon(0.05));
  CHECK(std::fabs(x539 - x24) < 0.03);
  // Faster AI raises AI-attributed layoffs and unemployment at either level of detail.
  const std::vector<sim::Setting> faster = {set("ai.capability_rate_per_year", real(1.5)),
                                            set("ai.capability_midpoint_month", i64(24))};
  auto effect = [&](const char* name) {
    auto more = size;
    more.insert(more.end(), faster.begin(), faster.end());
    const auto base = shipped(name, size);
    const auto fast = shipped(name, more);
    const auto rb = run(base, 2), rf = run(fast, 2);
    const auto& id = base->ids;
    return std::make_pair(total(*fast, rf, id.series("layoffs_ai"), 13, 36) -
                              total(*base, rb, id.series("layoffs_ai"), 13, 36),
                          mean(*fast, rf, id.series("unemployment_rate"), 25, 36) -
                              mean(*base, rb, id.series("unemployment_rate"), 25, 36));
  };
  const auto [ai539, u539] = effect("detailed_occupations");
  const auto [ai24, u24] = effect("baseline_2025");
  INFO("AI layoffs: +" << ai539 << " (539) +" << ai24 << " (24); unemployment: " << u539
                       << " (539) " << u24 << " (24)");
  CHECK(ai539 > 0);
  CHECK(ai24 > 0);
  CHECK(u539 > 0);
  CHECK(u24 > 0);
}
