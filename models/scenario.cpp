#include "models/scenario.hpp"

#include "sim/calendar.hpp"
#include "sim/resources.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>

#ifndef LABOURSHIFT_DATA_DIR
#define LABOURSHIFT_DATA_DIR "data"
#endif

namespace labourshift::models {

using sim::InputError;
using sim::Named;
using sim::Schema;

namespace {

std::string check_month_text(const std::string& s) {
  if (s.size() != 7 || s[4] != '-') return "expected YYYY-MM, e.g. \"2024-01\"";
  for (std::size_t i : {0U, 1U, 2U, 3U, 5U, 6U}) {
    if (s[i] < '0' || s[i] > '9') return "expected YYYY-MM, e.g. \"2024-01\"";
  }
  const int year = std::stoi(s.substr(0, 4));
  if (year < 1900 || year > 2200) return "the year must be 1900 to 2200";
  const int month = std::stoi(s.substr(5, 2));
  if (month < 1 || month > 12) return "the month must be 01 to 12";
  return "";
}

/// A lever's window month: "" (open) or YYYY-MM.
std::string check_window_text(const std::string& s) {
  return s.empty() ? "" : check_month_text(s) + (check_month_text(s).empty() ? "" : " or \"\"");
}

/// run.name names the default output file, out/<name>.h5: a plain file name only.
bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.';
}

std::string check_run_name(const std::string& s) {
  const bool plain = std::all_of(s.begin(), s.end(), name_char);
  if (!plain || s.size() > 200 || (!s.empty() && s.front() == '.')) {
    return "expected a plain name of letters, digits, '_', '-' and '.' (not starting with '.', "
           "at most 200 characters): it names the default output out/<name>.h5";
  }
  return "";
}

std::shared_ptr<const Schema<FirmClassParams>> firm_class_schema() {
  auto s = std::make_shared<Schema<FirmClassParams>>();
  (*s).real(
          "employment_share", [](auto& c) -> auto& { return c.employment_share; }, 0.0, "share", 0,
          1,
          "share of the initial employment outside the named firms held by the class's other "
          "firms (classes sum to 1)")
      .integer(
          "count", [](auto& c) -> auto& { return c.count; }, 0, "firms", 0, 100000000,
          "number of firms besides the named ones; 0 = derive from mean_size (must be 0 with "
          "size_distribution = susb)")
      .real(
          "mean_size", [](auto& c) -> auto& { return c.mean_size; }, 50.0, "agents", 1, 1e9,
          "mean firm size when count = 0 (not used with size_distribution = susb)",
          "US Census SUSB 2021: ~21 employees per employer firm; larger here because "
          "non-employer units are absent")
      .choice(
          "size_distribution", [](auto& c) -> auto& { return c.size_distribution; }, "pareto",
          {"pareto", "lognormal", "equal", "susb"},
          "distribution of firm sizes within the class; susb = the US size bands of "
          "data.firm_sizes, in persons, with small firms grouped (group_agents)")
      .real(
          "group_agents", [](auto& c) -> auto& { return c.group_agents; }, 50.0, "agents", 1, 1e9,
          "size_distribution = susb: a model firm is one real firm when that firm has at least "
          "this many agents' worth of persons, otherwise a group of real firms of one size band "
          "with this many agents between them",
          "set 1 at one agent per person for one model firm per real firm")
      .real(
          "pareto_alpha", [](auto& c) -> auto& { return c.pareto_alpha; }, 1.1, "", 1.01, 10,
          "Pareto tail index of firm size (heavy tail as alpha -> 1)",
          "Axtell (2001), Science 293: US firm sizes Zipf with alpha ~ 1.06")
      .real(
          "lognormal_sigma", [](auto& c) -> auto& { return c.lognormal_sigma; }, 1.0, "log", 0.01,
          5, "dispersion of log firm size when size_distribution = lognormal")
      .choice(
          "occupation_mix", [](auto& c) -> auto& { return c.occupation_mix; }, "economy",
          {"economy", "tech"},
          "occupation mix: economy = national OEWS shares; tech = OEWS shares times each "
          "group's tech-relevant share")
      .real(
          "ai_role_tilt", [](auto& c) -> auto& { return c.ai_role_tilt; }, 1.0, "multiplier", 0, 50,
          "weight on ai_role occupations in the mix relative to the base mix")
      .real(
          "layoff_speed", [](auto& c) -> auto& { return c.layoff_speed; }, 0.16, "1/month", 0, 1,
          "gamma_u: share of a headcount excess laid off per month")
      .real(
          "hiring_speed", [](auto& c) -> auto& { return c.hiring_speed; }, 1.0, "1/month", 0, 1,
          "gamma_v: share of the shortfall L* - H - V (target less staff and open openings) "
          "opened as new openings per month")
      .real(
          "wage_premium", [](auto& c) -> auto& { return c.wage_premium; }, 1.0, "multiplier", 0.2,
          5, "wage offered relative to the occupation wage index")
      .boolean(
          "ai_seller", [](auto& c) -> auto& { return c.ai_seller; }, false,
          "sells AI services and shares the AI market in proportion to K^phi")
      .real(
          "adoption_speed", [](auto& c) -> auto& { return c.adoption_speed; }, 0.03, "1/month", 0,
          1, "lambda_k: adoption theta moves toward theta* at this speed")
      .real(
          "adoption_hurdle", [](auto& c) -> auto& { return c.adoption_hurdle; }, 2.5, "log", -20,
          20, "mu_k: organisational hurdle in ln(wage / compute cost)")
      .real(
          "target_margin", [](auto& c) -> auto& { return c.target_margin; }, 0.08, "share", -5,
          0.95, "projected cash margin below which the firm cuts headcount to fund compute")
      .real(
          "initial_margin", [](auto& c) -> auto& { return c.initial_margin; }, 0.10, "share", -5,
          0.95, "cash margin at the start; sets the other (non-labour, non-compute) costs")
      .real(
          "labour_share", [](auto& c) -> auto& { return c.labour_share; }, 0.35, "share", 0.01, 1,
          "wage bill / core revenue at the start")
      .real(
          "initial_cash_months", [](auto& c) -> auto& { return c.initial_cash_months; }, 3.0,
          "months of revenue", 0, 600, "cash at the start")
      .integer(
          "capex_lag_months", [](auto& c) -> auto& { return c.capex_lag_months; }, 6, "months", 0,
          48, "months from ordering compute to its arrival")
      .integer(
          "payment_months", [](auto& c) -> auto& { return c.payment_months; }, 36, "months", 1, 120,
          "instalments over which an order is paid, from the order month (multi-year "
          "purchase commitments and leases)")
      .integer(
          "capacity_life_months", [](auto& c) -> auto& { return c.capacity_life_months; }, 66,
          "months", 6, 240, "life of compute capacity before it retires",
          "server lives 5-6 years (Microsoft, Alphabet 6; Meta 5.5; Amazon 5)")
      .real(
          "expectation_weight", [](auto& c) -> auto& { return c.expectation_weight; }, 0.85, "", 0,
          0.999, "omega: weight on the old growth expectation (adaptive expectations)")
      .real(
          "order_speed", [](auto& c) -> auto& { return c.order_speed; }, 1.0, "1/month", 0, 1,
          "share of the supply-line gap K* - (K + pipeline - retirements due) ordered per month")
      .real(
          "capacity_headroom", [](auto& c) -> auto& { return c.capacity_headroom; }, 0.15, "share",
          0, 5, "spare capacity planned above expected use")
      .real(
          "manager_span_elasticity", [](auto& c) -> auto& { return c.manager_span_elasticity; },
          0.5, "", 0, 20, "rho: span s = s0 (1 + rho mean theta): AI coordination removes layers")
      .real(
          "max_budget_cut_share", [](auto& c) -> auto& { return c.max_budget_cut_share; }, 0.004,
          "1/month", 0, 1, "largest share of headcount cut in a month to meet the target margin")
      .real(
          "internal_mobility_rate", [](auto& c) -> auto& { return c.internal_mobility_rate; }, 0.1,
          "share", 0, 1,
          "share of workers due to be laid off who move instead to an open job of "
          "the firm in a similar occupation")
      .real(
          "exit_cash_months", [](auto& c) -> auto& { return c.exit_cash_months; }, 3.0,
          "months of revenue", 0, 600,
          "negative cash beyond this many months of revenue counts "
          "toward exit")
      .integer(
          "exit_after_months", [](auto& c) -> auto& { return c.exit_after_months; }, 6, "months", 1,
          600, "consecutive months beyond the cash threshold before the firm exits")
      .real(
          "exit_rate_per_year", [](auto& c) -> auto& { return c.exit_rate_per_year; }, 0.03,
          "1/year", 0, 1,
          "idiosyncratic exits (owner retires, product fails): share of the class's firms that "
          "close a year, whatever their cash; a new firm of the class takes each one's place",
          "Census BDS: about 8% of employer firms exit a year, holding 1-2% of employment; a "
          "model firm stands for many real ones, so the default matches the employment share "
          "(about 1.5% a year), not the count")
      .real(
          "exit_size_elasticity", [](auto& c) -> auto& { return c.exit_size_elasticity; }, 1.0, "",
          0, 5,
          "the exit hazard is proportional to (base headcount)^-elasticity: small firms close "
          "more often",
          "Census BDS: exit rates fall with firm size");
  return s;
}

FirmClassParams make_class(const Schema<FirmClassParams>& schema, double share, int count,
                           double mean_size, const char* mix, double tilt, double alpha,
                           double premium) {
  FirmClassParams c = schema.make_default();
  c.employment_share = share;
  c.count = count;
  c.mean_size = mean_size;
  c.occupation_mix = mix;
  c.ai_role_tilt = tilt;
  c.pareto_alpha = alpha;
  c.wage_premium = premium;
  return c;
}

std::unique_ptr<Schema<Scenario>> build_schema() {
  auto s = std::make_unique<Schema<Scenario>>();
  auto firm = firm_class_schema();
  // Default classes. employment_share is the share of the employment outside the named firms
  // (data/firms/named_firms.csv, placed at their headcount in their classes: Microsoft, Amazon's
  // corporate staff, Alphabet and Meta are the hyperscalers, which have no unnamed firms; Apple
  // and Intel are named big_tech firms that sell no AI; Amazon's operations are one enterprise
  // firm). big_tech's unnamed firms: Oracle, IBM, Salesforce, Cisco, Nvidia, Dell ... (~0.7 M);
  // mid_tech ~1.6 M; ai_native ~0.08 M; enterprise: every other employer, sized by the US size
  // bands (Census SUSB). Margins: 2025 operating margins (Microsoft ~45%, Alphabet ~32%, Meta
  // ~40%, Amazon ~11%). The tech giants do not close for idiosyncratic reasons (BDS: firms of
  // 10,000+ employees almost never exit); they can still close when their cash runs out.
  auto cls = [&](double share, int count, double mean_size, const char* mix, double tilt,
                 double alpha, double premium) {
    return make_class(*firm, share, count, mean_size, mix, tilt, alpha, premium);
  };
  FirmClassParams hyper = cls(0.0, 0, 1, "tech", 3.0, 1.5, 1.3);
  hyper.ai_seller = true;
  hyper.adoption_speed = 0.08;
  hyper.adoption_hurdle = 1.0;
  hyper.initial_margin = 0.32;
  hyper.target_margin = 0.30;
  hyper.labour_share = 0.15;
  hyper.initial_cash_months = 6;
  hyper.exit_rate_per_year = 0.0;
  FirmClassParams big = cls(0.0042, 18, 1, "tech", 1.5, 1.5, 1.2);
  big.ai_seller = true;
  big.adoption_speed = 0.06;
  big.adoption_hurdle = 1.3;
  big.initial_margin = 0.27;
  big.target_margin = 0.25;
  big.labour_share = 0.22;
  big.initial_cash_months = 6;
  big.exit_rate_per_year = 0.0;
  FirmClassParams mid = cls(0.010, 0, 200, "tech", 1.0, 1.3, 1.1);
  mid.adoption_speed = 0.05;
  mid.adoption_hurdle = 1.8;
  mid.initial_margin = 0.15;
  mid.target_margin = 0.12;
  mid.labour_share = 0.40;
  FirmClassParams native = cls(0.0005, 0, 40, "tech", 4.0, 1.3, 1.2);
  native.ai_seller = true;
  native.adoption_speed = 0.10;
  native.adoption_hurdle = 0.8;
  native.initial_margin = -0.30;
  native.target_margin = -0.60;
  native.labour_share = 0.50;
  native.initial_cash_months = 36;
  FirmClassParams enterprise = cls(0.9853, 0, 50, "economy", 1.0, 1.1, 1.0);
  enterprise.size_distribution = "susb";
  std::vector<Named<FirmClassParams>> classes = {{"hyperscaler", hyper},
                                                 {"big_tech", big},
                                                 {"mid_tech", mid},
                                                 {"ai_native", native},
                                                 {"enterprise", enterprise}};
  (*s).text(
          "run.name", [](auto& x) -> auto& { return x.run.name; }, "", "",
          "scenario name (default: the file name without .toml); names the default output "
          "out/<name>.h5",
          check_run_name)
      .text(
          "run.start", [](auto& x) -> auto& { return x.run.start; }, "2024-01", "YYYY-MM",
          "first simulated month", check_month_text)
      .integer(
          "run.months", [](auto& x) -> auto& { return x.run.months; }, 84, "months", 1, 1200,
          "number of simulated months")
      .integer(
          "run.seed", [](auto& x) -> auto& { return x.run.seed; }, 1, "", 0,
          std::numeric_limits<std::int64_t>::max(),
          "random seed (with the replication "
          "index, keys every random stream)")
      .integer(
          "run.replications", [](auto& x) -> auto& { return x.run.replications; }, 1, "runs", 1,
          100000, "independent replications (ensemble members)")
      .real(
          "population.represented_persons",
          [](auto& x) -> auto& { return x.population.represented_persons; }, 170e6, "persons", 1,
          1e10,
          "persons the agents stand for: WARN thresholds and US magnitudes scale by "
          "represented_persons / workers",
          "BLS CPS 2025: civilian labour force ~170 M")
      .integer(
          "population.workers", [](auto& x) -> auto& { return x.population.workers; }, 100000,
          "agents", 10, 2000000000,
          "labour force in agents (one agent per person at "
          "full US scale, ~170 M)")
      .real(
          "population.initial_unemployment_rate",
          [](auto& x) -> auto& { return x.population.initial_unemployment_rate; }, 0.040, "share",
          0, 0.5, "unemployment rate at the start", "BLS CPS, January 2025: 4.0%")
      .real(
          "population.initial_long_term_share",
          [](auto& x) -> auto& { return x.population.initial_long_term_share; }, 0.236, "share", 0,
          0.95, "share of the initial unemployed with spells of long_term_months or more",
          "BLS CPS 2025: 27 weeks or more ~23.6% of the unemployed")
      .text(
          "data.occupations", [](auto& x) -> auto& { return x.data.occupations; }, "", "path",
          "occupation table CSV (\"\" = the project's data/occupations.csv)")
      .text(
          "data.mobility", [](auto& x) -> auto& { return x.data.mobility; }, "", "path",
          "mobility matrix CSV (\"\" = the project's data/mobility.csv)")
      .text(
          "data.firm_sizes", [](auto& x) -> auto& { return x.data.firm_sizes; }, "", "path",
          "US firm-size bands CSV: firms, employment and persons per site by size "
          "(\"\" = the project's data/firms/firm_sizes.csv)",
          {}, "US Census SUSB 2019 (firms, employment); SUSB 2002 (establishments)")
      .boolean(
          "data.use_named_firms", [](auto& x) -> auto& { return x.data.use_named_firms; }, true,
          "place the firms of data.named_firms by name, at their headcount, in their classes "
          "(the default hyperscaler class is its named firms only: with false, give it an "
          "employment_share and a count, or it has no firms)")
      .text(
          "data.named_firms", [](auto& x) -> auto& { return x.data.named_firms; }, "", "path",
          "named firms CSV: name, class, employees, AI position (\"\" = the project's "
          "data/firms/named_firms.csv)",
          {}, "company filings (10-K headcounts), 2023-2025")
      .text(
          "data.named_firm_events", [](auto& x) -> auto& { return x.data.named_firm_events; }, "",
          "path",
          "the named firms' announced layoffs, compared with the model's in the report (\"\" = "
          "the project's data/firms/named_firm_events_2025.csv)",
          {}, "Layoffs.fyi, 2025")
      .choice(
          "macro.path", [](auto& x) -> auto& { return x.macro.path; }, "steady",
          {"steady", "cycle", "recession"}, "path of core (non-AI) demand")
      .real(
          "macro.inflation_per_year", [](auto& x) -> auto& { return x.macro.inflation_per_year; },
          0.025, "1/year", -0.2, 0.5,
          "CPI inflation: converts the model's real USD (run-start prices) into the nominal "
          "outputs; no decision reads it",
          "BLS CPI-U 2025: ~2.7% a year")
      .real(
          "macro.productivity_growth_per_year",
          [](auto& x) -> auto& { return x.macro.productivity_growth_per_year; }, 0.015, "1/year",
          -0.1, 0.2,
          "g_a: trend labour productivity growth; the workload of a unit of core demand falls "
          "at this rate and real wages grow with it (balanced growth)",
          "BLS nonfarm business labour productivity, 2023-25: ~1.5-2.5% a year")
      .real(
          "macro.core_growth_per_year",
          [](auto& x) -> auto& { return x.macro.core_growth_per_year; }, 0.015, "1/year", -0.5, 0.5,
          "trend growth of core demand (g_c); labour demand grows at about g_c - g_a, so the "
          "default equals the default productivity growth (balanced growth)")
      .real(
          "macro.cycle_amplitude", [](auto& x) -> auto& { return x.macro.cycle_amplitude; }, 0.03,
          "share", 0, 0.5, "amplitude of the demand cycle (path = cycle)")
      .integer(
          "macro.cycle_period_months", [](auto& x) -> auto& { return x.macro.cycle_period_months; },
          72, "months", 6, 600, "period of the demand cycle (path = cycle)")
      .integer(
          "macro.recession_month", [](auto& x) -> auto& { return x.macro.recession_month; }, 24,
          "month", 0, 1200, "month (from the start) when the recession hits (path = recession)")
      .real(
          "macro.recession_depth", [](auto& x) -> auto& { return x.macro.recession_depth; }, 0.05,
          "share", 0, 0.9, "fall in core demand at the recession (path = recession)")
      .integer(
          "macro.recession_recovery_months",
          [](auto& x) -> auto& { return x.macro.recession_recovery_months; }, 24, "months", 0, 1200,
          "months for core demand to recover linearly (path = recession)")
      .real(
          "macro.firm_shock_sd", [](auto& x) -> auto& { return x.macro.firm_shock_sd; }, 0.01,
          "log points/month", 0, 1, "sd of the monthly innovation to firm-level log demand")
      .real(
          "macro.firm_shock_persistence",
          [](auto& x) -> auto& { return x.macro.firm_shock_persistence; }, 0.97, "", 0, 0.9999,
          "AR(1) persistence of firm-level log demand")
      .real(
          "ai.capability_start", [](auto& x) -> auto& { return x.ai.capability_start; }, 0.15,
          "share", 0, 1, "a0: share of exposed tasks AI performs acceptably at the start")
      .real(
          "ai.capability_max", [](auto& x) -> auto& { return x.ai.capability_max; }, 0.8, "share",
          0, 1, "a_max: long-run capability")
      .real(
          "ai.capability_rate_per_year",
          [](auto& x) -> auto& { return x.ai.capability_rate_per_year; }, 0.6, "1/year", 0, 20,
          "kappa: logistic growth rate of capability")
      .integer(
          "ai.capability_midpoint_month",
          [](auto& x) -> auto& { return x.ai.capability_midpoint_month; }, 48, "month", -1200, 1200,
          "t_mid: month (from the start) of fastest capability growth")
      .real(
          "ai.compute_price_start", [](auto& x) -> auto& { return x.ai.compute_price_start; },
          700.0, "USD/GPU-eq-month", 1, 1e6,
          "p0: amortised all-in price of one GPU-equivalent for a month (purchase price = p x "
          "capacity life)",
          "H100 $25-30k (2023) plus ~$10.7 M/MW datacentre shell (CBRE), over 5.5 years")
      .real(
          "ai.compute_price_decline_per_year",
          [](auto& x) -> auto& { return x.ai.compute_price_decline_per_year; }, 0.30, "1/year", 0,
          0.99, "g_p: yearly decline of the compute price")
      .real(
          "ai.compute_per_fte", [](auto& x) -> auto& { return x.ai.compute_per_fte; }, 4.0,
          "GPU-eq/FTE", 0.001, 1000,
          "m: compute that performs one FTE of automated tasks "
          "(about $2,800 a month at 2024 prices: agentic inference is not free)")
      .real(
          "ai.augmentation_weight", [](auto& x) -> auto& { return x.ai.augmentation_weight; }, 0.8,
          "share", 0, 1,
          "omega_a: share of the non-routine, non-coordination exposed content that AI "
          "augments rather than automates: automatable share "
          "x_o = e_o [r_o + (1 - r_o)(kappa_o + (1 - kappa_o)(1 - omega_a))]")
      .real(
          "ai.output_demand_elasticity",
          [](auto& x) -> auto& { return x.ai.output_demand_elasticity; }, 1.0, "elasticity", 0, 5,
          "epsilon: price elasticity of demand for the output of AI-augmented work; a "
          "productivity gain pi lowers its price by 1/pi, so demand for the workers scales by "
          "pi^(epsilon - 1) and the firm's revenue from it the same (0: output fixed, the gain "
          "all displaces; 1: neutral; above 1: augmentation raises employment)")
      .real(
          "ai.adoption_sd", [](auto& x) -> auto& { return x.ai.adoption_sd; }, 1.0, "log", 0.01, 10,
          "sd of the cost-benefit comparison across tasks")
      .real(
          "ai.market_share_of_revenue_start",
          [](auto& x) -> auto& { return x.ai.market_share_of_revenue_start; }, 0.05, "share", 0, 10,
          "AI service demand at the start, relative to AI sellers' core revenue",
          "Microsoft AI run-rate $13 B against ~$280 B revenue, 2025")
      .real(
          "ai.growth_start_per_year", [](auto& x) -> auto& { return x.ai.growth_start_per_year; },
          1.75, "1/year", -0.9, 20, "g0: growth of AI service demand at the start",
          "Microsoft AI revenue +175% a year, 2025")
      .real(
          "ai.expected_growth_start_per_year",
          [](auto& x) -> auto& { return x.ai.expected_growth_start_per_year; }, 0.3, "1/year", -0.9,
          20,
          "growth of AI demand firms expected at the start; realised growth above it "
          "raises expectations (and orders) through 2024-25",
          "capex guidance was raised repeatedly in 2024-25 as AI demand surprised")
      .real(
          "ai.growth_long_run_per_year",
          [](auto& x) -> auto& { return x.ai.growth_long_run_per_year; }, 0.20, "1/year", -0.9, 5,
          "g_inf: long-run growth of AI service demand", "AWS +20% a year, Q3 2025")
      .integer(
          "ai.growth_halflife_months", [](auto& x) -> auto& { return x.ai.growth_halflife_months; },
          18, "months", 1, 600, "half-life of the decay of growth from g0 to g_inf")
      .integer(
          "ai.bust_month", [](auto& x) -> auto& { return x.ai.bust_month; }, 0, "month", 0, 1200,
          "month of an AI-demand bust (0 = none)")
      .real(
          "ai.bust_depth", [](auto& x) -> auto& { return x.ai.bust_depth; }, 0.4, "share", 0, 1,
          "fall of AI service demand at the bust")
      .real(
          "ai.post_bust_growth_per_year",
          [](auto& x) -> auto& { return x.ai.post_bust_growth_per_year; }, 0.0, "1/year", -0.9, 5,
          "growth of AI service demand after a bust")
      .real(
          "ai.revenue_per_gpu_month", [](auto& x) -> auto& { return x.ai.revenue_per_gpu_month; },
          1500.0, "USD/GPU-eq-month", 1, 1e7, "AI revenue one fully used GPU-equivalent earns")
      .real(
          "ai.share_elasticity", [](auto& x) -> auto& { return x.ai.share_elasticity; }, 0.5, "", 0,
          5, "phi: AI demand is shared among sellers in proportion to K^phi")
      .real(
          "ai.opex_share_of_price", [](auto& x) -> auto& { return x.ai.opex_share_of_price; }, 0.3,
          "share", 0, 10,
          "power and operations of installed capacity, as a share of its price; "
          "paid whether used or idle")
      .real(
          "reliability.base_hazard", [](auto& x) -> auto& { return x.reliability.base_hazard; },
          0.05, "1/month", 0, 1, "h0: monthly incident probability at load ratio 1")
      .real(
          "reliability.load_elasticity",
          [](auto& x) -> auto& { return x.reliability.load_elasticity; }, 3.0, "", 0, 20,
          "eta: incident hazard h0 rho^eta rises steeply with the load ratio")
      .real(
          "reliability.incident_cost_share",
          [](auto& x) -> auto& { return x.reliability.incident_cost_share; }, 0.1, "share", 0, 1,
          "share of the month's AI revenue an incident costs")
      .integer(
          "reliability.knowledge_tenure_cap_months",
          [](auto& x) -> auto& { return x.reliability.knowledge_tenure_cap_months; }, 36, "months",
          1, 600, "tenure at which a knowledge-role worker counts fully toward Q_f")
      .real(
          "reliability.initial_load", [](auto& x) -> auto& { return x.reliability.initial_load; },
          0.7, "ratio", 0.01, 10, "load ratio rho at the start (sets how much compute Q_f can run)")
      .real(
          "reliability.operability_growth_per_year",
          [](auto& x) -> auto& { return x.reliability.operability_growth_per_year; }, 0.5, "1/year",
          0, 10,
          "growth of the compute one unit of institutional knowledge can "
          "operate (tooling, automation of operations)")
      .real(
          "labour.vacancy_rate", [](auto& x) -> auto& { return x.labour.vacancy_rate; }, 0.03,
          "openings per filled job", 0, 1,
          "openings per filled job at the start: target headcount = (1 + rate) x initial "
          "headcount, and each cell starts with rate x headcount openings (randomly rounded); "
          "spontaneous openings come on top",
          "BLS JOLTS 2025: job openings rate 3.9-4.6%, of which the spontaneous openings hold "
          "about 1.5 points")
      .real(
          "labour.quit_rate", [](auto& x) -> auto& { return x.labour.quit_rate; }, 0.002, "1/month",
          0, 1,
          "quits into unemployment (job-to-job moves come from on-the-job search, quits out of "
          "the labour force from labour.quit_to_olf_rate)",
          "BLS CPS: job leavers ~11% of the unemployed, ~0.3 M new a month")
      .real(
          "labour.quit_to_olf_rate", [](auto& x) -> auto& { return x.labour.quit_to_olf_rate; },
          0.004, "1/month", 0, 1,
          "quits out of the labour force (care, study, health): employed to out of the labour "
          "force",
          "JOLTS 2025 quits ~2.0% a month, of which about 1.3% job-to-job and 0.2% into "
          "unemployment (CPS job leavers)")
      .real(
          "labour.idiosyncratic_layoff_rate",
          [](auto& x) -> auto& { return x.labour.idiosyncratic_layoff_rate; }, 0.003, "1/month", 0,
          1, "match destruction independent of the firm's demand gap",
          "BLS JOLTS 2025: layoffs and discharges ~1.1% a month in total")
      .real(
          "labour.spontaneous_openings_rate",
          [](auto& x) -> auto& { return x.labour.spontaneous_openings_rate; }, 0.006,
          "openings per employed worker per month", 0, 1,
          "delta_v: openings opened each month whatever the gap (replacement and churn), per "
          "worker of the cell",
          "JOLTS 2025 openings rate 3.9-4.6% with the gap-closing openings (del Rio-Chanona et "
          "al. 2021 use 0.012 in a model without them)")
      .real(
          "labour.opening_expiry_rate",
          [](auto& x) -> auto& { return x.labour.opening_expiry_rate; }, 0.2, "1/month", 0, 1,
          "epsilon: share of open openings withdrawn unfilled each month",
          "JOLTS: openings about 1.3 months of hires; a fifth of postings close unfilled")
      .real(
          "labour.max_growth_per_month",
          [](auto& x) -> auto& { return x.labour.max_growth_per_month; }, 0.1, "1/month", 0, 10,
          "a cell's requirement beyond its core workload (AI roles for the compute in use) is at "
          "most this share above its headcount, and its extra wages at most a year of the "
          "firm's cash: labour demand stays bounded whatever the AI environment")
      .real(
          "labour.turnover_wage_elasticity",
          [](auto& x) -> auto& { return x.labour.turnover_wage_elasticity; }, 0.9, "", 0, 5,
          "eta_w: idiosyncratic layoffs, quits and spontaneous openings of occupation o scale "
          "by tau_o = (w_o / w-bar)^-eta_w, normalised to mean 1 over employment (high-wage jobs "
          "turn over less); the unemployed at the start are drawn in proportion to employment x "
          "tau_o",
          "BLS CPS table A-30, Nov 2024: unemployment 2.0% in management and 2.7% in business "
          "and financial occupations against 4.2% overall (fitted to these two; computer "
          "occupations, 2.5%, are left out of the fit)")
      .boolean(
          "labour.layoffs_count_openings",
          [](auto& x) -> auto& { return x.labour.layoffs_count_openings; }, false,
          "demand-gap layoffs close the excess of staff plus open openings over the target "
          "(del Rio-Chanona et al. 2021) rather than of staff alone")
      .integer(
          "labour.long_term_months", [](auto& x) -> auto& { return x.labour.long_term_months; }, 6,
          "months", 1, 120, "spell length from which unemployment counts as long-term",
          "BLS: 27 weeks or more")
      .real(
          "labour.internal_mobility_min_similarity",
          [](auto& x) -> auto& { return x.labour.internal_mobility_min_similarity; }, 0.01, "", 0,
          1, "least occupational similarity sim(o, o') for an internal move")
      .integer(
          "search.applications", [](auto& x) -> auto& { return x.search.applications; }, 5,
          "applications/month", 0, 100,
          "a: applications an unemployed worker sends a month "
          "at the start of a spell")
      .real(
          "workers.literacy_learning_rate",
          [](auto& x) -> auto& { return x.workers.literacy_learning_rate; }, 0.05, "1/month", 0, 1,
          "beta: on-the-job AI literacy growth, l += beta theta (1 - l)")
      .real(
          "workers.layoff_literacy_weight",
          [](auto& x) -> auto& { return x.workers.layoff_literacy_weight; }, 1.0, "", 0, 10,
          "how much more often low-literacy workers are chosen for layoffs")
      .real(
          "workers.warn_threshold_persons",
          [](auto& x) -> auto& { return x.workers.warn_threshold_persons; }, 50.0, "persons", 1,
          1e9, "persons laid off at one site within a month (30 days) that require a WARN notice",
          "federal WARN Act, 29 U.S.C. 2101: 50 or more at a single site of employment")
      .real(
          "workers.warn_min_employer_persons",
          [](auto& x) -> auto& { return x.workers.warn_min_employer_persons; }, 100.0, "persons", 0,
          1e9, "employers with fewer employees file no WARN notice",
          "federal WARN Act: employers of 100 or more")
      .boolean(
          "workers.warn_one_third_rule",
          [](auto& x) -> auto& { return x.workers.warn_one_third_rule; }, false,
          "apply the federal mass-layoff test: below 500 at a site, a notice only when the loss "
          "is a third or more of the site's staff (false: 50 at a site suffice, as in "
          "California's and New York's laws and the national counts of state filings)")
      .real(
          "workers.ai_wage_premium", [](auto& x) -> auto& { return x.workers.ai_wage_premium; },
          0.25, "share", 0, 2,
          "wage premium offered at full AI literacy in a fully complemented "
          "occupation (scaled by literacy x c_o / max c)",
          "PwC 2025 AI Jobs Barometer: 56% in postings requiring AI skills; smaller in realised "
          "pay")
      .real(
          "workers.initial_out_of_labour_force_rate",
          [](auto& x) -> auto& { return x.workers.initial_out_of_labour_force_rate; }, 0.05,
          "share of the labour force", 0, 1,
          "marginally attached people out of the labour force at the start, who may re-enter")
      .integer(
          "workers.discouraged_after_months",
          [](auto& x) -> auto& { return x.workers.discouraged_after_months; }, 6, "months", 1, 600,
          "spell after which discouraged exit starts")
      .real(
          "workers.discouraged_exit_rate",
          [](auto& x) -> auto& { return x.workers.discouraged_exit_rate; }, 0.08, "1/month", 0, 1,
          "monthly exit hazard of the long unemployed",
          "CPS 2025: long-term share of the unemployed 24-26%; CPS gross flows: U to N about "
          "a fifth of the unemployed a month")
      .real(
          "workers.reentry_rate", [](auto& x) -> auto& { return x.workers.reentry_rate; }, 0.1,
          "1/month", 0, 1,
          "monthly re-entry hazard out of the labour force at start-of-run tightness")
      .real(
          "workers.reentry_tightness_elasticity",
          [](auto& x) -> auto& { return x.workers.reentry_tightness_elasticity; }, 1.0, "", 0, 10,
          "re-entry hazard x (V/U relative to month 1)^elasticity")
      .integer(
          "workers.retirement_age", [](auto& x) -> auto& { return x.workers.retirement_age; }, 60,
          "years", 30, 100, "age from which retirement hazard applies")
      .real(
          "workers.retirement_hazard", [](auto& x) -> auto& { return x.workers.retirement_hazard; },
          0.008, "1/month", 0, 1, "monthly retirement hazard at retirement_age")
      .real(
          "workers.retirement_hazard_growth",
          [](auto& x) -> auto& { return x.workers.retirement_hazard_growth; }, 0.35, "1/year", 0, 5,
          "hazard x exp(growth x (age - retirement_age))")
      .real(
          "workers.entrant_rate_per_year",
          [](auto& x) -> auto& { return x.workers.entrant_rate_per_year; }, 0.023,
          "share of the labour force per year", 0, 0.5,
          "graduates and other entrants; the default about replaces the retirements of the "
          "default age schedule (a working life of about 43 years from entrant_age), so the "
          "labour force is stationary",
          "about 3.5 M a year enter the US labour force (2.1% of it)")
      .integer(
          "workers.entrant_age", [](auto& x) -> auto& { return x.workers.entrant_age; }, 22,
          "years", 14, 60, "age of entrants")
      .real(
          "workers.entrant_literacy", [](auto& x) -> auto& { return x.workers.entrant_literacy; },
          0.2, "share", 0, 1, "AI literacy of entrants")
      .integer(
          "workers.entrant_mix_lag_months",
          [](auto& x) -> auto& { return x.workers.entrant_mix_lag_months; }, 24, "months", 0, 240,
          "education pipeline: entrants follow employment growth this many months ago")
      .real(
          "workers.entrant_growth_tilt",
          [](auto& x) -> auto& { return x.workers.entrant_growth_tilt; }, 3.0, "", 0, 100,
          "entrant mix ~ employment share x max(0.1, 1 + tilt x yearly employment growth), lagged")
      .integer(
          "reskilling.min_spell_months",
          [](auto& x) -> auto& { return x.reskilling.min_spell_months; }, 3, "months", 0, 600,
          "unemployment spell before reskilling is considered")
      .real(
          "reskilling.base_hazard", [](auto& x) -> auto& { return x.reskilling.base_hazard; }, 0.01,
          "1/month", 0, 1, "monthly reskilling hazard at zero expected gain (age 30)")
      .real(
          "reskilling.gain_elasticity",
          [](auto& x) -> auto& { return x.reskilling.gain_elasticity; }, 2.0, "", 0, 100,
          "hazard x exp(elasticity x expected gain / own wage)")
      .real(
          "reskilling.age_decline_per_year",
          [](auto& x) -> auto& { return x.reskilling.age_decline_per_year; }, 0.04, "1/year", 0, 1,
          "hazard x exp(-decline x max(0, age - 30))")
      .real(
          "reskilling.min_similarity", [](auto& x) -> auto& { return x.reskilling.min_similarity; },
          0.002, "", 0, 1, "feasible routes: sim(o, o') = A(o, o') / A(o, o) at least this",
          "routes that CPS-ASEC shows at 0.2% or more of the stay rate (software_dev -> it_infra "
          "is 0.003)")
      .integer(
          "reskilling.duration_base_months",
          [](auto& x) -> auto& { return x.reskilling.duration_base_months; }, 4, "months", 1, 120,
          "d0: programme length for the closest route", "Per Scholas: 15 weeks")
      .integer(
          "reskilling.duration_distance_months",
          [](auto& x) -> auto& { return x.reskilling.duration_distance_months; }, 12, "months", 0,
          240, "d1: extra months for a distant route, d = d0 + d1 (1 - sim)")
      .real(
          "reskilling.dropout_rate", [](auto& x) -> auto& { return x.reskilling.dropout_rate; },
          0.015, "1/month", 0, 1, "monthly dropout hazard", "TAA: 86% of leavers completed")
      .real(
          "reskilling.literacy_gain", [](auto& x) -> auto& { return x.reskilling.literacy_gain; },
          0.3, "share", 0, 1, "completion raises literacy by gain x (1 - l)")
      .real(
          "reskilling.cost_usd", [](auto& x) -> auto& { return x.reskilling.cost_usd; }, 5900.0,
          "USD", 0, 1e6, "programme cost", "TAA median training cost $5,923")
      .real(
          "founders.base_hazard", [](auto& x) -> auto& { return x.founders.base_hazard; }, 0.002,
          "1/month", 0, 1,
          "monthly hazard that an unemployed worker starts a business or contracts")
      .real(
          "founders.literacy_elasticity",
          [](auto& x) -> auto& { return x.founders.literacy_elasticity; }, 3.0, "", 0, 100,
          "hazard x (1 + elasticity x literacy)")
      .real(
          "founders.failure_rate", [](auto& x) -> auto& { return x.founders.failure_rate; }, 0.03,
          "1/month", 0, 1, "monthly hazard that a founder gives up and returns to unemployment")
      .real(
          "founders.firm_creation_rate",
          [](auto& x) -> auto& { return x.founders.firm_creation_rate; }, 0.02, "1/month", 0, 1,
          "monthly hazard that an established founder creates a firm that hires")
      .integer(
          "founders.months_to_firm", [](auto& x) -> auto& { return x.founders.months_to_firm; }, 6,
          "months", 0, 600, "months as a founder before a firm can be created")
      .integer(
          "founders.firm_size", [](auto& x) -> auto& { return x.founders.firm_size; }, 3, "agents",
          1, 1000, "target headcount of a new firm, the founder included")
      .real(
          "founders.firm_exit_rate_per_year",
          [](auto& x) -> auto& { return x.founders.firm_exit_rate_per_year; }, 0.2, "1/year", 0, 1,
          "idiosyncratic exit rate of founders' firms, whatever their cash; a closed founders' "
          "firm is not replaced (founders create new ones)",
          "Census BDS: about a fifth of new employer firms exit within their first year")
      .text(
          "founders.firm_class", [](auto& x) -> auto& { return x.founders.firm_class; },
          "ai_native", "", "firm class of founders' firms (\"\" = founders create no firms)")
      .real(
          "policy.ui_replacement_rate",
          [](auto& x) -> auto& { return x.policy.ui_replacement_rate; }, 0.45, "share", 0, 1,
          "unemployment insurance: benefit / last wage", "typical US state: 40-50%")
      .integer(
          "policy.ui_months", [](auto& x) -> auto& { return x.policy.ui_months; }, 6, "months", 0,
          120, "unemployment insurance duration", "typical US state: 26 weeks")
      .real(
          "policy.ui_search_effect", [](auto& x) -> auto& { return x.policy.ui_search_effect; },
          0.5, "", 0, 2,
          "search intensity of the unemployed within ui_months x (1 - effect x replacement rate): "
          "the response of the whole group, recipients or not")
      .real(
          "policy.ui_recipiency", [](auto& x) -> auto& { return x.policy.ui_recipiency; }, 0.27,
          "share", 0, 1,
          "share of the unemployed within ui_months who draw benefits (eligible and claiming): "
          "what the fiscal ledger pays",
          "US DOL: continued claims / unemployed, about 0.25-0.30 in 2024-25")
      .real(
          "policy.ui_max_benefit_usd", [](auto& x) -> auto& { return x.policy.ui_max_benefit_usd; },
          2600.0, "USD/month", 0, 1e6,
          "cap on the monthly benefit: benefit = min(replacement rate x wage, cap)",
          "state maximum weekly benefits, about $600 a week in the median state (2025)")
      .real(
          "policy.reskilling_subsidy", [](auto& x) -> auto& { return x.policy.reskilling_subsidy; },
          0.0, "share", 0, 1, "share of the programme cost paid by the state")
      .real(
          "policy.reskilling_uptake_boost",
          [](auto& x) -> auto& { return x.policy.reskilling_uptake_boost; }, 0.0, "share", 0, 100,
          "relative rise of the reskilling hazard under the subsidy programme (hazard x (1 + "
          "boost + 2 x subsidy))")
      .real(
          "policy.reskilling_duration_cut",
          [](auto& x) -> auto& { return x.policy.reskilling_duration_cut; }, 0.0, "share", 0, 0.9,
          "relative shortening of funded programmes")
      .real(
          "policy.founder_support", [](auto& x) -> auto& { return x.policy.founder_support; }, 0.0,
          "share", 0, 100, "relative rise of the founding hazard (grants, advice)")
      .real(
          "policy.founder_grant_months",
          [](auto& x) -> auto& { return x.policy.founder_grant_months; }, 0.0, "months of revenue",
          0, 120, "grant added to the starting cash of founders' firms")
      .boolean(
          "policy.retraining_mandate", [](auto& x) -> auto& { return x.policy.retraining_mandate; },
          false,
          "firms pay retraining_mandate_cost_usd per AI-attributed layoff and the worker is "
          "enrolled in "
          "a funded programme at once")
      .real(
          "policy.retraining_mandate_cost_usd",
          [](auto& x) -> auto& { return x.policy.retraining_mandate_cost_usd; }, 15000.0, "USD", 0,
          1e7, "what the firm pays per AI-attributed layoff under the mandate",
          "about 2.5 x the TAA median programme cost ($5,923), covering allowances")
      .boolean(
          "policy.disclosure_rule", [](auto& x) -> auto& { return x.policy.disclosure_rule; },
          false,
          "AI-attributed layoffs are disclosed; each costs disclosure_cost_months of wage in "
          "reputation")
      .real(
          "policy.disclosure_cost_months",
          [](auto& x) -> auto& { return x.policy.disclosure_cost_months; }, 6.0, "months of wage",
          0, 120, "reputational cost of a disclosed AI-attributed layoff")
      .real(
          "policy.severance_months", [](auto& x) -> auto& { return x.policy.severance_months; },
          0.0, "months of wage", 0, 60, "severance pay per layoff (firm exits excepted)")
      .real(
          "policy.compute_tax", [](auto& x) -> auto& { return x.policy.compute_tax; }, 0.0, "share",
          0, 5,
          "tax on compute purchases: raises the price firms weigh against wages and the cost of "
          "capex")
      .real(
          "policy.hiring_subsidy", [](auto& x) -> auto& { return x.policy.hiring_subsidy; }, 0.0,
          "score", 0, 10,
          "hiring subsidy for workers laid off for AI reasons, as a bonus in the employer's "
          "ranking "
          "(1 = one sd of match quality)")
      .real(
          "policy.hiring_subsidy_usd", [](auto& x) -> auto& { return x.policy.hiring_subsidy_usd; },
          2400.0, "USD", 0, 1e6,
          "what the state pays the employer per subsidised hire (while policy.hiring_subsidy > 0)",
          "Work Opportunity Tax Credit: up to $2,400 per hire for most target groups")
      .real(
          "policy.internal_mobility_boost",
          [](auto& x) -> auto& { return x.policy.internal_mobility_boost; }, 0.0, "share", 0, 100,
          "internal mobility windows: firms' internal_mobility_rate x (1 + boost), at most 1");
  for (const PolicyLever& lever : policy_levers()) {
    std::string keys;
    for (const char* k : lever.keys) keys += (keys.empty() ? "" : ", ") + std::string(k);
    const auto w = lever.window;
    (*s).text(
            std::string("policy.") + lever.name + "_start",
            [w](auto& x) -> auto& { return (x.policy.*w).start; }, "", "YYYY-MM",
            "first month the " + std::string(lever.name) + " lever (" + keys +
                ") is in force; before it they hold their defaults (\"\" = from the run's start)",
            check_window_text)
        .text(
            std::string("policy.") + lever.name + "_end",
            [w](auto& x) -> auto& { return (x.policy.*w).end; }, "", "YYYY-MM",
            "last month the " + std::string(lever.name) + " lever (" + keys +
                ") is in force; after it they return to their defaults (\"\" = to the run's end)",
            check_window_text);
  }
  (*s).real(
          "search.discouragement", [](auto& x) -> auto& { return x.search.discouragement; }, 0.3,
          "1/month", 0, 1, "search intensity falls by this share per month of spell")
      .real(
          "search.min_search_share", [](auto& x) -> auto& { return x.search.min_search_share; },
          0.02, "share", 0, 1, "floor of search intensity relative to a")
      .integer(
          "search.rounds", [](auto& x) -> auto& { return x.search.rounds; }, 5, "rounds/month", 1,
          50, "offer rounds per month")
      .real(
          "search.similarity_weight", [](auto& x) -> auto& { return x.search.similarity_weight; },
          1.0, "score", 0, 100,
          "weight of occupational similarity in an employer's ranking of applicants")
      .real(
          "search.noise_sd", [](auto& x) -> auto& { return x.search.noise_sd; }, 1.0, "score", 0,
          100, "sd of the idiosyncratic match-quality term in the ranking")
      .real(
          "search.hiring_standard", [](auto& x) -> auto& { return x.search.hiring_standard; }, 0.8,
          "score", -100, 100,
          "lowest score an employer hires (same-occupation acceptance = Phi((w - h) / sd))")
      .real(
          "search.literacy_weight", [](auto& x) -> auto& { return x.search.literacy_weight; }, 1.0,
          "score", 0, 100,
          "weight of AI literacy x complementarity c_o' in the ranking: fluent "
          "workers are hired more easily into AI-complemented jobs")
      .real(
          "search.on_the_job_share", [](auto& x) -> auto& { return x.search.on_the_job_share; },
          0.05, "1/month", 0, 1, "share of the employed who search in a month (on-the-job search)",
          "JOLTS 2025: quits ~2% of employment a month, most of them job-to-job")
      .real(
          "search.on_the_job_intensity",
          [](auto& x) -> auto& { return x.search.on_the_job_intensity; }, 0.34, "share", 0, 1,
          "search intensity of an employed searcher relative to an unemployed one (about one "
          "application a month)",
          "Faberman et al. (2022): employed job seekers send fewer applications")
      .real(
          "search.job_to_job_premium", [](auto& x) -> auto& { return x.search.job_to_job_premium; },
          0.0, "share", 0, 5,
          "an employed searcher accepts only offers at least this much above "
          "current pay (0: lateral moves for non-wage reasons happen too)")
      .real(
          "wages.tightness_elasticity",
          [](auto& x) -> auto& { return x.wages.tightness_elasticity; }, 0.05, "", 0, 2,
          "eta: elasticity of an occupation's wage level to its (smoothed) tightness V/U, "
          "relative to month 1",
          "wage curve: Blanchflower and Oswald (1994), wage elasticity to unemployment ~ -0.1")
      .integer(
          "wages.reference_halflife_months",
          [](auto& x) -> auto& { return x.wages.reference_halflife_months; }, 6, "months", 1, 1200,
          "half-life of the exponential smoothing of tightness that wages follow")
      .collection<FirmClassParams>(
          "firms", [](auto& x) -> auto& { return x.firms; }, firm, classes,
          "firm classes, one table [firms.<name>] each");
  return s;
}

}  // namespace

const Schema<Scenario>& scenario_schema() {
  static const std::unique_ptr<Schema<Scenario>> schema = build_schema();
  return *schema;
}

namespace {

/// A lever's window must lie in the run: its start within the run's months, its end not before
/// its start. `settings` (when known) name the file and line of the offending key.
void validate_policy_windows(const Scenario& s, const std::string& where,
                             const std::vector<sim::Setting>* settings) {
  auto origin = [&](const std::string& key) {
    if (settings != nullptr) {
      for (auto it = settings->rbegin(); it != settings->rend(); ++it)
        if (it->key == key) return it->origin.text();
    }
    return where;
  };
  const std::string last = sim::month_label(s.run.start, s.run.months - 1);
  std::vector<std::string> problems;  // every window's problem at once, one line each
  for (const PolicyLever& lever : policy_levers()) {
    const PolicyParams::Window& w = s.policy.*lever.window;
    const std::string key = std::string("policy.") + lever.name;
    if (!w.start.empty()) {
      const int first = month_index(s, w.start);
      if (first < 1 || first > s.run.months) {
        problems.push_back(origin(key + "_start") + ": " + key + "_start = \"" + w.start +
                           "\" is outside the run: expected a month from " + s.run.start + " to " +
                           last + " (or \"\" for the run's start)");
      }
    }
    if (!w.end.empty() && !w.start.empty() && month_index(s, w.end) < month_index(s, w.start)) {
      problems.push_back(origin(key + "_end") + ": " + key + "_end = \"" + w.end + "\" is before " +
                         key + "_start = \"" + w.start +
                         "\": expected the same month or later (or \"\" for the run's end)");
    }
    if (!w.end.empty() && w.start.empty() && month_index(s, w.end) < 1) {
      problems.push_back(origin(key + "_end") + ": " + key + "_end = \"" + w.end +
                         "\" is before the run's start " + s.run.start +
                         ": expected a month from " + s.run.start +
                         " on (or \"\" for the run's end)");
    }
  }
  if (!problems.empty()) {
    std::string all = problems.front();
    for (std::size_t i = 1; i < problems.size(); ++i) all += "\n" + problems[i];
    throw InputError(all);
  }
}

}  // namespace

void validate(const Scenario& s) { validate(s, nullptr); }

void validate(const Scenario& s, const std::vector<sim::Setting>* settings) {
  const std::string where = s.source_file.empty() ? std::string("scenario") : s.source_file;
  validate_policy_windows(s, where, settings);
  double total = 0;
  for (const auto& c : s.firms) total += c.value.employment_share;
  if (std::fabs(total - 1.0) > 1e-3) {
    std::string list;
    for (const auto& c : s.firms) {
      list += " " + c.name + "=" + sim::format_number(c.value.employment_share);
    }
    throw InputError(where +
                     ": firms.<class>.employment_share must sum to 1 (+-0.001); they sum "
                     "to " +
                     sim::format_number(total) + ":" + list);
  }
  for (const auto& c : s.firms) {
    if (c.value.size_distribution == "susb" && c.value.count > 0) {
      throw InputError(where + ": firms." + c.name + ".count = " + std::to_string(c.value.count) +
                       " with size_distribution = \"susb\": the US size bands set the number of "
                       "firms; allowed: count = 0, or size_distribution = \"pareto\", "
                       "\"lognormal\" or \"equal\" for a set count");
    }
    if (c.value.employment_share > 0 && c.value.count == 0 && c.value.mean_size <= 0) {
      throw InputError(where + ": firms." + c.name + " needs count > 0 or mean_size > 0");
    }
  }
  if (s.firms.size() > 255) throw InputError(where + ": at most 255 firm classes");
  if (!s.founders.firm_class.empty()) {
    std::string names;
    bool found = false;
    for (const auto& c : s.firms) {
      names += (names.empty() ? "" : ", ") + c.name;
      found = found || c.name == s.founders.firm_class;
    }
    if (!found) {
      throw InputError(where + ": founders.firm_class = \"" + s.founders.firm_class +
                       "\" is not a firm class; allowed: " + names + " (or \"\" for none)");
    }
  }
}

Scenario scenario_from_settings(const std::vector<sim::Setting>& settings) {
  Scenario s = scenario_schema().make_default();
  scenario_schema().apply(s, settings);
  validate(s, &settings);
  return s;
}

namespace {

/// Settings of a scenario file with its `extends` chain resolved: the parent's settings first
/// (recursively), then the file's own. Relative data paths are made absolute against the folder
/// of the file that names them, so a child in another folder still finds its parent's data.
std::vector<sim::Setting> resolve_settings(const std::string& path,
                                           std::vector<std::string>& chain) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const std::string canonical = fs::weakly_canonical(fs::path(path), ec).string();
  if (std::find(chain.begin(), chain.end(), canonical) != chain.end()) {
    std::string cycle;
    for (const auto& c : chain) cycle += c + " -> ";
    throw InputError(path + ": `extends` makes a cycle: " + cycle + canonical);
  }
  // A deep chain is a mistake (a generated loop of files), and each level is a stack frame.
  constexpr std::size_t kMaxExtendsDepth = 64;
  if (chain.size() >= kMaxExtendsDepth) {
    throw InputError(path + ": `extends` chains more than " + std::to_string(kMaxExtendsDepth) +
                     " files (from " + chain.front() + "); at most " +
                     std::to_string(kMaxExtendsDepth) + " are allowed");
  }
  chain.push_back(canonical);
  std::vector<sim::Setting> own = sim::read_toml_settings(path);
  std::vector<sim::Setting> out;
  const fs::path folder = fs::path(path).parent_path();
  for (const auto& st : own) {
    if (st.key != "extends") continue;
    const auto* parent = std::get_if<std::string>(&st.value);
    if (parent == nullptr) {
      throw InputError(st.origin.text() + ": extends = " + sim::toml_literal(st.value) +
                       " must be a quoted file name, e.g. extends = \"baseline_2025.toml\"");
    }
    fs::path parent_path(*parent);
    if (parent_path.is_relative()) parent_path = folder / parent_path;
    if (!fs::is_regular_file(parent_path, ec)) {
      throw InputError(st.origin.text() + ": extends = " + sim::toml_literal(st.value) +
                       ": no such scenario file (" + parent_path.lexically_normal().string() + ")");
    }
    out = resolve_settings(parent_path.lexically_normal().string(), chain);
  }
  for (auto st : own) {
    if (st.key == "extends") continue;
    if (st.key.rfind("data.", 0) == 0) {
      if (const auto* text = std::get_if<std::string>(&st.value);
          text != nullptr && !text->empty() && fs::path(*text).is_relative()) {
        // Absolute: a relative path would be resolved against the scenario's folder a second
        // time when the data are loaded (resolve_data_path).
        st.value = sim::Value{fs::absolute(folder / *text).lexically_normal().string()};
      }
    }
    out.push_back(std::move(st));
  }
  chain.pop_back();
  return out;
}

}  // namespace

Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides) {
  return load_scenario(path, overrides, {});
}

Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides,
                       const std::vector<sim::Setting>& options) {
  std::vector<std::string> chain;
  std::vector<sim::Setting> settings = resolve_settings(path, chain);
  for (const auto& o : overrides) settings.push_back(sim::parse_override(o));
  settings.insert(settings.end(), options.begin(), options.end());
  Scenario s = scenario_schema().make_default();
  s.source_file = path;
  // Every key's problem at once, one per line, in the order of the files and the command line.
  const std::vector<std::string> errors = scenario_schema().apply_all(s, settings);
  if (!errors.empty()) {
    std::string all = errors.front();
    for (std::size_t i = 1; i < errors.size(); ++i) all.append("\n").append(errors[i]);
    throw InputError(all);
  }
  if (s.run.name.empty()) {
    // The file's stem, with anything but a plain name's characters replaced by '_'.
    s.run.name = std::filesystem::path(path).stem().string();
    std::replace_if(
        s.run.name.begin(), s.run.name.end(), [](char c) { return !name_char(c); }, '_');
    if (!s.run.name.empty() && s.run.name.front() == '.') s.run.name.front() = '_';
  }
  validate(s, &settings);
  return s;
}

std::string to_toml(const Scenario& s) {
  return "# resolved scenario: every parameter, defaults included\n" + scenario_schema().to_toml(s);
}

std::string data_dir() {
  // $LABOURSHIFT_DATA, then share/labourshift/data beside an installed binary, then the source
  // tree.
  return sim::find_resource("LABOURSHIFT_DATA", "../share/labourshift/data", LABOURSHIFT_DATA_DIR,
                            "occupations.csv");
}

std::string resolve_data_path(const Scenario& s, const std::string& path, const char* fallback) {
  namespace fs = std::filesystem;
  if (path.empty()) return (fs::path(data_dir()) / fallback).string();
  fs::path p(path);
  if (p.is_relative() && !s.source_file.empty()) {
    p = fs::path(s.source_file).parent_path() / p;
  }
  return p.lexically_normal().string();
}

std::pair<int, int> start_year_month(const Scenario& s) {
  return {std::stoi(s.run.start.substr(0, 4)), std::stoi(s.run.start.substr(5, 2))};
}

int month_index(const Scenario& s, const std::string& yyyy_mm) {
  const auto [y0, m0] = start_year_month(s);
  const int y = std::stoi(yyyy_mm.substr(0, 4));
  const int m = std::stoi(yyyy_mm.substr(5, 2));
  return (y - y0) * 12 + (m - m0) + 1;
}

const std::vector<PolicyLever>& policy_levers() {
  using P = PolicyParams;
  static const std::vector<PolicyLever> levers = {
      {"ui",
       &P::ui_window,
       {"ui_replacement_rate", "ui_months", "ui_max_benefit_usd"},
       [](P& p, const P& q) {
         p.ui_replacement_rate = q.ui_replacement_rate;
         p.ui_months = q.ui_months;
         p.ui_max_benefit_usd = q.ui_max_benefit_usd;
       }},
      {"reskilling_subsidy",
       &P::reskilling_subsidy_window,
       {"reskilling_subsidy", "reskilling_uptake_boost", "reskilling_duration_cut"},
       [](P& p, const P& q) {
         p.reskilling_subsidy = q.reskilling_subsidy;
         p.reskilling_uptake_boost = q.reskilling_uptake_boost;
         p.reskilling_duration_cut = q.reskilling_duration_cut;
       }},
      {"founder_support",
       &P::founder_support_window,
       {"founder_support", "founder_grant_months"},
       [](P& p, const P& q) {
         p.founder_support = q.founder_support;
         p.founder_grant_months = q.founder_grant_months;
       }},
      {"retraining_mandate",
       &P::retraining_mandate_window,
       {"retraining_mandate", "retraining_mandate_cost_usd"},
       [](P& p, const P& q) {
         p.retraining_mandate = q.retraining_mandate;
         p.retraining_mandate_cost_usd = q.retraining_mandate_cost_usd;
       }},
      {"disclosure_rule",
       &P::disclosure_rule_window,
       {"disclosure_rule", "disclosure_cost_months"},
       [](P& p, const P& q) {
         p.disclosure_rule = q.disclosure_rule;
         p.disclosure_cost_months = q.disclosure_cost_months;
       }},
      {"severance",
       &P::severance_window,
       {"severance_months"},
       [](P& p, const P& q) { p.severance_months = q.severance_months; }},
      {"compute_tax",
       &P::compute_tax_window,
       {"compute_tax"},
       [](P& p, const P& q) { p.compute_tax = q.compute_tax; }},
      {"hiring_subsidy",
       &P::hiring_subsidy_window,
       {"hiring_subsidy", "hiring_subsidy_usd"},
       [](P& p, const P& q) {
         p.hiring_subsidy = q.hiring_subsidy;
         p.hiring_subsidy_usd = q.hiring_subsidy_usd;
       }},
      {"internal_mobility",
       &P::internal_mobility_window,
       {"internal_mobility_boost"},
       [](P& p, const P& q) { p.internal_mobility_boost = q.internal_mobility_boost; }},
  };
  return levers;
}

PolicyParams policy_in_force(const Scenario& s, int month) {
  // The status quo: every policy key at its declared default.
  static const PolicyParams status_quo = scenario_schema().make_default().policy;
  PolicyParams p = s.policy;
  for (const PolicyLever& lever : policy_levers()) {
    const PolicyParams::Window& w = s.policy.*lever.window;
    const bool before = !w.start.empty() && month < month_index(s, w.start);
    const bool after = !w.end.empty() && month > month_index(s, w.end);
    if (before || after) lever.restore(p, status_quo);
  }
  return p;
}

}  // namespace labourshift::models
