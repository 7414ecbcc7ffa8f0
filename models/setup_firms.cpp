// Firm set-up: firm counts and sizes by class, occupation mixes, and the finance each firm starts
// with (revenue, costs, compute, orders, payments, cash); also the firms founders add later.
#include "models/ai_environment.hpp"
#include "models/phases.hpp"
#include "models/rules.hpp"
#include "sim/parallel.hpp"
#include "sim/random.hpp"

#include <boost/random/binomial_distribution.hpp>
#include <boost/random/normal_distribution.hpp>

#include <algorithm>
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

/// Idiosyncratic exit hazards h_f = c_k L0_f^-beta (L0_f: the firm's base headcount), with c_k
/// set so that the mean monthly hazard over class k's firms is 1 - (1 - r_k)^(1/12).
void set_exit_hazards(const Model& m, FirmTable& F) {
  const std::size_t K = m.class_names.size(), O = m.data.size();
  std::vector<double> weight_sum(K, 0.0), count(K, 0.0), size(F.size(), 0.0);
  for (std::size_t f = 0; f < F.size(); ++f) {
    for (std::size_t o = 0; o < O; ++o) size[f] += F.base_requirement[F.cell(f, o)];
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

void set_up_firms(const Model& m, DrawKey key, FirmTable& F) {
  const Scenario& sc = m.scenario;
  const auto& data = m.data;
  const std::size_t O = data.size(), K = m.class_names.size();
  const std::uint64_t seed = key.seed;
  const auto n_workers = sc.population.workers;
  const auto employed = static_cast<std::int64_t>(std::llround(
      static_cast<double>(n_workers) * (1.0 - sc.population.initial_unemployment_rate)));
  std::vector<double> shares;
  for (const auto& c : sc.firms) shares.push_back(c.value.employment_share);
  const std::vector<std::int64_t> class_employment = apportion(employed, shares);

  F.occupations = O;
  std::vector<std::uint8_t> classes;  // of each firm, in firm order
  std::size_t max_life = 1, max_lag = 1, max_pay = 1;
  for (const auto& c : sc.firms) {
    max_life =
        std::max<std::size_t>(max_life, static_cast<std::size_t>(c.value.capacity_life_months));
    max_lag = std::max<std::size_t>(max_lag, static_cast<std::size_t>(c.value.capex_lag_months));
    max_pay = std::max<std::size_t>(max_pay, static_cast<std::size_t>(c.value.payment_months));
  }
  std::vector<std::int64_t> sizes;
  for (std::size_t k = 0; k < K; ++k) {
    const auto& c = sc.firms[k].value;
    const std::int64_t e = class_employment[k];
    if (e <= 0) continue;
    std::int64_t n =
        c.count > 0 ? c.count
                    : std::max<std::int64_t>(1, std::llround(static_cast<double>(e) / c.mean_size));
    n = std::min(n, e);
    std::vector<double> raw(static_cast<std::size_t>(n));
    const std::size_t first = classes.size();
    for (std::size_t i = 0; i < raw.size(); ++i) {
      sim::Stream rng(seed, key.replication, 0, stream::kInitFirms,
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
    // Every firm has at least one worker; the rest is shared in proportion to the draws.
    const std::vector<std::int64_t> extra = apportion(e - n, raw);
    for (std::size_t i = 0; i < raw.size(); ++i) {
      sizes.push_back(1 + extra[i]);
      classes.push_back(static_cast<std::uint8_t>(k));
    }
  }
  const std::size_t n_firms = classes.size();
  F.vintages.reset(max_life + 1, n_firms);
  F.pipeline.reset(max_lag + 1, n_firms);
  F.payments.reset(max_pay + 1, n_firms);
  F.resize(n_firms);
  std::copy(classes.begin(), classes.end(), F.firm_class.begin());
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
      if (F.base_requirement[F.cell(f, o)] > 0) F.live_occ.push_back(static_cast<std::uint8_t>(o));
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
    if (c.ai_seller) seller_core += F.core_revenue0[f];
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
    if (sc.firms[F.firm_class[f]].value.ai_seller) denom += F.core_revenue0[f];
  }
  for (std::size_t f = 0; f < F.size(); ++f) {
    const auto& c = sc.firms[F.firm_class[f]].value;
    const auto lag = static_cast<double>(std::max(1, c.capex_lag_months));
    const double g = F.growth_expectation[f];
    double demand = 0;
    if (c.ai_seller && denom > 0) demand = env.market0 * F.core_revenue0[f] / denom;
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
  const auto& occs = m.data.occupations;
  double wages = 0, nonmgr = 0;
  for (std::size_t o = 0; o < O; ++o) {
    if (base[o] <= 0) continue;
    F.live_occ.push_back(static_cast<std::uint8_t>(o));
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
