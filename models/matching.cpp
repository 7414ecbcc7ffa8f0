#include "models/matching.hpp"

#include "models/streams.hpp"
#include "sim/parallel.hpp"
#include "sim/random.hpp"
#include "sim/scratch.hpp"

#include <boost/random/normal_distribution.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <numeric>

namespace labourshift::models {

namespace {

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

/// Written in full by draw_applications (and copied whole into the ranked buckets), so the
/// buffers that hold them are left uninitialised: zeroing them cost three quarters of match()'s
/// own time.
struct Application {
  std::uint32_t slot;  ///< kNone when the applicant falls below the hiring standard
  std::uint32_t seeker;
  float score;
};

/// Destination tables: for each origin o, Walker's alias table over destinations o' with weights
/// A(o, o') V_o', so that one 32-bit draw picks a destination in O(1): the high part of u x O is
/// the column, the low 32 bits decide between the column and its alias.
struct DestinationTable {
  std::size_t occupations = 0;
  std::vector<std::uint32_t> keep;  ///< [o * O + j]: keep column j if the low bits are below this
  std::vector<OccupationId> alias;  ///< [o * O + j]: the destination taken otherwise
  std::vector<std::uint8_t> any;    ///< [o]: 1 if some reachable occupation has vacancies

  std::size_t draw(std::size_t origin, std::uint32_t u) const {
    const std::uint64_t x = static_cast<std::uint64_t>(u) * occupations;
    const std::size_t j = static_cast<std::size_t>(x >> 32U);
    const std::size_t k = origin * occupations + j;
    return static_cast<std::uint32_t>(x) < keep[k] ? j : alias[k];
  }
};

DestinationTable destination_table(const VacancyBook& book, const Eigen::MatrixXd& mobility) {
  const std::size_t n_occ = book.occupations();
  DestinationTable t;
  t.occupations = n_occ;
  t.keep.assign(n_occ * n_occ, 0);
  t.alias.assign(n_occ * n_occ, 0);
  t.any.assign(n_occ, 0);
  std::vector<double> scaled(n_occ);
  std::vector<std::size_t> small, large;
  for (std::size_t o = 0; o < n_occ; ++o) {
    double total = 0;
    for (std::size_t d = 0; d < n_occ; ++d) {
      const double v = static_cast<double>(book.occ_begin[d + 1] - book.occ_begin[d]);
      scaled[d] = mobility(static_cast<Eigen::Index>(o), static_cast<Eigen::Index>(d)) * v;
      total += scaled[d];
    }
    if (!(total > 0)) continue;
    t.any[o] = 1;
    // Vose's construction: columns below the mean borrow from columns above it.
    small.clear();
    large.clear();
    for (std::size_t d = 0; d < n_occ; ++d) {
      scaled[d] *= static_cast<double>(n_occ) / total;
      (scaled[d] < 1.0 ? small : large).push_back(d);
    }
    std::uint32_t* keep = t.keep.data() + o * n_occ;
    OccupationId* alias = t.alias.data() + o * n_occ;
    auto threshold = [](double p) {
      return p >= 1.0 ? std::numeric_limits<std::uint32_t>::max()
                      : static_cast<std::uint32_t>(std::min(p * 0x1p32, 4294967295.0));
    };
    while (!small.empty() && !large.empty()) {
      const std::size_t s = small.back();
      small.pop_back();
      const std::size_t l = large.back();
      keep[s] = threshold(scaled[s]);
      alias[s] = static_cast<OccupationId>(l);
      scaled[l] -= 1.0 - scaled[s];
      if (scaled[l] < 1.0) {
        large.pop_back();
        small.push_back(l);
      }
    }
    // What is left has weight 1 up to rounding: always kept.
    for (const std::size_t d : large) {
      keep[d] = std::numeric_limits<std::uint32_t>::max();
      alias[d] = static_cast<OccupationId>(d);
    }
    for (const std::size_t d : small) {
      keep[d] = std::numeric_limits<std::uint32_t>::max();
      alias[d] = static_cast<OccupationId>(d);
    }
  }
  return t;
}

/// Search intensity max(floor, (1 - d)^spell) by spell, tabulated once per call of match()
/// (the power is the same for every seeker with the same spell).
std::vector<double> discouragement_table(const std::vector<Seeker>& seekers, const MatchParams& p) {
  std::uint16_t longest = 0;
  for (const auto& s : seekers) longest = std::max(longest, s.spell);
  std::vector<double> table(static_cast<std::size_t>(longest) + 1);
  double level = 1.0;
  for (auto& x : table) {
    x = std::max(p.min_search_share, level);
    level *= 1.0 - p.discouragement;
  }
  return table;
}

/// Number of applications this month: a * max(floor, (1 - d)^spell) x the seeker's own
/// intensity, randomly rounded.
std::uint32_t application_count(sim::Stream& rng, const Seeker& s, const MatchParams& p,
                                const std::vector<double>& by_spell) {
  const double x = p.applications * by_spell[s.spell] * s.intensity;
  const double whole = std::floor(x);
  return static_cast<std::uint32_t>(whole) + (rng.uniform() < x - whole ? 1U : 0U);
}

/// Draw one seeker's applications into out[0, n). Shared by the fast and the reference path.
/// Three 32-bit draws an application: destination, slot, and the score's noise (a
/// single-precision ziggurat normal: the score is kept as a float).
void draw_applications(std::uint32_t seeker_index, const Seeker& s, std::uint32_t n,
                       sim::Stream& rng, const VacancyBook& book, const DestinationTable& dest,
                       const Eigen::MatrixXd& similarity, const MatchParams& p,
                       const std::vector<double>& complementarity, Application* out) {
  const bool reachable = dest.any[s.occupation] != 0;
  boost::random::normal_distribution<float> normal;
  for (std::uint32_t k = 0; k < n; ++k) {
    Application& a = out[k];
    a.seeker = seeker_index;
    a.slot = kNone;
    const std::size_t d = dest.draw(s.occupation, rng());
    const std::uint32_t v = book.occ_begin[d + 1] - book.occ_begin[d];
    const std::uint32_t slot = book.occ_begin[d] + rng.below(std::max<std::uint32_t>(v, 1));
    const double fluency =
        complementarity.empty() ? 0.0 : p.literacy_weight * s.literacy * complementarity[d];
    const double score =
        p.similarity_weight * similarity(s.occupation, static_cast<Eigen::Index>(d)) + fluency +
        s.bonus + p.noise_sd * static_cast<double>(normal(rng));
    a.score = static_cast<float>(score);
    // The unemployed take any wage (reservation 0; wages are positive): only on-the-job seekers
    // read the slot's wage, a cache miss at a random slot.
    if (reachable && v > 0 && score >= p.hiring_standard &&
        (s.reservation <= 0.0F || book.slot_wage[slot] >= s.reservation))
      a.slot = slot;
  }
}

/// Offer key: higher wage wins, then the lower slot id. Non-negative floats order as their bits.
std::uint64_t offer_key(float wage, std::uint32_t slot) {
  return (static_cast<std::uint64_t>(std::bit_cast<std::uint32_t>(std::max(wage, 0.0F))) << 32U) |
         (kNone - slot);
}

bool better(const Application& a, const Application& b) {
  if (a.score != b.score) return a.score > b.score;
  return a.seeker < b.seeker;
}

/// The offer rounds' arrays (match()'s scratch buffers).
struct OfferState {
  const VacancyBook& book;
  const Application* ranked;          ///< applicants of each slot, best first
  const std::uint32_t* bucket_begin;  ///< slot s's applicants: [bucket_begin[s], [s + 1])
  const std::uint32_t* active;        ///< slots with applicants, ascending
  std::size_t n_active;
  std::uint8_t* filled;    ///< [slot] 1 once filled (zeroed by the caller)
  std::uint32_t* cursor;   ///< [slot] the next applicant it considers (set here)
  std::uint8_t* hired;     ///< [seeker] 1 once hired (zeroed by the caller)
  std::uint64_t* best;     ///< [seeker] the best offer it holds this round (offer_key), 0: none
  std::uint32_t* offered;  ///< [i] the seeker open[i] offers to this round
  std::uint32_t* open;     ///< the slots still open to offers
};

/// Offer rounds: each round every open slot offers its job to its best applicant not yet hired;
/// a seeker holding several offers takes the highest wage (then the lower slot); declined slots
/// move to their next applicant. Returns the offers made. A slot's hire is the applicant at its
/// cursor when it is filled.
std::int64_t offer_rounds(const OfferState& st, int rounds) {
  const VacancyBook& book = st.book;
  const Application* const ranked = st.ranked;
  const std::uint32_t* const bucket_begin = st.bucket_begin;
  std::uint32_t* const cursor = st.cursor;
  std::uint8_t* const hired = st.hired;
  std::uint8_t* const filled = st.filled;
  std::uint64_t* const best = st.best;
  std::uint32_t* const offered = st.offered;
  std::uint32_t* const open = st.open;
  std::copy(bucket_begin, bucket_begin + book.slots(), cursor);
  // The slots still open to offers: contacted, not filled, applicants left. A slot that fills or
  // runs out of applicants never makes another offer, so the rounds after the first run over the
  // few that remain (in slot order, whatever the schedule).
  std::copy(st.active, st.active + st.n_active, open);
  std::size_t n_open = st.n_active;
  std::int64_t offers = 0;
  for (int round = 0; round < rounds; ++round) {
    std::atomic<std::int64_t> made{0};
    sim::for_each_index(n_open, 256, [&](std::size_t i) {
      const std::uint32_t s = open[i];
      offered[i] = kNone;
      std::uint32_t c = cursor[s];
      while (c < bucket_begin[s + 1] && hired[ranked[c].seeker] != 0) ++c;
      cursor[s] = c;
      if (c == bucket_begin[s + 1]) return;
      const std::uint32_t seeker = ranked[c].seeker;
      offered[i] = seeker;
      const std::uint64_t k = offer_key(book.slot_wage[s], s);
      std::atomic_ref<std::uint64_t> held(best[seeker]);
      std::uint64_t cur = held.load(std::memory_order_relaxed);
      while (cur < k && !held.compare_exchange_weak(cur, k, std::memory_order_relaxed)) {
      }
      made.fetch_add(1, std::memory_order_relaxed);
    });
    if (made.load() == 0) break;
    offers += made.load();
    sim::for_each_index(n_open, 256, [&](std::size_t i) {
      const std::uint32_t seeker = offered[i];
      if (seeker == kNone) return;
      const std::uint32_t s = open[i];
      if (std::atomic_ref<std::uint64_t>(best[seeker]).load(std::memory_order_relaxed) ==
          offer_key(book.slot_wage[s], s)) {
        filled[s] = 1;
        hired[seeker] = 1;  // only the winning slot writes this seeker
      } else {
        ++cursor[s];  // declined: next applicant next round
      }
    });
    sim::for_each_index(n_open, 1024, [&](std::size_t i) {
      if (offered[i] != kNone)
        std::atomic_ref<std::uint64_t>(best[offered[i]]).store(0, std::memory_order_relaxed);
    });
    // Keep the slots that made an offer and were declined; the others are filled or exhausted.
    std::size_t kept = 0;
    for (std::size_t i = 0; i < n_open; ++i) {
      if (offered[i] != kNone && filled[open[i]] == 0) open[kept++] = open[i];
    }
    n_open = kept;
  }

  return offers;
}

}  // namespace

Eigen::MatrixXd similarity_matrix(const Eigen::MatrixXd& mobility) {
  Eigen::MatrixXd sim = mobility;
  for (Eigen::Index o = 0; o < mobility.rows(); ++o) {
    const double stay = mobility(o, o);
    for (Eigen::Index d = 0; d < mobility.cols(); ++d) {
      sim(o, d) = d == o ? 1.0 : (stay > 0 ? std::min(1.0, mobility(o, d) / stay) : 0.0);
    }
  }
  return sim;
}

std::vector<Hire> match(const std::vector<Seeker>& seekers, const VacancyBook& book,
                        const Eigen::MatrixXd& mobility, const Eigen::MatrixXd& similarity,
                        const MatchParams& params, const StreamKey& key, MatchStats* stats,
                        const std::vector<double>& complementarity) {
  sim::Scratch scratch;
  std::vector<Hire> hires;
  match(seekers, book, mobility, similarity, params, key, stats, complementarity, scratch, hires);
  return hires;
}

void match(const std::vector<Seeker>& seekers, const VacancyBook& book,
           const Eigen::MatrixXd& mobility, const Eigen::MatrixXd& similarity,
           const MatchParams& params, const StreamKey& key, MatchStats* stats,
           const std::vector<double>& complementarity, sim::Scratch& buffers,
           std::vector<Hire>& hires) {
  hires.clear();
  const std::size_t n_seek = seekers.size();
  const std::size_t n_slots = book.slots();
  if (n_seek == 0 || n_slots == 0) return;
  const DestinationTable dest = destination_table(book, mobility);
  const std::vector<double> by_spell = discouragement_table(seekers, params);
  // The month's arrays live in `buffers`, reused from month to month (sim/scratch.hpp).
  enum : std::size_t {
    kScratchRows,
    kCount,
    kPartCount,
    kBucketBegin,
    kFill,
    kRanked,
    kActive,
    kCursor,
    kHired,
    kFilled,
    kBest,
    kOffered,
    kOpen
  };

  // 1. Each seeker draws its applications into a fixed-capacity scratch row (one stream, one
  // pass, in parallel).
  const auto capacity = static_cast<std::size_t>(params.applications) + 1;
  Application* const scratch = buffers.get<Application>(kScratchRows, n_seek * capacity);
  std::uint32_t* const count = buffers.get<std::uint32_t>(kCount, n_seek);
  sim::for_each_index(n_seek, 512, [&](std::size_t i) {
    sim::Stream rng(key.seed, key.replication, key.month, stream::kApply, seekers[i].worker);
    const std::uint32_t n = std::min<std::uint32_t>(
        application_count(rng, seekers[i], params, by_spell), static_cast<std::uint32_t>(capacity));
    count[i] = n;
    draw_applications(static_cast<std::uint32_t>(i), seekers[i], n, rng, book, dest, similarity,
                      params, complementarity, scratch + i * capacity);
  });

  // 2. Bucket acceptable applications by slot, straight from the scratch rows: a stable counting
  // sort in two fixed halves of the seekers (each counts its own, then fills its own positions,
  // in parallel; the halves do not depend on the thread count), then rank each bucket.
  constexpr std::size_t kParts = 2;
  auto part_begin = [&](std::size_t part) { return part * n_seek / kParts; };
  // [part * n_slots + slot]
  std::uint32_t* const part_count = buffers.filled<std::uint32_t>(kPartCount, kParts * n_slots, 0);
  std::array<std::int64_t, kParts> part_apps{};
  sim::for_each_index(kParts, 1, [&](std::size_t part) {
    std::uint32_t* cnt = part_count + part * n_slots;
    std::int64_t sent = 0;
    for (std::size_t i = part_begin(part); i < part_begin(part + 1); ++i) {
      sent += count[i];
      const Application* row = scratch + i * capacity;
      for (std::uint32_t k = 0; k < count[i]; ++k) {
        if (row[k].slot != kNone) ++cnt[row[k].slot];
      }
    }
    part_apps[part] = sent;
  });
  // Slot s holds the first half's applications, then the second's: positions by a prefix sum
  // over slots; slots with applicants are the active ones.
  std::uint32_t* const bucket_begin = buffers.get<std::uint32_t>(kBucketBegin, n_slots + 1);
  std::uint32_t* const fill = buffers.get<std::uint32_t>(kFill, kParts * n_slots);
  std::uint32_t* const active = buffers.get<std::uint32_t>(kActive, n_slots);  // with applicants
  std::size_t n_active = 0;
  std::uint32_t at = 0;
  for (std::size_t slot = 0; slot < n_slots; ++slot) {
    bucket_begin[slot] = at;
    for (std::size_t part = 0; part < kParts; ++part) {
      fill[part * n_slots + slot] = at;
      at += part_count[part * n_slots + slot];
    }
    if (at > bucket_begin[slot]) active[n_active++] = static_cast<std::uint32_t>(slot);
  }
  bucket_begin[n_slots] = at;
  const auto acceptable = static_cast<std::int64_t>(at);
  Application* const ranked = buffers.get<Application>(kRanked, at);
  sim::for_each_index(kParts, 1, [&](std::size_t part) {
    std::uint32_t* pos = fill + part * n_slots;
    for (std::size_t i = part_begin(part); i < part_begin(part + 1); ++i) {
      const Application* row = scratch + i * capacity;
      for (std::uint32_t k = 0; k < count[i]; ++k) {
        if (row[k].slot != kNone) ranked[pos[row[k].slot]++] = row[k];
      }
    }
  });
  sim::for_each_index(n_active, 256, [&](std::size_t i) {
    const std::uint32_t s = active[i];
    std::sort(ranked + bucket_begin[s], ranked + bucket_begin[s + 1], better);
  });

  // 3. Offer rounds.
  std::uint8_t* const filled = buffers.filled<std::uint8_t>(kFilled, n_slots, 0);
  const std::int64_t offers =
      offer_rounds(OfferState{book, ranked, bucket_begin, active, n_active, filled,
                              buffers.get<std::uint32_t>(kCursor, n_slots),
                              buffers.filled<std::uint8_t>(kHired, n_seek, 0),
                              buffers.filled<std::uint64_t>(kBest, n_seek, 0),
                              buffers.get<std::uint32_t>(kOffered, n_active),
                              buffers.get<std::uint32_t>(kOpen, n_active)},
                   params.rounds);
  const std::uint32_t* const cursor = buffers.get<std::uint32_t>(kCursor, n_slots);

  for (std::size_t i = 0; i < n_active; ++i) {
    const std::uint32_t s = active[i];
    if (filled[s] != 0) {
      // The hired applicant is the one at the cursor (it accepted this slot's offer).
      hires.push_back(Hire{ranked[cursor[s]].seeker, s});
    }
  }
  if (stats != nullptr) {
    stats->applications += std::accumulate(part_apps.begin(), part_apps.end(), std::int64_t{0});
    stats->acceptable_applications += acceptable;
    stats->contacted_vacancies += static_cast<std::int64_t>(n_active);
    stats->offers += offers;
  }
}

std::vector<Hire> match_reference(const std::vector<Seeker>& seekers, const VacancyBook& book,
                                  const Eigen::MatrixXd& mobility,
                                  const Eigen::MatrixXd& similarity, const MatchParams& params,
                                  const StreamKey& key,
                                  const std::vector<double>& complementarity) {
  if (seekers.empty() || book.slots() == 0) return {};
  const DestinationTable dest = destination_table(book, mobility);
  const std::vector<double> by_spell = discouragement_table(seekers, params);
  std::map<std::uint32_t, std::vector<Application>> by_slot;
  for (std::uint32_t i = 0; i < seekers.size(); ++i) {
    sim::Stream rng(key.seed, key.replication, key.month, stream::kApply, seekers[i].worker);
    const std::uint32_t n =
        std::min<std::uint32_t>(application_count(rng, seekers[i], params, by_spell),
                                static_cast<std::uint32_t>(params.applications) + 1);
    std::vector<Application> mine(n);
    draw_applications(i, seekers[i], n, rng, book, dest, similarity, params, complementarity,
                      mine.data());
    for (const auto& a : mine) {
      if (a.slot != kNone) by_slot[a.slot].push_back(a);
    }
  }
  for (auto& [slot, list] : by_slot) std::stable_sort(list.begin(), list.end(), better);
  std::map<std::uint32_t, std::size_t> next;      // slot -> index of next applicant
  std::map<std::uint32_t, std::uint32_t> winner;  // slot -> seeker
  std::vector<bool> hired(seekers.size(), false);
  for (int round = 0; round < params.rounds; ++round) {
    std::map<std::uint32_t, std::vector<std::uint32_t>> offers_to;  // seeker -> slots
    for (auto& [slot, list] : by_slot) {
      if (winner.count(slot) != 0) continue;
      std::size_t& c = next[slot];
      while (c < list.size() && hired[list[c].seeker]) ++c;
      if (c < list.size()) offers_to[list[c].seeker].push_back(slot);
    }
    if (offers_to.empty()) break;
    for (auto& [seeker, slots] : offers_to) {
      std::uint32_t pick = slots.front();
      for (std::uint32_t s : slots) {
        if (book.slot_wage[s] > book.slot_wage[pick] ||
            (book.slot_wage[s] == book.slot_wage[pick] && s < pick)) {
          pick = s;
        }
      }
      hired[seeker] = true;
      winner[pick] = seeker;
      for (std::uint32_t s : slots) {
        if (s != pick) ++next[s];
      }
    }
  }
  std::vector<Hire> hires;
  hires.reserve(winner.size());
  for (const auto& [slot, seeker] : winner) hires.push_back(Hire{seeker, slot});
  return hires;
}

}  // namespace labourshift::models
