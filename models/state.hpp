// One replication's state, as plain structs: the agent tables (tables.hpp) and what the month's
// phases compute and hand on. Every phase is a free function whose signature names the parts it
// reads (const) and the parts it writes; models/step.cpp lists the phases in order.
#pragma once

#include "models/matching.hpp"
#include "models/scenario.hpp"
#include "models/tables.hpp"

#include <tbb/enumerable_thread_specific.h>

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

namespace labourshift::models {

/// Who draws: the scenario's seed and the replication. With the month, the stream id and the
/// agent it keys every random stream (sim::Stream).
struct DrawKey {
  std::uint64_t seed = 0;
  std::uint32_t replication = 0;
};

/// The exogenous environment and the economy-wide indices of the current month.
struct Environment {
  int month = 0;
  double demand = 1;             ///< core-demand index D(t)
  double capability = 0;         ///< AI capability a(t)
  double price = 0;              ///< compute price p(t), USD per GPU-eq-month
  double market = 0;             ///< AI service demand M(t), USD/month
  double market0 = 0;            ///< M(0), USD/month
  double share_denominator = 0;  ///< sum over active AI sellers of w_f K_f^phi (last month's K)
  double operability = 1;        ///< compute one knowledge FTE can operate, relative to the start
  /// Labour productivity A(t) = (1 + g_a)^(t/12). Real wages grow with it, so workers' stored
  /// wages are relative to it (pay = stored wage x A) and incumbents' pay rises without touching
  /// every row every month.
  double productivity = 1;
  double price_level = 1;  ///< CPI (1 + inflation)^(t/12), for nominal outputs; no rule reads it
  std::vector<double> adoption_target;  ///< theta*_ko this month, [k * O + o]
  /// The policy in force this month (policy_in_force): every rule reads its levers here, never
  /// from the scenario, so that a lever's window holds everywhere.
  PolicyParams policy;
};

/// What workers know of each occupation, carried from month to month.
struct OccupationState {
  std::vector<double> wage;                  ///< w_o(t), USD/month at run-start prices
  std::vector<double> ref_log_tightness;     ///< smoothed ln theta_o that wages follow
  std::vector<double> log_tightness0;        ///< smoothed ln theta_o in month 1: the anchor
  std::vector<double> job_finding_ema;       ///< smoothed job-finding rate by occupation
  std::vector<std::int16_t> reskill_target;  ///< best feasible target per origin, -1 if none
  std::vector<std::int16_t> mandate_target;  ///< the retraining mandate's target, gain or not
  std::vector<double> reskill_gain;          ///< the volunteer target's expected gain / own wage
  std::vector<std::vector<double>> employment_history;  ///< employment by occupation, per month
  double reentry_factor = 1;                            ///< (V/U now / V/U in month 1)^elasticity
  double tightness_ref = 0;                             ///< V/U in month 1
  double tightness_last = 0;                            ///< V/U at the end of the last month
};

/// Worker transitions of the month, by occupation: MonthFlows::transitions[flow * O + o].
enum Flow : std::size_t {
  kReskillStart,
  kReskillComplete,
  kReskillCompleteInto,
  kReskillDropout,
  kFounderStart,
  kFounderFail,
  kExit,
  kReentry,
  kEntrant,
  kRetireE,
  kRetireU,
  kRetireR,
  kRetireF,
  kRetireO,
  kFounderFirm,
  kQuitOlf,      ///< quits out of the labour force (employed to out of the labour force)
  kHireFromOlf,  ///< hires of people who joined the labour force this month (by origin)
  kFlowCount
};

/// Counts of the month, each zeroed by the phase that produces it.
struct MonthFlows {
  std::vector<std::int64_t> layoffs;  ///< [o * kLayoffReasons + r]
  /// Openings by occupation: open for matching (after expiry), opened this month (of which
  /// spontaneous), expired or withdrawn.
  std::vector<std::int64_t> openings_new, openings_spontaneous, openings_expired;
  std::vector<std::int64_t> quits, hires, job_finds, vacancies_posted, redeployed_in,
      redeployed_out, job_to_job_out, seekers_by_occ;
  std::vector<std::int64_t> cls_layoffs;  ///< [k * kLayoffReasons + r]
  std::vector<std::int64_t> cls_quits, cls_hires, cls_vacancies;
  std::vector<std::int64_t> transitions;  ///< [Flow * O + o]
  /// Seekers by occupation who are long-term unemployed / past their benefits, and those of them
  /// hired.
  std::vector<std::int64_t> ltu_seekers, ui_expired_seekers, ltu_hired, ui_expired_hired;
  std::vector<std::int64_t> start_stock;  ///< [status * O + o], counted at the start of the month
  std::int64_t applications = 0;
  std::int64_t new_seekers = 0;       ///< seekers who joined the labour force this month
  std::int64_t employment_start = 0;  ///< employed at the start of the month (not retiring)
  std::int64_t firm_exits = 0;
  std::int64_t firm_entries = 0;  ///< firms that took the place of those that closed
  std::int64_t mandated_enrolled = 0;
  double new_firm_funding = 0;  ///< starting cash of this month's new firms, USD
  double founder_grants = 0;    ///< public grants in the starting cash of founders' firms, USD
  std::int64_t ai_displaced_hires = 0;  ///< hires out of unemployment after an AI-attributed layoff

  void reset_shape(std::size_t occupations, std::size_t classes);
};

/// Workers the worker pass hands to later phases, in ascending row order.
struct MonthLists {
  std::vector<std::uint32_t> seekers;  ///< unemployed searching this month
  std::vector<std::uint32_t>
      redeploy_candidates;  ///< due to be laid off, asking for an internal move
  std::vector<std::uint32_t> founders_creating;  ///< founders creating a firm this month
  std::vector<std::uint32_t> job_searchers;      ///< employed workers searching this month
  std::vector<std::uint32_t> mandated;  ///< AI-attributed layoffs to enrol (retraining mandate)
  void clear() {
    for (auto* list :
         {&seekers, &redeploy_candidates, &founders_creating, &job_searchers, &mandated})
      list->clear();
  }
};

/// End-of-month stocks by occupation and the month's measurement of the employed.
struct Stocks {
  std::vector<double> employed, unemployed, long_term, reskilling, founders, out_of_labour_force;
  std::int64_t ui_recipients = 0;
  double wages_total = 0, literacy_total = 0;  ///< over the employed at the start of the month
  /// Employed in complemented occupations: wages and counts of the AI-fluent and the others.
  double fluent_wage = 0, fluent_n = 0, other_wage = 0, other_n = 0;
  /// The same four sums for each past month (the AI premium's trailing window), oldest first.
  std::vector<std::array<double, 4>> premium_months;
};

/// Totals over the run and values at its start (the static outputs).
struct RunTotals {
  static constexpr std::size_t kSpellBins = 49;     ///< re-employment histogram: months 0..47, 48+
  std::vector<double> transitions;                  ///< hires out of unemployment [from * O + to]
  std::vector<double> reskill_flows;                ///< completions [from * O + to]
  std::vector<double> reemploy_ai, reemploy_other;  ///< hires by months unemployed
  std::vector<double> initial_employment, initial_unemployment, initial_olf;
};

/// Per-thread integer sums per firm, in fixed point so that they do not depend on which thread
/// added what: wages in cents, literacy x 1e4, knowledge x 1e3.
struct FirmSums {
  std::vector<std::array<std::int64_t, 3>> firm;
  /// Add one employed worker (nominal wage, literacy, tenure) to firm f's sums; knowledge
  /// counts tenure capped at `cap` months, for knowledge-role staff only.
  void add(std::size_t f, double wage, double literacy, double tenure, bool knowledge, double cap) {
    auto& sum = firm[f];
    // Non-negative values: truncating x + 0.5 rounds, without a libm call.
    // NOLINTNEXTLINE(bugprone-incorrect-roundings): non-negative, so x + 0.5 truncated rounds
    sum[0] += static_cast<std::int64_t>(wage * 100.0 + 0.5);
    sum[1] +=
        static_cast<std::int64_t>(literacy * 1e4 + 0.5);  // NOLINT(bugprone-incorrect-roundings)
    if (knowledge)
      sum[2] += static_cast<std::int64_t>(std::min(tenure, cap) / cap * 1000.0 +
                                          0.5);  // NOLINT(bugprone-incorrect-roundings)
  }
};
using ThreadFirmSums = tbb::enumerable_thread_specific<FirmSums>;

/// The month's WARN notices over all firms (file_warn_notices).
struct WarnMonth {
  double notices = 0;                                                ///< notices filed
  double persons = 0;                                                ///< persons in them
  double median_persons = std::numeric_limits<double>::quiet_NaN();  ///< NaN: no notice
};

/// Everything one replication changes.
struct World {
  WorkerTable workers;
  FirmTable firms;
  Environment env;
  OccupationState occ;
  MonthFlows flows;
  MonthLists lists;
  Stocks stocks;
  RunTotals totals;
  std::vector<std::int64_t> warn_rows;  ///< this month's WARN notices, row-major
  WarnMonth warn;                       ///< and their totals
  ThreadFirmSums firm_sums;             ///< per-thread, all zero between passes
  MatchMemory matching;                 ///< hiring's arrays, kept from month to month

  std::size_t occupations() const { return firms.occupations; }
};

}  // namespace labourshift::models
