// Firm accounts, each month: incidents (reliability), layoff costs, cash, and exit after months
// of negative cash.
#include "models/phases.hpp"
#include "models/rules.hpp"
#include "models/worker_pass.hpp"
#include "sim/parallel.hpp"
#include "sim/random.hpp"

#include <algorithm>
#include <cmath>

namespace labourshift::models {

namespace {
constexpr std::size_t kFirmGrain = 256;

/// The month's cash flow of firm f: revenue less incident losses, wages, compute, other and
/// layoff costs.
double cash_flow(const FirmTable& F, std::size_t f) {
  return F.core_revenue[f] + F.ai_revenue[f] - F.incident_cost[f] - F.wage_bill[f] -
         F.capex_payment[f] - F.opex[f] - F.other_costs[f] - F.layoff_costs[f];
}

}  // namespace

void account_firms(const Model& m, DrawKey key, const Environment& env, const OccupationState& occ,
                   FirmTable& F, MonthFlows& flows) {
  // Cash += revenue - wages - capex payments - opex - other costs - incident losses - layoff
  // costs, and reliability: load ratio rho = used compute / (capacity Q_f can operate);
  // incident hazard h0 rho^eta; an incident costs a share of the month's AI revenue.
  const Scenario& sc = m.scenario;
  const std::size_t O = m.data.size();
  const auto& rel = sc.reliability;
  const auto active_before = std::count(F.active.begin(), F.active.end(), std::uint8_t{1});
  // Idiosyncratic exits draw one keyed word per firm (a hash, not a Philox block per firm).
  const sim::KeyedWords exit_words(key.seed, key.replication, static_cast<std::uint32_t>(env.month),
                                   stream::kFirmExit);
  sim::for_each_index(F.size(), kFirmGrain, [&](std::size_t f) {
    if (F.active[f] == 0) return;
    const auto& c = sc.firms[F.firm_class[f]].value;
    if (F.exiting[f] != 0) {
      // Its staff were laid off this month, after being paid for it (no severance on exit); it
      // earns nothing and holds nothing from now on.
      F.layoff_costs[f] = 0;
      F.cash_change[f] = cash_flow(F, f);
      F.cash[f] += F.cash_change[f];
      F.active[f] = 0;
      F.exiting[f] = 2;  // closed this month: a new firm takes its place (below)
      F.capacity[f] = 0;
      F.pipeline_total[f] = 0;
      for (std::size_t o = 0; o < O; ++o) {
        const std::size_t cell = F.cell(f, o);
        F.requirement[cell] = F.requirement_no_ai[cell] = F.budget_freeze[cell] = 0;
        F.odds[cell] = CellOdds{};
        // This month's opening counts are already tallied (matching came first); clear them.
        F.openings_new[cell] = F.openings_spontaneous[cell] = F.openings_expired[cell] = 0;
      }
      return;
    }
    // Incidents hit AI services: firms that sell AI and had knowledge staff to run it.
    if (F.ai_seller[f] != 0 && F.knowledge_capacity[f] > 0 && F.ai_revenue[f] > 0) {
      const double operable = F.knowledge[f] * F.knowledge_capacity[f] * env.operability;
      const double load = operable > 0
                              ? std::min(F.compute_used[f] / operable, rules::kMaxLoadRatio)
                              : rules::kMaxLoadRatio;
      F.load_ratio[f] = load;
      const double hazard = rules::incident_hazard(rel, load);
      sim::Stream rng(key.seed, key.replication, static_cast<std::uint32_t>(env.month),
                      stream::kIncident, static_cast<std::uint32_t>(f));
      if (rng.uniform() < hazard) {
        F.incident[f] = 1;
        F.incident_cost[f] = rel.incident_cost_share * F.ai_revenue[f];
      }
    }
    // Layoff costs of the month: severance on every layoff but firm exits, and for AI-attributed
    // layoffs the disclosure (reputation) and retraining-mandate costs.
    {
      const auto staff = static_cast<double>(F.staff(f));
      const std::int32_t* lay = F.layoffs.data() + f * kLayoffReasons;
      const double ai_layoffs = lay[kLayoffAutomation] + lay[kLayoffCapexFunding];
      const double mean_wage = staff > 0 ? F.wage_bill[f] / staff : 0.0;
      // The mandate's payment is in dollars, whatever the staff left (a firm that lays off its
      // last workers still pays it); the disclosure cost is in months of the mean wage.
      const double mandate =
          env.policy.retraining_mandate ? env.policy.retraining_mandate_cost_usd : 0.0;
      const double disclosure =
          env.policy.disclosure_rule ? env.policy.disclosure_cost_months * mean_wage : 0.0;
      F.layoff_costs[f] =
          env.policy.severance_months * mean_wage * (lay[kLayoffDemand] + ai_layoffs) +
          (mandate + disclosure) * ai_layoffs;
    }
    const double change = cash_flow(F, f);
    F.cash_change[f] = change;
    F.cash[f] += change;
    const double revenue = F.core_revenue[f] + F.ai_revenue[f];
    if (F.cash[f] < -c.exit_cash_months * revenue) {
      ++F.negative_cash_months[f];
    } else {
      F.negative_cash_months[f] = 0;
    }
    if (F.negative_cash_months[f] >= c.exit_after_months) F.exiting[f] = 1;
    // Idiosyncratic exit (owner retires, product fails), whatever the cash.
    if (F.exit_hazard[f] > 0 &&
        pass::uniform_from_word(exit_words(static_cast<std::uint32_t>(f))) < F.exit_hazard[f])
      F.exiting[f] = 1;
  });
  flows.firm_exits = active_before - std::count(F.active.begin(), F.active.end(), std::uint8_t{1});
  // Entry: a new firm of the same class takes each closed firm's place, with its base
  // requirement (the niche is re-entered) and no staff; it opens its openings from next month and
  // starts with the class's outside funding. Founders' firms are not replaced: founders create
  // new ones. Serial, in firm order: the same for any threads.
  flows.firm_entries = 0;
  const std::size_t existing = F.size();
  for (std::size_t f = 0; f < existing; ++f) {
    if (F.exiting[f] != 2) continue;
    F.exiting[f] = 0;
    if (F.founded[f] != 0) continue;
    std::vector<float> base(O);
    for (std::size_t o = 0; o < O; ++o) base[o] = F.base_requirement[F.cell(f, o)];
    const double hazard = F.exit_hazard[f];
    const std::size_t g = add_firm(m, env, occ, F.firm_class[f], base, 0.0, F);
    F.exit_hazard[g] = hazard;
    F.real_firms[g] = F.real_firms[f];
    F.sites[g] = F.sites[f];
    F.ai_seller[g] = F.ai_seller[f];
    flows.new_firm_funding += F.cash[g];
    ++flows.firm_entries;
  }
}

}  // namespace labourshift::models
