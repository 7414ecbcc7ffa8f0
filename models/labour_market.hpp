// The simulated economy (MODEL.md sections 1-3, 5 and 6): firms of several classes earn core and
// AI revenue, adopt automation, plan headcount and compute, and fund compute by cutting the most
// exposed staff when their margin is squeezed; unemployed workers search and match; occupation
// wages move with tightness.
//
// Model holds what all replications share (scenario, data, output layout); LabourMarket is one
// replication's state and owns everything that changes. A LabourMarket is driven by one thread
// at a time; its phases run parallel loops inside.
#pragma once

#include "models/agents.hpp"
#include "models/matching.hpp"
#include "models/occupations.hpp"
#include "models/scenario.hpp"
#include "sim/metrics.hpp"
#include "sim/runner.hpp"

#include <Eigen/Dense>
#include <tbb/enumerable_thread_specific.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace labourshift::models {

/// Positions of the monthly metrics in the flat output vector (see docs/outputs.md).
struct MetricIds {
  std::size_t employment, unemployment, labour_force, unemployment_rate, long_term_unemployed,
      long_term_unemployment_share, vacancies, unfilled_vacancies, hires, layoffs, quits,
      job_finding_rate, separation_rate, wage_index, mean_wage, demand_index, labour_demand,
      applications, redeployments, job_to_job;
  std::size_t layoffs_demand, layoffs_automation, layoffs_capex_funding, layoffs_firm_exit,
      layoffs_ai, ai_layoff_share, capex, capex_orders, compute_capacity, compute_arrivals,
      compute_retirements, compute_utilisation, ai_demand, ai_revenue, core_revenue, wage_bill,
      labour_share, other_costs, opex, cash, new_firm_funding, layoff_costs, compute_tax,
      mandated_reskilling, incidents, incident_cost, warn_notices, mean_adoption,
      ai_capability, compute_price, firm_exits, active_firms, mean_ai_literacy, knowledge,
      load_ratio;
  std::size_t reskilling, reskilling_starts, reskilling_completions, reskilling_dropouts, founders,
      founder_starts, founder_failures, firms_created, out_of_labour_force, exits, reentries, entrants, retirements,
      population, participation_rate, ai_wage_premium, ui_recipients, reskilling_public_cost;
  std::size_t occ_reskilling, occ_founders, occ_out_of_labour_force, occ_reskilling_starts,
      occ_reskilling_completions_from, occ_reskilling_completions, occ_reskilling_dropouts,
      occ_founder_starts, occ_founder_failures, occ_firms_created, occ_exits, occ_reentries, occ_entrants;
  std::size_t occ_retirements[5];  ///< by status: employed, unemployed, reskilling, founder, olf
  std::size_t occ_employment, occ_unemployment, occ_long_term_unemployed, occ_vacancies,
      occ_hires, occ_job_finds, occ_layoffs, occ_quits, occ_wage, occ_layoffs_ai, occ_job_to_job_out,
      occ_redeployed_in, occ_redeployed_out, occ_adoption;
  std::size_t cls_headcount, cls_vacancies, cls_hires, cls_layoffs, cls_layoffs_ai, cls_quits,
      cls_capex, cls_compute_capacity, cls_ai_revenue, cls_core_revenue, cls_wage_bill,
      cls_incidents, cls_cash, cls_mean_adoption, cls_ai_role_headcount,
      cls_exposed_headcount;
  std::size_t st_transitions, st_initial_employment, st_initial_unemployment, st_reskilling_flows,
      st_reemployment_ai, st_reemployment_other, st_initial_out_of_labour_force;
  std::size_t ev_warn;
};

/// Immutable description shared by all replications.
struct Model {
  Scenario scenario;
  OccupationData data;
  Eigen::MatrixXd similarity;
  std::vector<std::string> class_names;
  std::vector<double> automatable;  ///< x_o = e_o (1 - omega_a (1 - r_o))
  std::vector<std::uint8_t> exposed;  ///< high exposure: top fifth of employment by x_o, not AI roles
  double persons_per_agent = 1;
  sim::MetricLayout layout;
  MetricIds ids{};

  /// Loads the data files named in the scenario; throws sim::InputError on bad data.
  static std::shared_ptr<const Model> build(const Scenario& scenario);
};

/// WARN table reason codes: the dominant layoff reason of the firm-month.
enum class WarnReason : std::int64_t { kDemand = 0, kAutomation = 1, kCapexFunding = 2, kFirmExit = 3 };

class LabourMarket : public sim::Replication {
 public:
  static constexpr std::size_t kSpellBins = 49;  ///< re-employment histogram: months 0..47, 48+
  LabourMarket(std::shared_ptr<const Model> model, std::uint32_t replication);
  ~LabourMarket() override;
  LabourMarket(const LabourMarket&) = delete;
  LabourMarket& operator=(const LabourMarket&) = delete;

  /// Advance one month (month = 1, 2, ...) and write that month's metrics into out[0, layout.size()).
  void step(int month, double* out) override;

  /// Values of a per-replication static output (flattened, row-major).
  std::vector<double> static_output(std::size_t static_id) const override;
  std::vector<std::int64_t> take_events(std::size_t table_id) override;

  const WorkerTable& workers() const { return workers_; }
  const FirmTable& firms() const { return firms_; }
  const Model& model() const { return *model_; }

  /// A full recount of end-of-month stocks from the worker table (slow reference for tests):
  /// employed, unemployed, long-term unemployed, reskilling, founders, out of the labour force,
  /// each by occupation, concatenated.
  std::vector<double> recount_stocks() const;

 private:
  // Set-up (firms.cpp, labour_market.cpp).
  void init_firms();
  void init_workers();
  void init_firm_finance();
  /// Drops retired rows and groups employed rows by employer (docs/model.md, "Time and randomness"):
  /// keeps the separation pass reading firm data in order as hires scatter staff over the table.
  void reorder_workers();
  // The month's phases, in order.
  void environment(int month);
  void plan_firms(int month);
  void separate(int month);
  void redeploy();
  void create_founder_firms();
  /// theta*_ko by class and occupation, [k * O + o], at AI capability `capability` and compute
  /// price `price`: it depends on the class and occupation only, not on the firm.
  std::vector<double> adoption_targets(double capability, double price) const;
  /// Cost of an AI-attributed layoff under disclosure and the retraining mandate, in months of wage.
  double ai_layoff_cost_months(double wage) const;
  /// Append a firm of class k whose base requirement is `base` (per occupation); returns its row.
  std::size_t add_firm(std::size_t k, const std::vector<float>& base);
  void plan_workers(int month);
  void enrol_mandated();
  void enter(int month);
  /// Posts this month's vacancies and matches seekers to them.
  void run_matching(int month);
  void update_wages(int month);
  /// Per-thread integer sums per firm: wages in cents, literacy x 1e4, knowledge x 1e3.
  struct FirmSums {
    std::vector<std::array<std::int64_t, 3>> firm;
    /// Add one employed worker (nominal wage, literacy, tenure) to firm f's sums; knowledge
    /// counts tenure capped at `cap` months, for knowledge-role staff only.
    void add(std::size_t f, double wage, double literacy, double tenure, bool knowledge, double cap) {
      auto& sum = firm[f];
      // Non-negative values: truncating x + 0.5 rounds, without a libm call.
      sum[0] += static_cast<std::int64_t>(wage * 100.0 + 0.5);
      sum[1] += static_cast<std::int64_t>(literacy * 1e4 + 0.5);
      if (knowledge) sum[2] += static_cast<std::int64_t>(std::min(tenure, cap) / cap * 1000.0 + 0.5);
    }
  };
  void measure_workers();
  /// Adds up the threads' sums into the firm table and zeroes them for the next month.
  void merge_firm_sums(tbb::enumerable_thread_specific<FirmSums>& sums);
  void close_stocks();
  void account_firms(int month);
  void record(double* out);

  std::shared_ptr<const Model> model_;
  const Scenario& sc_;
  std::uint32_t rep_;
  std::size_t occ_ = 0;
  std::size_t classes_ = 0;
  WorkerTable workers_;
  FirmTable firms_;
  std::vector<double> wage_;   ///< w_o(t), USD/month
  std::vector<double> wage0_;  ///< w_o(0)
  std::vector<double> ref_log_tightness_;
  std::vector<float> class_premium_;
  std::vector<std::uint32_t> seekers_;  ///< unemployed at the start of this month, ascending id
  std::vector<std::uint32_t> redeploy_candidates_;
  std::vector<std::uint32_t> founders_creating_;
  std::vector<std::uint32_t> job_searchers_;  ///< employed workers searching this month
  std::vector<std::uint32_t> mandated_;       ///< AI-attributed layoffs to enrol (retraining mandate)
  std::int64_t mandated_enrolled_ = 0;
  std::vector<std::int16_t> mandate_target_;
  int firm_class_for_founders_ = -1;
  double new_firm_funding_ = 0;  ///< starting cash of this month's new firms
  // Worker decisions of the current month (plan_workers).
  std::vector<double> job_finding_ema_;    ///< smoothed job-finding rate by occupation
  std::vector<std::int16_t> reskill_target_;  ///< best feasible target per origin, -1 if none
  std::vector<double> reskill_gain_;       ///< its expected gain / own wage
  double reentry_factor_ = 1, tightness_ref_ = 0, tightness_last_ = 0;
  std::vector<std::vector<double>> employment_history_;
  std::vector<double> complementarity_;    ///< c_o, for matching and the AI wage premium
  std::vector<std::uint8_t> knowledge_role_;
  double max_complementarity_ = 1;

  // Environment of the current month.
  double demand_ = 1, capability_ = 0, price_ = 0, market_ = 0, share_denominator_ = 0;
  double market0_ = 0;  ///< M(0), USD/month
  double operability_ = 1;
  double price_level_ = 1;  ///< (1 + inflation)^(t/12): nominal wage = stored wage x price level  ///< compute one knowledge FTE can operate, relative to the start
  std::vector<double> adoption_target_;  ///< theta*_ko this month, [k * O + o]
  int month_ = 0;

  // Flows of the current month.
  static constexpr std::size_t kReasons = kLayoffReasons;
  std::vector<std::int64_t> layoffs_;  ///< [o * kReasons + r]
  std::vector<std::int64_t> quits_, hires_, job_finds_, vacancies_posted_, redeployed_in_,
      redeployed_out_, job_to_job_out_;
  std::vector<std::int64_t> cls_layoffs_;  ///< [k * kReasons + r]
  std::vector<std::int64_t> cls_quits_, cls_hires_, cls_vacancies_;
  std::vector<std::int64_t> seekers_by_occ_;
  // Worker transitions of the month, by occupation (see MetricIds).
  enum Flow : std::size_t {
    kReskillStart, kReskillComplete, kReskillCompleteInto, kReskillDropout, kFounderStart,
    kFounderFail, kExit, kReentry, kEntrant, kRetireE, kRetireU, kRetireR, kRetireF, kRetireO,
    kFounderFirm, kFlowCount
  };
  std::vector<std::int64_t> flows_;  ///< [flow * O + o]
  std::int64_t ui_recipients_ = 0;
  std::vector<std::int64_t> start_stock_;  ///< [status * O + o] counted at the start of the month
  std::vector<std::int64_t> ltu_seekers_, ui_expired_seekers_, ltu_hired_, ui_expired_hired_;
  std::int64_t applications_ = 0;
  std::int64_t employment_start_ = 0;
  std::int64_t firm_exits_ = 0;
  // End-of-month stocks from the worker pass.
  std::vector<double> emp_, unemp_, ltu_, rsk_, fnd_, olf_;
  double fluent_wage_ = 0, fluent_n_ = 0, other_wage_ = 0, other_n_ = 0;
  double wages_total_ = 0, literacy_total_ = 0;
  // Cumulative and initial values for static outputs; events of the month.
  std::vector<double> transitions_;
  std::vector<double> initial_employment_, initial_unemployment_, initial_olf_;
  std::vector<double> reskill_flows_, reemploy_ai_, reemploy_other_;

  std::vector<std::int64_t> warn_rows_;
  tbb::enumerable_thread_specific<FirmSums> firm_sums_;  ///< per-thread, all zero between passes
  std::array<double, 12> phase_seconds_{};  ///< wall time per phase (LABOURSHIFT_PHASE_TIMES)
};

}  // namespace labourshift::models
