// Agent tables: one contiguous array per field, rows addressed by their index. Worker rows are
// regrouped once a year (LabourMarket::reorder_workers), so a row is an id within a month only.
// No per-agent objects, no strings in hot loops. A phase writes only the rows it owns.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

namespace labourshift::models {

enum class Status : std::uint8_t {
  kEmployed = 0,
  kUnemployed = 1,
  kReskilling = 2,
  kFounder = 3,
  kOutOfLabourForce = 4,
  kRetired = 5,  ///< has left the population (retirement); the row is kept, never reused
};
inline constexpr std::size_t kStatusCount = 5;  ///< statuses of people in the population

/// Reason of a worker's last separation (the same words in outputs and docs).
enum class Reason : std::uint8_t {
  kNone = 0,
  kDemand = 1,
  kAutomation = 2,
  kCapexFunding = 3,
  kQuit = 4,
  kRetirement = 5,
  kFirmExit = 6,
};

inline constexpr std::uint32_t kNoEmployer = std::numeric_limits<std::uint32_t>::max();

/// Workers as a struct of arrays: 22 bytes per worker.
struct WorkerTable {
  std::vector<std::uint8_t> status;      ///< Status
  std::vector<std::uint8_t> occupation;  ///< current or last occupation
  std::vector<std::uint8_t> reason;      ///< Reason of the last separation
  std::vector<std::uint8_t> age;         ///< years
  std::vector<std::uint32_t> employer;   ///< firm row, kNoEmployer when not employed
  std::vector<float> wage;               ///< USD/month at start-of-run prices (current or last job)
  std::vector<float> literacy;           ///< AI literacy l in [0, 1]
  std::vector<std::uint16_t> tenure;     ///< months with the current employer
  std::vector<std::uint16_t> spell;      ///< months of the current unemployment spell
  std::vector<std::uint8_t> reskill_target;
  std::vector<std::uint8_t> reskill_months_left;

  static constexpr std::size_t kBytesPerWorker = 4 * sizeof(std::uint8_t) + sizeof(std::uint32_t) +
                                                 2 * sizeof(float) + 2 * sizeof(std::uint16_t) +
                                                 2 * sizeof(std::uint8_t);

  std::size_t size() const { return status.size(); }
  void resize(std::size_t n) {
    status.resize(n);
    occupation.resize(n);
    reason.resize(n);
    age.resize(n);
    employer.resize(n, kNoEmployer);
    wage.resize(n);
    literacy.resize(n);
    tenure.resize(n);
    spell.resize(n);
    reskill_target.resize(n);
    reskill_months_left.resize(n);
  }
};

inline constexpr std::size_t kLayoffReasons = 4;  ///< demand, automation, capex_funding, firm_exit

/// What the separation pass reads for a worker of cell (f, o), packed into 8 bytes so that the
/// whole table stays in cache even when a firm's workers are scattered over the worker table.
/// Probabilities are stored in steps of 1/65535 (see quantise_probability).
struct CellOdds {
  std::uint16_t adoption = 0;    ///< theta_fo
  std::uint16_t demand = 0;      ///< per-worker layoff probability, reason demand
  std::uint16_t automation = 0;  ///< ... reason automation
  std::uint16_t capex = 0;       ///< ... reason capex_funding
};

inline constexpr double kOddsScale = 65535.0;

/// A probability in [0, 1] as the nearest multiple of 1/65535.
inline std::uint16_t quantise_probability(double p) {
  const double x = p <= 0 ? 0.0 : (p >= 1 ? 1.0 : p);
  return static_cast<std::uint16_t>(x * kOddsScale + 0.5);
}

/// A ring buffer of doubles per firm, indexed by month modulo its length and stored month-major
/// ([slot][firm], rows `stride` firms wide): in a month every firm of a class touches the same
/// few slots, so a pass over the firms reads each slot's row in order instead of one cache line
/// per firm and slot.
class FirmRing {
 public:
  void reset(std::size_t months, std::size_t firms) {
    months_ = months;
    stride_ = firms;
    data_.assign(months * firms, 0.0);
  }
  std::size_t months() const { return months_; }
  /// The row of month t's slot: row(t)[f] is firm f's value.
  double* row(std::size_t t) { return data_.data() + (t % months_) * stride_; }
  double& at(std::size_t firm, std::size_t t) { return row(t)[firm]; }
  /// Makes room for firms [0, n), new ones zero; rows widen by doubling, so appending firms one
  /// at a time costs amortised O(months) each.
  void grow(std::size_t n) {
    if (n <= stride_) return;
    const std::size_t wider = std::max(n, 2 * stride_);
    std::vector<double> next(months_ * wider, 0.0);
    for (std::size_t m = 0; m < months_; ++m) {
      std::copy_n(data_.begin() + static_cast<std::ptrdiff_t>(m * stride_), stride_,
                  next.begin() + static_cast<std::ptrdiff_t>(m * wider));
    }
    data_.swap(next);
    stride_ = wider;
  }

 private:
  std::size_t months_ = 1;
  std::size_t stride_ = 0;
  std::vector<double> data_;
};

/// Firms: per-firm scalars, per-(firm, occupation) cells stored firm-major at f * O + o, and
/// per-firm ring buffers (compute vintages, orders in the pipeline, payment instalments) indexed
/// by month.
struct FirmTable {
  std::size_t occupations = 0;

  // Per firm.
  std::vector<std::uint8_t> firm_class;
  std::vector<std::uint8_t> active;
  std::vector<std::uint8_t> exiting;      ///< lays off all staff this month, then closes
  std::vector<float> log_demand_shock;    ///< z_f, AR(1)
  std::vector<double> core_revenue0;      ///< R0_f, USD/month
  std::vector<double> other_cost_share;   ///< non-labour, non-compute costs / core revenue
  std::vector<double> cash;               ///< USD
  std::vector<std::uint16_t> negative_cash_months;
  std::vector<double> capacity;           ///< K_f, GPU-equivalents
  std::vector<double> pipeline_total;     ///< ordered, not yet arrived
  std::vector<double> growth_expectation; ///< g_hat_f, monthly
  std::vector<double> ai_demand_prev;
  std::vector<double> mean_adoption0;     ///< theta-bar at the start (span normalisation)
  std::vector<double> nonmanager_base;    ///< sum of L0 over non-manager cells
  std::vector<double> knowledge_capacity; ///< GPU-eq one unit of Q_f can operate (set at start)
  std::vector<double> knowledge;          ///< Q_f: capped tenure of knowledge-role staff, FTE
  std::vector<double> knowledge0;         ///< Q_f at the start
  std::vector<double> wage_bill;          ///< USD/month, at the end of the last month
  std::vector<std::int64_t> literacy_sum; ///< sum of staff AI literacy, fixed point 1e-4
  std::vector<float> mean_literacy;       ///< literacy_sum / headcount, a snapshot at planning
  std::vector<double> compute_cost_share0; ///< (capex payments + opex) / revenue at the start
  std::vector<double> ai_attraction;      ///< w_f in the AI share w_f K_f^phi / sum w K^phi
  std::vector<double> load_ratio;         ///< rho_f: used compute / compute Q_f can operate
  std::vector<std::int32_t> layoffs;      ///< this month, by reason [f * kLayoffReasons + r]
  // This month's accounts, per firm (outputs and the cash identity).
  std::vector<double> core_revenue, ai_demand, ai_revenue, incident_cost, capex_payment,
      capex_orders, opex, other_costs, arrivals, retirements, compute_used, cash_change, layoff_costs;
  std::vector<std::uint8_t> incident;

  // Per (firm, occupation) cell.
  std::vector<float> base_requirement;  ///< L0_fo: headcount wanted at the start
  std::vector<float> adoption;          ///< theta_fo
  std::vector<float> adoption0;         ///< theta_fo at the start
  std::vector<float> requirement;       ///< L*_fo this month (after budget freezes)
  std::vector<float> requirement_no_ai; ///< what L*_fo would be with AI at its start level
  std::vector<float> budget_freeze;     ///< headcount removed by budget cuts, not to be rehired
  std::vector<std::int32_t> headcount;  ///< H_fo

  std::vector<CellOdds> odds;           ///< the separation pass's view of each cell
  std::vector<std::int32_t> vacancies;  ///< V_fo posted this month

  // Live cells: occupations with a positive base requirement, [live_begin[f], live_begin[f+1]).
  // Other cells never hold staff (no requirement, so no vacancy), so loops skip them.
  std::vector<std::uint32_t> live_begin;
  std::vector<std::uint8_t> live_occ;

  // Rings.
  FirmRing vintages;  ///< capacity arrived in a month (longer than the longest capacity life)
  FirmRing pipeline;  ///< orders arriving in a month (longer than the longest capex lag)
  FirmRing payments;  ///< instalments ending in a month (longer than the longest payment schedule)
  std::vector<double> payment_rate;  ///< instalments due this month, USD
  std::vector<double> retiring_window;  ///< capacity retiring in the next capex_lag months

  std::size_t size() const { return firm_class.size(); }
  std::size_t cell(std::size_t firm, std::size_t occ) const { return firm * occupations + occ; }
};

}  // namespace labourshift::models
