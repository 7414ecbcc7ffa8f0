#include "models/labour_market.hpp"

#include "models/ai_environment.hpp"
#include "models/phases.hpp"
#include "sim/parallel.hpp"
#include "sim/random.hpp"

#include <tbb/enumerable_thread_specific.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <array>
#include <atomic>
#include <cmath>
#include <numeric>

namespace labourshift::models {

namespace {

constexpr std::size_t kWorkerBlock = std::size_t{1} << 15;
constexpr std::size_t kFirmBlock = 512;
constexpr std::size_t kDrawBatch = 64;  ///< workers whose random words the separation pass draws at once
constexpr int kReorderMonths = 12;  ///< worker rows are regrouped by employer this often
constexpr std::size_t kPrefetch = 32;  ///< workers ahead whose cell data the separation pass prefetches

}  // namespace

std::shared_ptr<const Model> Model::build(const Scenario& scenario) {
  auto m = std::make_shared<Model>();
  m->scenario = scenario;
  m->data = load_occupation_data(resolve_data_path(scenario, scenario.data.occupations, "occupations.csv"),
                                 resolve_data_path(scenario, scenario.data.mobility, "mobility.csv"));
  m->similarity = similarity_matrix(m->data.mobility);
  m->persons_per_agent = scenario.population.represented_persons / static_cast<double>(scenario.population.workers);
  for (const auto& c : scenario.firms) m->class_names.push_back(c.name);
  const std::size_t n_occ = m->data.size();
  const std::size_t n_cls = m->class_names.size();
  // Automatable share: exposure, less the non-routine exposed content that AI augments.
  std::vector<std::pair<double, double>> by_x;
  double total = 0;
  for (const auto& o : m->data.occupations) {
    const double x = o.exposure * (1.0 - scenario.ai.augmentation_weight * (1.0 - o.routine));
    m->automatable.push_back(x);
    by_x.emplace_back(x, o.employment);
    total += o.employment;
  }
  // "Exposed" occupations: the top fifth of employment ranked by automatable share, AI roles
  // excepted (they are the ones AI amplifies).
  std::sort(by_x.begin(), by_x.end(), [](const auto& l, const auto& r) { return l.first > r.first; });
  double cum = 0, cutoff = by_x.front().first;
  for (const auto& [x, e] : by_x) {
    cutoff = x;
    cum += e;
    if (cum >= total / 5.0) break;
  }
  for (std::size_t o = 0; o < n_occ; ++o) {
    m->exposed.push_back(m->automatable[o] >= cutoff && !m->data.occupations[o].ai_role ? 1 : 0);
  }

  auto& L = m->layout;
  auto& id = m->ids;
  const std::string S = "series";
  auto series = [&](const char* name, const char* unit, const char* description) {
    return L.scalar(S, name, unit, description);
  };
  id.employment = series("employment", "persons", "employed workers at the end of the month");
  id.unemployment = series("unemployment", "persons", "unemployed workers at the end of the month");
  id.labour_force = series("labour_force", "persons", "employed plus unemployed");
  id.unemployment_rate = series("unemployment_rate", "share", "unemployment / labour force");
  id.long_term_unemployed = series("long_term_unemployed", "persons",
                                   "unemployed with a spell of labour.long_term_months or more");
  id.long_term_unemployment_share = series("long_term_unemployment_share", "share",
                                           "long-term unemployed / unemployed");
  id.vacancies = series("vacancies", "jobs", "vacancies open for matching this month");
  id.unfilled_vacancies = series("unfilled_vacancies", "jobs", "vacancies still open after matching");
  id.hires = series("hires", "persons/month", "hires: out of unemployment (job_finds) plus job-to-job moves");
  id.layoffs = series("layoffs", "persons/month", "employer-initiated separations, all reasons");
  id.quits = series("quits", "persons/month", "worker-initiated separations into unemployment");
  id.job_finding_rate = series("job_finding_rate", "1/month",
                               "hires out of unemployment / unemployed at the start of the month (f)");
  id.separation_rate = series("separation_rate", "1/month",
                              "(layoffs + quits) / employed at the start of the month (s)");
  id.wage_index = series("wage_index", "index (start = 1)",
                         "sum_o E_o w_o(t) / sum_o E_o w_o(0): occupation wage indices at current weights");
  id.mean_wage = series("mean_wage", "USD/month", "mean wage of employed workers");
  id.demand_index = series("demand_index", "index (start = 1)", "core-demand index D(t)");
  id.labour_demand = series("labour_demand", "jobs", "sum of firms' target headcounts L*");
  id.applications = series("applications", "applications/month", "applications sent by the unemployed");
  id.job_to_job = series("job_to_job", "persons/month",
                         "employed workers hired away by another employer (on-the-job search)");
  id.redeployments = series("redeployments", "persons/month",
                            "workers due to be laid off who moved to another occupation in the same firm");
  id.layoffs_demand = series("layoffs_demand", "persons/month",
                             "layoffs from falling core demand and idiosyncratic match destruction");
  id.layoffs_automation = series("layoffs_automation", "persons/month",
                                 "layoffs because automation and AI-fluent productivity cut the labour requirement");
  id.layoffs_capex_funding = series("layoffs_capex_funding", "persons/month",
                                    "layoffs to restore the target margin while paying for compute");
  id.layoffs_firm_exit = series("layoffs_firm_exit", "persons/month", "layoffs when a firm closes");
  id.layoffs_ai = series("layoffs_ai", "persons/month", "AI-attributed layoffs: automation + capex_funding");
  id.ai_layoff_share = series("ai_layoff_share", "share", "layoffs_ai / layoffs");
  id.capex = series("capex", "USD/month", "capital expenditure paid on compute (instalments due this month)");
  id.capex_orders = series("capex_orders", "USD/month", "value of compute ordered this month");
  id.compute_capacity = series("compute_capacity", "GPU-eq", "installed compute capacity K");
  id.compute_arrivals = series("compute_arrivals", "GPU-eq/month", "capacity that arrived this month");
  id.compute_retirements = series("compute_retirements", "GPU-eq/month", "capacity retired this month");
  id.compute_utilisation = series("compute_utilisation", "share", "compute used / installed");
  id.ai_demand = series("ai_demand", "USD/month", "AI service demand addressed to the firms");
  id.ai_revenue = series("ai_revenue", "USD/month", "AI revenue served (before incident losses)");
  id.core_revenue = series("core_revenue", "USD/month", "core (non-AI) revenue");
  id.wage_bill = series("wage_bill", "USD/month", "wages paid by firms");
  id.labour_share = series("labour_share", "share", "wage bill / (core + AI revenue)");
  id.other_costs = series("other_costs", "USD/month", "non-labour, non-compute costs");
  id.opex = series("compute_opex", "USD/month", "power and operations of installed compute");
  id.cash = series("cash", "USD", "firms' cash at the end of the month");
  id.layoff_costs = series("layoff_costs", "USD/month",
                           "severance, disclosure (reputation) and retraining-mandate costs of layoffs");
  id.compute_tax = series("compute_tax", "USD/month", "tax paid on compute (part of capex payments)");
  id.mandated_reskilling = series("mandated_reskilling", "persons/month",
                                  "AI-attributed layoffs enrolled in a funded programme by the retraining mandate");
  id.new_firm_funding = series("new_firm_funding", "USD/month",
                               "starting cash of firms founded this month (outside funding)");
  id.incidents = series("incidents", "incidents/month", "reliability incidents");
  id.incident_cost = series("incident_cost", "USD/month", "AI revenue lost to incidents");
  id.warn_notices = series("warn_notices", "notices/month",
                           "firm-months with layoffs of workers.warn_threshold_persons or more (scaled)");
  id.mean_adoption = series("mean_adoption", "share", "employment-weighted automation adoption theta");
  id.ai_capability = series("ai_capability", "share", "AI capability a(t)");
  id.compute_price = series("compute_price", "USD/GPU-eq-month", "compute price p(t)");
  id.firm_exits = series("firm_exits", "firms/month", "firms that closed this month");
  id.active_firms = series("active_firms", "firms", "firms still operating");
  id.mean_ai_literacy = series("mean_ai_literacy", "share", "mean AI literacy of the employed");
  id.knowledge = series("knowledge", "FTE", "institutional knowledge Q of AI sellers: knowledge-role "
                        "staff weighted by tenure, capped at reliability.knowledge_tenure_cap_months");
  id.load_ratio = series("load_ratio", "ratio", "AI sellers' used compute / compute their knowledge "
                         "staff can operate (compute-weighted mean)");
  id.reskilling = series("reskilling", "persons", "workers in a reskilling programme");
  id.reskilling_starts = series("reskilling_starts", "persons/month", "unemployed workers starting a programme");
  id.reskilling_completions = series("reskilling_completions", "persons/month",
                                     "programmes completed: the worker's occupation becomes the target");
  id.reskilling_dropouts = series("reskilling_dropouts", "persons/month", "programmes abandoned");
  id.founders = series("founders", "persons", "founders and contractors (self-employed)");
  id.founder_starts = series("founder_starts", "persons/month", "unemployed workers who start a business");
  id.founder_failures = series("founder_failures", "persons/month", "founders returning to unemployment");
  id.firms_created = series("firms_created", "firms/month",
                            "firms created by founders (class founders.firm_class); the founder becomes "
                            "its first employee");
  id.out_of_labour_force = series("out_of_labour_force", "persons", "out of the labour force (may re-enter)");
  id.exits = series("exits", "persons/month", "discouraged exits from unemployment out of the labour force");
  id.reentries = series("reentries", "persons/month", "re-entries into unemployment from out of the labour force");
  id.entrants = series("entrants", "persons/month", "new entrants (graduates) into unemployment");
  id.retirements = series("retirements", "persons/month", "people leaving the population by retirement");
  id.population = series("population", "persons", "employed + unemployed + reskilling + founders + out of the labour force");
  id.participation_rate = series("participation_rate", "share",
                                 "(employed + unemployed + founders) / population; reskilling counts as not participating");
  id.ai_wage_premium = series("ai_wage_premium", "share",
                              "mean wage of AI-fluent (literacy >= 0.3) / non-fluent employed in complemented "
                              "occupations (c >= 0.3), minus 1");
  id.ui_recipients = series("ui_recipients", "persons", "unemployed within policy.ui_months of their spell");
  id.reskilling_public_cost = series("reskilling_public_cost", "USD/month",
                                     "state share of the cost of programmes started (policy.reskilling_subsidy)");
  const std::string O = "by_occupation";
  auto by_occ = [&](const char* name, const char* unit, const char* description) {
    return L.vector(O, name, unit, description, n_occ);
  };
  id.occ_employment = by_occ("employment", "persons", "employed, by occupation");
  id.occ_unemployment = by_occ("unemployment", "persons", "unemployed, by last occupation");
  id.occ_long_term_unemployed = by_occ("long_term_unemployed", "persons", "long-term unemployed, by last occupation");
  id.occ_vacancies = by_occ("vacancies", "jobs", "vacancies open for matching");
  id.occ_hires = by_occ("hires", "persons/month", "hires, by occupation of the new job");
  id.occ_job_finds = by_occ("job_finds", "persons/month",
                            "hires out of unemployment, by the worker's previous occupation");
  id.occ_layoffs = by_occ("layoffs", "persons/month", "layoffs, all reasons");
  id.occ_quits = by_occ("quits", "persons/month", "quits into unemployment");
  id.occ_wage = by_occ("wage", "USD/month", "occupation wage index w_o(t)");
  id.occ_layoffs_ai = by_occ("layoffs_ai", "persons/month", "AI-attributed layoffs (automation + capex_funding)");
  id.occ_job_to_job_out = by_occ("job_to_job_out", "persons/month",
                                 "job-to-job moves, by the occupation left (the new job is in hires)");
  id.occ_redeployed_in = by_occ("redeployed_in", "persons/month", "internal moves into the occupation");
  id.occ_redeployed_out = by_occ("redeployed_out", "persons/month", "internal moves out of the occupation");
  id.occ_adoption = by_occ("adoption", "share", "employment-weighted automation adoption theta");
  id.occ_reskilling = by_occ("reskilling", "persons", "in a programme, by origin occupation");
  id.occ_founders = by_occ("founders", "persons", "founders, by last occupation");
  id.occ_out_of_labour_force = by_occ("out_of_labour_force", "persons", "out of the labour force, by last occupation");
  id.occ_reskilling_starts = by_occ("reskilling_starts", "persons/month", "programme starts, by origin occupation");
  id.occ_reskilling_completions_from = by_occ("reskilling_completions_from", "persons/month",
                                              "programme completions, by origin occupation");
  id.occ_reskilling_completions = by_occ("reskilling_completions", "persons/month",
                                         "programme completions, by target (new) occupation");
  id.occ_reskilling_dropouts = by_occ("reskilling_dropouts", "persons/month", "dropouts, by origin occupation");
  id.occ_founder_starts = by_occ("founder_starts", "persons/month", "founder starts, by last occupation");
  id.occ_founder_failures = by_occ("founder_failures", "persons/month", "founder failures, by last occupation");
  id.occ_firms_created = by_occ("firms_created", "firms/month",
                                "firms created, by the founder's occupation (founder -> employed)");
  id.occ_exits = by_occ("exits", "persons/month", "discouraged exits, by last occupation");
  id.occ_reentries = by_occ("reentries", "persons/month", "re-entries, by last occupation");
  id.occ_entrants = by_occ("entrants", "persons/month", "entrants, by occupation trained for");
  const char* retire_names[5] = {"retirements_employed", "retirements_unemployed", "retirements_reskilling",
                                 "retirements_founder", "retirements_out_of_labour_force"};
  for (int k = 0; k < 5; ++k) {
    id.occ_retirements[k] = by_occ(retire_names[k], "persons/month", "retirements, by status and occupation");
  }
  const std::string C = "by_class";
  auto by_cls = [&](const char* name, const char* unit, const char* description) {
    return L.vector(C, name, unit, description, n_cls);
  };
  id.cls_headcount = by_cls("headcount", "persons", "employees of firms of the class");
  id.cls_vacancies = by_cls("vacancies", "jobs", "vacancies open for matching");
  id.cls_hires = by_cls("hires", "persons/month", "hires");
  id.cls_layoffs = by_cls("layoffs", "persons/month", "layoffs, all reasons");
  id.cls_layoffs_ai = by_cls("layoffs_ai", "persons/month", "AI-attributed layoffs");
  id.cls_quits = by_cls("quits", "persons/month", "quits into unemployment");
  id.cls_capex = by_cls("capex", "USD/month", "capex paid on compute");
  id.cls_compute_capacity = by_cls("compute_capacity", "GPU-eq", "installed compute capacity");
  id.cls_ai_revenue = by_cls("ai_revenue", "USD/month", "AI revenue served");
  id.cls_core_revenue = by_cls("core_revenue", "USD/month", "core revenue");
  id.cls_wage_bill = by_cls("wage_bill", "USD/month", "wages paid");
  id.cls_incidents = by_cls("incidents", "incidents/month", "reliability incidents");
  id.cls_cash = by_cls("cash", "USD", "cash at the end of the month");
  id.cls_mean_adoption = by_cls("mean_adoption", "share", "employment-weighted adoption theta");
  id.cls_ai_role_headcount = by_cls("ai_role_headcount", "persons", "employees in ai_role occupations");
  id.cls_exposed_headcount = by_cls("exposed_headcount", "persons",
                                    "employees in high-exposure occupations (top fifth of employment by "
                                    "automatable share, AI roles excepted; /occupations/exposed)");
  id.st_transitions = L.add_static({"", "transitions", "persons",
                                    "hires out of unemployment over the run by (previous occupation, "
                                    "new occupation)", {n_occ, n_occ}});
  id.st_initial_employment = L.add_static({"initial", "employment", "persons",
                                           "employed by occupation at the start (month 0)", {n_occ}});
  id.st_initial_unemployment = L.add_static({"initial", "unemployment", "persons",
                                             "unemployed by last occupation at the start (month 0)", {n_occ}});
  id.st_initial_out_of_labour_force = L.add_static({"initial", "out_of_labour_force", "persons",
                                                    "out of the labour force at the start, by last occupation", {n_occ}});
  id.st_reskilling_flows = L.add_static({"", "reskilling_flows", "persons",
                                         "reskilling completions over the run by (origin occupation, target "
                                         "occupation)", {n_occ, n_occ}});
  id.st_reemployment_ai = L.add_static({"reemployment", "ai", "persons",
                                        "hires of workers whose last separation was an AI-attributed layoff "
                                        "(automation, capex_funding), by months of unemployment (last bin: 48+)",
                                        {LabourMarket::kSpellBins}});
  id.st_reemployment_other = L.add_static({"reemployment", "other", "persons",
                                           "hires of workers whose last separation was another layoff (demand, "
                                           "firm_exit), by months of unemployment (last bin: 48+)", {LabourMarket::kSpellBins}});
  id.ev_warn = L.add_events({"events", "warn",
                             {"replication", "month", "firm", "class", "layoffs", "persons", "reason"},
                             "WARN notices: firm-months whose layoffs (agents; persons = agents x "
                             "persons per agent) reach workers.warn_threshold_persons; reason 0 demand, "
                             "1 automation, 2 capex_funding, 3 firm_exit (the firm-month's largest)"});
  return m;
}

LabourMarket::LabourMarket(std::shared_ptr<const Model> model, std::uint32_t replication)
    : model_(std::move(model)), sc_(model_->scenario), rep_(replication) {
  occ_ = model_->data.size();
  classes_ = sc_.firms.size();
  for (const auto& o : model_->data.occupations) wage_.push_back(o.wage_month_usd);
  wage0_ = wage_;
  ref_log_tightness_.assign(occ_, 0.0);
  for (const auto& c : sc_.firms) class_premium_.push_back(static_cast<float>(c.value.wage_premium));
  layoffs_.assign(occ_ * kReasons, 0);
  for (auto* v : {&quits_, &hires_, &job_finds_, &vacancies_posted_, &seekers_by_occ_, &redeployed_in_,
                  &redeployed_out_, &job_to_job_out_}) {
    v->assign(occ_, 0);
  }
  cls_layoffs_.assign(classes_ * kReasons, 0);
  cls_quits_.assign(classes_, 0);
  cls_hires_.assign(classes_, 0);
  cls_vacancies_.assign(classes_, 0);
  transitions_.assign(occ_ * occ_, 0.0);
  flows_.assign(kFlowCount * occ_, 0);
  reskill_flows_.assign(occ_ * occ_, 0.0);
  reemploy_ai_.assign(kSpellBins, 0.0);
  reemploy_other_.assign(kSpellBins, 0.0);
  job_finding_ema_.assign(occ_, 0.25);
  reskill_target_.assign(occ_, -1);
  mandate_target_.assign(occ_, -1);
  reskill_gain_.assign(occ_, 0.0);
  for (const auto& o : model_->data.occupations) {
    complementarity_.push_back(o.complementarity);
    knowledge_role_.push_back(o.knowledge_role ? 1 : 0);
  }
  max_complementarity_ = std::max(1e-9, *std::max_element(complementarity_.begin(), complementarity_.end()));
  for (std::size_t k = 0; k < classes_; ++k) {
    if (sc_.firms[k].name == sc_.founders.firm_class) firm_class_for_founders_ = static_cast<int>(k);
  }
  init_firms();
  init_workers();
  measure_workers();
  employment_history_.push_back(emp_);
  init_firm_finance();
}

void LabourMarket::init_workers() {
  const auto seed = static_cast<std::uint64_t>(sc_.run.seed);
  const auto n = static_cast<std::size_t>(sc_.population.workers);
  // Rows: the labour force, then the marginally attached out of it.
  const auto n_olf = static_cast<std::size_t>(
      std::llround(static_cast<double>(n) * sc_.workers.initial_out_of_labour_force_rate));
  workers_.resize(n + n_olf);
  const std::size_t n_firms = firms_.size();
  // Rows of each firm are contiguous, so the separation pass reads firm data in order.
  std::vector<std::size_t> first_row(n_firms + 1, 0);
  for (std::size_t f = 0; f < n_firms; ++f) {
    std::int64_t size = 0;
    for (std::size_t o = 0; o < occ_; ++o) size += firms_.headcount[firms_.cell(f, o)];
    first_row[f + 1] = first_row[f] + static_cast<std::size_t>(size);
  }
  const std::size_t employed = first_row[n_firms];
  // Tenure ~ geometric with mean 50 months (BLS 2024: median tenure 3.9 years).
  const double tenure_p = 1.0 / 50.0;
  sim::for_each_index(n_firms, 64, [&](std::size_t f) {
    std::size_t row = first_row[f];
    const float premium = class_premium_[firms_.firm_class[f]];
    for (std::size_t o = 0; o < occ_; ++o) {
      for (std::int32_t k = 0; k < firms_.headcount[firms_.cell(f, o)]; ++k, ++row) {
        sim::Stream rng(seed, rep_, 0, phase::kInitWorkers, static_cast<std::uint32_t>(row));
        workers_.status[row] = static_cast<std::uint8_t>(Status::kEmployed);
        workers_.occupation[row] = static_cast<std::uint8_t>(o);
        workers_.employer[row] = static_cast<std::uint32_t>(f);
        workers_.wage[row] = static_cast<float>(wage_[o]) * premium;
        workers_.age[row] = static_cast<std::uint8_t>(18 + rng.below(47));
        const double t = std::floor(std::log(rng.uniform()) / std::log1p(-tenure_p));
        workers_.tenure[row] = static_cast<std::uint16_t>(std::min(t, 600.0));
      }
    }
  });
  initial_employment_.assign(occ_, 0.0);
  for (std::size_t f = 0; f < n_firms; ++f) {
    for (std::size_t o = 0; o < occ_; ++o) {
      initial_employment_[o] += firms_.headcount[firms_.cell(f, o)];
    }
  }
  // The unemployed: last occupation in proportion to employment; spells geometric so that the
  // long-term share matches population.initial_long_term_share.
  std::vector<double> cdf(occ_);
  std::partial_sum(initial_employment_.begin(), initial_employment_.end(), cdf.begin());
  const double lt = std::max(sc_.population.initial_long_term_share, 1e-6);
  const double spell_p = 1.0 - std::pow(lt, 1.0 / static_cast<double>(sc_.labour.long_term_months));
  initial_unemployment_.assign(occ_, 0.0);
  for (std::size_t row = employed; row < n; ++row) {
    sim::Stream rng(seed, rep_, 0, phase::kInitWorkers, static_cast<std::uint32_t>(row));
    const double u = rng.uniform() * cdf.back();
    const auto o = static_cast<std::size_t>(std::upper_bound(cdf.begin(), cdf.end(), u) - cdf.begin());
    const std::size_t occ = std::min(o, occ_ - 1);
    workers_.status[row] = static_cast<std::uint8_t>(Status::kUnemployed);
    workers_.occupation[row] = static_cast<std::uint8_t>(occ);
    workers_.reason[row] = static_cast<std::uint8_t>(Reason::kDemand);
    workers_.wage[row] = static_cast<float>(wage_[occ]);
    workers_.age[row] = static_cast<std::uint8_t>(18 + rng.below(47));
    const double s = spell_p >= 1.0 ? 0.0 : std::floor(std::log(rng.uniform()) / std::log1p(-spell_p));
    workers_.spell[row] = static_cast<std::uint16_t>(std::min(s, 600.0));
    initial_unemployment_[occ] += 1;
  }
  initial_olf_.assign(occ_, 0.0);
  for (std::size_t row = n; row < n + n_olf; ++row) {
    sim::Stream rng(seed, rep_, 0, phase::kInitWorkers, static_cast<std::uint32_t>(row));
    const double u = rng.uniform() * cdf.back();
    const auto o = static_cast<std::size_t>(std::upper_bound(cdf.begin(), cdf.end(), u) - cdf.begin());
    const std::size_t occ = std::min(o, occ_ - 1);
    workers_.status[row] = static_cast<std::uint8_t>(Status::kOutOfLabourForce);
    workers_.occupation[row] = static_cast<std::uint8_t>(occ);
    workers_.wage[row] = static_cast<float>(wage_[occ]);
    workers_.age[row] = static_cast<std::uint8_t>(18 + rng.below(47));
    initial_olf_[occ] += 1;
  }
}

void LabourMarket::reorder_workers() {
  // A stable counting sort of the rows by employer, the not employed after them in their old
  // order; retired rows go. The permutation depends only on the table, so the new order (and
  // with it which random stream each worker draws from) is the same for any thread count. Row
  // numbers are not identities across a reorder: nothing keeps one from month to month.
  auto& w = workers_;
  const std::size_t n = w.size();
  const std::size_t n_firms = firms_.size();
  // Bucket of a row: its employer, n_firms for the not employed, n_firms + 1 (dropped) if retired.
  auto bucket = [&](std::size_t i) -> std::size_t {
    if (w.status[i] == static_cast<std::uint8_t>(Status::kRetired)) return n_firms + 1;
    const std::uint32_t f = w.employer[i];
    return f == kNoEmployer ? n_firms : f;
  };
  std::vector<std::uint32_t> start(n_firms + 3, 0);
  for (std::size_t i = 0; i < n; ++i) ++start[bucket(i) + 1];
  std::partial_sum(start.begin(), start.end(), start.begin());
  const std::size_t kept = start[n_firms + 1];
  std::vector<std::uint32_t> from(kept);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t k = bucket(i);
    if (k <= n_firms) from[start[k]++] = static_cast<std::uint32_t>(i);
  }
  // Each column is gathered into one scratch buffer (uninitialised, as wide as the widest
  // column) and copied back, so the table never exists twice: at its peak the reorder adds 8 bytes
  // a worker (this buffer and `from`), freed on return.
  const std::unique_ptr<std::uint32_t[]> scratch(new std::uint32_t[kept]);
  auto gather = [&](auto& column) {
    using T = typename std::remove_reference_t<decltype(column)>::value_type;
    static_assert(sizeof(T) <= sizeof(std::uint32_t) && alignof(T) <= alignof(std::uint32_t));
    T* sorted = reinterpret_cast<T*>(scratch.get());
    const T* old = column.data();
    sim::for_each_index(kept, 8192, [&](std::size_t j) { sorted[j] = old[from[j]]; });
    column.resize(kept);
    sim::for_blocks(kept, std::size_t{1} << 16, [&](std::size_t, std::size_t begin, std::size_t end) {
      std::copy(sorted + begin, sorted + end, column.data() + begin);
    });
  };
  gather(w.status);
  gather(w.occupation);
  gather(w.reason);
  gather(w.age);
  gather(w.employer);
  gather(w.wage);
  gather(w.literacy);
  gather(w.tenure);
  gather(w.spell);
  gather(w.reskill_target);
  gather(w.reskill_months_left);
}

void LabourMarket::separate(int month) {
  // One parallel pass over workers (MODEL.md 3.7, 4.1). An employed worker in cell (f, o) draws
  // u ~ U(0,1) against the cell's layoff probabilities, scaled by a literacy weight so that
  // low-literacy workers go more often, then idiosyncratic layoffs and quits. A share of those
  // due to be laid off for the firm's reasons are set aside for internal redeployment.
  const auto seed = static_cast<std::uint64_t>(sc_.run.seed);
  const std::size_t n = workers_.size();
  const std::size_t nb = sim::block_count(n, kWorkerBlock);
  const double delta = sc_.labour.idiosyncratic_layoff_rate;
  const double q = sc_.labour.quit_rate;
  const double beta = sc_.workers.literacy_learning_rate;
  const double lit_weight = sc_.workers.layoff_literacy_weight;
  // The largest the literacy weight below can be: literacies lie in [0, 1], the firm means up to
  // rounding (they come from sums in steps of 1e-4), so |firm mean - own| < 1.01.
  const double max_weight = (1.0 + 1.01 * std::fabs(lit_weight)) / kOddsScale;
  // Wages are stored in start-of-run prices: incumbents' pay rises with trend inflation
  // without touching every row every month.
  price_level_ = std::pow(1.0 + sc_.wages.inflation_per_year, static_cast<double>(month) / 12.0);
  const std::size_t flow_base = occ_ * kReasons + occ_ + classes_ * kReasons + classes_;
  // Start-of-month stocks by status and occupation (this pass is also the month's measurement),
  // then seekers by occupation who are long-term unemployed / past their benefits.
  const std::size_t start_base = flow_base + kFlowCount * occ_;
  const std::size_t ltu_base = start_base + kStatusCount * occ_;
  const std::size_t ui_base = ltu_base + occ_;
  const std::size_t width = ui_base + occ_;
  const int long_term = sc_.labour.long_term_months;
  const int ui_months = sc_.policy.ui_months;
  const double cap = sc_.reliability.knowledge_tenure_cap_months;
  auto& sums = firm_sums_;
  std::vector<std::array<double, 6>> block_sums(nb, std::array<double, 6>{});  // wage, literacy, fluent x4
  std::vector<std::int64_t> counts(nb * width, 0);
  std::vector<std::vector<std::uint32_t>> block_seekers(nb), block_candidates(nb);
  std::vector<std::vector<std::pair<std::uint8_t, std::uint8_t>>> block_completions(nb);
  std::vector<std::vector<std::uint32_t>> block_founders(nb), block_ojs(nb), block_mandated(nb);
  const bool mandate = sc_.policy.retraining_mandate;
  const double ojs_share = sc_.search.on_the_job_share;
  std::vector<std::int64_t> block_employed(nb, 0);
  auto& w = workers_;
  auto& F = firms_;
  const auto& wp = sc_.workers;
  const auto& rs = sc_.reskilling;
  const auto& pol = sc_.policy;
  const bool birthday = month % 12 == 0;
  // Retirement hazard by age (MODEL.md 4.5): h0 exp(growth (age - age0)) from age0 on.
  std::array<double, 256> retire_hazard{};
  for (int age = 0; age < 256; ++age) {
    retire_hazard[static_cast<std::size_t>(age)] =
        age < wp.retirement_age ? 0.0
                                : std::min(1.0, wp.retirement_hazard * std::exp(wp.retirement_hazard_growth *
                                                                                (age - wp.retirement_age)));
  }
  const double uptake = 1.0 + pol.reskilling_uptake_boost + 2.0 * pol.reskilling_subsidy;
  // Reskilling hazard h_r (1 + boost + 2 subsidy) exp(epsilon G_o) exp(-delta max(0, age - 30)),
  // tabulated by origin occupation and by age rather than evaluated per worker.
  std::vector<double> reskill_hazard(occ_);
  for (std::size_t o = 0; o < occ_; ++o) {
    reskill_hazard[o] = rs.base_hazard * uptake * std::exp(rs.gain_elasticity * reskill_gain_[o]);
  }
  std::array<double, 256> age_factor{};
  for (int a = 0; a < 256; ++a) {
    age_factor[static_cast<std::size_t>(a)] = std::exp(-rs.age_decline_per_year * std::max(0, a - 30));
  }
  const double reentry = std::min(1.0, wp.reentry_rate * reentry_factor_);
  sim::for_blocks(n, kWorkerBlock, [&](std::size_t b, std::size_t begin, std::size_t end) {
    // Raw column pointers marked restrict: the byte-wide columns would otherwise alias
    // everything, and the compiler would reload every pointer after each store.
    std::uint8_t* __restrict status = w.status.data();
    std::uint8_t* __restrict occupation = w.occupation.data();
    std::uint8_t* __restrict why = w.reason.data();
    std::uint8_t* __restrict age = w.age.data();
    std::uint32_t* __restrict employer = w.employer.data();
    float* __restrict pay = w.wage.data();
    float* __restrict literacy = w.literacy.data();
    std::uint16_t* __restrict tenure = w.tenure.data();
    std::uint16_t* __restrict spell = w.spell.data();
    std::uint8_t* __restrict reskill_target = w.reskill_target.data();
    std::uint8_t* __restrict reskill_months_left = w.reskill_months_left.data();
    const CellOdds* __restrict cell_odds = F.odds.data();
    const float* __restrict firm_literacy = F.mean_literacy.data();
    const std::uint8_t* __restrict exiting = F.exiting.data();
    constexpr double kUnit = 1.0 / kOddsScale;
    const std::uint8_t* __restrict knowledge = knowledge_role_.data();
    const double* __restrict complement = complementarity_.data();
    const double price_level = price_level_;
    // Sizes as locals: a store through the int64 count arrays may alias any member of type
    // (unsigned) long, so members read in the loop would be reloaded after every count.
    const std::size_t occ = occ_;
    const std::size_t n_occ = F.occupations;
    const std::uint32_t rep = rep_;
    std::int64_t* cnt = counts.data() + b * width;
    std::int64_t* flow = cnt + flow_base;
    FirmSums& mine = sums.local();
    if (mine.firm.size() < F.size()) mine.firm.resize(F.size(), {0, 0, 0});
    auto& bs = block_sums[b];
    auto& seek = block_seekers[b];
    std::int64_t employed = 0;
    std::array<std::uint32_t, kDrawBatch> words{};
    // On-the-job search (MODEL.md 4.1) uses the top of a stayer's interval: a stayer searches
    // with probability `search.on_the_job_share`.
    auto search_on_the_job = [&](std::size_t i, double u) {
      if (u > 1.0 - ojs_share) block_ojs[b].push_back(static_cast<std::uint32_t>(i));
    };
    for (std::size_t i = begin; i < end; ++i) {
      // Between the yearly regroupings, hires scatter a firm's workers over the table, so the
      // cell data below is read at random for them: fetch it a few workers ahead.
      if (i + kPrefetch < end) {
        const std::uint32_t ahead = employer[i + kPrefetch];
        if (ahead != kNoEmployer) {
          __builtin_prefetch(cell_odds + ahead * n_occ + occupation[i + kPrefetch]);
          __builtin_prefetch(mine.firm.data() + ahead, 1);
        }
      }
      // The blocks of the next 64 rows are computed together, before any row is skipped:
      // independent Philox rounds overlap in the pipeline, where one block at a time would wait
      // on its own chain.
      if ((i & (kDrawBatch - 1)) == 0 || i == begin) {
        const std::size_t first = (i & ~(kDrawBatch - 1)) >> 2U;
        for (std::size_t g = 0; g < kDrawBatch / 4; ++g) {
          const auto block = sim::Stream::first_block(seed, rep, static_cast<std::uint32_t>(month),
                                                      phase::kSeparation, static_cast<std::uint32_t>(first + g));
          for (std::size_t k = 0; k < 4; ++k) words[g * 4 + k] = block.v[k];
        }
      }
      const auto st = static_cast<Status>(status[i]);
      if (st == Status::kRetired) continue;
      ++cnt[start_base + static_cast<std::size_t>(st) * occ + occupation[i]];
      if (birthday && age[i] < 120) ++age[i];
      const double h_retire = retire_hazard[age[i]];
      // One uniform per worker and month decides everything: row i takes word i % 4 of the
      // Philox block keyed by i / 4. Retirement takes [0, h); the rest of the interval, rescaled
      // to (0, 1), decides the worker's other transition (a uniform conditional on not retiring).
      const double draw = (static_cast<double>(words[i & (kDrawBatch - 1)]) + 0.5) * 0x1p-32;
      const bool retires = draw < h_retire;
      const double u = h_retire == 0.0 ? draw : (retires ? 0.0 : (draw - h_retire) / (1.0 - h_retire));
      if (st != Status::kEmployed) {
        // Worker transitions (MODEL.md 4.2-4.5) for everyone not employed.
        const std::size_t o = occupation[i];
        if (retires) {
          const std::size_t which = st == Status::kUnemployed ? kRetireU
                                    : st == Status::kReskilling ? kRetireR
                                    : st == Status::kFounder    ? kRetireF
                                                                : kRetireO;
          ++flow[which * occ + o];
          status[i] = static_cast<std::uint8_t>(Status::kRetired);
          why[i] = static_cast<std::uint8_t>(Reason::kRetirement);
          continue;
        }
        const double v = u;
        if (st == Status::kUnemployed) {
          if (spell[i] < 0xffff) ++spell[i];
          // Competing hazards: discouraged exit, reskilling, founding.
          const double p_exit = spell[i] >= wp.discouraged_after_months ? wp.discouraged_exit_rate : 0.0;
          double p_reskill = 0;
          const int target = reskill_target_[o];
          if (target >= 0 && spell[i] >= rs.min_spell_months) {
            p_reskill = std::min(1.0, reskill_hazard[o] * age_factor[age[i]]);
          }
          const double p_found = std::min(1.0, sc_.founders.base_hazard * (1.0 + pol.founder_support) *
                                                   (1.0 + sc_.founders.literacy_elasticity * literacy[i]));
          if (v < p_exit) {
            ++flow[kExit * occ + o];
            status[i] = static_cast<std::uint8_t>(Status::kOutOfLabourForce);
            spell[i] = 0;
          } else if (v < p_exit + p_reskill) {
            ++flow[kReskillStart * occ + o];
            const auto t = static_cast<std::size_t>(target);
            const double sim = model_->similarity(static_cast<Eigen::Index>(o), static_cast<Eigen::Index>(t));
            const double months = (rs.duration_base_months + rs.duration_distance_months * (1.0 - sim)) *
                                  (1.0 - pol.reskilling_duration_cut);
            status[i] = static_cast<std::uint8_t>(Status::kReskilling);
            reskill_target[i] = static_cast<std::uint8_t>(t);
            reskill_months_left[i] = static_cast<std::uint8_t>(std::clamp(std::lround(months), 1L, 255L));
            spell[i] = 0;
          } else if (v < p_exit + p_reskill + p_found) {
            ++flow[kFounderStart * occ + o];
            status[i] = static_cast<std::uint8_t>(Status::kFounder);
            tenure[i] = 0;
            spell[i] = 0;
          } else {
            seek.push_back(static_cast<std::uint32_t>(i));
            if (spell[i] >= long_term) ++cnt[ltu_base + o];
            if (spell[i] > ui_months) ++cnt[ui_base + o];
          }
        } else if (st == Status::kReskilling) {
          if (v < rs.dropout_rate) {
            ++flow[kReskillDropout * occ + o];
            status[i] = static_cast<std::uint8_t>(Status::kUnemployed);
          } else if (--reskill_months_left[i] == 0) {
            // Completion: the worker's occupation becomes the target, literacy rises.
            const std::size_t t = reskill_target[i];
            ++flow[kReskillComplete * occ + o];
            ++flow[kReskillCompleteInto * occ + t];
            block_completions[b].emplace_back(static_cast<std::uint8_t>(o), static_cast<std::uint8_t>(t));
            status[i] = static_cast<std::uint8_t>(Status::kUnemployed);
            occupation[i] = static_cast<std::uint8_t>(t);
            pay[i] = static_cast<float>(wage_[t] / price_level_);
            literacy[i] += static_cast<float>(rs.literacy_gain) * (1.0F - literacy[i]);
          }
        } else if (st == Status::kFounder) {
          if (tenure[i] < 0xffff) ++tenure[i];
          if (v < sc_.founders.failure_rate) {
            ++flow[kFounderFail * occ + o];
            status[i] = static_cast<std::uint8_t>(Status::kUnemployed);
            spell[i] = 0;
          } else if (tenure[i] >= sc_.founders.months_to_firm && firm_class_for_founders_ >= 0 &&
                     v < sc_.founders.failure_rate + sc_.founders.firm_creation_rate) {
            block_founders[b].push_back(static_cast<std::uint32_t>(i));  // creates a firm (serial)
          }
        } else if (st == Status::kOutOfLabourForce) {
          if (v < reentry) {
            ++flow[kReentry * occ + o];
            status[i] = static_cast<std::uint8_t>(Status::kUnemployed);
            spell[i] = 0;
          }
        }
        continue;
      }
      if (retires) {
        const std::size_t o = occupation[i];
        ++flow[kRetireE * occ + o];
        std::atomic_ref<std::int32_t>(F.headcount[employer[i] * n_occ + o]).fetch_sub(1, std::memory_order_relaxed);
        status[i] = static_cast<std::uint8_t>(Status::kRetired);
        why[i] = static_cast<std::uint8_t>(Reason::kRetirement);
        employer[i] = kNoEmployer;
        continue;
      }
      ++employed;
      if (tenure[i] < 0xffff) ++tenure[i];
      const std::size_t o = occupation[i];
      const std::uint32_t f = employer[i];
      const std::size_t c = f * n_occ + o;
      // On-the-job AI literacy: l += beta theta (1 - l).
      const float l = literacy[i];
      const CellOdds odds = cell_odds[c];
      literacy[i] = l + static_cast<float>(beta * odds.adoption * kUnit) * (1.0F - l);
      // The month's measurement of the staff at its start: wages paid, literacy, knowledge.
      // Per-thread integer sums: exact and independent of which thread added what.
      {
        const double wage = pay[i] * price_level;  // stored in start-of-run prices
        const double lit = literacy[i];
        mine.add(f, wage, lit, tenure[i], knowledge[o] != 0, cap);
        bs[0] += wage;
        bs[1] += lit;
        if (complement[o] >= 0.3) {
          const std::size_t k = lit >= 0.3 ? 2 : 4;
          bs[k] += wage;
          bs[k + 1] += 1;
        }
      }
      // Most employed workers stay. u is at or above every threshold of the chain below when it
      // is at or above their largest possible value (max_weight bounds the literacy weight). The
      // bound errs high by a relative 1e-9 besides, far above rounding, so skipping the chain
      // changes no decision.
      if (exiting[f] == 0) {
        const double most =
            static_cast<double>(odds.demand + odds.automation + odds.capex) * max_weight + delta + q;
        if (u >= most * (1.0 + 1e-9)) {
          search_on_the_job(i, u);
          continue;
        }
      }
      Reason reason = Reason::kNone;
      bool firm_reason = false;
      if (exiting[f] != 0) {
        reason = Reason::kFirmExit;
      } else {
        // The cell's mean literacy is a snapshot taken at planning: headcounts change under
        // this very pass, so reading them here would depend on thread timing.
        const double weight = std::max(0.0, 1.0 + lit_weight * (firm_literacy[f] - l)) * kUnit;
        const double pd = odds.demand * weight;
        const double pa = odds.automation * weight;
        const double pc = odds.capex * weight;
        firm_reason = true;
        if (u < pd) {
          reason = Reason::kDemand;
        } else if (u < pd + pa) {
          reason = Reason::kAutomation;
        } else if (u < pd + pa + pc) {
          reason = Reason::kCapexFunding;
        } else if (u < pd + pa + pc + delta) {
          reason = Reason::kDemand;
          firm_reason = false;
        } else if (u < pd + pa + pc + delta + q) {
          reason = Reason::kQuit;
          firm_reason = false;
        } else {
          search_on_the_job(i, u);
          continue;
        }
      }
      const std::size_t k = F.firm_class[f];
      sim::Stream rng(seed, rep, static_cast<std::uint32_t>(month), phase::kRedeploy,
                      static_cast<std::uint32_t>(i));
      const double mobility = std::min(1.0, sc_.firms[k].value.internal_mobility_rate * (1.0 + pol.internal_mobility_boost));
      if (firm_reason && rng.uniform() < mobility) {
        why[i] = static_cast<std::uint8_t>(reason);  // provisional; redeploy() decides
        block_candidates[b].push_back(static_cast<std::uint32_t>(i));
        continue;
      }
      if (reason == Reason::kQuit) {
        ++cnt[occ * kReasons + o];
        ++cnt[occ * kReasons + occ + classes_ * kReasons + k];
      } else {
        const std::size_t r = static_cast<std::size_t>(reason) - 1;  // demand .. firm_exit skip quit
        const std::size_t ri = reason == Reason::kFirmExit ? 3 : r;
        ++cnt[o * kReasons + ri];
        ++cnt[occ * kReasons + occ + k * kReasons + ri];
        std::atomic_ref<std::int32_t>(F.layoffs[f * kLayoffReasons + ri]).fetch_add(1, std::memory_order_relaxed);
        if (mandate && (reason == Reason::kAutomation || reason == Reason::kCapexFunding)) {
          block_mandated[b].push_back(static_cast<std::uint32_t>(i));
        }
      }
      status[i] = static_cast<std::uint8_t>(Status::kUnemployed);
      why[i] = static_cast<std::uint8_t>(reason);
      employer[i] = kNoEmployer;
      tenure[i] = 0;
      spell[i] = 0;
      // Integer decrements commute, so the result is the same for any thread schedule.
      std::atomic_ref<std::int32_t>(F.headcount[c]).fetch_sub(1, std::memory_order_relaxed);
    }
    block_employed[b] = employed;
  });
  // Join in block order: lists are in ascending worker id for any thread count.
  std::fill(layoffs_.begin(), layoffs_.end(), 0);
  std::fill(quits_.begin(), quits_.end(), 0);
  std::fill(cls_layoffs_.begin(), cls_layoffs_.end(), 0);
  std::fill(cls_quits_.begin(), cls_quits_.end(), 0);
  std::fill(flows_.begin(), flows_.end(), 0);
  std::vector<std::int64_t> start_stock(kStatusCount * occ_, 0);
  ltu_seekers_.assign(occ_, 0);
  ui_expired_seekers_.assign(occ_, 0);
  ltu_hired_.assign(occ_, 0);
  ui_expired_hired_.assign(occ_, 0);
  wages_total_ = literacy_total_ = fluent_wage_ = fluent_n_ = other_wage_ = other_n_ = 0;
  seekers_.clear();
  redeploy_candidates_.clear();
  founders_creating_.clear();
  job_searchers_.clear();
  mandated_.clear();
  employment_start_ = 0;
  for (std::size_t b = 0; b < nb; ++b) {
    const std::int64_t* cnt = counts.data() + b * width;
    for (std::size_t x = 0; x < occ_ * kReasons; ++x) layoffs_[x] += cnt[x];
    for (std::size_t o = 0; o < occ_; ++o) quits_[o] += cnt[occ_ * kReasons + o];
    const std::int64_t* cls = cnt + occ_ * kReasons + occ_;
    for (std::size_t x = 0; x < classes_ * kReasons; ++x) cls_layoffs_[x] += cls[x];
    for (std::size_t k = 0; k < classes_; ++k) cls_quits_[k] += cls[classes_ * kReasons + k];
    const std::int64_t* fl = cnt + flow_base;
    for (std::size_t x = 0; x < kFlowCount * occ_; ++x) flows_[x] += fl[x];
    for (const auto& [from, to] : block_completions[b]) reskill_flows_[from * occ_ + to] += 1;
    seekers_.insert(seekers_.end(), block_seekers[b].begin(), block_seekers[b].end());
    redeploy_candidates_.insert(redeploy_candidates_.end(), block_candidates[b].begin(),
                                block_candidates[b].end());
    founders_creating_.insert(founders_creating_.end(), block_founders[b].begin(), block_founders[b].end());
    job_searchers_.insert(job_searchers_.end(), block_ojs[b].begin(), block_ojs[b].end());
    mandated_.insert(mandated_.end(), block_mandated[b].begin(), block_mandated[b].end());
    employment_start_ += block_employed[b];
    for (std::size_t x = 0; x < kStatusCount * occ_; ++x) start_stock[x] += cnt[start_base + x];
    for (std::size_t o = 0; o < occ_; ++o) {
      ltu_seekers_[o] += cnt[ltu_base + o];
      ui_expired_seekers_[o] += cnt[ui_base + o];
    }
    wages_total_ += block_sums[b][0];
    literacy_total_ += block_sums[b][1];
    fluent_wage_ += block_sums[b][2];
    fluent_n_ += block_sums[b][3];
    other_wage_ += block_sums[b][4];
    other_n_ += block_sums[b][5];
  }
  merge_firm_sums(sums);
  // The start-of-month count must equal last month's stocks built from the flows: the
  // stock-flow identity, checked every month on the whole worker table.
  const std::vector<double>* last[kStatusCount] = {&emp_, &unemp_, &rsk_, &fnd_, &olf_};
  for (std::size_t st = 0; st < kStatusCount; ++st) {
    for (std::size_t o = 0; o < occ_; ++o) {
      if (static_cast<double>(start_stock[st * occ_ + o]) != (*last[st])[o]) {
        throw std::logic_error("stock-flow identity broken in month " + std::to_string(month) + ": status " +
                               std::to_string(st) + ", occupation " + model_->data.occupations[o].id +
                               ": counted " + std::to_string(start_stock[st * occ_ + o]) + ", flows give " +
                               std::to_string((*last[st])[o]));
      }
    }
  }
  start_stock_ = std::move(start_stock);
}

void LabourMarket::close_stocks() {
  // End-of-month stocks: the start-of-month count plus the month's flows. Next month's pass
  // counts the table again and checks that the two agree.
  auto flow = [&](std::size_t which, std::size_t o) { return static_cast<double>(flows_[which * occ_ + o]); };
  auto start = [&](Status st, std::size_t o) {
    return static_cast<double>(start_stock_[static_cast<std::size_t>(st) * occ_ + o]);
  };
  ui_recipients_ = 0;
  for (std::size_t o = 0; o < occ_; ++o) {
    double lay = 0;
    for (std::size_t r = 0; r < kReasons; ++r) lay += static_cast<double>(layoffs_[o * kReasons + r]);
    const double quits = static_cast<double>(quits_[o]);
    emp_[o] = start(Status::kEmployed, o) + static_cast<double>(hires_[o]) - lay - quits +
              static_cast<double>(redeployed_in_[o] - redeployed_out_[o]) - flow(kRetireE, o) +
              flow(kFounderFirm, o) - static_cast<double>(job_to_job_out_[o]);
    unemp_[o] = start(Status::kUnemployed, o) + lay + quits - static_cast<double>(job_finds_[o]) -
                flow(kReskillStart, o) + flow(kReskillCompleteInto, o) + flow(kReskillDropout, o) -
                flow(kFounderStart, o) + flow(kFounderFail, o) - flow(kExit, o) + flow(kReentry, o) +
                flow(kEntrant, o) - flow(kRetireU, o);
    rsk_[o] = start(Status::kReskilling, o) + flow(kReskillStart, o) - flow(kReskillComplete, o) -
              flow(kReskillDropout, o) - flow(kRetireR, o);
    fnd_[o] = start(Status::kFounder, o) + flow(kFounderStart, o) - flow(kFounderFail, o) - flow(kRetireF, o) -
              flow(kFounderFirm, o);
    olf_[o] = start(Status::kOutOfLabourForce, o) + flow(kExit, o) - flow(kReentry, o) - flow(kRetireO, o);
    // Everyone entering unemployment this month has a fresh spell: the long-term unemployed and
    // those past their benefits are seekers who stayed unemployed.
    ltu_[o] = static_cast<double>(ltu_seekers_[o] - ltu_hired_[o]);
    ui_recipients_ += static_cast<std::int64_t>(unemp_[o]) - (ui_expired_seekers_[o] - ui_expired_hired_[o]);
  }
}

void LabourMarket::redeploy() {
  // Internal mobility (MODEL.md 3.7): serial, in worker-id order, so the result does not depend on
  // threads. A candidate moves to the open cell of the same firm whose occupation is most similar
  // (sim >= labour.internal_mobility_min_similarity); otherwise the layoff goes ahead.
  std::fill(redeployed_in_.begin(), redeployed_in_.end(), 0);
  std::fill(redeployed_out_.begin(), redeployed_out_.end(), 0);
  auto& w = workers_;
  auto& F = firms_;
  const double min_sim = sc_.labour.internal_mobility_min_similarity;
  for (const std::uint32_t i : redeploy_candidates_) {
    const std::size_t o = w.occupation[i];
    const std::uint32_t f = w.employer[i];
    std::size_t best = occ_;
    double best_sim = min_sim;
    for (std::size_t d = 0; d < occ_; ++d) {
      if (d == o) continue;
      const std::size_t c = F.cell(f, d);
      const double sim = model_->similarity(static_cast<Eigen::Index>(o), static_cast<Eigen::Index>(d));
      if (F.requirement[c] - static_cast<float>(F.headcount[c]) >= 1.0F && sim >= best_sim) {
        best = d;
        best_sim = sim;
      }
    }
    const std::size_t k = F.firm_class[f];
    if (best < occ_) {
      --F.headcount[F.cell(f, o)];
      ++F.headcount[F.cell(f, best)];
      w.occupation[i] = static_cast<std::uint8_t>(best);
      w.wage[i] = static_cast<float>(wage_[best] / price_level_) * class_premium_[k];
      w.reason[i] = static_cast<std::uint8_t>(Reason::kNone);
      ++redeployed_out_[o];
      ++redeployed_in_[best];
      continue;
    }
    const auto reason = static_cast<Reason>(w.reason[i]);
    const std::size_t ri = reason == Reason::kFirmExit ? 3 : static_cast<std::size_t>(reason) - 1;
    ++layoffs_[o * kReasons + ri];
    ++cls_layoffs_[k * kReasons + ri];
    ++F.layoffs[f * kLayoffReasons + ri];
    --F.headcount[F.cell(f, o)];
    if (sc_.policy.retraining_mandate && (reason == Reason::kAutomation || reason == Reason::kCapexFunding)) {
      mandated_.push_back(i);
    }
    w.status[i] = static_cast<std::uint8_t>(Status::kUnemployed);
    w.employer[i] = kNoEmployer;
    w.tenure[i] = 0;
    w.spell[i] = 0;
  }
  // WARN notices (federal WARN Act: 50 or more at once), in firm order.
  warn_rows_.clear();
  const double threshold = sc_.workers.warn_threshold_persons / model_->persons_per_agent;
  for (std::size_t f = 0; f < F.size(); ++f) {
    std::int64_t total = 0, top = 0;
    std::size_t top_reason = 0;
    for (std::size_t r = 0; r < kLayoffReasons; ++r) {
      const std::int64_t x = F.layoffs[f * kLayoffReasons + r];
      total += x;
      if (x > top) {
        top = x;
        top_reason = r;
      }
    }
    if (total > 0 && static_cast<double>(total) >= threshold) {
      warn_rows_.insert(warn_rows_.end(),
                        {static_cast<std::int64_t>(rep_), month_, static_cast<std::int64_t>(f),
                         static_cast<std::int64_t>(F.firm_class[f]), total,
                         std::llround(static_cast<double>(total) * model_->persons_per_agent),
                         static_cast<std::int64_t>(top_reason)});
    }
  }
}

void LabourMarket::enrol_mandated() {
  // Retraining mandate (MODEL.md 7): a worker laid off for AI reasons starts a funded programme
  // at once, toward the best feasible target (the one with the highest f w, gain or not).
  std::sort(mandated_.begin(), mandated_.end());
  const auto& rs = sc_.reskilling;
  auto& w = workers_;
  for (const std::uint32_t i : mandated_) {
    const std::size_t o = w.occupation[i];
    const int target = mandate_target_[o];
    if (target < 0) continue;
    const auto t = static_cast<std::size_t>(target);
    const double sim = model_->similarity(static_cast<Eigen::Index>(o), static_cast<Eigen::Index>(t));
    const double months = (rs.duration_base_months + rs.duration_distance_months * (1.0 - sim)) *
                          (1.0 - sc_.policy.reskilling_duration_cut);
    w.status[i] = static_cast<std::uint8_t>(Status::kReskilling);
    w.reskill_target[i] = static_cast<std::uint8_t>(t);
    w.reskill_months_left[i] = static_cast<std::uint8_t>(std::clamp(std::lround(months), 1L, 255L));
    ++flows_[kReskillStart * occ_ + o];
    ++mandated_enrolled_;
  }
  mandated_.clear();
}

void LabourMarket::plan_workers(int month) {
  // Expected gain of reskilling from o to o' (MODEL.md 4.3): recent job-finding rate times wage
  // of the target, less the same for the own occupation; the best feasible target per origin.
  for (std::size_t o = 0; o < occ_; ++o) {
    if (seekers_by_occ_[o] > 0) {
      const double f = static_cast<double>(job_finds_[o]) / static_cast<double>(seekers_by_occ_[o]);
      job_finding_ema_[o] = 0.8 * job_finding_ema_[o] + 0.2 * f;
    }
  }
  const double min_sim = sc_.reskilling.min_similarity;
  for (std::size_t o = 0; o < occ_; ++o) {
    // The feasible target with the best prospects (job-finding rate x wage). The mandate's
    // programme takes it in any case; a volunteer only when it beats staying (a positive gain).
    int best_target = -1;
    double best_prospect = -1;
    for (std::size_t d = 0; d < occ_; ++d) {
      // The programme catalogue trains for skills, not for management posts.
      if (d == o || model_->data.occupations[d].manager ||
          model_->similarity(static_cast<Eigen::Index>(o), static_cast<Eigen::Index>(d)) < min_sim) {
        continue;
      }
      const double prospect = job_finding_ema_[d] * wage_[d];
      if (prospect > best_prospect) {
        best_prospect = prospect;
        best_target = static_cast<int>(d);
      }
    }
    const double gain = best_target >= 0 ? best_prospect - job_finding_ema_[o] * wage_[o] : 0.0;
    mandate_target_[o] = static_cast<std::int16_t>(best_target);
    reskill_target_[o] = static_cast<std::int16_t>(gain > 0 ? best_target : -1);
    reskill_gain_[o] = gain > 0 ? gain / wage_[o] : 0.0;
  }
  // Re-entry rises with tightness V/U relative to the first month (MODEL.md 4.5).
  if (month > 1 && tightness_ref_ > 0) {
    reentry_factor_ = std::pow(std::max(tightness_last_, 1e-6) / tightness_ref_,
                               sc_.workers.reentry_tightness_elasticity);
  }
}

void LabourMarket::enter(int month) {
  // Entrants (MODEL.md 4.6): graduates join unemployment every month, trained in proportion to
  // employment `lag` months ago, tilted toward occupations that were growing then.
  const auto& wp = sc_.workers;
  const double labour_force = std::accumulate(emp_.begin(), emp_.end(), 0.0) +
                              std::accumulate(unemp_.begin(), unemp_.end(), 0.0) +
                              std::accumulate(fnd_.begin(), fnd_.end(), 0.0);
  const auto seed = static_cast<std::uint64_t>(sc_.run.seed);
  sim::Stream count_rng(seed, rep_, static_cast<std::uint32_t>(month), phase::kEntry, 0xffffffffU);
  const double expected = labour_force * wp.entrant_rate_per_year / 12.0;
  const auto n_new = static_cast<std::size_t>(std::floor(expected + count_rng.uniform()));
  if (n_new == 0) return;
  const std::size_t h = employment_history_.size();
  const std::size_t lag = static_cast<std::size_t>(wp.entrant_mix_lag_months);
  const std::vector<double>& then = employment_history_[h > lag ? h - 1 - lag : 0];
  const std::vector<double>& before = employment_history_[h > lag + 12 ? h - 1 - lag - 12 : 0];
  std::vector<double> cdf(occ_);
  double acc = 0;
  for (std::size_t o = 0; o < occ_; ++o) {
    const double growth = before[o] > 0 ? then[o] / before[o] - 1.0 : 0.0;
    acc += then[o] * std::max(0.1, 1.0 + wp.entrant_growth_tilt * growth);
    cdf[o] = acc;
  }
  const std::size_t first = workers_.size();
  workers_.resize(first + n_new);
  for (std::size_t row = first; row < first + n_new; ++row) {
    sim::Stream rng(seed, rep_, static_cast<std::uint32_t>(month), phase::kEntry, static_cast<std::uint32_t>(row));
    const double u = rng.uniform() * acc;
    const auto o = std::min(static_cast<std::size_t>(std::upper_bound(cdf.begin(), cdf.end(), u) - cdf.begin()), occ_ - 1);
    workers_.status[row] = static_cast<std::uint8_t>(Status::kUnemployed);
    workers_.occupation[row] = static_cast<std::uint8_t>(o);
    workers_.age[row] = static_cast<std::uint8_t>(wp.entrant_age);
    workers_.literacy[row] = static_cast<float>(wp.entrant_literacy);
    workers_.wage[row] = static_cast<float>(wage_[o] / price_level_);
    ++flows_[kEntrant * occ_ + o];
  }
}

void LabourMarket::run_matching(int month) {
  const auto& w = workers_;
  // Vacancies: V_fo = round(gamma_v max(0, L*_fo - H_fo)), the shortfall after this month's
  // separations, which includes the replacement of quits; posted in the first pass below.
  // Vacancy book: slots grouped by occupation, firms in ascending order within each. Built in
  // parallel over blocks of firms: count per block and occupation, prefix-sum in block order,
  // then each block fills its own ranges (the same book for any thread count).
  VacancyBook book;
  book.occ_begin.assign(occ_ + 1, 0);
  const std::size_t n_firms = firms_.size();
  const std::size_t nb = sim::block_count(n_firms, kFirmBlock);
  std::vector<std::uint32_t> block_count(nb * occ_, 0);
  std::vector<std::int64_t> block_class(nb * classes_, 0);
  sim::for_blocks(n_firms, kFirmBlock, [&](std::size_t b, std::size_t begin, std::size_t end) {
    std::uint32_t* cnt = block_count.data() + b * occ_;
    std::int64_t* cls = block_class.data() + b * classes_;
    for (std::size_t f = begin; f < end; ++f) {
      const double gamma_v = sc_.firms[firms_.firm_class[f]].value.hiring_speed;
      for (std::size_t li = firms_.live_begin[f]; li < firms_.live_begin[f + 1]; ++li) {
        const std::size_t o = firms_.live_occ[li];
        const std::size_t c = firms_.cell(f, o);
        const double gap = firms_.requirement[c] - firms_.headcount[c];
        const std::int32_t v = gap > 0 ? static_cast<std::int32_t>(std::floor(gamma_v * gap + 0.5)) : 0;
        firms_.vacancies[c] = v;
        cnt[o] += static_cast<std::uint32_t>(v);
        cls[firms_.firm_class[f]] += v;
      }
    }
  });
  std::fill(vacancies_posted_.begin(), vacancies_posted_.end(), 0);
  std::fill(cls_vacancies_.begin(), cls_vacancies_.end(), 0);
  for (std::size_t b = 0; b < nb; ++b) {
    for (std::size_t o = 0; o < occ_; ++o) vacancies_posted_[o] += block_count[b * occ_ + o];
    for (std::size_t k = 0; k < classes_; ++k) cls_vacancies_[k] += block_class[b * classes_ + k];
  }
  for (std::size_t o = 0; o < occ_; ++o) {
    book.occ_begin[o + 1] = book.occ_begin[o] + static_cast<std::uint32_t>(vacancies_posted_[o]);
  }
  // Block b's first slot in occupation o: the occupation's start plus earlier blocks' counts.
  std::vector<std::uint32_t> block_start(nb * occ_);
  for (std::size_t o = 0; o < occ_; ++o) {
    std::uint32_t at = book.occ_begin[o];
    for (std::size_t b = 0; b < nb; ++b) {
      block_start[b * occ_ + o] = at;
      at += block_count[b * occ_ + o];
    }
  }
  book.slot_firm.resize(book.occ_begin[occ_]);
  book.slot_wage.resize(book.occ_begin[occ_]);
  std::vector<std::uint8_t> slot_occ(book.occ_begin[occ_]);
  sim::for_blocks(n_firms, kFirmBlock, [&](std::size_t b, std::size_t begin, std::size_t end) {
    std::uint32_t* fill = block_start.data() + b * occ_;
    for (std::size_t f = begin; f < end; ++f) {
      const float premium = class_premium_[firms_.firm_class[f]];
      for (std::size_t li = firms_.live_begin[f]; li < firms_.live_begin[f + 1]; ++li) {
        const std::size_t o = firms_.live_occ[li];
        for (std::int32_t k = 0; k < firms_.vacancies[firms_.cell(f, o)]; ++k) {
          const std::uint32_t slot = fill[o]++;
          book.slot_firm[slot] = static_cast<std::uint32_t>(f);
          book.slot_wage[slot] = static_cast<float>(wage_[o]) * premium;
          slot_occ[slot] = static_cast<std::uint8_t>(o);
        }
      }
    }
  });
  std::vector<Seeker> seekers(seekers_.size());
  // Benefits lower search intensity while they last (MODEL.md 4.2).
  const auto on_benefits = static_cast<float>(1.0 - sc_.policy.ui_search_effect * sc_.policy.ui_replacement_rate);
  sim::for_each_index(seekers_.size(), 2048, [&](std::size_t i) {
    const std::uint32_t id = seekers_[i];
    const float intensity = w.spell[id] <= sc_.policy.ui_months ? on_benefits : 1.0F;
    const auto why = static_cast<Reason>(w.reason[id]);
    const bool ai_displaced = why == Reason::kAutomation || why == Reason::kCapexFunding;
    seekers[i] = Seeker{id, w.occupation[id], w.spell[id], w.literacy[id], 0.0F, intensity,
                        ai_displaced ? static_cast<float>(sc_.policy.hiring_subsidy) : 0.0F};
  });
  std::fill(seekers_by_occ_.begin(), seekers_by_occ_.end(), 0);
  for (const Seeker& sk : seekers) ++seekers_by_occ_[sk.occupation];
  // On-the-job seekers follow the unemployed; they take only offers above their current pay
  // (reservation wage = nominal wage x (1 + search.job_to_job_premium)).
  const std::size_t n_unemployed = seekers.size();
  seekers.resize(n_unemployed + job_searchers_.size());
  const auto ojs_intensity = static_cast<float>(sc_.search.on_the_job_intensity);
  const double above = price_level_ * (1.0 + sc_.search.job_to_job_premium);
  sim::for_each_index(job_searchers_.size(), 2048, [&](std::size_t k) {
    const std::uint32_t id = job_searchers_[k];
    const auto reservation = static_cast<float>(w.wage[id] * above);
    seekers[n_unemployed + k] = Seeker{id, w.occupation[id], 0, w.literacy[id], reservation, ojs_intensity, 0.0F};
  });
  const auto& sp = sc_.search;
  MatchParams params{sp.applications,     sp.discouragement, sp.min_search_share, sp.rounds,
                     sp.similarity_weight, sp.noise_sd,      sp.hiring_standard, sp.literacy_weight};
  MatchStats stats;
  const std::vector<Hire> hires =
      match(seekers, book, model_->data.mobility, model_->similarity, params,
            StreamKey{static_cast<std::uint64_t>(sc_.run.seed), rep_, static_cast<std::uint32_t>(month)},
            &stats, complementarity_);
  applications_ = stats.applications;
  std::fill(hires_.begin(), hires_.end(), 0);
  std::fill(job_finds_.begin(), job_finds_.end(), 0);
  std::fill(cls_hires_.begin(), cls_hires_.end(), 0);
  std::fill(job_to_job_out_.begin(), job_to_job_out_.end(), 0);
  // Apply the hires in parallel: each hire owns its worker's row and a firm's cell counts take
  // commuting integer atomic adds (few hires share a cell). Tallies by occupation and class are
  // per block, joined in block order: the same result for any schedule, and no cache line
  // passed back and forth between threads on every hire.
  const auto price = static_cast<float>(price_level_);
  constexpr std::size_t kHireBlock = 2048;
  const std::size_t nb_hires = sim::block_count(hires.size(), kHireBlock);
  // Per block: hires, job finds, job-to-job out, LTU hired, UI-expired hired (by occupation),
  // hires by class, re-employment bins (AI, other), transitions (origin x destination).
  const std::size_t t_hires = 0, t_finds = occ_, t_j2j = 2 * occ_, t_ltu = 3 * occ_, t_ui = 4 * occ_,
                    t_class = 5 * occ_, t_ai = t_class + classes_, t_other = t_ai + kSpellBins,
                    t_trans = t_other + kSpellBins, t_width = t_trans + occ_ * occ_;
  std::vector<std::int64_t> tally(nb_hires * t_width, 0);
  sim::for_blocks(hires.size(), kHireBlock, [&](std::size_t b, std::size_t begin, std::size_t end) {
    std::int64_t* t = tally.data() + b * t_width;
    for (std::size_t k = begin; k < end; ++k) {
      const Hire& h = hires[k];
      const std::uint32_t id = seekers[h.seeker].worker;
      const std::size_t from = workers_.occupation[id];
      const std::size_t to = slot_occ[h.slot];
      const std::uint32_t f = book.slot_firm[h.slot];
      // AI premium: fluent workers in complemented occupations are paid more (MODEL.md 6).
      const float wage = book.slot_wage[h.slot] / price *
                         static_cast<float>(1.0 + sc_.workers.ai_wage_premium * workers_.literacy[id] *
                                                      complementarity_[to] / max_complementarity_);
      std::atomic_ref(firms_.headcount[firms_.cell(f, to)]).fetch_add(1, std::memory_order_relaxed);
      std::atomic_ref(firms_.vacancies[firms_.cell(f, to)]).fetch_sub(1, std::memory_order_relaxed);
      ++t[t_hires + to];
      ++t[t_class + firms_.firm_class[f]];
      if (h.seeker >= n_unemployed) {
        // A job-to-job move: the worker quits the old employer for the new one.
        std::atomic_ref(firms_.headcount[firms_.cell(workers_.employer[id], from)])
            .fetch_sub(1, std::memory_order_relaxed);
        ++t[t_j2j + from];
      } else {
        workers_.status[id] = static_cast<std::uint8_t>(Status::kEmployed);
        if (workers_.spell[id] >= sc_.labour.long_term_months) ++t[t_ltu + from];
        if (workers_.spell[id] > sc_.policy.ui_months) ++t[t_ui + from];
        const auto reason = static_cast<Reason>(workers_.reason[id]);
        const std::size_t bin = std::min<std::size_t>(workers_.spell[id], kSpellBins - 1);
        if (reason == Reason::kAutomation || reason == Reason::kCapexFunding) {
          ++t[t_ai + bin];
        } else if (reason == Reason::kDemand || reason == Reason::kFirmExit) {
          ++t[t_other + bin];
        }
        workers_.spell[id] = 0;
        ++t[t_finds + from];
        ++t[t_trans + from * occ_ + to];
      }
      workers_.employer[id] = f;
      workers_.occupation[id] = static_cast<std::uint8_t>(to);
      workers_.wage[id] = wage;
      workers_.tenure[id] = 0;
    }
  });
  for (std::size_t b = 0; b < nb_hires; ++b) {
    const std::int64_t* t = tally.data() + b * t_width;
    for (std::size_t o = 0; o < occ_; ++o) {
      hires_[o] += t[t_hires + o];
      job_finds_[o] += t[t_finds + o];
      job_to_job_out_[o] += t[t_j2j + o];
      ltu_hired_[o] += t[t_ltu + o];
      ui_expired_hired_[o] += t[t_ui + o];
    }
    for (std::size_t k = 0; k < classes_; ++k) cls_hires_[k] += t[t_class + k];
    for (std::size_t x = 0; x < kSpellBins; ++x) {
      reemploy_ai_[x] += static_cast<double>(t[t_ai + x]);
      reemploy_other_[x] += static_cast<double>(t[t_other + x]);
    }
    for (std::size_t x = 0; x < occ_ * occ_; ++x) transitions_[x] += static_cast<double>(t[t_trans + x]);
  }
}

void LabourMarket::update_wages(int month) {
  // MODEL.md 6: d ln w_o = pi/12 + (eta/12) (ln theta_o - ln theta_ref_o), theta_o = (V_o + 1) /
  // (U_o + 1); the reference tightness is an exponential moving average (half-life H months), so
  // wages respond to tightness relative to its recent normal, not to level differences between
  // occupations.
  const double pi = std::log1p(sc_.wages.inflation_per_year) / 12.0;
  const double eta = sc_.wages.tightness_elasticity / 12.0;
  const double keep = std::pow(0.5, 1.0 / static_cast<double>(sc_.wages.reference_halflife_months));
  for (std::size_t o = 0; o < occ_; ++o) {
    const double log_theta = std::log((static_cast<double>(vacancies_posted_[o]) + 1.0) /
                                      (static_cast<double>(seekers_by_occ_[o]) + 1.0));
    if (month == 1) ref_log_tightness_[o] = log_theta;
    wage_[o] *= std::exp(pi + eta * (log_theta - ref_log_tightness_[o]));
    ref_log_tightness_[o] = keep * ref_log_tightness_[o] + (1.0 - keep) * log_theta;
  }
}

void LabourMarket::merge_firm_sums(tbb::enumerable_thread_specific<FirmSums>& sums) {
  auto& F = firms_;
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

std::vector<double> LabourMarket::recount_stocks() const {
  std::vector<double> out(6 * occ_, 0.0);
  const auto& w = workers_;
  for (std::size_t i = 0; i < w.size(); ++i) {
    const std::size_t o = w.occupation[i];
    switch (static_cast<Status>(w.status[i])) {
      case Status::kEmployed: out[o] += 1; break;
      case Status::kUnemployed:
        out[occ_ + o] += 1;
        if (w.spell[i] >= sc_.labour.long_term_months) out[2 * occ_ + o] += 1;
        break;
      case Status::kReskilling: out[3 * occ_ + o] += 1; break;
      case Status::kFounder: out[4 * occ_ + o] += 1; break;
      case Status::kOutOfLabourForce: out[5 * occ_ + o] += 1; break;
      case Status::kRetired: break;
    }
  }
  return out;
}

void LabourMarket::measure_workers() {
  // End-of-month stocks by status and occupation, counted from the worker table itself (not from
  // the flows, so the stock-flow identity is a real check), plus per-firm wage bills, literacy
  // sums and institutional knowledge. Per-firm sums use integer fixed point (cents, 1e-4, 1e-3)
  // added atomically once per run of consecutive workers of a cell: integers commute, so the
  // result is the same for any thread schedule.
  const std::size_t n = workers_.size();
  const std::size_t nb = sim::block_count(n, kWorkerBlock);
  const std::size_t width = 6 * occ_ + 1;  // E, U, LTU, R, F, OLF by occupation; UI recipients
  std::vector<std::int64_t> counts(nb * width, 0);
  std::vector<double> wage_sum(nb, 0.0), lit_sum(nb, 0.0);
  std::vector<std::array<double, 4>> fluent(nb, std::array<double, 4>{});  // wage, n: fluent, other
  const int ui_months = sc_.policy.ui_months;
  const int long_term = sc_.labour.long_term_months;
  const double cap = sc_.reliability.knowledge_tenure_cap_months;
  std::vector<std::uint8_t> knowledge_role;
  for (const auto& o : model_->data.occupations) knowledge_role.push_back(o.knowledge_role ? 1 : 0);
  auto& F = firms_;
  auto& sums = firm_sums_;
  const auto& w = workers_;
  sim::for_blocks(n, kWorkerBlock, [&](std::size_t b, std::size_t begin, std::size_t end) {
    std::int64_t* cnt = counts.data() + b * width;
    double ws = 0, ls = 0;
    // Per-firm sums go to this thread's own arrays: integer sums do not depend on which thread
    // added what, so the merged result is deterministic, and no atomics are needed.
    FirmSums& mine = sums.local();
    if (mine.firm.size() < F.size()) mine.firm.resize(F.size(), {0, 0, 0});
    for (std::size_t i = begin; i < end; ++i) {
      const std::size_t o = w.occupation[i];
      const auto st = static_cast<Status>(w.status[i]);
      if (st == Status::kEmployed) {
        ++cnt[o];
        ws += w.wage[i];
        ls += w.literacy[i];
        const std::size_t f = w.employer[i];
        mine.add(f, w.wage[i], w.literacy[i], w.tenure[i], knowledge_role[o] != 0, cap);
        if (complementarity_[o] >= 0.3) {
          const std::size_t k = w.literacy[i] >= 0.3F ? 0 : 2;
          fluent[b][k] += w.wage[i];
          fluent[b][k + 1] += 1;
        }
      } else if (st == Status::kUnemployed) {
        ++cnt[occ_ + o];
        if (w.spell[i] >= long_term) ++cnt[2 * occ_ + o];
        if (w.spell[i] <= ui_months) ++cnt[6 * occ_];
      } else if (st == Status::kReskilling) {
        ++cnt[3 * occ_ + o];
      } else if (st == Status::kFounder) {
        ++cnt[4 * occ_ + o];
      } else if (st == Status::kOutOfLabourForce) {
        ++cnt[5 * occ_ + o];
      }
    }
    wage_sum[b] = ws;
    lit_sum[b] = ls;
  });
  emp_.assign(occ_, 0);
  unemp_.assign(occ_, 0);
  ltu_.assign(occ_, 0);
  rsk_.assign(occ_, 0);
  fnd_.assign(occ_, 0);
  olf_.assign(occ_, 0);
  fluent_wage_ = fluent_n_ = other_wage_ = other_n_ = 0;
  ui_recipients_ = 0;
  wages_total_ = 0;
  literacy_total_ = 0;
  for (std::size_t b = 0; b < nb; ++b) {
    for (std::size_t o = 0; o < occ_; ++o) {
      emp_[o] += static_cast<double>(counts[b * width + o]);
      unemp_[o] += static_cast<double>(counts[b * width + occ_ + o]);
      ltu_[o] += static_cast<double>(counts[b * width + 2 * occ_ + o]);
      rsk_[o] += static_cast<double>(counts[b * width + 3 * occ_ + o]);
      fnd_[o] += static_cast<double>(counts[b * width + 4 * occ_ + o]);
      olf_[o] += static_cast<double>(counts[b * width + 5 * occ_ + o]);
    }
    ui_recipients_ += counts[b * width + 6 * occ_];
    fluent_wage_ += fluent[b][0];
    fluent_n_ += fluent[b][1];
    other_wage_ += fluent[b][2];
    other_n_ += fluent[b][3];
    wages_total_ += wage_sum[b];
    literacy_total_ += lit_sum[b];
  }
  merge_firm_sums(sums);
}

void LabourMarket::record(double* out) {
  const auto& id = model_->ids;
  const auto& F = firms_;
  const auto& occs = model_->data.occupations;
  auto sum = [](const auto& v) {
    double s = 0;
    for (auto x : v) s += static_cast<double>(x);
    return s;
  };
  const double E = sum(emp_), U = sum(unemp_), LTU = sum(ltu_);
  const double V = sum(vacancies_posted_);
  std::vector<double> by_reason(kReasons, 0.0), occ_layoffs(occ_, 0.0), occ_ai(occ_, 0.0);
  for (std::size_t o = 0; o < occ_; ++o) {
    for (std::size_t r = 0; r < kReasons; ++r) {
      const auto x = static_cast<double>(layoffs_[o * kReasons + r]);
      by_reason[r] += x;
      occ_layoffs[o] += x;
      if (r == 1 || r == 2) occ_ai[o] += x;
    }
  }
  const double layoffs = sum(by_reason), hires = sum(hires_), quits = sum(quits_);
  double wage_now = 0, wage_then = 0;
  for (std::size_t o = 0; o < occ_; ++o) {
    wage_now += emp_[o] * wage_[o];
    wage_then += emp_[o] * wage0_[o];
  }
  // Firm aggregates: per-block partial sums in parallel, joined in block order (deterministic).
  // Layout of a partial: 11 per-class sums, 2 per-occupation sums, then 21 scalars.
  const std::size_t K = classes_;
  const std::size_t width = 11 * K + 2 * occ_ + 21;
  const std::size_t nb = sim::block_count(F.size(), kFirmBlock);
  std::vector<double> partial(nb * width, 0.0);
  sim::for_blocks(F.size(), kFirmBlock, [&](std::size_t b, std::size_t begin, std::size_t end) {
    double* p = partial.data() + b * width;
    double* per_class = p;                 // [field * K + k]
    double* per_occ = p + 11 * K;          // [field * O + o]
    double* scalar = per_occ + 2 * occ_;
    for (std::size_t f = begin; f < end; ++f) {
      const std::size_t k = F.firm_class[f];
      for (std::size_t li = F.live_begin[f]; li < F.live_begin[f + 1]; ++li) {
        const std::size_t o = F.live_occ[li];
        const std::size_t c = F.cell(f, o);
        const double h = F.headcount[c];
        per_class[0 * K + k] += h;
        per_class[8 * K + k] += h * F.adoption[c];
        per_occ[o] += h * F.adoption[c];
        per_occ[occ_ + o] += h;
        if (occs[o].ai_role) per_class[9 * K + k] += h;
        if (model_->exposed[o] != 0) per_class[10 * K + k] += h;
        scalar[19] += F.vacancies[c];  // unfilled after matching
        scalar[20] += F.requirement[c];
      }
      per_class[1 * K + k] += F.capex_payment[f];
      per_class[2 * K + k] += F.capacity[f];
      per_class[3 * K + k] += F.ai_revenue[f];
      per_class[4 * K + k] += F.core_revenue[f];
      per_class[5 * K + k] += F.wage_bill[f];
      per_class[6 * K + k] += F.incident[f];
      per_class[7 * K + k] += F.cash[f];
      const double values[15] = {F.capex_payment[f], F.capex_orders[f], F.capacity[f],  F.arrivals[f],
                                 F.retirements[f],   F.compute_used[f], F.ai_demand[f], F.ai_revenue[f],
                                 F.core_revenue[f],  F.wage_bill[f],    F.other_costs[f], F.opex[f],
                                 F.cash[f],          static_cast<double>(F.incident[f]), F.incident_cost[f]};
      for (int x = 0; x < 15; ++x) scalar[x] += values[x];
      scalar[15] += F.active[f];
      if (sc_.firms[k].value.ai_seller && F.active[f] != 0) {
        scalar[16] += F.knowledge[f];
        scalar[17] += F.load_ratio[f] * F.compute_used[f];
        scalar[18] += F.compute_used[f];
      }
    }
  });
  std::vector<double> joined(width, 0.0);
  for (std::size_t b = 0; b < nb; ++b) {
    for (std::size_t x = 0; x < width; ++x) joined[x] += partial[b * width + x];
  }
  auto class_field = [&](int field) {
    return std::vector<double>(joined.begin() + field * static_cast<std::ptrdiff_t>(K),
                               joined.begin() + (field + 1) * static_cast<std::ptrdiff_t>(K));
  };
  const std::vector<double> k_head = class_field(0), k_capex = class_field(1), k_cap = class_field(2),
                            k_ai = class_field(3), k_core = class_field(4), k_wage = class_field(5),
                            k_inc = class_field(6), k_cash = class_field(7), k_theta = class_field(8),
                            k_ai_role = class_field(9), k_exposed = class_field(10);
  const double* per_occ = joined.data() + 11 * K;
  const std::vector<double> occ_theta(per_occ, per_occ + occ_), occ_head(per_occ + occ_, per_occ + 2 * occ_);
  const double* sc = per_occ + 2 * occ_;
  const double capex = sc[0], orders = sc[1], capacity = sc[2], arrivals = sc[3], retirements = sc[4],
               used = sc[5], ai_demand = sc[6], ai_revenue = sc[7], core = sc[8], wage_bill = sc[9],
               other = sc[10], opex = sc[11], cash = sc[12], incidents = sc[13], incident_cost = sc[14],
               active = sc[15], knowledge = sc[16], load_num = sc[17], load_den = sc[18], unfilled = sc[19],
               demand_total = sc[20];
  double theta_all = 0;
  for (std::size_t o = 0; o < occ_; ++o) theta_all += occ_theta[o];
  out[id.employment] = E;
  out[id.unemployment] = U;
  out[id.labour_force] = E + U;
  out[id.unemployment_rate] = E + U > 0 ? U / (E + U) : 0;
  out[id.long_term_unemployed] = LTU;
  out[id.long_term_unemployment_share] = U > 0 ? LTU / U : 0;
  out[id.vacancies] = V;
  out[id.unfilled_vacancies] = unfilled;
  out[id.hires] = hires;
  out[id.layoffs] = layoffs;
  out[id.quits] = quits;
  const double finds = sum(job_finds_);
  out[id.job_finding_rate] = seekers_.empty() ? 0 : finds / static_cast<double>(seekers_.size());
  out[id.separation_rate] =
      employment_start_ > 0 ? (layoffs + quits) / static_cast<double>(employment_start_) : 0;
  out[id.wage_index] = wage_then > 0 ? wage_now / wage_then : 1;
  const auto staff = static_cast<double>(employment_start_);
  out[id.mean_wage] = staff > 0 ? wages_total_ / staff : 0;
  out[id.demand_index] = demand_;
  out[id.labour_demand] = demand_total;
  out[id.applications] = static_cast<double>(applications_);
  out[id.redeployments] = sum(redeployed_in_);
  out[id.job_to_job] = sum(job_to_job_out_);
  out[id.layoffs_demand] = by_reason[0];
  out[id.layoffs_automation] = by_reason[1];
  out[id.layoffs_capex_funding] = by_reason[2];
  out[id.layoffs_firm_exit] = by_reason[3];
  out[id.layoffs_ai] = by_reason[1] + by_reason[2];
  out[id.ai_layoff_share] = layoffs > 0 ? (by_reason[1] + by_reason[2]) / layoffs : 0;
  out[id.capex] = capex;
  out[id.capex_orders] = orders;
  out[id.compute_capacity] = capacity;
  out[id.compute_arrivals] = arrivals;
  out[id.compute_retirements] = retirements;
  out[id.compute_utilisation] = capacity > 0 ? used / capacity : 0;
  out[id.ai_demand] = ai_demand;
  out[id.ai_revenue] = ai_revenue;
  out[id.core_revenue] = core;
  out[id.wage_bill] = wage_bill;
  out[id.labour_share] = core + ai_revenue > 0 ? wage_bill / (core + ai_revenue) : 0;
  out[id.other_costs] = other;
  out[id.opex] = opex;
  out[id.cash] = cash;
  out[id.new_firm_funding] = new_firm_funding_;
  out[id.compute_tax] = capex * sc_.policy.compute_tax / (1.0 + sc_.policy.compute_tax);
  out[id.mandated_reskilling] = static_cast<double>(mandated_enrolled_);
  {
    double costs = 0;
    for (std::size_t f = 0; f < F.size(); ++f) costs += F.layoff_costs[f];
    out[id.layoff_costs] = costs;
  }
  out[id.incidents] = incidents;
  out[id.incident_cost] = incident_cost;
  out[id.warn_notices] = static_cast<double>(warn_rows_.size() / 7);
  out[id.mean_adoption] = E > 0 ? theta_all / E : 0;
  out[id.ai_capability] = capability_;
  out[id.compute_price] = price_;
  out[id.firm_exits] = static_cast<double>(firm_exits_);
  out[id.active_firms] = active;
  out[id.mean_ai_literacy] = staff > 0 ? literacy_total_ / staff : 0;
  out[id.knowledge] = knowledge;
  {
    auto flow_total = [&](std::size_t which) {
      std::int64_t t = 0;
      for (std::size_t o = 0; o < occ_; ++o) t += flows_[which * occ_ + o];
      return static_cast<double>(t);
    };
    const double R = sum(rsk_), Fo = sum(fnd_), OLF = sum(olf_);
    out[id.reskilling] = R;
    out[id.reskilling_starts] = flow_total(kReskillStart);
    out[id.reskilling_completions] = flow_total(kReskillComplete);
    out[id.reskilling_dropouts] = flow_total(kReskillDropout);
    out[id.founders] = Fo;
    out[id.founder_starts] = flow_total(kFounderStart);
    out[id.founder_failures] = flow_total(kFounderFail);
    out[id.firms_created] = flow_total(kFounderFirm);
    out[id.out_of_labour_force] = OLF;
    out[id.exits] = flow_total(kExit);
    out[id.reentries] = flow_total(kReentry);
    out[id.entrants] = flow_total(kEntrant);
    out[id.retirements] = flow_total(kRetireE) + flow_total(kRetireU) + flow_total(kRetireR) +
                          flow_total(kRetireF) + flow_total(kRetireO);
    const double population = E + U + R + Fo + OLF;
    out[id.population] = population;
    out[id.participation_rate] = population > 0 ? (E + U + Fo) / population : 0;
    out[id.ai_wage_premium] = fluent_n_ > 0 && other_n_ > 0 && other_wage_ > 0
                                  ? (fluent_wage_ / fluent_n_) / (other_wage_ / other_n_) - 1.0
                                  : 0.0;
    out[id.ui_recipients] = static_cast<double>(ui_recipients_);
    out[id.reskilling_public_cost] =
        flow_total(kReskillStart) * sc_.reskilling.cost_usd * sc_.policy.reskilling_subsidy;
    const std::size_t occ_flows[][2] = {
        {id.occ_reskilling_starts, kReskillStart}, {id.occ_reskilling_completions_from, kReskillComplete},
        {id.occ_reskilling_completions, kReskillCompleteInto}, {id.occ_reskilling_dropouts, kReskillDropout},
        {id.occ_founder_starts, kFounderStart}, {id.occ_founder_failures, kFounderFail},
        {id.occ_firms_created, kFounderFirm},
        {id.occ_exits, kExit}, {id.occ_reentries, kReentry}, {id.occ_entrants, kEntrant},
        {id.occ_retirements[0], kRetireE}, {id.occ_retirements[1], kRetireU}, {id.occ_retirements[2], kRetireR},
        {id.occ_retirements[3], kRetireF}, {id.occ_retirements[4], kRetireO}};
    for (std::size_t o = 0; o < occ_; ++o) {
      out[id.occ_reskilling + o] = rsk_[o];
      out[id.occ_founders + o] = fnd_[o];
      out[id.occ_out_of_labour_force + o] = olf_[o];
      for (const auto& [offset, which] : occ_flows) {
        out[offset + o] = static_cast<double>(flows_[which * occ_ + o]);
      }
    }
  }
  out[id.load_ratio] = load_den > 0 ? load_num / load_den : 0;
  for (std::size_t o = 0; o < occ_; ++o) {
    out[id.occ_employment + o] = emp_[o];
    out[id.occ_unemployment + o] = unemp_[o];
    out[id.occ_long_term_unemployed + o] = ltu_[o];
    out[id.occ_vacancies + o] = static_cast<double>(vacancies_posted_[o]);
    out[id.occ_hires + o] = static_cast<double>(hires_[o]);
    out[id.occ_job_finds + o] = static_cast<double>(job_finds_[o]);
    out[id.occ_layoffs + o] = occ_layoffs[o];
    out[id.occ_quits + o] = static_cast<double>(quits_[o]);
    out[id.occ_wage + o] = wage_[o];
    out[id.occ_layoffs_ai + o] = occ_ai[o];
    out[id.occ_redeployed_in + o] = static_cast<double>(redeployed_in_[o]);
    out[id.occ_job_to_job_out + o] = static_cast<double>(job_to_job_out_[o]);
    out[id.occ_redeployed_out + o] = static_cast<double>(redeployed_out_[o]);
    out[id.occ_adoption + o] = occ_head[o] > 0 ? occ_theta[o] / occ_head[o] : 0;
  }
  for (std::size_t k = 0; k < classes_; ++k) {
    double lay = 0;
    for (std::size_t r = 0; r < kReasons; ++r) lay += static_cast<double>(cls_layoffs_[k * kReasons + r]);
    out[id.cls_headcount + k] = k_head[k];
    out[id.cls_vacancies + k] = static_cast<double>(cls_vacancies_[k]);
    out[id.cls_hires + k] = static_cast<double>(cls_hires_[k]);
    out[id.cls_layoffs + k] = lay;
    out[id.cls_layoffs_ai + k] =
        static_cast<double>(cls_layoffs_[k * kReasons + 1] + cls_layoffs_[k * kReasons + 2]);
    out[id.cls_quits + k] = static_cast<double>(cls_quits_[k]);
    out[id.cls_capex + k] = k_capex[k];
    out[id.cls_compute_capacity + k] = k_cap[k];
    out[id.cls_ai_revenue + k] = k_ai[k];
    out[id.cls_core_revenue + k] = k_core[k];
    out[id.cls_wage_bill + k] = k_wage[k];
    out[id.cls_incidents + k] = k_inc[k];
    out[id.cls_cash + k] = k_cash[k];
    out[id.cls_mean_adoption + k] = k_head[k] > 0 ? k_theta[k] / k_head[k] : 0;
    out[id.cls_ai_role_headcount + k] = k_ai_role[k];
    out[id.cls_exposed_headcount + k] = k_exposed[k];
  }
}

void LabourMarket::step(int month, double* out) {
  // The month's phases, in order (ARCHITECTURE.md "The step"). Each is timed when
  // LABOURSHIFT_PHASE_TIMES is set (bench/ uses it; docs/performance.md).
  std::size_t phase_index = 0;
  auto timed = [&](auto&& fn) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    phase_seconds_[phase_index++] += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  timed([&] {
    if (month % kReorderMonths == 1 && month > 1) reorder_workers();
  });
  timed([&] { environment(month); });
  timed([&] { plan_firms(month); });
  timed([&] { plan_workers(month); });
  timed([&] { separate(month); });
  timed([&] {
    redeploy();
    mandated_enrolled_ = 0;
    enrol_mandated();
    new_firm_funding_ = 0;
    create_founder_firms();
  });
  timed([&] { enter(month); });
  timed([&] { run_matching(month); });  // posts the vacancies, then matches
  timed([&] { update_wages(month); });
  timed([&] {
    close_stocks();
    employment_history_.push_back(emp_);
    const double V = std::accumulate(vacancies_posted_.begin(), vacancies_posted_.end(), 0.0);
    const double U = std::accumulate(unemp_.begin(), unemp_.end(), 0.0);
    tightness_last_ = U > 0 ? V / U : 0.0;
    if (month == 1) tightness_ref_ = tightness_last_;
  });
  timed([&] {
    const std::size_t active_before = static_cast<std::size_t>(
        std::count(firms_.active.begin(), firms_.active.end(), std::uint8_t{1}));
    account_firms(month);
    firm_exits_ = static_cast<std::int64_t>(active_before) -
                  std::count(firms_.active.begin(), firms_.active.end(), std::uint8_t{1});
  });
  timed([&] { record(out); });
}

LabourMarket::~LabourMarket() {
  if (std::getenv("LABOURSHIFT_PHASE_TIMES") == nullptr) return;
  static const char* names[] = {"reorder", "environment", "plan_firms", "plan_workers", "separate", "redeploy",
                                "enter", "vacancies_and_matching", "wages", "stocks", "accounts",
                                "record"};
  static_assert(std::size(names) == std::tuple_size_v<decltype(phase_seconds_)>, "one name per timed phase");
  std::fprintf(stderr, "phase times, replication %u (s):", rep_);
  for (std::size_t i = 0; i < phase_seconds_.size(); ++i) std::fprintf(stderr, " %s=%.3f", names[i], phase_seconds_[i]);
  std::fprintf(stderr, "\n");
}

std::vector<double> LabourMarket::static_output(std::size_t static_id) const {
  const auto& id = model_->ids;
  if (static_id == id.st_transitions) return transitions_;
  if (static_id == id.st_initial_employment) return initial_employment_;
  if (static_id == id.st_initial_unemployment) return initial_unemployment_;
  if (static_id == id.st_initial_out_of_labour_force) return initial_olf_;
  if (static_id == id.st_reskilling_flows) return reskill_flows_;
  if (static_id == id.st_reemployment_ai) return reemploy_ai_;
  if (static_id == id.st_reemployment_other) return reemploy_other_;
  return {};
}

std::vector<std::int64_t> LabourMarket::take_events(std::size_t table_id) {
  if (table_id != model_->ids.ev_warn) return {};
  return std::exchange(warn_rows_, {});
}

}  // namespace labourshift::models
