// Occupation wages: a wage curve in tightness relative to its recent normal.
#include "models/phases.hpp"
#include "models/rules.hpp"

#include <cmath>

namespace labourshift::models {

void update_wages(const Model& m, int month, double productivity, const MonthFlows& flows,
                  OccupationState& occ) {
  const Scenario& sc = m.scenario;
  const std::size_t O = m.data.size();
  // A wage curve in levels: ln w_o(t) = ln w_o(0) + ln A(t) + eta (s_o(t) - s_o(1)), s_o an
  // exponential smoothing (half-life H months) of ln theta_o, theta_o = (V_o + 1) / (U_o + 1).
  // Real wages grow with labour productivity A and rise or fall with their occupation's
  // tightness relative to its start; when tightness is stationary, so are wages (a curve in
  // growth rates would integrate every deviation into the level for good).
  const double eta = sc.wages.tightness_elasticity;
  const double keep = std::pow(0.5, 1.0 / static_cast<double>(sc.wages.reference_halflife_months));
  for (std::size_t o = 0; o < O; ++o) {
    const double log_theta = std::log((static_cast<double>(flows.vacancies_posted[o]) + 1.0) /
                                      (static_cast<double>(flows.seekers_by_occ[o]) + 1.0));
    if (month == 1) {
      occ.ref_log_tightness[o] = occ.log_tightness0[o] = log_theta;
    } else {
      occ.ref_log_tightness[o] = keep * occ.ref_log_tightness[o] + (1.0 - keep) * log_theta;
    }
    occ.wage[o] = rules::wage_level(m.data.occupations[o].wage_month_usd, productivity, eta,
                                    occ.ref_log_tightness[o], occ.log_tightness0[o]);
  }
}

}  // namespace labourshift::models
