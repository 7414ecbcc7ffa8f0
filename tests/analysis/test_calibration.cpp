// Calibration by simulated moments: recovery of known parameters, and the calibrated baseline's
// fit.
#include "analysis/calibration.hpp"
#include "models/scenario.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace labourshift;

TEST_CASE("calibration recovers known parameters from their own moments", "[calibration]") {
  // Simulate with chosen values, compute the moments, calibrate from a perturbed start with
  // common random numbers, and land near the truth.
  analysis::CalibrationSpec spec;
  spec.file = "test";
  spec.scenario = LABOURSHIFT_SCENARIOS "/baseline_2025_prior.toml";
  spec.replications = 2;
  spec.months = 24;
  spec.workers = 8000;
  spec.seed = 11;
  spec.max_evaluations = 160;
  spec.global_share = 0.4;
  spec.parameters = {{"labour.idiosyncratic_layoff_rate", 0.004, 0.014, 0.0},
                     {"search.hiring_standard", 1.2, 2.6, 0.0}};
  const std::vector<double> truth = {0.009, 1.8};
  spec.moments = {
      {"u", "series/unemployment_rate", "mean", "", 7, 24, 0, 1, ""},
      {"layoffs", "series/layoffs", "ratio", "series/employment", 7, 24, 0, 1, ""},
      {"f", "series/job_finding_rate", "mean", "", 7, 24, 0, 1, ""},
  };
  const auto base = models::load_scenario(spec.scenario);
  const std::vector<double> m = analysis::evaluate(spec, base, truth);
  for (std::size_t k = 0; k < m.size(); ++k) {
    spec.moments[k].value = m[k];
    spec.moments[k].se = 0.02 * std::fabs(m[k]);
  }
  spec.parameters[0].start = 0.006;  // perturbed starts
  spec.parameters[1].start = 2.3;
  const auto result = analysis::calibrate(spec, true);
  INFO("recovered " << result.best[0] << ", " << result.best[1]
                    << " with J = " << result.objective);
  CHECK(std::fabs(result.best[0] - truth[0]) < 0.10 * truth[0]);
  CHECK(std::fabs(result.best[1] - truth[1]) < 0.10 * truth[1]);
  CHECK(result.objective < 1.0);
}

TEST_CASE("baseline_2025 hits each 2025 target within two standard errors", "[calibration]") {
  // The calibration's own conditions (seeds, size, months), shortened to 2024-2025.
  auto spec = analysis::load_calibration(LABOURSHIFT_ROOT "/calibration/baseline_2025.toml");
  spec.parameters.clear();  // evaluate the calibrated scenario as it is
  const auto calibrated = models::load_scenario(LABOURSHIFT_SCENARIOS "/baseline_2025.toml");
  const std::vector<double> m = analysis::evaluate(spec, calibrated, {});
  for (std::size_t k = 0; k < m.size(); ++k) {
    const auto& t = spec.moments[k];
    INFO(t.id << ": target " << t.value << ", simulated " << m[k] << ", se " << t.se);
    CHECK(std::fabs(m[k] - t.value) <= 2 * t.se);
  }
}
