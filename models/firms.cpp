// Firm behaviour (MODEL.md section 3): revenue, automation adoption, labour requirements, compute
// planning with lags and instalments, the budget constraint that funds compute by cutting the most
// exposed headcount, accounting, exit and reliability.
#include "models/ai_environment.hpp"
#include "models/labour_market.hpp"
#include "models/phases.hpp"
#include "sim/parallel.hpp"
#include "sim/random.hpp"

#include <boost/random/binomial_distribution.hpp>
#include <boost/random/normal_distribution.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

namespace labourshift::models {

namespace {

constexpr std::size_t kFirmGrain = 256;

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

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

/// theta*_fo = x_o a(t) Phi((ln(w_o / (p(t) m)) - mu_k) / sd): the AI-capable tasks whose compute
/// cost beats their wage cost, given the class's organisational hurdle.
double adoption_target(double automatable, double capability, double wage, double price,
                       const AiParams& ai, double hurdle) {
  const double z = (std::log(wage / (price * ai.compute_per_fte)) - hurdle) / ai.adoption_sd;
  return automatable * capability * normal_cdf(z);
}

}  // namespace

std::vector<double> LabourMarket::adoption_targets(double capability, double price) const {
  std::vector<double> theta(classes_ * occ_);
  for (std::size_t k = 0; k < classes_; ++k) {
    for (std::size_t o = 0; o < occ_; ++o) {
      theta[k * occ_ + o] = adoption_target(model_->automatable[o], capability, wage_[o], price, sc_.ai,
                                            sc_.firms[k].value.adoption_hurdle);
    }
  }
  return theta;
}

double LabourMarket::ai_layoff_cost_months(double wage) const {
  // Disclosure's reputational cost and the retraining mandate's payment, in months of wage.
  double months = 0;
  if (sc_.policy.disclosure_rule) months += sc_.policy.disclosure_cost_months;
  if (sc_.policy.retraining_mandate && wage > 0) months += sc_.policy.retraining_mandate_cost_usd / wage;
  return months;
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
  std::size_t max_life = 1, max_lag = 1, max_pay = 1;
  for (const auto& c : sc_.firms) {
    max_life = std::max<std::size_t>(max_life, static_cast<std::size_t>(c.value.capacity_life_months));
    max_lag = std::max<std::size_t>(max_lag, static_cast<std::size_t>(c.value.capex_lag_months));
    max_pay = std::max<std::size_t>(max_pay, static_cast<std::size_t>(c.value.payment_months));
  }
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
  const std::size_t cells = n_firms * occ_;
  auto& F = firms_;
  F.active.assign(n_firms, 1);
  F.exiting.assign(n_firms, 0);
  F.log_demand_shock.assign(n_firms, 0.0F);
  for (auto* v : {&F.core_revenue0, &F.other_cost_share, &F.cash, &F.capacity, &F.pipeline_total,
                  &F.growth_expectation, &F.ai_demand_prev, &F.mean_adoption0, &F.nonmanager_base,
                  &F.knowledge_capacity, &F.knowledge, &F.wage_bill, &F.core_revenue, &F.ai_demand,
                  &F.ai_revenue, &F.incident_cost, &F.capex_payment, &F.capex_orders, &F.opex,
                  &F.other_costs, &F.arrivals, &F.retirements, &F.compute_used, &F.cash_change,
                  &F.compute_cost_share0, &F.load_ratio, &F.ai_attraction, &F.knowledge0,
                  &F.payment_rate, &F.layoff_costs, &F.retiring_window}) {
    v->assign(n_firms, 0.0);
  }
  F.negative_cash_months.assign(n_firms, 0);
  F.incident.assign(n_firms, 0);
  F.layoffs.assign(n_firms * kLayoffReasons, 0);
  F.headcount.assign(cells, 0);
  F.base_requirement.assign(cells, 0.0F);
  F.adoption.assign(cells, 0.0F);
  F.adoption0.assign(cells, 0.0F);
  F.requirement.assign(cells, 0.0F);
  F.requirement_no_ai.assign(cells, 0.0F);
  F.budget_freeze.assign(cells, 0.0F);
  F.literacy_sum.assign(n_firms, 0);
  F.mean_literacy.assign(n_firms, 0.0F);
  F.odds.assign(cells, CellOdds{});
  F.vacancies.assign(cells, 0);
  F.vintages.reset(max_life + 1, n_firms);
  F.pipeline.reset(max_lag + 1, n_firms);
  F.payments.reset(max_pay + 1, n_firms);
  std::vector<std::vector<double>> mixes;
  for (const auto& c : sc_.firms) mixes.push_back(class_mix(data, c.value));
  const double buffer = 1.0 + sc_.labour.vacancy_rate;
  sim::for_each_index(n_firms, 64, [&](std::size_t f) {
    // Multinomial occupation draw by conditional binomials: unbiased for small firms too.
    sim::Stream rng(seed, rep_, 1, phase::kInitFirms, static_cast<std::uint32_t>(f));
    const auto& mix = mixes[F.firm_class[f]];
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
      F.headcount[F.cell(f, o)] = static_cast<std::int32_t>(h);
      F.base_requirement[F.cell(f, o)] = static_cast<float>(static_cast<double>(h) * buffer);
    }
  });
  F.live_begin.assign(n_firms + 1, 0);
  F.live_occ.clear();
  for (std::size_t f = 0; f < n_firms; ++f) {
    for (std::size_t o = 0; o < occ_; ++o) {
      if (F.base_requirement[F.cell(f, o)] > 0) F.live_occ.push_back(static_cast<std::uint8_t>(o));
    }
    F.live_begin[f + 1] = static_cast<std::uint32_t>(F.live_occ.size());
  }
}

void LabourMarket::init_firm_finance() {
  // Revenue, costs, compute and cash at the start, from each class's labour share, margin and
  // utilisation (MODEL.md 3.1, 3.5, 3.8). Runs after the workers exist (wage bills, tenure).
  auto& F = firms_;
  const auto& ai = sc_.ai;
  const auto& occs = model_->data.occupations;
  const double price0 = compute_price(ai, 0);
  const double a0 = ai_capability(ai, 0);
  // AI market at the start: a share of AI sellers' core revenue.
  double seller_core = 0;
  for (std::size_t f = 0; f < F.size(); ++f) {
    const auto& c = sc_.firms[F.firm_class[f]].value;
    F.core_revenue0[f] = F.wage_bill[f] / c.labour_share;
    if (c.ai_seller) seller_core += F.core_revenue0[f];
  }
  market0_ = a0 > 0 ? ai.market_share_of_revenue_start * seller_core : 0.0;
  market_ = market0_;
  const std::vector<double> theta0 = adoption_targets(a0, price0);
  for (std::size_t f = 0; f < F.size(); ++f) {
    double auto_compute = 0, theta_sum = 0, weight = 0, nonmgr = 0;
    for (std::size_t o = 0; o < occ_; ++o) {
      const std::size_t cell = F.cell(f, o);
      const double theta = theta0[F.firm_class[f] * occ_ + o];
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
    if (sc_.firms[F.firm_class[f]].value.ai_seller) denom += F.core_revenue0[f];
  }
  for (std::size_t f = 0; f < F.size(); ++f) {
    const auto& c = sc_.firms[F.firm_class[f]].value;
    const auto lag = static_cast<double>(std::max(1, c.capex_lag_months));
    const double g = F.growth_expectation[f];
    double demand = 0;
    if (c.ai_seller && denom > 0) demand = market0_ * F.core_revenue0[f] / denom;
    F.ai_demand_prev[f] = demand;
    const double auto_compute = F.compute_used[f];
    F.compute_used[f] = auto_compute + demand / ai.revenue_per_gpu_month;
    const double expected = demand * std::pow(1.0 + g, lag);
    F.capacity[f] = (auto_compute + expected / ai.revenue_per_gpu_month) * (1.0 + c.capacity_headroom);
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
    for (std::size_t m = 1; m <= static_cast<std::size_t>(lag); ++m) {
      F.retiring_window[f] += F.vintages.at(f, m + F.vintages.months() - life % F.vintages.months());
    }
    // Orders in flight: replacement plus growth of the AI-serving part.
    const double growth_order = (F.capacity[f] - auto_compute * (1.0 + c.capacity_headroom)) * g;
    const double monthly_order = per_month + growth_order;
    for (std::size_t m = 1; m <= static_cast<std::size_t>(lag); ++m) {
      F.pipeline.at(f, m) += monthly_order;
      F.pipeline_total[f] += monthly_order;
    }
    const double instalment = monthly_order * price0 * static_cast<double>(life) /
                              static_cast<double>(c.payment_months);
    // Orders of months 0, -1, ..., -(pay - 1) are still being paid: the instalment rate starts at
    // pay instalments and each of those orders drops out in months 1 .. pay.
    const auto pay = static_cast<std::size_t>(c.payment_months);
    F.payment_rate[f] = static_cast<double>(pay) * instalment;
    for (std::size_t m = 1; m <= pay; ++m) F.payments.at(f, m) += instalment;
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
        F.knowledge[f] > 0 ? F.compute_used[f] / (F.knowledge[f] * sc_.reliability.initial_load) : 0;
    F.knowledge0[f] = F.knowledge[f];
  }
}

void LabourMarket::environment(int month) {
  const auto& ai = sc_.ai;
  month_ = month;
  demand_ = core_demand_index(sc_.macro, month);
  capability_ = ai_capability(ai, month);
  price_ = compute_price(ai, month);
  operability_ = std::pow(1.0 + sc_.reliability.operability_growth_per_year, month / 12.0);
  // AI services exist only while AI can do something: with zero capability there is no market.
  const double a0 = ai_capability(ai, 0);
  const double capability_factor = a0 > 0 ? std::min(1.0, capability_ / a0) : (capability_ > 0 ? 1.0 : 0.0);
  market_ = market0_ * ai_market_index(ai, month) * capability_factor;
  adoption_target_ = adoption_targets(capability_, price_ * (1.0 + sc_.policy.compute_tax));
  // AI demand is shared in proportion to K^phi over active sellers (last month's capacity);
  // a serial sum in firm order keeps it deterministic.
  share_denominator_ = 0;
  for (std::size_t f = 0; f < firms_.size(); ++f) {
    if (firms_.active[f] != 0 && sc_.firms[firms_.firm_class[f]].value.ai_seller) {
      share_denominator_ += firms_.ai_attraction[f] * std::pow(firms_.capacity[f], ai.share_elasticity);
    }
  }
}

void LabourMarket::plan_firms(int month) {
  const auto seed = static_cast<std::uint64_t>(sc_.run.seed);
  const auto& ai = sc_.ai;
  const auto& occs = model_->data.occupations;
  const double rho_z = sc_.macro.firm_shock_persistence;
  const double sd_z = sc_.macro.firm_shock_sd;
  auto& F = firms_;
  const auto t = static_cast<std::size_t>(month);
  // Layoff costs (severance; for AI-attributed layoffs also disclosure and the retraining
  // mandate) make firms shed part of the excess by attrition instead: a layoff costing c months
  // of wage is replaced by waiting with share c / (c + 12). The kept share 12 / (12 + c) by
  // class and occupation, once a month rather than per cell.
  const double sev = sc_.policy.severance_months;
  const double demand_attrition = 12.0 / (12.0 + sev);
  std::vector<double> ai_attrition(classes_ * occ_);
  for (std::size_t k = 0; k < classes_; ++k) {
    for (std::size_t o = 0; o < occ_; ++o) {
      ai_attrition[k * occ_ + o] = 12.0 / (12.0 + sev + ai_layoff_cost_months(wage_[o] * class_premium_[k]));
    }
  }
  // The ring slots this month touches, per class (lags and lives are class parameters): rows
  // indexed by firm, so the loop below reads them in order and divides nothing.
  struct Slots {
    double *arriving, *retiring, *window_in, *vintage_now, *paid_off, *ordered, *pay_end;
  };
  std::vector<Slots> slots(classes_);
  for (std::size_t k = 0; k < classes_; ++k) {
    const auto& c = sc_.firms[k].value;
    const std::size_t ring = F.vintages.months();
    const auto life = static_cast<std::size_t>(c.capacity_life_months) % ring;
    const auto lag = static_cast<std::size_t>(std::max(1, c.capex_lag_months));
    slots[k] = Slots{F.pipeline.row(t),
                     F.vintages.row(t + ring - life),
                     F.vintages.row(t + lag + ring - life),
                     F.vintages.row(t),
                     F.payments.row(t),
                     F.pipeline.row(t + lag),
                     F.payments.row(t + static_cast<std::size_t>(c.payment_months))};
  }
  sim::for_each_index(F.size(), kFirmGrain, [&](std::size_t f) {
    const auto& c = sc_.firms[F.firm_class[f]].value;
    const Slots& ring = slots[F.firm_class[f]];
    for (std::size_t r = 0; r < kLayoffReasons; ++r) F.layoffs[f * kLayoffReasons + r] = 0;
    F.arrivals[f] = F.retirements[f] = F.capex_orders[f] = F.capex_payment[f] = F.opex[f] = 0;
    F.core_revenue[f] = F.ai_demand[f] = F.ai_revenue[f] = F.other_costs[f] = 0;
    const double used_last_month = F.compute_used[f];
    F.compute_used[f] = F.incident_cost[f] = F.cash_change[f] = 0;
    F.incident[f] = 0;
    if (F.active[f] == 0) return;
    if (F.exiting[f] != 0) {
      // Exit (MODEL.md 3.8): every worker is laid off (reason firm_exit) in this month's pass.
      for (std::size_t o = 0; o < occ_; ++o) {
        const std::size_t cell = F.cell(f, o);
        F.requirement[cell] = F.requirement_no_ai[cell] = 0;
        F.odds[cell] = CellOdds{};
      }
      return;
    }
    // 1. Capacity: arrivals from the pipeline, retirements of vintages past their life.
    const double arrived = ring.arriving[f];
    ring.arriving[f] = 0;
    F.pipeline_total[f] -= arrived;
    const auto life = static_cast<std::size_t>(c.capacity_life_months);
    const double retired = ring.retiring[f];
    ring.retiring[f] = 0;
    // Capacity retiring in months t+1 .. t+lag (the supply line's correction), kept as a moving
    // window: the vintage retiring now leaves it, the one retiring at t+lag enters.
    F.retiring_window[f] += ring.window_in[f] - retired;
    ring.vintage_now[f] += arrived;
    F.capacity[f] = F.capacity[f] + arrived - retired;
    F.arrivals[f] = arrived;
    F.retirements[f] = retired;

    // Instalment schedules that ended last month stop now.
    F.payment_rate[f] -= ring.paid_off[f];
    ring.paid_off[f] = 0;

    // 2. Revenue: core demand with a firm shock; AI demand shared by K^phi.
    sim::Stream rng(seed, rep_, static_cast<std::uint32_t>(month), phase::kFirmPlan,
                    static_cast<std::uint32_t>(f));
    boost::random::normal_distribution<double> normal;
    const double z = rho_z * F.log_demand_shock[f] + sd_z * normal(rng);
    F.log_demand_shock[f] = static_cast<float>(z);
    const double scale = demand_ * std::exp(z);
    F.core_revenue[f] = F.core_revenue0[f] * scale;
    double demand_ai = 0;
    if (c.ai_seller && share_denominator_ > 0) {
      demand_ai = market_ * F.ai_attraction[f] * std::pow(F.capacity[f], ai.share_elasticity) / share_denominator_;
    }
    F.ai_demand[f] = demand_ai;

    // 3. Adoption and labour requirements.
    double theta_sum = 0, theta_w = 0, auto_compute = 0;
    double nonmgr_req = 0, nonmgr_req_no_ai = 0, ai_role_base = 0, staff = 0;
    for (std::size_t li = F.live_begin[f]; li < F.live_begin[f + 1]; ++li) {
      const std::size_t o = F.live_occ[li];
      if (occs[o].ai_role) ai_role_base += F.base_requirement[F.cell(f, o)];
      staff += F.headcount[F.cell(f, o)];
    }
    // AI literacy of the firm's staff (a snapshot: the separation pass reads it while headcounts
    // change under it).
    F.mean_literacy[f] = staff > 0 ? static_cast<float>(static_cast<double>(F.literacy_sum[f]) * 1e-4 / staff) : 0.0F;
    // Knowledge staff needed to run the compute in use at the start-of-run load ratio; AI roles
    // are hired to fill what the knowledge base lacks (MODEL.md 3.3 and 3.9).
    double knowledge_gap = 0;
    if (F.knowledge_capacity[f] > 0) {
      const double needed = used_last_month / (F.knowledge_capacity[f] * operability_ * sc_.reliability.initial_load);
      knowledge_gap = std::max(0.0, needed - F.knowledge0[f]);
    }
    for (std::size_t li = F.live_begin[f]; li < F.live_begin[f + 1]; ++li) {
      const std::size_t o = F.live_occ[li];
      const std::size_t cell = F.cell(f, o);
      const double target = adoption_target_[F.firm_class[f] * occ_ + o];
      const double theta = F.adoption[cell] + c.adoption_speed * (target - F.adoption[cell]);
      F.adoption[cell] = static_cast<float>(theta);
      const double L0 = F.base_requirement[cell];
      const double workload = L0 * scale;
      const double h = F.headcount[cell];
      const double literacy = F.mean_literacy[f];
      const double productivity = 1.0 + occs[o].complementarity * capability_ * literacy;
      double required = workload;
      if (occs[o].ai_role) {
        // AI roles scale with the compute in use (operations) as well as with the core workload.
        const double share = ai_role_base > 0 ? L0 / ai_role_base : 0.0;
        required = workload + knowledge_gap * share;
        F.requirement_no_ai[cell] = static_cast<float>(workload);
      } else if (!occs[o].manager) {
        required = workload * (1.0 - theta) / (1.0 - F.adoption0[cell]) / productivity;
        F.requirement_no_ai[cell] = static_cast<float>(workload);
        nonmgr_req += required;
        nonmgr_req_no_ai += workload;
        theta_sum += theta * h;
        theta_w += h;
      }
      if (!occs[o].manager) F.requirement[cell] = static_cast<float>(required);
      auto_compute += theta * workload * ai.compute_per_fte;
    }
    // Managers: span s = s0 (1 + rho theta-bar) widens with adoption (MODEL.md 3.3).
    const double theta_bar = theta_w > 0 ? theta_sum / theta_w : F.mean_adoption0[f];
    const double span_ratio = (1.0 + c.manager_span_elasticity * F.mean_adoption0[f]) /
                              (1.0 + c.manager_span_elasticity * theta_bar);
    const double base = F.nonmanager_base[f] > 0 ? F.nonmanager_base[f] : 1.0;
    for (std::size_t li = F.live_begin[f]; li < F.live_begin[f + 1]; ++li) {
      const std::size_t o = F.live_occ[li];
      if (!occs[o].manager) continue;
      const std::size_t cell = F.cell(f, o);
      F.requirement[cell] = static_cast<float>(F.base_requirement[cell] * nonmgr_req / base * span_ratio);
      F.requirement_no_ai[cell] = static_cast<float>(F.base_requirement[cell] * nonmgr_req_no_ai / base);
    }

    // 4. AI serving and utilisation.
    const double serving = std::max(0.0, F.capacity[f] - auto_compute) * ai.revenue_per_gpu_month;
    F.ai_revenue[f] = std::min(demand_ai, serving);
    F.compute_used[f] = std::min(auto_compute, F.capacity[f]) + F.ai_revenue[f] / ai.revenue_per_gpu_month;

    // 5. Compute target and orders: adaptive expectations extrapolate recent growth.
    if (F.ai_demand_prev[f] > 0 && demand_ai > 0) {
      const double observed = demand_ai / F.ai_demand_prev[f] - 1.0;
      F.growth_expectation[f] = c.expectation_weight * F.growth_expectation[f] +
                                (1.0 - c.expectation_weight) * observed;
    }
    F.ai_demand_prev[f] = demand_ai;
    const auto lag = std::max(1, c.capex_lag_months);
    double growth_factor = 1.0;  // (1 + g)^lag by multiplication: lag is a small integer
    for (int j = 0; j < lag; ++j) growth_factor *= 1.0 + F.growth_expectation[f];
    const double expected = demand_ai * growth_factor;
    const double target_k = (auto_compute + expected / ai.revenue_per_gpu_month) * (1.0 + c.capacity_headroom);
    // Supply line: capacity at arrival = K + pipeline - retirements due before then.
    const double gap = target_k - (F.capacity[f] + F.pipeline_total[f] - F.retiring_window[f]);
    const double order = std::max(0.0, c.order_speed * gap);
    if (order > 0) {
      ring.ordered[f] += order;
      F.pipeline_total[f] += order;
      const double cost = order * price_ * static_cast<double>(life) * (1.0 + sc_.policy.compute_tax);
      // Equal instalments over `pay` months from now: the firm's instalment rate rises now and
      // falls back when the schedule ends (a difference array, O(1) per order).
      const auto pay = static_cast<std::size_t>(c.payment_months);
      const double instalment = cost / static_cast<double>(pay);
      F.payment_rate[f] += instalment;
      ring.pay_end[f] += instalment;
      F.capex_orders[f] = cost;
    }
    F.capex_payment[f] = F.payment_rate[f];
    F.opex[f] = F.capacity[f] * price_ * ai.opex_share_of_price;
    F.other_costs[f] = F.other_cost_share[f] * F.core_revenue[f];

    // 6. Budget constraint: when the projected cash margin falls below target, cut the most
    // exposed headcount (exposure x wage / productivity) to fund compute. AI roles are kept.
    const double revenue = F.core_revenue[f] + F.ai_revenue[f];
    const double cash_flow = revenue - F.wage_bill[f] - F.capex_payment[f] - F.opex[f] - F.other_costs[f];
    // Only the squeeze that compute spending above its start share of revenue causes is funded
    // by cuts; a shortfall from weak core demand is the demand gap's business.
    const double compute_cost = F.capex_payment[f] + F.opex[f];
    const double compute_excess = compute_cost - F.compute_cost_share0[f] * revenue;
    const double shortfall = std::min(c.target_margin * revenue - cash_flow, compute_excess);
    std::array<float, 256> capex_cut;  // by occupation; only live cells are read
    for (std::size_t li = F.live_begin[f]; li < F.live_begin[f + 1]; ++li) capex_cut[F.live_occ[li]] = 0.0F;
    if (shortfall > 0) {
      double budget = std::min(shortfall, c.max_budget_cut_share * F.wage_bill[f]);
      std::array<std::pair<double, std::size_t>, 256> order_cells;  // no heap allocation per firm
      std::size_t n_cells = 0;
      for (std::size_t li = F.live_begin[f]; li < F.live_begin[f + 1]; ++li) {
        const std::size_t o = F.live_occ[li];
        if (occs[o].ai_role || F.headcount[F.cell(f, o)] <= 0) continue;
        order_cells[n_cells++] = {-model_->automatable[o] * wage_[o], o};
      }
      std::sort(order_cells.begin(), order_cells.begin() + static_cast<std::ptrdiff_t>(n_cells));
      for (std::size_t x = 0; x < n_cells; ++x) {
        const std::size_t o = order_cells[x].second;
        if (budget <= 0) break;
        const std::size_t cell = F.cell(f, o);
        const double w = wage_[o] * class_premium_[F.firm_class[f]];
        // Random rounding keeps small firms from cutting a whole worker for a cent of shortfall.
        const double n = std::min(static_cast<double>(F.headcount[cell]), std::floor(budget / w + rng.uniform()));
        capex_cut[o] = static_cast<float>(n);
        F.budget_freeze[cell] += static_cast<float>(n);
        budget -= n * w;
      }
    } else {
      for (std::size_t li = F.live_begin[f]; li < F.live_begin[f + 1]; ++li) {
        F.budget_freeze[F.cell(f, F.live_occ[li])] *= 0.95F;
      }
    }

    // 7. Layoffs from the gap, split into demand and automation by what the requirement would be
    // with AI at its start level; capex cuts on top. Probabilities per worker of the cell.
    for (std::size_t li = F.live_begin[f]; li < F.live_begin[f + 1]; ++li) {
      const std::size_t o = F.live_occ[li];
      const std::size_t cell = F.cell(f, o);
      const double h = F.headcount[cell];
      const double required = std::max(0.0, static_cast<double>(F.requirement[cell]) - F.budget_freeze[cell] + capex_cut[o]);
      F.requirement[cell] = static_cast<float>(std::max(0.0, static_cast<double>(F.requirement[cell]) - F.budget_freeze[cell]));
      double n_demand = 0, n_auto = 0;
      if (h > required) {
        const double n = std::floor(c.layoff_speed * (h - required) + 0.5);
        const double excess_demand = std::max(0.0, h - std::max(required, static_cast<double>(F.requirement_no_ai[cell])));
        n_demand = std::floor(n * excess_demand / (h - required) + 0.5);
        n_auto = n - n_demand;
      }
      double n_capex = std::min<double>(capex_cut[o], std::max(0.0, h - n_demand - n_auto));
      // Layoff costs turn part of the excess into attrition (see demand_attrition above).
      n_demand *= demand_attrition;
      n_auto *= ai_attrition[F.firm_class[f] * occ_ + o];
      n_capex *= ai_attrition[F.firm_class[f] * occ_ + o];
      F.odds[cell] = CellOdds{quantise_probability(F.adoption[cell]), quantise_probability(h > 0 ? n_demand / h : 0.0),
                              quantise_probability(h > 0 ? n_auto / h : 0.0),
                              quantise_probability(h > 0 ? n_capex / h : 0.0)};
    }
  });
}

void LabourMarket::account_firms(int month) {
  // Cash += revenue - wages - capex payments - opex - other costs - incident losses (MODEL.md 3.8)
  // and reliability (3.9): load ratio rho = used compute / (capacity Q_f can operate);
  // incident hazard h0 rho^eta; an incident costs a share of the month's AI revenue.
  const auto seed = static_cast<std::uint64_t>(sc_.run.seed);
  const auto& rel = sc_.reliability;
  auto& F = firms_;
  sim::for_each_index(F.size(), kFirmGrain, [&](std::size_t f) {
    if (F.active[f] == 0) return;
    const auto& c = sc_.firms[F.firm_class[f]].value;
    if (F.exiting[f] != 0) {
      // Its staff were laid off this month; it holds nothing from now on.
      F.active[f] = 0;
      F.capacity[f] = 0;
      F.pipeline_total[f] = 0;
      for (std::size_t o = 0; o < occ_; ++o) {
        const std::size_t cell = F.cell(f, o);
        F.requirement[cell] = F.requirement_no_ai[cell] = F.budget_freeze[cell] = 0;
        F.odds[cell] = CellOdds{};
      }
      return;
    }
    // Incidents hit AI services: firms that sell AI and had knowledge staff to run it.
    if (c.ai_seller && F.knowledge_capacity[f] > 0 && F.ai_revenue[f] > 0) {
      const double operable = F.knowledge[f] * F.knowledge_capacity[f] * operability_;
      const double load = operable > 0 ? std::min(F.compute_used[f] / operable, 10.0) : 10.0;
      F.load_ratio[f] = load;
      const double hazard = std::min(1.0, rel.base_hazard * std::pow(load, rel.load_elasticity));
      sim::Stream rng(seed, rep_, static_cast<std::uint32_t>(month), phase::kIncident,
                      static_cast<std::uint32_t>(f));
      if (rng.uniform() < hazard) {
        F.incident[f] = 1;
        F.incident_cost[f] = rel.incident_cost_share * F.ai_revenue[f];
      }
    }
    // Layoff costs of the month: severance on every layoff but firm exits, and for AI-attributed
    // layoffs the disclosure (reputation) and retraining-mandate costs.
    {
      double staff = 0;
      for (std::size_t li = F.live_begin[f]; li < F.live_begin[f + 1]; ++li) staff += F.headcount[F.cell(f, F.live_occ[li])];
      const std::int32_t* lay = F.layoffs.data() + f * kLayoffReasons;
      const double ai_layoffs = lay[1] + lay[2];
      const double mean_wage = staff > 0 ? F.wage_bill[f] / staff : 0.0;
      F.layoff_costs[f] = sc_.policy.severance_months * mean_wage * (lay[0] + ai_layoffs) +
                          ai_layoff_cost_months(mean_wage) * mean_wage * ai_layoffs;
    }
    const double change = F.core_revenue[f] + F.ai_revenue[f] - F.incident_cost[f] - F.wage_bill[f] -
                          F.capex_payment[f] - F.opex[f] - F.other_costs[f] - F.layoff_costs[f];
    F.cash_change[f] = change;
    F.cash[f] += change;
    const double revenue = F.core_revenue[f] + F.ai_revenue[f];
    if (F.cash[f] < -c.exit_cash_months * revenue) {
      ++F.negative_cash_months[f];
    } else {
      F.negative_cash_months[f] = 0;
    }
    if (F.negative_cash_months[f] >= c.exit_after_months) F.exiting[f] = 1;
  });
}

}  // namespace labourshift::models

namespace labourshift::models {

std::size_t LabourMarket::add_firm(std::size_t k, const std::vector<float>& base) {
  // Grow every per-firm, per-cell and ring array by one firm (zero state), then set what a new
  // firm starts with. Serial: called between parallel phases.
  auto& F = firms_;
  const std::size_t f = F.size();
  const std::size_t n = f + 1;
  F.firm_class.push_back(static_cast<std::uint8_t>(k));
  F.active.push_back(1);
  F.exiting.push_back(0);
  F.log_demand_shock.push_back(0.0F);
  F.negative_cash_months.push_back(0);
  F.incident.push_back(0);
  F.mean_literacy.push_back(0.0F);
  F.literacy_sum.push_back(0);
  for (auto* v : {&F.core_revenue0, &F.other_cost_share, &F.cash, &F.capacity, &F.pipeline_total,
                  &F.growth_expectation, &F.ai_demand_prev, &F.mean_adoption0, &F.nonmanager_base,
                  &F.knowledge_capacity, &F.knowledge, &F.knowledge0, &F.wage_bill, &F.compute_cost_share0,
                  &F.ai_attraction, &F.load_ratio, &F.core_revenue, &F.ai_demand, &F.ai_revenue,
                  &F.incident_cost, &F.capex_payment, &F.capex_orders, &F.opex, &F.other_costs, &F.arrivals,
                  &F.retirements, &F.compute_used, &F.cash_change, &F.payment_rate, &F.layoff_costs,
                  &F.retiring_window}) {
    v->resize(n, 0.0);
  }
  F.layoffs.resize(n * kLayoffReasons, 0);
  for (auto* v : {&F.base_requirement, &F.adoption, &F.adoption0, &F.requirement, &F.requirement_no_ai,
                  &F.budget_freeze}) {
    v->resize(n * occ_, 0.0F);
  }
  F.headcount.resize(n * occ_, 0);
  F.vacancies.resize(n * occ_, 0);
  F.odds.resize(n * occ_, CellOdds{});
  F.vintages.grow(n);
  F.pipeline.grow(n);
  F.payments.grow(n);
  const auto& c = sc_.firms[k].value;
  const auto& occs = model_->data.occupations;
  double wages = 0, nonmgr = 0;
  for (std::size_t o = 0; o < occ_; ++o) {
    if (base[o] <= 0) continue;
    F.live_occ.push_back(static_cast<std::uint8_t>(o));
    F.base_requirement[F.cell(f, o)] = base[o];
    wages += base[o] * wage_[o] * c.wage_premium;
    if (!occs[o].manager) nonmgr += base[o];
  }
  F.live_begin.push_back(static_cast<std::uint32_t>(F.live_occ.size()));
  // Finance of a start-up: revenue from the class's labour share, other costs from its start
  // margin, cash for `initial_cash_months`. It earns no AI market share until it has compute.
  F.core_revenue0[f] = wages / c.labour_share / demand_;
  F.other_cost_share[f] = std::max(0.0, 1.0 - c.initial_margin - c.labour_share);
  F.cash[f] = (c.initial_cash_months + sc_.policy.founder_grant_months) * wages / c.labour_share;
  F.nonmanager_base[f] = nonmgr;
  F.growth_expectation[f] = std::pow(1.0 + sc_.ai.expected_growth_start_per_year, 1.0 / 12.0) - 1.0;
  return f;
}

void LabourMarket::create_founder_firms() {
  // Surviving founders may create a small firm (MODEL.md 4.4): serial, in worker-id order. The
  // founder becomes its first employee; the rest of `firm_size` are vacancies in the founder's
  // occupation and the class's largest occupation.
  if (founders_creating_.empty()) return;
  const auto k = static_cast<std::size_t>(firm_class_for_founders_);
  const auto& c = sc_.firms[k].value;
  // The class's largest occupation, by the same mix its firms were staffed with at the start.
  const std::vector<double> mix = class_mix(model_->data, c);
  const auto main_occ = static_cast<std::size_t>(std::max_element(mix.begin(), mix.end()) - mix.begin());
  const double buffer = 1.0 + sc_.labour.vacancy_rate;
  auto& w = workers_;
  for (const std::uint32_t i : founders_creating_) {
    const std::size_t o = w.occupation[i];
    std::vector<float> base(occ_, 0.0F);
    base[o] += static_cast<float>(buffer);
    base[main_occ] += static_cast<float>((sc_.founders.firm_size - 1) * buffer);
    const std::size_t f = add_firm(k, base);
    new_firm_funding_ += firms_.cash[f];
    ++firms_.headcount[firms_.cell(f, o)];
    w.status[i] = static_cast<std::uint8_t>(Status::kEmployed);
    w.employer[i] = static_cast<std::uint32_t>(f);
    w.tenure[i] = 0;
    w.wage[i] = static_cast<float>(wage_[o] / price_level_) * class_premium_[k];
    ++flows_[kFounderFirm * occ_ + o];
  }
  founders_creating_.clear();
}

}  // namespace labourshift::models
