// The behavioural rules: each a small pure function of its inputs, opening with its equation
// (docs/model.md gives the same equations and their sources). The phases and the fast kernels
// call these; nothing here touches a table, a thread or a random stream.
//
// Arithmetic is written in the order the kernels have always evaluated it (a float stays a float
// where it was one), so moving a rule here changes no output bit.
#pragma once

#include "models/scenario.hpp"
#include "models/tables.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace labourshift::models::rules {

// --- named constants ------------------------------------------------------------------------

/// A worker counts as AI-fluent from this literacy on (the AI wage premium's split).
inline constexpr double kFluentLiteracy = 0.3;
/// An occupation counts as AI-complemented from this complementarity c_o on (the premium's cells).
inline constexpr double kComplementedJob = 0.3;
/// Reskilling uptake rises by this multiple of the subsidy share: a full subsidy (share 1) triples
/// the hazard (an assumption of the model, not an estimate).
inline constexpr double kSubsidyUptakeMultiplier = 2.0;
/// The reskilling hazard declines with age from this age on.
inline constexpr int kReskillingAgeFrom = 30;
/// Job-finding rates that workers use to judge occupations: an exponential moving average with
/// weight 0.2 on the latest month (a half-life of about three months).
inline constexpr double kJobFindingKeep = 0.8;
inline constexpr double kJobFindingNew = 0.2;
/// Budget freezes thaw by 5% a month once the margin recovers (about a year to halve).
inline constexpr float kFreezeThaw = 0.95F;
/// The load ratio is capped: beyond ten times the operable compute the hazard is already 1.
inline constexpr double kMaxLoadRatio = 10.0;
/// A layoff costing c months of wage is replaced by attrition with share c / (c + 12): the firm
/// waits up to a year of natural separations instead of paying.
inline constexpr double kAttritionMonths = 12.0;

// --- workers --------------------------------------------------------------------------------

/// Retirement hazard h(a) = min(1, h0 exp(g (a - a0))) from age a0 on, 0 before.
inline double retirement_hazard(int age, const WorkerParams& wp) {
  if (age < wp.retirement_age) return 0.0;
  return std::min(1.0, wp.retirement_hazard *
                           std::exp(wp.retirement_hazard_growth * (age - wp.retirement_age)));
}

/// Discouraged exit: p = d once the spell reaches the threshold, 0 before.
inline double discouraged_exit(int spell, const WorkerParams& wp) {
  return spell >= wp.discouraged_after_months ? wp.discouraged_exit_rate : 0.0;
}

/// Reskilling uptake multiplier 1 + boost + 2 s (s: the subsidised share of the cost).
inline double reskilling_uptake(const PolicyParams& pol) {
  return 1.0 + pol.reskilling_uptake_boost + kSubsidyUptakeMultiplier * pol.reskilling_subsidy;
}

/// Reskilling hazard of origin o before the age factor: h_r(o) = h0 x uptake x exp(epsilon G_o).
inline double reskilling_hazard(const ReskillingParams& rs, double uptake, double gain) {
  return rs.base_hazard * uptake * std::exp(rs.gain_elasticity * gain);
}

/// Age factor of the reskilling hazard: exp(-delta max(0, age - 30)).
inline double reskilling_age_factor(int age, const ReskillingParams& rs) {
  return std::exp(-rs.age_decline_per_year * std::max(0, age - kReskillingAgeFrom));
}

/// Programme length in months: (d0 + d1 (1 - sim(o, target))) (1 - cut), rounded, in [1, 255].
inline std::uint8_t programme_months(const ReskillingParams& rs, const PolicyParams& pol,
                                     double similarity) {
  const double months =
      (rs.duration_base_months + rs.duration_distance_months * (1.0 - similarity)) *
      (1.0 - pol.reskilling_duration_cut);
  return static_cast<std::uint8_t>(std::clamp(std::lround(months), 1L, 255L));
}

/// Founding hazard: min(1, h_f (1 + support) (1 + epsilon_l l)).
inline double founding_hazard(const FounderParams& fp, const PolicyParams& pol, double literacy) {
  return std::min(1.0, fp.base_hazard * (1.0 + pol.founder_support) *
                           (1.0 + fp.literacy_elasticity * literacy));
}

/// On-the-job AI literacy: l' = l + beta theta (1 - l), with theta in steps of 1/65535 as the
/// cell odds hold it.
inline float learn_on_the_job(float literacy, double beta, std::uint16_t theta_steps) {
  return literacy + static_cast<float>(beta * theta_steps * (1.0 / kOddsScale)) * (1.0F - literacy);
}

/// Weight of a worker's layoff odds: max(0, 1 + omega_l (l-bar_f - l)); below the firm's mean
/// literacy a worker goes more often.
inline double layoff_literacy_weight(double weight, float firm_mean, float own) {
  return std::max(0.0, 1.0 + weight * (firm_mean - own));
}

/// Smoothed job-finding rate: f-bar' = 0.8 f-bar + 0.2 f.
inline double smooth_job_finding(double smoothed, double latest) {
  return kJobFindingKeep * smoothed + kJobFindingNew * latest;
}

// --- firms ----------------------------------------------------------------------------------

/// Standard normal CDF.
inline double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

/// theta*_ko = x_o a(t) Phi((ln(w_o / (p(t) m)) - mu_k) / sd): the AI-capable tasks whose compute
/// cost beats their wage cost, given the class's organisational hurdle.
inline double adoption_target(double automatable, double capability, double wage, double price,
                              const AiParams& ai, double hurdle) {
  const double z = (std::log(wage / (price * ai.compute_per_fte)) - hurdle) / ai.adoption_sd;
  return automatable * capability * normal_cdf(z);
}

/// Share of an excess that is laid off rather than left to attrition, for a layoff costing
/// `severance` + `extra` months of wage: 12 / (12 + severance + extra).
inline double layoff_kept_share(double severance, double extra = 0.0) {
  return kAttritionMonths / (kAttritionMonths + severance + extra);
}

/// Cost of an AI-attributed layoff beyond severance, in months of wage: the disclosure rule's
/// reputational cost and the retraining mandate's payment / wage.
inline double ai_layoff_cost_months(const PolicyParams& pol, double wage) {
  double months = 0;
  if (pol.disclosure_rule) months += pol.disclosure_cost_months;
  if (pol.retraining_mandate && wage > 0) months += pol.retraining_mandate_cost_usd / wage;
  return months;
}

/// The monthly hazard of an event that happens to a share `per_year` within a year.
inline double monthly_hazard(double per_year) { return 1.0 - std::pow(1.0 - per_year, 1.0 / 12.0); }

/// Random rounding: floor(x + u) with u uniform on [0, 1) has mean x, so a fraction of an
/// opening or a layoff is never lost to rounding and no cell is stranded below one. The floor by
/// truncation (exact below 2^63), which compiles to two instructions where std::floor is a libm
/// call without SSE4.1.
inline double random_round(double x, double u) {
  const double y = x + u;
  const auto t = static_cast<double>(static_cast<std::int64_t>(y));
  return t > y ? t - 1.0 : t;
}

/// A cell's new openings this month (del Rio-Chanona et al. 2021): spontaneous delta_v H and
/// (1 - delta_v) gamma_v max(0, L* - H - V) that close the gap to the target counting the open
/// ones; together never more than L* - V, so a cell never advertises more jobs than it wants.
struct NewOpenings {
  double spontaneous = 0, gap = 0;
};
inline NewOpenings new_openings(double delta_v, double gamma_v, double staff, double open,
                                double target) {
  NewOpenings n{delta_v * staff, (1.0 - delta_v) * gamma_v * std::max(0.0, target - staff - open)};
  const double room = std::max(0.0, target - open);
  const double total = n.spontaneous + n.gap;
  if (total > room) {
    const double scale = room / total;
    n.spontaneous *= scale;
    n.gap *= scale;
  }
  return n;
}

/// Incident hazard: min(1, h0 rho^eta).
inline double incident_hazard(const ReliabilityParams& rel, double load) {
  return std::min(1.0, rel.base_hazard * std::pow(load, rel.load_elasticity));
}

// --- wages ----------------------------------------------------------------------------------

/// Real wage curve in levels: w = w0 A exp(eta (s - s0)), s the smoothed log tightness, s0 its
/// month-1 value, A labour productivity.
inline double wage_level(double w0, double productivity, double eta, double smoothed_log_theta,
                         double log_theta0) {
  return w0 * productivity * std::exp(eta * (smoothed_log_theta - log_theta0));
}

}  // namespace labourshift::models::rules
