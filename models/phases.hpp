// The phases of set-up and of the month, as free functions over the state of state.hpp: each
// signature names what the phase reads (const) and what it writes. models/step.cpp runs them in
// order from one table (name, random streams, function); docs/architecture.md draws the picture.
#pragma once

#include "models/model.hpp"
#include "models/state.hpp"
#include "models/streams.hpp"
#include "sim/scratch.hpp"

#include <cstdint>
#include <vector>

namespace labourshift::models {

/// Worker rows are regrouped by employer this often (months).
inline constexpr int kRegroupMonths = 12;

// --- set-up (setup_firms.cpp, setup_workers.cpp) --------------------------------------------

/// Firm classes' firms, their sizes and occupation mixes; headcounts and base requirements.
void set_up_firms(const Model& m, DrawKey key, FirmTable& firms);
/// Worker rows for the firms' staff, the unemployed and the marginally attached; the start stocks.
void set_up_workers(const Model& m, DrawKey key, const FirmTable& firms, const OccupationState& occ,
                    WorkerTable& workers, RunTotals& totals);
/// Stocks and per-firm sums (wage bills, literacy, knowledge) counted from the table at the start.
void measure_start(const Model& m, const WorkerTable& workers, FirmTable& firms, Stocks& stocks,
                   ThreadFirmSums& sums);
/// Revenue, costs, compute, pipeline, payments and cash at the start; the AI market M(0).
void set_up_firm_finance(const Model& m, const OccupationState& occ, FirmTable& firms,
                         Environment& env);
/// Appends a firm of class k whose base requirement is `base` (per occupation), with
/// `grant_months` of revenue in public grants on top of its class's starting cash; returns its row.
std::size_t add_firm(const Model& m, const Environment& env, const OccupationState& occ,
                     std::size_t k, const std::vector<float>& base, double grant_months,
                     FirmTable& firms);
/// Occupation mix of a class: OEWS employment shares, times the tech-relevant share for tech
/// classes, with ai_role occupations tilted.
std::vector<double> class_mix(const OccupationData& data, const FirmClassParams& c);
/// Adds up the threads' per-firm sums into the firm table and zeroes them for the next pass.
void merge_firm_sums(ThreadFirmSums& sums, FirmTable& firms);
/// theta*_ko by class and occupation, [k * O + o], at capability `capability` and price `price`.
std::vector<double> adoption_targets(const Model& m, const OccupationState& occ, double capability,
                                     double price);

// --- the month, in order ---------------------------------------------------------------------

/// Drops retired rows and groups employed rows by employer (the not employed after them), so that
/// the worker pass reads firm data in order as hires scatter staff over the table. Its two
/// buffers (8 bytes a row) borrow the largest two of `buffers`.
void regroup_workers(const FirmTable& firms, WorkerTable& workers, sim::Scratch& buffers);
/// a(t), p(t), D(t), M(t), the adoption targets and the AI-share denominator of month `month`.
void update_environment(const Model& m, int month, const FirmTable& firms,
                        const OccupationState& occ, Environment& env);
/// Capacity, revenue, adoption, requirements, compute orders, the budget constraint, layoff odds.
void plan_firms(const Model& m, DrawKey key, const Environment& env, const OccupationState& occ,
                FirmTable& firms);
/// The same plans firm by firm on one thread: the reference plan_firms is tested against.
void plan_firms_reference(const Model& m, DrawKey key, const Environment& env,
                          const OccupationState& occ, FirmTable& firms);
/// Reskilling targets and expected gains from last month's job finding; the re-entry factor.
void plan_workers(const Model& m, int month, const MonthFlows& last_month, OccupationState& occ);
/// The fused pass over every worker: ageing, retirement, separations, transitions, literacy,
/// on-the-job search, the start-of-month count (with the stock-flow check) and firm sums.
void worker_pass(const Model& m, DrawKey key, const Environment& env, const OccupationState& occ,
                 FirmTable& firms, WorkerTable& workers, MonthFlows& flows, MonthLists& lists,
                 Stocks& stocks, RunTotals& totals, ThreadFirmSums& sums);
/// The same rules, one worker at a time in row order, without the kernel's speed tricks: the
/// reference the fast pass is tested against.
void worker_pass_reference(const Model& m, DrawKey key, const Environment& env,
                           const OccupationState& occ, FirmTable& firms, WorkerTable& workers,
                           MonthFlows& flows, MonthLists& lists, Stocks& stocks, RunTotals& totals,
                           ThreadFirmSums& sums);
/// Internal moves for those due to be laid off, else the layoff.
void redeploy(const Model& m, const Environment& env, const OccupationState& occ, FirmTable& firms,
              WorkerTable& workers, MonthFlows& flows, MonthLists& lists);
/// How many firms set-up creates (the memory estimate's count).
std::size_t initial_firm_count(const Model& m);
/// H_n = 1 + 1/2 + ... + 1/n (n >= 1; 0 below).
double harmonic(double n);
/// The WARN notices of one real firm of `staff` persons and `sites` sites (sizes falling as 1/j)
/// that lays off `laid_off` persons pro rata over its sites this month.
struct WarnSites {
  double notices = 0;         ///< sites that file
  double persons = 0;         ///< persons in those notices
  double largest = 0;         ///< the largest site's notice, persons (site j's: largest / j)
  double smallest = 0;        ///< the smallest notice filed
  double harmonic_sites = 0;  ///< H_S
};
WarnSites warn_sites(double staff, double laid_off, double sites, const WorkerParams& rules);
/// WARN notices of the month, from the firms' layoffs by reason: the rows of /events/warn and
/// the month's count, persons and median notice.
void file_warn_notices(const Model& m, DrawKey key, int month, const FirmTable& firms,
                       std::vector<std::int64_t>& warn_rows, WarnMonth& summary);
/// The retraining mandate enrols this month's AI-attributed layoffs in a funded programme.
void enrol_mandated(const Model& m, const Environment& env, const OccupationState& occ,
                    WorkerTable& workers, MonthFlows& flows, MonthLists& lists);
/// Founders create their firms and become its first employee.
void create_founder_firms(const Model& m, const Environment& env, const OccupationState& occ,
                          FirmTable& firms, WorkerTable& workers, MonthFlows& flows,
                          MonthLists& lists);
/// New entrants join unemployment and this month's seekers.
void enter_labour_force(const Model& m, DrawKey key, const Environment& env,
                        const OccupationState& occ, const Stocks& stocks, WorkerTable& workers,
                        MonthFlows& flows, MonthLists& lists);
/// Posts the vacancies, matches the unemployed and on-the-job seekers, applies the hires. `memory`
/// holds the phase's arrays from month to month (its contents are this month's scratch).
void post_and_match(const Model& m, DrawKey key, const Environment& env, const OccupationState& occ,
                    const MonthLists& lists, FirmTable& firms, WorkerTable& workers,
                    MonthFlows& flows, RunTotals& totals, MatchMemory& memory);
/// Occupation wages move with tightness relative to its recent normal.
void update_wages(const Model& m, int month, double productivity, const MonthFlows& flows,
                  OccupationState& occ);
/// End-of-month stocks: the start count plus the month's flows; tightness V/U for next month.
void close_stocks(int month, const MonthFlows& flows, Stocks& stocks, OccupationState& occ);
/// Cash, incidents, layoff costs, exit.
void account_firms(const Model& m, DrawKey key, const Environment& env, const OccupationState& occ,
                   FirmTable& firms, MonthFlows& flows);

/// A full recount of end-of-month stocks from the worker table (slow reference for tests):
/// employed, unemployed, long-term unemployed, reskilling, founders, out of the labour force,
/// each by occupation, concatenated.
std::vector<double> recount_stocks(const Model& m, const WorkerTable& workers);

}  // namespace labourshift::models
