// The exogenous environment: AI capability a(t), compute price p(t), AI
// service demand M(t), and the core-demand index D(t). Pure functions of the scenario and the
// month, except M(t), whose growth path is carried by AiMarket from month to month.
#pragma once

#include "models/scenario.hpp"

namespace labourshift::models {

/// a(t) = a0 + (a_max - a0) / (1 + exp(-kappa (t - t_mid) / 12)), normalised so a(0) = a0.
double ai_capability(const AiParams& ai, int month);

/// p(t) = p0 (1 - g_p)^(t / 12), USD per GPU-equivalent-month.
double compute_price(const AiParams& ai, int month);

/// Core-demand index D(t) (t = 0 is the start, D(0) = 1).
double core_demand_index(const MacroParams& m, int month);

/// Yearly growth of AI service demand in month t: g(t) = g_inf + (g0 - g_inf) 2^(-t / h), or the
/// post-bust growth after a bust.
double ai_growth_per_year(const AiParams& ai, int month);

/// AI service demand relative to its start level: M(t) / M(0), including a bust.
double ai_market_index(const AiParams& ai, int month);

}  // namespace labourshift::models
