// Occupation wages: a wage curve in tightness relative to its recent normal.
#include "models/phases.hpp"
#include "models/rules.hpp"

#include <cmath>

namespace labourshift::models {

void update_wages(const Model& m, int month, const MonthFlows& flows, OccupationState& occ) {
  const Scenario& sc = m.scenario;
  const std::size_t O = m.data.size();
  // d ln w_o = g_a/12 + (eta/12) (ln theta_o - ln theta_ref_o), theta_o = (V_o + 1) / (U_o + 1),
  // in real terms (run-start prices): real wages grow with labour productivity g_a; the reference
  // tightness is an exponential moving average (half-life H months), so wages respond to tightness
  // relative to its recent normal, not to level differences between occupations.
  const double eta = sc.wages.tightness_elasticity / 12.0;
  const double trend = std::log1p(sc.macro.productivity_growth_per_year) / 12.0;
  const double keep = std::pow(0.5, 1.0 / static_cast<double>(sc.wages.reference_halflife_months));
  for (std::size_t o = 0; o < O; ++o) {
    const double log_theta = std::log((static_cast<double>(flows.vacancies_posted[o]) + 1.0) /
                                      (static_cast<double>(flows.seekers_by_occ[o]) + 1.0));
    if (month == 1) occ.ref_log_tightness[o] = log_theta;
    occ.wage[o] = rules::next_wage(occ.wage[o], trend, eta, log_theta, occ.ref_log_tightness[o]);
    occ.ref_log_tightness[o] = keep * occ.ref_log_tightness[o] + (1.0 - keep) * log_theta;
  }
}

}  // namespace labourshift::models
