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

TEST_CASE("inference at the estimate: the closed form of a linear model",
          "[calibration][inference]") {
  // Moments linear in the parameters, m = A theta + b: the central-difference Jacobian is A, the
  // standard errors sqrt(diag((A' W A)^-1)) with W = diag(1 / (se^2 (1 + 1/S))), and J / (1 + 1/S)
  // is chi-square with K - P degrees of freedom.
  analysis::CalibrationSpec spec;
  spec.replications = 4;
  spec.parameters = {{"a", 0.0, 1.0, 0.5}, {"b", 0.0, 2.0, 1.0}};
  const double A[3][2] = {{1.0, 0.5}, {-2.0, 1.0}, {0.3, 3.0}};
  const double se[3] = {0.1, 0.2, 0.4};
  for (int k = 0; k < 3; ++k) {
    analysis::Target t;
    t.id = "m" + std::to_string(k);
    t.value = 1.0;
    t.se = se[k];
    spec.moments.push_back(t);
  }
  auto linear = [&](const std::vector<double>& x) {
    std::vector<double> m(3);
    for (int k = 0; k < 3; ++k) m[k] = A[k][0] * x[0] + A[k][1] * x[1] + 0.7;
    return m;
  };
  const std::vector<double> best = {0.4, 1.99};  // b within 1% of its range from the top: flagged
  const std::vector<double> m = linear(best);
  const analysis::Inference inf = analysis::infer(spec, best, m, linear);
  for (int k = 0; k < 3; ++k)
    for (int p = 0; p < 2; ++p) CHECK(inf.jacobian[k * 2 + p] == Approx(A[k][p]).epsilon(1e-9));
  const double noise = 1.25;
  double j = 0;
  for (int k = 0; k < 3; ++k) j += std::pow((m[k] - 1.0) / se[k], 2);
  CHECK(inf.j == Approx(j / noise));
  CHECK(inf.df == 1);
  CHECK(inf.p == Approx(std::erfc(std::sqrt(inf.j / 2))).epsilon(1e-9));  // chi2 with 1 df
  // (A' W A), 2 x 2, inverted by hand.
  double a = 0, b = 0, c = 0;
  for (int k = 0; k < 3; ++k) {
    const double w = 1.0 / (se[k] * se[k] * noise);
    a += w * A[k][0] * A[k][0];
    b += w * A[k][0] * A[k][1];
    c += w * A[k][1] * A[k][1];
  }
  const double det = a * c - b * b;
  CHECK(inf.se[0] == Approx(std::sqrt(c / det)).epsilon(1e-9));
  CHECK(inf.se[1] == Approx(std::sqrt(a / det)).epsilon(1e-9));
  CHECK(inf.rank == 2);
  CHECK(std::isfinite(inf.condition));
  CHECK_FALSE(inf.at_bound[0]);
  CHECK(inf.at_bound[1]);
  // A parameter no moment depends on is not identified: rank 1, no standard errors.
  auto flat = [&](const std::vector<double>& x) {
    std::vector<double> out(3);
    for (int k = 0; k < 3; ++k) out[k] = A[k][0] * x[0];
    return out;
  };
  const analysis::Inference none = analysis::infer(spec, best, flat(best), flat);
  CHECK(none.rank == 1);
  CHECK(std::isnan(none.se[0]));
}

TEST_CASE("moments: sums of terms, occupations and named firms, change and US totals",
          "[calibration][moments]") {
  auto s = models::load_scenario(LABOURSHIFT_SCENARIOS "/baseline_2025.toml");
  models::scenario_schema().apply(
      s, {{"run.months", sim::Value{std::int64_t{14}}, sim::Origin{"test", 0}},
          {"population.workers", sim::Value{std::int64_t{20000}}, sim::Origin{"test", 0}}});
  const auto model = models::Model::build(s);
  sim::EnsembleOptions o;
  o.replications = 2;
  o.months = 14;
  const auto res = sim::run_ensemble(
      [&](std::uint32_t r) { return std::make_unique<models::LabourMarket>(model, r); },
      model->layout, o, nullptr);
  auto target = [](const std::string& indicator, const std::string& stat, int a, int b,
                   const std::string& den = "") {
    analysis::Target t;
    t.id = indicator;
    t.indicator = indicator;
    t.statistic = stat;
    t.denominator = den;
    t.from_month = a;
    t.to_month = b;
    return t;
  };
  const std::vector<analysis::Target> targets = {
      target("by_class/headcount/hyperscaler", "mean", 3, 12),
      target("by_class/headcount/enterprise", "mean", 3, 12),
      target("by_class/headcount/hyperscaler+by_class/headcount/enterprise", "mean", 3, 12),
      target("series/unemployment_rate", "change", 2, 14),
      target("series/layoffs", "total_us", 1, 12),
      target("by_occupation/unemployment/software_dev", "ratio", 5, 5,
             "by_occupation/unemployment/software_dev+by_occupation/employment/software_dev"),
      target("by_firm/employment/Microsoft", "end_growth", 2, 14)};
  const std::vector<double> m = analysis::simulated_moments(*model, res, targets);
  CHECK(m[2] == Approx(m[0] + m[1]).epsilon(1e-12));
  // By hand from the stored values.
  const std::size_t width = model->layout.size();
  auto at = [&](std::size_t r, int month, const std::string& group, const std::string& name,
                std::size_t entry) {
    return res.values[r][static_cast<std::size_t>(month - 1) * width +
                         model->layout.offset_of(group, name) + entry];
  };
  double change = 0, layoffs = 0;
  for (std::size_t r = 0; r < 2; ++r) {
    change +=
        at(r, 14, "series", "unemployment_rate", 0) - at(r, 2, "series", "unemployment_rate", 0);
    for (int month = 1; month <= 12; ++month) layoffs += at(r, month, "series", "layoffs", 0);
  }
  CHECK(m[3] == Approx(change / 2).epsilon(1e-12));
  CHECK(m[4] == Approx(layoffs / 2 * model->persons_per_agent).epsilon(1e-12));
  std::size_t sd = 0;
  while (model->data.occupations[sd].id != "software_dev") ++sd;
  double rate = 0;
  for (std::size_t r = 0; r < 2; ++r) {
    const double u = at(r, 5, "by_occupation", "unemployment", sd);
    rate += u / (u + at(r, 5, "by_occupation", "employment", sd));
  }
  CHECK(m[5] == Approx(rate / 2).epsilon(1e-12));
  CHECK(std::isfinite(m[6]));
}

TEST_CASE("the 18-moment calibration file loads: every moment's indicator exists",
          "[calibration][moments]") {
  const auto spec = analysis::load_calibration(LABOURSHIFT_ROOT "/calibration/msm_2025.toml");
  CHECK(spec.moments.size() >= 16);
  CHECK(spec.parameters.size() <= 10);
  CHECK(spec.moments.size() > spec.parameters.size());  // over-identified: the J test has df
  CHECK(spec.replications >= 10);
  CHECK(spec.starts >= 8);
  for (const auto& t : spec.moments) CHECK(t.se > 0);
}
