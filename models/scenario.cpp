#include "models/scenario.hpp"

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
  const int month = std::stoi(s.substr(5, 2));
  if (month < 1 || month > 12) return "the month must be 01 to 12";
  return "";
}

std::shared_ptr<const Schema<FirmClassParams>> firm_class_schema() {
  auto s = std::make_shared<Schema<FirmClassParams>>();
  (*s).real("employment_share", [](auto& c) -> auto& { return c.employment_share; }, 0.0, "share",
            0, 1, "share of initial employment held by firms of this class (classes sum to 1)")
      .integer("count", [](auto& c) -> auto& { return c.count; }, 0, "firms", 0, 100000000,
               "number of firms; 0 = derive from mean_size")
      .real("mean_size", [](auto& c) -> auto& { return c.mean_size; }, 50.0, "agents", 1, 1e9,
            "mean firm size when count = 0",
            "US Census SUSB 2021: ~21 employees per employer firm; larger here because "
            "non-employer units are absent")
      .choice("size_distribution", [](auto& c) -> auto& { return c.size_distribution; },
              "pareto", {"pareto", "lognormal", "equal"},
              "distribution of firm sizes within the class")
      .real("pareto_alpha", [](auto& c) -> auto& { return c.pareto_alpha; }, 1.1, "", 1.01, 10,
            "Pareto tail index of firm size (heavy tail as alpha -> 1)",
            "Axtell (2001), Science 293: US firm sizes Zipf with alpha ~ 1.06")
      .real("lognormal_sigma", [](auto& c) -> auto& { return c.lognormal_sigma; }, 1.0, "log",
            0.01, 5, "dispersion of log firm size when size_distribution = lognormal")
      .choice("occupation_mix", [](auto& c) -> auto& { return c.occupation_mix; }, "economy",
              {"economy", "tech"},
              "occupation mix: economy = national OEWS shares; tech = OEWS shares times each "
              "group's tech-relevant share")
      .real("ai_role_tilt", [](auto& c) -> auto& { return c.ai_role_tilt; }, 1.0, "multiplier", 0,
            50, "weight on ai_role occupations in the mix relative to the base mix")
      .real("layoff_speed", [](auto& c) -> auto& { return c.layoff_speed; }, 0.5, "1/month", 0, 1,
            "gamma_u: share of a headcount excess laid off per month")
      .real("hiring_speed", [](auto& c) -> auto& { return c.hiring_speed; }, 1.0, "1/month", 0, 1,
            "gamma_v: share of a headcount shortfall posted as vacancies per month")
      .real("wage_premium", [](auto& c) -> auto& { return c.wage_premium; }, 1.0, "multiplier",
            0.2, 5, "wage offered relative to the occupation wage index");
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
  // Default classes: shares of US employment (160 M) held by each class, 2025.
  // hyperscaler: Amazon corporate/AWS, Microsoft, Alphabet, Meta (~0.65 M tech and corporate
  // staff); big_tech ~1 M (Apple, Oracle, IBM, Salesforce, Nvidia, Intel, Cisco ...); mid_tech ~1.6 M;
  // ai_native ~0.08 M; enterprise: every other employer.
  std::vector<Named<FirmClassParams>> classes = {
      {"hyperscaler", make_class(*firm, 0.004, 4, 1, "tech", 3.0, 1.5, 1.3)},
      {"big_tech", make_class(*firm, 0.006, 20, 1, "tech", 1.5, 1.5, 1.2)},
      {"mid_tech", make_class(*firm, 0.010, 0, 200, "tech", 1.0, 1.3, 1.1)},
      {"ai_native", make_class(*firm, 0.0005, 0, 40, "tech", 4.0, 1.3, 1.2)},
      {"enterprise", make_class(*firm, 0.9795, 0, 50, "economy", 1.0, 1.1, 1.0)},
  };
  (*s).text("run.name", [](auto& x) -> auto& { return x.run.name; }, "", "",
            "scenario name (default: the file name without .toml)")
      .text("run.start", [](auto& x) -> auto& { return x.run.start; }, "2024-01", "YYYY-MM",
            "first simulated month", check_month_text)
      .integer("run.months", [](auto& x) -> auto& { return x.run.months; }, 84, "months", 1, 1200,
               "number of simulated months")
      .integer("run.seed", [](auto& x) -> auto& { return x.run.seed; }, 1, "", 0,
               std::numeric_limits<std::int64_t>::max(), "random seed (with the replication "
               "index, keys every random stream)")
      .integer("run.replications", [](auto& x) -> auto& { return x.run.replications; }, 1, "runs",
               1, 100000, "independent replications (ensemble members)")
      .integer("population.workers", [](auto& x) -> auto& { return x.population.workers; },
               100000, "agents", 10, 2000000000, "labour force in agents (one agent per person at "
               "full US scale, ~170 M)")
      .real("population.initial_unemployment_rate",
            [](auto& x) -> auto& { return x.population.initial_unemployment_rate; }, 0.040,
            "share", 0, 0.5, "unemployment rate at the start", "BLS CPS, January 2025: 4.0%")
      .real("population.initial_long_term_share",
            [](auto& x) -> auto& { return x.population.initial_long_term_share; }, 0.236, "share",
            0, 0.95, "share of the initial unemployed with spells of long_term_months or more",
            "BLS CPS 2025: 27 weeks or more ~23.6% of the unemployed")
      .text("data.occupations", [](auto& x) -> auto& { return x.data.occupations; }, "", "path",
            "occupation table CSV (\"\" = the project's data/occupations.csv)")
      .text("data.mobility", [](auto& x) -> auto& { return x.data.mobility; }, "", "path",
            "mobility matrix CSV (\"\" = the project's data/mobility.csv)")
      .choice("demand.path", [](auto& x) -> auto& { return x.demand.path; }, "steady",
              {"steady", "cycle", "shock"}, "aggregate labour demand path")
      .real("demand.growth_per_year", [](auto& x) -> auto& { return x.demand.growth_per_year; },
            0.0, "1/year", -0.5, 0.5, "trend growth of labour demand")
      .real("demand.vacancy_rate", [](auto& x) -> auto& { return x.demand.vacancy_rate; }, 0.046,
            "openings per filled job", 0, 1,
            "desired openings per filled job at the start (target headcount = (1 + rate) x "
            "initial headcount)", "BLS JOLTS 2025: job openings rate ~4.6%")
      .real("demand.cycle_amplitude", [](auto& x) -> auto& { return x.demand.cycle_amplitude; },
            0.03, "share", 0, 0.5, "amplitude of the demand cycle (path = cycle)")
      .integer("demand.cycle_period_months",
               [](auto& x) -> auto& { return x.demand.cycle_period_months; }, 72, "months", 6, 600,
               "period of the demand cycle (path = cycle)")
      .integer("demand.shock_month", [](auto& x) -> auto& { return x.demand.shock_month; }, 24,
               "month", 0, 1200, "month (from the start) when the shock hits (path = shock)")
      .real("demand.shock_depth", [](auto& x) -> auto& { return x.demand.shock_depth; }, 0.05,
            "share", 0, 0.9, "fall in labour demand at the shock (path = shock)")
      .integer("demand.shock_recovery_months",
               [](auto& x) -> auto& { return x.demand.shock_recovery_months; }, 24, "months", 0,
               1200, "months for demand to recover linearly after the shock (path = shock)")
      .real("demand.firm_shock_sd", [](auto& x) -> auto& { return x.demand.firm_shock_sd; }, 0.02,
            "log points/month", 0, 1, "sd of the monthly innovation to firm-level log demand")
      .real("demand.firm_shock_persistence",
            [](auto& x) -> auto& { return x.demand.firm_shock_persistence; }, 0.97, "", 0, 0.9999,
            "AR(1) persistence of firm-level log demand")
      .real("labour.quit_rate", [](auto& x) -> auto& { return x.labour.quit_rate; }, 0.002,
            "1/month", 0, 1, "quits into unemployment (job-to-job moves are not modelled here)",
            "BLS CPS: job leavers ~11% of the unemployed, ~0.3 M new a month")
      .real("labour.idiosyncratic_layoff_rate",
            [](auto& x) -> auto& { return x.labour.idiosyncratic_layoff_rate; }, 0.007, "1/month",
            0, 1, "match destruction independent of the firm's demand gap",
            "BLS JOLTS 2025: layoffs and discharges ~1.1% a month in total")
      .integer("labour.long_term_months",
               [](auto& x) -> auto& { return x.labour.long_term_months; }, 6, "months", 1, 120,
               "spell length from which unemployment counts as long-term", "BLS: 27 weeks or more")
      .integer("search.applications", [](auto& x) -> auto& { return x.search.applications; }, 3,
               "applications/month", 0, 100, "a: applications an unemployed worker sends a month "
               "at the start of a spell")
      .real("search.discouragement", [](auto& x) -> auto& { return x.search.discouragement; },
            0.05, "1/month", 0, 1, "search intensity falls by this share per month of spell")
      .real("search.min_search_share", [](auto& x) -> auto& { return x.search.min_search_share; },
            0.3, "share", 0, 1, "floor of search intensity relative to a")
      .integer("search.rounds", [](auto& x) -> auto& { return x.search.rounds; }, 3,
               "rounds/month", 1, 50, "offer rounds per month")
      .real("search.similarity_weight",
            [](auto& x) -> auto& { return x.search.similarity_weight; }, 1.0, "score", 0, 100,
            "weight of occupational similarity in an employer's ranking of applicants")
      .real("search.noise_sd", [](auto& x) -> auto& { return x.search.noise_sd; }, 1.0, "score",
            0, 100, "sd of the idiosyncratic match-quality term in the ranking")
      .real("search.hiring_standard", [](auto& x) -> auto& { return x.search.hiring_standard; },
            2.0, "score", -100, 100,
            "lowest score an employer hires (same-occupation acceptance = Phi((w - h) / sd))")
      .real("wages.inflation_per_year", [](auto& x) -> auto& { return x.wages.inflation_per_year; },
            0.025, "1/year", -0.2, 0.5, "trend nominal wage growth",
            "BLS ECI 2025: wages and salaries ~3.5%; CPI ~2.7%")
      .real("wages.tightness_elasticity",
            [](auto& x) -> auto& { return x.wages.tightness_elasticity; }, 0.03, "1/year", 0, 2,
            "eta: yearly wage growth per log point of tightness above its reference")
      .integer("wages.reference_halflife_months",
               [](auto& x) -> auto& { return x.wages.reference_halflife_months; }, 60, "months", 1,
               1200, "half-life of the moving reference tightness")
      .collection<FirmClassParams>("firms", [](auto& x) -> auto& { return x.firms; }, firm,
                                   classes, "firm classes, one table [firms.<name>] each");
  return s;
}

}  // namespace

const Schema<Scenario>& scenario_schema() {
  static const std::unique_ptr<Schema<Scenario>> schema = build_schema();
  return *schema;
}

void validate(const Scenario& s) {
  const std::string where = s.source_file.empty() ? std::string("scenario") : s.source_file;
  double total = 0;
  for (const auto& c : s.firms) total += c.value.employment_share;
  if (std::fabs(total - 1.0) > 1e-3) {
    std::string list;
    for (const auto& c : s.firms) {
      list += " " + c.name + "=" + sim::format_number(c.value.employment_share);
    }
    throw InputError(where + ": firms.<class>.employment_share must sum to 1 (+-0.001); they sum "
                     "to " + sim::format_number(total) + ":" + list);
  }
  for (const auto& c : s.firms) {
    if (c.value.employment_share > 0 && c.value.count == 0 && c.value.mean_size <= 0) {
      throw InputError(where + ": firms." + c.name + " needs count > 0 or mean_size > 0");
    }
  }
  if (s.firms.size() > 255) throw InputError(where + ": at most 255 firm classes");
}

Scenario scenario_from_settings(const std::vector<sim::Setting>& settings) {
  Scenario s = scenario_schema().make_default();
  scenario_schema().apply(s, settings);
  validate(s);
  return s;
}

Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides) {
  std::vector<sim::Setting> settings = sim::read_toml_settings(path);
  for (const auto& o : overrides) settings.push_back(sim::parse_override(o));
  Scenario s = scenario_schema().make_default();
  s.source_file = path;
  scenario_schema().apply(s, settings);
  if (s.run.name.empty()) s.run.name = std::filesystem::path(path).stem().string();
  validate(s);
  return s;
}

std::string to_toml(const Scenario& s) {
  return "# resolved scenario: every parameter, defaults included\n" + scenario_schema().to_toml(s);
}

std::string resolve_data_path(const Scenario& s, const std::string& path, const char* fallback) {
  namespace fs = std::filesystem;
  if (path.empty()) return (fs::path(LABOURSHIFT_DATA_DIR) / fallback).string();
  fs::path p(path);
  if (p.is_relative() && !s.source_file.empty()) {
    p = fs::path(s.source_file).parent_path() / p;
  }
  return p.lexically_normal().string();
}

std::pair<int, int> start_year_month(const Scenario& s) {
  return {std::stoi(s.run.start.substr(0, 4)), std::stoi(s.run.start.substr(5, 2))};
}

}  // namespace labourshift::models
