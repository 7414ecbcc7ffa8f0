#include "models/metrics.hpp"

#include "models/rules.hpp"
#include "sim/parallel.hpp"

#include <array>
#include <limits>
#include <stdexcept>

namespace labourshift::models {

namespace {

constexpr std::size_t kFirmBlock = 512;

using View = const MonthView&;

/// Money is real: US dollars at the prices of the run's first month. The nominal series say so.
constexpr const char* kRealUsdMonth = "USD/month (run-start prices)";
constexpr const char* kRealUsd = "USD (run-start prices)";
constexpr const char* kRealUsdGpuMonth = "USD/GPU-eq-month (run-start prices)";
constexpr const char* kWage = "USD/person-month (run-start prices)";

/// Counts and amounts are at the agents' scale (one agent stands for persons_per_agent persons,
/// and each agent's firm, jobs, compute and dollars with it): the unit they take at US scale,
/// after x persons_per_agent. Rates, shares, prices, wages and counts of firms, incidents and
/// notices do not scale ("").
std::string us_unit(const std::string& unit) {
  static const std::vector<std::pair<std::string, std::string>> scaled = {
      {"agents", "persons"},
      {"agents/month", "persons/month"},
      {"jobs", "jobs"},
      {"jobs/month", "jobs/month"},
      {"applications/month", "applications/month"},
      {"GPU-eq", "GPU-eq"},
      {"GPU-eq/month", "GPU-eq/month"},
      {"FTE", "FTE"},
      {kRealUsdMonth, kRealUsdMonth},
      {kRealUsd, kRealUsd}};
  for (const auto& [agents, us] : scaled)
    if (unit == agents) return us;
  return "";
}

MetricDef series(const char* name, const char* unit, const char* description, double (*fn)(View)) {
  return MetricDef{Shape::kScalar, name, unit, description, fn, nullptr};
}
MetricDef by_occupation(const char* name, const char* unit, const char* description,
                        double (*fn)(View, std::size_t)) {
  return MetricDef{Shape::kOccupation, name, unit, description, nullptr, fn};
}
MetricDef by_class(const char* name, const char* unit, const char* description,
                   double (*fn)(View, std::size_t)) {
  return MetricDef{Shape::kClass, name, unit, description, nullptr, fn};
}
MetricDef by_firm(const char* name, const char* unit, const char* description,
                  double (*fn)(View, std::size_t)) {
  return MetricDef{Shape::kFirm, name, unit, description, nullptr, fn};
}

/// Whether the run declares metric d: /by_firm's only when it has named firms.
bool declared(const Model& m, const MetricDef& d) {
  return d.shape != Shape::kFirm || !m.firm_data.named.empty();
}

/// Named firm j's row, or kNoRow when it is not modelled (below one agent) or has closed.
std::size_t named_row(View v, std::size_t j) {
  const std::uint32_t f = v.w.firms.named_rows[j];
  if (f == FirmTable::kNoRow || v.w.firms.active[f] == 0) return FirmTable::kNoRow;
  return f;
}
double named_layoffs(View v, std::size_t j, bool ai_only) {
  const std::size_t f = named_row(v, j);
  if (f == FirmTable::kNoRow) return 0;
  double x = 0;
  for (std::size_t r = 0; r < kLayoffReasons; ++r)
    if (!ai_only || is_ai_attributed(r)) x += v.w.firms.layoffs[f * kLayoffReasons + r];
  return x;
}

template <class V>
double sum(const V& v) {
  double s = 0;
  for (auto x : v) s += static_cast<double>(x);
  return s;
}

double ratio(double num, double den, double otherwise = 0.0) {
  return den > 0 ? num / den : otherwise;
}

/// The AI wage premium over a trailing window of 12 months: wages and counts pooled, so one month's
/// first few fluent workers do not make it jump; undefined (NaN) while either group is thin.
double ai_premium(const std::vector<std::array<double, 4>>& months) {
  constexpr std::size_t kWindow = 12;
  constexpr double kLeastWorkerMonths = 100;
  double fw = 0, fn = 0, ow = 0, on = 0;
  const std::size_t from = months.size() > kWindow ? months.size() - kWindow : 0;
  for (std::size_t t = from; t < months.size(); ++t) {
    fw += months[t][0];
    fn += months[t][1];
    ow += months[t][2];
    on += months[t][3];
  }
  if (fn < kLeastWorkerMonths || on < kLeastWorkerMonths || ow <= 0)
    return std::numeric_limits<double>::quiet_NaN();
  return (fw / fn) / (ow / on) - 1.0;
}

double class_layoffs(View v, std::size_t k, std::size_t r) {
  return static_cast<double>(v.w.flows.cls_layoffs[k * kLayoffReasons + r]);
}

// --- the fiscal ledger, from the policy in force this month (Environment::policy) -------------

/// UI benefits: recipiency x the unemployed within policy.ui_months of their spell (close_stocks'
/// count, by occupation) x min(replacement rate x the occupation's going wage, the cap).
double ui_benefits(View v) {
  const MonthFlows& fl = v.w.flows;
  const PolicyParams& p = v.w.env.policy;
  double paid = 0;
  for (std::size_t o = 0; o < v.w.stocks.unemployed.size(); ++o) {
    const double within = v.w.stocks.unemployed[o] -
                          static_cast<double>(fl.ui_expired_seekers[o] - fl.ui_expired_hired[o]);
    paid += within * std::min(p.ui_replacement_rate * v.w.occ.wage[o], p.ui_max_benefit_usd);
  }
  return p.ui_recipiency * paid;
}

/// The state's share of voluntary programmes started this month; mandated ones are the firms'.
double reskilling_public_cost(View v) {
  const double voluntary =
      v.flow_total(kReskillStart) - static_cast<double>(v.w.flows.mandated_enrolled);
  return voluntary * v.m.scenario.reskilling.cost_usd * v.w.env.policy.reskilling_subsidy;
}

double hiring_subsidy_cost(View v) {
  const PolicyParams& p = v.w.env.policy;
  return p.hiring_subsidy > 0
             ? static_cast<double>(v.w.flows.ai_displaced_hires) * p.hiring_subsidy_usd
             : 0.0;
}

double mandate_payments(View v) {
  const PolicyParams& p = v.w.env.policy;
  return p.retraining_mandate
             ? (v.by_reason[kLayoffAutomation] + v.by_reason[kLayoffCapexFunding]) *
                   p.retraining_mandate_cost_usd
             : 0.0;
}

/// The tax on this month's compute orders (their cost includes it: order x p x life x (1 + tax)).
double compute_tax_revenue(View v) {
  const double tax = v.w.env.policy.compute_tax;
  return v.firms.orders * tax / (1.0 + tax);
}

}  // namespace

namespace {

/// FirmTotals' fields by kind, so that sizing and joining cannot miss one.
using Column = std::vector<double> FirmTotals::*;
constexpr std::array<Column, 13> kClassColumns = {
    &FirmTotals::headcount,         &FirmTotals::capex,
    &FirmTotals::capacity,          &FirmTotals::ai_revenue,
    &FirmTotals::core_revenue,      &FirmTotals::wage_bill,
    &FirmTotals::incidents,         &FirmTotals::cash,
    &FirmTotals::adoption_weighted, &FirmTotals::ai_role_headcount,
    &FirmTotals::exposed_headcount, &FirmTotals::real_firms,
    &FirmTotals::layoff_events};
constexpr std::array<Column, 2> kOccupationColumns = {&FirmTotals::occ_adoption_weighted,
                                                      &FirmTotals::occ_headcount};
constexpr std::array<double FirmTotals::*, 21> kTotals = {
    &FirmTotals::capex_total,     &FirmTotals::orders,           &FirmTotals::capacity_total,
    &FirmTotals::arrivals,        &FirmTotals::retirements,      &FirmTotals::compute_used,
    &FirmTotals::ai_demand,       &FirmTotals::ai_revenue_total, &FirmTotals::core_revenue_total,
    &FirmTotals::wage_bill_total, &FirmTotals::other_costs,      &FirmTotals::opex,
    &FirmTotals::cash_total,      &FirmTotals::incident_count,   &FirmTotals::incident_cost,
    &FirmTotals::active,          &FirmTotals::knowledge,        &FirmTotals::load_weighted,
    &FirmTotals::load_weight,     &FirmTotals::openings,         &FirmTotals::labour_demand};

}  // namespace

FirmTotals::FirmTotals(std::size_t classes, std::size_t occupations) {
  for (Column c : kClassColumns) (this->*c).assign(classes, 0.0);
  for (Column c : kOccupationColumns) (this->*c).assign(occupations, 0.0);
}

void FirmTotals::add_firm(const Model& m, const FirmTable& F, std::size_t f) {
  const std::size_t k = F.firm_class[f];
  for (std::size_t li = F.live_begin[f]; li < F.live_begin[f + 1]; ++li) {
    const std::size_t o = F.live_occ[li];
    const std::size_t c = F.cell(f, o);
    const double h = F.headcount[c];
    headcount[k] += h;
    adoption_weighted[k] += h * F.adoption[c];
    occ_adoption_weighted[o] += h * F.adoption[c];
    occ_headcount[o] += h;
    if (m.data.occupations[o].ai_role) ai_role_headcount[k] += h;
    if (m.exposed[o] != 0) exposed_headcount[k] += h;
    openings += F.vacancies[c];  // after matching, with the month's new openings
    labour_demand += F.requirement[c];
  }
  capex[k] += F.capex_payment[f];
  capacity[k] += F.capacity[f];
  ai_revenue[k] += F.ai_revenue[f];
  core_revenue[k] += F.core_revenue[f];
  wage_bill[k] += F.wage_bill[f];
  incidents[k] += F.incident[f];
  cash[k] += F.cash[f];
  capex_total += F.capex_payment[f];
  orders += F.capex_orders[f];
  capacity_total += F.capacity[f];
  arrivals += F.arrivals[f];
  retirements += F.retirements[f];
  compute_used += F.compute_used[f];
  ai_demand += F.ai_demand[f];
  ai_revenue_total += F.ai_revenue[f];
  core_revenue_total += F.core_revenue[f];
  wage_bill_total += F.wage_bill[f];
  other_costs += F.other_costs[f];
  opex += F.opex[f];
  cash_total += F.cash[f];
  incident_count += static_cast<double>(F.incident[f]);
  incident_cost += F.incident_cost[f];
  active += F.active[f];
  if (F.active[f] != 0) real_firms[k] += F.real_firms[f];
  for (std::size_t r = 0; r < kLayoffReasons; ++r)
    layoff_events[k] += F.layoffs[f * kLayoffReasons + r];
  layoff_events[k] -= F.discharges[f];
  if (F.ai_seller[f] != 0 && F.active[f] != 0) {
    knowledge += F.knowledge[f];
    load_weighted += F.load_ratio[f] * F.compute_used[f];
    load_weight += F.compute_used[f];
  }
}

void FirmTotals::join(const FirmTotals& o) {
  for (Column c : kClassColumns) sim::add_entries(this->*c, o.*c);
  for (Column c : kOccupationColumns) sim::add_entries(this->*c, o.*c);
  for (auto t : kTotals) this->*t += o.*t;
}

MonthView::MonthView(const Model& model, const World& world)
    : m(model), w(world), firms(model.class_names.size(), world.occupations()) {
  const std::size_t O = w.occupations();
  const auto& F = w.firms;
  const auto& st = w.stocks;
  employed = sum(st.employed);
  unemployed = sum(st.unemployed);
  long_term = sum(st.long_term);
  vacancies = sum(w.flows.vacancies_posted);
  openings_new = sum(w.flows.openings_new);
  occ_layoffs.assign(O, 0.0);
  occ_layoffs_ai.assign(O, 0.0);
  for (std::size_t o = 0; o < O; ++o) {
    for (std::size_t r = 0; r < kLayoffReasons; ++r) {
      const auto x = static_cast<double>(w.flows.layoffs[o * kLayoffReasons + r]);
      by_reason[r] += x;
      occ_layoffs[o] += x;
      if (is_ai_attributed(r)) occ_layoffs_ai[o] += x;
    }
  }
  layoffs = sum(by_reason);
  hires = sum(w.flows.hires);
  quits = sum(w.flows.quits);
  job_finds = sum(w.flows.job_finds);
  all_quits = quits + sum(w.flows.job_to_job_out) + flow_total(kQuitOlf);
  hires_from_unemployment = job_finds - flow_total(kHireFromOlf);
  for (std::size_t o = 0; o < O; ++o) {
    wage_now += st.employed[o] * w.occ.wage[o];
    wage_then += st.employed[o] * m.data.occupations[o].wage_month_usd;
  }
  // Firm aggregates: per-block partial sums in parallel, joined in block order (deterministic).
  const std::size_t nb = sim::block_count(F.size(), kFirmBlock);
  std::vector<FirmTotals> partial(nb, FirmTotals(m.class_names.size(), O));
  sim::for_blocks(F.size(), kFirmBlock, [&](std::size_t b, std::size_t begin, std::size_t end) {
    for (std::size_t f = begin; f < end; ++f) partial[b].add_firm(m, F, f);
  });
  for (const auto& p : partial) firms.join(p);
  for (std::size_t o = 0; o < O; ++o) adoption_weighted += firms.occ_adoption_weighted[o];
  for (std::size_t f = 0; f < F.size(); ++f) layoff_costs += F.layoff_costs[f];
  reskilling = sum(st.reskilling);
  founders = sum(st.founders);
  out_of_labour_force = sum(st.out_of_labour_force);
}

double MonthView::flow_total(Flow which) const {
  std::int64_t t = 0;
  for (std::size_t o = 0; o < w.occupations(); ++o)
    t += w.flows.transitions[which * w.occupations() + o];
  return static_cast<double>(t);
}

const std::vector<MetricDef>& metric_table() {
  static const std::vector<MetricDef> table =
      {
          // --- /series: one value a month ------------------------------------------------------
          series("employment", "agents", "employed workers at the end of the month",
                 [](View v) { return v.employed; }),
          series("unemployment", "agents", "unemployed workers at the end of the month",
                 [](View v) { return v.unemployed; }),
          series("labour_force", "agents", "employed plus unemployed",
                 [](View v) { return v.employed + v.unemployed; }),
          series("unemployment_rate", "share", "unemployment / labour force",
                 [](View v) { return ratio(v.unemployed, v.employed + v.unemployed); }),
          series("long_term_unemployed", "agents",
                 "unemployed with a spell of labour.long_term_months or more",
                 [](View v) { return v.long_term; }),
          series("long_term_unemployment_share", "share", "long-term unemployed / unemployed",
                 [](View v) { return ratio(v.long_term, v.unemployed); }),
          series("vacancies", "jobs",
                 "openings open for matching this month: last month's stock less expiries and "
                 "internal moves",
                 [](View v) { return v.vacancies; }),
          series("unfilled_vacancies", "jobs", "vacancies still open after matching",
                 [](View v) { return v.firms.openings - v.openings_new; }),
          series("openings", "jobs",
                 "job openings at the end of the month (JOLTS): unfilled vacancies plus the "
                 "month's new openings",
                 [](View v) { return v.firms.openings; }),
          series("openings_new", "jobs/month",
                 "openings opened this month, spontaneous and gap-closing (open from next month)",
                 [](View v) { return v.openings_new; }),
          series(
              "openings_spontaneous", "jobs/month",
              "the part of openings_new opened whatever the gap: labour.spontaneous_openings_rate "
              "x staff",
              [](View v) { return sum(v.w.flows.openings_spontaneous); }),
          series("openings_expired", "jobs/month",
                 "openings withdrawn unfilled: expiry (labour.opening_expiry_rate) and the "
                 "openings of firms that closed",
                 [](View v) { return sum(v.w.flows.openings_expired); }),
          series("openings_rate", "share",
                 "openings / (employment + openings) at the end of the month (JOLTS definition)",
                 [](View v) { return ratio(v.firms.openings, v.firms.openings + v.employed); }),
          series("hires_rate", "1/month",
                 "hires / employed at the start of the month (JOLTS hires rate)",
                 [](View v) {
                   return ratio(v.hires, static_cast<double>(v.w.flows.employment_start));
                 }),
          series("layoffs_rate", "1/month",
                 "layoffs / employed at the start of the month (JOLTS layoffs and discharges "
                 "rate)",
                 [](View v) {
                   return ratio(v.layoffs, static_cast<double>(v.w.flows.employment_start));
                 }),
          series("hires", "agents/month",
                 "hires: out of unemployment, from outside the labour force and job-to-job moves",
                 [](View v) { return v.hires; }),
          series("layoffs", "agents/month", "employer-initiated separations, all reasons",
                 [](View v) { return v.layoffs; }),
          series("quits", "agents/month",
                 "all quits as JOLTS counts them: job-to-job moves, quits into unemployment and "
                 "quits out of the labour force",
                 [](View v) { return v.all_quits; }),
          series("quits_to_unemployment", "agents/month",
                 "worker-initiated separations into unemployment", [](View v) { return v.quits; }),
          series("quits_to_out_of_labour_force", "agents/month",
                 "worker-initiated separations out of the labour force",
                 [](View v) { return v.flow_total(kQuitOlf); }),
          series("quits_rate", "1/month",
                 "quits / employed at the start of the month (JOLTS quits rate)",
                 [](View v) {
                   return ratio(v.all_quits, static_cast<double>(v.w.flows.employment_start));
                 }),
          series("hires_from_unemployment", "agents/month",
                 "hires of workers unemployed at the start of the month (CPS U to E)",
                 [](View v) { return v.hires_from_unemployment; }),
          series("hires_from_outside_labour_force", "agents/month",
                 "hires of entrants and re-entrants in the month they joined the labour force "
                 "(CPS N to E)",
                 [](View v) { return v.flow_total(kHireFromOlf); }),
          series("job_finding_rate", "1/month",
                 "hires of the unemployed / unemployed seekers at the start of the month (f, the "
                 "CPS U-to-E rate)",
                 [](View v) {
                   return ratio(v.hires_from_unemployment,
                                static_cast<double>(v.w.lists.seekers.size()) -
                                    static_cast<double>(v.w.flows.new_seekers));
                 }),
          series("separation_rate", "1/month",
                 "separations into unemployment (layoffs + quits_to_unemployment) / employed at "
                 "the start of the month (s)",
                 [](View v) {
                   return ratio(v.layoffs + v.quits,
                                static_cast<double>(v.w.flows.employment_start));
                 }),
          series("wage_index", "index (start = 1)",
                 "sum_o E_o w_o(t) / sum_o E_o w_o(0): occupation wage indices at current weights",
                 [](View v) { return ratio(v.wage_now, v.wage_then, 1.0); }),
          series("mean_wage", kWage, "mean wage of employed workers",
                 [](View v) {
                   return ratio(v.w.stocks.wages_total,
                                static_cast<double>(v.w.flows.employment_start));
                 }),
          series("mean_wage_nominal", "USD/person-month (current prices)",
                 "mean_wage x price_level: the mean wage in the month's own dollars",
                 [](View v) {
                   return v.w.env.price_level *
                          ratio(v.w.stocks.wages_total,
                                static_cast<double>(v.w.flows.employment_start));
                 }),
          series("price_level", "index (start = 1)",
                 "consumer price index (1 + macro.inflation_per_year)^(t/12): nominal = real x "
                 "price_level; no decision in the model reads it",
                 [](View v) { return v.w.env.price_level; }),
          series("demand_index", "index (start = 1)", "core-demand index D(t)",
                 [](View v) { return v.w.env.demand; }),
          series("labour_demand", "jobs", "sum of firms' target headcounts L*",
                 [](View v) { return v.firms.labour_demand; }),
          series("applications", "applications/month", "applications sent by the unemployed",
                 [](View v) { return static_cast<double>(v.w.flows.applications); }),
          series("job_to_job", "agents/month",
                 "employed workers hired away by another employer (on-the-job search)",
                 [](View v) { return sum(v.w.flows.job_to_job_out); }),
          series("redeployments", "agents/month",
                 "workers due to be laid off who moved to another occupation in the same firm",
                 [](View v) { return sum(v.w.flows.redeployed_in); }),
          series("layoffs_demand", "agents/month",
                 "layoffs from falling core demand and idiosyncratic match destruction",
                 [](View v) { return v.by_reason[kLayoffDemand]; }),
          series("layoffs_automation", "agents/month",
                 "layoffs because automation and AI-fluent productivity cut the labour requirement",
                 [](View v) { return v.by_reason[kLayoffAutomation]; }),
          series("layoffs_capex_funding", "agents/month",
                 "layoffs to restore the target margin while paying for compute",
                 [](View v) { return v.by_reason[kLayoffCapexFunding]; }),
          series("layoffs_firm_exit", "agents/month", "layoffs when a firm closes",
                 [](View v) { return v.by_reason[kLayoffFirmExit]; }),
          series("layoffs_ai", "agents/month", "AI-attributed layoffs: automation + capex_funding",
                 [](View v) {
                   return v.by_reason[kLayoffAutomation] + v.by_reason[kLayoffCapexFunding];
                 }),
          series("ai_layoff_share", "share", "layoffs_ai / layoffs",
                 [](View v) {
                   return ratio(v.by_reason[kLayoffAutomation] + v.by_reason[kLayoffCapexFunding],
                                v.layoffs);
                 }),
          series("capex", kRealUsdMonth,
                 "capital expenditure paid on compute (instalments due this month)",
                 [](View v) { return v.firms.capex_total; }),
          series("capex_orders", kRealUsdMonth, "value of compute ordered this month",
                 [](View v) { return v.firms.orders; }),
          series("compute_capacity", "GPU-eq", "installed compute capacity K",
                 [](View v) { return v.firms.capacity_total; }),
          series("compute_arrivals", "GPU-eq/month", "capacity that arrived this month",
                 [](View v) { return v.firms.arrivals; }),
          series("compute_retirements", "GPU-eq/month", "capacity retired this month",
                 [](View v) { return v.firms.retirements; }),
          series("compute_utilisation", "share", "compute used / installed",
                 [](View v) { return ratio(v.firms.compute_used, v.firms.capacity_total); }),
          series("ai_demand", kRealUsdMonth, "AI service demand addressed to the firms",
                 [](View v) { return v.firms.ai_demand; }),
          series("ai_revenue", kRealUsdMonth, "AI revenue served (before incident losses)",
                 [](View v) { return v.firms.ai_revenue_total; }),
          series("core_revenue", kRealUsdMonth, "core (non-AI) revenue",
                 [](View v) { return v.firms.core_revenue_total; }),
          series("wage_bill", kRealUsdMonth, "wages paid by firms",
                 [](View v) { return v.firms.wage_bill_total; }),
          series("labour_share", "share", "wage bill / (core + AI revenue)",
                 [](View v) {
                   return ratio(v.firms.wage_bill_total,
                                v.firms.core_revenue_total + v.firms.ai_revenue_total);
                 }),
          series("other_costs", kRealUsdMonth, "non-labour, non-compute costs",
                 [](View v) { return v.firms.other_costs; }),
          series("compute_opex", kRealUsdMonth, "power and operations of installed compute",
                 [](View v) { return v.firms.opex; }),
          series("cash", kRealUsd, "firms' cash at the end of the month",
                 [](View v) { return v.firms.cash_total; }),
          series("layoff_costs", kRealUsdMonth,
                 "severance, disclosure (reputation) and retraining-mandate costs of layoffs",
                 [](View v) { return v.layoff_costs; }),
          series("compute_tax", kRealUsdMonth,
                 "compute-tax revenue: the tax on the compute ordered this month, accrued when "
                 "ordered (firms pay it with the orders' instalments, inside capex)",
                 [](View v) { return compute_tax_revenue(v); }),
          series("mandated_reskilling", "agents/month",
                 "AI-attributed layoffs enrolled in a funded programme by the retraining mandate",
                 [](View v) { return static_cast<double>(v.w.flows.mandated_enrolled); }),
          series("new_firm_funding", kRealUsdMonth,
                 "starting cash of firms founded this month (outside funding)",
                 [](View v) { return v.w.flows.new_firm_funding; }),
          series("incidents", "incidents/month", "reliability incidents",
                 [](View v) { return v.firms.incident_count; }),
          series("incident_cost", kRealUsdMonth, "AI revenue lost to incidents",
                 [](View v) { return v.firms.incident_cost; }),
          series("warn_notices", "notices/month",
                 "WARN notices: sites that lose workers.warn_threshold_persons persons or more "
                 "this month (US count: the model's persons laid off allocated to real firms and "
                 "their sites)",
                 [](View v) { return v.w.warn.notices; }),
          series("warn_persons", "persons/month", "persons in this month's WARN notices",
                 [](View v) { return v.w.warn.persons; }),
          series("warn_median_persons", "persons/notice",
                 "median persons per WARN notice this month (NaN: no notice)",
                 [](View v) { return v.w.warn.median_persons; }),
          series("mean_adoption", "share", "employment-weighted automation adoption theta",
                 [](View v) { return ratio(v.adoption_weighted, v.employed); }),
          series("ai_capability", "share", "AI capability a(t)",
                 [](View v) { return v.w.env.capability; }),
          series("compute_price", kRealUsdGpuMonth, "compute price p(t)",
                 [](View v) { return v.w.env.price; }),
          series("firm_exits", "firms/month", "firms that closed this month",
                 [](View v) { return static_cast<double>(v.w.flows.firm_exits); }),
          series("firm_entries", "firms/month",
                 "new firms that took the place of the firms that closed (same class and base "
                 "requirement, no staff)",
                 [](View v) { return static_cast<double>(v.w.flows.firm_entries); }),
          series("active_firms", "firms", "firms still operating",
                 [](View v) { return v.firms.active; }),
          series("mean_ai_literacy", "share", "mean AI literacy of the employed",
                 [](View v) {
                   return ratio(v.w.stocks.literacy_total,
                                static_cast<double>(v.w.flows.employment_start));
                 }),
          series("knowledge", "FTE",
                 "institutional knowledge Q of AI sellers: knowledge-role staff weighted by "
                 "tenure, capped at "
                 "reliability.knowledge_tenure_cap_months",
                 [](View v) { return v.firms.knowledge; }),
          series("load_ratio", "ratio",
                 "AI sellers' used compute / compute their knowledge staff can operate "
                 "(compute-weighted mean)",
                 [](View v) { return ratio(v.firms.load_weighted, v.firms.load_weight); }),
          series("reskilling", "agents", "workers in a reskilling programme",
                 [](View v) { return v.reskilling; }),
          series("reskilling_starts", "agents/month", "unemployed workers starting a programme",
                 [](View v) { return v.flow_total(kReskillStart); }),
          series("reskilling_completions", "agents/month",
                 "programmes completed: the worker's occupation becomes the target",
                 [](View v) { return v.flow_total(kReskillComplete); }),
          series("reskilling_dropouts", "agents/month", "programmes abandoned",
                 [](View v) { return v.flow_total(kReskillDropout); }),
          series("founders", "agents", "founders and contractors (self-employed)",
                 [](View v) { return v.founders; }),
          series("founder_starts", "agents/month", "unemployed workers who start a business",
                 [](View v) { return v.flow_total(kFounderStart); }),
          series("founder_failures", "agents/month", "founders returning to unemployment",
                 [](View v) { return v.flow_total(kFounderFail); }),
          series("firms_created", "firms/month",
                 "firms created by founders (class founders.firm_class); the founder becomes its "
                 "first employee",
                 [](View v) { return v.flow_total(kFounderFirm); }),
          series("out_of_labour_force", "agents", "out of the labour force (may re-enter)",
                 [](View v) { return v.out_of_labour_force; }),
          series("exits", "agents/month",
                 "discouraged exits from unemployment out of the labour force",
                 [](View v) { return v.flow_total(kExit); }),
          series("reentries", "agents/month",
                 "re-entries into unemployment from out of the labour force",
                 [](View v) { return v.flow_total(kReentry); }),
          series("entrants", "agents/month", "new entrants (graduates) into unemployment",
                 [](View v) { return v.flow_total(kEntrant); }),
          series("retirements", "agents/month", "people leaving the population by retirement",
                 [](View v) {
                   return v.flow_total(kRetireE) + v.flow_total(kRetireU) + v.flow_total(kRetireR) +
                          v.flow_total(kRetireF) + v.flow_total(kRetireO);
                 }),
          series("population", "agents",
                 "employed + unemployed + reskilling + founders + out of the labour force",
                 [](View v) {
                   return v.employed + v.unemployed + v.reskilling + v.founders +
                          v.out_of_labour_force;
                 }),
          series("participation_rate", "share",
                 "(employed + unemployed + founders) / population; reskilling counts as not "
                 "participating",
                 [](View v) {
                   const double population = v.employed + v.unemployed + v.reskilling + v.founders +
                                             v.out_of_labour_force;
                   return ratio(v.employed + v.unemployed + v.founders, population);
                 }),
          series("ai_wage_premium", "share",
                 "mean wage of AI-fluent (literacy >= 0.3) over non-fluent employed in "
                 "complemented occupations (c >= 0.3), minus 1, pooled over the last 12 months; "
                 "NaN while either group has fewer than 100 worker-months in the window",
                 [](View v) { return ai_premium(v.w.stocks.premium_months); }),
          series("ui_recipients", "agents", "unemployed within policy.ui_months of their spell",
                 [](View v) { return static_cast<double>(v.w.stocks.ui_recipients); }),
          // --- the fiscal ledger: what the policies in force cost the state this month ---------
          series("ui_benefits", kRealUsdMonth,
                 "unemployment insurance paid: policy.ui_recipiency x ui_recipients x "
                 "min(policy.ui_replacement_rate x their occupation's going wage, "
                 "policy.ui_max_benefit_usd)",
                 [](View v) { return ui_benefits(v); }),
          series("reskilling_public_cost", kRealUsdMonth,
                 "state share of the cost of voluntary programmes started "
                 "(policy.reskilling_subsidy x reskilling.cost_usd per start; mandated "
                 "programmes are paid by the firms)",
                 [](View v) { return reskilling_public_cost(v); }),
          series("hiring_subsidy_cost", kRealUsdMonth,
                 "hiring subsidies paid: policy.hiring_subsidy_usd per hire out of unemployment "
                 "of a worker laid off for AI reasons, while policy.hiring_subsidy > 0",
                 [](View v) { return hiring_subsidy_cost(v); }),
          series("founder_grants", kRealUsdMonth,
                 "grants in the starting cash of founders' firms (policy.founder_grant_months "
                 "of revenue each)",
                 [](View v) { return v.w.flows.founder_grants; }),
          series("mandate_payments", kRealUsdMonth,
                 "retraining-mandate payments by firms (policy.retraining_mandate_cost_usd per "
                 "AI-attributed layoff); they fund the mandated programmes, so they are in no "
                 "public net",
                 [](View v) { return mandate_payments(v); }),
          series("fiscal_net_cost", kRealUsdMonth,
                 "net cost to the state: ui_benefits + reskilling_public_cost + "
                 "hiring_subsidy_cost + founder_grants - compute_tax",
                 [](View v) {
                   return ui_benefits(v) + reskilling_public_cost(v) + hiring_subsidy_cost(v) +
                          v.w.flows.founder_grants - compute_tax_revenue(v);
                 }),

          // --- /by_occupation: one value per occupation and month ---------------------------
          by_occupation("employment", "agents", "employed, by occupation",
                        [](View v, std::size_t o) { return v.w.stocks.employed[o]; }),
          by_occupation("unemployment", "agents", "unemployed, by last occupation",
                        [](View v, std::size_t o) { return v.w.stocks.unemployed[o]; }),
          by_occupation("long_term_unemployed", "agents",
                        "long-term unemployed, by last occupation",
                        [](View v, std::size_t o) { return v.w.stocks.long_term[o]; }),
          by_occupation("vacancies", "jobs", "vacancies open for matching",
                        [](View v, std::size_t o) {
                          return static_cast<double>(v.w.flows.vacancies_posted[o]);
                        }),
          by_occupation("openings", "jobs",
                        "job openings at the end of the month: vacancies - hires + openings_new",
                        [](View v, std::size_t o) {
                          const auto& fl = v.w.flows;
                          return static_cast<double>(fl.vacancies_posted[o] - fl.hires[o] +
                                                     fl.openings_new[o]);
                        }),
          by_occupation(
              "openings_new", "jobs/month", "openings opened this month",
              [](View v, std::size_t o) { return static_cast<double>(v.w.flows.openings_new[o]); }),
          by_occupation("openings_expired", "jobs/month", "openings withdrawn unfilled",
                        [](View v, std::size_t o) {
                          return static_cast<double>(v.w.flows.openings_expired[o]);
                        }),
          by_occupation(
              "hires", "agents/month", "hires, by occupation of the new job",
              [](View v, std::size_t o) { return static_cast<double>(v.w.flows.hires[o]); }),
          by_occupation(
              "job_finds", "agents/month",
              "hires out of unemployment, by the worker's previous occupation",
              [](View v, std::size_t o) { return static_cast<double>(v.w.flows.job_finds[o]); }),
          by_occupation("layoffs", "agents/month", "layoffs, all reasons",
                        [](View v, std::size_t o) { return v.occ_layoffs[o]; }),
          by_occupation(
              "quits_to_unemployment", "agents/month", "quits into unemployment",
              [](View v, std::size_t o) { return static_cast<double>(v.w.flows.quits[o]); }),
          by_occupation("quits_to_out_of_labour_force", "agents/month",
                        "quits out of the labour force",
                        [](View v, std::size_t o) { return v.flow(kQuitOlf, o); }),
          by_occupation("hires_from_outside_labour_force", "agents/month",
                        "hires of entrants and re-entrants in their first month, by their "
                        "occupation",
                        [](View v, std::size_t o) { return v.flow(kHireFromOlf, o); }),
          by_occupation("wage", kWage, "occupation wage index w_o(t)",
                        [](View v, std::size_t o) { return v.w.occ.wage[o]; }),
          by_occupation("layoffs_ai", "agents/month",
                        "AI-attributed layoffs (automation + capex_funding)",
                        [](View v, std::size_t o) { return v.occ_layoffs_ai[o]; }),
          by_occupation("job_to_job_out", "agents/month",
                        "job-to-job moves, by the occupation left (the new job is in hires)",
                        [](View v, std::size_t o) {
                          return static_cast<double>(v.w.flows.job_to_job_out[o]);
                        }),
          by_occupation("redeployed_in", "agents/month", "internal moves into the occupation",
                        [](View v, std::size_t o) {
                          return static_cast<double>(v.w.flows.redeployed_in[o]);
                        }),
          by_occupation("redeployed_out", "agents/month", "internal moves out of the occupation",
                        [](View v, std::size_t o) {
                          return static_cast<double>(v.w.flows.redeployed_out[o]);
                        }),
          by_occupation("adoption", "share", "employment-weighted automation adoption theta",
                        [](View v, std::size_t o) {
                          return ratio(v.firms.occ_adoption_weighted[o], v.firms.occ_headcount[o]);
                        }),
          by_occupation("reskilling", "agents", "in a programme, by origin occupation",
                        [](View v, std::size_t o) { return v.w.stocks.reskilling[o]; }),
          by_occupation("founders", "agents", "founders, by last occupation",
                        [](View v, std::size_t o) { return v.w.stocks.founders[o]; }),
          by_occupation("out_of_labour_force", "agents",
                        "out of the labour force, by last occupation",
                        [](View v, std::size_t o) { return v.w.stocks.out_of_labour_force[o]; }),
          by_occupation("reskilling_starts", "agents/month",
                        "programme starts, by origin occupation",
                        [](View v, std::size_t o) { return v.flow(kReskillStart, o); }),
          by_occupation("reskilling_completions_from", "agents/month",
                        "programme completions, by origin occupation",
                        [](View v, std::size_t o) { return v.flow(kReskillComplete, o); }),
          by_occupation("reskilling_completions", "agents/month",
                        "programme completions, by target (new) occupation",
                        [](View v, std::size_t o) { return v.flow(kReskillCompleteInto, o); }),
          by_occupation("reskilling_dropouts", "agents/month", "dropouts, by origin occupation",
                        [](View v, std::size_t o) { return v.flow(kReskillDropout, o); }),
          by_occupation("founder_starts", "agents/month", "founder starts, by last occupation",
                        [](View v, std::size_t o) { return v.flow(kFounderStart, o); }),
          by_occupation("founder_failures", "agents/month", "founder failures, by last occupation",
                        [](View v, std::size_t o) { return v.flow(kFounderFail, o); }),
          by_occupation("firms_created", "firms/month",
                        "firms created, by the founder's occupation (founder -> employed)",
                        [](View v, std::size_t o) { return v.flow(kFounderFirm, o); }),
          by_occupation("exits", "agents/month", "discouraged exits, by last occupation",
                        [](View v, std::size_t o) { return v.flow(kExit, o); }),
          by_occupation("reentries", "agents/month", "re-entries, by last occupation",
                        [](View v, std::size_t o) { return v.flow(kReentry, o); }),
          by_occupation("entrants", "agents/month", "entrants, by occupation trained for",
                        [](View v, std::size_t o) { return v.flow(kEntrant, o); }),
          by_occupation("retirements_employed", "agents/month",
                        "retirements, by status and occupation",
                        [](View v, std::size_t o) { return v.flow(kRetireE, o); }),
          by_occupation("retirements_unemployed", "agents/month",
                        "retirements, by status and occupation",
                        [](View v, std::size_t o) { return v.flow(kRetireU, o); }),
          by_occupation("retirements_reskilling", "agents/month",
                        "retirements, by status and occupation",
                        [](View v, std::size_t o) { return v.flow(kRetireR, o); }),
          by_occupation("retirements_founder", "agents/month",
                        "retirements, by status and occupation",
                        [](View v, std::size_t o) { return v.flow(kRetireF, o); }),
          by_occupation("retirements_out_of_labour_force", "agents/month",
                        "retirements, by status and occupation",
                        [](View v, std::size_t o) { return v.flow(kRetireO, o); }),

          // --- /by_class: one value per firm class and month ---------------------------------
          by_class("layoff_events", "agents/month",
                   "layoffs in layoff events: all reasons less idiosyncratic discharges (what "
                   "trackers of announced layoffs count)",
                   [](View v, std::size_t k) { return v.firms.layoff_events[k]; }),
          by_class("real_firms", "firms",
                   "US employer firms the class's operating model firms stand for (a model firm "
                   "is one real firm or a group of one size band)",
                   [](View v, std::size_t k) { return v.firms.real_firms[k]; }),
          by_firm("employment", "agents", "employees of the named firm (0 once it has closed)",
                  [](View v, std::size_t j) {
                    const std::size_t f = named_row(v, j);
                    return f == FirmTable::kNoRow ? 0.0 : static_cast<double>(v.w.firms.staff(f));
                  }),
          by_firm("layoffs", "agents/month", "the named firm's layoffs, all reasons",
                  [](View v, std::size_t j) { return named_layoffs(v, j, false); }),
          by_firm("layoff_events", "agents/month",
                  "the named firm's layoffs in layoff events: all reasons less idiosyncratic "
                  "discharges (what an announcement counts)",
                  [](View v, std::size_t j) {
                    const std::size_t f = named_row(v, j);
                    return f == FirmTable::kNoRow
                               ? 0.0
                               : named_layoffs(v, j, false) - v.w.firms.discharges[f];
                  }),
          by_firm("layoffs_ai", "agents/month",
                  "the named firm's AI-attributed layoffs (automation, capex_funding)",
                  [](View v, std::size_t j) { return named_layoffs(v, j, true); }),
          by_class("headcount", "agents", "employees of firms of the class",
                   [](View v, std::size_t k) { return v.firms.headcount[k]; }),
          by_class("vacancies", "jobs", "vacancies open for matching",
                   [](View v, std::size_t k) {
                     return static_cast<double>(v.w.flows.cls_vacancies[k]);
                   }),
          by_class(
              "hires", "agents/month", "hires",
              [](View v, std::size_t k) { return static_cast<double>(v.w.flows.cls_hires[k]); }),
          by_class("layoffs", "agents/month", "layoffs, all reasons",
                   [](View v, std::size_t k) {
                     double lay = 0;
                     for (std::size_t r = 0; r < kLayoffReasons; ++r) lay += class_layoffs(v, k, r);
                     return lay;
                   }),
          by_class("layoffs_ai", "agents/month", "AI-attributed layoffs",
                   [](View v, std::size_t k) {
                     const auto& lay = v.w.flows.cls_layoffs;
                     return static_cast<double>(lay[k * kLayoffReasons + kLayoffAutomation] +
                                                lay[k * kLayoffReasons + kLayoffCapexFunding]);
                   }),
          by_class(
              "quits", "agents/month", "quits into unemployment",
              [](View v, std::size_t k) { return static_cast<double>(v.w.flows.cls_quits[k]); }),
          by_class("capex", kRealUsdMonth, "capex paid on compute",
                   [](View v, std::size_t k) { return v.firms.capex[k]; }),
          by_class("compute_capacity", "GPU-eq", "installed compute capacity",
                   [](View v, std::size_t k) { return v.firms.capacity[k]; }),
          by_class("ai_revenue", kRealUsdMonth, "AI revenue served",
                   [](View v, std::size_t k) { return v.firms.ai_revenue[k]; }),
          by_class("core_revenue", kRealUsdMonth, "core revenue",
                   [](View v, std::size_t k) { return v.firms.core_revenue[k]; }),
          by_class("wage_bill", kRealUsdMonth, "wages paid",
                   [](View v, std::size_t k) { return v.firms.wage_bill[k]; }),
          by_class("incidents", "incidents/month", "reliability incidents",
                   [](View v, std::size_t k) { return v.firms.incidents[k]; }),
          by_class("cash", kRealUsd, "cash at the end of the month",
                   [](View v, std::size_t k) { return v.firms.cash[k]; }),
          by_class("mean_adoption", "share", "employment-weighted adoption theta",
                   [](View v, std::size_t k) {
                     return ratio(v.firms.adoption_weighted[k], v.firms.headcount[k]);
                   }),
          by_class("ai_role_headcount", "agents", "employees in ai_role occupations",
                   [](View v, std::size_t k) { return v.firms.ai_role_headcount[k]; }),
          by_class("exposed_headcount", "agents",
                   "employees in high-exposure occupations (top fifth of employment by automatable "
                   "share, AI roles "
                   "excepted; /occupations/exposed)",
                   [](View v, std::size_t k) { return v.firms.exposed_headcount[k]; }),
      };
  return table;
}

const std::vector<StaticDef>& static_table() {
  static const std::vector<StaticDef> table = {
      {"", "transitions", "agents",
       "hires out of unemployment over the run by (previous occupation, new occupation)",
       StaticDef::kOccupationPairs,
       [](const RunTotals& t) -> const std::vector<double>& { return t.transitions; }},
      {"initial", "employment", "agents", "employed by occupation at the start (month 0)",
       StaticDef::kOccupations,
       [](const RunTotals& t) -> const std::vector<double>& { return t.initial_employment; }},
      {"initial", "unemployment", "agents", "unemployed by last occupation at the start (month 0)",
       StaticDef::kOccupations,
       [](const RunTotals& t) -> const std::vector<double>& { return t.initial_unemployment; }},
      {"initial", "out_of_labour_force", "agents",
       "out of the labour force at the start, by last occupation", StaticDef::kOccupations,
       [](const RunTotals& t) -> const std::vector<double>& { return t.initial_olf; }},
      {"", "reskilling_flows", "agents",
       "reskilling completions over the run by (origin occupation, target occupation)",
       StaticDef::kOccupationPairs,
       [](const RunTotals& t) -> const std::vector<double>& { return t.reskill_flows; }},
      {"reemployment", "ai", "agents",
       "hires of workers whose last separation was an AI-attributed layoff (automation, "
       "capex_funding), by months "
       "of unemployment (last bin: 48+)",
       StaticDef::kSpellBins,
       [](const RunTotals& t) -> const std::vector<double>& { return t.reemploy_ai; }},
      {"reemployment", "other", "agents",
       "hires of workers whose last separation was another layoff (demand, firm_exit), by months "
       "of unemployment "
       "(last bin: 48+)",
       StaticDef::kSpellBins,
       [](const RunTotals& t) -> const std::vector<double>& { return t.reemploy_other; }},
  };
  return table;
}

void declare_outputs(const Model& m, sim::MetricLayout& layout) {
  const std::size_t O = m.data.size();
  auto scale = [&](const char* unit) { return us_unit(unit).empty() ? 0.0 : m.persons_per_agent; };
  // The labelled axes: occupations (ids, with their names), firm classes, and the months of
  // unemployment of the re-employment tables.
  sim::Axis occupation{"occupation", "occupation, in the order of /occupations/id", {}, {}, {}};
  for (const auto& o : m.data.occupations) {
    occupation.labels.push_back(o.id);
    occupation.names.push_back(o.name);
  }
  sim::Axis origin = occupation, destination = occupation;
  origin.name = "origin";
  origin.description = "previous (origin) occupation";
  destination.name = "destination";
  destination.description = "new (destination or target) occupation";
  layout.add_axis(occupation);
  layout.add_axis(origin);
  layout.add_axis(destination);
  layout.add_axis(
      {"firm_class", "firm class, in the order of /firm_classes/name", m.class_names, {}, {}});
  sim::Axis firm{"firm", "named firm, in the order of /firms/name", {}, {}, {}};
  for (const NamedFirm& n : m.firm_data.named) firm.labels.push_back(n.name);
  if (!firm.labels.empty()) layout.add_axis(firm);
  sim::Axis spell{"months_unemployed",
                  "months unemployed at the hire (the last bin: that many or "
                  "more)",
                  {},
                  {},
                  {}};
  for (std::size_t b = 0; b < RunTotals::kSpellBins; ++b)
    spell.values.push_back(static_cast<std::int64_t>(b));
  layout.add_axis(spell);
  for (const MetricDef& d : metric_table()) {
    switch (d.shape) {
      case Shape::kScalar:
        layout.scalar("series", d.name, d.unit, d.description, scale(d.unit), us_unit(d.unit));
        break;
      case Shape::kOccupation:
        layout.vector("by_occupation", d.name, d.unit, d.description, "occupation", scale(d.unit),
                      us_unit(d.unit));
        break;
      case Shape::kClass:
        layout.vector("by_class", d.name, d.unit, d.description, "firm_class", scale(d.unit),
                      us_unit(d.unit));
        break;
      case Shape::kFirm:
        if (declared(m, d))
          layout.vector("by_firm", d.name, d.unit, d.description, "firm", scale(d.unit),
                        us_unit(d.unit));
        break;
    }
  }
  for (const StaticDef& d : static_table()) {
    std::vector<std::size_t> shape;
    std::vector<std::string> axes;
    switch (d.extent) {
      case StaticDef::kOccupations:
        shape = {O};
        axes = {"occupation"};
        break;
      case StaticDef::kOccupationPairs:
        shape = {O, O};
        axes = {"origin", "destination"};
        break;
      case StaticDef::kSpellBins:
        shape = {RunTotals::kSpellBins};
        axes = {"months_unemployed"};
        break;
    }
    layout.add_static(
        {d.group, d.name, d.unit, d.description, shape, scale(d.unit), us_unit(d.unit), axes});
  }
  layout.add_events(
      {"events",
       "warn",
       {"replication", "month", "firm", "class", "notices", "persons", "laid_off", "reason"},
       "WARN notices by firm-month: notices = sites of the firm's real firms that "
       "lose workers.warn_threshold_persons or more, persons = persons in those "
       "notices, laid_off = persons the firm laid off this month in layoff events "
       "(agents x persons per agent; idiosyncratic discharges excluded); reason 0 demand, 1 "
       "automation, 2 capex_funding, 3 firm_exit "
       "(the firm-month's largest)"});
}

void record(const Model& m, const World& w, double* out) {
  const MonthView view(m, w);
  const auto& specs = m.layout.specs();
  const auto& table = metric_table();
  // The declared metrics, in table order.
  std::size_t i = 0;
  for (const MetricDef& d : table) {
    if (!declared(m, d)) continue;
    double* at = out + specs[i].offset;
    if (d.shape == Shape::kScalar) {
      *at = d.scalar(view);
    } else {
      for (std::size_t e = 0; e < specs[i].width; ++e) at[e] = d.entry(view, e);
    }
    ++i;
  }
}

std::size_t MetricIndex::offset(std::string_view group, std::string_view name) const {
  for (const auto& s : layout_->specs()) {
    if (s.group == group && s.name == name) return s.offset;
  }
  throw std::out_of_range("no metric /" + std::string(group) + "/" + std::string(name));
}

std::size_t MetricIndex::statics(std::string_view path) const {
  const auto& st = layout_->statics();
  for (std::size_t i = 0; i < st.size(); ++i) {
    const std::string full = st[i].group.empty() ? st[i].name : st[i].group + "/" + st[i].name;
    if (full == path) return i;
  }
  throw std::out_of_range("no static output " + std::string(path));
}

std::size_t MetricIndex::events(std::string_view path) const {
  const auto& ev = layout_->events();
  for (std::size_t i = 0; i < ev.size(); ++i) {
    if (ev[i].group + "/" + ev[i].name == path) return i;
  }
  throw std::out_of_range("no event table " + std::string(path));
}

}  // namespace labourshift::models
