// Internal redeployment of those due to be laid off, the WARN notices of the month, and the
// retraining mandate's enrolment. Serial, in row order, so the results do not depend on threads.
#include "models/phases.hpp"
#include "models/rules.hpp"

#include <algorithm>
#include <cmath>

namespace labourshift::models {

void redeploy(const Model& m, const Environment& env, const OccupationState& occ, FirmTable& F,
              WorkerTable& W, MonthFlows& flows, MonthLists& lists) {
  const Scenario& sc = m.scenario;
  const std::size_t O = m.data.size();
  // A candidate moves to an open opening of the same firm, in the occupation most similar
  // (sim >= labour.internal_mobility_min_similarity); otherwise the layoff goes ahead.
  std::fill(flows.redeployed_in.begin(), flows.redeployed_in.end(), 0);
  std::fill(flows.redeployed_out.begin(), flows.redeployed_out.end(), 0);
  WorkerTable& w = W;
  const double min_sim = sc.labour.internal_mobility_min_similarity;
  for (const std::uint32_t i : lists.redeploy_candidates) {
    const std::size_t o = w.occupation[i];
    const std::uint32_t f = w.employer[i];
    std::size_t best = O;
    double best_sim = min_sim;
    for (std::size_t d = 0; d < O; ++d) {
      if (d == o) continue;
      const std::size_t c = F.cell(f, d);
      const double sim = m.similarity(static_cast<Eigen::Index>(o), static_cast<Eigen::Index>(d));
      if (F.vacancies[c] >= 1 && sim >= best_sim) {
        best = d;
        best_sim = sim;
      }
    }
    const std::size_t k = F.firm_class[f];
    if (best < O) {
      --F.headcount[F.cell(f, o)];
      ++F.headcount[F.cell(f, best)];
      --F.vacancies[F.cell(f, best)];  // the move fills one of the firm's open openings
      w.occupation[i] = static_cast<std::uint8_t>(best);
      w.wage[i] = static_cast<float>(occ.wage[best] / env.productivity) * m.class_premium[k];
      w.reason[i] = static_cast<std::uint8_t>(Reason::kNone);
      ++flows.redeployed_out[o];
      ++flows.redeployed_in[best];
      continue;
    }
    const auto reason = static_cast<Reason>(w.reason[i]);
    const std::size_t ri = layoff_index(reason);
    ++flows.layoffs[o * kLayoffReasons + ri];
    ++flows.cls_layoffs[k * kLayoffReasons + ri];
    ++F.layoffs[f * kLayoffReasons + ri];
    --F.headcount[F.cell(f, o)];
    if (env.policy.retraining_mandate && is_ai_attributed(reason)) lists.mandated.push_back(i);
    w.status[i] = static_cast<std::uint8_t>(Status::kUnemployed);
    w.employer[i] = kNoEmployer;
    w.tenure[i] = 0;
    w.spell[i] = 0;
  }
}

void file_warn_notices(const Model& m, DrawKey key, int month, const FirmTable& F,
                       std::vector<std::int64_t>& warn_rows) {
  // WARN notices (federal WARN Act: 50 or more at once), in firm order.
  warn_rows.clear();
  const double threshold = m.scenario.workers.warn_threshold_persons / m.persons_per_agent;
  for (std::size_t f = 0; f < F.size(); ++f) {
    std::int64_t total = 0, top = 0;
    std::size_t top_reason = 0;
    for (std::size_t r = 0; r < kLayoffReasons; ++r) {
      const std::int64_t x = F.layoffs[f * kLayoffReasons + r];
      total += x;
      if (x > top) {
        top = x;
        top_reason = r;
      }
    }
    if (total > 0 && static_cast<double>(total) >= threshold) {
      warn_rows.insert(warn_rows.end(),
                       {static_cast<std::int64_t>(key.replication), month,
                        static_cast<std::int64_t>(f), static_cast<std::int64_t>(F.firm_class[f]),
                        total, std::llround(static_cast<double>(total) * m.persons_per_agent),
                        static_cast<std::int64_t>(top_reason)});
    }
  }
}

void enrol_mandated(const Model& m, const Environment& env, const OccupationState& occ,
                    WorkerTable& W, MonthFlows& flows, MonthLists& lists) {
  const Scenario& sc = m.scenario;
  const std::size_t O = m.data.size();
  // A worker laid off for AI reasons starts a funded programme at once, toward the best feasible
  // target (the one with the highest f w, gain or not).
  std::sort(lists.mandated.begin(), lists.mandated.end());
  WorkerTable& w = W;
  for (const std::uint32_t i : lists.mandated) {
    const std::size_t o = w.occupation[i];
    const int target = occ.mandate_target[o];
    if (target < 0) continue;
    const auto t = static_cast<std::size_t>(target);
    const double sim = m.similarity(static_cast<Eigen::Index>(o), static_cast<Eigen::Index>(t));
    w.status[i] = static_cast<std::uint8_t>(Status::kReskilling);
    w.reskill_target[i] = static_cast<std::uint8_t>(t);
    w.reskill_months_left[i] = rules::programme_months(sc.reskilling, env.policy, sim);
    ++flows.transitions[kReskillStart * O + o];
    ++flows.mandated_enrolled;
  }
  lists.mandated.clear();
}

}  // namespace labourshift::models
