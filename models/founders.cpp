// Founders' firms: a founder who survives long enough may create a small firm and becomes its
// first employee.
#include "models/phases.hpp"
#include "models/rules.hpp"

#include <algorithm>

namespace labourshift::models {

void create_founder_firms(const Model& m, const Environment& env, const OccupationState& occ,
                          FirmTable& F, WorkerTable& W, MonthFlows& flows, MonthLists& lists) {
  // Serial, in row order. The rest of `firm_size` are vacancies in the founder's occupation and
  // the class's largest occupation.
  const Scenario& sc = m.scenario;
  const std::size_t O = m.data.size();
  if (lists.founders_creating.empty()) return;
  const auto k = static_cast<std::size_t>(m.founder_class);
  const auto& c = sc.firms[k].value;
  // The class's largest occupation, by the same mix its firms were staffed with at the start.
  const std::vector<double> mix = class_mix(m.data, c);
  const auto main_occ =
      static_cast<std::size_t>(std::max_element(mix.begin(), mix.end()) - mix.begin());
  const double buffer = 1.0 + sc.labour.vacancy_rate;
  WorkerTable& w = W;
  for (const std::uint32_t i : lists.founders_creating) {
    const std::size_t o = w.occupation[i];
    std::vector<float> base(O, 0.0F);
    base[o] += static_cast<float>(buffer);
    base[main_occ] += static_cast<float>((sc.founders.firm_size - 1) * buffer);
    const double grant_months = env.policy.founder_grant_months;
    const std::size_t f = add_firm(m, env, occ, k, base, grant_months, F);
    F.founded[f] = 1;
    F.exit_hazard[f] = rules::monthly_hazard(sc.founders.firm_exit_rate_per_year);
    flows.new_firm_funding += F.cash[f];
    // The grant: grant_months of the start-up's revenue, R0 A (add_firm).
    flows.founder_grants += grant_months * F.core_revenue0[f] * env.productivity;
    ++F.headcount[F.cell(f, o)];
    w.status[i] = static_cast<std::uint8_t>(Status::kEmployed);
    w.employer[i] = static_cast<std::uint32_t>(f);
    w.tenure[i] = 0;
    w.wage[i] = static_cast<float>(occ.wage[o] / env.productivity) * m.class_premium[k];
    ++flows.transitions[kFounderFirm * O + o];
  }
  lists.founders_creating.clear();
}
}  // namespace labourshift::models
