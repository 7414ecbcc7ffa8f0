// Measurement from the worker table: the stocks and firm sums of the start, the end-of-month
// stocks built from the flows, and a full recount for tests.
#include "models/phases.hpp"
#include "sim/parallel.hpp"

#include <array>
#include <numeric>

namespace labourshift::models {

namespace {
constexpr std::size_t kWorkerBlock = std::size_t{1} << 15;
}  // namespace

void merge_firm_sums(ThreadFirmSums& sums, FirmTable& F) {
  sim::for_each_index(F.size(), 1024, [&](std::size_t f) {
    std::int64_t wage = 0, lit = 0, know = 0;
    // Each thread's arrays are kept from month to month (no allocation, no page faults):
    // read, then zeroed for the next pass.
    for (auto& part : sums) {
      if (f >= part.firm.size()) continue;
      wage += part.firm[f][0];
      lit += part.firm[f][1];
      know += part.firm[f][2];
      part.firm[f] = {0, 0, 0};
    }
    F.wage_bill[f] = static_cast<double>(wage) / 100.0;
    F.literacy_sum[f] = lit;
    F.knowledge[f] = static_cast<double>(know) / 1000.0;
  });
}

std::vector<double> recount_stocks(const Model& m, const WorkerTable& W) {
  const std::size_t O = m.data.size();
  const Scenario& sc = m.scenario;
  std::vector<double> out(6 * O, 0.0);
  const WorkerTable& w = W;
  for (std::size_t i = 0; i < w.size(); ++i) {
    const std::size_t o = w.occupation[i];
    switch (static_cast<Status>(w.status[i])) {
      case Status::kEmployed:
        out[o] += 1;
        break;
      case Status::kUnemployed:
        out[O + o] += 1;
        if (w.spell[i] >= sc.labour.long_term_months) out[2 * O + o] += 1;
        break;
      case Status::kReskilling:
        out[3 * O + o] += 1;
        break;
      case Status::kFounder:
        out[4 * O + o] += 1;
        break;
      case Status::kOutOfLabourForce:
        out[5 * O + o] += 1;
        break;
      case Status::kRetired:
        break;
    }
  }
  return out;
}

void measure_start(const Model& m, const WorkerTable& W, FirmTable& F, Stocks& stocks,
                   ThreadFirmSums& sums) {
  // The stocks by status and occupation, counted from the table: the first month's worker pass
  // checks its own count against them (the stock-flow identity).
  const std::size_t O = m.data.size();
  const std::vector<double> count = recount_stocks(m, W);
  auto part = [&](std::size_t which) {
    return std::vector<double>(count.begin() + static_cast<std::ptrdiff_t>(which * O),
                               count.begin() + static_cast<std::ptrdiff_t>((which + 1) * O));
  };
  stocks.employed = part(0);
  stocks.unemployed = part(1);
  stocks.long_term = part(2);
  stocks.reskilling = part(3);
  stocks.founders = part(4);
  stocks.out_of_labour_force = part(5);
  // Per-firm wage bills, literacy sums and institutional knowledge, in per-thread integer sums
  // (independent of which thread added what).
  const double cap = m.scenario.reliability.knowledge_tenure_cap_months;
  sim::for_blocks(W.size(), kWorkerBlock, [&](std::size_t, std::size_t begin, std::size_t end) {
    FirmSums& mine = sums.local();
    if (mine.firm.size() < F.size()) mine.firm.resize(F.size(), {0, 0, 0});
    for (std::size_t i = begin; i < end; ++i) {
      if (W.status[i] != static_cast<std::uint8_t>(Status::kEmployed)) continue;
      const std::size_t o = W.occupation[i];
      mine.add(W.employer[i], W.wage[i], W.literacy[i], W.tenure[i], m.knowledge_role[o] != 0, cap);
    }
  });
  merge_firm_sums(sums, F);
}

void close_stocks(int month, const MonthFlows& flows, Stocks& stocks, OccupationState& occ) {
  const std::size_t O = stocks.employed.size();
  // End-of-month stocks: the start-of-month count plus the month's flows. Next month's pass
  // counts the table again and checks that the two agree.
  auto flow = [&](std::size_t which, std::size_t o) {
    return static_cast<double>(flows.transitions[which * O + o]);
  };
  auto start = [&](Status st, std::size_t o) {
    return static_cast<double>(flows.start_stock[static_cast<std::size_t>(st) * O + o]);
  };
  stocks.ui_recipients = 0;
  stocks.premium_months.push_back(
      {stocks.fluent_wage, stocks.fluent_n, stocks.other_wage, stocks.other_n});
  for (std::size_t o = 0; o < O; ++o) {
    double lay = 0;
    for (std::size_t r = 0; r < kLayoffReasons; ++r)
      lay += static_cast<double>(flows.layoffs[o * kLayoffReasons + r]);
    const double quits = static_cast<double>(flows.quits[o]);
    stocks.employed[o] =
        start(Status::kEmployed, o) + static_cast<double>(flows.hires[o]) - lay - quits +
        static_cast<double>(flows.redeployed_in[o] - flows.redeployed_out[o]) - flow(kRetireE, o) +
        flow(kFounderFirm, o) - static_cast<double>(flows.job_to_job_out[o]) - flow(kQuitOlf, o);
    stocks.unemployed[o] = start(Status::kUnemployed, o) + lay + quits -
                           static_cast<double>(flows.job_finds[o]) - flow(kReskillStart, o) +
                           flow(kReskillCompleteInto, o) + flow(kReskillDropout, o) -
                           flow(kFounderStart, o) + flow(kFounderFail, o) - flow(kExit, o) +
                           flow(kReentry, o) + flow(kEntrant, o) - flow(kRetireU, o);
    stocks.reskilling[o] = start(Status::kReskilling, o) + flow(kReskillStart, o) -
                           flow(kReskillComplete, o) - flow(kReskillDropout, o) - flow(kRetireR, o);
    stocks.founders[o] = start(Status::kFounder, o) + flow(kFounderStart, o) -
                         flow(kFounderFail, o) - flow(kRetireF, o) - flow(kFounderFirm, o);
    stocks.out_of_labour_force[o] = start(Status::kOutOfLabourForce, o) + flow(kExit, o) -
                                    flow(kReentry, o) - flow(kRetireO, o) + flow(kQuitOlf, o);
    // Everyone entering unemployment this month has a fresh spell: the long-term unemployed and
    // those past their benefits are seekers who stayed unemployed.
    stocks.long_term[o] = static_cast<double>(flows.ltu_seekers[o] - flows.ltu_hired[o]);
    stocks.ui_recipients += static_cast<std::int64_t>(stocks.unemployed[o]) -
                            (flows.ui_expired_seekers[o] - flows.ui_expired_hired[o]);
  }
  occ.employment_history.push_back(stocks.employed);
  // Tightness V/U at the end of the month, against its first-month level (re-entry responds).
  const double V =
      std::accumulate(flows.vacancies_posted.begin(), flows.vacancies_posted.end(), 0.0);
  const double U = std::accumulate(stocks.unemployed.begin(), stocks.unemployed.end(), 0.0);
  occ.tightness_last = U > 0 ? V / U : 0.0;
  if (month == 1) occ.tightness_ref = occ.tightness_last;
}

}  // namespace labourshift::models
