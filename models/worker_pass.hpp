// What the fast worker pass (worker_pass.cpp) and its reference (worker_pass_reference.cpp) share:
// the month's constants of the worker rules, the per-block tallies, and the worker's monthly
// uniform. Internal to the two passes and their tests.
#pragma once

#include "models/phases.hpp"
#include "models/rules.hpp"

#include <array>
#include <cstdint>
#include <utility>
#include <vector>

namespace labourshift::models::pass {

/// Ages are capped here (the age column is one byte; nobody works this long).
inline constexpr std::uint8_t kMaxAge = 120;

/// The worker rules' inputs that are the same for every worker this month, with the hazards
/// tabulated by age and origin occupation rather than evaluated per worker.
struct MonthRules {
  std::size_t O = 0, K = 0;
  int month = 0;
  bool birthday = false;  ///< ages advance in month 12, 24, ...
  /// The separations that do not depend on the firm's gap, for one origin occupation: they
  /// scale with its turnover factor tau_o (labour.turnover_wage_elasticity).
  struct Churn {
    double delta = 0;     ///< idiosyncratic layoff
    double quit = 0;      ///< quit into unemployment
    double quit_olf = 0;  ///< quit out of the labour force
  };
  std::vector<Churn> churn;  ///< by occupation
  double beta = 0, literacy_weight = 0;
  /// Upper bound of the literacy weight x 1/65535 (see stayer_threshold).
  double max_weight = 0;
  double on_the_job_share = 0, reentry = 0, founder_failure = 0, founder_creation = 0;
  int long_term = 0, months_to_firm = 0, min_reskill_spell = 0;
  double dropout = 0, literacy_gain = 0, knowledge_cap = 0;
  bool creates_firms = false;
  std::array<double, 256> retire_hazard{};  ///< by age
  std::array<double, 256> age_factor{};     ///< reskilling hazard's age factor, by age
  std::vector<double> reskill_hazard;       ///< by origin occupation, before the age factor
  std::vector<double> mobility;             ///< internal-mobility probability by class
  PolicyParams policy;                      ///< the policy in force this month

  MonthRules(const Model& m, const Environment& env, const OccupationState& occ);
};

/// The literacy weight max(0, 1 + omega |l-bar - l|) is at most 1 + omega x 1.01: literacies lie in
/// [0, 1] and the firms' means come from sums in steps of 1e-4, which can put a mean a hair
/// above 1.
inline constexpr double kLiteracySlack = 1.01;

/// The threshold at or above which a worker's uniform u leaves every layoff and quit comparison
/// of the cell unmet: the sum of the largest possible layoff probabilities plus the occupation's
/// churn, raised by a relative 1e-9 to stay above rounding. A stayer whose u clears it skips the
/// chain.
inline double stayer_threshold(const CellOdds& odds, const MonthRules& r, std::size_t o) {
  const MonthRules::Churn& c = r.churn[o];
  const double most =
      static_cast<double>(odds.demand + odds.automation + odds.capex) * r.max_weight + c.delta +
      c.quit + c.quit_olf;
  return most * (1.0 + 1e-9);
}

/// A worker's monthly uniform from one 32-bit Philox word, on the open interval (0, 1).
inline double uniform_from_word(std::uint32_t word) {
  return (static_cast<double>(word) + 0.5) * 0x1p-32;
}

/// Retirement takes [0, h) of the worker's uniform; the rest, rescaled to (0, 1), is the uniform
/// of the worker's other transition (a uniform conditional on not retiring).
inline double rest_of_uniform(double draw, double h_retire, bool retires) {
  return h_retire == 0.0 ? draw : (retires ? 0.0 : (draw - h_retire) / (1.0 - h_retire));
}

/// Integer tallies and lists of one block of rows, joined into the month's state in block order
/// (so lists come out in ascending row order and sums are the same for any thread count).
struct BlockTally {
  std::vector<std::int64_t> layoffs;                          ///< [o * kLayoffReasons + r]
  std::vector<std::int64_t> quits;                            ///< [o]
  std::vector<std::int64_t> cls_layoffs;                      ///< [k * kLayoffReasons + r]
  std::vector<std::int64_t> cls_quits;                        ///< [k]
  std::vector<std::int64_t> transitions;                      ///< [flow * O + o]
  std::vector<std::int64_t> start_stock;                      ///< [status * O + o]
  std::vector<std::int64_t> ltu_seekers, ui_expired_seekers;  ///< [o]
  std::int64_t employed = 0;  ///< employed at the start, not retiring
  /// Wages and literacy of the employed; wages and counts of the fluent and the others in
  /// complemented occupations.
  double wages = 0, literacy = 0, fluent_wage = 0, fluent_n = 0, other_wage = 0, other_n = 0;
  std::vector<std::uint32_t> seekers, candidates, founders, job_searchers, mandated;
  std::vector<std::pair<OccupationId, OccupationId>> completions;  ///< (origin, target)

  BlockTally(std::size_t O, std::size_t K);
  /// Adds one block into the month's state (the first block after reset_month()).
  void join_into(MonthFlows& flows, MonthLists& lists, Stocks& stocks, RunTotals& totals) const;
};

/// Zeroes what the worker pass produces before the blocks are joined.
void reset_month(MonthFlows& flows, MonthLists& lists, Stocks& stocks);

/// The start-of-month count must equal last month's stocks built from the flows: the stock-flow
/// identity, checked every month on the whole worker table. Throws std::logic_error.
void check_start_stocks(const Model& m, int month, const MonthFlows& flows,
                        const Stocks& last_month);

}  // namespace labourshift::models::pass
