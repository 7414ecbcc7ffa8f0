// The reference worker pass: the rules of the month for one worker at a time, in row order, on one
// thread, written for reading rather than speed. No blocks of rows, no stayer threshold (every
// comparison is made), no prefetch, no restrict pointers, no atomics. Tests run it against the fast
// pass (worker_pass.cpp) and require identical stocks, flows and tables.
#include "models/worker_pass.hpp"

#include "sim/random.hpp"

namespace labourshift::models {

namespace {

/// The worker's uniform of the month, from its id.
double monthly_uniform(DrawKey key, int month, std::uint32_t id) {
  return pass::uniform_from_word(sim::KeyedWords(
      key.seed, key.replication, static_cast<std::uint32_t>(month), stream::kWorkerPass)(id));
}

/// Everything the reference pass touches, and what it tallies.
struct Reference {
  const Model& m;
  const pass::MonthRules& r;
  const OccupationState& occ;
  DrawKey key;
  double wage_level;
  FirmTable& F;
  WorkerTable& W;
  pass::BlockTally& t;
  FirmSums& sums;

  void count(Flow which, std::size_t o) { ++t.transitions[which * r.O + o]; }

  void become(std::size_t i, Status s) { W.status[i] = static_cast<std::uint8_t>(s); }

  void not_employed(std::size_t i, Status st, bool retires, double u) {
    const std::size_t o = W.occupation[i];
    if (retires) {
      const Flow which = st == Status::kUnemployed   ? kRetireU
                         : st == Status::kReskilling ? kRetireR
                         : st == Status::kFounder    ? kRetireF
                                                     : kRetireO;
      count(which, o);
      become(i, Status::kRetired);
      W.reason[i] = static_cast<std::uint8_t>(Reason::kRetirement);
      return;
    }
    if (st == Status::kUnemployed) {
      W.spell[i] = static_cast<std::uint16_t>(std::min(0xffff, W.spell[i] + 1));
      const auto& sc = m.scenario;
      const double p_exit = rules::discouraged_exit(W.spell[i], sc.workers);
      const int target = occ.reskill_target[o];
      const bool can_reskill = target >= 0 && W.spell[i] >= r.min_reskill_spell;
      const double p_reskill =
          can_reskill ? std::min(1.0, r.reskill_hazard[o] * r.age_factor[W.age[i]]) : 0.0;
      const double p_found = rules::founding_hazard(sc.founders, r.policy, W.literacy[i]);
      if (u < p_exit) {
        count(kExit, o);
        become(i, Status::kOutOfLabourForce);
        W.spell[i] = 0;
      } else if (u < p_exit + p_reskill) {
        count(kReskillStart, o);
        become(i, Status::kReskilling);
        W.reskill_target[i] = static_cast<OccupationId>(target);
        W.reskill_months_left[i] = rules::programme_months(
            sc.reskilling, r.policy,
            m.similarity(static_cast<Eigen::Index>(o), static_cast<Eigen::Index>(target)));
        W.spell[i] = 0;
      } else if (u < p_exit + p_reskill + p_found) {
        count(kFounderStart, o);
        become(i, Status::kFounder);
        W.tenure[i] = 0;
        W.spell[i] = 0;
      } else {
        t.seekers.push_back(static_cast<std::uint32_t>(i));
        if (W.spell[i] >= r.long_term) ++t.ltu_seekers[o];
        if (W.spell[i] > r.policy.ui_months) ++t.ui_expired_seekers[o];
      }
    } else if (st == Status::kReskilling) {
      if (u < r.dropout) {
        count(kReskillDropout, o);
        become(i, Status::kUnemployed);
        return;
      }
      W.reskill_months_left[i] = static_cast<std::uint8_t>(W.reskill_months_left[i] - 1);
      if (W.reskill_months_left[i] != 0) return;
      const std::size_t to = W.reskill_target[i];
      count(kReskillComplete, o);
      count(kReskillCompleteInto, to);
      t.completions.emplace_back(static_cast<OccupationId>(o), static_cast<OccupationId>(to));
      become(i, Status::kUnemployed);
      W.occupation[i] = static_cast<OccupationId>(to);
      W.wage[i] = static_cast<float>(occ.wage[to] / wage_level);
      W.literacy[i] += static_cast<float>(r.literacy_gain) * (1.0F - W.literacy[i]);
    } else if (st == Status::kFounder) {
      W.tenure[i] = static_cast<std::uint16_t>(std::min(0xffff, W.tenure[i] + 1));
      if (u < r.founder_failure) {
        count(kFounderFail, o);
        become(i, Status::kUnemployed);
        W.spell[i] = 0;
      } else if (W.tenure[i] >= r.months_to_firm && r.creates_firms &&
                 u < r.founder_failure + r.founder_creation) {
        t.founders.push_back(static_cast<std::uint32_t>(i));
      }
    } else if (u < r.reentry) {  // out of the labour force; re-entrants search at once
      count(kReentry, o);
      become(i, Status::kUnemployed);
      W.spell[i] = 0;
      t.seekers.push_back(static_cast<std::uint32_t>(i));
    }
  }

  /// Which separation, if any, u gives an employed worker of literacy l in cell (f, o).
  std::pair<Reason, bool> separation(std::size_t f, std::size_t o, const CellOdds& odds, float l,
                                     double u) const {
    if (F.exiting[f] != 0) return {Reason::kFirmExit, false};
    const double weight = rules::layoff_literacy_weight(r.literacy_weight, F.mean_literacy[f], l) *
                          (1.0 / kOddsScale);
    const double pd = odds.demand * weight, pa = odds.automation * weight, pc = odds.capex * weight;
    if (u < pd) return {Reason::kDemand, true};
    if (u < pd + pa) return {Reason::kAutomation, true};
    if (u < pd + pa + pc) return {Reason::kCapexFunding, true};
    const pass::MonthRules::Churn& churn = r.churn[o];
    if (u < pd + pa + pc + churn.delta) return {Reason::kDemand, false};
    if (u < pd + pa + pc + churn.delta + churn.quit) return {Reason::kQuit, false};
    if (u < pd + pa + pc + churn.delta + churn.quit + churn.quit_olf)
      return {Reason::kQuitOutOfLabourForce, false};
    return {Reason::kNone, false};
  }

  void employed(std::size_t i, bool retires, double u) {
    const std::size_t o = W.occupation[i];
    const std::uint32_t f = W.employer[i];
    const std::size_t c = F.cell(f, o);
    if (retires) {
      count(kRetireE, o);
      --F.headcount[c];
      become(i, Status::kRetired);
      W.reason[i] = static_cast<std::uint8_t>(Reason::kRetirement);
      W.employer[i] = kNoEmployer;
      return;
    }
    ++t.employed;
    W.tenure[i] = static_cast<std::uint16_t>(std::min(0xffff, W.tenure[i] + 1));
    const float l = W.literacy[i];
    const CellOdds odds = F.odds[c];
    W.literacy[i] = rules::learn_on_the_job(l, r.beta, odds.adoption);
    const double wage = W.wage[i] * wage_level;
    const double lit = W.literacy[i];
    sums.add(f, wage, lit, W.tenure[i], m.knowledge_role[o] != 0, r.knowledge_cap);
    t.wages += wage;
    t.literacy += lit;
    if (m.complementarity[o] >= rules::kComplementedJob) {
      (lit >= rules::kFluentLiteracy ? t.fluent_wage : t.other_wage) += wage;
      (lit >= rules::kFluentLiteracy ? t.fluent_n : t.other_n) += 1;
    }
    const auto [reason, firm_reason] = separation(f, o, odds, l, u);
    if (reason == Reason::kNone) {
      if (u > 1.0 - r.on_the_job_share) t.job_searchers.push_back(static_cast<std::uint32_t>(i));
      return;
    }
    const std::size_t k = F.firm_class[f];
    if (firm_reason) {
      sim::Stream rng(key.seed, key.replication, static_cast<std::uint32_t>(r.month),
                      stream::kMobility, W.id[i]);
      if (rng.uniform() < r.mobility[k]) {
        W.reason[i] = static_cast<std::uint8_t>(reason);
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
      ++t.layoffs[o * kLayoffReasons + layoff_index(reason)];
      ++t.cls_layoffs[k * kLayoffReasons + layoff_index(reason)];
      ++F.layoffs[f * kLayoffReasons + layoff_index(reason)];
      if (!firm_reason && reason == Reason::kDemand) ++F.discharges[f];
      if (r.policy.retraining_mandate && is_ai_attributed(reason))
        t.mandated.push_back(static_cast<std::uint32_t>(i));
    }
    become(i, leaves ? Status::kOutOfLabourForce : Status::kUnemployed);
    W.reason[i] = static_cast<std::uint8_t>(reason);
    W.employer[i] = kNoEmployer;
    W.tenure[i] = 0;
    W.spell[i] = 0;
    --F.headcount[c];
  }
};

}  // namespace

void worker_pass_reference(const Model& m, DrawKey key, const Environment& env,
                           const OccupationState& occ, FirmTable& F, WorkerTable& W,
                           MonthFlows& flows, MonthLists& lists, Stocks& stocks, RunTotals& totals,
                           ThreadFirmSums& sums) {
  const pass::MonthRules r(m, env, occ);
  pass::BlockTally tally(r.O, r.K);
  FirmSums& mine = sums.local();
  if (mine.firm.size() < F.size()) mine.firm.resize(F.size(), {0, 0, 0});
  Reference ref{m, r, occ, key, env.productivity, F, W, tally, mine};
  for (std::size_t i = 0; i < W.size(); ++i) {
    const auto st = static_cast<Status>(W.status[i]);
    if (st == Status::kRetired) continue;
    ++tally.start_stock[static_cast<std::size_t>(st) * r.O + W.occupation[i]];
    if (r.birthday && W.age[i] < pass::kMaxAge) ++W.age[i];
    const double draw = monthly_uniform(key, env.month, W.id[i]);
    const double h_retire = r.retire_hazard[W.age[i]];
    const bool retires = draw < h_retire;
    const double u = pass::rest_of_uniform(draw, h_retire, retires);
    if (st == Status::kEmployed) {
      ref.employed(i, retires, u);
    } else {
      ref.not_employed(i, st, retires, u);
    }
  }
  pass::reset_month(flows, lists, stocks);
  tally.join_into(flows, lists, stocks, totals);
  merge_firm_sums(sums, F);
  pass::check_start_stocks(m, env.month, flows, stocks);
}

}  // namespace labourshift::models
