// A replication's state as named fields, for checkpoints (sim/checkpoint.hpp). One list,
// for_each_field, serves both directions, so what is written is what is read. The agent tables'
// columns come from their own column lists (tables.hpp), so a column added there is checkpointed
// without a change here; every other part of the World is listed below.
#include "models/labour_market.hpp"

#include <string>

namespace labourshift::models {

namespace {

/// fn(name, field) for every field of the World. W is World or const World.
template <class W, class Fn>
void for_each_field(W& w, Fn&& fn) {
  int i = 0;
  WorkerTable::columns(
      w.workers, [&](auto& column, auto) { fn("workers.column" + std::to_string(i++), column); });
  fn("workers.next_id", w.workers.next_id);

  auto& F = w.firms;
  fn("firms.occupations", F.occupations);
  i = 0;
  FirmTable::firm_columns(F, [&](auto& column, auto, std::size_t) {
    fn("firms.column" + std::to_string(i++), column);
  });
  i = 0;
  FirmTable::cell_columns(
      F, [&](auto& column, auto) { fn("firms.cell_column" + std::to_string(i++), column); });
  fn("firms.live_begin", F.live_begin);
  fn("firms.live_occ", F.live_occ);
  fn("firms.named_rows", F.named_rows);
  for (auto [name, ring] : {std::pair{"vintages", &F.vintages}, std::pair{"pipeline", &F.pipeline},
                            std::pair{"payments", &F.payments}}) {
    FirmRing::fields(*ring, [&, name = std::string(name)](const char* field, auto& value) {
      fn("firms." + name + "." + field, value);
    });
  }

  auto& e = w.env;
  fn("env.month", e.month);
  fn("env.demand", e.demand);
  fn("env.capability", e.capability);
  fn("env.price", e.price);
  fn("env.market", e.market);
  fn("env.market0", e.market0);
  fn("env.share_denominator", e.share_denominator);
  fn("env.operability", e.operability);
  fn("env.productivity", e.productivity);
  fn("env.price_level", e.price_level);
  fn("env.adoption_target", e.adoption_target);

  auto& o = w.occ;
  fn("occ.wage", o.wage);
  fn("occ.ref_log_tightness", o.ref_log_tightness);
  fn("occ.log_tightness0", o.log_tightness0);
  fn("occ.job_finding_ema", o.job_finding_ema);
  fn("occ.reskill_target", o.reskill_target);
  fn("occ.mandate_target", o.mandate_target);
  fn("occ.reskill_gain", o.reskill_gain);
  fn("occ.employment_history", o.employment_history);
  fn("occ.reentry_factor", o.reentry_factor);
  fn("occ.tightness_ref", o.tightness_ref);
  fn("occ.tightness_last", o.tightness_last);

  auto& f = w.flows;
  fn("flows.layoffs", f.layoffs);
  fn("flows.openings_new", f.openings_new);
  fn("flows.openings_spontaneous", f.openings_spontaneous);
  fn("flows.openings_expired", f.openings_expired);
  fn("flows.quits", f.quits);
  fn("flows.hires", f.hires);
  fn("flows.job_finds", f.job_finds);
  fn("flows.vacancies_posted", f.vacancies_posted);
  fn("flows.redeployed_in", f.redeployed_in);
  fn("flows.redeployed_out", f.redeployed_out);
  fn("flows.job_to_job_out", f.job_to_job_out);
  fn("flows.seekers_by_occ", f.seekers_by_occ);
  fn("flows.cls_layoffs", f.cls_layoffs);
  fn("flows.cls_quits", f.cls_quits);
  fn("flows.cls_hires", f.cls_hires);
  fn("flows.cls_vacancies", f.cls_vacancies);
  fn("flows.transitions", f.transitions);
  fn("flows.ltu_seekers", f.ltu_seekers);
  fn("flows.ui_expired_seekers", f.ui_expired_seekers);
  fn("flows.ltu_hired", f.ltu_hired);
  fn("flows.ui_expired_hired", f.ui_expired_hired);
  fn("flows.start_stock", f.start_stock);
  fn("flows.applications", f.applications);
  fn("flows.new_seekers", f.new_seekers);
  fn("flows.employment_start", f.employment_start);
  fn("flows.firm_exits", f.firm_exits);
  fn("flows.firm_entries", f.firm_entries);
  fn("flows.mandated_enrolled", f.mandated_enrolled);
  fn("flows.new_firm_funding", f.new_firm_funding);
  fn("flows.founder_grants", f.founder_grants);
  fn("flows.ai_displaced_hires", f.ai_displaced_hires);

  auto& l = w.lists;
  fn("lists.seekers", l.seekers);
  fn("lists.redeploy_candidates", l.redeploy_candidates);
  fn("lists.founders_creating", l.founders_creating);
  fn("lists.job_searchers", l.job_searchers);
  fn("lists.mandated", l.mandated);

  auto& s = w.stocks;
  fn("stocks.employed", s.employed);
  fn("stocks.unemployed", s.unemployed);
  fn("stocks.long_term", s.long_term);
  fn("stocks.reskilling", s.reskilling);
  fn("stocks.founders", s.founders);
  fn("stocks.out_of_labour_force", s.out_of_labour_force);
  fn("stocks.ui_recipients", s.ui_recipients);
  fn("stocks.wages_total", s.wages_total);
  fn("stocks.literacy_total", s.literacy_total);
  fn("stocks.fluent_wage", s.fluent_wage);
  fn("stocks.fluent_n", s.fluent_n);
  fn("stocks.other_wage", s.other_wage);
  fn("stocks.other_n", s.other_n);
  fn("stocks.premium_months", s.premium_months);

  auto& t = w.totals;
  fn("totals.transitions", t.transitions);
  fn("totals.reskill_flows", t.reskill_flows);
  fn("totals.reemploy_ai", t.reemploy_ai);
  fn("totals.reemploy_other", t.reemploy_other);
  fn("totals.initial_employment", t.initial_employment);
  fn("totals.initial_unemployment", t.initial_unemployment);
  fn("totals.initial_olf", t.initial_olf);

  fn("warn_rows", w.warn_rows);
  fn("warn.notices", w.warn.notices);
  fn("warn.persons", w.warn.persons);
  fn("warn.median_persons", w.warn.median_persons);
  // firm_sums is scratch: every thread's sums are zero between passes and grow on first use.
}

}  // namespace

void LabourMarket::save_state(sim::StateWriter& out) const {
  for_each_field(world_, [&](const std::string& name, const auto& field) { out.put(name, field); });
}

void LabourMarket::load_state(sim::StateReader& in) {
  for_each_field(world_, [&](const std::string& name, auto& field) { in.get(name, field); });
  // The per-thread firm sums are sized to the firms at set-up; the passes grow them as firms
  // enter, so nothing more is needed here.
}

}  // namespace labourshift::models
