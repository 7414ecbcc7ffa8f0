// Every output declared once: a monthly metric is one entry of metric_table() with its name,
// unit, description, shape and how it is measured (in the spirit of Mesa's DataCollector); the
// layout, the HDF5 datasets and their attributes, and the monthly record all come from it.
// Adding a metric is adding one entry.
#pragma once

#include "models/model.hpp"
#include "models/state.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace labourshift::models {

/// Firm aggregates of the month, summed over firms in fixed blocks joined in block order.
struct FirmTotals {
  // Per class.
  std::vector<double> headcount, capex, capacity, ai_revenue, core_revenue, wage_bill, incidents,
      cash, adoption_weighted, ai_role_headcount, exposed_headcount, real_firms, layoff_events;
  // Per occupation.
  std::vector<double> occ_adoption_weighted, occ_headcount;
  // Over all firms.
  double capex_total = 0, orders = 0, capacity_total = 0, arrivals = 0, retirements = 0,
         compute_used = 0, ai_demand = 0, ai_revenue_total = 0, core_revenue_total = 0,
         wage_bill_total = 0, other_costs = 0, opex = 0, cash_total = 0, incident_count = 0,
         incident_cost = 0, active = 0;
  /// AI sellers only: knowledge, compute-weighted load ratio (numerator, denominator).
  double knowledge = 0, load_weighted = 0, load_weight = 0;
  double openings = 0, labour_demand = 0;  ///< openings: the stock at the end of the month

  FirmTotals(std::size_t classes, std::size_t occupations);
  void add_firm(const Model& m, const FirmTable& F, std::size_t f);
  void join(const FirmTotals& other);
};

/// What a metric reads: the model, the replication's state at the end of the month, and the
/// month's aggregates computed once for all metrics.
struct MonthView {
  const Model& m;
  const World& w;
  FirmTotals firms;
  double employed = 0, unemployed = 0, long_term = 0, vacancies = 0, openings_new = 0;
  double reskilling = 0, founders = 0, out_of_labour_force = 0;
  std::array<double, kLayoffReasons> by_reason{};
  std::vector<double> occ_layoffs, occ_layoffs_ai;
  double layoffs = 0, hires = 0, quits = 0, job_finds = 0;
  /// Quits as JOLTS counts them (job-to-job, into unemployment, out of the labour force), and
  /// hires of those unemployed at the start of the month (job finds less N-to-E hires).
  double all_quits = 0, hires_from_unemployment = 0;
  double wage_now = 0, wage_then = 0;  ///< sum_o E_o w_o(t), sum_o E_o w_o(0)
  double adoption_weighted = 0;        ///< sum of headcount x theta over all cells
  double layoff_costs = 0;

  MonthView(const Model& model, const World& world);
  /// A worker transition of the month summed over occupations.
  double flow_total(Flow which) const;
  /// A worker transition of the month in occupation o.
  double flow(Flow which, std::size_t o) const {
    return static_cast<double>(w.flows.transitions[which * w.occupations() + o]);
  }
};

enum class Shape { kScalar, kOccupation, kClass, kFirm };

/// A monthly metric: /series/NAME [replication x month], /by_occupation/NAME, /by_class/NAME or
/// /by_firm/NAME (the named firms) [replication x month x entry].
struct MetricDef {
  Shape shape;
  const char* name;
  const char* unit;
  const char* description;
  double (*scalar)(const MonthView&) = nullptr;              ///< kScalar
  double (*entry)(const MonthView&, std::size_t) = nullptr;  ///< per occupation or class
};

/// A per-replication array written once at the end.
struct StaticDef {
  const char* group;  ///< "" for the root
  const char* name;
  const char* unit;
  const char* description;
  enum Extent { kOccupations, kOccupationPairs, kSpellBins } extent;
  const std::vector<double>& (*values)(const RunTotals&);
};

const std::vector<MetricDef>& metric_table();
const std::vector<StaticDef>& static_table();

/// Declares every metric, static output and event table of metric_table() / static_table() in
/// `layout`, in table order.
void declare_outputs(const Model& m, sim::MetricLayout& layout);

/// Writes the month's metrics into out[0, layout.size()).
void record(const Model& m, const World& w, double* out);

/// WARN table columns (one row per notice).
inline constexpr std::size_t kWarnColumns = 8;

}  // namespace labourshift::models
