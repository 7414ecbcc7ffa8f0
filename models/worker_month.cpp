// What the fast and the reference worker pass share: the month's rule constants, the block
// tallies and their join, and the stock-flow check.
#include "models/worker_pass.hpp"

#include "sim/parallel.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace labourshift::models::pass {

MonthRules::MonthRules(const Model& m, const Environment& env, const OccupationState& occ)
    : O(m.data.size()), K(m.class_names.size()), month(env.month), birthday(env.month % 12 == 0) {
  const Scenario& sc = m.scenario;
  const auto& wp = sc.workers;
  const auto& rs = sc.reskilling;
  policy = env.policy;
  const auto& pol = policy;
  for (std::size_t o = 0; o < O; ++o) {
    churn.push_back({m.churn_rate(sc.labour.idiosyncratic_layoff_rate, o),
                     m.churn_rate(sc.labour.quit_rate, o),
                     m.churn_rate(sc.labour.quit_to_olf_rate, o)});
  }
  beta = wp.literacy_learning_rate;
  literacy_weight = wp.layoff_literacy_weight;
  max_weight = (1.0 + kLiteracySlack * std::fabs(literacy_weight)) / kOddsScale;
  on_the_job_share = sc.search.on_the_job_share;
  reentry = std::min(1.0, wp.reentry_rate * occ.reentry_factor);
  founder_failure = sc.founders.failure_rate;
  founder_creation = sc.founders.firm_creation_rate;
  long_term = sc.labour.long_term_months;
  months_to_firm = sc.founders.months_to_firm;
  min_reskill_spell = rs.min_spell_months;
  dropout = rs.dropout_rate;
  literacy_gain = rs.literacy_gain;
  knowledge_cap = sc.reliability.knowledge_tenure_cap_months;
  creates_firms = m.founder_class >= 0;
  for (int age = 0; age < 256; ++age) {
    retire_hazard[static_cast<std::size_t>(age)] = rules::retirement_hazard(age, wp);
    age_factor[static_cast<std::size_t>(age)] = rules::reskilling_age_factor(age, rs);
  }
  const double uptake = rules::reskilling_uptake(pol);
  for (std::size_t o = 0; o < O; ++o)
    reskill_hazard.push_back(rules::reskilling_hazard(rs, uptake, occ.reskill_gain[o]));
  for (const auto& c : sc.firms) {
    mobility.push_back(
        std::min(1.0, c.value.internal_mobility_rate * (1.0 + pol.internal_mobility_boost)));
  }
}

BlockTally::BlockTally(std::size_t O, std::size_t K)
    : layoffs(O * kLayoffReasons, 0),
      quits(O, 0),
      cls_layoffs(K * kLayoffReasons, 0),
      cls_quits(K, 0),
      transitions(kFlowCount * O, 0),
      start_stock(kStatusCount * O, 0),
      ltu_seekers(O, 0),
      ui_expired_seekers(O, 0) {}

void BlockTally::join_into(MonthFlows& flows, MonthLists& lists, Stocks& stocks,
                           RunTotals& totals) const {
  sim::add_entries(flows.layoffs, layoffs);
  sim::add_entries(flows.quits, quits);
  sim::add_entries(flows.cls_layoffs, cls_layoffs);
  sim::add_entries(flows.cls_quits, cls_quits);
  sim::add_entries(flows.transitions, transitions);
  sim::add_entries(flows.start_stock, start_stock);
  sim::add_entries(flows.ltu_seekers, ltu_seekers);
  sim::add_entries(flows.ui_expired_seekers, ui_expired_seekers);
  flows.employment_start += employed;
  const std::size_t O = quits.size();
  for (const auto& [from, to] : completions) totals.reskill_flows[from * O + to] += 1;
  auto append = [](std::vector<std::uint32_t>& to, const std::vector<std::uint32_t>& from) {
    to.insert(to.end(), from.begin(), from.end());
  };
  append(lists.seekers, seekers);
  append(lists.redeploy_candidates, candidates);
  append(lists.founders_creating, founders);
  append(lists.job_searchers, job_searchers);
  append(lists.mandated, mandated);
  stocks.wages_total += wages;
  stocks.literacy_total += literacy;
  stocks.fluent_wage += fluent_wage;
  stocks.fluent_n += fluent_n;
  stocks.other_wage += other_wage;
  stocks.other_n += other_n;
}

void reset_month(MonthFlows& flows, MonthLists& lists, Stocks& stocks) {
  for (auto* v : {&flows.layoffs, &flows.quits, &flows.cls_layoffs, &flows.cls_quits,
                  &flows.transitions, &flows.start_stock, &flows.ltu_seekers,
                  &flows.ui_expired_seekers, &flows.ltu_hired, &flows.ui_expired_hired}) {
    std::fill(v->begin(), v->end(), 0);
  }
  flows.employment_start = 0;
  lists.clear();
  stocks.wages_total = stocks.literacy_total = stocks.fluent_wage = stocks.fluent_n =
      stocks.other_wage = stocks.other_n = 0;
}

void check_start_stocks(const Model& m, int month, const MonthFlows& flows, const Stocks& last) {
  const std::size_t O = m.data.size();
  const std::vector<double>* by_status[kStatusCount] = {&last.employed, &last.unemployed,
                                                        &last.reskilling, &last.founders,
                                                        &last.out_of_labour_force};
  for (std::size_t st = 0; st < kStatusCount; ++st) {
    for (std::size_t o = 0; o < O; ++o) {
      const std::int64_t counted = flows.start_stock[st * O + o];
      if (static_cast<double>(counted) != (*by_status[st])[o]) {
        throw std::logic_error("stock-flow identity broken in month " + std::to_string(month) +
                               ": status " + std::to_string(st) + ", occupation " +
                               m.data.occupations[o].id + ": counted " + std::to_string(counted) +
                               ", flows give " + std::to_string((*by_status[st])[o]));
      }
    }
  }
}

}  // namespace labourshift::models::pass
