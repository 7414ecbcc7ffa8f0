// Firm planning, each month and firm f of class k: capacity arrivals and retirements, revenue,
// adoption and labour requirements, AI serving, compute orders, the budget constraint that funds
// compute by cutting the most exposed headcount, and the layoff odds the worker pass reads.
// Firms plan independently of each other: plan_firms runs them in parallel,
// plan_firms_reference one by one, and the two agree exactly.
#include "models/phases.hpp"
#include "models/rules.hpp"
#include "models/worker_pass.hpp"
#include "sim/parallel.hpp"
#include "sim/random.hpp"

#include <boost/random/normal_distribution.hpp>

#include <algorithm>
#include <array>
#include <cmath>

namespace labourshift::models {

namespace {

constexpr std::size_t kFirmGrain = 256;

/// The ring slots this month touches, for one class (lags and lives are class parameters): rows
/// indexed by firm, so the firm loop reads them in order and divides nothing.
struct Slots {
  double *arriving, *retiring, *window_in, *vintage_now, *paid_off, *ordered, *pay_end;
};

/// What every firm's plan reads this month.
struct PlanContext {
  const Model& m;
  const Scenario& sc;
  DrawKey key;
  const Environment& env;
  const OccupationState& occ;
  std::size_t O;
  /// Layoff costs (severance; for AI-attributed layoffs also disclosure and the retraining
  /// mandate) make firms shed part of the excess by attrition instead: the kept shares
  /// 12 / (12 + c), for demand layoffs and by class and occupation for AI-attributed ones.
  double demand_kept;
  std::vector<double> ai_kept;  ///< [k * O + o]
  std::vector<Slots> slots;     ///< by class
  /// The openings' random roundings: a keyed word per (cell, purpose), cheap enough to draw for
  /// every live cell every month.
  sim::KeyedWords opening_words;
};

PlanContext plan_context(const Model& m, DrawKey key, const Environment& env,
                         const OccupationState& occ, FirmTable& F) {
  const Scenario& sc = m.scenario;
  const std::size_t O = m.data.size(), K = m.class_names.size();
  PlanContext x{m,
                sc,
                key,
                env,
                occ,
                O,
                rules::layoff_kept_share(env.policy.severance_months),
                {},
                {},
                sim::KeyedWords(key.seed, key.replication, static_cast<std::uint32_t>(env.month),
                                stream::kOpenings)};
  const double sev = env.policy.severance_months;
  x.ai_kept.resize(K * O);
  for (std::size_t k = 0; k < K; ++k) {
    for (std::size_t o = 0; o < O; ++o) {
      x.ai_kept[k * O + o] = rules::layoff_kept_share(
          sev, rules::ai_layoff_cost_months(env.policy, occ.wage[o] * m.class_premium[k]));
    }
  }
  const auto t = static_cast<std::size_t>(env.month);
  for (std::size_t k = 0; k < K; ++k) {
    const auto& c = sc.firms[k].value;
    const std::size_t ring = F.vintages.months();
    const auto life = static_cast<std::size_t>(c.capacity_life_months) % ring;
    const auto lag = static_cast<std::size_t>(std::max(1, c.capex_lag_months));
    x.slots.push_back(Slots{F.pipeline.row(t), F.vintages.row(t + ring - life),
                            F.vintages.row(t + lag + ring - life), F.vintages.row(t),
                            F.payments.row(t), F.pipeline.row(t + lag),
                            F.payments.row(t + static_cast<std::size_t>(c.payment_months))});
  }
  return x;
}

/// 1. Capacity: arrivals from the pipeline, retirements of vintages past their life; instalment
/// schedules that ended last month stop.
void advance_capacity(FirmTable& F, std::size_t f, const Slots& ring) {
  const double arrived = ring.arriving[f];
  ring.arriving[f] = 0;
  F.pipeline_total[f] -= arrived;
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
}

/// 2. Revenue: core demand D(t) exp(z_f) with an AR(1) firm shock; AI demand shared by K^phi.
/// Returns the core workload scale D(t) exp(z_f).
double firm_revenue(const PlanContext& x, FirmTable& F, std::size_t f, sim::Stream& rng) {
  const Environment& env = x.env;
  const double rho_z = x.sc.macro.firm_shock_persistence;
  const double sd_z = x.sc.macro.firm_shock_sd;
  boost::random::normal_distribution<double> normal;
  const double z = rho_z * F.log_demand_shock[f] + sd_z * normal(rng);
  F.log_demand_shock[f] = static_cast<float>(z);
  const double scale = env.demand * std::exp(z);
  F.core_revenue[f] = F.core_revenue0[f] * scale;
  double demand_ai = 0;
  if (F.ai_seller[f] != 0 && env.share_denominator > 0) {
    demand_ai = env.market * F.ai_attraction[f] *
                std::pow(F.capacity[f], x.sc.ai.share_elasticity) / env.share_denominator;
  }
  F.ai_demand[f] = demand_ai;
  return scale;
}

/// 3. Adoption theta moves toward its target; labour requirements L* from the workload, adoption
/// and AI-fluent productivity; AI roles for the knowledge the compute needs; manager spans widen
/// with adoption. Augmentation: a productivity gain pi_o lowers the price of the cell's output by
/// 1/pi_o and demand for it rises by pi_o^epsilon, so the requirement scales by pi_o^(epsilon-1)
/// and the core revenue by the same factor weighted by the cell's share of the base wage bill.
/// Returns the compute automation uses.
double plan_requirements(const PlanContext& x, FirmTable& F, std::size_t f,
                         const FirmClassParams& c, double scale, double used_last_month) {
  const Scenario& sc = x.sc;
  const auto& ai = sc.ai;
  const auto& occs = x.m.data.occupations;
  const Environment& env = x.env;
  const std::size_t O = x.O;
  double theta_sum = 0, theta_w = 0, auto_compute = 0;
  double nonmgr_req = 0, nonmgr_req_no_ai = 0, ai_role_base = 0, staff = 0;
  double bill_base = 0, bill_augmented = 0;  // base wage bill, and weighted by pi^(epsilon - 1)
  const double output_exponent = ai.output_demand_elasticity - 1.0;
  for (std::size_t li = F.live_begin[f]; li < F.live_begin[f + 1]; ++li) {
    const std::size_t o = F.live_occ[li];
    if (occs[o].ai_role) ai_role_base += F.base_requirement[F.cell(f, o)];
    staff += F.headcount[F.cell(f, o)];
  }
  // AI literacy of the firm's staff (a snapshot: the worker pass reads it while headcounts
  // change under it).
  F.mean_literacy[f] =
      staff > 0 ? static_cast<float>(static_cast<double>(F.literacy_sum[f]) * 1e-4 / staff) : 0.0F;
  // Knowledge staff needed to run the compute in use at the start-of-run load ratio; AI roles
  // are hired to fill what the knowledge base lacks.
  double knowledge_gap = 0;
  if (F.knowledge_capacity[f] > 0) {
    const double needed =
        used_last_month / (F.knowledge_capacity[f] * env.operability * sc.reliability.initial_load);
    knowledge_gap = std::max(0.0, needed - F.knowledge0[f]);
  }
  for (std::size_t li = F.live_begin[f]; li < F.live_begin[f + 1]; ++li) {
    const std::size_t o = F.live_occ[li];
    const std::size_t cell = F.cell(f, o);
    const double target = env.adoption_target[F.firm_class[f] * O + o];
    const double theta = F.adoption[cell] + c.adoption_speed * (target - F.adoption[cell]);
    F.adoption[cell] = static_cast<float>(theta);
    const double L0 = F.base_requirement[cell];
    const double workload = L0 * scale / env.productivity;
    const double h = F.headcount[cell];
    const double literacy = F.mean_literacy[f];
    const double productivity = 1.0 + occs[o].complementarity * env.capability * literacy;
    double required = workload;
    double output_factor = 1.0;  // pi^(epsilon - 1): demand for the cell's augmented output
    if (occs[o].ai_role) {
      // AI roles scale with the compute in use (operations) as well as with the core workload.
      const double share = ai_role_base > 0 ? L0 / ai_role_base : 0.0;
      // Bounded: at most max_growth above the current headcount, and no more extra staff than a
      // year of the firm's cash can pay.
      const double wage = x.occ.wage[o] * x.m.class_premium[F.firm_class[f]];
      const double affordable = std::max(0.0, F.cash[f]) / (12.0 * wage);
      const double extra = std::min(
          {knowledge_gap * share, affordable,
           std::max(0.0, (1.0 + sc.labour.max_growth_per_month) * std::max(h, 1.0) - workload)});
      required = workload + extra;
      F.requirement_no_ai[cell] = static_cast<float>(workload);
    } else if (!occs[o].manager) {
      if (productivity != 1.0 && output_exponent != 0.0)
        output_factor = std::pow(productivity, output_exponent);
      required = workload * (1.0 - theta) / (1.0 - F.adoption0[cell]) * output_factor;
      F.requirement_no_ai[cell] = static_cast<float>(workload);
      nonmgr_req += required;
      nonmgr_req_no_ai += workload;
      theta_sum += theta * h;
      theta_w += h;
    }
    if (!occs[o].manager) F.requirement[cell] = static_cast<float>(required);
    auto_compute += theta * workload * ai.compute_per_fte;
    const double bill = L0 * occs[o].wage_month_usd;
    bill_base += bill;
    bill_augmented += bill * output_factor;
  }
  if (bill_base > 0 && bill_augmented != bill_base) F.core_revenue[f] *= bill_augmented / bill_base;
  // Managers: span s = s0 (1 + rho theta-bar) widens with adoption.
  const double theta_bar = theta_w > 0 ? theta_sum / theta_w : F.mean_adoption0[f];
  const double span_ratio = (1.0 + c.manager_span_elasticity * F.mean_adoption0[f]) /
                            (1.0 + c.manager_span_elasticity * theta_bar);
  const double base = F.nonmanager_base[f] > 0 ? F.nonmanager_base[f] : 1.0;
  for (std::size_t li = F.live_begin[f]; li < F.live_begin[f + 1]; ++li) {
    const std::size_t o = F.live_occ[li];
    if (!occs[o].manager) continue;
    const std::size_t cell = F.cell(f, o);
    F.requirement[cell] =
        static_cast<float>(F.base_requirement[cell] * nonmgr_req / base * span_ratio);
    F.requirement_no_ai[cell] =
        static_cast<float>(F.base_requirement[cell] * nonmgr_req_no_ai / base);
  }
  return auto_compute;
}

/// 4-5. AI serving and utilisation; the compute target and orders (adaptive expectations
/// extrapolate recent growth), paid in equal instalments; opex and other costs.
void serve_and_order(const PlanContext& x, FirmTable& F, std::size_t f, const FirmClassParams& c,
                     const Slots& ring, double auto_compute) {
  const Scenario& sc = x.sc;
  const auto& ai = sc.ai;
  const Environment& env = x.env;
  const double demand_ai = F.ai_demand[f];
  const auto life = static_cast<std::size_t>(c.capacity_life_months);
  const double serving = std::max(0.0, F.capacity[f] - auto_compute) * ai.revenue_per_gpu_month;
  F.ai_revenue[f] = std::min(demand_ai, serving);
  F.compute_used[f] =
      std::min(auto_compute, F.capacity[f]) + F.ai_revenue[f] / ai.revenue_per_gpu_month;
  if (F.ai_demand_prev[f] > 0 && demand_ai > 0) {
    const double observed = demand_ai / F.ai_demand_prev[f] - 1.0;
    F.growth_expectation[f] =
        c.expectation_weight * F.growth_expectation[f] + (1.0 - c.expectation_weight) * observed;
  }
  F.ai_demand_prev[f] = demand_ai;
  const auto lag = std::max(1, c.capex_lag_months);
  double growth_factor = 1.0;  // (1 + g)^lag by multiplication: lag is a small integer
  for (int j = 0; j < lag; ++j) growth_factor *= 1.0 + F.growth_expectation[f];
  const double expected = demand_ai * growth_factor;
  const double target_k =
      (auto_compute + expected / ai.revenue_per_gpu_month) * (1.0 + c.capacity_headroom);
  // Supply line: capacity at arrival = K + pipeline - retirements due before then.
  const double gap = target_k - (F.capacity[f] + F.pipeline_total[f] - F.retiring_window[f]);
  const double order = std::max(0.0, c.order_speed * gap);
  if (order > 0) {
    ring.ordered[f] += order;
    F.pipeline_total[f] += order;
    const double cost =
        order * env.price * static_cast<double>(life) * (1.0 + x.env.policy.compute_tax);
    // Equal instalments over `pay` months from now: the firm's instalment rate rises now and
    // falls back when the schedule ends (a difference array, O(1) per order).
    const auto pay = static_cast<std::size_t>(c.payment_months);
    const double instalment = cost / static_cast<double>(pay);
    F.payment_rate[f] += instalment;
    ring.pay_end[f] += instalment;
    F.capex_orders[f] = cost;
  }
  F.capex_payment[f] = F.payment_rate[f];
  F.opex[f] = F.capacity[f] * env.price * ai.opex_share_of_price;
  F.other_costs[f] = F.other_cost_share[f] * F.core_revenue[f];
}

/// 6. Budget constraint: when the projected cash margin falls below target, cut the most exposed
/// headcount (exposure x wage) to fund compute; AI roles are kept. capex_cut[o]: the cut.
void budget_cuts(const PlanContext& x, FirmTable& F, std::size_t f, const FirmClassParams& c,
                 sim::Stream& rng, std::vector<float>& capex_cut) {
  const auto& occs = x.m.data.occupations;
  const Model& m = x.m;
  const OccupationState& occ = x.occ;
  const double revenue = F.core_revenue[f] + F.ai_revenue[f];
  const double cash_flow =
      revenue - F.wage_bill[f] - F.capex_payment[f] - F.opex[f] - F.other_costs[f];
  // Only the squeeze that compute spending above its start share of revenue causes is funded
  // by cuts; a shortfall from weak core demand is the demand gap's business.
  const double compute_cost = F.capex_payment[f] + F.opex[f];
  const double compute_excess = compute_cost - F.compute_cost_share0[f] * revenue;
  const double shortfall = std::min(c.target_margin * revenue - cash_flow, compute_excess);
  for (std::size_t li = F.live_begin[f]; li < F.live_begin[f + 1]; ++li)
    capex_cut[F.live_occ[li]] = 0.0F;
  if (shortfall > 0) {
    double budget = std::min(shortfall, c.max_budget_cut_share * F.wage_bill[f]);
    struct Ranked {
      double key;
      std::size_t o;
      bool operator<(const Ranked& r) const { return key < r.key || (key == r.key && o < r.o); }
    };
    // The thread's scratch, grown once to the most live cells a firm has: no heap per firm.
    thread_local std::vector<Ranked> order_cells;
    order_cells.resize(
        std::max<std::size_t>(order_cells.size(), F.live_begin[f + 1] - F.live_begin[f]));
    std::size_t n_cells = 0;
    for (std::size_t li = F.live_begin[f]; li < F.live_begin[f + 1]; ++li) {
      const std::size_t o = F.live_occ[li];
      if (occs[o].ai_role || F.headcount[F.cell(f, o)] <= 0) continue;
      order_cells[n_cells++] = {-m.automatable[o] * occ.wage[o], o};
    }
    std::sort(order_cells.begin(), order_cells.begin() + static_cast<std::ptrdiff_t>(n_cells));
    for (std::size_t j = 0; j < n_cells; ++j) {
      const std::size_t o = order_cells[j].o;
      if (budget <= 0) break;
      const std::size_t cell = F.cell(f, o);
      const double w = occ.wage[o] * m.class_premium[F.firm_class[f]];
      // Random rounding keeps small firms from cutting a whole worker for a cent of shortfall.
      const double n = std::min(static_cast<double>(F.headcount[cell]),
                                rules::random_round(budget / w, rng.uniform()));
      capex_cut[o] = static_cast<float>(n);
      F.budget_freeze[cell] += static_cast<float>(n);
      budget -= n * w;
    }
  } else {
    for (std::size_t li = F.live_begin[f]; li < F.live_begin[f + 1]; ++li) {
      F.budget_freeze[F.cell(f, F.live_occ[li])] *= rules::kFreezeThaw;
    }
  }
}

/// The uniform of purpose k (0: expiry, 1: new openings) of a cell this month.
double opening_uniform(const PlanContext& x, std::size_t cell, std::uint32_t k) {
  return pass::uniform_from_word(x.opening_words(static_cast<std::uint32_t>(2 * cell) + k));
}

/// Openings left open from last month expire (are withdrawn unfilled) at rate epsilon, randomly
/// rounded per cell.
void expire_cell(const PlanContext& x, FirmTable& F, std::size_t cell) {
  const std::int32_t open = F.vacancies[cell];
  F.openings_expired[cell] = 0;
  if (open <= 0) return;
  const double eps = x.sc.labour.opening_expiry_rate;
  const auto expired = static_cast<std::int32_t>(
      std::min<double>(open, rules::random_round(eps * open, opening_uniform(x, cell, 0))));
  F.vacancies[cell] = open - expired;
  F.openings_expired[cell] = expired;
}

/// New openings (spontaneous and gap-closing, rules::new_openings), randomly rounded. They join
/// the stock after this month's matching, so they are filled from next month on. Spontaneous
/// openings replace churn, so they scale with the occupation's turnover factor.
void open_cell(const PlanContext& x, FirmTable& F, const FirmClassParams& c, std::size_t cell,
               std::size_t o) {
  const rules::NewOpenings n =
      rules::new_openings(x.m.churn_rate(x.sc.labour.spontaneous_openings_rate, o), c.hiring_speed,
                          F.headcount[cell], F.vacancies[cell], F.requirement[cell]);
  const double total = n.spontaneous + n.gap;
  F.openings_new[cell] = F.openings_spontaneous[cell] = 0;
  if (total <= 0) return;
  // One uniform for both roundings: its fractional part at 2^16 times is a second uniform,
  // independent of the first to 16 bits (enough to split a handful of openings).
  const double u = opening_uniform(x, cell, 1);
  const double opened = rules::random_round(total, u);
  const double u2 = u * 65536.0 - static_cast<double>(static_cast<std::int64_t>(u * 65536.0));
  const double spontaneous =
      n.gap > 0 ? std::min(opened, rules::random_round(opened * n.spontaneous / total, u2))
                : opened;
  F.openings_new[cell] = static_cast<std::int32_t>(opened);
  F.openings_spontaneous[cell] = static_cast<std::int32_t>(spontaneous);
}

/// 7. Per cell, in one loop: last month's openings expire; layoffs from the gap, split into
/// demand and automation by what the requirement would be with AI at its start level, capex cuts
/// on top, part of each left to attrition, held as probabilities per worker of the cell; then the
/// month's new openings. (Openings draw keyed words per cell, so the order of cells is free.) The
/// excess is H - L*, or H + V - L* when labour.layoffs_count_openings (del Rio-Chanona et al.
/// 2021).
void set_layoff_odds(const PlanContext& x, FirmTable& F, std::size_t f, const FirmClassParams& c,
                     const std::vector<float>& capex_cut) {
  const std::size_t O = x.O;
  const bool count_open = x.sc.labour.layoffs_count_openings;
  for (std::size_t li = F.live_begin[f]; li < F.live_begin[f + 1]; ++li) {
    const std::size_t o = F.live_occ[li];
    const std::size_t cell = F.cell(f, o);
    expire_cell(x, F, cell);
    const double h = F.headcount[cell];
    const double held = h + (count_open ? F.vacancies[cell] : 0);
    const double required = std::max(
        0.0, static_cast<double>(F.requirement[cell]) - F.budget_freeze[cell] + capex_cut[o]);
    F.requirement[cell] = static_cast<float>(
        std::max(0.0, static_cast<double>(F.requirement[cell]) - F.budget_freeze[cell]));
    double n_demand = 0, n_auto = 0;
    if (held > required && h > 0) {
      // Expected layoffs gamma_u x excess, as a probability per worker: no rounding strands a
      // cell's last fraction of a worker.
      const double n = std::min(h, c.layoff_speed * (held - required));
      const double excess_demand =
          std::max(0.0, held - std::max(required, static_cast<double>(F.requirement_no_ai[cell])));
      n_demand = n * excess_demand / (held - required);
      n_auto = n - n_demand;
    }
    double n_capex = std::min<double>(capex_cut[o], std::max(0.0, h - n_demand - n_auto));
    // Layoff costs turn part of the excess into attrition.
    n_demand *= x.demand_kept;
    n_auto *= x.ai_kept[F.firm_class[f] * O + o];
    n_capex *= x.ai_kept[F.firm_class[f] * O + o];
    F.odds[cell] = CellOdds{quantise_probability(F.adoption[cell]),
                            quantise_probability(h > 0 ? n_demand / h : 0.0),
                            quantise_probability(h > 0 ? n_auto / h : 0.0),
                            quantise_probability(h > 0 ? n_capex / h : 0.0)};
    open_cell(x, F, c, cell, o);
  }
}

/// One firm's plan for the month.
void plan_firm(const PlanContext& x, FirmTable& F, std::size_t f) {
  const auto& c = x.sc.firms[F.firm_class[f]].value;
  for (std::size_t r = 0; r < kLayoffReasons; ++r) F.layoffs[f * kLayoffReasons + r] = 0;
  F.discharges[f] = 0;
  F.arrivals[f] = F.retirements[f] = F.capex_orders[f] = F.capex_payment[f] = F.opex[f] = 0;
  F.core_revenue[f] = F.ai_demand[f] = F.ai_revenue[f] = F.other_costs[f] = 0;
  const double used_last_month = F.compute_used[f];
  F.compute_used[f] = F.incident_cost[f] = F.cash_change[f] = 0;
  F.incident[f] = 0;
  if (F.active[f] == 0) return;  // a closed firm's opening counts were cleared when it closed
  if (F.exiting[f] != 0) {
    // Exit: every worker is laid off (reason firm_exit) in this month's pass; open openings are
    // withdrawn (counted as expired).
    for (std::size_t o = 0; o < x.O; ++o) {
      const std::size_t cell = F.cell(f, o);
      F.requirement[cell] = F.requirement_no_ai[cell] = 0;
      F.odds[cell] = CellOdds{};
      F.openings_new[cell] = F.openings_spontaneous[cell] = 0;
      F.openings_expired[cell] = F.vacancies[cell];
      F.vacancies[cell] = 0;
    }
    return;
  }
  const Slots& ring = x.slots[F.firm_class[f]];
  advance_capacity(F, f, ring);
  sim::Stream rng(x.key.seed, x.key.replication, static_cast<std::uint32_t>(x.env.month),
                  stream::kFirmPlan, static_cast<std::uint32_t>(f));
  const double scale = firm_revenue(x, F, f, rng);
  const double auto_compute = plan_requirements(x, F, f, c, scale, used_last_month);
  serve_and_order(x, F, f, c, ring, auto_compute);
  // By occupation, the thread's scratch; only live cells are written and read.
  thread_local std::vector<float> capex_cut;
  capex_cut.resize(std::max(capex_cut.size(), F.occupations));
  budget_cuts(x, F, f, c, rng, capex_cut);
  set_layoff_odds(x, F, f, c, capex_cut);
}

}  // namespace

void plan_firms(const Model& m, DrawKey key, const Environment& env, const OccupationState& occ,
                FirmTable& F) {
  const PlanContext x = plan_context(m, key, env, occ, F);
  sim::for_each_index(F.size(), kFirmGrain, [&](std::size_t f) { plan_firm(x, F, f); });
}

void plan_firms_reference(const Model& m, DrawKey key, const Environment& env,
                          const OccupationState& occ, FirmTable& F) {
  const PlanContext x = plan_context(m, key, env, occ, F);
  for (std::size_t f = 0; f < F.size(); ++f) plan_firm(x, F, f);
}

}  // namespace labourshift::models
