// The month: one table of phases, run in order. Each entry names the phase (its timer), the random
// streams it draws from, and calls its function with the parts of the state it reads and writes.
#include "models/labour_market.hpp"

#include "models/metrics.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <numeric>

namespace labourshift::models {

/// Smoothed job-finding rate before any month has been observed (CPS: about a quarter of the
/// unemployed find a job each month).
inline constexpr double kInitialJobFinding = 0.25;

void MonthFlows::reset_shape(std::size_t occupations, std::size_t classes) {
  layoffs.assign(occupations * kLayoffReasons, 0);
  for (auto* v :
       {&openings_new, &openings_spontaneous, &openings_expired, &quits, &hires, &job_finds,
        &vacancies_posted, &redeployed_in, &redeployed_out, &job_to_job_out, &seekers_by_occ,
        &ltu_seekers, &ui_expired_seekers, &ltu_hired, &ui_expired_hired}) {
    v->assign(occupations, 0);
  }
  cls_layoffs.assign(classes * kLayoffReasons, 0);
  for (auto* v : {&cls_quits, &cls_hires, &cls_vacancies}) v->assign(classes, 0);
  transitions.assign(kFlowCount * occupations, 0);
  start_stock.assign(kStatusCount * occupations, 0);
}

/// The adapters between the phase table and the phase functions: each unpacks the state its phase
/// reads and writes.
struct MonthSteps {
  static void regroup(LabourMarket& lm, int month, double*) {
    if (month % kRegroupMonths == 1 && month > 1)
      regroup_workers(lm.world_.firms, lm.world_.workers, lm.world_.matching.buffers);
  }
  static void environment(LabourMarket& lm, int month, double*) {
    World& w = lm.world_;
    update_environment(*lm.model_, month, w.firms, w.occ, w.env);
  }
  static void firms(LabourMarket& lm, int, double*) {
    World& w = lm.world_;
    plan_firms(*lm.model_, lm.key_, w.env, w.occ, w.firms);
  }
  static void workers(LabourMarket& lm, int month, double*) {
    plan_workers(*lm.model_, month, lm.world_.flows, lm.world_.occ);
  }
  static void pass(LabourMarket& lm, int, double*) {
    World& w = lm.world_;
    auto* fn = lm.pass_ == LabourMarket::WorkerPass::kFast ? worker_pass : worker_pass_reference;
    fn(*lm.model_, lm.key_, w.env, w.occ, w.firms, w.workers, w.flows, w.lists, w.stocks, w.totals,
       w.firm_sums);
  }
  static void redeployment(LabourMarket& lm, int, double*) {
    World& w = lm.world_;
    redeploy(*lm.model_, w.env, w.occ, w.firms, w.workers, w.flows, w.lists);
  }
  static void warn(LabourMarket& lm, int month, double*) {
    file_warn_notices(*lm.model_, lm.key_, month, lm.world_.firms, lm.world_.warn_rows,
                      lm.world_.warn);
  }
  static void mandate(LabourMarket& lm, int, double*) {
    World& w = lm.world_;
    w.flows.mandated_enrolled = 0;
    enrol_mandated(*lm.model_, w.env, w.occ, w.workers, w.flows, w.lists);
  }
  static void founders(LabourMarket& lm, int, double*) {
    World& w = lm.world_;
    w.flows.new_firm_funding = w.flows.founder_grants = 0;
    create_founder_firms(*lm.model_, w.env, w.occ, w.firms, w.workers, w.flows, w.lists);
  }
  static void entry(LabourMarket& lm, int, double*) {
    World& w = lm.world_;
    enter_labour_force(*lm.model_, lm.key_, w.env, w.occ, w.stocks, w.workers, w.flows, w.lists);
  }
  static void matching(LabourMarket& lm, int, double*) {
    World& w = lm.world_;
    post_and_match(*lm.model_, lm.key_, w.env, w.occ, w.lists, w.firms, w.workers, w.flows,
                   w.totals, w.matching);
  }
  static void wages(LabourMarket& lm, int month, double*) {
    update_wages(*lm.model_, month, lm.world_.env.productivity, lm.world_.flows, lm.world_.occ);
  }
  static void stocks(LabourMarket& lm, int month, double*) {
    World& w = lm.world_;
    close_stocks(month, w.flows, w.stocks, w.occ);
  }
  static void accounts(LabourMarket& lm, int, double*) {
    World& w = lm.world_;
    account_firms(*lm.model_, lm.key_, w.env, w.occ, w.firms, w.flows);
  }
  static void measure(LabourMarket& lm, int, double* out) { record(*lm.model_, lm.world_, out); }
};

namespace {

constexpr std::array<std::uint32_t, 2> kNoStreams{0, 0};

// The month, in order. docs/model.md ("The month") lists the same phases in the same order.
constexpr MonthPhase kPhases[] = {
    {"regroup", kNoStreams, MonthSteps::regroup},
    {"environment", kNoStreams, MonthSteps::environment},
    {"plan_firms", {stream::kFirmPlan, stream::kOpenings}, MonthSteps::firms},
    {"plan_workers", kNoStreams, MonthSteps::workers},
    {"worker_pass", {stream::kWorkerPass, stream::kMobility}, MonthSteps::pass},
    {"redeploy", kNoStreams, MonthSteps::redeployment},
    {"warn_notices", kNoStreams, MonthSteps::warn},
    {"retraining_mandate", kNoStreams, MonthSteps::mandate},
    {"founder_firms", kNoStreams, MonthSteps::founders},
    {"entry", {stream::kEntry, 0}, MonthSteps::entry},
    {"matching", {stream::kApply, 0}, MonthSteps::matching},
    {"wages", kNoStreams, MonthSteps::wages},
    {"stocks", kNoStreams, MonthSteps::stocks},
    {"accounts", {stream::kIncident, stream::kFirmExit}, MonthSteps::accounts},
    {"record", kNoStreams, MonthSteps::measure},
};

}  // namespace

std::span<const MonthPhase> month_phases() { return kPhases; }

LabourMarket::LabourMarket(std::shared_ptr<const Model> model, std::uint32_t replication,
                           WorkerPass pass)
    : model_(std::move(model)),
      key_{static_cast<std::uint64_t>(model_->scenario.run.seed), replication},
      pass_(pass),
      phase_seconds_(std::size(kPhases), 0.0) {
  const Model& m = *model_;
  const std::size_t O = m.data.size();
  World& w = world_;
  for (const auto& o : m.data.occupations) w.occ.wage.push_back(o.wage_month_usd);
  w.occ.ref_log_tightness.assign(O, 0.0);
  w.occ.log_tightness0.assign(O, 0.0);
  w.occ.job_finding_ema.assign(O, kInitialJobFinding);
  w.occ.reskill_target.assign(O, -1);
  w.occ.mandate_target.assign(O, -1);
  w.occ.reskill_gain.assign(O, 0.0);
  w.flows.reset_shape(O, m.class_names.size());
  w.totals.transitions.assign(O * O, 0.0);
  w.totals.reskill_flows.assign(O * O, 0.0);
  w.totals.reemploy_ai.assign(kSpellBins, 0.0);
  w.totals.reemploy_other.assign(kSpellBins, 0.0);
  set_up_firms(m, key_, w.firms);
  set_up_workers(m, key_, w.firms, w.occ, w.workers, w.totals);
  measure_start(m, w.workers, w.firms, w.stocks, w.firm_sums);
  w.occ.employment_history.push_back(w.stocks.employed);
  set_up_firm_finance(m, w.occ, w.firms, w.env);
}

void LabourMarket::step(int month, double* out) {
  // Each phase is timed when LABOURSHIFT_PHASE_TIMES is set (bench/ uses it; docs/performance.md).
  for (std::size_t i = 0; i < std::size(kPhases); ++i) {
    const auto start = std::chrono::steady_clock::now();
    kPhases[i].run(*this, month, out);
    phase_seconds_[i] +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
}

LabourMarket::~LabourMarket() {
  if (std::getenv("LABOURSHIFT_PHASE_TIMES") == nullptr) return;
  std::fprintf(stderr, "phase times, replication %u (s):", key_.replication);
  for (std::size_t i = 0; i < std::size(kPhases); ++i) {
    std::fprintf(stderr, " %.*s=%.3f", static_cast<int>(kPhases[i].name.size()),
                 kPhases[i].name.data(), phase_seconds_[i]);
  }
  std::fprintf(stderr, "\n");
}

std::vector<std::pair<std::string, double>> LabourMarket::memory_use() const {
  const World& w = world_;
  auto held = [](const auto& v) {
    return static_cast<double>(v.capacity() *
                               sizeof(typename std::decay_t<decltype(v)>::value_type));
  };
  double lists = 0;
  for (const auto* v : {&w.lists.seekers, &w.lists.redeploy_candidates, &w.lists.founders_creating,
                        &w.lists.job_searchers, &w.lists.mandated})
    lists += held(*v);
  double sums = 0;
  for (const FirmSums& s : w.firm_sums) sums += held(s.firm);
  double history = held(w.warn_rows) + held(w.stocks.premium_months);
  for (const auto& month : w.occ.employment_history) history += held(month);
  return {
      {"workers", static_cast<double>(w.workers.bytes())},
      {"firms", static_cast<double>(w.firms.bytes())},
      {"matching", static_cast<double>(w.matching.bytes())},
      {"month lists", lists},
      {"per-thread firm sums", sums},
      {"history (employment by month, WARN rows)", history},
  };
}

std::vector<double> LabourMarket::static_output(std::size_t static_id) const {
  const auto& table = static_table();
  if (static_id >= table.size()) return {};
  return table[static_id].values(world_.totals);
}

std::vector<std::int64_t> LabourMarket::take_events(std::size_t table_id) {
  if (table_id != model_->ids.events("events/warn")) return {};
  return std::exchange(world_.warn_rows, {});
}

}  // namespace labourshift::models
