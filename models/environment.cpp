// The environment phase: the exogenous paths of the month (ai_environment.hpp) and what firms
// read from them: the AI market, the adoption targets, the denominator of the AI shares.
#include "models/ai_environment.hpp"
#include "models/phases.hpp"

#include <algorithm>
#include <cmath>

namespace labourshift::models {

void update_environment(const Model& m, int month, const FirmTable& F, const OccupationState& occ,
                        Environment& env) {
  const Scenario& sc = m.scenario;
  const auto& ai = sc.ai;
  env.month = month;
  env.policy = policy_in_force(sc, month);
  env.demand = core_demand_index(sc.macro, month);
  env.capability = ai_capability(ai, month);
  env.price = compute_price(ai, month);
  // Every amount in the model is real (USD at run-start prices); the CPI only converts the
  // outputs' nominal series.
  env.productivity =
      std::pow(1.0 + sc.macro.productivity_growth_per_year, static_cast<double>(month) / 12.0);
  env.price_level = std::pow(1.0 + sc.macro.inflation_per_year, static_cast<double>(month) / 12.0);
  env.operability = std::pow(1.0 + sc.reliability.operability_growth_per_year, month / 12.0);
  // AI services exist only while AI can do something: with zero capability there is no market.
  const double a0 = ai_capability(ai, 0);
  const double capability_factor =
      a0 > 0 ? std::min(1.0, env.capability / a0) : (env.capability > 0 ? 1.0 : 0.0);
  env.market = env.market0 * ai_market_index(ai, month) * capability_factor;
  env.adoption_target =
      adoption_targets(m, occ, env.capability, env.price * (1.0 + env.policy.compute_tax));
  // AI demand is shared in proportion to K^phi over active sellers (last month's capacity);
  // a serial sum in firm order keeps it deterministic.
  env.share_denominator = 0;
  for (std::size_t f = 0; f < F.size(); ++f) {
    if (F.active[f] != 0 && F.ai_seller[f] != 0) {
      env.share_denominator += F.ai_attraction[f] * std::pow(F.capacity[f], ai.share_elasticity);
    }
  }
}
}  // namespace labourshift::models
