#include "models/occupations.hpp"

#include "models/csv.hpp"
#include "models/tables.hpp"

#include "sim/error.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

namespace labourshift::models {

using sim::InputError;

OccupationData load_occupation_data(const std::string& occupations_csv,
                                    const std::string& mobility_csv) {
  const Csv occ = read_csv(occupations_csv, "occupation table");
  OccupationData data;
  const std::size_t c_id = column(occ, "id");
  const std::size_t c_name = column(occ, "name");
  const std::size_t c_emp = column(occ, "employment");
  const std::size_t c_wage = column(occ, "wage_month_usd");
  const std::size_t c_exp = column(occ, "exposure");
  const std::size_t c_rout = column(occ, "routine");
  const std::size_t c_coord = column(occ, "coordination");
  const std::size_t c_comp = column(occ, "complementarity");
  const std::size_t c_mgr = column(occ, "manager");
  const std::size_t c_ai = column(occ, "ai_role");
  const std::size_t c_know = column(occ, "knowledge_role");
  const std::size_t c_tech = column(occ, "tech_share");
  std::map<std::string, std::size_t> seen;
  for (const auto& row : occ.rows) {
    Occupation o;
    o.id = row.cells[c_id];
    if (o.id.empty()) {
      throw InputError(occ.path + ":" + std::to_string(row.line) + ": empty occupation id");
    }
    if (!seen.emplace(o.id, row.line).second) {
      throw InputError(occ.path + ":" + std::to_string(row.line) + ": duplicate occupation id '" +
                       o.id + "'");
    }
    o.name = row.cells[c_name];
    o.employment = parse_number(occ, row, c_emp, 0, 1e10);
    o.wage_month_usd = parse_number(occ, row, c_wage, 1, 1e7);
    o.exposure = parse_number(occ, row, c_exp, 0, 1);
    o.routine = parse_number(occ, row, c_rout, 0, 1);
    o.coordination = parse_number(occ, row, c_coord, 0, 1);
    o.complementarity = parse_number(occ, row, c_comp, 0, 10);
    o.manager = parse_number(occ, row, c_mgr, 0, 1) > 0.5;
    o.ai_role = parse_number(occ, row, c_ai, 0, 1) > 0.5;
    o.knowledge_role = parse_number(occ, row, c_know, 0, 1) > 0.5;
    o.tech_share = parse_number(occ, row, c_tech, 0, 1);
    data.occupations.push_back(std::move(o));
  }
  const std::size_t n = data.occupations.size();
  if (n == 0 || n > kMaxOccupations) {
    throw InputError(occ.path + ": found " + std::to_string(n) +
                     " occupations; allowed 1 to 65,535");
  }
  double total = 0;
  for (const auto& o : data.occupations) total += o.employment;
  if (total <= 0) throw InputError(occ.path + ": total employment must be positive");

  const Csv mob = read_csv(mobility_csv, "mobility matrix");
  if (mob.header.size() != n + 1 || mob.rows.size() != n) {
    throw InputError(mob.path + ": the mobility matrix is " + std::to_string(mob.rows.size()) +
                     " x " + std::to_string(mob.header.size() - 1) + "; expected " +
                     std::to_string(n) + " x " + std::to_string(n) + " (one row and column per " +
                     "occupation of " + occ.path + ")");
  }
  data.mobility.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
  for (std::size_t j = 0; j < n; ++j) {
    if (mob.header[j + 1] != data.occupations[j].id) {
      throw InputError(mob.path + ":" + std::to_string(mob.header_line) + ": column " +
                       std::to_string(j + 2) + " is '" + mob.header[j + 1] + "'; expected '" +
                       data.occupations[j].id + "' (same order as " + occ.path + ")");
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    const auto& row = mob.rows[i];
    if (row.cells[0] != data.occupations[i].id) {
      throw InputError(mob.path + ":" + std::to_string(row.line) + ": row is '" + row.cells[0] +
                       "'; expected '" + data.occupations[i].id + "' (same order as " + occ.path +
                       ")");
    }
    double sum = 0;
    for (std::size_t j = 0; j < n; ++j) {
      const double a = parse_number(mob, row, j + 1, 0, 1);
      data.mobility(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = a;
      sum += a;
    }
    if (std::fabs(sum - 1.0) > 1e-3) {
      throw InputError(mob.path + ":" + std::to_string(row.line) + ": row '" + row.cells[0] +
                       "' sums to " + std::to_string(sum) + "; each row must sum to 1 (+-0.001)");
    }
    data.mobility.row(static_cast<Eigen::Index>(i)) /= sum;
  }
  return data;
}

}  // namespace labourshift::models
