// Agent tables: one contiguous array per field, rows addressed by their index. Worker rows are
// regrouped once a year (regroup_workers), so a row is a position within a month only; a worker's
// identity is its id, which survives the regrouping and keys the worker's random streams.
// No per-agent objects, no strings in hot loops. A phase writes only the rows it owns.
//
// Each table lists its columns once (columns(), cell_columns()): resizing, regrouping and
// appending go through that list, so a new column cannot be forgotten by one of them.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <type_traits>
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
  kQuitOutOfLabourForce = 7,
};

inline constexpr std::uint32_t kNoEmployer = std::numeric_limits<std::uint32_t>::max();

/// An occupation's index: up to 65,535 occupations (the 539 detailed ones of data/detailed/).
using OccupationId = std::uint16_t;
inline constexpr std::size_t kMaxOccupations = std::numeric_limits<OccupationId>::max();

/// Workers as a struct of arrays: 28 bytes per worker.
struct WorkerTable {
  std::vector<std::uint32_t> id;         ///< stable identity: 0, 1, ... in order of creation
  std::vector<std::uint8_t> status;      ///< Status
  std::vector<OccupationId> occupation;  ///< current or last occupation
  std::vector<std::uint8_t> reason;      ///< Reason of the last separation
  std::vector<std::uint8_t> age;         ///< years
  std::vector<std::uint32_t> employer;   ///< firm row, kNoEmployer when not employed
  std::vector<float> wage;               ///< USD/month at start-of-run prices (current or last job)
  std::vector<float> literacy;           ///< AI literacy l in [0, 1]
  std::vector<std::uint16_t> tenure;     ///< months with the current employer
  std::vector<std::uint16_t> spell;      ///< months of the current unemployment spell
  std::vector<OccupationId> reskill_target;
  std::vector<std::uint8_t> reskill_months_left;

  /// The column list: fn(column, value of a new row) for every column, in declaration order.
  template <class Table, class Fn>
  static void columns(Table& t, Fn&& fn) {
    fn(t.id, std::uint32_t{0});
    fn(t.status, std::uint8_t{0});
    fn(t.occupation, OccupationId{0});
    fn(t.reason, std::uint8_t{0});
    fn(t.age, std::uint8_t{0});
    fn(t.employer, kNoEmployer);
    fn(t.wage, 0.0F);
    fn(t.literacy, 0.0F);
    fn(t.tenure, std::uint16_t{0});
    fn(t.spell, std::uint16_t{0});
    fn(t.reskill_target, OccupationId{0});
    fn(t.reskill_months_left, std::uint8_t{0});
  }

  /// Bytes a worker takes in the table: the sum of the column widths.
  static std::size_t bytes_per_worker() {
    WorkerTable t;
    std::size_t bytes = 0;
    columns(t, [&](auto& column, auto) {
      bytes += sizeof(typename std::decay_t<decltype(column)>::value_type);
    });
    return bytes;
  }

  /// Bytes the columns hold (their capacity): the memory report.
  std::size_t bytes() const {
    std::size_t b = 0;
    columns(*this, [&](const auto& column, auto) {
      b += column.capacity() * sizeof(typename std::decay_t<decltype(column)>::value_type);
    });
    return b;
  }

  std::uint32_t next_id = 0;  ///< id of the next worker created

  std::size_t size() const { return status.size(); }
  /// Appends n new workers, each with the next id and every other column at its value for a new
  /// row.
  /// Room for n rows in every column (set-up reserves the first year's entrants, so that the
  /// monthly appends do not copy the table while the run is at its largest).
  void reserve(std::size_t n) {
    columns(*this, [&](auto& column, auto) { column.reserve(n); });
  }
  /// A full table grows by an eighth, not by doubling as std::vector would: entrants are a few
  /// percent a year and the yearly regrouping drops the retired, so doubling left the table's
  /// columns almost twice as wide as the workers (at 170 M workers, 4.8 GB unused).
  void append(std::size_t n) {
    const std::size_t first = size();
    if (first + n > status.capacity()) {
      const std::size_t room = std::max(first + n, first + first / 8 + 1024);
      columns(*this, [&](auto& column, auto) { column.reserve(room); });
    }
    columns(*this, [&](auto& column, auto blank) { column.resize(first + n, blank); });
    for (std::size_t row = first; row < first + n; ++row) id[row] = next_id++;
  }
};

/// Layoff reasons as tallied per occupation, class and firm ([... * kLayoffReasons + r]); also
/// the reason codes of the WARN table.
enum LayoffReason : std::size_t {
  kLayoffDemand = 0,
  kLayoffAutomation = 1,
  kLayoffCapexFunding = 2,
  kLayoffFirmExit = 3,
  kLayoffReasons = 4
};

/// AI-attributed layoffs: automation and capex funding.
constexpr bool is_ai_attributed(std::size_t r) {
  return r == kLayoffAutomation || r == kLayoffCapexFunding;
}
constexpr bool is_ai_attributed(Reason r) {
  return r == Reason::kAutomation || r == Reason::kCapexFunding;
}

/// The tally index of a layoff for a worker's separation reason (demand .. firm exit; not a quit).
constexpr std::size_t layoff_index(Reason r) {
  return r == Reason::kFirmExit ? kLayoffFirmExit : static_cast<std::size_t>(r) - 1;
}

/// What the worker pass reads for a worker of cell (f, o), packed into 8 bytes so that the
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
  return static_cast<std::uint16_t>(x * kOddsScale +
                                    0.5);  // NOLINT(bugprone-incorrect-roundings): x >= 0
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
  std::size_t bytes() const { return data_.capacity() * sizeof(double); }
  /// fn(name, field) for the ring's three fields (checkpoints).
  template <class Ring, class Fn>
  static void fields(Ring& ring, Fn&& fn) {
    fn("months", ring.months_);
    fn("stride", ring.stride_);
    fn("data", ring.data_);
  }
  /// The row of month t's slot: row(t)[f] is firm f's value.
  double* row(std::size_t t) { return data_.data() + (t % months_) * stride_; }
  double& at(std::size_t firm, std::size_t t) { return row(t)[firm]; }
  /// Makes room for firms [0, n), new ones zero; rows widen by a quarter, so appending firms one
  /// at a time costs amortised O(months) each (five copies of each entry at most) while the ring
  /// holds at most a quarter more columns than firms (doubling held up to twice as many: 25 MB
  /// of bench/scale_1m's peak).
  void grow(std::size_t n) {
    if (n <= stride_) return;
    const std::size_t wider = std::max(n, stride_ + stride_ / 4 + 16);
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
  std::vector<std::uint8_t> exiting;    ///< lays off all staff this month, then closes
  std::vector<std::uint8_t> founded;    ///< 1: created by a founder (not replaced when it closes)
  std::vector<std::uint8_t> ai_seller;  ///< sells AI services (its class's, or its named row's)
  std::vector<std::uint16_t> named;     ///< 1 + its row of data.named_firms; 0 = unnamed
  /// The real firms the model firm stands for (1, or a group of one size band) and the sites
  /// (establishments) of each, fixed at set-up: WARN notices are counted site by site.
  std::vector<double> real_firms, sites;
  std::vector<float> log_demand_shock;   ///< z_f, AR(1)
  std::vector<double> core_revenue0;     ///< R0_f, USD/month
  std::vector<double> other_cost_share;  ///< non-labour, non-compute costs / core revenue
  std::vector<double> cash;              ///< USD
  std::vector<std::uint16_t> negative_cash_months;
  std::vector<double> capacity;            ///< K_f, GPU-equivalents
  std::vector<double> pipeline_total;      ///< ordered, not yet arrived
  std::vector<double> growth_expectation;  ///< g_hat_f, monthly
  std::vector<double> ai_demand_prev;
  std::vector<double> mean_adoption0;       ///< theta-bar at the start (span normalisation)
  std::vector<double> nonmanager_base;      ///< sum of L0 over non-manager cells
  std::vector<double> knowledge_capacity;   ///< GPU-eq one unit of Q_f can operate (set at start)
  std::vector<double> knowledge;            ///< Q_f: capped tenure of knowledge-role staff, FTE
  std::vector<double> knowledge0;           ///< Q_f at the start
  std::vector<double> wage_bill;            ///< USD/month, at the end of the last month
  std::vector<std::int64_t> literacy_sum;   ///< sum of staff AI literacy, fixed point 1e-4
  std::vector<float> mean_literacy;         ///< literacy_sum / headcount, a snapshot at planning
  std::vector<double> compute_cost_share0;  ///< (capex payments + opex) / revenue at the start
  std::vector<double> ai_attraction;        ///< w_f in the AI share w_f K_f^phi / sum w K^phi
  std::vector<double> load_ratio;           ///< rho_f: used compute / compute Q_f can operate
  std::vector<double> exit_hazard;          ///< idiosyncratic monthly exit probability
  std::vector<std::int32_t> layoffs;        ///< this month, by reason [f * kLayoffReasons + r]
  /// Of this month's demand layoffs, the idiosyncratic ones (one match ending: a discharge, not a
  /// layoff event; no WARN notice counts them).
  std::vector<std::int32_t> discharges;
  // This month's accounts, per firm (outputs and the cash identity).
  std::vector<double> core_revenue, ai_demand, ai_revenue, incident_cost, capex_payment,
      capex_orders, opex, other_costs, arrivals, retirements, compute_used, cash_change,
      layoff_costs;
  std::vector<std::uint8_t> incident;
  std::vector<double> payment_rate;     ///< instalments due this month, USD
  std::vector<double> retiring_window;  ///< capacity retiring in the next capex_lag months

  // Per (firm, occupation) cell.
  std::vector<float> base_requirement;   ///< L0_fo: headcount wanted at the start
  std::vector<float> adoption;           ///< theta_fo
  std::vector<float> adoption0;          ///< theta_fo at the start
  std::vector<float> requirement;        ///< L*_fo this month (after budget freezes)
  std::vector<float> requirement_no_ai;  ///< what L*_fo would be with AI at its start level
  std::vector<float> budget_freeze;      ///< headcount removed by budget cuts, not to be rehired
  std::vector<std::int32_t> headcount;   ///< H_fo
  std::vector<CellOdds> odds;            ///< the worker pass's view of each cell
  std::vector<std::int32_t> vacancies;   ///< V_fo: the stock of open openings
  /// This month's openings: opened (filled from next month), of them spontaneous, and expired.
  std::vector<std::int32_t> openings_new, openings_spontaneous, openings_expired;

  // Live cells: occupations with a positive base requirement, [live_begin[f], live_begin[f+1]).
  // Other cells never hold staff (no requirement, so no vacancy), so loops skip them.
  std::vector<std::uint32_t> live_begin;
  std::vector<OccupationId> live_occ;

  /// Row of each named firm (data.named_firms order); kNoRow for one below one agent at this
  /// scale (its persons stay with its class's other firms).
  static constexpr std::uint32_t kNoRow = 0xffffffffU;
  std::vector<std::uint32_t> named_rows;

  // Rings.
  FirmRing vintages;  ///< capacity arrived in a month (longer than the longest capacity life)
  FirmRing pipeline;  ///< orders arriving in a month (longer than the longest capex lag)
  FirmRing payments;  ///< instalments ending in a month (longer than the longest payment schedule)

  /// The per-firm column list: fn(column, value of a new firm, entries per firm).
  template <class Table, class Fn>
  static void firm_columns(Table& t, Fn&& fn) {
    fn(t.firm_class, std::uint8_t{0}, 1);
    fn(t.active, std::uint8_t{0}, 1);
    fn(t.exiting, std::uint8_t{0}, 1);
    fn(t.founded, std::uint8_t{0}, 1);
    fn(t.ai_seller, std::uint8_t{0}, 1);
    fn(t.named, std::uint16_t{0}, 1);
    fn(t.log_demand_shock, 0.0F, 1);
    fn(t.negative_cash_months, std::uint16_t{0}, 1);
    fn(t.literacy_sum, std::int64_t{0}, 1);
    fn(t.mean_literacy, 0.0F, 1);
    fn(t.layoffs, std::int32_t{0}, kLayoffReasons);
    fn(t.discharges, std::int32_t{0}, 1);
    fn(t.incident, std::uint8_t{0}, 1);
    for (auto* column : {&t.core_revenue0,
                         &t.other_cost_share,
                         &t.cash,
                         &t.capacity,
                         &t.pipeline_total,
                         &t.growth_expectation,
                         &t.ai_demand_prev,
                         &t.mean_adoption0,
                         &t.nonmanager_base,
                         &t.knowledge_capacity,
                         &t.knowledge,
                         &t.knowledge0,
                         &t.wage_bill,
                         &t.compute_cost_share0,
                         &t.ai_attraction,
                         &t.load_ratio,
                         &t.exit_hazard,
                         &t.real_firms,
                         &t.sites,
                         &t.core_revenue,
                         &t.ai_demand,
                         &t.ai_revenue,
                         &t.incident_cost,
                         &t.capex_payment,
                         &t.capex_orders,
                         &t.opex,
                         &t.other_costs,
                         &t.arrivals,
                         &t.retirements,
                         &t.compute_used,
                         &t.cash_change,
                         &t.layoff_costs,
                         &t.payment_rate,
                         &t.retiring_window}) {
      fn(*column, 0.0, 1);
    }
  }
  /// The per-cell column list: fn(column, value of a new cell).
  template <class Table, class Fn>
  static void cell_columns(Table& t, Fn&& fn) {
    for (auto* column : {&t.base_requirement, &t.adoption, &t.adoption0, &t.requirement,
                         &t.requirement_no_ai, &t.budget_freeze}) {
      fn(*column, 0.0F);
    }
    fn(t.headcount, std::int32_t{0});
    fn(t.odds, CellOdds{});
    for (auto* column :
         {&t.vacancies, &t.openings_new, &t.openings_spontaneous, &t.openings_expired}) {
      fn(*column, std::int32_t{0});
    }
  }

  /// Room for firms [0, n): every per-firm, per-cell and ring column grows, new entries take the
  /// column's value for a new firm (zero state, inactive). The live cells are the caller's.
  void resize(std::size_t n) {
    // Firms that replace closed ones are appended one at a time: columns grow by an eighth, not
    // by std::vector's doubling (which left the cells of 170 M workers' firms 1.8 GB wide).
    auto grow = [](auto& column, std::size_t size) {
      if (size > column.capacity())
        column.reserve(std::max(size, column.capacity() + column.capacity() / 8));
    };
    firm_columns(*this, [&](auto& column, auto blank, std::size_t width) {
      grow(column, n * width);
      column.resize(n * width, blank);
    });
    cell_columns(*this, [&](auto& column, auto blank) {
      grow(column, n * occupations);
      column.resize(n * occupations, blank);
    });
    vintages.grow(n);
    pipeline.grow(n);
    payments.grow(n);
  }

  std::size_t size() const { return firm_class.size(); }
  std::size_t cell(std::size_t firm, std::size_t occ) const { return firm * occupations + occ; }
  /// Bytes the table holds (its columns' capacity, the live-cell index and the rings): the memory
  /// report.
  std::size_t bytes() const {
    std::size_t b = 0;
    auto add = [&](const auto& column) {
      b += column.capacity() * sizeof(typename std::decay_t<decltype(column)>::value_type);
    };
    firm_columns(*this, [&](const auto& column, auto, std::size_t) { add(column); });
    cell_columns(*this, [&](const auto& column, auto) { add(column); });
    add(live_begin);
    add(live_occ);
    add(named_rows);
    return b + vintages.bytes() + pipeline.bytes() + payments.bytes();
  }
  /// The firm's staff: its headcount over its live cells.
  std::int64_t staff(std::size_t firm) const {
    std::int64_t h = 0;
    for (std::size_t li = live_begin[firm]; li < live_begin[firm + 1]; ++li)
      h += headcount[cell(firm, live_occ[li])];
    return h;
  }

  /// Bytes one firm takes in the table: its columns, `occupations` cells and the three rings of
  /// `ring_months` months between them (for the memory estimate).
  static double bytes_per_firm(std::size_t occupations, std::size_t ring_months) {
    FirmTable t;
    double bytes = 0;
    firm_columns(t, [&](auto& column, auto, std::size_t width) {
      bytes += static_cast<double>(sizeof(column[0]) * width);
    });
    cell_columns(t, [&](auto& column, auto) {
      bytes += static_cast<double>(sizeof(column[0]) * occupations);
    });
    return bytes + static_cast<double>(ring_months * sizeof(double));
  }
};

}  // namespace labourshift::models
