// The scenario: one immutable, validated description of a run. Every field is declared once in
// scenario_schema() (scenario.cpp) with its default, unit, range, meaning and source.
// A simulation copies what it needs; one Scenario feeds many replications.
#pragma once

#include "sim/params.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace labourshift::models {

struct RunParams {
  std::string name;
  std::string start;  ///< first simulated month, "YYYY-MM"
  int months = 0;
  std::int64_t seed = 0;
  int replications = 0;
};

struct PopulationParams {
  std::int64_t workers = 0;  ///< agents in the labour force
  double initial_unemployment_rate = 0;
  double initial_long_term_share = 0;
};

struct DataParams {
  std::string occupations;  ///< path; relative paths resolve against the scenario's folder
  std::string mobility;
};

/// Labour demand path (MODEL.md 3.7 demand gap; the AI reallocation adds to it later).
struct DemandParams {
  std::string path;  ///< steady | cycle | shock
  double growth_per_year = 0;
  double vacancy_rate = 0;  ///< desired openings per filled job at baseline
  double cycle_amplitude = 0;
  int cycle_period_months = 0;
  int shock_month = 0;
  double shock_depth = 0;
  int shock_recovery_months = 0;
  double firm_shock_sd = 0;
  double firm_shock_persistence = 0;
};

struct LabourParams {
  double quit_rate = 0;                  ///< worker-initiated separations into unemployment
  double idiosyncratic_layoff_rate = 0;  ///< match destruction independent of the gap
  int long_term_months = 0;              ///< spell at which unemployment counts as long-term
};

struct SearchParams {
  int applications = 0;  ///< a: applications per month at the start of a spell
  double discouragement = 0;
  double min_search_share = 0;
  int rounds = 0;
  double similarity_weight = 0;
  double noise_sd = 0;
  double hiring_standard = 0;
};

struct WageParams {
  double inflation_per_year = 0;
  double tightness_elasticity = 0;
  int reference_halflife_months = 0;
};

struct FirmClassParams {
  double employment_share = 0;
  int count = 0;
  double mean_size = 0;
  std::string size_distribution;  ///< pareto | lognormal | equal
  double pareto_alpha = 0;
  double lognormal_sigma = 0;
  std::string occupation_mix;  ///< tech | economy
  double ai_role_tilt = 0;
  double layoff_speed = 0;  ///< gamma_u
  double hiring_speed = 0;  ///< gamma_v
  double wage_premium = 0;
};

struct Scenario {
  RunParams run;
  PopulationParams population;
  DataParams data;
  DemandParams demand;
  LabourParams labour;
  SearchParams search;
  WageParams wages;
  std::vector<sim::Named<FirmClassParams>> firms;

  std::string source_file;  ///< the scenario file, for resolving relative data paths
};

const sim::Schema<Scenario>& scenario_schema();

/// Read a scenario file, apply `--set` overrides, check cross-field constraints.
/// Throws sim::InputError with file:line, key, value and the allowed range.
Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides = {});

/// Defaults plus the given settings (used by tests to build scenarios in code).
Scenario scenario_from_settings(const std::vector<sim::Setting>& settings);

/// Cross-field checks (class shares sum to 1, dates); throws sim::InputError.
void validate(const Scenario& s);

/// The resolved scenario as TOML text (what /scenario stores).
std::string to_toml(const Scenario& s);

/// Absolute path of a data file named in the scenario ("" = the project's data/ folder).
std::string resolve_data_path(const Scenario& s, const std::string& path, const char* fallback);

/// Start of the run as (year, month 1-12).
std::pair<int, int> start_year_month(const Scenario& s);

}  // namespace labourshift::models
