// Occupation table and mobility matrix, loaded from CSV data files (data/occupations.csv,
// data/mobility.csv). The engine accepts any number O of occupations (1..255) and any
// row-stochastic O x O matrix; both are validated on load.
#pragma once

#include <Eigen/Dense>

#include <string>
#include <vector>

namespace labourshift::models {

struct Occupation {
  std::string id;
  std::string name;
  double employment = 0;       ///< persons, OEWS May 2024
  double wage_month_usd = 0;   ///< mean wage, USD per month
  double exposure = 0;         ///< e_o: share of task content AI can perform, [0, 1]
  double routine = 0;          ///< Frey-Osborne probability of computerisation, [0, 1]
  double coordination = 0;     ///< kappa_o: share of employment in coordination-type roles, [0, 1]
  double complementarity = 0;  ///< c_o >= 0: productivity gain per unit AI capability when fluent
  bool manager = false;
  bool ai_role = false;
  bool knowledge_role = false;
  double tech_share = 0;  ///< share of the group's employment in tech-relevant occupations
};

struct OccupationData {
  std::vector<Occupation> occupations;
  Eigen::MatrixXd mobility;  ///< A(o, o'): row-stochastic, entries in [0, 1]
  std::size_t size() const { return occupations.size(); }
};

/// Load and validate both files. Throws sim::InputError naming the file, line, column and value.
OccupationData load_occupation_data(const std::string& occupations_csv,
                                    const std::string& mobility_csv);

}  // namespace labourshift::models
