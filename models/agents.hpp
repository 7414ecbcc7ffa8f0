// Agent tables: one contiguous array per field, rows addressed by a stable id (the row index).
// No per-agent objects, no strings in hot loops. A phase writes only the rows it owns.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

namespace labourshift::models {

enum class Status : std::uint8_t {
  kEmployed = 0,
  kUnemployed = 1,
  kReskilling = 2,
  kFounder = 3,
  kOutOfLabourForce = 4,
};
inline constexpr std::size_t kStatusCount = 5;

/// Reason of a worker's last separation (the same words in outputs and docs).
enum class Reason : std::uint8_t {
  kNone = 0,
  kDemand = 1,
  kAutomation = 2,
  kCapexFunding = 3,
  kQuit = 4,
  kRetirement = 5,
  kFirmExit = 6,
};

inline constexpr std::uint32_t kNoEmployer = std::numeric_limits<std::uint32_t>::max();

/// Workers as a struct of arrays: 22 bytes per worker.
struct WorkerTable {
  std::vector<std::uint8_t> status;      ///< Status
  std::vector<std::uint8_t> occupation;  ///< current or last occupation
  std::vector<std::uint8_t> reason;      ///< Reason of the last separation
  std::vector<std::uint8_t> age;         ///< years
  std::vector<std::uint32_t> employer;   ///< firm row, kNoEmployer when not employed
  std::vector<float> wage;               ///< USD per month (current job, or last job)
  std::vector<float> literacy;           ///< AI literacy l in [0, 1]
  std::vector<std::uint16_t> tenure;     ///< months with the current employer
  std::vector<std::uint16_t> spell;      ///< months of the current unemployment spell
  std::vector<std::uint8_t> reskill_target;
  std::vector<std::uint8_t> reskill_months_left;

  static constexpr std::size_t kBytesPerWorker = 4 * sizeof(std::uint8_t) + sizeof(std::uint32_t) +
                                                 2 * sizeof(float) + 2 * sizeof(std::uint16_t) +
                                                 2 * sizeof(std::uint8_t);

  std::size_t size() const { return status.size(); }
  void resize(std::size_t n) {
    status.resize(n);
    occupation.resize(n);
    reason.resize(n);
    age.resize(n);
    employer.resize(n, kNoEmployer);
    wage.resize(n);
    literacy.resize(n);
    tenure.resize(n);
    spell.resize(n);
    reskill_target.resize(n);
    reskill_months_left.resize(n);
  }
};

/// Firms with per-occupation arrays stored firm-major: entry (f, o) at f * O + o.
struct FirmTable {
  std::size_t occupations = 0;
  std::vector<std::uint8_t> firm_class;
  std::vector<float> log_demand_shock;  ///< z_f, AR(1)
  std::vector<float> base_requirement;  ///< L0_fo: headcount wanted at demand index 1
  std::vector<float> requirement;       ///< L*_fo this month
  std::vector<std::int32_t> headcount;  ///< H_fo
  std::vector<float> layoff_probability;  ///< per worker this month, from the gap
  std::vector<std::int32_t> vacancies;  ///< V_fo posted this month

  std::size_t size() const { return firm_class.size(); }
  std::size_t cell(std::size_t firm, std::size_t occ) const { return firm * occupations + occ; }
};

}  // namespace labourshift::models
