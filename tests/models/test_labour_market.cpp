#include "helpers.hpp"

#include <catch2/catch.hpp>

#include <tbb/global_control.h>

#include <cmath>
#include <numeric>

using namespace labourshift;
using namespace labourshift::test;
using models::Model;

namespace {

/// The labour-market core alone: no AI capability (hence no AI market, adoption or compute) and a
/// closed labour force (no entry, retirement, exit, reskilling or founding), so that E and U
/// trade only through separations and hires.
std::vector<sim::Setting> no_ai() {
  return {set("ai.capability_start", sim::Value{0.0}),
          set("ai.capability_max", sim::Value{0.0}),
          set("workers.entrant_rate_per_year", sim::Value{0.0}),
          set("workers.retirement_hazard", sim::Value{0.0}),
          set("workers.initial_out_of_labour_force_rate", sim::Value{0.0}),
          set("workers.discouraged_exit_rate", sim::Value{0.0}),
          set("reskilling.base_hazard", sim::Value{0.0}),
          set("founders.base_hazard", sim::Value{0.0}),
          set("search.on_the_job_share", sim::Value{0.0}),
          set("labour.quit_to_olf_rate", sim::Value{0.0}),
          set("macro.productivity_growth_per_year", sim::Value{0.0})};
}

std::vector<sim::Setting> with(std::vector<sim::Setting> a, const std::vector<sim::Setting>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::shared_ptr<const Model> small_model(std::vector<sim::Setting> extra = {}) {
  std::vector<sim::Setting> s = {set("population.workers", i64(20000)), set("run.months", i64(36)),
                                 set("run.seed", i64(7))};
  s.insert(s.end(), extra.begin(), extra.end());
  return Model::build(models::scenario_from_settings(s));
}

struct View {
  const Model& m;
  const std::vector<double>& v;
  double at(std::size_t offset, int month) const {
    return v[static_cast<std::size_t>(month - 1) * m.layout.size() + offset];
  }
};

double mean(const std::vector<double>& x) {
  return std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
}

}  // namespace

TEST_CASE("stock-flow identities hold exactly for every occupation and month", "[labour_market]") {
  // With the AI reallocation active (redeployments, AI-attributed layoffs) and a recession.
  const auto model =
      small_model({set("macro.path", sim::Value{std::string("recession")}),
                   set("macro.recession_month", i64(12)), set("run.months", i64(60))});
  const auto r = run(model, 1);
  const View v{*model, r.values[0]};
  const auto& id = model->ids;
  const std::size_t O = model->data.size();
  const auto& E0 = r.statics[0][id.statics("initial/employment")];
  const auto& U0 = r.statics[0][id.statics("initial/unemployment")];
  const auto& O0 = r.statics[0][id.statics("initial/out_of_labour_force")];
  double population_prev = 0;
  for (std::size_t o = 0; o < O; ++o) population_prev += E0[o] + U0[o] + O0[o];
  // Every kind of flow must occur in this run, or the identities prove little.
  for (std::size_t flow_id : {id.series("hires"),
                              id.series("layoffs"),
                              id.series("quits_to_unemployment"),
                              id.series("quits_to_out_of_labour_force"),
                              id.series("hires_from_outside_labour_force"),
                              id.series("openings_new"),
                              id.series("openings_spontaneous"),
                              id.series("openings_expired"),
                              id.series("job_to_job"),
                              id.series("redeployments"),
                              id.series("reskilling_starts"),
                              id.series("reskilling_completions"),
                              id.series("reskilling_dropouts"),
                              id.series("founder_starts"),
                              id.series("founder_failures"),
                              id.series("firms_created"),
                              id.series("exits"),
                              id.series("reentries"),
                              id.series("entrants"),
                              id.series("retirements")}) {
    double total = 0;
    for (int t = 1; t <= model->scenario.run.months; ++t) total += v.at(flow_id, t);
    INFO("series at offset " << flow_id);
    CHECK(total > 0);
  }
  for (int t = 1; t <= model->scenario.run.months; ++t) {
    double e_total = 0, u_total = 0;
    auto at = [&](std::size_t offset, std::size_t o, int month) { return v.at(offset + o, month); };
    for (std::size_t o = 0; o < O; ++o) {
      auto prev = [&](std::size_t offset, double initial) {
        return t == 1 ? initial : at(offset, o, t - 1);
      };
      const double e = at(id.occ("employment"), o, t), u = at(id.occ("unemployment"), o, t);
      const double rk = at(id.occ("reskilling"), o, t), fo = at(id.occ("founders"), o, t);
      const double olf = at(id.occ("out_of_labour_force"), o, t);
      const auto flow = [&](std::size_t offset) { return at(offset, o, t); };
      // Employed: hires in, layoffs, quits and retirements out, internal moves both ways.
      REQUIRE(e == prev(id.occ("employment"), E0[o]) + flow(id.occ("hires")) -
                       flow(id.occ("layoffs")) - flow(id.occ("quits_to_unemployment")) +
                       flow(id.occ("redeployed_in")) - flow(id.occ("redeployed_out")) -
                       flow(id.occ("retirements_employed")) - flow(id.occ("job_to_job_out")) +
                       flow(id.occ("firms_created")) -
                       flow(id.occ("quits_to_out_of_labour_force")));
      // Unemployed, by last occupation: every transition in and out.
      REQUIRE(u == prev(id.occ("unemployment"), U0[o]) + flow(id.occ("layoffs")) +
                       flow(id.occ("quits_to_unemployment")) - flow(id.occ("job_finds")) -
                       flow(id.occ("reskilling_starts")) + flow(id.occ("reskilling_completions")) +
                       flow(id.occ("reskilling_dropouts")) - flow(id.occ("founder_starts")) +
                       flow(id.occ("founder_failures")) - flow(id.occ("exits")) +
                       flow(id.occ("reentries")) + flow(id.occ("entrants")) -
                       flow(id.occ("retirements_unemployed")));
      // Reskilling, by origin occupation until completion.
      REQUIRE(rk == prev(id.occ("reskilling"), 0) + flow(id.occ("reskilling_starts")) -
                        flow(id.occ("reskilling_completions_from")) -
                        flow(id.occ("reskilling_dropouts")) -
                        flow(id.occ("retirements_reskilling")));
      REQUIRE(fo == prev(id.occ("founders"), 0) + flow(id.occ("founder_starts")) -
                        flow(id.occ("founder_failures")) - flow(id.occ("retirements_founder")) -
                        flow(id.occ("firms_created")));
      REQUIRE(olf == prev(id.occ("out_of_labour_force"), O0[o]) + flow(id.occ("exits")) -
                         flow(id.occ("reentries")) -
                         flow(id.occ("retirements_out_of_labour_force")) +
                         flow(id.occ("quits_to_out_of_labour_force")));
      e_total += e;
      u_total += u;
    }
    // Persons change only by entrants and retirements.
    REQUIRE(v.at(id.series("population"), t) ==
            population_prev + v.at(id.series("entrants"), t) - v.at(id.series("retirements"), t));
    population_prev = v.at(id.series("population"), t);
    REQUIRE(e_total == v.at(id.series("employment"), t));
    REQUIRE(u_total == v.at(id.series("unemployment"), t));
    // Firm-side headcounts agree with the worker table.
    double head = 0;
    for (std::size_t k = 0; k < model->class_names.size(); ++k)
      head += v.at(id.cls("headcount") + k, t);
    REQUIRE(head == e_total);
    // Hires and job finds are the same people seen by destination and by origin.
    double hires = 0, finds = 0;
    for (std::size_t o = 0; o < O; ++o) {
      hires += v.at(id.occ("hires") + o, t);
      finds += v.at(id.occ("job_finds") + o, t);
    }
    REQUIRE(hires ==
            finds + v.at(id.series("job_to_job"), t));  // hires = out of unemployment + job-to-job
    REQUIRE(hires == v.at(id.series("hires"), t));
    // Openings are a stock: last month's, less expiries, internal moves and hires, plus the
    // month's new openings; JOLTS quits are job-to-job moves and quits to U and out of the LF.
    if (t > 1) {
      REQUIRE(v.at(id.series("openings"), t) ==
              v.at(id.series("openings"), t - 1) - v.at(id.series("openings_expired"), t) -
                  v.at(id.series("redeployments"), t) - v.at(id.series("hires"), t) +
                  v.at(id.series("openings_new"), t));
    }
    REQUIRE(v.at(id.series("openings_spontaneous"), t) <= v.at(id.series("openings_new"), t));
    REQUIRE(v.at(id.series("quits"), t) == v.at(id.series("job_to_job"), t) +
                                               v.at(id.series("quits_to_unemployment"), t) +
                                               v.at(id.series("quits_to_out_of_labour_force"), t));
    REQUIRE(v.at(id.series("hires"), t) ==
            v.at(id.series("hires_from_unemployment"), t) +
                v.at(id.series("hires_from_outside_labour_force"), t) +
                v.at(id.series("job_to_job"), t));
    // Layoffs by reason add up to all layoffs; AI-attributed = automation + capex_funding.
    REQUIRE(v.at(id.series("layoffs"), t) == v.at(id.series("layoffs_demand"), t) +
                                                 v.at(id.series("layoffs_automation"), t) +
                                                 v.at(id.series("layoffs_capex_funding"), t) +
                                                 v.at(id.series("layoffs_firm_exit"), t));
    REQUIRE(v.at(id.series("layoffs_ai"), t) ==
            v.at(id.series("layoffs_automation"), t) + v.at(id.series("layoffs_capex_funding"), t));
  }
  // The transition matrix adds up to all hires out of unemployment over the run.
  double all_hires = 0;
  for (int t = 1; t <= model->scenario.run.months; ++t)
    all_hires += v.at(id.series("hires"), t) - v.at(id.series("job_to_job"), t);
  const auto& T = r.statics[0][id.statics("transitions")];
  CHECK(std::accumulate(T.begin(), T.end(), 0.0) == all_hires);
}

TEST_CASE("with constant demand unemployment converges to s / (s + f)", "[labour_market]") {
  const auto model = small_model(
      with(no_ai(), {set("population.workers", i64(60000)), set("run.months", i64(240))}));
  const auto r = run(model, 1);
  const View v{*model, r.values[0]};
  const auto& id = model->ids;
  std::vector<double> u, s, f;
  for (int t = 121; t <= 240; ++t) {
    u.push_back(v.at(id.series("unemployment_rate"), t));
    s.push_back(v.at(id.series("separation_rate"), t));
    f.push_back(v.at(id.series("job_finding_rate"), t));
  }
  const double steady = mean(s) / (mean(s) + mean(f));
  INFO("u = " << mean(u) << ", s = " << mean(s) << ", f = " << mean(f) << ", s/(s+f) = " << steady);
  CHECK(std::fabs(mean(u) - steady) < 0.003);
  // And it is a steady state: the first and second halves of the window agree.
  const double first = std::accumulate(u.begin(), u.begin() + 60, 0.0) / 60;
  const double second = std::accumulate(u.begin() + 60, u.end(), 0.0) / 60;
  CHECK(std::fabs(first - second) < 0.004);
}

TEST_CASE("a demand cycle traces a downward-sloping Beveridge curve", "[labour_market]") {
  const auto model =
      small_model(with(no_ai(), {set("population.workers", i64(40000)), set("run.months", i64(168)),
                                 set("macro.path", sim::Value{std::string("cycle")}),
                                 set("macro.cycle_amplitude", sim::Value{0.04}),
                                 set("macro.cycle_period_months", i64(48))}));
  const auto r = run(model, 1);
  const View v{*model, r.values[0]};
  const auto& id = model->ids;
  std::vector<double> u, vr;
  for (int t = 25; t <= 168; ++t) {  // skip the approach to the cycle
    u.push_back(v.at(id.series("unemployment_rate"), t));
    vr.push_back(v.at(id.series("vacancies"), t) / v.at(id.series("labour_force"), t));
  }
  const double mu = mean(u), mv = mean(vr);
  double cov = 0, su = 0, sv = 0;
  for (std::size_t i = 0; i < u.size(); ++i) {
    cov += (u[i] - mu) * (vr[i] - mv);
    su += (u[i] - mu) * (u[i] - mu);
    sv += (vr[i] - mv) * (vr[i] - mv);
  }
  const double corr = cov / std::sqrt(su * sv);
  INFO("corr(u, v) = " << corr);
  CHECK(corr < -0.6);
}

TEST_CASE("results are bit-identical for 1, 2 and 4 threads and seeds matter",
          "[labour_market][determinism]") {
  // More than three worker blocks of 32,768 rows, past the yearly regrouping: the block joins of
  // the worker pass and the regrouping are part of what must not depend on threads.
  const auto model =
      small_model({set("run.months", i64(18)), set("population.workers", i64(110000))});
  REQUIRE(model->scenario.population.workers == 110000);
  std::vector<std::vector<double>> by_threads;
  for (int threads : {1, 2, 4}) {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism,
                          static_cast<std::size_t>(threads));
    const auto r = run(model, 2);
    by_threads.push_back(r.values[0]);
    by_threads.back().insert(by_threads.back().end(), r.values[1].begin(), r.values[1].end());
    for (const auto& st : r.statics[0])
      by_threads.back().insert(by_threads.back().end(), st.begin(), st.end());
  }
  REQUIRE(bitwise_equal(by_threads[0], by_threads[1]));
  REQUIRE(bitwise_equal(by_threads[0], by_threads[2]));
  const auto other = small_model({set("run.months", i64(18)), set("run.seed", i64(8))});
  CHECK(!bitwise_equal(run(other, 1).values[0], run(model, 1).values[0]));
  // Replications are different streams.
  const auto two = run(model, 2);
  CHECK(!bitwise_equal(two.values[0], two.values[1]));
}

TEST_CASE("comparative statics: more separations, more unemployment", "[labour_market]") {
  auto u_mean = [](const std::shared_ptr<const Model>& m) {
    const auto r = run(m, 2);
    double sum = 0;
    int n = 0;
    for (const auto& vals : r.values) {
      const View v{*m, vals};
      for (int t = 25; t <= m->scenario.run.months; ++t, ++n)
        sum += v.at(m->ids.series("unemployment_rate"), t);
    }
    return sum / n;
  };
  const double low = u_mean(small_model(with(no_ai(), {set("run.months", i64(60))})));
  const double high = u_mean(
      small_model(with(no_ai(), {set("run.months", i64(60)),
                                 set("labour.idiosyncratic_layoff_rate", sim::Value{0.014})})));
  INFO("u low = " << low << ", u high = " << high);
  CHECK(high > low + 0.005);
  // More applications per seeker raise the job-finding rate and lower unemployment.
  const double searchy = u_mean(
      small_model(with(no_ai(), {set("run.months", i64(60)), set("search.applications", i64(8))})));
  CHECK(searchy < low);
}

TEST_CASE("a recession raises layoffs and unemployment, then recovers", "[labour_market]") {
  const auto model = small_model(
      with(no_ai(),
           {set("run.months", i64(72)), set("macro.path", sim::Value{std::string("recession")}),
            set("macro.recession_month", i64(24)), set("macro.recession_depth", sim::Value{0.10}),
            set("macro.recession_recovery_months", i64(24))}));
  const auto r = run(model, 1);
  const View v{*model, r.values[0]};
  const auto& id = model->ids;
  // Layoffs jump with the shock (layoff_speed x the excess), firms stop opening and the
  // openings stock runs down; unemployment rises, then falls back as demand recovers.
  INFO("layoffs 23/24 " << v.at(id.series("layoffs"), 23) << " " << v.at(id.series("layoffs"), 24)
                        << ", openings 23/27 " << v.at(id.series("openings"), 23) << " "
                        << v.at(id.series("openings"), 27) << ", u 22/30/72 "
                        << v.at(id.series("unemployment_rate"), 22) << " "
                        << v.at(id.series("unemployment_rate"), 30) << " "
                        << v.at(id.series("unemployment_rate"), 72));
  CHECK(v.at(id.series("layoffs"), 24) > 1.5 * v.at(id.series("layoffs"), 23));
  CHECK(v.at(id.series("layoffs_ai"), 24) == 0);  // no AI in this economy: every layoff is demand
  CHECK(v.at(id.series("openings_new"), 24) < v.at(id.series("openings_new"), 23));
  CHECK(v.at(id.series("openings"), 27) < 0.8 * v.at(id.series("openings"), 23));
  CHECK(v.at(id.series("unemployment_rate"), 30) >
        v.at(id.series("unemployment_rate"), 22) + 0.015);
  CHECK(v.at(id.series("unemployment_rate"), 72) <
        v.at(id.series("unemployment_rate"), 30) - 0.015);
}

TEST_CASE("firm sizes are heavy-tailed and the occupation mix follows the data",
          "[labour_market]") {
  const auto model = small_model({set("population.workers", i64(200000))});
  models::LabourMarket lm(model, 0);
  const auto& firms = lm.firms();
  const std::size_t O = firms.occupations;
  std::vector<double> size(firms.size(), 0);
  for (std::size_t f = 0; f < firms.size(); ++f) {
    for (std::size_t o = 0; o < O; ++o) size[f] += firms.headcount[firms.cell(f, o)];
  }
  std::vector<double> sorted = size;
  std::sort(sorted.begin(), sorted.end());
  const double median = sorted[sorted.size() / 2];
  CHECK(sorted.back() > 50 * median);  // a heavy tail
  // Aggregate employment shares by occupation match the OEWS shares within sampling error.
  double total = 0;
  for (const auto& o : model->data.occupations) total += o.employment;
  const auto& w = lm.workers();
  std::vector<double> emp(O, 0);
  double e = 0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (w.status[i] == static_cast<std::uint8_t>(models::Status::kEmployed)) {
      emp[w.occupation[i]] += 1;
      e += 1;
    }
  }
  for (std::size_t o = 0; o < O; ++o) {
    const double expected = model->data.occupations[o].employment / total;
    CHECK(std::fabs(emp[o] / e - expected) < 0.006);
  }
}

TEST_CASE("reported stocks equal a full recount of the worker table every month",
          "[labour_market]") {
  // The fast path builds end-of-month stocks from start counts plus flows; the slow reference
  // counts every row again.
  const auto model = small_model({set("run.months", i64(24))});
  models::LabourMarket lm(model, 0);
  std::vector<double> out(model->layout.size());
  const auto& id = model->ids;
  const std::size_t O = model->data.size();
  for (int t = 1; t <= 24; ++t) {
    lm.step(t, out.data());
    const std::vector<double> recount = lm.recount_stocks();
    const std::size_t offsets[] = {
        id.occ("employment"), id.occ("unemployment"), id.occ("long_term_unemployed"),
        id.occ("reskilling"), id.occ("founders"),     id.occ("out_of_labour_force")};
    for (std::size_t k = 0; k < 6; ++k) {
      for (std::size_t o = 0; o < O; ++o) REQUIRE(out[offsets[k] + o] == recount[k * O + o]);
    }
  }
}
