// The fast kernels against their plain references, and each speed trick on its own.
#include "helpers.hpp"
#include "models/rules.hpp"
#include "models/worker_pass.hpp"
#include "sim/random.hpp"

#include <catch2/catch.hpp>

#include <tbb/global_control.h>

#include <algorithm>
#include <fstream>
#include <numeric>
#include <random>
#include <sstream>

using namespace labourshift;
using namespace labourshift::test;
using models::LabourMarket;

namespace {

/// Baseline 2025 at a size of more than three worker blocks (32,768 rows each), long enough for
/// the yearly regrouping (month 13), with the retraining mandate on so that every list the worker
/// pass hands on is used.
std::shared_ptr<const models::Model> three_blocks(int months) {
  return baseline({set("policy.retraining_mandate", sim::Value{true}), set("run.seed", i64(31))},
                  months, 110000);
}

void require_same_flows(const models::World& a, const models::World& b) {
  const auto& fa = a.flows;
  const auto& fb = b.flows;
  CHECK(fa.layoffs == fb.layoffs);
  CHECK(fa.quits == fb.quits);
  CHECK(fa.hires == fb.hires);
  CHECK(fa.job_finds == fb.job_finds);
  CHECK(fa.job_to_job_out == fb.job_to_job_out);
  CHECK(fa.redeployed_in == fb.redeployed_in);
  CHECK(fa.cls_layoffs == fb.cls_layoffs);
  CHECK(fa.cls_quits == fb.cls_quits);
  CHECK(fa.transitions == fb.transitions);
  CHECK(fa.start_stock == fb.start_stock);
  CHECK(fa.ltu_seekers == fb.ltu_seekers);
  CHECK(fa.ui_expired_seekers == fb.ui_expired_seekers);
  CHECK(fa.employment_start == fb.employment_start);
  CHECK(fa.mandated_enrolled == fb.mandated_enrolled);
  CHECK(a.stocks.employed == b.stocks.employed);
  CHECK(a.stocks.unemployed == b.stocks.unemployed);
  CHECK(a.stocks.long_term == b.stocks.long_term);
  CHECK(a.stocks.reskilling == b.stocks.reskilling);
  CHECK(a.stocks.founders == b.stocks.founders);
  CHECK(a.stocks.out_of_labour_force == b.stocks.out_of_labour_force);
  CHECK(a.lists.seekers == b.lists.seekers);
  CHECK(a.lists.job_searchers == b.lists.job_searchers);
  CHECK(a.lists.redeploy_candidates == b.lists.redeploy_candidates);
}

void require_same_tables(const models::World& a, const models::World& b) {
  // Every column of both tables, through their column lists.
  std::vector<std::vector<char>> ca, cb;
  auto bytes = [](std::vector<std::vector<char>>& out) {
    return [&out](const auto& column, auto...) {
      const auto* p = reinterpret_cast<const char*>(column.data());
      out.emplace_back(p, p + column.size() * sizeof(column[0]));
    };
  };
  models::WorkerTable::columns(a.workers, bytes(ca));
  models::WorkerTable::columns(b.workers, bytes(cb));
  models::FirmTable::firm_columns(a.firms, bytes(ca));
  models::FirmTable::firm_columns(b.firms, bytes(cb));
  models::FirmTable::cell_columns(a.firms, bytes(ca));
  models::FirmTable::cell_columns(b.firms, bytes(cb));
  REQUIRE(ca.size() == cb.size());
  for (std::size_t i = 0; i < ca.size(); ++i) {
    INFO("column " << i << " of the worker, firm and cell column lists");
    CHECK(ca[i] == cb[i]);
  }
}

}  // namespace

TEST_CASE(
    "the fast worker pass equals the plain reference at 1, 2 and 4 threads over several blocks",
    "[worker_pass][determinism]") {
  const int months = 14;
  const auto model = three_blocks(months);
  std::vector<double> out(model->layout.size()), twin_out(model->layout.size());
  LabourMarket reference(model, 0, LabourMarket::WorkerPass::kReference);
  std::vector<std::vector<double>> reference_months;
  for (int t = 1; t <= months; ++t) {
    reference.step(t, out.data());
    reference_months.push_back(out);
  }
  REQUIRE(reference.workers().size() > 3 * (std::size_t{1} << 15));
  for (int threads : {1, 2, 4}) {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism,
                          static_cast<std::size_t>(threads));
    LabourMarket fast(model, 0, LabourMarket::WorkerPass::kFast);
    LabourMarket twin(model, 0, LabourMarket::WorkerPass::kReference);
    for (int t = 1; t <= months; ++t) {
      fast.step(t, out.data());
      twin.step(t, twin_out.data());
      INFO("threads " << threads << ", month " << t);
      require_same_flows(fast.world(), twin.world());
      // Whole-table sums of wages are added in a different order by the two passes (blocks
      // against one sequence); every count, stock and table column must agree exactly.
      for (const char* name :
           {"employment", "unemployment", "hires", "layoffs", "quits", "vacancies",
            "reskilling_starts", "retirements", "firms_created", "redeployments"}) {
        INFO(name);
        CHECK(out[model->ids.series(name)] == reference_months[t - 1][model->ids.series(name)]);
        CHECK(twin_out[model->ids.series(name)] ==
              reference_months[t - 1][model->ids.series(name)]);
      }
    }
    require_same_tables(fast.world(), twin.world());
    require_same_tables(fast.world(), reference.world());
  }
  // The run must exercise what it compares.
  const auto& f = reference.world().flows;
  CHECK(std::accumulate(f.layoffs.begin(), f.layoffs.end(), std::int64_t{0}) > 0);
  CHECK(!reference.world().lists.job_searchers.empty());
}

TEST_CASE("firm planning in parallel equals the serial reference", "[firms][determinism]") {
  const auto model = three_blocks(6);
  std::vector<double> out(model->layout.size());
  LabourMarket lm(model, 0);
  for (int t = 1; t <= 5; ++t) lm.step(t, out.data());
  const models::World& w = lm.world();
  models::Environment env = w.env;
  models::update_environment(*model, 6, w.firms, w.occ, env);
  models::World a, b;
  a.firms = w.firms;
  b.firms = w.firms;
  {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 2);
    models::plan_firms(*model, models::DrawKey{31, 0}, env, w.occ, a.firms);
  }
  models::plan_firms_reference(*model, models::DrawKey{31, 0}, env, w.occ, b.firms);
  require_same_tables(a, b);
  // And planning changed something, or the comparison proves little.
  CHECK(a.firms.core_revenue != w.firms.core_revenue);
  CHECK(a.firms.odds.size() == w.firms.odds.size());
}

TEST_CASE("a worker's draws follow its id across the yearly regrouping, not its row",
          "[worker_pass][random]") {
  // Run to the end of month 12, regroup a copy of the table by hand, and check that every worker
  // (by id) keeps every column, and that a regrouped table gives every worker the same uniform.
  const auto model = three_blocks(13);
  std::vector<double> out(model->layout.size());
  LabourMarket lm(model, 0);
  for (int t = 1; t <= 12; ++t) lm.step(t, out.data());
  const models::WorkerTable& before = lm.workers();
  models::WorkerTable after = before;
  labourshift::sim::Scratch buffers;
  models::regroup_workers(lm.firms(), after, buffers);
  REQUIRE(after.size() < before.size());  // retired rows went
  std::vector<std::int64_t> row_of(before.next_id, -1);
  for (std::size_t r = 0; r < before.size(); ++r)
    row_of[before.id[r]] = static_cast<std::int64_t>(r);
  std::size_t moved = 0;
  const sim::KeyedWords words(31, 0, 13, models::stream::kWorkerPass);
  for (std::size_t r = 0; r < after.size(); ++r) {
    const std::int64_t old = row_of[after.id[r]];
    REQUIRE(old >= 0);
    const auto o = static_cast<std::size_t>(old);
    moved += o != r ? 1 : 0;
    REQUIRE(after.status[r] == before.status[o]);
    REQUIRE(after.occupation[r] == before.occupation[o]);
    REQUIRE(after.employer[r] == before.employer[o]);
    REQUIRE(after.age[r] == before.age[o]);
    REQUIRE(after.wage[r] == before.wage[o]);
    REQUIRE(after.spell[r] == before.spell[o]);
    REQUIRE(words(after.id[r]) == words(before.id[o]));
  }
  CHECK(moved > after.size() / 10);  // the regrouping really moved rows
  // Ids are unique.
  std::vector<std::uint32_t> ids(after.id);
  std::sort(ids.begin(), ids.end());
  CHECK(std::adjacent_find(ids.begin(), ids.end()) == ids.end());
  // The uniform lies strictly inside (0, 1) at both ends of the word range.
  CHECK(models::pass::uniform_from_word(0) > 0.0);
  CHECK(models::pass::uniform_from_word(0xffffffffU) < 1.0);
}

TEST_CASE("probabilities are stored to within half a step of 1/65535 and clamped to [0, 1]",
          "[worker_pass][quantisation]") {
  CHECK(models::quantise_probability(0.0) == 0);
  CHECK(models::quantise_probability(1.0) == 65535);
  CHECK(models::quantise_probability(-0.3) == 0);
  CHECK(models::quantise_probability(7.0) == 65535);
  std::mt19937_64 gen(11);
  std::uniform_real_distribution<double> p(0.0, 1.0);
  for (int k = 0; k < 100000; ++k) {
    const double x = p(gen);
    const double back = models::quantise_probability(x) / models::kOddsScale;
    REQUIRE(std::fabs(back - x) <= 0.5 / models::kOddsScale + 1e-15);
  }
}

TEST_CASE("the stayer threshold is never below the chain it lets a worker skip",
          "[worker_pass][stayer]") {
  // For any odds, literacy weight, own literacy in [0, 1] and firm mean up to the rounding of its
  // fixed-point sums, a uniform at the threshold meets none of the layoff or quit comparisons.
  auto model = baseline({}, 1, 1000);
  models::Environment env;
  models::OccupationState occ;
  occ.reskill_gain.assign(model->data.size(), 0.0);
  std::mt19937_64 gen(12);
  std::uniform_int_distribution<int> step(0, 65535);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (double lw : {0.0, 0.5, 2.0, 10.0}) {
    auto s = model->scenario;
    models::scenario_schema().apply(s, {set("workers.layoff_literacy_weight", sim::Value{lw})});
    const auto m = models::Model::build(s);
    const models::pass::MonthRules r(*m, env, occ);
    for (int k = 0; k < 50000; ++k) {
      const auto o = static_cast<std::size_t>(k) % r.O;
      const models::CellOdds odds{0, static_cast<std::uint16_t>(step(gen) / 4),
                                  static_cast<std::uint16_t>(step(gen) / 4),
                                  static_cast<std::uint16_t>(step(gen) / 4)};
      const auto own = static_cast<float>(unit(gen));
      const auto mean = static_cast<float>(unit(gen) * 1.0001);
      const double weight = models::rules::layoff_literacy_weight(r.literacy_weight, mean, own) *
                            (1.0 / models::kOddsScale);
      const auto& c = r.churn[o];
      const double chain =
          (odds.demand + odds.automation + odds.capex) * weight + c.delta + c.quit + c.quit_olf;
      REQUIRE(models::pass::stayer_threshold(odds, r, o) >= chain);
    }
  }
}

TEST_CASE("the month's phases, streams and docs agree", "[step]") {
  const auto phases = models::month_phases();
  // Each random stream is drawn by one phase only.
  std::vector<std::uint32_t> seen;
  for (const auto& p : phases) {
    for (std::uint32_t s : p.streams) {
      if (s == 0) continue;
      CHECK(std::find(seen.begin(), seen.end(), s) == seen.end());
      seen.push_back(s);
    }
  }
  // docs/model.md, "The month", lists every phase in the order the code runs them.
  std::ifstream in(LABOURSHIFT_ROOT "/docs/model.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  const auto section = doc.find("## The month");
  REQUIRE(section != std::string::npos);
  std::size_t at = section;
  for (const auto& p : phases) {
    std::string name(1, '`');  // appended, not literal + string (a false GCC 12 -Wrestrict)
    name.append(p.name).push_back('`');
    const auto found = doc.find(name, at);
    INFO("phase " << name << " after position " << at);
    REQUIRE(found != std::string::npos);
    at = found + name.size();
  }
}
