#include "models/ai_environment.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace labourshift::models {

double ai_capability(const AiParams& ai, int month) {
  // A logistic curve shifted so that a(0) = a0 exactly and a(t) -> a_max.
  auto logistic = [&](double t) {
    return 1.0 / (1.0 + std::exp(-ai.capability_rate_per_year *
                                 (t - static_cast<double>(ai.capability_midpoint_month)) / 12.0));
  };
  const double l0 = logistic(0.0);
  const double lt = logistic(static_cast<double>(month));
  const double frac = l0 < 1.0 ? (lt - l0) / (1.0 - l0) : 1.0;
  return ai.capability_start + (ai.capability_max - ai.capability_start) * std::max(0.0, frac);
}

double compute_price(const AiParams& ai, int month) {
  return ai.compute_price_start *
         std::pow(1.0 - ai.compute_price_decline_per_year, static_cast<double>(month) / 12.0);
}

double core_demand_index(const MacroParams& m, int month) {
  const double t = static_cast<double>(month);
  double level = std::pow(1.0 + m.core_growth_per_year, t / 12.0);
  if (m.path == "cycle") {
    level *= 1.0 + m.cycle_amplitude * std::sin(2.0 * std::numbers::pi * t /
                                                static_cast<double>(m.cycle_period_months));
  } else if (m.path == "recession" && month >= m.recession_month) {
    const double since = t - static_cast<double>(m.recession_month);
    const double left =
        m.recession_recovery_months > 0
            ? std::max(0.0, 1.0 - since / static_cast<double>(m.recession_recovery_months))
            : (month == m.recession_month ? 1.0 : 0.0);
    level *= 1.0 - m.recession_depth * left;
  }
  return level;
}

double ai_growth_per_year(const AiParams& ai, int month) {
  if (ai.bust_month > 0 && month >= ai.bust_month) return ai.post_bust_growth_per_year;
  return ai.growth_long_run_per_year +
         (ai.growth_start_per_year - ai.growth_long_run_per_year) *
             std::pow(0.5,
                      static_cast<double>(month) / static_cast<double>(ai.growth_halflife_months));
}

double ai_market_index(const AiParams& ai, int month) {
  double level = 1.0;
  for (int t = 1; t <= month; ++t) {
    level *= std::pow(1.0 + ai_growth_per_year(ai, t), 1.0 / 12.0);
    if (ai.bust_month > 0 && t == ai.bust_month) level *= 1.0 - ai.bust_depth;
  }
  return level;
}

}  // namespace labourshift::models
