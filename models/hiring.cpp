// Hiring, each month: the firms' open openings (a stock carried from month to month, see
// firm_planning.cpp) are put on the market, the unemployed and on-the-job seekers apply and are
// matched (matching.cpp), the hires are applied to the worker and firm tables, and the month's new
// openings join the stock.
#include "models/matching.hpp"
#include "models/phases.hpp"
#include "models/rules.hpp"
#include "sim/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>

namespace labourshift::models {

namespace {

constexpr std::size_t kFirmBlock = 512;
constexpr std::size_t kHireBlock = 2048;

/// The open openings V_fo (the stock left after this month's expiry), in a book of slots grouped
/// by occupation, firms in ascending order within each; with the month's opening flows by
/// occupation. Built in parallel over blocks of firms:
/// count per block and occupation, prefix-sum in block order, then each block fills its own
/// ranges (the same book for any thread count). slot_occ: the occupation of each slot. The fill
/// pass then adds the month's new openings to each cell's stock, after its slots are written.
void post_vacancies(const Model& m, const OccupationState& occ, FirmTable& F, MonthFlows& flows,
                    VacancyBook& book, std::vector<OccupationId>& slot_occ) {
  const std::size_t O = m.data.size(), K = m.class_names.size();
  book.occ_begin.assign(O + 1, 0);
  const std::size_t n_firms = F.size();
  const std::size_t nb = sim::block_count(n_firms, kFirmBlock);
  std::vector<std::uint32_t> block_count(nb * O, 0);
  std::vector<std::int64_t> block_class(nb * K, 0);
  std::vector<std::int64_t> block_flows(nb * 3 * O, 0);  ///< new, spontaneous, expired [b][3][o]
  sim::for_blocks(n_firms, kFirmBlock, [&](std::size_t b, std::size_t begin, std::size_t end) {
    std::uint32_t* cnt = block_count.data() + b * O;
    std::int64_t* cls = block_class.data() + b * K;
    std::int64_t* opened = block_flows.data() + b * 3 * O;
    for (std::size_t f = begin; f < end; ++f) {
      for (std::size_t li = F.live_begin[f]; li < F.live_begin[f + 1]; ++li) {
        const std::size_t o = F.live_occ[li];
        const std::size_t c = F.cell(f, o);
        const std::int32_t v = F.vacancies[c];
        cnt[o] += static_cast<std::uint32_t>(v);
        cls[F.firm_class[f]] += v;
        opened[o] += F.openings_new[c];
        opened[O + o] += F.openings_spontaneous[c];
        opened[2 * O + o] += F.openings_expired[c];
      }
    }
  });
  for (auto* v : {&flows.vacancies_posted, &flows.openings_new, &flows.openings_spontaneous,
                  &flows.openings_expired}) {
    std::fill(v->begin(), v->end(), 0);
  }
  std::fill(flows.cls_vacancies.begin(), flows.cls_vacancies.end(), 0);
  for (std::size_t b = 0; b < nb; ++b) {
    for (std::size_t o = 0; o < O; ++o) {
      flows.vacancies_posted[o] += block_count[b * O + o];
      flows.openings_new[o] += block_flows[b * 3 * O + o];
      flows.openings_spontaneous[o] += block_flows[b * 3 * O + O + o];
      flows.openings_expired[o] += block_flows[b * 3 * O + 2 * O + o];
    }
    for (std::size_t k = 0; k < K; ++k) flows.cls_vacancies[k] += block_class[b * K + k];
  }
  for (std::size_t o = 0; o < O; ++o) {
    book.occ_begin[o + 1] =
        book.occ_begin[o] + static_cast<std::uint32_t>(flows.vacancies_posted[o]);
  }
  // Block b's first slot in occupation o: the occupation's start plus earlier blocks' counts.
  std::vector<std::uint32_t> block_start(nb * O);
  for (std::size_t o = 0; o < O; ++o) {
    std::uint32_t at = book.occ_begin[o];
    for (std::size_t b = 0; b < nb; ++b) {
      block_start[b * O + o] = at;
      at += block_count[b * O + o];
    }
  }
  // Every slot is written below: resize keeps last month's capacity and values.
  book.slot_firm.resize(book.occ_begin[O]);
  book.slot_wage.resize(book.occ_begin[O]);
  slot_occ.resize(book.occ_begin[O]);
  sim::for_blocks(n_firms, kFirmBlock, [&](std::size_t b, std::size_t begin, std::size_t end) {
    std::uint32_t* fill = block_start.data() + b * O;
    for (std::size_t f = begin; f < end; ++f) {
      const float premium = m.class_premium[F.firm_class[f]];
      for (std::size_t li = F.live_begin[f]; li < F.live_begin[f + 1]; ++li) {
        const std::size_t o = F.live_occ[li];
        const std::size_t c = F.cell(f, o);
        for (std::int32_t k = 0; k < F.vacancies[c]; ++k) {
          const std::uint32_t slot = fill[o]++;
          book.slot_firm[slot] = static_cast<std::uint32_t>(f);
          book.slot_wage[slot] = static_cast<float>(occ.wage[o]) * premium;
          slot_occ[slot] = static_cast<OccupationId>(o);
        }
        // The month's new openings join the stock now that the book is built: they are not in
        // it, so they are filled from next month on. Hires subtract from the same count later
        // (integers: the order does not matter), and nothing reads the stock in between.
        F.vacancies[c] += F.openings_new[c];
      }
    }
  });
}

/// Rows ahead whose columns are prefetched where a list of sparse rows is read in order: the rows
/// are far apart, so the hardware's own prefetcher does not see them coming.
constexpr std::size_t kGatherAhead = 16;

void prefetch_seeker(const WorkerTable& w, std::uint32_t row) {
  __builtin_prefetch(w.id.data() + row);
  __builtin_prefetch(w.occupation.data() + row);
  __builtin_prefetch(w.spell.data() + row);
  __builtin_prefetch(w.literacy.data() + row);
  __builtin_prefetch(w.reason.data() + row);
  __builtin_prefetch(w.wage.data() + row);
}

/// The month's seekers: the unemployed (benefits lower their search intensity while they last; a
/// hiring subsidy raises the score of those laid off for AI reasons), then on-the-job seekers, who
/// take only offers above their pay: reservation wage = nominal wage x (1 + job_to_job_premium).
void gather_seekers(const Model& m, const Environment& env, const WorkerTable& w,
                    const MonthLists& lists, MonthFlows& flows, std::vector<Seeker>& seekers) {
  const Scenario& sc = m.scenario;
  const PolicyParams& pol = env.policy;
  const double wage_level = env.productivity;
  // Sized once for both groups; every entry is written below.
  seekers.resize(lists.seekers.size() + lists.job_searchers.size());
  const auto on_benefits = static_cast<float>(1.0 - pol.ui_search_effect * pol.ui_replacement_rate);
  sim::for_each_index(lists.seekers.size(), 2048, [&](std::size_t i) {
    const std::uint32_t row = lists.seekers[i];
    if (i + kGatherAhead < lists.seekers.size())
      prefetch_seeker(w, lists.seekers[i + kGatherAhead]);
    const float intensity = w.spell[row] <= pol.ui_months ? on_benefits : 1.0F;
    const bool ai_displaced = is_ai_attributed(static_cast<Reason>(w.reason[row]));
    seekers[i] = Seeker{w.id[row],
                        w.occupation[row],
                        w.spell[row],
                        w.literacy[row],
                        0.0F,
                        intensity,
                        ai_displaced ? static_cast<float>(pol.hiring_subsidy) : 0.0F,
                        row};
  });
  std::fill(flows.seekers_by_occ.begin(), flows.seekers_by_occ.end(), 0);
  flows.new_seekers = 0;
  const std::size_t n_unemployed = lists.seekers.size();
  for (std::size_t i = 0; i < n_unemployed; ++i) {
    ++flows.seekers_by_occ[seekers[i].occupation];
    if (seekers[i].spell == 0) ++flows.new_seekers;
  }
  const auto ojs_intensity = static_cast<float>(sc.search.on_the_job_intensity);
  const double above = wage_level * (1.0 + sc.search.job_to_job_premium);
  sim::for_each_index(lists.job_searchers.size(), 2048, [&](std::size_t k) {
    const std::uint32_t row = lists.job_searchers[k];
    if (k + kGatherAhead < lists.job_searchers.size()) {
      prefetch_seeker(w, lists.job_searchers[k + kGatherAhead]);
    }
    const auto reservation = static_cast<float>(w.wage[row] * above);
    seekers[n_unemployed + k] = Seeker{w.id[row],   w.occupation[row], 0,    w.literacy[row],
                                       reservation, ojs_intensity,     0.0F, row};
  });
}

/// Counts of one block of hires, joined in block order.
struct HireTally {
  std::vector<std::int64_t> hires, job_finds, job_to_job, ltu_hired, ui_expired_hired,
      from_olf;                                           ///< [o]
  std::vector<std::int64_t> reemploy_ai, reemploy_other;  ///< by months unemployed
  std::vector<std::int64_t> transitions;                  ///< [from * O + to]
  std::int64_t ai_displaced = 0;  ///< hires out of unemployment after an AI-attributed layoff

  explicit HireTally(std::size_t O)
      : hires(O, 0),
        job_finds(O, 0),
        job_to_job(O, 0),
        ltu_hired(O, 0),
        ui_expired_hired(O, 0),
        from_olf(O, 0),
        reemploy_ai(RunTotals::kSpellBins, 0),
        reemploy_other(RunTotals::kSpellBins, 0),
        transitions(O * O, 0) {}

  void join_into(MonthFlows& flows, RunTotals& totals) const {
    sim::add_entries(flows.hires, hires);
    sim::add_entries(flows.job_finds, job_finds);
    sim::add_entries(flows.job_to_job_out, job_to_job);
    sim::add_entries(flows.ltu_hired, ltu_hired);
    sim::add_entries(flows.ui_expired_hired, ui_expired_hired);
    const std::size_t O = hires.size();
    for (std::size_t o = 0; o < O; ++o) flows.transitions[kHireFromOlf * O + o] += from_olf[o];
    flows.ai_displaced_hires += ai_displaced;
    sim::add_entries(totals.reemploy_ai, reemploy_ai);
    sim::add_entries(totals.reemploy_other, reemploy_other);
    sim::add_entries(totals.transitions, transitions);
  }
};

/// Applies the hires in parallel, in two passes that each run through memory in order: the
/// firm side in slot order (slots are grouped by occupation, firms ascending within each), so the
/// cells' counts are touched in order, and the worker side in seeker order, which is the order
/// of the workers' rows (the unemployed, then the on-the-job searchers, each gathered by the
/// worker pass in row order). Every effect commutes: each row is written by one hire, a cell's
/// counts take integer atomic adds (few hires share a cell) and the tallies are integer sums,
/// per block and joined in block order, so the result is the same for any schedule and either
/// order, and no cache line passes back and forth between threads on every hire.
void apply_hires(const Model& m, const Environment& env, const std::vector<Hire>& hires,
                 const std::vector<Seeker>& seekers, std::size_t n_unemployed,
                 const VacancyBook& book, const std::vector<OccupationId>& slot_occ, FirmTable& F,
                 WorkerTable& W, MonthFlows& flows, RunTotals& totals, sim::Scratch& buffers) {
  const Scenario& sc = m.scenario;
  const double wage_level = env.productivity;
  const std::size_t O = m.data.size(), K = m.class_names.size();
  constexpr std::uint32_t kNoHire = std::numeric_limits<std::uint32_t>::max();
  // Past match()'s own buffers (its slots are 0 .. 12).
  enum : std::size_t { kHireOf = 16, kInOrder };
  std::uint32_t* const hire_of = buffers.filled<std::uint32_t>(kHireOf, seekers.size(), kNoHire);
  for (std::size_t k = 0; k < hires.size(); ++k) {
    hire_of[hires[k].seeker] = static_cast<std::uint32_t>(k);
  }
  std::uint32_t* const in_order = buffers.get<std::uint32_t>(kInOrder, hires.size());
  std::size_t n_in_order = 0;
  for (std::size_t i = 0; i < seekers.size(); ++i) {
    if (hire_of[i] != kNoHire) in_order[n_in_order++] = hire_of[i];
  }
  // Firm side, slot order: the new employer's cell gains a worker and loses an opening.
  const std::size_t blocks = sim::block_count(hires.size(), kHireBlock);
  std::vector<std::int64_t> cls_hires(blocks * K, 0);  // [block * K + k]
  sim::for_blocks(hires.size(), kHireBlock, [&](std::size_t b, std::size_t begin, std::size_t end) {
    std::int64_t* cls = cls_hires.data() + b * K;
    for (std::size_t k = begin; k < end; ++k) {
      const std::uint32_t slot = hires[k].slot;
      const std::uint32_t f = book.slot_firm[slot];
      const std::size_t c = F.cell(f, slot_occ[slot]);
      std::atomic_ref(F.headcount[c]).fetch_add(1, std::memory_order_relaxed);
      std::atomic_ref(F.vacancies[c]).fetch_sub(1, std::memory_order_relaxed);
      ++cls[F.firm_class[f]];
    }
  });
  // Worker side, row order.
  std::vector<HireTally> tally(blocks, HireTally(O));
  sim::for_blocks(hires.size(), kHireBlock, [&](std::size_t b, std::size_t begin, std::size_t end) {
    HireTally& t = tally[b];
    for (std::size_t k = begin; k < end; ++k) {
      if (k + kGatherAhead < end) {
        const std::uint32_t ahead = seekers[hires[in_order[k + kGatherAhead]].seeker].row;
        prefetch_seeker(W, ahead);
        __builtin_prefetch(W.status.data() + ahead, 1);
        __builtin_prefetch(W.employer.data() + ahead, 1);
        __builtin_prefetch(W.tenure.data() + ahead, 1);
      }
      const Hire& h = hires[in_order[k]];
      const std::uint32_t id = seekers[h.seeker].row;
      const std::size_t from = W.occupation[id];
      const std::size_t to = slot_occ[h.slot];
      const std::uint32_t f = book.slot_firm[h.slot];
      // AI premium: fluent workers in complemented occupations are paid more.
      const float wage =
          book.slot_wage[h.slot] / static_cast<float>(wage_level) *
          static_cast<float>(1.0 + sc.workers.ai_wage_premium * W.literacy[id] *
                                       m.complementarity[to] / m.max_complementarity);
      ++t.hires[to];
      if (h.seeker >= n_unemployed) {
        // A job-to-job move: the worker quits the old employer for the new one.
        std::atomic_ref(F.headcount[F.cell(W.employer[id], from)])
            .fetch_sub(1, std::memory_order_relaxed);
        ++t.job_to_job[from];
      } else {
        W.status[id] = static_cast<std::uint8_t>(Status::kEmployed);
        if (W.spell[id] >= sc.labour.long_term_months) ++t.ltu_hired[from];
        if (W.spell[id] > env.policy.ui_months) ++t.ui_expired_hired[from];
        const auto reason = static_cast<Reason>(W.reason[id]);
        const std::size_t bin = std::min<std::size_t>(W.spell[id], RunTotals::kSpellBins - 1);
        if (is_ai_attributed(reason)) {
          ++t.reemploy_ai[bin];
          ++t.ai_displaced;
        } else if (reason == Reason::kDemand || reason == Reason::kFirmExit) {
          ++t.reemploy_other[bin];
        }
        // Spell 0: joined the labour force this month (entrant or re-entrant), hired at once.
        if (W.spell[id] == 0) ++t.from_olf[from];
        W.spell[id] = 0;
        ++t.job_finds[from];
        ++t.transitions[from * O + to];
      }
      W.employer[id] = f;
      W.occupation[id] = static_cast<OccupationId>(to);
      W.wage[id] = wage;
      W.tenure[id] = 0;
    }
  });
  for (auto* v : {&flows.hires, &flows.job_finds, &flows.cls_hires, &flows.job_to_job_out}) {
    std::fill(v->begin(), v->end(), 0);
  }
  flows.ai_displaced_hires = 0;
  for (const HireTally& t : tally) t.join_into(flows, totals);
  for (std::size_t i = 0; i < cls_hires.size(); ++i) flows.cls_hires[i % K] += cls_hires[i];
}

}  // namespace

void post_and_match(const Model& m, DrawKey key, const Environment& env, const OccupationState& occ,
                    const MonthLists& lists, FirmTable& F, WorkerTable& W, MonthFlows& flows,
                    RunTotals& totals, MatchMemory& mem) {
  post_vacancies(m, occ, F, flows, mem.book, mem.slot_occ);
  gather_seekers(m, env, W, lists, flows, mem.seekers);
  const auto& sp = m.scenario.search;
  const MatchParams params{sp.applications,    sp.discouragement,    sp.min_search_share,
                           sp.rounds,          sp.similarity_weight, sp.noise_sd,
                           sp.hiring_standard, sp.literacy_weight};
  MatchStats stats;
  match(mem.seekers, mem.book, m.data.mobility, m.similarity, params,
        StreamKey{key.seed, key.replication, static_cast<std::uint32_t>(env.month)}, &stats,
        m.complementarity, mem.buffers, mem.hires);
  flows.applications = stats.applications;
  apply_hires(m, env, mem.hires, mem.seekers, lists.seekers.size(), mem.book, mem.slot_occ, F, W,
              flows, totals, mem.buffers);
}

}  // namespace labourshift::models
