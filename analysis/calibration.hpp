// Calibration by the method of simulated moments (docs/calibration.md).
//
// A calibration file names a scenario, a targets file, the free parameters with bounds, and the
// optimiser's budget. Each evaluation runs the scenario with the candidate parameters over fixed
// seeds (common random numbers across evaluations, so the objective is smooth in the parameters),
// computes the target moments from the ensemble mean, and scores
//     J(theta) = sum_k ((m_k(theta) - target_k) / se_k)^2.
// NLopt minimises J: a global stage (CRS2 with local mutation) on part of the budget, then a
// local stage (BOBYQA) from the best point. Each evaluation's replications run in parallel, and
// each replication's phases are parallel loops.
#pragma once

#include "models/labour_market.hpp"

#include <functional>
#include <string>
#include <vector>

namespace labourshift::analysis {

struct Target {
  std::string id;
  std::string indicator;    ///< series/NAME or by_class/NAME/CLASS
  std::string statistic;    ///< mean | ratio | growth | end_growth
  std::string denominator;  ///< for ratio
  int from_month = 0;
  int to_month = 0;
  double value = 0;
  double se = 0;
  std::string source;
};

struct FreeParameter {
  std::string key;  ///< a scenario key, e.g. "labour.idiosyncratic_layoff_rate"
  double lower = 0;
  double upper = 0;
  double start = 0;
};

struct CalibrationSpec {
  std::string file;
  std::string scenario;  ///< path (resolved against the calibration file's folder)
  std::string targets;
  std::vector<FreeParameter> parameters;
  std::vector<Target> moments;
  int replications = 2;
  int months = 24;
  std::int64_t workers = 0;  ///< 0: the scenario's
  std::int64_t seed = 1;
  int max_evaluations = 200;
  double global_share = 0.5;  ///< share of the budget for the global stage
  /// Local searches: the first from the global stage's best point, the others from points drawn
  /// uniformly in the bounds (seeded); each gets an equal share of the local budget.
  int starts = 1;
  std::string output;  ///< folder for calibrated.toml, evaluations.csv, fit.csv
};

/// Read and validate a calibration file and its targets; throws sim::InputError (file:line, key,
/// value) for unknown keys or parameters, inverted bounds, unknown indicators.
CalibrationSpec load_calibration(const std::string& path);

/// Read a targets CSV (documented in data/targets_2025.csv).
std::vector<Target> load_targets(const std::string& path);

/// Simulated moments of one ensemble, in target order.
std::vector<double> simulated_moments(const models::Model& model, const sim::EnsembleResult& result,
                                      const std::vector<Target>& targets);

/// The scenario an evaluation runs: `base` with parameter values `x` (one per spec.parameters)
/// and the calibration's months, replications, seed and workers. Throws sim::InputError for a
/// value outside a parameter's declared range.
models::Scenario calibration_scenario(const CalibrationSpec& spec, const models::Scenario& base,
                                      const std::vector<double>& x);

/// Processes that share each evaluation's replications (MPI ranks): rank r runs replications
/// r, r + size, ...; `sum_all` adds a vector element-wise over the processes, in place, on every
/// one (MPI_Allreduce). Each replication's statistics come from exactly one process (zeros from the
/// others), so the sums are exact and every process sees the serial run's moments bit for bit.
struct EvaluationRanks {
  std::uint32_t rank = 0;
  std::uint32_t size = 1;
  std::function<void(std::vector<double>&)> sum_all;
};

/// Simulated moments of `scenario` with parameter values `x` (one per spec.parameters).
std::vector<double> evaluate(const CalibrationSpec& spec, const models::Scenario& base,
                             const std::vector<double>& x, const EvaluationRanks* ranks = nullptr);

/// Inference at the estimate (docs/calibration.md, "Inference"): the weighting is the inverse of
/// the moments' covariance, diag(se_k^2) (1 + 1/S) with S replications (the simulated mean's own
/// noise), D the numerical Jacobian dm/dtheta (central differences, 2P evaluations).
struct Inference {
  double j = 0;                  ///< J at the estimate with the (1 + 1/S) correction
  int df = 0;                    ///< moments - parameters
  double p = 0;                  ///< P(chi2_df > j); NaN when df <= 0 (just identified: no test)
  std::vector<double> se;        ///< sqrt(diag((D' W D)^-1)); NaN where D' W D is singular
  std::vector<bool> at_bound;    ///< within 1% of the range from a bound
  std::vector<double> jacobian;  ///< [k * P + p]: dm_k / dtheta_p
  int rank = 0;                  ///< rank of W^1/2 D (singular values above 1e-8 of the largest)
  double condition = 0;          ///< largest / smallest singular value of W^1/2 D
};

struct CalibrationResult {
  std::vector<double> best;
  std::vector<double> moments;
  double objective = 0;
  int evaluations = 0;
  double seconds = 0;
  Inference inference;
  /// Each local search's optimum: J and the parameters, in start order.
  std::vector<double> start_objective;
  std::vector<std::vector<double>> start_best;
};

/// Inference at `best` (moments `m` there): the Jacobian by central differences of `evaluate`
/// (step 5% of each parameter's range, one-sided at a bound: with common random numbers the moments
/// are piecewise constant in the parameters at small steps), the J test and the standard errors.
/// `evaluate_at(x)` gives the moments at x (the calibration's evaluation, logged by the caller).
Inference infer(const CalibrationSpec& spec, const std::vector<double>& best,
                const std::vector<double>& m,
                const std::function<std::vector<double>(const std::vector<double>&)>& evaluate_at);

/// Run the calibration; writes spec.output/{calibrated.toml, evaluations.csv, fit.csv,
/// inference.csv, identification.csv} when spec.output is not empty, and prints the fit table,
/// the J test and the estimates with their standard errors. With `ranks`, every process runs the
/// same optimisation on the shared evaluations and only rank 0 prints and writes.
CalibrationResult calibrate(const CalibrationSpec& spec, bool quiet = false,
                            const EvaluationRanks* ranks = nullptr);

}  // namespace labourshift::analysis
