#include "models/model.hpp"

#include "models/matching.hpp"
#include "models/metrics.hpp"

#include <algorithm>
#include <cmath>

namespace labourshift::models {

namespace {

/// Automatable share x_o = e_o [r_o + (1 - r_o) (kappa_o + (1 - kappa_o)(1 - omega_a))]: of the
/// exposed content, the routine part and the coordination part are automated; of the rest
/// (non-routine, non-coordination work) AI augments the share omega_a and automates the others.
/// "Exposed" occupations: the top fifth of employment ranked by x_o, AI roles excepted (they are
/// the ones AI amplifies).
void derive_exposure(Model& m) {
  std::vector<std::pair<double, double>> by_x;
  double total = 0;
  for (const auto& o : m.data.occupations) {
    const double omega = m.scenario.ai.augmentation_weight;
    const double x =
        o.exposure *
        (o.routine + (1.0 - o.routine) * (o.coordination + (1.0 - o.coordination) * (1.0 - omega)));
    m.automatable.push_back(x);
    by_x.emplace_back(x, o.employment);
    total += o.employment;
  }
  std::sort(by_x.begin(), by_x.end(),
            [](const auto& l, const auto& r) { return l.first > r.first; });
  double cum = 0, cutoff = by_x.front().first;
  for (const auto& [x, e] : by_x) {
    cutoff = x;
    cum += e;
    if (cum >= total / 5.0) break;
  }
  for (std::size_t o = 0; o < m.data.size(); ++o) {
    m.exposed.push_back(m.automatable[o] >= cutoff && !m.data.occupations[o].ai_role ? 1 : 0);
  }
}

/// tau_o = (w_o / w-bar)^-eta_w, divided by its employment-weighted mean so that the economy's
/// churn is the parameters' and only its split across occupations changes; w-bar is the
/// employment-weighted mean wage of the data.
std::vector<double> turnover_factors(const OccupationData& data, double eta) {
  double employment = 0, wage_bill = 0;
  for (const auto& o : data.occupations) {
    employment += o.employment;
    wage_bill += o.employment * o.wage_month_usd;
  }
  const double mean_wage = wage_bill / employment;
  std::vector<double> tau;
  double weighted = 0;
  for (const auto& o : data.occupations) {
    tau.push_back(std::pow(o.wage_month_usd / mean_wage, -eta));
    weighted += o.employment * tau.back();
  }
  for (double& t : tau) t *= employment / weighted;
  return tau;
}

}  // namespace

std::shared_ptr<const Model> Model::build(const Scenario& scenario) {
  auto m = std::make_shared<Model>();
  m->scenario = scenario;
  m->data = load_occupation_data(
      resolve_data_path(scenario, scenario.data.occupations, "occupations.csv"),
      resolve_data_path(scenario, scenario.data.mobility, "mobility.csv"));
  m->similarity = similarity_matrix(m->data.mobility);
  m->persons_per_agent =
      scenario.population.represented_persons / static_cast<double>(scenario.population.workers);
  for (const auto& c : scenario.firms) {
    m->class_names.push_back(c.name);
    m->class_premium.push_back(static_cast<float>(c.value.wage_premium));
  }
  m->firm_data = load_firm_data(scenario, m->class_names);
  for (std::size_t k = 0; k < scenario.firms.size(); ++k) {
    if (scenario.firms[k].name == scenario.founders.firm_class)
      m->founder_class = static_cast<int>(k);
  }
  for (const auto& o : m->data.occupations) {
    m->complementarity.push_back(o.complementarity);
    m->knowledge_role.push_back(o.knowledge_role ? 1 : 0);
  }
  m->max_complementarity =
      std::max(1e-9, *std::max_element(m->complementarity.begin(), m->complementarity.end()));
  derive_exposure(*m);
  m->turnover = turnover_factors(m->data, scenario.labour.turnover_wage_elasticity);
  declare_outputs(*m, m->layout);
  m->ids = MetricIndex(&m->layout);
  return m;
}

}  // namespace labourshift::models
