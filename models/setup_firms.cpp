// Firm set-up: firm counts and sizes by class, occupation mixes, and the finance each firm starts
// with (revenue, costs, compute, orders, payments, cash); also the firms founders add later.
#include "models/ai_environment.hpp"
#include "models/phases.hpp"
#include "models/rules.hpp"
#include "sim/error.hpp"
#include "sim/parallel.hpp"
#include "sim/params.hpp"
#include "sim/random.hpp"

#include <boost/random/binomial_distribution.hpp>
#include <boost/random/normal_distribution.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

namespace labourshift::models {

namespace {

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

}  // namespace

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
std::vector<double> adoption_targets(const Model& m, const OccupationState& occ, double capability,
                                     double price) {
  const Scenario& sc = m.scenario;
  const std::size_t O = m.data.size(), K = m.class_names.size();
  std::vector<double> theta(K * O);
  for (std::size_t k = 0; k < K; ++k) {
    for (std::size_t o = 0; o < O; ++o) {
      theta[k * O + o] = rules::adoption_target(m.automatable[o], capability, occ.wage[o], price,
                                                sc.ai, sc.firms[k].value.adoption_hurdle);
    }
  }
  return theta;
}

namespace {

/// Idiosyncratic exit hazards h_f = c_k s_f^-beta, s_f the persons of each real firm the model
/// firm stands for (base headcount x persons per agent / real firms: exit rates fall with the
/// size of the real firm, not of the group), with c_k set so that the mean monthly hazard over
/// class k's firms is 1 - (1 - r_k)^(1/12).
void set_exit_hazards(const Model& m, FirmTable& F) {
  const std::size_t K = m.class_names.size(), O = m.data.size();
  std::vector<double> weight_sum(K, 0.0), count(K, 0.0), size(F.size(), 0.0);
  for (std::size_t f = 0; f < F.size(); ++f) {
    for (std::size_t o = 0; o < O; ++o) size[f] += F.base_requirement[F.cell(f, o)];
    size[f] *= m.persons_per_agent / std::max(1.0, F.real_firms[f]);
    const auto& c = m.scenario.firms[F.firm_class[f]].value;
    weight_sum[F.firm_class[f]] += std::pow(std::max(1.0, size[f]), -c.exit_size_elasticity);
    count[F.firm_class[f]] += 1;
  }
  for (std::size_t f = 0; f < F.size(); ++f) {
    const std::size_t k = F.firm_class[f];
    const auto& c = m.scenario.firms[k].value;
    const double monthly = rules::monthly_hazard(c.exit_rate_per_year);
    F.exit_hazard[f] = std::min(1.0, monthly * count[k] / weight_sum[k] *
                                         std::pow(std::max(1.0, size[f]), -c.exit_size_elasticity));
  }
}

}  // namespace

namespace {

/// The firms of one class as set-up builds them, before the table exists.
struct FirmPlan {
  std::vector<std::int64_t> sizes;  ///< agents
  std::vector<std::uint8_t> classes;
  std::vector<std::uint16_t> named;  ///< 1 + row of data.named_firms, 0 = unnamed
  std::vector<std::uint8_t> ai_seller;
  std::vector<double> real_firms, sites;  ///< sites per real firm
};

/// Sites of a real firm of `persons` employees: its size band's persons per site.
double sites_of(const FirmData& data, double persons) {
  return std::max(1.0, std::round(persons / data.persons_per_site(persons)));
}

/// A class sized by the US size bands: `persons` split over the bands in proportion to their
/// employment, each band's real firms (firms x persons / US employment) at the band's mean size,
/// except the open top band, whose sizes lie at the Pareto quantiles (i - 1/2)/N with the tail
/// index that gives the band's mean. A real firm of at least `least` persons is one model firm;
/// smaller ones are grouped, in size order within their band, until a group holds `least`.
/// Appends (persons, real firms, sites per real firm) per model firm.
void plan_susb(const FirmData& data, double persons, double least,
               std::vector<std::array<double, 3>>& out) {
  double us = 0;
  for (const SizeBand& b : data.bands) us += b.employment;
  const double scale = persons / us;
  for (const SizeBand& b : data.bands) {
    const double mean = b.employment / b.firms;
    const double band_persons = b.employment * scale;
    const auto n_real = std::max<std::int64_t>(1, std::llround(b.firms * scale));
    const double sites = sites_of(data, mean);
    if (b.max_persons > 0 || mean <= b.min_persons) {
      // A bounded band: real firms of equal size, g of them to a model firm.
      const auto g = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(least / mean)));
      const std::int64_t n_model = std::max<std::int64_t>(1, n_real / g);
      const std::vector<std::int64_t> real =
          apportion(n_real, std::vector<double>(static_cast<std::size_t>(n_model), 1.0));
      for (const std::int64_t r : real) {
        out.push_back({band_persons * static_cast<double>(r) / static_cast<double>(n_real),
                       static_cast<double>(r), sites});
      }
      continue;
    }
    // The open band: Pareto quantiles, largest first, with mean `mean` above min_persons.
    const double alpha = mean / (mean - b.min_persons);
    std::vector<double> size(static_cast<std::size_t>(n_real));
    double total = 0;
    for (std::size_t i = 0; i < size.size(); ++i) {
      const double q = (static_cast<double>(i) + 0.5) / static_cast<double>(size.size());
      size[i] = b.min_persons * std::pow(q, -1.0 / alpha);
      total += size[i];
    }
    for (double& x : size) x *= band_persons / total;  // the band's persons exactly
    double group = 0, group_n = 0;
    for (const double x : size) {
      if (x >= least) {
        out.push_back({x, 1.0, sites_of(data, x)});
        continue;
      }
      group += x;
      ++group_n;
      if (group >= least) {
        out.push_back({group, group_n, sites_of(data, group / group_n)});
        group = group_n = 0;
      }
    }
    if (group_n > 0) {  // the remainder joins the last group, or stands alone
      if (!out.empty() && out.back()[1] > 1) {
        auto& last = out.back();
        last[0] += group;
        last[1] += group_n;
        last[2] = sites_of(data, last[0] / last[1]);
      } else {
        out.push_back({group, group_n, sites_of(data, group / group_n)});
      }
    }
  }
}

/// Firm sizes in agents, class by class: the named firms first, at their headcount, then the
/// class's other firms, which share its part of the remaining employment.
FirmPlan plan_firms(const Model& m, DrawKey key, FirmTable& F) {
  const Scenario& sc = m.scenario;
  const std::size_t K = m.class_names.size();
  const double ppa = m.persons_per_agent;
  const auto employed =
      static_cast<std::int64_t>(std::llround(static_cast<double>(sc.population.workers) *
                                             (1.0 - sc.population.initial_unemployment_rate)));
  const auto& named = m.firm_data.named;
  std::vector<std::int64_t> named_agents(named.size());
  std::int64_t named_total = 0;
  for (std::size_t j = 0; j < named.size(); ++j) {
    named_agents[j] = std::llround(named[j].employees / ppa);
    named_total += named_agents[j];
  }
  if (named_total > employed) {
    throw sim::InputError("the named firms (data.named_firms) hold " + std::to_string(named_total) +
                          " agents at " + sim::format_number(ppa) +
                          " persons per agent, more than the " + std::to_string(employed) +
                          " employed: raise population.workers or set data.use_named_firms = "
                          "false");
  }
  std::vector<double> shares;
  for (const auto& c : sc.firms) shares.push_back(c.value.employment_share);
  const std::vector<std::int64_t> class_employment = apportion(employed - named_total, shares);

  FirmPlan plan;
  F.named_rows.assign(named.size(), FirmTable::kNoRow);
  auto push = [&](std::int64_t agents, std::size_t k, std::uint16_t name, bool seller, double real,
                  double sites) {
    plan.sizes.push_back(agents);
    plan.classes.push_back(static_cast<std::uint8_t>(k));
    plan.named.push_back(name);
    plan.ai_seller.push_back(seller ? 1 : 0);
    plan.real_firms.push_back(real);
    plan.sites.push_back(sites);
  };
  for (std::size_t k = 0; k < K; ++k) {
    const auto& c = sc.firms[k].value;
    for (std::size_t j = 0; j < named.size(); ++j) {
      if (named[j].firm_class != k || named_agents[j] == 0) continue;
      F.named_rows[j] = static_cast<std::uint32_t>(plan.sizes.size());
      push(named_agents[j], k, static_cast<std::uint16_t>(j + 1), named[j].ai_seller, 1.0,
           sites_of(m.firm_data, named[j].employees));
    }
    const std::int64_t e = class_employment[k];
    if (e <= 0) continue;
    if (c.size_distribution == "susb") {
      std::vector<std::array<double, 3>> firms;
      plan_susb(m.firm_data, static_cast<double>(e) * ppa, c.group_agents * ppa, firms);
      const auto n = std::min<std::int64_t>(static_cast<std::int64_t>(firms.size()), e);
      firms.resize(static_cast<std::size_t>(n));
      // Every firm has at least one agent; the rest goes in proportion to the persons above one.
      std::vector<double> above;
      for (const auto& f : firms) above.push_back(std::max(0.0, f[0] - ppa));
      const std::vector<std::int64_t> extra = apportion(e - n, above);
      for (std::size_t i = 0; i < firms.size(); ++i)
        push(1 + extra[i], k, 0, c.ai_seller, firms[i][1], firms[i][2]);
      continue;
    }
    std::int64_t n =
        c.count > 0 ? c.count
                    : std::max<std::int64_t>(1, std::llround(static_cast<double>(e) / c.mean_size));
    n = std::min(n, e);
    std::vector<double> raw(static_cast<std::size_t>(n));
    const std::size_t first = plan.sizes.size();
    for (std::size_t i = 0; i < raw.size(); ++i) {
      sim::Stream rng(key.seed, key.replication, 0, stream::kInitFirms,
                      static_cast<std::uint32_t>(first + i));
      if (c.size_distribution == "pareto") {
        raw[i] = std::pow(rng.uniform(), -1.0 / c.pareto_alpha);
      } else if (c.size_distribution == "lognormal") {
        boost::random::normal_distribution<double> normal;
        raw[i] = std::exp(c.lognormal_sigma * normal(rng));
      } else {
        raw[i] = 1.0;
      }
    }
    // Every firm has at least one worker; the rest is shared in proportion to the draws. Each is
    // one real firm.
    const std::vector<std::int64_t> extra = apportion(e - n, raw);
    for (std::size_t i = 0; i < raw.size(); ++i) {
      const double persons = static_cast<double>(1 + extra[i]) * ppa;
      push(1 + extra[i], k, 0, c.ai_seller, 1.0, sites_of(m.firm_data, persons));
    }
  }
  return plan;
}

}  // namespace

std::size_t initial_firm_count(const Model& m) {
  FirmTable scratch;
  return plan_firms(m, DrawKey{static_cast<std::uint64_t>(m.scenario.run.seed), 0}, scratch)
      .sizes.size();
}

void set_up_firms(const Model& m, DrawKey key, FirmTable& F) {
  const Scenario& sc = m.scenario;
  const auto& data = m.data;
  const std::size_t O = data.size();
  const std::uint64_t seed = key.seed;
  F.occupations = O;
  std::size_t max_life = 1, max_lag = 1, max_pay = 1;
  for (const auto& c : sc.firms) {
    max_life =
        std::max<std::size_t>(max_life, static_cast<std::size_t>(c.value.capacity_life_months));
    max_lag = std::max<std::size_t>(max_lag, static_cast<std::size_t>(c.value.capex_lag_months));
    max_pay = std::max<std::size_t>(max_pay, static_cast<std::size_t>(c.value.payment_months));
  }
  const FirmPlan plan = plan_firms(m, key, F);
  const std::vector<std::int64_t>& sizes = plan.sizes;
  const std::vector<std::uint8_t>& classes = plan.classes;
  const std::size_t n_firms = classes.size();
  F.vintages.reset(max_life + 1, n_firms);
  F.pipeline.reset(max_lag + 1, n_firms);
  F.payments.reset(max_pay + 1, n_firms);
  F.resize(n_firms);
  std::copy(classes.begin(), classes.end(), F.firm_class.begin());
  std::copy(plan.named.begin(), plan.named.end(), F.named.begin());
  std::copy(plan.ai_seller.begin(), plan.ai_seller.end(), F.ai_seller.begin());
  std::copy(plan.real_firms.begin(), plan.real_firms.end(), F.real_firms.begin());
  std::copy(plan.sites.begin(), plan.sites.end(), F.sites.begin());
  std::fill(F.active.begin(), F.active.end(), std::uint8_t{1});
  std::vector<std::vector<double>> mixes;
  for (const auto& c : sc.firms) mixes.push_back(class_mix(data, c.value));
  const double buffer = 1.0 + sc.labour.vacancy_rate;
  sim::for_each_index(n_firms, 64, [&](std::size_t f) {
    // Multinomial occupation draw by conditional binomials: unbiased for small firms too.
    sim::Stream rng(seed, key.replication, 1, stream::kInitFirms, static_cast<std::uint32_t>(f));
    const auto& mix = mixes[F.firm_class[f]];
    std::int64_t left = sizes[f];
    double mass = 1.0;
    for (std::size_t o = 0; o < O && left > 0; ++o) {
      std::int64_t h = left;
      if (o + 1 < O && mass > 0) {
        const double p = std::clamp(mix[o] / mass, 0.0, 1.0);
        boost::random::binomial_distribution<std::int64_t, double> binom(left, p);
        h = binom(rng);
      }
      mass -= mix[o];
      left -= h;
      F.headcount[F.cell(f, o)] = static_cast<std::int32_t>(h);
      F.base_requirement[F.cell(f, o)] = static_cast<float>(static_cast<double>(h) * buffer);
    }
    // Each cell starts with its normal openings, vacancy_rate x headcount, randomly rounded.
    for (std::size_t o = 0; o < O; ++o) {
      const std::size_t cell = F.cell(f, o);
      if (F.headcount[cell] > 0) {
        F.vacancies[cell] = static_cast<std::int32_t>(
            rules::random_round(sc.labour.vacancy_rate * F.headcount[cell], rng.uniform()));
      }
    }
  });
  set_exit_hazards(m, F);
  F.live_begin.assign(n_firms + 1, 0);
  F.live_occ.clear();
  for (std::size_t f = 0; f < n_firms; ++f) {
    for (std::size_t o = 0; o < O; ++o) {
      if (F.base_requirement[F.cell(f, o)] > 0) F.live_occ.push_back(static_cast<OccupationId>(o));
    }
    F.live_begin[f + 1] = static_cast<std::uint32_t>(F.live_occ.size());
  }
}

void set_up_firm_finance(const Model& m, const OccupationState& occ, FirmTable& F,
                         Environment& env) {
  // Revenue, costs, compute and cash at the start, from each class's labour share, margin and
  // utilisation. Runs after the workers exist (wage bills, tenure).
  const Scenario& sc = m.scenario;
  const std::size_t O = m.data.size();
  const auto& ai = sc.ai;
  const auto& occs = m.data.occupations;
  const double price0 = compute_price(ai, 0);
  const double a0 = ai_capability(ai, 0);
  // AI market at the start: a share of AI sellers' core revenue.
  double seller_core = 0;
  for (std::size_t f = 0; f < F.size(); ++f) {
    const auto& c = sc.firms[F.firm_class[f]].value;
    F.core_revenue0[f] = F.wage_bill[f] / c.labour_share;
    if (F.ai_seller[f] != 0) seller_core += F.core_revenue0[f];
  }
  env.market0 = a0 > 0 ? ai.market_share_of_revenue_start * seller_core : 0.0;
  env.market = env.market0;
  const std::vector<double> theta0 = adoption_targets(m, occ, a0, price0);
  for (std::size_t f = 0; f < F.size(); ++f) {
    double auto_compute = 0, theta_sum = 0, weight = 0, nonmgr = 0;
    for (std::size_t o = 0; o < O; ++o) {
      const std::size_t cell = F.cell(f, o);
      const double theta = theta0[F.firm_class[f] * O + o];
      F.adoption[cell] = static_cast<float>(theta);
      F.adoption0[cell] = static_cast<float>(theta);
      const double L0 = F.base_requirement[cell];
      auto_compute += theta * L0 * ai.compute_per_fte;
      if (!occs[o].manager) {
        theta_sum += theta * L0;
        weight += L0;
        nonmgr += L0;
      }
    }
    F.mean_adoption0[f] = weight > 0 ? theta_sum / weight : 0;
    F.nonmanager_base[f] = nonmgr;
    F.ai_demand_prev[f] = 0;
    F.growth_expectation[f] = std::pow(1.0 + ai.expected_growth_start_per_year, 1.0 / 12.0) - 1.0;
    F.compute_used[f] = auto_compute;
  }
  // AI sellers share the market in proportion to core revenue at the start. Capacity, pipeline
  // and payments start on the firm's own planning rule (K = K*), growing at the expected rate, so
  // the first months show no artificial ordering spike.
  double denom = 0;
  for (std::size_t f = 0; f < F.size(); ++f) {
    if (F.ai_seller[f] != 0) denom += F.core_revenue0[f];
  }
  for (std::size_t f = 0; f < F.size(); ++f) {
    const auto& c = sc.firms[F.firm_class[f]].value;
    const auto lag = static_cast<double>(std::max(1, c.capex_lag_months));
    const double g = F.growth_expectation[f];
    double demand = 0;
    if (F.ai_seller[f] != 0 && denom > 0) demand = env.market0 * F.core_revenue0[f] / denom;
    F.ai_demand_prev[f] = demand;
    const double auto_compute = F.compute_used[f];
    F.compute_used[f] = auto_compute + demand / ai.revenue_per_gpu_month;
    const double expected = demand * std::pow(1.0 + g, lag);
    F.capacity[f] =
        (auto_compute + expected / ai.revenue_per_gpu_month) * (1.0 + c.capacity_headroom);
    // Attraction w_f makes the K^phi rule reproduce the start shares exactly; later shares move
    // only with relative capacity.
    F.ai_attraction[f] = demand > 0 ? demand / std::pow(F.capacity[f], ai.share_elasticity) : 0.0;
    const auto life = static_cast<std::size_t>(c.capacity_life_months);
    const double per_month = F.capacity[f] / static_cast<double>(life);
    for (std::size_t age = 0; age < life; ++age) {
      // Arrived at month -age: slot (-age) mod ring; retires at month life - age.
      const std::size_t ring = F.vintages.months();
      F.vintages.at(f, (ring - age % ring) % ring) += per_month;
    }
    // Capacity retiring in months 1 .. lag (the moving window plan_firms keeps up to date).
    for (std::size_t t = 1; t <= static_cast<std::size_t>(lag); ++t) {
      F.retiring_window[f] +=
          F.vintages.at(f, t + F.vintages.months() - life % F.vintages.months());
    }
    // Orders in flight: replacement plus growth of the AI-serving part.
    const double growth_order = (F.capacity[f] - auto_compute * (1.0 + c.capacity_headroom)) * g;
    const double monthly_order = per_month + growth_order;
    for (std::size_t t = 1; t <= static_cast<std::size_t>(lag); ++t) {
      F.pipeline.at(f, t) += monthly_order;
      F.pipeline_total[f] += monthly_order;
    }
    const double instalment =
        monthly_order * price0 * static_cast<double>(life) / static_cast<double>(c.payment_months);
    // Orders of months 0, -1, ..., -(pay - 1) are still being paid: the instalment rate starts at
    // pay instalments and each of those orders drops out in months 1 .. pay.
    const auto pay = static_cast<std::size_t>(c.payment_months);
    F.payment_rate[f] = static_cast<double>(pay) * instalment;
    for (std::size_t t = 1; t <= pay; ++t) F.payments.at(f, t) += instalment;
    // Other costs close the initial margin: R (1 - margin) = wages + compute + other.
    const double revenue = F.core_revenue0[f] + F.ai_demand_prev[f];
    const double compute_cost = monthly_order * price0 * static_cast<double>(life) +
                                F.capacity[f] * price0 * ai.opex_share_of_price;
    // The baseline against which compute spending "squeezes" the budget: keeping today's
    // capacity (replacement and opex), not growing it.
    const double upkeep = per_month * price0 * static_cast<double>(life) +
                          F.capacity[f] * price0 * ai.opex_share_of_price;
    F.compute_cost_share0[f] = revenue > 0 ? upkeep / revenue : 0;
    const double other = revenue * (1.0 - c.initial_margin) - F.wage_bill[f] - compute_cost;
    F.other_cost_share[f] = F.core_revenue0[f] > 0 ? std::max(0.0, other) / F.core_revenue0[f] : 0;
    F.cash[f] = c.initial_cash_months * revenue;
    // Reliability: the compute one unit of institutional knowledge can operate, so that the
    // load ratio starts at reliability.initial_load.
    F.knowledge_capacity[f] =
        F.knowledge[f] > 0 ? F.compute_used[f] / (F.knowledge[f] * sc.reliability.initial_load) : 0;
    F.knowledge0[f] = F.knowledge[f];
  }
}

std::size_t add_firm(const Model& m, const Environment& env, const OccupationState& occ,
                     std::size_t k, const std::vector<float>& base, double grant_months,
                     FirmTable& F) {
  // Grow every per-firm, per-cell and ring array by one firm (zero state), then set what a new
  // firm starts with. Serial: called between parallel phases.
  const Scenario& sc = m.scenario;
  const std::size_t O = m.data.size();
  const std::size_t f = F.size();
  const std::size_t n = f + 1;
  F.resize(n);
  F.firm_class[f] = static_cast<std::uint8_t>(k);
  F.active[f] = 1;
  const auto& c = sc.firms[k].value;
  F.ai_seller[f] = c.ai_seller ? 1 : 0;
  F.real_firms[f] = 1;  // a founder's firm; a replacement takes the closed firm's (close_firms)
  F.sites[f] = 1;
  const auto& occs = m.data.occupations;
  double wages = 0, nonmgr = 0;
  for (std::size_t o = 0; o < O; ++o) {
    if (base[o] <= 0) continue;
    F.live_occ.push_back(static_cast<OccupationId>(o));
    F.base_requirement[F.cell(f, o)] = base[o];
    wages += base[o] * occ.wage[o] * c.wage_premium;
    if (!occs[o].manager) nonmgr += base[o];
  }
  F.live_begin.push_back(static_cast<std::uint32_t>(F.live_occ.size()));
  // Finance of a start-up: revenue from the class's labour share, other costs from its start
  // margin, cash for `initial_cash_months`. It earns no AI market share until it has compute.
  // Revenue R0 D exp(z) against a wage bill of L0 D / A x the current wage, which grows with A:
  // R0 = sum L0 w / (A x labour share) puts the start-up at its class's labour share.
  F.core_revenue0[f] = wages / c.labour_share / env.productivity;
  F.other_cost_share[f] = std::max(0.0, 1.0 - c.initial_margin - c.labour_share);
  F.cash[f] = (c.initial_cash_months + grant_months) * wages / c.labour_share;
  F.nonmanager_base[f] = nonmgr;
  F.growth_expectation[f] = std::pow(1.0 + sc.ai.expected_growth_start_per_year, 1.0 / 12.0) - 1.0;
  return f;
}

}  // namespace labourshift::models
