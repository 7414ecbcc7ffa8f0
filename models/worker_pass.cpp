// The fast worker pass: one parallel sweep of the worker table a month. Every worker draws one
// uniform: retirement takes the bottom of it, the rest decides the worker's other transition.
// An employed worker in cell (f, o) compares it with the cell's layoff probabilities, weighted by
// literacy so that low-literacy workers go more often, then idiosyncratic layoffs and quits; the
// top of a stayer's interval is on-the-job search. A share of those due to be laid off for the
// firm's reasons ask for internal redeployment. The rules are rules.hpp's; what is particular to
// this kernel is only how it is fast (each trick has its own test):
// - rows in fixed blocks joined in block order (BlockTally), per-thread integer firm sums;
// - the stayer threshold, which lets most employed workers skip the chain of comparisons;
// - cell data prefetched a few rows ahead, restrict-qualified columns.
// worker_pass_reference.cpp runs the same rules one worker at a time.
#include "models/worker_pass.hpp"

#include "sim/parallel.hpp"
#include "sim/random.hpp"

#include <atomic>

namespace labourshift::models {

namespace {

constexpr std::size_t kWorkerBlock = std::size_t{1} << 15;
constexpr std::size_t kPrefetch = 32;  ///< rows ahead whose cell data is prefetched

using pass::BlockTally;
using pass::MonthRules;

/// One block's view of the state: raw column pointers (restrict: the byte-wide columns would
/// otherwise alias everything, and the compiler would reload every pointer after each store) and
/// the block's tallies.
struct Kernel {
  const Model& m;
  const MonthRules& r;
  const OccupationState& occ;
  FirmTable& F;
  BlockTally& t;
  FirmSums& mine;
  DrawKey key;
  double wage_level;
  const std::uint32_t* __restrict ids;
  std::uint8_t* __restrict status;
  OccupationId* __restrict occupation;
  std::uint8_t* __restrict why;
  std::uint8_t* __restrict age;
  std::uint32_t* __restrict employer;
  float* __restrict pay;
  float* __restrict literacy;
  std::uint16_t* __restrict tenure;
  std::uint16_t* __restrict spell;
  OccupationId* __restrict reskill_target;
  std::uint8_t* __restrict reskill_months_left;
  const CellOdds* __restrict cell_odds;
  const float* __restrict firm_literacy;
  const std::uint8_t* __restrict exiting;
  const std::uint8_t* __restrict knowledge;
  const double* __restrict complement;
  std::int64_t* __restrict flow;  ///< t.transitions

  Kernel(const Model& model, const MonthRules& rules, const OccupationState& o, FirmTable& firms,
         WorkerTable& w, BlockTally& tally, FirmSums& sums, DrawKey k, double level)
      : m(model),
        r(rules),
        occ(o),
        F(firms),
        t(tally),
        mine(sums),
        key(k),
        wage_level(level),
        ids(w.id.data()),
        status(w.status.data()),
        occupation(w.occupation.data()),
        why(w.reason.data()),
        age(w.age.data()),
        employer(w.employer.data()),
        pay(w.wage.data()),
        literacy(w.literacy.data()),
        tenure(w.tenure.data()),
        spell(w.spell.data()),
        reskill_target(w.reskill_target.data()),
        reskill_months_left(w.reskill_months_left.data()),
        cell_odds(firms.odds.data()),
        firm_literacy(firms.mean_literacy.data()),
        exiting(firms.exiting.data()),
        knowledge(model.knowledge_role.data()),
        complement(model.complementarity.data()),
        flow(tally.transitions.data()) {}

  [[gnu::always_inline]] void count(std::size_t which, std::size_t o) { ++flow[which * r.O + o]; }
  void retire_not_employed(std::size_t i, Status st, std::size_t o);
  void unemployed(std::size_t i, std::size_t o, double v);
  void reskilling(std::size_t i, std::size_t o, double v);
  void founder(std::size_t i, std::size_t o, double v);
  void employed(std::size_t i, bool retires, double u);
  void separate(std::size_t i, std::size_t o, std::uint32_t f, Reason reason, bool firm_reason);
  void search_on_the_job(std::size_t i, double u) {
    // The top of a stayer's interval: a stayer searches with probability search.on_the_job_share.
    if (u > 1.0 - r.on_the_job_share) t.job_searchers.push_back(static_cast<std::uint32_t>(i));
  }
  void run(std::size_t begin, std::size_t end);
};

inline void Kernel::retire_not_employed(std::size_t i, Status st, std::size_t o) {
  const std::size_t which = st == Status::kUnemployed   ? kRetireU
                            : st == Status::kReskilling ? kRetireR
                            : st == Status::kFounder    ? kRetireF
                                                        : kRetireO;
  count(which, o);
  status[i] = static_cast<std::uint8_t>(Status::kRetired);
  why[i] = static_cast<std::uint8_t>(Reason::kRetirement);
}

inline void Kernel::unemployed(std::size_t i, std::size_t o, double v) {
  if (spell[i] < 0xffff) ++spell[i];
  // Competing hazards: discouraged exit, reskilling, founding.
  const double p_exit = rules::discouraged_exit(spell[i], m.scenario.workers);
  double p_reskill = 0;
  const int target = occ.reskill_target[o];
  if (target >= 0 && spell[i] >= r.min_reskill_spell) {
    p_reskill = std::min(1.0, r.reskill_hazard[o] * r.age_factor[age[i]]);
  }
  const double p_found = rules::founding_hazard(m.scenario.founders, r.policy, literacy[i]);
  if (v < p_exit) {
    count(kExit, o);
    status[i] = static_cast<std::uint8_t>(Status::kOutOfLabourForce);
    spell[i] = 0;
  } else if (v < p_exit + p_reskill) {
    count(kReskillStart, o);
    const auto to = static_cast<std::size_t>(target);
    const double sim = m.similarity(static_cast<Eigen::Index>(o), static_cast<Eigen::Index>(to));
    status[i] = static_cast<std::uint8_t>(Status::kReskilling);
    reskill_target[i] = static_cast<OccupationId>(to);
    reskill_months_left[i] = rules::programme_months(m.scenario.reskilling, r.policy, sim);
    spell[i] = 0;
  } else if (v < p_exit + p_reskill + p_found) {
    count(kFounderStart, o);
    status[i] = static_cast<std::uint8_t>(Status::kFounder);
    tenure[i] = 0;
    spell[i] = 0;
  } else {
    t.seekers.push_back(static_cast<std::uint32_t>(i));
    if (spell[i] >= r.long_term) ++t.ltu_seekers[o];
    if (spell[i] > r.policy.ui_months) ++t.ui_expired_seekers[o];
  }
}

inline void Kernel::reskilling(std::size_t i, std::size_t o, double v) {
  if (v < r.dropout) {
    count(kReskillDropout, o);
    status[i] = static_cast<std::uint8_t>(Status::kUnemployed);
  } else if (--reskill_months_left[i] == 0) {
    // Completion: the worker's occupation becomes the target, literacy rises.
    const std::size_t to = reskill_target[i];
    count(kReskillComplete, o);
    count(kReskillCompleteInto, to);
    t.completions.emplace_back(static_cast<OccupationId>(o), static_cast<OccupationId>(to));
    status[i] = static_cast<std::uint8_t>(Status::kUnemployed);
    occupation[i] = static_cast<OccupationId>(to);
    pay[i] = static_cast<float>(occ.wage[to] / wage_level);
    literacy[i] += static_cast<float>(r.literacy_gain) * (1.0F - literacy[i]);
  }
}

inline void Kernel::founder(std::size_t i, std::size_t o, double v) {
  if (tenure[i] < 0xffff) ++tenure[i];
  if (v < r.founder_failure) {
    count(kFounderFail, o);
    status[i] = static_cast<std::uint8_t>(Status::kUnemployed);
    spell[i] = 0;
  } else if (tenure[i] >= r.months_to_firm && r.creates_firms &&
             v < r.founder_failure + r.founder_creation) {
    t.founders.push_back(static_cast<std::uint32_t>(i));  // creates a firm (serial, later)
  }
}

inline void Kernel::separate(std::size_t i, std::size_t o, std::uint32_t f, Reason reason,
                             bool firm_reason) {
  const std::size_t k = F.firm_class[f];
  if (firm_reason) {
    sim::Stream rng(key.seed, key.replication, static_cast<std::uint32_t>(r.month),
                    stream::kMobility, ids[i]);
    if (rng.uniform() < r.mobility[k]) {
      why[i] = static_cast<std::uint8_t>(reason);  // provisional; redeploy() decides
      t.candidates.push_back(static_cast<std::uint32_t>(i));
      return;
    }
  }
  const bool leaves = reason == Reason::kQuitOutOfLabourForce;
  if (leaves) {
    count(kQuitOlf, o);
  } else if (reason == Reason::kQuit) {
    ++t.quits[o];
    ++t.cls_quits[k];
  } else {
    const std::size_t ri = layoff_index(reason);
    ++t.layoffs[o * kLayoffReasons + ri];
    ++t.cls_layoffs[k * kLayoffReasons + ri];
    std::atomic_ref<std::int32_t>(F.layoffs[f * kLayoffReasons + ri])
        .fetch_add(1, std::memory_order_relaxed);
    if (!firm_reason && reason == Reason::kDemand)
      std::atomic_ref<std::int32_t>(F.discharges[f]).fetch_add(1, std::memory_order_relaxed);
    if (r.policy.retraining_mandate && is_ai_attributed(reason))
      t.mandated.push_back(static_cast<std::uint32_t>(i));
  }
  status[i] = static_cast<std::uint8_t>(leaves ? Status::kOutOfLabourForce : Status::kUnemployed);
  why[i] = static_cast<std::uint8_t>(reason);
  employer[i] = kNoEmployer;
  tenure[i] = 0;
  spell[i] = 0;
  // Integer decrements commute, so the result is the same for any thread schedule.
  std::atomic_ref<std::int32_t>(F.headcount[f * r.O + o]).fetch_sub(1, std::memory_order_relaxed);
}

inline void Kernel::employed(std::size_t i, bool retires, double u) {
  const std::size_t o = occupation[i];
  const std::uint32_t f = employer[i];
  const std::size_t c = f * r.O + o;
  if (retires) {
    count(kRetireE, o);
    std::atomic_ref<std::int32_t>(F.headcount[c]).fetch_sub(1, std::memory_order_relaxed);
    status[i] = static_cast<std::uint8_t>(Status::kRetired);
    why[i] = static_cast<std::uint8_t>(Reason::kRetirement);
    employer[i] = kNoEmployer;
    return;
  }
  ++t.employed;
  if (tenure[i] < 0xffff) ++tenure[i];
  const float l = literacy[i];
  const CellOdds odds = cell_odds[c];
  literacy[i] = rules::learn_on_the_job(l, r.beta, odds.adoption);
  // The month's measurement of the staff at its start: wages paid, literacy, knowledge.
  const double wage = pay[i] * wage_level;  // stored relative to the wage level
  const double lit = literacy[i];
  mine.add(f, wage, lit, tenure[i], knowledge[o] != 0, r.knowledge_cap);
  t.wages += wage;
  t.literacy += lit;
  if (complement[o] >= rules::kComplementedJob) {
    if (lit >= rules::kFluentLiteracy) {
      t.fluent_wage += wage;
      t.fluent_n += 1;
    } else {
      t.other_wage += wage;
      t.other_n += 1;
    }
  }
  if (exiting[f] != 0) return separate(i, o, f, Reason::kFirmExit, false);
  // Most employed workers stay: skip the chain when u clears its largest possible threshold.
  if (u >= pass::stayer_threshold(odds, r, o)) return search_on_the_job(i, u);
  // The firm's mean literacy is a snapshot taken at planning: headcounts change under this
  // very pass, so reading them here would depend on thread timing.
  const double weight =
      rules::layoff_literacy_weight(r.literacy_weight, firm_literacy[f], l) * (1.0 / kOddsScale);
  const double pd = odds.demand * weight;
  const double pa = odds.automation * weight;
  const double pc = odds.capex * weight;
  if (u < pd) return separate(i, o, f, Reason::kDemand, true);
  if (u < pd + pa) return separate(i, o, f, Reason::kAutomation, true);
  if (u < pd + pa + pc) return separate(i, o, f, Reason::kCapexFunding, true);
  const MonthRules::Churn& churn = r.churn[o];
  if (u < pd + pa + pc + churn.delta) return separate(i, o, f, Reason::kDemand, false);
  if (u < pd + pa + pc + churn.delta + churn.quit) return separate(i, o, f, Reason::kQuit, false);
  if (u < pd + pa + pc + churn.delta + churn.quit + churn.quit_olf)
    return separate(i, o, f, Reason::kQuitOutOfLabourForce, false);
  search_on_the_job(i, u);
}

void Kernel::run(std::size_t begin, std::size_t end) {
  const std::size_t O = r.O;  // a local: int64 stores may alias a size_t member
  const auto month = static_cast<std::uint32_t>(r.month);
  const sim::KeyedWords words(key.seed, key.replication, month, stream::kWorkerPass);
  for (std::size_t i = begin; i < end; ++i) {
    // Between the yearly regroupings, hires scatter a firm's workers over the table, so the
    // cell data is read at random for them: fetch it a few workers ahead.
    if (i + kPrefetch < end) {
      const std::uint32_t ahead = employer[i + kPrefetch];
      if (ahead != kNoEmployer) {
        __builtin_prefetch(cell_odds + ahead * O + occupation[i + kPrefetch]);
        __builtin_prefetch(mine.firm.data() + ahead, 1);
      }
    }
    const auto st = static_cast<Status>(status[i]);
    if (st == Status::kRetired) continue;
    const std::size_t o = occupation[i];
    ++t.start_stock[static_cast<std::size_t>(st) * O + o];
    if (r.birthday && age[i] < pass::kMaxAge) ++age[i];
    const double h_retire = r.retire_hazard[age[i]];
    // The worker's uniform of the month: a function of its id alone, whatever its row.
    const double draw = pass::uniform_from_word(words(ids[i]));
    const bool retires = draw < h_retire;
    const double u = pass::rest_of_uniform(draw, h_retire, retires);
    switch (st) {
      case Status::kEmployed:
        employed(i, retires, u);
        break;
      case Status::kUnemployed:
        retires ? retire_not_employed(i, st, o) : unemployed(i, o, u);
        break;
      case Status::kReskilling:
        retires ? retire_not_employed(i, st, o) : reskilling(i, o, u);
        break;
      case Status::kFounder:
        retires ? retire_not_employed(i, st, o) : founder(i, o, u);
        break;
      case Status::kOutOfLabourForce:
        if (retires) {
          retire_not_employed(i, st, o);
        } else if (u < r.reentry) {
          // Re-entrants search at once: those hired this month move from outside the labour
          // force into a job (spell 0 marks them among the seekers).
          count(kReentry, o);
          status[i] = static_cast<std::uint8_t>(Status::kUnemployed);
          spell[i] = 0;
          t.seekers.push_back(static_cast<std::uint32_t>(i));
        }
        break;
      case Status::kRetired:
        break;
    }
  }
}

}  // namespace

void worker_pass(const Model& m, DrawKey key, const Environment& env, const OccupationState& occ,
                 FirmTable& F, WorkerTable& W, MonthFlows& flows, MonthLists& lists, Stocks& stocks,
                 RunTotals& totals, ThreadFirmSums& sums) {
  const MonthRules rules(m, env, occ);
  const std::size_t n = W.size();
  std::vector<BlockTally> tally(sim::block_count(n, kWorkerBlock), BlockTally(rules.O, rules.K));
  sim::for_blocks(n, kWorkerBlock, [&](std::size_t b, std::size_t begin, std::size_t end) {
    FirmSums& mine = sums.local();
    if (mine.firm.size() < F.size()) mine.firm.resize(F.size(), {0, 0, 0});
    Kernel(m, rules, occ, F, W, tally[b], mine, key, env.productivity).run(begin, end);
  });
  pass::reset_month(flows, lists, stocks);
  for (const BlockTally& t : tally) t.join_into(flows, lists, stocks, totals);
  merge_firm_sums(sums, F);
  pass::check_start_stocks(m, env.month, flows, stocks);
}

}  // namespace labourshift::models
