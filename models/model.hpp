// What all replications of a run share: the scenario, the occupation data and what is derived
// from it once (similarity, automatable shares, the exposed group), and the output layout.
// Immutable after build(); one Model feeds many LabourMarket replications.
#pragma once

#include "models/firm_data.hpp"
#include "models/occupations.hpp"
#include "models/scenario.hpp"
#include "sim/metrics.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace labourshift::models {

/// Positions of the declared outputs, looked up by name (the names docs/outputs.md lists).
/// Throws std::out_of_range for a name that is not declared.
class MetricIndex {
 public:
  explicit MetricIndex(const sim::MetricLayout* layout = nullptr) : layout_(layout) {}
  /// Offset of /series/NAME in the monthly vector.
  std::size_t series(std::string_view name) const { return offset("series", name); }
  /// Offset of the first entry of /by_occupation/NAME (entry o at + o).
  std::size_t occ(std::string_view name) const { return offset("by_occupation", name); }
  /// Offset of the first entry of /by_class/NAME (entry k at + k).
  std::size_t cls(std::string_view name) const { return offset("by_class", name); }
  std::size_t offset(std::string_view group, std::string_view name) const;
  /// Id of a per-replication static output, "group/name" or "name" for the root.
  std::size_t statics(std::string_view path) const;
  /// Id of an event table, "group/name".
  std::size_t events(std::string_view path) const;

 private:
  const sim::MetricLayout* layout_;
};

struct Model {
  Scenario scenario;
  OccupationData data;
  FirmData firm_data;  ///< named firms, their announced layoffs, the US firm-size bands
  Eigen::MatrixXd similarity;
  std::vector<std::string> class_names;
  /// x_o = e_o [r_o + (1 - r_o)(kappa_o + (1 - kappa_o)(1 - omega_a))]
  std::vector<double> automatable;
  std::vector<std::uint8_t>
      exposed;  ///< high exposure: top fifth of employment by x_o, not AI roles
  std::vector<double> complementarity;  ///< c_o, for matching and the AI wage premium
  /// tau_o = (w_o / w-bar)^-eta_w / mean over employment: scales the occupation's idiosyncratic
  /// layoffs, quits and spontaneous openings (labour.turnover_wage_elasticity)
  std::vector<double> turnover;
  /// A churn rate of occupation o: base x tau_o, capped at 1 (it is a probability a month, and an
  /// extreme elasticity can push a low-wage occupation's past one).
  double churn_rate(double base, std::size_t o) const { return std::min(1.0, base * turnover[o]); }
  double max_complementarity = 1;  ///< max_o c_o (at least 1e-9)
  std::vector<std::uint8_t> knowledge_role;
  std::vector<float> class_premium;  ///< wage premium of each firm class
  int founder_class = -1;            ///< class of founders' firms, -1 if none
  double persons_per_agent = 1;
  sim::MetricLayout layout;
  MetricIndex ids;

  Model() = default;
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  /// Loads the data files named in the scenario; throws sim::InputError on bad data.
  static std::shared_ptr<const Model> build(const Scenario& scenario);
};

}  // namespace labourshift::models
