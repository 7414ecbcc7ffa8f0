// The labour-market core (MODEL.md sections 1, 3.7, 5 and 6): firms of several classes keep a
// target headcount per occupation that follows a demand path; gaps produce layoffs and
// vacancies; unemployed workers search and match; occupation wages move with tightness.
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
      applications;
  std::size_t occ_employment, occ_unemployment, occ_long_term_unemployed, occ_vacancies,
      occ_hires, occ_job_finds, occ_layoffs, occ_quits, occ_wage;
  std::size_t cls_headcount, cls_vacancies, cls_hires, cls_layoffs, cls_quits;
  std::size_t st_transitions, st_initial_employment, st_initial_unemployment;
};

/// Immutable description shared by all replications.
struct Model {
  Scenario scenario;
  OccupationData data;
  Eigen::MatrixXd similarity;
  std::vector<std::string> class_names;
  sim::MetricLayout layout;
  MetricIds ids{};

  /// Loads the data files named in the scenario; throws sim::InputError on bad data.
  static std::shared_ptr<const Model> build(const Scenario& scenario);
};

/// Aggregate labour-demand index D(t) for month t (t = 0 is the initial state).
double demand_index(const DemandParams& d, int month);

class LabourMarket : public sim::Replication {
 public:
  LabourMarket(std::shared_ptr<const Model> model, std::uint32_t replication);

  /// Advance one month (month = 1, 2, ...) and write that month's metrics into out[0, layout.size()).
  void step(int month, double* out) override;

  /// Values of a per-replication static output (flattened, row-major).
  std::vector<double> static_output(std::size_t static_id) const override;

  const WorkerTable& workers() const { return workers_; }
  const FirmTable& firms() const { return firms_; }
  const std::vector<double>& wage_index_levels() const { return wage_; }

 private:
  void init_firms();
  void init_workers();
  void plan_firms(int month, double demand);
  void separate(int month);
  void post_vacancies();
  void run_matching(int month);
  void update_wages(int month);
  void record(double demand, double* out);

  std::shared_ptr<const Model> model_;
  const Scenario& sc_;
  std::uint32_t rep_;
  std::size_t occ_ = 0;
  std::size_t classes_ = 0;
  WorkerTable workers_;
  FirmTable firms_;
  std::vector<double> wage_;       ///< w_o(t), USD/month
  std::vector<double> wage0_;      ///< w_o(0)
  std::vector<double> ref_log_tightness_;
  std::vector<float> class_premium_;
  std::vector<std::uint32_t> seekers_;  ///< unemployed at the start of this month, ascending id

  // Flows of the current month.
  std::vector<std::int64_t> layoffs_, quits_, hires_, job_finds_, vacancies_posted_;
  std::vector<std::int64_t> cls_layoffs_, cls_quits_, cls_hires_, cls_vacancies_;
  std::vector<std::int64_t> seekers_by_occ_;
  std::int64_t applications_ = 0;
  std::int64_t employment_start_ = 0;
  // Cumulative and initial values for static outputs.
  std::vector<double> transitions_;
  std::vector<double> initial_employment_, initial_unemployment_;
};

}  // namespace labourshift::models
