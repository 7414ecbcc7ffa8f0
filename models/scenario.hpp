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
  std::int64_t workers = 0;        ///< agents in the labour force
  double represented_persons = 0;  ///< persons the agents stand for (US labour force)
  double initial_unemployment_rate = 0;
  double initial_long_term_share = 0;
};

struct DataParams {
  std::string occupations;  ///< path; relative paths resolve against the scenario's folder
  std::string mobility;
  std::string firm_sizes;         ///< US firm-size bands (SUSB); "" = data/firms/firm_sizes.csv
  std::string named_firms;        ///< "" = data/firms/named_firms.csv
  std::string named_firm_events;  ///< "" = data/firms/named_firm_events_2025.csv
  bool use_named_firms = true;
};

/// Core (non-AI) demand: trend growth, an optional cycle or recession, firm-level shocks.
struct MacroParams {
  std::string path;  ///< steady | cycle | recession
  double core_growth_per_year = 0;
  double cycle_amplitude = 0;
  int cycle_period_months = 0;
  int recession_month = 0;
  double recession_depth = 0;
  int recession_recovery_months = 0;
  double firm_shock_sd = 0;
  double firm_shock_persistence = 0;
  double inflation_per_year = 0;            ///< CPI inflation, for the nominal outputs only
  double productivity_growth_per_year = 0;  ///< g_a: trend labour productivity growth
};

/// The AI environment: capability, compute price, AI service demand.
struct AiParams {
  double capability_start = 0;
  double capability_max = 0;
  double capability_rate_per_year = 0;
  int capability_midpoint_month = 0;
  double compute_price_start = 0;  ///< USD per GPU-equivalent-month, amortised
  double compute_price_decline_per_year = 0;
  double compute_per_fte = 0;  ///< GPU-eq to automate one FTE of tasks
  double augmentation_weight =
      0;  ///< share of non-routine, non-coordination exposed content augmented, not automated
  double output_demand_elasticity = 0;  ///< epsilon: demand for augmented workers' output
  double adoption_sd = 0;
  double market_share_of_revenue_start = 0;
  double growth_start_per_year = 0;
  double expected_growth_start_per_year = 0;  ///< what firms expected at the start
  double growth_long_run_per_year = 0;
  int growth_halflife_months = 0;
  int bust_month = 0;
  double bust_depth = 0;
  double post_bust_growth_per_year = 0;
  double revenue_per_gpu_month = 0;
  double share_elasticity = 0;  ///< phi: AI demand shared in proportion to K^phi
  double opex_share_of_price = 0;
};

struct ReliabilityParams {
  double base_hazard = 0;
  double load_elasticity = 0;
  double incident_cost_share = 0;
  int knowledge_tenure_cap_months = 0;
  double initial_load = 0;
  double operability_growth_per_year = 0;
};

struct LabourParams {
  double vacancy_rate = 0;               ///< desired openings per filled job at the start
  double quit_rate = 0;                  ///< worker-initiated separations into unemployment
  double quit_to_olf_rate = 0;           ///< quits out of the labour force
  double idiosyncratic_layoff_rate = 0;  ///< match destruction independent of the gap
  int long_term_months = 0;              ///< spell at which unemployment counts as long-term
  double internal_mobility_min_similarity = 0;
  double spontaneous_openings_rate = 0;  ///< delta_v: openings per employed worker a month
  double opening_expiry_rate = 0;        ///< epsilon: share of open openings withdrawn a month
  bool layoffs_count_openings = false;   ///< layoffs close the excess of H + V over L*
  double max_growth_per_month = 0;       ///< bound on a cell's requirement above its workload
  double turnover_wage_elasticity = 0;   ///< eta_w: churn falls with the occupation's wage
};

struct SearchParams {
  int applications = 0;  ///< a: applications per month at the start of a spell
  double discouragement = 0;
  double min_search_share = 0;
  int rounds = 0;
  double similarity_weight = 0;
  double noise_sd = 0;
  double hiring_standard = 0;
  double literacy_weight = 0;
  double on_the_job_share = 0;
  double on_the_job_intensity = 0;
  double job_to_job_premium = 0;
};

struct WageParams {
  double tightness_elasticity = 0;
  int reference_halflife_months = 0;
};

struct WorkerParams {
  double literacy_learning_rate = 0;
  double layoff_literacy_weight = 0;
  double warn_threshold_persons = 0;
  double warn_min_employer_persons = 0;  ///< employers smaller than this file no notice
  bool warn_one_third_rule = false;      ///< federal mass-layoff test: 33% of the site or 500
  double ai_wage_premium = 0;  ///< wage premium at full literacy in a fully complemented job
  double initial_out_of_labour_force_rate = 0;
  int discouraged_after_months = 0;
  double discouraged_exit_rate = 0;
  double reentry_rate = 0;
  double reentry_tightness_elasticity = 0;
  int retirement_age = 0;
  double retirement_hazard = 0;
  double retirement_hazard_growth = 0;
  double entrant_rate_per_year = 0;
  int entrant_age = 0;
  double entrant_literacy = 0;
  int entrant_mix_lag_months = 0;
  double entrant_growth_tilt = 0;
};

struct ReskillingParams {
  int min_spell_months = 0;
  double base_hazard = 0;
  double gain_elasticity = 0;
  double age_decline_per_year = 0;
  double min_similarity = 0;
  int duration_base_months = 0;
  int duration_distance_months = 0;
  double dropout_rate = 0;
  double literacy_gain = 0;
  double cost_usd = 0;
};

struct FounderParams {
  double base_hazard = 0;
  double literacy_elasticity = 0;
  double failure_rate = 0;
  double firm_creation_rate = 0;
  int months_to_firm = 0;
  int firm_size = 0;
  double firm_exit_rate_per_year = 0;
  std::string firm_class;
};

/// Policy levers; every default is today's status quo.
struct PolicyParams {
  double ui_replacement_rate = 0;
  int ui_months = 0;
  double ui_search_effect = 0;
  double ui_recipiency = 0;       ///< share of the unemployed within ui_months who draw benefits
  double ui_max_benefit_usd = 0;  ///< the monthly benefit's cap
  double reskilling_subsidy = 0;  ///< share of the programme cost paid by the state
  double reskilling_uptake_boost = 0;  ///< relative rise of the reskilling hazard
  double reskilling_duration_cut = 0;  ///< relative shortening of funded programmes
  double founder_support = 0;          ///< relative rise of the founding hazard
  double founder_grant_months = 0;  ///< extra starting cash of founders' firms, months of revenue
  bool retraining_mandate = false;  ///< firms pay per AI-attributed layoff; the worker is enrolled
  double retraining_mandate_cost_usd = 0;
  bool disclosure_rule = false;       ///< AI-attributed layoffs are disclosed
  double disclosure_cost_months = 0;  ///< reputational cost per disclosed layoff, months of wage
  double severance_months = 0;        ///< severance per layoff, months of wage
  double compute_tax = 0;             ///< tax on compute purchases, share of the price
  double hiring_subsidy = 0;          ///< score bonus for hiring workers laid off for AI reasons
  double hiring_subsidy_usd = 0;      ///< what the state pays the employer per such hire
  double internal_mobility_boost =
      0;  ///< relative rise of internal redeployment (mobility windows)

  /// When a lever is in force: first and last month, "YYYY-MM", both included; "" = from the
  /// run's first month / to its last. Outside its window a lever's keys take their defaults, the
  /// status quo (policy_in_force).
  struct Window {
    std::string start;
    std::string end;
  };
  Window ui_window, reskilling_subsidy_window, founder_support_window, retraining_mandate_window,
      disclosure_rule_window, severance_window, compute_tax_window, hiring_subsidy_window,
      internal_mobility_window;
};

struct FirmClassParams {
  double employment_share = 0;
  int count = 0;
  double mean_size = 0;
  std::string size_distribution;  ///< pareto | lognormal | equal | susb
  double group_agents = 0;        ///< susb: least agents a model firm holds (else a group)
  double pareto_alpha = 0;
  double lognormal_sigma = 0;
  std::string occupation_mix;  ///< tech | economy
  double ai_role_tilt = 0;
  double layoff_speed = 0;  ///< gamma_u
  double hiring_speed = 0;  ///< gamma_v
  double wage_premium = 0;
  bool ai_seller = false;
  double adoption_speed = 0;   ///< lambda_k
  double adoption_hurdle = 0;  ///< mu_k
  double target_margin = 0;
  double initial_margin = 0;
  double labour_share = 0;  ///< wage bill / core revenue at the start
  double initial_cash_months = 0;
  int capex_lag_months = 0;
  int payment_months = 0;
  int capacity_life_months = 0;
  double expectation_weight = 0;  ///< omega
  double order_speed = 0;
  double capacity_headroom = 0;
  double manager_span_elasticity = 0;
  double max_budget_cut_share = 0;
  double internal_mobility_rate = 0;
  double exit_cash_months = 0;
  int exit_after_months = 0;
  double exit_rate_per_year = 0;    ///< idiosyncratic exits: share of the class's firms a year
  double exit_size_elasticity = 0;  ///< hazard proportional to size^-elasticity
};

struct Scenario {
  RunParams run;
  PopulationParams population;
  DataParams data;
  MacroParams macro;
  AiParams ai;
  ReliabilityParams reliability;
  LabourParams labour;
  WorkerParams workers;
  ReskillingParams reskilling;
  FounderParams founders;
  PolicyParams policy;
  SearchParams search;
  WageParams wages;
  std::vector<sim::Named<FirmClassParams>> firms;

  std::string source_file;  ///< the scenario file, for resolving relative data paths
};

const sim::Schema<Scenario>& scenario_schema();

/// Read a scenario file, apply `--set` overrides, check cross-field constraints.
/// Throws sim::InputError with file:line, key, value and the allowed range.
Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides = {});

/// The same, with further settings (e.g. from command-line options such as --seed) applied after
/// the overrides; each keeps its own origin, which error messages name.
Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides,
                       const std::vector<sim::Setting>& options);

/// Defaults plus the given settings (used by tests to build scenarios in code).
Scenario scenario_from_settings(const std::vector<sim::Setting>& settings);

/// Cross-field checks (class shares sum to 1, policy windows in the run); throws sim::InputError.
void validate(const Scenario& s);
/// The same, naming the file and line of a key from the settings the scenario was built from.
void validate(const Scenario& s, const std::vector<sim::Setting>* settings);

/// The resolved scenario as TOML text (what /scenario stores).
std::string to_toml(const Scenario& s);

/// The project's data folder: $LABOURSHIFT_DATA, share/labourshift/data beside an installed
/// binary, or the source tree's data/.
std::string data_dir();
/// Absolute path of a data file named in the scenario ("" = the project's data folder).
std::string resolve_data_path(const Scenario& s, const std::string& path, const char* fallback);

/// Start of the run as (year, month 1-12).
std::pair<int, int> start_year_month(const Scenario& s);

/// The simulated month (1 = run.start) of a "YYYY-MM" month; 0 or less before the run.
int month_index(const Scenario& s, const std::string& yyyy_mm);

/// One policy lever: its name (the `policy.<name>_start` / `_end` keys), its window and the keys
/// the window governs.
struct PolicyLever {
  const char* name;
  PolicyParams::Window PolicyParams::*window;
  std::vector<const char*> keys;  ///< without the "policy." prefix
  void (*restore)(PolicyParams& p, const PolicyParams& status_quo);
};
const std::vector<PolicyLever>& policy_levers();

/// The policy in force in simulated month `month` (1 = run.start): each lever's keys as the
/// scenario sets them inside the lever's window, at their defaults (the status quo) outside it.
PolicyParams policy_in_force(const Scenario& s, int month);

}  // namespace labourshift::models
