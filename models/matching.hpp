// Job search and matching (docs/model.md, "The month": `matching`).
//
// Each seeker sends n applications; an application picks occupation o' with probability
// proportional to A(o, o') V_o' (del Rio-Chanona et al. 2021), then one of the V_o' open
// vacancies of o' uniformly (i.e. a firm in proportion to its vacancies in o'). An employer scores
// an applicant as  w_sim * sim(o, o') + sd * z  (z standard normal) and considers only applicants
// whose score reaches the hiring standard h. Each round, every unfilled vacancy offers its job to
// its best remaining applicant; a worker holding several offers takes the highest wage; declined
// vacancies move to their next applicant in the next round.
//
// With identical seekers, one round, one application each and h = -inf this is the urn-ball
// process: matches = V (1 - (1 - 1/V)^U) ~ V (1 - exp(-U / V)).
//
// Thread-safe: match() may run inside other parallel work; all randomness is keyed by
// (seed, replication, month, worker id).
#pragma once

#include "models/tables.hpp"
#include "sim/scratch.hpp"

#include <Eigen/Dense>

#include <cstdint>
#include <vector>

namespace labourshift::models {

struct MatchParams {
  int applications = 3;
  double discouragement = 0;
  double min_search_share = 1;
  int rounds = 1;
  double similarity_weight = 1;
  double noise_sd = 1;
  double hiring_standard = -1e300;
  double literacy_weight = 0;  ///< score += weight x literacy x c(o') for complemented jobs
};

struct Seeker {
  std::uint32_t worker = 0;  ///< the worker's stable id (keys the random stream)
  OccupationId occupation = 0;
  std::uint16_t spell = 0;  ///< months unemployed (0 for on-the-job seekers)
  float literacy = 0;       ///< AI literacy: raises the score for AI-complemented jobs
  float reservation = 0;    ///< lowest wage the seeker accepts, USD/month
  float intensity = 1;      ///< search-intensity multiplier (unemployment insurance, OJS)
  float bonus = 0;          ///< added to the employer's score (a hiring subsidy)
  std::uint32_t row = 0;    ///< the worker's row in the worker table this month (not used by match)
};

/// Open vacancies, one slot per vacancy, grouped by occupation.
struct VacancyBook {
  std::vector<std::uint32_t>
      occ_begin;  ///< size O + 1: slots of o are [occ_begin[o], occ_begin[o+1])
  std::vector<std::uint32_t> slot_firm;  ///< firm of each slot
  std::vector<float> slot_wage;          ///< wage offered by each slot, USD/month
  std::size_t occupations() const { return occ_begin.empty() ? 0 : occ_begin.size() - 1; }
  std::size_t slots() const { return slot_firm.size(); }
};

struct Hire {
  std::uint32_t seeker = 0;  ///< index into the seekers vector
  std::uint32_t slot = 0;
};

/// What the month's hiring keeps from month to month so as not to allocate it again: the book of
/// openings, the seekers, the hires and match()'s arrays (hundreds of MB at a full-scale
/// population; sim/scratch.hpp says why).
struct MatchMemory {
  VacancyBook book;
  std::vector<OccupationId> slot_occ;  ///< occupation of each slot of the book
  std::vector<Seeker> seekers;
  std::vector<Hire> hires;
  sim::Scratch buffers;
  /// Bytes held (the memory report).
  std::size_t bytes() const {
    return book.occ_begin.capacity() * sizeof(std::uint32_t) +
           book.slot_firm.capacity() * sizeof(std::uint32_t) +
           book.slot_wage.capacity() * sizeof(float) + slot_occ.capacity() * sizeof(OccupationId) +
           seekers.capacity() * sizeof(Seeker) + hires.capacity() * sizeof(Hire) + buffers.bytes();
  }
};

struct MatchStats {
  std::int64_t applications = 0;
  std::int64_t acceptable_applications = 0;
  std::int64_t contacted_vacancies = 0;  ///< vacancies with at least one acceptable applicant
  std::int64_t offers = 0;
};

struct StreamKey {
  std::uint64_t seed = 0;
  std::uint32_t replication = 0;
  std::uint32_t month = 0;
};

/// sim(o, o') = 1 for o' = o, else min(1, A(o, o') / A(o, o)): how an employer reads an
/// applicant's experience in o when hiring for o'.
Eigen::MatrixXd similarity_matrix(const Eigen::MatrixXd& mobility);

/// Run the month's matching. Hires come back in slot order; each seeker and slot at most once.
/// A vacancy skips applicants whose reservation wage exceeds its wage. `complementarity` (size O,
/// may be empty) weights literacy in the score.
std::vector<Hire> match(const std::vector<Seeker>& seekers, const VacancyBook& book,
                        const Eigen::MatrixXd& mobility, const Eigen::MatrixXd& similarity,
                        const MatchParams& params, const StreamKey& key, MatchStats* stats,
                        const std::vector<double>& complementarity = {});
/// The same, with the month's arrays in `buffers` (kept from month to month by the caller) and
/// the hires written into `hires` (cleared first).
void match(const std::vector<Seeker>& seekers, const VacancyBook& book,
           const Eigen::MatrixXd& mobility, const Eigen::MatrixXd& similarity,
           const MatchParams& params, const StreamKey& key, MatchStats* stats,
           const std::vector<double>& complementarity, sim::Scratch& buffers,
           std::vector<Hire>& hires);

/// A plain serial implementation of the same rules, for tests (OpenMM-style reference path).
std::vector<Hire> match_reference(const std::vector<Seeker>& seekers, const VacancyBook& book,
                                  const Eigen::MatrixXd& mobility,
                                  const Eigen::MatrixXd& similarity, const MatchParams& params,
                                  const StreamKey& key,
                                  const std::vector<double>& complementarity = {});

}  // namespace labourshift::models
