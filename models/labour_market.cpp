#include "models/labour_market.hpp"

#include "models/phases.hpp"
#include "sim/parallel.hpp"
#include "sim/random.hpp"

#include <boost/random/binomial_distribution.hpp>
#include <boost/random/normal_distribution.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <numbers>
#include <numeric>

namespace labourshift::models {

namespace {

constexpr std::size_t kWorkerBlock = std::size_t{1} << 15;
constexpr std::size_t kFirmBlock = 512;

/// Split `total` into integers proportional to weights (largest remainder; ties to lower index).
std::vector<std::int64_t> apportion(std::int64_t total, const std::vector<double>& weights) {
  const double sum = std::accumulate(weights.begin(), weights.end(), 0.0);
  std::vector<std::int64_t> out(weights.size(), 0);
  if (sum <= 0 || total <= 0) return out;
  std::vector<std::pair<double, std::size_t>> frac;
  std::int64_t used = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const double exact = static_cast<double>(total) * weights[i] / sum;
    out[i] = static_cast<std::int64_t>(std::floor(exact));
    used += out[i];
    frac.emplace_back(-(exact - std::floor(exact)), i);
  }
  std::sort(frac.begin(), frac.end());
  for (std::int64_t k = 0; k < total - used; ++k) ++out[frac[static_cast<std::size_t>(k)].second];
  return out;
}

/// Occupation mix of a class: OEWS employment shares, times the tech-relevant share for tech
/// classes, with ai_role occupations tilted.
std::vector<double> class_mix(const OccupationData& data, const FirmClassParams& c) {
  std::vector<double> mix;
  for (const auto& o : data.occupations) {
    double w = o.employment * (c.occupation_mix == "tech" ? o.tech_share : 1.0);
    if (o.ai_role) w *= c.ai_role_tilt;
    mix.push_back(w);
  }
  const double sum = std::accumulate(mix.begin(), mix.end(), 0.0);
  for (auto& m : mix) m = sum > 0 ? m / sum : 1.0 / static_cast<double>(mix.size());
  return mix;
}

}  // namespace

double demand_index(const DemandParams& d, int month) {
  const double t = static_cast<double>(month);
  double level = std::pow(1.0 + d.growth_per_year, t / 12.0);
  if (d.path == "cycle") {
    level *= 1.0 + d.cycle_amplitude *
                       std::sin(2.0 * std::numbers::pi * t / static_cast<double>(d.cycle_period_months));
  } else if (d.path == "shock" && month >= d.shock_month) {
    const double since = t - static_cast<double>(d.shock_month);
    const double left = d.shock_recovery_months > 0
                            ? std::max(0.0, 1.0 - since / static_cast<double>(d.shock_recovery_months))
                            : 0.0;
    level *= 1.0 - d.shock_depth * (month == d.shock_month ? 1.0 : left);
  }
  return level;
}

std::shared_ptr<const Model> Model::build(const Scenario& scenario) {
  auto m = std::make_shared<Model>();
  m->scenario = scenario;
  m->data = load_occupation_data(resolve_data_path(scenario, scenario.data.occupations, "occupations.csv"),
                                 resolve_data_path(scenario, scenario.data.mobility, "mobility.csv"));
  m->similarity = similarity_matrix(m->data.mobility);
  for (const auto& c : scenario.firms) m->class_names.push_back(c.name);
  const std::size_t n_occ = m->data.size();
  const std::size_t n_cls = m->class_names.size();
  auto& L = m->layout;
  auto& id = m->ids;
  const std::string S = "series";
  id.employment = L.scalar(S, "employment", "persons", "employed workers at the end of the month");
  id.unemployment = L.scalar(S, "unemployment", "persons", "unemployed workers at the end of the month");
  id.labour_force = L.scalar(S, "labour_force", "persons", "employed plus unemployed");
  id.unemployment_rate = L.scalar(S, "unemployment_rate", "share", "unemployment / labour force");
  id.long_term_unemployed = L.scalar(S, "long_term_unemployed", "persons",
                                     "unemployed with a spell of labour.long_term_months or more");
  id.long_term_unemployment_share = L.scalar(S, "long_term_unemployment_share", "share",
                                             "long-term unemployed / unemployed");
  id.vacancies = L.scalar(S, "vacancies", "jobs", "vacancies open for matching this month");
  id.unfilled_vacancies = L.scalar(S, "unfilled_vacancies", "jobs", "vacancies still open after matching");
  id.hires = L.scalar(S, "hires", "persons/month", "hires out of unemployment");
  id.layoffs = L.scalar(S, "layoffs", "persons/month", "employer-initiated separations");
  id.quits = L.scalar(S, "quits", "persons/month", "worker-initiated separations into unemployment");
  id.job_finding_rate = L.scalar(S, "job_finding_rate", "1/month",
                                 "hires / unemployed at the start of the month (f)");
  id.separation_rate = L.scalar(S, "separation_rate", "1/month",
                                "(layoffs + quits) / employed at the start of the month (s)");
  id.wage_index = L.scalar(S, "wage_index", "index (start = 1)",
                           "sum_o E_o w_o(t) / sum_o E_o w_o(0): occupation wage indices at current weights");
  id.mean_wage = L.scalar(S, "mean_wage", "USD/month", "mean wage of employed workers");
  id.demand_index = L.scalar(S, "demand_index", "index (start = 1)", "aggregate labour-demand index D(t)");
  id.labour_demand = L.scalar(S, "labour_demand", "jobs", "sum of firms' target headcounts L*");
  id.applications = L.scalar(S, "applications", "applications/month", "applications sent by the unemployed");
  const std::string O = "by_occupation";
  id.occ_employment = L.vector(O, "employment", "persons", "employed, by occupation", n_occ);
  id.occ_unemployment = L.vector(O, "unemployment", "persons", "unemployed, by last occupation", n_occ);
  id.occ_long_term_unemployed = L.vector(O, "long_term_unemployed", "persons",
                                         "long-term unemployed, by last occupation", n_occ);
  id.occ_vacancies = L.vector(O, "vacancies", "jobs", "vacancies open for matching", n_occ);
  id.occ_hires = L.vector(O, "hires", "persons/month", "hires, by occupation of the new job", n_occ);
  id.occ_job_finds = L.vector(O, "job_finds", "persons/month",
                              "hires out of unemployment, by the worker's previous occupation", n_occ);
  id.occ_layoffs = L.vector(O, "layoffs", "persons/month", "layoffs, by occupation", n_occ);
  id.occ_quits = L.vector(O, "quits", "persons/month", "quits into unemployment, by occupation", n_occ);
  id.occ_wage = L.vector(O, "wage", "USD/month", "occupation wage index w_o(t)", n_occ);
  const std::string C = "by_class";
  id.cls_headcount = L.vector(C, "headcount", "persons", "employees of firms of the class", n_cls);
  id.cls_vacancies = L.vector(C, "vacancies", "jobs", "vacancies open for matching", n_cls);
  id.cls_hires = L.vector(C, "hires", "persons/month", "hires", n_cls);
  id.cls_layoffs = L.vector(C, "layoffs", "persons/month", "layoffs", n_cls);
  id.cls_quits = L.vector(C, "quits", "persons/month", "quits into unemployment", n_cls);
  id.st_transitions = L.add_static({"", "transitions", "persons",
                                    "hires out of unemployment over the run by (previous occupation, "
                                    "new occupation)", {n_occ, n_occ}});
  id.st_initial_employment = L.add_static({"initial", "employment", "persons",
                                           "employed by occupation at the start (month 0)", {n_occ}});
  id.st_initial_unemployment = L.add_static({"initial", "unemployment", "persons",
                                             "unemployed by last occupation at the start (month 0)", {n_occ}});
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
  layoffs_.assign(occ_, 0);
  quits_.assign(occ_, 0);
  hires_.assign(occ_, 0);
  job_finds_.assign(occ_, 0);
  vacancies_posted_.assign(occ_, 0);
  seekers_by_occ_.assign(occ_, 0);
  cls_layoffs_.assign(classes_, 0);
  cls_quits_.assign(classes_, 0);
  cls_hires_.assign(classes_, 0);
  cls_vacancies_.assign(classes_, 0);
  transitions_.assign(occ_ * occ_, 0.0);
  init_firms();
  init_workers();
}

void LabourMarket::init_firms() {
  const auto& data = model_->data;
  const auto seed = static_cast<std::uint64_t>(sc_.run.seed);
  const auto n_workers = sc_.population.workers;
  const auto employed = static_cast<std::int64_t>(
      std::llround(static_cast<double>(n_workers) * (1.0 - sc_.population.initial_unemployment_rate)));
  std::vector<double> shares;
  for (const auto& c : sc_.firms) shares.push_back(c.value.employment_share);
  const std::vector<std::int64_t> class_employment = apportion(employed, shares);

  firms_.occupations = occ_;
  std::vector<std::int64_t> sizes;
  for (std::size_t k = 0; k < classes_; ++k) {
    const auto& c = sc_.firms[k].value;
    const std::int64_t e = class_employment[k];
    if (e <= 0) continue;
    std::int64_t n = c.count > 0 ? c.count
                                 : std::max<std::int64_t>(1, std::llround(static_cast<double>(e) / c.mean_size));
    n = std::min(n, e);
    std::vector<double> raw(static_cast<std::size_t>(n));
    const std::size_t first = firms_.size();
    for (std::size_t i = 0; i < raw.size(); ++i) {
      sim::Stream rng(seed, rep_, 0, phase::kInitFirms, static_cast<std::uint32_t>(first + i));
      if (c.size_distribution == "pareto") {
        raw[i] = std::pow(rng.uniform(), -1.0 / c.pareto_alpha);
      } else if (c.size_distribution == "lognormal") {
        boost::random::normal_distribution<double> normal;
        raw[i] = std::exp(c.lognormal_sigma * normal(rng));
      } else {
        raw[i] = 1.0;
      }
    }
    // Every firm has at least one worker; the rest is shared in proportion to the draws.
    const std::vector<std::int64_t> extra = apportion(e - n, raw);
    for (std::size_t i = 0; i < raw.size(); ++i) {
      sizes.push_back(1 + extra[i]);
      firms_.firm_class.push_back(static_cast<std::uint8_t>(k));
    }
  }
  const std::size_t n_firms = firms_.size();
  firms_.log_demand_shock.assign(n_firms, 0.0F);
  firms_.headcount.assign(n_firms * occ_, 0);
  firms_.base_requirement.assign(n_firms * occ_, 0.0F);
  firms_.requirement.assign(n_firms * occ_, 0.0F);
  firms_.layoff_probability.assign(n_firms * occ_, 0.0F);
  firms_.vacancies.assign(n_firms * occ_, 0);
  std::vector<std::vector<double>> mixes;
  for (const auto& c : sc_.firms) mixes.push_back(class_mix(data, c.value));
  const double buffer = 1.0 + sc_.demand.vacancy_rate;
  sim::for_each_index(n_firms, 64, [&](std::size_t f) {
    // Multinomial occupation draw by conditional binomials: unbiased for small firms too.
    sim::Stream rng(seed, rep_, 1, phase::kInitFirms, static_cast<std::uint32_t>(f));
    const auto& mix = mixes[firms_.firm_class[f]];
    std::int64_t left = sizes[f];
    double mass = 1.0;
    for (std::size_t o = 0; o < occ_ && left > 0; ++o) {
      std::int64_t h = left;
      if (o + 1 < occ_ && mass > 0) {
        const double p = std::clamp(mix[o] / mass, 0.0, 1.0);
        boost::random::binomial_distribution<std::int64_t, double> binom(left, p);
        h = binom(rng);
      }
      mass -= mix[o];
      left -= h;
      firms_.headcount[firms_.cell(f, o)] = static_cast<std::int32_t>(h);
      firms_.base_requirement[firms_.cell(f, o)] = static_cast<float>(static_cast<double>(h) * buffer);
    }
  });
}

void LabourMarket::init_workers() {
  const auto seed = static_cast<std::uint64_t>(sc_.run.seed);
  const auto n = static_cast<std::size_t>(sc_.population.workers);
  workers_.resize(n);
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
}

void LabourMarket::plan_firms(int month, double demand) {
  // MODEL.md 3.7: L*_fo = L0_fo D(t) exp(z_f); excess headcount is laid off at speed gamma_u:
  // layoffs_fo = round(gamma_u (H_fo - L*_fo)), spread over the cell's workers as a probability.
  const auto seed = static_cast<std::uint64_t>(sc_.run.seed);
  const double rho = sc_.demand.firm_shock_persistence;
  const double sd = sc_.demand.firm_shock_sd;
  sim::for_each_index(firms_.size(), kFirmBlock, [&](std::size_t f) {
    sim::Stream rng(seed, rep_, static_cast<std::uint32_t>(month), phase::kFirmPlan,
                    static_cast<std::uint32_t>(f));
    boost::random::normal_distribution<double> normal;
    const double z = rho * firms_.log_demand_shock[f] + sd * normal(rng);
    firms_.log_demand_shock[f] = static_cast<float>(z);
    const double scale = demand * std::exp(z);
    const double gamma_u = sc_.firms[firms_.firm_class[f]].value.layoff_speed;
    for (std::size_t o = 0; o < occ_; ++o) {
      const std::size_t c = firms_.cell(f, o);
      const double target = firms_.base_requirement[c] * scale;
      firms_.requirement[c] = static_cast<float>(target);
      const double h = firms_.headcount[c];
      const double cut = h > target ? std::floor(gamma_u * (h - target) + 0.5) : 0.0;
      firms_.layoff_probability[c] = h > 0 ? static_cast<float>(std::min(1.0, cut / h)) : 0.0F;
    }
  });
}

void LabourMarket::separate(int month) {
  const auto seed = static_cast<std::uint64_t>(sc_.run.seed);
  const std::size_t n = workers_.size();
  const std::size_t nb = sim::block_count(n, kWorkerBlock);
  const double delta = sc_.labour.idiosyncratic_layoff_rate;
  const double q = sc_.labour.quit_rate;
  const auto inflation = static_cast<float>(std::pow(1.0 + sc_.wages.inflation_per_year, 1.0 / 12.0));
  const std::size_t width = 2 * occ_ + 2 * classes_;
  std::vector<std::int64_t> counts(nb * width, 0);
  std::vector<std::vector<std::uint32_t>> block_seekers(nb);
  std::vector<std::int64_t> block_employed(nb, 0);
  auto& w = workers_;
  auto& headcount = firms_.headcount;
  sim::for_blocks(n, kWorkerBlock, [&](std::size_t b, std::size_t begin, std::size_t end) {
    std::int64_t* cnt = counts.data() + b * width;
    auto& seek = block_seekers[b];
    std::int64_t employed = 0;
    for (std::size_t i = begin; i < end; ++i) {
      const auto st = static_cast<Status>(w.status[i]);
      if (st == Status::kUnemployed) {
        if (w.spell[i] < 0xffff) ++w.spell[i];
        seek.push_back(static_cast<std::uint32_t>(i));
        continue;
      }
      if (st != Status::kEmployed) continue;
      ++employed;
      if (w.tenure[i] < 0xffff) ++w.tenure[i];
      w.wage[i] *= inflation;
      const std::size_t o = w.occupation[i];
      const std::uint32_t f = w.employer[i];
      const std::size_t c = firms_.cell(f, o);
      const double p_layoff = firms_.layoff_probability[c] + delta;
      sim::Stream rng(seed, rep_, static_cast<std::uint32_t>(month), phase::kSeparation,
                      static_cast<std::uint32_t>(i));
      const double u = rng.uniform();
      Reason reason = Reason::kNone;
      if (u < p_layoff) {
        reason = Reason::kDemand;
      } else if (u < p_layoff + q) {
        reason = Reason::kQuit;
      } else {
        continue;
      }
      const std::size_t k = firms_.firm_class[f];
      if (reason == Reason::kQuit) {
        ++cnt[occ_ + o];
        ++cnt[2 * occ_ + classes_ + k];
      } else {
        ++cnt[o];
        ++cnt[2 * occ_ + k];
      }
      w.status[i] = static_cast<std::uint8_t>(Status::kUnemployed);
      w.reason[i] = static_cast<std::uint8_t>(reason);
      w.employer[i] = kNoEmployer;
      w.tenure[i] = 0;
      w.spell[i] = 0;
      // Integer decrements commute, so the result is the same for any thread schedule.
      std::atomic_ref<std::int32_t>(headcount[c]).fetch_sub(1, std::memory_order_relaxed);
    }
    block_employed[b] = employed;
  });
  // Join in block order: the seeker list is in ascending worker id for any thread count.
  std::fill(layoffs_.begin(), layoffs_.end(), 0);
  std::fill(quits_.begin(), quits_.end(), 0);
  std::fill(cls_layoffs_.begin(), cls_layoffs_.end(), 0);
  std::fill(cls_quits_.begin(), cls_quits_.end(), 0);
  seekers_.clear();
  employment_start_ = 0;
  for (std::size_t b = 0; b < nb; ++b) {
    const std::int64_t* cnt = counts.data() + b * width;
    for (std::size_t o = 0; o < occ_; ++o) {
      layoffs_[o] += cnt[o];
      quits_[o] += cnt[occ_ + o];
    }
    for (std::size_t k = 0; k < classes_; ++k) {
      cls_layoffs_[k] += cnt[2 * occ_ + k];
      cls_quits_[k] += cnt[2 * occ_ + classes_ + k];
    }
    seekers_.insert(seekers_.end(), block_seekers[b].begin(), block_seekers[b].end());
    employment_start_ += block_employed[b];
  }
}

void LabourMarket::post_vacancies() {
  // V_fo = round(gamma_v max(0, L*_fo - H_fo)): the shortfall after this month's separations,
  // which includes the replacement of quits.
  sim::for_each_index(firms_.size(), kFirmBlock, [&](std::size_t f) {
    const double gamma_v = sc_.firms[firms_.firm_class[f]].value.hiring_speed;
    for (std::size_t o = 0; o < occ_; ++o) {
      const std::size_t c = firms_.cell(f, o);
      const double gap = firms_.requirement[c] - firms_.headcount[c];
      firms_.vacancies[c] = gap > 0 ? static_cast<std::int32_t>(std::floor(gamma_v * gap + 0.5)) : 0;
    }
  });
}

void LabourMarket::run_matching(int month) {
  const auto& w = workers_;
  // Vacancy book: slots grouped by occupation, firms in ascending order within each.
  VacancyBook book;
  book.occ_begin.assign(occ_ + 1, 0);
  std::fill(vacancies_posted_.begin(), vacancies_posted_.end(), 0);
  std::fill(cls_vacancies_.begin(), cls_vacancies_.end(), 0);
  for (std::size_t f = 0; f < firms_.size(); ++f) {
    for (std::size_t o = 0; o < occ_; ++o) {
      const std::int32_t v = firms_.vacancies[firms_.cell(f, o)];
      vacancies_posted_[o] += v;
      cls_vacancies_[firms_.firm_class[f]] += v;
    }
  }
  for (std::size_t o = 0; o < occ_; ++o) {
    book.occ_begin[o + 1] = book.occ_begin[o] + static_cast<std::uint32_t>(vacancies_posted_[o]);
  }
  book.slot_firm.resize(book.occ_begin[occ_]);
  book.slot_wage.resize(book.occ_begin[occ_]);
  std::vector<std::uint8_t> slot_occ(book.occ_begin[occ_]);
  {
    std::vector<std::uint32_t> fill(book.occ_begin.begin(), book.occ_begin.end() - 1);
    for (std::size_t f = 0; f < firms_.size(); ++f) {
      const float premium = class_premium_[firms_.firm_class[f]];
      for (std::size_t o = 0; o < occ_; ++o) {
        for (std::int32_t k = 0; k < firms_.vacancies[firms_.cell(f, o)]; ++k) {
          const std::uint32_t s = fill[o]++;
          book.slot_firm[s] = static_cast<std::uint32_t>(f);
          book.slot_wage[s] = static_cast<float>(wage_[o]) * premium;
          slot_occ[s] = static_cast<std::uint8_t>(o);
        }
      }
    }
  }
  std::vector<Seeker> seekers(seekers_.size());
  std::fill(seekers_by_occ_.begin(), seekers_by_occ_.end(), 0);
  for (std::size_t i = 0; i < seekers_.size(); ++i) {
    const std::uint32_t id = seekers_[i];
    seekers[i] = Seeker{id, w.occupation[id], w.spell[id]};
    ++seekers_by_occ_[w.occupation[id]];
  }
  const auto& sp = sc_.search;
  MatchParams params{sp.applications,     sp.discouragement, sp.min_search_share, sp.rounds,
                     sp.similarity_weight, sp.noise_sd,      sp.hiring_standard};
  MatchStats stats;
  const std::vector<Hire> hires =
      match(seekers, book, model_->data.mobility, model_->similarity, params,
            StreamKey{static_cast<std::uint64_t>(sc_.run.seed), rep_, static_cast<std::uint32_t>(month)},
            &stats);
  applications_ = stats.applications;
  std::fill(hires_.begin(), hires_.end(), 0);
  std::fill(job_finds_.begin(), job_finds_.end(), 0);
  std::fill(cls_hires_.begin(), cls_hires_.end(), 0);
  for (const Hire& h : hires) {
    const std::uint32_t id = seekers[h.seeker].worker;
    const std::size_t from = workers_.occupation[id];
    const std::size_t to = slot_occ[h.slot];
    const std::uint32_t f = book.slot_firm[h.slot];
    workers_.status[id] = static_cast<std::uint8_t>(Status::kEmployed);
    workers_.employer[id] = f;
    workers_.occupation[id] = static_cast<std::uint8_t>(to);
    workers_.wage[id] = book.slot_wage[h.slot];
    workers_.tenure[id] = 0;
    workers_.spell[id] = 0;
    ++firms_.headcount[firms_.cell(f, to)];
    --firms_.vacancies[firms_.cell(f, to)];
    ++hires_[to];
    ++job_finds_[from];
    ++cls_hires_[firms_.firm_class[f]];
    transitions_[from * occ_ + to] += 1;
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

void LabourMarket::record(double demand, double* out) {
  const auto& id = model_->ids;
  const std::size_t n = workers_.size();
  const std::size_t nb = sim::block_count(n, kWorkerBlock);
  const std::size_t width = 3 * occ_;
  std::vector<std::int64_t> counts(nb * width, 0);
  std::vector<double> wage_sum(nb, 0.0);
  const int long_term = sc_.labour.long_term_months;
  const auto& w = workers_;
  sim::for_blocks(n, kWorkerBlock, [&](std::size_t b, std::size_t begin, std::size_t end) {
    std::int64_t* cnt = counts.data() + b * width;
    double ws = 0;
    for (std::size_t i = begin; i < end; ++i) {
      const std::size_t o = w.occupation[i];
      const auto st = static_cast<Status>(w.status[i]);
      if (st == Status::kEmployed) {
        ++cnt[o];
        ws += w.wage[i];
      } else if (st == Status::kUnemployed) {
        ++cnt[occ_ + o];
        if (w.spell[i] >= long_term) ++cnt[2 * occ_ + o];
      }
    }
    wage_sum[b] = ws;
  });
  std::vector<double> emp(occ_, 0), unemp(occ_, 0), ltu(occ_, 0);
  double wages = 0;
  for (std::size_t b = 0; b < nb; ++b) {
    for (std::size_t o = 0; o < occ_; ++o) {
      emp[o] += static_cast<double>(counts[b * width + o]);
      unemp[o] += static_cast<double>(counts[b * width + occ_ + o]);
      ltu[o] += static_cast<double>(counts[b * width + 2 * occ_ + o]);
    }
    wages += wage_sum[b];
  }
  auto sum = [](const auto& v) {
    double s = 0;
    for (auto x : v) s += static_cast<double>(x);
    return s;
  };
  const double E = sum(emp), U = sum(unemp), LTU = sum(ltu);
  const double V = sum(vacancies_posted_);
  double unfilled = 0, demand_total = 0;
  for (std::size_t c = 0; c < firms_.vacancies.size(); ++c) {
    unfilled += firms_.vacancies[c];
    demand_total += firms_.requirement[c];
  }
  const double hires = sum(hires_), layoffs = sum(layoffs_), quits = sum(quits_);
  double wage_now = 0, wage_then = 0;
  for (std::size_t o = 0; o < occ_; ++o) {
    wage_now += emp[o] * wage_[o];
    wage_then += emp[o] * wage0_[o];
  }
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
  out[id.job_finding_rate] = seekers_.empty() ? 0 : hires / static_cast<double>(seekers_.size());
  out[id.separation_rate] =
      employment_start_ > 0 ? (layoffs + quits) / static_cast<double>(employment_start_) : 0;
  out[id.wage_index] = wage_then > 0 ? wage_now / wage_then : 1;
  out[id.mean_wage] = E > 0 ? wages / E : 0;
  out[id.demand_index] = demand;
  out[id.labour_demand] = demand_total;
  out[id.applications] = static_cast<double>(applications_);
  for (std::size_t o = 0; o < occ_; ++o) {
    out[id.occ_employment + o] = emp[o];
    out[id.occ_unemployment + o] = unemp[o];
    out[id.occ_long_term_unemployed + o] = ltu[o];
    out[id.occ_vacancies + o] = static_cast<double>(vacancies_posted_[o]);
    out[id.occ_hires + o] = static_cast<double>(hires_[o]);
    out[id.occ_job_finds + o] = static_cast<double>(job_finds_[o]);
    out[id.occ_layoffs + o] = static_cast<double>(layoffs_[o]);
    out[id.occ_quits + o] = static_cast<double>(quits_[o]);
    out[id.occ_wage + o] = wage_[o];
  }
  std::vector<double> cls_head(classes_, 0.0);
  for (std::size_t f = 0; f < firms_.size(); ++f) {
    std::int64_t h = 0;
    for (std::size_t o = 0; o < occ_; ++o) h += firms_.headcount[firms_.cell(f, o)];
    cls_head[firms_.firm_class[f]] += static_cast<double>(h);
  }
  for (std::size_t k = 0; k < classes_; ++k) {
    out[id.cls_headcount + k] = cls_head[k];
    out[id.cls_vacancies + k] = static_cast<double>(cls_vacancies_[k]);
    out[id.cls_hires + k] = static_cast<double>(cls_hires_[k]);
    out[id.cls_layoffs + k] = static_cast<double>(cls_layoffs_[k]);
    out[id.cls_quits + k] = static_cast<double>(cls_quits_[k]);
  }
}

void LabourMarket::step(int month, double* out) {
  // The month's phases, in order (ARCHITECTURE.md "The step").
  const double demand = demand_index(sc_.demand, month);
  plan_firms(month, demand);
  separate(month);
  post_vacancies();
  run_matching(month);
  update_wages(month);
  record(demand, out);
}

std::vector<double> LabourMarket::static_output(std::size_t static_id) const {
  const auto& id = model_->ids;
  if (static_id == id.st_transitions) return transitions_;
  if (static_id == id.st_initial_employment) return initial_employment_;
  if (static_id == id.st_initial_unemployment) return initial_unemployment_;
  return {};
}

}  // namespace labourshift::models
