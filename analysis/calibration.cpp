#include "analysis/calibration.hpp"

#include "models/csv.hpp"
#include "models/scenario.hpp"
#include "sim/error.hpp"

#include <toml++/toml.h>
#include <unistd.h>
#include <Eigen/Dense>
#include <boost/math/special_functions/gamma.hpp>
#include <nlopt.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

namespace labourshift::analysis {

using sim::InputError;
namespace fs = std::filesystem;

namespace {

std::string where(const std::string& file, const toml::node& node) {
  return file + ":" + std::to_string(node.source().begin.line);
}

double number(const std::string& file, const std::string& key, const toml::node& node) {
  if (const auto* d = node.as_floating_point()) return d->get();
  if (const auto* i = node.as_integer()) return static_cast<double>(i->get());
  throw InputError(where(file, node) + ": " + key + " must be a number");
}

std::int64_t integer(const std::string& file, const std::string& key, const toml::node& node,
                     std::int64_t lo, std::int64_t hi) {
  const auto* i = node.as_integer();
  if (i == nullptr)
    throw InputError(where(file, node) + ": " + key + " must be an integer in [" +
                     std::to_string(lo) + ", " + std::to_string(hi) + "]");
  if (i->get() < lo || i->get() > hi) {
    throw InputError(where(file, node) + ": " + key + " = " + std::to_string(i->get()) +
                     " is out of range: allowed [" + std::to_string(lo) + ", " +
                     std::to_string(hi) + "]");
  }
  return i->get();
}

std::string text(const std::string& file, const std::string& key, const toml::node& node) {
  const auto* s = node.as_string();
  if (s == nullptr) throw InputError(where(file, node) + ": " + key + " must be a quoted string");
  return s->get();
}

/// An indicator: the offsets of the entries it sums (one or more terms joined by '+').
using Offsets = std::vector<std::size_t>;

/// Per-replication value of a statistic over months [a, b] (1-based): the indicator is the sum
/// of its entries; `scale` (persons per agent) turns a total_us into US persons and dollars.
double statistic(const Target& t, const std::vector<double>& v, std::size_t stride,
                 const Offsets& num, const Offsets& den, double scale) {
  auto at = [&](int month, const Offsets& offs) {
    double x = 0;
    for (const std::size_t off : offs) x += v[static_cast<std::size_t>(month - 1) * stride + off];
    return x;
  };
  auto window_sum = [&](int a, int b, const Offsets& offs) {
    double s = 0;
    for (int m = a; m <= b; ++m) s += at(m, offs);
    return s;
  };
  const int a = t.from_month, b = t.to_month, n = b - a + 1;
  if (t.statistic == "mean") return window_sum(a, b, num) / n;
  if (t.statistic == "total_us") return window_sum(a, b, num) * scale;
  if (t.statistic == "change") return at(b, num) - at(a, num);
  if (t.statistic == "ratio") {
    const double d = window_sum(a, b, den);
    return d != 0 ? window_sum(a, b, num) / d : 0.0;
  }
  if (t.statistic == "growth") {
    const double before = window_sum(a - n, a - 1, num);
    return before != 0 ? window_sum(a, b, num) / before - 1.0 : 0.0;
  }
  // end_growth
  const double first = at(a, num);
  return first != 0 ? at(b, num) / first - 1.0 : 0.0;
}

/// Offset of one term: series/NAME, or GROUP/NAME/ENTRY for by_class (a class), by_occupation
/// (an occupation id) and by_firm (a named firm); npos when there is no such output.
std::size_t term_offset(const models::Model& m, const std::string& term) {
  const auto slash = term.find('/');
  if (slash == std::string::npos) return sim::MetricLayout::npos;
  const std::string group = term.substr(0, slash);
  std::string name = term.substr(slash + 1);
  if (group == "series") return m.layout.offset_of("series", name);
  const auto second = name.find('/');
  if (second == std::string::npos) return sim::MetricLayout::npos;
  const std::string entry = name.substr(second + 1);
  name = name.substr(0, second);
  std::vector<std::string> labels;
  if (group == "by_class") labels = m.class_names;
  if (group == "by_occupation")
    for (const auto& o : m.data.occupations) labels.push_back(o.id);
  if (group == "by_firm")
    for (const auto& f : m.firm_data.named) labels.push_back(f.name);
  const std::size_t base =
      labels.empty() ? sim::MetricLayout::npos : m.layout.offset_of(group, name);
  const auto it = std::find(labels.begin(), labels.end(), entry);
  if (base == sim::MetricLayout::npos || it == labels.end()) return sim::MetricLayout::npos;
  return base + static_cast<std::size_t>(it - labels.begin());
}

/// The offsets of an indicator's terms ("a+b+c"); empty when a term does not exist.
Offsets indicator_offsets(const models::Model& m, const std::string& indicator) {
  Offsets out;
  std::size_t begin = 0;
  while (begin <= indicator.size()) {
    const std::size_t end = std::min(indicator.find('+', begin), indicator.size());
    const std::size_t off = term_offset(m, indicator.substr(begin, end - begin));
    if (off == sim::MetricLayout::npos) return {};
    out.push_back(off);
    begin = end + 1;
  }
  return out;
}

/// Each target's statistic in one replication's values.
std::vector<double> replication_statistics(const models::Model& model,
                                           const std::vector<double>& values,
                                           const std::vector<Target>& targets) {
  std::vector<double> out;
  for (const auto& t : targets) {
    const Offsets num = indicator_offsets(model, t.indicator);
    const Offsets den =
        t.statistic == "ratio" ? indicator_offsets(model, t.denominator) : Offsets{};
    out.push_back(statistic(t, values, model.layout.size(), num, den, model.persons_per_agent));
  }
  return out;
}

}  // namespace

models::Scenario calibration_scenario(const CalibrationSpec& spec, const models::Scenario& base,
                                      const std::vector<double>& x) {
  models::Scenario s = base;
  std::vector<sim::Setting> settings;
  for (std::size_t i = 0; i < spec.parameters.size(); ++i) {
    settings.push_back({spec.parameters[i].key, sim::Value{x[i]}, sim::Origin{spec.file, 0}});
  }
  settings.push_back(
      {"run.months", sim::Value{static_cast<std::int64_t>(spec.months)}, {spec.file, 0}});
  settings.push_back({"run.replications",
                      sim::Value{static_cast<std::int64_t>(spec.replications)},
                      {spec.file, 0}});
  settings.push_back({"run.seed", sim::Value{spec.seed}, {spec.file, 0}});
  if (spec.workers > 0)
    settings.push_back({"population.workers", sim::Value{spec.workers}, {spec.file, 0}});
  models::scenario_schema().apply(s, settings);
  models::validate(s);
  return s;
}

namespace {

std::string format(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", x);
  std::string s = buf;
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  return s;
}

}  // namespace

/// A whole cell as a month number (1-based), or an InputError naming the place, field and value.
int target_month(const std::string& at, const char* field, const std::string& cell) {
  int x = 0;
  const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), x);
  if (ec != std::errc() || end != cell.data() + cell.size()) {
    throw InputError(at + ": " + field + " = '" + cell +
                     "' is not allowed: expected a whole month number");
  }
  return x;
}

/// A whole cell as a finite number, or an InputError naming the place, field and value.
double target_number(const std::string& at, const char* field, const std::string& cell) {
  double x = 0;
  const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), x);
  if (ec != std::errc() || end != cell.data() + cell.size() || !std::isfinite(x)) {
    throw InputError(at + ": " + field + " = '" + cell +
                     "' is not allowed: expected a finite number");
  }
  return x;
}

std::vector<Target> load_targets(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path + ": no such targets file");
  std::vector<Target> out;
  std::string line;
  std::size_t n = 0;
  std::vector<std::string> header;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    const auto cells = models::split_csv_line(line);
    if (header.empty()) {
      header = cells;
      const std::vector<std::string> expected = {"id",          "indicator",  "statistic",
                                                 "denominator", "from_month", "to_month",
                                                 "value",       "se",         "source"};
      if (header != expected)
        throw InputError(path + ":" + std::to_string(n) +
                         ": expected the columns "
                         "id,indicator,statistic,denominator,from_month,to_month,value,se,source");
      continue;
    }
    if (cells.size() != header.size()) {
      throw InputError(path + ":" + std::to_string(n) + ": expected " +
                       std::to_string(header.size()) + " columns");
    }
    Target t;
    t.id = cells[0];
    t.indicator = cells[1];
    t.statistic = cells[2];
    t.denominator = cells[3];
    const std::string at = path + ":" + std::to_string(n);
    t.from_month = target_month(at, "from_month", cells[4]);
    t.to_month = target_month(at, "to_month", cells[5]);
    t.value = target_number(at, "value", cells[6]);
    t.se = target_number(at, "se", cells[7]);
    t.source = cells[8];
    const std::vector<std::string> stats = {"mean",       "ratio",  "growth",
                                            "end_growth", "change", "total_us"};
    if (std::find(stats.begin(), stats.end(), t.statistic) == stats.end()) {
      throw InputError(
          path + ":" + std::to_string(n) + ": statistic '" + t.statistic +
          "' is not allowed: expected mean | ratio | growth | end_growth | change | total_us");
    }
    if (t.se <= 0) throw InputError(path + ":" + std::to_string(n) + ": se must be positive");
    if (t.from_month < 1 || t.to_month < t.from_month) {
      throw InputError(path + ":" + std::to_string(n) +
                       ": months must satisfy 1 <= from_month <= to_month");
    }
    if (t.statistic == "growth" && t.from_month - (t.to_month - t.from_month + 1) < 1) {
      throw InputError(path + ":" + std::to_string(n) +
                       ": growth needs as many months before from_month as in the window");
    }
    out.push_back(std::move(t));
  }
  if (out.empty()) throw InputError(path + ": no targets");
  return out;
}

CalibrationSpec load_calibration(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw InputError(path + ": no such calibration file");
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw InputError(path + ":" + std::to_string(e.source().begin.line) +
                     ": TOML syntax error: " + std::string(e.description()));
  }
  CalibrationSpec spec;
  spec.file = path;
  const fs::path folder = fs::path(path).parent_path();
  const std::vector<std::string> keys = {"scenario", "targets", "replications",    "months",
                                         "workers",  "seed",    "max_evaluations", "global_share",
                                         "starts",   "output",  "parameters"};
  for (const auto& [k, node] : table) {
    const std::string key(k.str());
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      std::string msg = where(path, node) + ": unknown key '" + key + "'";
      const std::string near = sim::nearest_key(key, keys);
      if (!near.empty()) msg += "; did you mean '" + near + "'?";
      throw InputError(msg);
    }
    if (key == "scenario")
      spec.scenario = (folder / text(path, key, node)).lexically_normal().string();
    if (key == "targets")
      spec.targets = (folder / text(path, key, node)).lexically_normal().string();
    if (key == "output") spec.output = text(path, key, node);
    if (key == "replications")
      spec.replications = static_cast<int>(integer(path, key, node, 1, 1000));
    if (key == "months") spec.months = static_cast<int>(integer(path, key, node, 1, 1200));
    if (key == "workers") spec.workers = integer(path, key, node, 10, 2000000000);
    if (key == "seed")
      spec.seed = integer(path, key, node, 0, std::numeric_limits<std::int64_t>::max());
    if (key == "max_evaluations")
      spec.max_evaluations = static_cast<int>(integer(path, key, node, 2, 1000000));
    if (key == "starts") spec.starts = static_cast<int>(integer(path, key, node, 1, 1000));
    if (key == "global_share") {
      spec.global_share = number(path, key, node);
      if (spec.global_share < 0 || spec.global_share > 1) {
        throw InputError(where(path, node) + ": global_share must be in [0, 1]");
      }
    }
  }
  if (spec.scenario.empty()) throw InputError(path + ": missing key 'scenario'");
  if (spec.targets.empty()) throw InputError(path + ": missing key 'targets'");
  const models::Scenario base = models::load_scenario(spec.scenario);
  const auto* params = table["parameters"].as_table();
  if (params == nullptr || params->empty()) {
    throw InputError(path +
                     ": needs [parameters.\"<scenario key>\"] tables with lower and upper bounds");
  }
  for (const auto& [k, node] : *params) {
    const std::string key(k.str());
    const auto* p = node.as_table();
    if (p == nullptr)
      throw InputError(where(path, node) + ": parameters.\"" + key +
                       "\" must be a table with lower, upper");
    FreeParameter fp;
    fp.key = key;
    bool has_lower = false, has_upper = false, has_start = false;
    for (const auto& [pk, pn] : *p) {
      const std::string name(pk.str());
      if (name == "lower") {
        fp.lower = number(path, name, pn);
        has_lower = true;
      } else if (name == "upper") {
        fp.upper = number(path, name, pn);
        has_upper = true;
      } else if (name == "start") {
        fp.start = number(path, name, pn);
        has_start = true;
      } else {
        throw InputError(where(path, pn) + ": unknown key '" + name + "' in parameters.\"" + key +
                         "\"; allowed: lower, upper, start");
      }
    }
    if (!has_lower || !has_upper)
      throw InputError(where(path, node) + ": parameters.\"" + key + "\" needs lower and upper");
    if (!(fp.lower < fp.upper)) {
      throw InputError(where(path, node) + ": parameters.\"" + key + "\": lower = " +
                       format(fp.lower) + " is not below upper = " + format(fp.upper));
    }
    // The key must be a real scenario parameter, and both bounds inside its declared range:
    // applying them through the schema gives the same errors a scenario file would.
    models::Scenario probe = base;
    for (double v : {fp.lower, fp.upper}) {
      models::scenario_schema().apply(probe,
                                      {{key, sim::Value{v}, sim::Origin{where(path, node), 0}}});
    }
    if (!has_start) fp.start = 0.5 * (fp.lower + fp.upper);
    spec.parameters.push_back(fp);
  }
  spec.moments = load_targets(spec.targets);
  const auto model = models::Model::build(calibration_scenario(spec, base, [&] {
    std::vector<double> x;
    for (const auto& p : spec.parameters) x.push_back(p.start);
    return x;
  }()));
  for (const auto& t : spec.moments) {
    if (indicator_offsets(*model, t.indicator).empty()) {
      throw InputError(spec.targets + ": target '" + t.id + "': indicator '" + t.indicator +
                       "' does not exist (series/NAME, by_class/NAME/CLASS, "
                       "by_occupation/NAME/OCCUPATION_ID or by_firm/NAME/FIRM, joined by '+'; "
                       "see docs/outputs.md)");
    }
    if (t.statistic == "ratio" && indicator_offsets(*model, t.denominator).empty()) {
      throw InputError(spec.targets + ": target '" + t.id + "': denominator '" + t.denominator +
                       "' does not exist");
    }
    if (t.to_month > spec.months) {
      throw InputError(spec.targets + ": target '" + t.id + "' needs month " +
                       std::to_string(t.to_month) + " but the calibration simulates " +
                       std::to_string(spec.months));
    }
  }
  return spec;
}

std::vector<double> simulated_moments(const models::Model& model, const sim::EnsembleResult& result,
                                      const std::vector<Target>& targets) {
  std::vector<double> out(targets.size(), 0.0);
  for (const auto& v : result.values) {
    const std::vector<double> s = replication_statistics(model, v, targets);
    for (std::size_t k = 0; k < s.size(); ++k) out[k] += s[k];
  }
  for (double& x : out) x /= static_cast<double>(result.values.size());
  return out;
}

std::vector<double> evaluate(const CalibrationSpec& spec, const models::Scenario& base,
                             const std::vector<double>& x, const EvaluationRanks* ranks) {
  const auto model = models::Model::build(calibration_scenario(spec, base, x));
  sim::EnsembleOptions o;
  o.replications = spec.replications;
  o.months = spec.months;
  const bool spread = ranks != nullptr && ranks->size > 1;
  if (spread) {
    o.stride = ranks->size;
    o.offset = ranks->rank;
  }
  const auto result = sim::run_ensemble(
      [&](std::uint32_t r) { return std::make_unique<models::LabourMarket>(model, r); },
      model->layout, o, nullptr);
  if (!spread) return simulated_moments(*model, result, spec.moments);
  // Each replication's statistics, from the process that ran it; then the mean in replication
  // order, as simulated_moments takes it.
  const std::size_t K = spec.moments.size(), R = result.values.size();
  std::vector<double> stats(R * K, 0.0);
  for (std::size_t r = ranks->rank; r < R; r += ranks->size) {
    const std::vector<double> s = replication_statistics(*model, result.values[r], spec.moments);
    std::copy(s.begin(), s.end(), stats.begin() + static_cast<std::ptrdiff_t>(r * K));
  }
  ranks->sum_all(stats);
  std::vector<double> out;
  for (std::size_t k = 0; k < K; ++k) {
    double sum = 0;
    for (std::size_t r = 0; r < R; ++r) sum += stats[r * K + k];
    out.push_back(sum / static_cast<double>(R));
  }
  return out;
}

Inference infer(const CalibrationSpec& spec, const std::vector<double>& best,
                const std::vector<double>& m,
                const std::function<std::vector<double>(const std::vector<double>&)>& evaluate_at) {
  const std::size_t P = spec.parameters.size(), K = spec.moments.size();
  const double noise = 1.0 + 1.0 / static_cast<double>(std::max(1, spec.replications));
  Inference out;
  double j = 0;
  for (std::size_t k = 0; k < K; ++k) {
    const double z = (m[k] - spec.moments[k].value) / spec.moments[k].se;
    j += z * z;
  }
  out.j = j / noise;
  out.df = static_cast<int>(K) - static_cast<int>(P);
  out.p = out.df > 0 && std::isfinite(out.j) ? boost::math::gamma_q(0.5 * out.df, 0.5 * out.j)
                                             : std::numeric_limits<double>::quiet_NaN();
  out.jacobian.assign(K * P, 0.0);
  out.at_bound.assign(P, false);
  for (std::size_t p = 0; p < P; ++p) {
    const FreeParameter& fp = spec.parameters[p];
    const double range = fp.upper - fp.lower;
    out.at_bound[p] = best[p] - fp.lower < 0.01 * range || fp.upper - best[p] < 0.01 * range;
    const double h = 0.05 * range;
    std::vector<double> lo = best, hi = best;
    hi[p] = std::min(fp.upper, best[p] + h);
    lo[p] = std::max(fp.lower, best[p] - h);
    const std::vector<double> mh = evaluate_at(hi), ml = evaluate_at(lo);
    for (std::size_t k = 0; k < K; ++k) out.jacobian[k * P + p] = (mh[k] - ml[k]) / (hi[p] - lo[p]);
  }
  // W^1/2 D: each moment's row scaled by 1 / (se_k sqrt(1 + 1/S)).
  Eigen::MatrixXd D(static_cast<Eigen::Index>(K), static_cast<Eigen::Index>(P));
  for (std::size_t k = 0; k < K; ++k) {
    for (std::size_t p = 0; p < P; ++p) {
      D(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(p)) =
          out.jacobian[k * P + p] / (spec.moments[k].se * std::sqrt(noise));
    }
  }
  out.se.assign(P, std::numeric_limits<double>::quiet_NaN());
  if (P == 0 || !D.allFinite()) return out;
  const Eigen::JacobiSVD<Eigen::MatrixXd> svd(D);
  const auto& sv = svd.singularValues();
  const double top = sv.size() > 0 ? sv(0) : 0.0;
  for (Eigen::Index i = 0; i < sv.size(); ++i) out.rank += sv(i) > 1e-8 * top ? 1 : 0;
  out.condition = sv.size() > 0 && sv(sv.size() - 1) > 0 ? top / sv(sv.size() - 1)
                                                         : std::numeric_limits<double>::infinity();
  if (out.rank < static_cast<int>(P)) return out;  // not identified locally: no standard errors
  const Eigen::MatrixXd cov = (D.transpose() * D).inverse();
  for (std::size_t p = 0; p < P; ++p)
    out.se[p] = std::sqrt(cov(static_cast<Eigen::Index>(p), static_cast<Eigen::Index>(p)));
  return out;
}

CalibrationResult calibrate(const CalibrationSpec& spec, bool quiet, const EvaluationRanks* ranks) {
  // Progress is redrawn in place on a terminal; in a log (stderr not a terminal) there is
  // nothing but the final table on stdout. Under MPI only rank 0 reports and writes.
  const bool root = ranks == nullptr || ranks->rank == 0;
  quiet = quiet || ::isatty(::fileno(stderr)) == 0 || !root;
  const auto started = std::chrono::steady_clock::now();
  const models::Scenario base = models::load_scenario(spec.scenario);
  const std::size_t n = spec.parameters.size();
  std::ostringstream log;
  log << "evaluation,stage";
  for (const auto& p : spec.parameters) log << "," << p.key;
  for (const auto& t : spec.moments) log << "," << t.id;
  log << ",objective\n";
  CalibrationResult best;
  best.objective = std::numeric_limits<double>::infinity();
  std::string stage = "global";
  int evaluations = 0;
  double start_j = std::numeric_limits<double>::infinity();  // the current local search's best
  std::vector<double> start_x;
  // One row of evaluations.csv: the count, the stage, parameters, moments and objective.
  auto log_evaluation = [&](const std::vector<double>& x, const std::vector<double>& m,
                            const std::string& objective) {
    ++evaluations;
    log << evaluations << "," << stage;
    for (double v : x) log << "," << format(v);
    for (double v : m) log << "," << format(v);
    log << "," << objective << "\n";
  };
  // The optimiser works on [0, 1]^n; parameters are mapped linearly onto their bounds.
  auto to_params = [&](const std::vector<double>& u) {
    std::vector<double> x(n);
    for (std::size_t i = 0; i < n; ++i) {
      x[i] = spec.parameters[i].lower +
             std::clamp(u[i], 0.0, 1.0) * (spec.parameters[i].upper - spec.parameters[i].lower);
    }
    return x;
  };
  auto objective = [&](const std::vector<double>& u) {
    const std::vector<double> x = to_params(u);
    const std::vector<double> m = evaluate(spec, base, x, ranks);
    double j = 0;
    for (std::size_t k = 0; k < m.size(); ++k) {
      const double z = (m[k] - spec.moments[k].value) / spec.moments[k].se;
      j += z * z;
    }
    log_evaluation(x, m, format(j));
    // A moment the model could not compute (NaN or infinite) makes the point unusable, never
    // "best".
    if (!std::isfinite(j)) j = std::numeric_limits<double>::infinity();
    if (j < start_j) {
      start_j = j;
      start_x = x;
    }
    if (j < best.objective) {
      best.objective = j;
      best.best = x;
      best.moments = m;
    }
    if (!quiet) {
      std::fprintf(stderr, "\r%s evaluation %d: J = %.4g (best %.4g)   ", stage.c_str(),
                   evaluations, j, best.objective);
    }
    return j;
  };
  using Fn = decltype(objective);
  auto trampoline = [](const std::vector<double>& u, std::vector<double>&, void* data) {
    return (*static_cast<Fn*>(data))(u);
  };
  std::vector<double> u(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& p = spec.parameters[i];
    u[i] = (p.start - p.lower) / (p.upper - p.lower);
  }
  const int global_budget = static_cast<int>(std::lround(spec.global_share * spec.max_evaluations));
  double value = 0;
  if (global_budget > 0) {
    // CRS2 draws its population and mutations from NLopt's global generator, which is seeded
    // from the clock unless set: seed it from the calibration so that a rerun repeats the fit.
    nlopt::srand(static_cast<unsigned long>(spec.seed));
    nlopt::opt global(nlopt::GN_CRS2_LM, static_cast<unsigned>(n));
    global.set_lower_bounds(std::vector<double>(n, 0.0));
    global.set_upper_bounds(std::vector<double>(n, 1.0));
    global.set_min_objective(trampoline, &objective);
    global.set_maxeval(global_budget);
    global.set_population(static_cast<unsigned>(std::max<std::size_t>(10 * (n + 1), 8)));
    try {
      (void)global.optimize(u, value);
    } catch (const std::exception&) {
      // A stop short of the budget (roundoff, forced stop) keeps the best point found.
    }
  }
  stage = "local";
  if (!best.best.empty()) {
    for (std::size_t i = 0; i < n; ++i) {
      const auto& p = spec.parameters[i];
      u[i] = (best.best[i] - p.lower) / (p.upper - p.lower);
    }
  }
  const int local_budget = spec.max_evaluations - evaluations;
  const int starts = std::max(1, spec.starts);
  // Starting points 2.. are uniform in [0, 1]^n from the calibration's seed: the same on every
  // rank and in every rerun.
  std::mt19937_64 draw(static_cast<std::uint64_t>(spec.seed) ^ 0x5eedf00dULL);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int s = 0; s < starts && local_budget > 0; ++s) {
    stage = starts == 1 ? "local" : "local" + std::to_string(s + 1);
    std::vector<double> from = u;
    if (s > 0)
      for (auto& v : from) v = unit(draw);
    start_j = std::numeric_limits<double>::infinity();
    start_x.clear();
    const int budget = local_budget / starts + (s < local_budget % starts ? 1 : 0);
    if (budget <= 0) continue;
    nlopt::opt local(nlopt::LN_BOBYQA, static_cast<unsigned>(n));
    local.set_lower_bounds(std::vector<double>(n, 0.0));
    local.set_upper_bounds(std::vector<double>(n, 1.0));
    local.set_min_objective(trampoline, &objective);
    local.set_maxeval(budget);
    local.set_xtol_rel(1e-4);
    local.set_initial_step(0.05);
    try {
      (void)local.optimize(from, value);
    } catch (const std::exception&) {
    }
    if (!start_x.empty()) {
      best.start_objective.push_back(start_j);
      best.start_best.push_back(start_x);
    }
  }
  if (!quiet) std::fprintf(stderr, "\n");
  if (best.best.empty()) {
    throw std::runtime_error(
        "no evaluation gave a finite objective: the model's moments were NaN or infinite "
        "at all " +
        std::to_string(evaluations) + " points tried");
  }
  // Inference at the estimate: 2P more evaluations for the Jacobian, logged as stage "jacobian".
  stage = "jacobian";
  best.inference = infer(spec, best.best, best.moments, [&](const std::vector<double>& x) {
    const std::vector<double> m = evaluate(spec, base, x, ranks);
    log_evaluation(x, m, "");  // no objective: the Jacobian's points
    return m;
  });
  best.evaluations = evaluations;
  best.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!root) return best;

  // The fit table.
  std::ostringstream fit;
  fit << "target,value,se,simulated,error_in_se,within_2se,source\n";
  std::printf("\n%-30s %12s %10s %12s %10s\n", "target", "value", "se", "simulated", "error/se");
  for (std::size_t k = 0; k < spec.moments.size(); ++k) {
    const auto& t = spec.moments[k];
    const double z = (best.moments[k] - t.value) / t.se;
    std::printf("%-30s %12.5g %10.4g %12.5g %10.2f%s\n", t.id.c_str(), t.value, t.se,
                best.moments[k], z, std::fabs(z) <= 2 ? "" : "  (outside 2 se)");
    fit << t.id << "," << format(t.value) << "," << format(t.se) << "," << format(best.moments[k])
        << "," << format(z) << "," << (std::fabs(z) <= 2 ? "yes" : "no") << ",\"" << t.source
        << "\"\n";
  }
  const Inference& inf = best.inference;
  std::printf("objective J = %.4g after %d evaluations in %.1f s\n", best.objective,
              best.evaluations, best.seconds);
  if (inf.df > 0) {
    std::printf("J test: J / (1 + 1/S) = %.4g with %d degrees of freedom (S = %d), p = %.3g\n",
                inf.j, inf.df, spec.replications, inf.p);
  } else {
    std::printf("J test: none (%zu moments for %zu parameters: %s)\n", spec.moments.size(), n,
                inf.df == 0 ? "just identified" : "under-identified");
  }
  std::printf("Jacobian of the moments: rank %d of %zu, condition number %.3g\n", inf.rank, n,
              inf.condition);
  for (std::size_t i = 0; i < n; ++i) {
    std::printf("  %s = %.6g (se %.3g)%s\n", spec.parameters[i].key.c_str(), best.best[i],
                inf.se[i], inf.at_bound[i] ? "  at a bound" : "");
  }
  const std::size_t S = best.start_best.size();
  if (S > 1) {
    const auto [jlo, jhi] =
        std::minmax_element(best.start_objective.begin(), best.start_objective.end());
    std::printf(
        "%zu local searches: their optima have J from %.4g to %.4g; each parameter's range "
        "over them:\n",
        S, *jlo, *jhi);
    for (std::size_t i = 0; i < n; ++i) {
      double lo = best.start_best[0][i], hi = lo;
      for (const auto& x : best.start_best) {
        lo = std::min(lo, x[i]);
        hi = std::max(hi, x[i]);
      }
      std::printf("  %s: %.6g to %.6g\n", spec.parameters[i].key.c_str(), lo, hi);
    }
  }

  if (!spec.output.empty()) {
    const fs::path dir(spec.output);
    fs::create_directories(dir);
    std::ofstream(dir / "evaluations.csv") << log.str();
    std::ofstream(dir / "fit.csv") << fit.str();
    std::ofstream starts_csv(dir / "starts.csv");
    starts_csv << "start,objective";
    for (const auto& p : spec.parameters) starts_csv << "," << p.key;
    starts_csv << "\n";
    for (std::size_t s = 0; s < S; ++s) {
      starts_csv << s + 1 << "," << format(best.start_objective[s]);
      for (double v : best.start_best[s]) starts_csv << "," << format(v);
      starts_csv << "\n";
    }
    std::ofstream est(dir / "inference.csv");
    est << "parameter,estimate,se,lower,upper,at_bound\n";
    for (std::size_t i = 0; i < n; ++i) {
      const auto& p = spec.parameters[i];
      est << p.key << "," << format(best.best[i]) << "," << format(inf.se[i]) << ","
          << format(p.lower) << "," << format(p.upper) << "," << (inf.at_bound[i] ? "yes" : "no")
          << "\n";
    }
    est << "# J (corrected by 1 + 1/S) = " << format(inf.j) << ", df = " << inf.df
        << ", p = " << format(inf.p) << "; Jacobian rank " << inf.rank << " of " << n
        << ", condition number " << format(inf.condition) << "\n";
    // Each moment's local sensitivity: dm_k / dtheta_p, and in standard errors of the moment
    // per 10% of the parameter's range.
    std::ofstream id(dir / "identification.csv");
    id << "moment,parameter,derivative,se_per_tenth_of_range\n";
    for (std::size_t k = 0; k < spec.moments.size(); ++k) {
      for (std::size_t i = 0; i < n; ++i) {
        const double d = inf.jacobian[k * n + i];
        const auto& p = spec.parameters[i];
        id << spec.moments[k].id << "," << p.key << "," << format(d) << ","
           << format(d * 0.1 * (p.upper - p.lower) / spec.moments[k].se) << "\n";
      }
    }
    // The calibrated scenario extends the uncalibrated one and sets the fitted parameters.
    std::map<std::string, std::vector<std::string>> tables;
    for (std::size_t i = 0; i < n; ++i) {
      const std::string& key = spec.parameters[i].key;
      const auto dot = key.rfind('.');
      tables[key.substr(0, dot)].push_back(key.substr(dot + 1) + " = " + format(best.best[i]));
    }
    std::ofstream toml(dir / "calibrated.toml");
    toml << "# Calibrated by the method of simulated moments:\n#   labourshift calibrate "
         << spec.file << "\n# objective J = " << format(best.objective) << " after "
         << best.evaluations << " evaluations (" << format(std::round(best.seconds))
         << " s); fit in fit.csv, every evaluation in evaluations.csv.\n"
         << "extends = \"" << fs::relative(fs::absolute(spec.scenario), fs::absolute(dir)).string()
         << "\"\n";
    for (const auto& [table, lines] : tables) {
      toml << "\n[" << table << "]\n";
      for (const auto& l : lines) toml << l << "\n";
    }
  }
  return best;
}

}  // namespace labourshift::analysis
