// Worker set-up (the rows of the first month) and the yearly regrouping of rows by employer.
#include "models/phases.hpp"
#include "sim/parallel.hpp"
#include "sim/random.hpp"
#include "sim/scratch.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <type_traits>

namespace labourshift::models {

namespace {
/// Tenures and spells drawn at the start are capped at 50 years.
constexpr double kMaxStartMonths = 600.0;
}  // namespace

void set_up_workers(const Model& m, DrawKey key, const FirmTable& F, const OccupationState& occ,
                    WorkerTable& W, RunTotals& totals) {
  const Scenario& sc = m.scenario;
  const std::size_t O = m.data.size();
  const std::uint64_t seed = key.seed;
  const auto n = static_cast<std::size_t>(sc.population.workers);
  // Rows: the labour force, then the marginally attached out of it.
  const auto n_olf = static_cast<std::size_t>(
      std::llround(static_cast<double>(n) * sc.workers.initial_out_of_labour_force_rate));
  // Room for the rows and the entrants of the first 13 months (the yearly regrouping then drops
  // the retired): appending past the room would copy every column while the table is largest.
  const double entrants = static_cast<double>(n) * sc.workers.entrant_rate_per_year * 13.0 / 12.0;
  W.reserve(n + n_olf + static_cast<std::size_t>(entrants) + 1024);
  W.append(n + n_olf);  // ids 0 .. n + n_olf - 1, equal to the rows at the start
  const std::size_t n_firms = F.size();
  // Rows of each firm are contiguous, so the worker pass reads firm data in order.
  std::vector<std::size_t> first_row(n_firms + 1, 0);
  for (std::size_t f = 0; f < n_firms; ++f) {
    std::int64_t size = 0;
    for (std::size_t o = 0; o < O; ++o) size += F.headcount[F.cell(f, o)];
    first_row[f + 1] = first_row[f] + static_cast<std::size_t>(size);
  }
  const std::size_t employed = first_row[n_firms];
  // Tenure ~ geometric with mean 50 months (BLS 2024: median tenure 3.9 years).
  const double tenure_p = 1.0 / 50.0;
  sim::for_each_index(n_firms, 64, [&](std::size_t f) {
    std::size_t row = first_row[f];
    const float premium = m.class_premium[F.firm_class[f]];
    for (std::size_t o = 0; o < O; ++o) {
      for (std::int32_t k = 0; k < F.headcount[F.cell(f, o)]; ++k, ++row) {
        sim::Stream rng(seed, key.replication, 0, stream::kInitWorkers,
                        static_cast<std::uint32_t>(row));
        W.status[row] = static_cast<std::uint8_t>(Status::kEmployed);
        W.occupation[row] = static_cast<OccupationId>(o);
        W.employer[row] = static_cast<std::uint32_t>(f);
        W.wage[row] = static_cast<float>(occ.wage[o]) * premium;
        W.age[row] = static_cast<std::uint8_t>(18 + rng.below(47));
        const double t = std::floor(std::log(rng.uniform()) / std::log1p(-tenure_p));
        W.tenure[row] = static_cast<std::uint16_t>(std::min(t, kMaxStartMonths));
      }
    }
  });
  totals.initial_employment.assign(O, 0.0);
  for (std::size_t f = 0; f < n_firms; ++f) {
    for (std::size_t o = 0; o < O; ++o) {
      totals.initial_employment[o] += F.headcount[F.cell(f, o)];
    }
  }
  // The unemployed: last occupation in proportion to employment x turnover factor (the steady
  // state when the job-finding rate is common to occupations); spells geometric so that the
  // long-term share matches population.initial_long_term_share.
  std::vector<double> cdf(O);
  for (std::size_t o = 0; o < O; ++o) {
    cdf[o] = (o > 0 ? cdf[o - 1] : 0.0) + totals.initial_employment[o] * m.turnover[o];
  }
  const double lt = std::max(sc.population.initial_long_term_share, 1e-6);
  const double spell_p = 1.0 - std::pow(lt, 1.0 / static_cast<double>(sc.labour.long_term_months));
  // A last occupation in proportion to employment x turnover at the start.
  auto draw_occupation = [&](sim::Stream& rng) {
    const double u = rng.uniform() * cdf.back();
    const auto o =
        static_cast<std::size_t>(std::upper_bound(cdf.begin(), cdf.end(), u) - cdf.begin());
    return std::min(o, O - 1);
  };
  totals.initial_unemployment.assign(O, 0.0);
  for (std::size_t row = employed; row < n; ++row) {
    sim::Stream rng(seed, key.replication, 0, stream::kInitWorkers,
                    static_cast<std::uint32_t>(row));
    const std::size_t oc = draw_occupation(rng);
    W.status[row] = static_cast<std::uint8_t>(Status::kUnemployed);
    W.occupation[row] = static_cast<OccupationId>(oc);
    W.reason[row] = static_cast<std::uint8_t>(Reason::kDemand);
    W.wage[row] = static_cast<float>(occ.wage[oc]);
    W.age[row] = static_cast<std::uint8_t>(18 + rng.below(47));
    const double s =
        spell_p >= 1.0 ? 0.0 : std::floor(std::log(rng.uniform()) / std::log1p(-spell_p));
    W.spell[row] = static_cast<std::uint16_t>(std::min(s, kMaxStartMonths));
    totals.initial_unemployment[oc] += 1;
  }
  totals.initial_olf.assign(O, 0.0);
  for (std::size_t row = n; row < n + n_olf; ++row) {
    sim::Stream rng(seed, key.replication, 0, stream::kInitWorkers,
                    static_cast<std::uint32_t>(row));
    const std::size_t oc = draw_occupation(rng);
    W.status[row] = static_cast<std::uint8_t>(Status::kOutOfLabourForce);
    W.occupation[row] = static_cast<OccupationId>(oc);
    W.wage[row] = static_cast<float>(occ.wage[oc]);
    W.age[row] = static_cast<std::uint8_t>(18 + rng.below(47));
    totals.initial_olf[oc] += 1;
  }
}

void regroup_workers(const FirmTable& F, WorkerTable& W, sim::Scratch& buffers) {
  // A stable counting sort of the rows by employer, the not employed after them in their old
  // order; retired rows go. The permutation depends only on the table, so the new order is the
  // same for any thread count. Rows are positions, not identities: a worker is its id.
  WorkerTable& w = W;
  const std::size_t n = w.size();
  const std::size_t n_firms = F.size();
  // Bucket of a row: its employer, n_firms for the not employed, n_firms + 1 (dropped) if retired.
  auto bucket = [&](std::size_t i) -> std::size_t {
    if (w.status[i] == static_cast<std::uint8_t>(Status::kRetired)) return n_firms + 1;
    const std::uint32_t f = w.employer[i];
    return f == kNoEmployer ? n_firms : f;
  };
  // Counted and placed in kParts fixed parts of the rows, in parallel: within a bucket the rows
  // of part 0 come first, each part's in row order, which is the serial stable order for any
  // thread count (at 170 M workers the serial passes took 8 s a year).
  constexpr std::size_t kParts = 4;
  const std::size_t buckets = n_firms + 2;
  auto part_begin = [&](std::size_t part) { return part * n / kParts; };
  std::vector<std::uint32_t> count(kParts * buckets, 0);  // [part * buckets + bucket]
  sim::for_each_index(kParts, 1, [&](std::size_t part) {
    std::uint32_t* c = count.data() + part * buckets;
    for (std::size_t i = part_begin(part); i < part_begin(part + 1); ++i) ++c[bucket(i)];
  });
  // Positions: bucket by bucket, the parts in order within each.
  std::uint32_t at = 0;
  for (std::size_t k = 0; k < buckets; ++k) {
    for (std::size_t part = 0; part < kParts; ++part) {
      const std::uint32_t c = count[part * buckets + k];
      count[part * buckets + k] = at;
      at += c;
    }
  }
  const std::size_t kept = count[n_firms + 1];  // part 0's start of the retired bucket
  // The permutation and the column buffer borrow the two largest of `buffers` (matching's, idle
  // at this point of the month): no memory beyond what the run holds anyway, and no fresh pages
  // to fault in (at 170 M workers the two are 1.5 GB).
  const auto [kFrom, kColumn] = buffers.two_largest();
  std::uint32_t* const from = buffers.get<std::uint32_t>(kFrom, kept);
  sim::for_each_index(kParts, 1, [&](std::size_t part) {
    std::uint32_t* pos = count.data() + part * buckets;
    for (std::size_t i = part_begin(part); i < part_begin(part + 1); ++i) {
      const std::size_t k = bucket(i);
      if (k <= n_firms) from[pos[k]++] = static_cast<std::uint32_t>(i);
    }
  });
  // Each column is gathered into one scratch buffer (uninitialised, as wide as the widest
  // column) and copied back, so the table never exists twice.
  std::uint32_t* const scratch = buffers.get<std::uint32_t>(kColumn, kept);
  auto gather = [&](auto& column) {
    using T = typename std::remove_reference_t<decltype(column)>::value_type;
    static_assert(sizeof(T) <= sizeof(std::uint32_t) && alignof(T) <= alignof(std::uint32_t));
    T* sorted = reinterpret_cast<T*>(scratch);
    const T* old = column.data();
    sim::for_each_index(kept, 8192, [&](std::size_t j) { sorted[j] = old[from[j]]; });
    column.resize(kept);
    sim::for_blocks(kept, std::size_t{1} << 16,
                    [&](std::size_t, std::size_t begin, std::size_t end) {
                      std::copy(sorted + begin, sorted + end, column.data() + begin);
                    });
  };
  WorkerTable::columns(w, [&](auto& column, auto) { gather(column); });
}

}  // namespace labourshift::models
