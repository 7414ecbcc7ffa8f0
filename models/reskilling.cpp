// What workers plan each month: the reskilling targets and their expected gains, from recent
// job-finding rates and wages; and how far re-entry responds to tightness.
#include "models/phases.hpp"
#include "models/rules.hpp"

#include <cmath>

namespace labourshift::models {

void plan_workers(const Model& m, int month, const MonthFlows& flows, OccupationState& occ) {
  const Scenario& sc = m.scenario;
  const std::size_t O = m.data.size();
  // Expected gain of reskilling from o to o': recent job-finding rate times wage
  // of the target, less the same for the own occupation; the best feasible target per origin.
  for (std::size_t o = 0; o < O; ++o) {
    if (flows.seekers_by_occ[o] > 0) {
      const double f =
          static_cast<double>(flows.job_finds[o]) / static_cast<double>(flows.seekers_by_occ[o]);
      occ.job_finding_ema[o] = rules::smooth_job_finding(occ.job_finding_ema[o], f);
    }
  }
  const double min_sim = sc.reskilling.min_similarity;
  for (std::size_t o = 0; o < O; ++o) {
    // The feasible target with the best prospects (job-finding rate x wage). The mandate's
    // programme takes it in any case; a volunteer only when it beats staying (a positive gain).
    int best_target = -1;
    double best_prospect = -1;
    for (std::size_t d = 0; d < O; ++d) {
      // The programme catalogue trains for skills, not for management posts.
      if (d == o || m.data.occupations[d].manager ||
          m.similarity(static_cast<Eigen::Index>(o), static_cast<Eigen::Index>(d)) < min_sim) {
        continue;
      }
      const double prospect = occ.job_finding_ema[d] * occ.wage[d];
      if (prospect > best_prospect) {
        best_prospect = prospect;
        best_target = static_cast<int>(d);
      }
    }
    const double gain =
        best_target >= 0 ? best_prospect - occ.job_finding_ema[o] * occ.wage[o] : 0.0;
    occ.mandate_target[o] = static_cast<std::int16_t>(best_target);
    occ.reskill_target[o] = static_cast<std::int16_t>(gain > 0 ? best_target : -1);
    occ.reskill_gain[o] = gain > 0 ? gain / occ.wage[o] : 0.0;
  }
  // Re-entry rises with tightness V/U relative to the first month.
  if (month > 1 && occ.tightness_ref > 0) {
    occ.reentry_factor = std::pow(std::max(occ.tightness_last, 1e-6) / occ.tightness_ref,
                                  sc.workers.reentry_tightness_elasticity);
  }
}

}  // namespace labourshift::models
