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
      w.occupation[i] = static_cast<OccupationId>(best);
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

double harmonic(double n) {
  // H_n = sum_{j<=n} 1/j: exact to 64 terms, then the asymptotic series (error below 1e-10).
  if (n < 1) return 0;
  if (n <= 64) {
    double h = 0;
    for (int j = static_cast<int>(n); j >= 1; --j) h += 1.0 / j;
    return h;
  }
  constexpr double kEulerGamma = 0.5772156649015329;
  return std::log(n) + kEulerGamma + 1.0 / (2 * n) - 1.0 / (12 * n * n);
}

WarnSites warn_sites(double staff, double laid_off, double sites, const WorkerParams& rules) {
  WarnSites out;
  if (laid_off <= 0 || staff < rules.warn_min_employer_persons || staff <= 0) return out;
  const double S = std::max(1.0, std::round(sites));
  const double hs = harmonic(S);
  const double share = std::min(1.0, laid_off / staff);
  // Site j (1 = largest) holds staff / (j H_S) and loses the share `share` of it: laid_off /
  // (j H_S). It files when that loss reaches the threshold (and, under the one-third rule, when the
  // loss is 500 or more, or the share a third or more).
  double least = rules.warn_threshold_persons;
  if (rules.warn_one_third_rule && share < 1.0 / 3.0) least = std::max(least, 500.0);
  const double n = std::min(S, std::floor(laid_off / (least * hs) * (1 + 1e-12)));
  if (n < 1) return out;
  out.notices = n;
  out.persons = laid_off * harmonic(n) / hs;
  out.largest = laid_off / hs;
  out.smallest = laid_off / (n * hs);
  out.harmonic_sites = hs;
  return out;
}

void file_warn_notices(const Model& m, DrawKey key, int month, const FirmTable& F,
                       std::vector<std::int64_t>& warn_rows, WarnMonth& summary) {
  // WARN notices site by site (docs/model.md): a firm's layoffs of the month, in persons, spread
  // over each of its real firms and, within each, pro rata over its sites, whose sizes fall as
  // 1/j; a site files when its loss reaches the threshold. In firm order.
  warn_rows.clear();
  summary = WarnMonth{};
  const double ppa = m.persons_per_agent;
  const WorkerParams& rules = m.scenario.workers;
  std::vector<std::pair<double, double>> sizes;  // (persons of a notice, how many such notices)
  for (std::size_t f = 0; f < F.size(); ++f) {
    std::int64_t total = 0, top = 0;
    std::size_t top_reason = 0;
    for (std::size_t r = 0; r < kLayoffReasons; ++r) {
      const std::int64_t x =
          F.layoffs[f * kLayoffReasons + r] - (r == kLayoffDemand ? F.discharges[f] : 0);
      total += F.layoffs[f * kLayoffReasons + r];
      if (x > top) {
        top = x;
        top_reason = r;
      }
    }
    // Individual discharges are not a layoff event: the rest of the month's layoffs are.
    const std::int64_t event = total - F.discharges[f];
    if (event <= 0) continue;
    const std::int64_t staff = total + F.staff(f);  // before this month's layoffs
    const double g = std::max(1.0, F.real_firms[f]);
    const double laid_off = static_cast<double>(event) * ppa;
    const WarnSites one =
        warn_sites(static_cast<double>(staff) * ppa / g, laid_off / g, F.sites[f], rules);
    if (one.notices <= 0) continue;
    for (double j = 1; j <= one.notices; ++j) sizes.emplace_back(one.largest / j, g);
    summary.notices += one.notices * g;
    summary.persons += one.persons * g;
    warn_rows.insert(warn_rows.end(),
                     {static_cast<std::int64_t>(key.replication), month,
                      static_cast<std::int64_t>(f), static_cast<std::int64_t>(F.firm_class[f]),
                      std::llround(one.notices * g), std::llround(one.persons * g),
                      std::llround(laid_off), static_cast<std::int64_t>(top_reason)});
  }
  // The median notice: the notice at half the count, sizes in ascending order.
  std::sort(sizes.begin(), sizes.end());
  double seen = 0;
  for (const auto& [persons, count] : sizes) {
    seen += count;
    if (seen >= summary.notices / 2) {
      summary.median_persons = persons;
      break;
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
    w.reskill_target[i] = static_cast<OccupationId>(t);
    w.reskill_months_left[i] = rules::programme_months(sc.reskilling, env.policy, sim);
    ++flows.transitions[kReskillStart * O + o];
    ++flows.mandated_enrolled;
  }
  lists.mandated.clear();
}

}  // namespace labourshift::models
