// labourshift sweep DESIGN.toml: a grid, a Latin hypercube or a Sobol (Saltelli) design over
// scenario parameters, replications per point under common random numbers (every point runs the
// same seeds), one HDF5 file with the points, the outputs per point and replication and, for a
// Sobol design, first-order and total indices with bootstrap intervals; a CSV beside it
// (docs/sweeps.md). Every problem of the design is reported before the first run (exit 2).
#include "analysis/calibration.hpp"
#include "analysis/sensitivity.hpp"
#include "cli/commands.hpp"
#include "cli/format.hpp"
#include "cli/mpi.hpp"
#include "models/csv.hpp"
#include "models/labour_market.hpp"
#include "models/scenario.hpp"
#include "sim/calendar.hpp"
#include "sim/error.hpp"
#include "sim/h5.hpp"
#include "sim/runner.hpp"

#include <toml++/toml.h>

#include <unistd.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace labourshift::cli {

namespace {

namespace fs = std::filesystem;
using sim::InputError;

struct Parameter {
  std::string key;
  std::vector<double> values;  ///< grid: the values; lhs/sobol: {lower, upper}
  bool integer = false;
};

/// An output: /series/NAME averaged over the months of one calendar year (NAME:YYYY) or of the
/// whole run (NAME), then over replications; at US scale.
struct Output {
  std::string text, name;
  int year = 0;  ///< 0: the whole run
};

struct DesignFile {
  std::string path, scenario, method;
  std::size_t samples = 0;
  std::int64_t replications = 0, seed = -1, months = 0;
  std::vector<Parameter> parameters;
  std::vector<Output> outputs;
};

std::string where(const std::string& file, const toml::node& node) {
  return file + ":" + std::to_string(node.source().begin.line);
}

/// [lo, hi] of a parameter's declared range ("[0.0, 1.0]"), or false.
bool declared_range(const sim::ParamInfo& p, double& lo, double& hi) {
  return std::sscanf(p.range.c_str(), "[%lf, %lf]", &lo, &hi) == 2;
}

DesignFile read_design(const std::string& path) {
  DesignFile d;
  d.path = path;
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw InputError(path + ":" + std::to_string(e.source().begin.line) + ": " +
                     std::string(e.description()));
  } catch (const std::exception&) {
    throw InputError(path + ": cannot read the sweep design");
  }
  std::vector<std::string> errors;
  const auto text = [&](const char* key, std::string& out, bool required) {
    const auto* n = t.get(key);
    if (n == nullptr) {
      if (required) errors.push_back(path + ": `" + key + "` is missing");
      return;
    }
    if (const auto* s = n->as_string()) {
      out = s->get();
    } else {
      errors.push_back(where(path, *n) + ": " + key + " must be a quoted string");
    }
  };
  const auto integer = [&](const char* key, std::int64_t& out, std::int64_t lo, std::int64_t hi) {
    const auto* n = t.get(key);
    if (n == nullptr) return;
    const auto* v = n->as_integer();
    if (v == nullptr || v->get() < lo || v->get() > hi) {
      errors.push_back(where(path, *n) + ": " + key + " must be a whole number from " +
                       std::to_string(lo) + " to " + std::to_string(hi));
      return;
    }
    out = v->get();
  };
  text("scenario", d.scenario, true);
  text("method", d.method, true);
  if (!d.method.empty() && d.method != "grid" && d.method != "lhs" && d.method != "sobol")
    errors.push_back(path + ": method = \"" + d.method + "\" is not allowed: grid | lhs | sobol");
  std::int64_t samples = 0;
  integer("samples", samples, 1, 100000);
  d.samples = static_cast<std::size_t>(samples);
  if (d.method != "grid" && d.samples == 0)
    errors.push_back(path + ": `samples` is missing (lhs: points; sobol: base samples N)");
  integer("replications", d.replications, 1, 10000);
  integer("seed", d.seed, 0, std::numeric_limits<std::int64_t>::max());
  integer("months", d.months, 1, 1200);
  for (auto&& [k, v] : t) {
    const std::string key(k.str());
    if (key != "scenario" && key != "method" && key != "samples" && key != "replications" &&
        key != "seed" && key != "months" && key != "outputs" && key != "parameters")
      errors.push_back(where(path, v) + ": unknown key '" + key +
                       "'; allowed: scenario, method, samples, replications, seed, months, "
                       "outputs, [parameters]");
  }
  if (!d.scenario.empty() && fs::path(d.scenario).is_relative())
    d.scenario = (fs::path(path).parent_path() / d.scenario).lexically_normal().string();
  // Outputs.
  if (const auto* arr = t.get_as<toml::array>("outputs")) {
    for (const auto& n : *arr) {
      const auto* s = n.as_string();
      if (s == nullptr) {
        errors.push_back(where(path, n) +
                         ": outputs must be strings, e.g. \"unemployment_rate:2030\"");
        continue;
      }
      Output o{s->get(), s->get(), 0};
      if (const auto colon = o.text.find(':'); colon != std::string::npos) {
        o.name = o.text.substr(0, colon);
        try {
          o.year = std::stoi(o.text.substr(colon + 1));
        } catch (const std::exception&) {
          errors.push_back(where(path, n) + ": output \"" + o.text +
                           "\": expected NAME or NAME:YYYY (a calendar year of the run)");
        }
      }
      d.outputs.push_back(o);
    }
  }
  if (d.outputs.empty()) errors.push_back(path + ": `outputs` is missing or empty");
  // Parameters, checked against the scenario schema.
  const auto* params = t.get_as<toml::table>("parameters");
  if (params == nullptr || params->empty())
    errors.push_back(path + ": [parameters] is missing or empty");
  const auto infos = models::scenario_schema().params();
  if (params != nullptr) {
    for (auto&& [k, v] : *params) {
      Parameter p{std::string(k.str()), {}, false};
      const sim::ParamInfo* info = nullptr;
      for (const auto& i : infos)
        if (i.key == p.key) info = &i;
      if (info == nullptr) {
        errors.push_back(where(path, v) + ": parameters." + p.key +
                         ": no such scenario parameter "
                         "(labourshift describe lists them)");
        continue;
      }
      if (info->type != "real" && info->type != "integer") {
        errors.push_back(where(path, v) + ": parameters." + p.key + " is a " + info->type +
                         "; a sweep varies real and integer parameters");
        continue;
      }
      p.integer = info->type == "integer";
      const auto* arr = v.as_array();
      if (arr != nullptr)
        for (const auto& e : *arr)
          if (auto x = e.value<double>()) p.values.push_back(*x);
      const bool ranged = d.method != "grid";
      if (arr == nullptr || p.values.size() != arr->size() || (ranged && p.values.size() != 2) ||
          p.values.empty() || (ranged && !(p.values[0] < p.values[1]))) {
        errors.push_back(
            where(path, v) + ": parameters." + p.key +
            (ranged ? " must be [lower, upper] with lower < upper" : " must be a list of values"));
        continue;
      }
      double lo = 0, hi = 0;
      if (declared_range(*info, lo, hi)) {
        for (double x : p.values) {
          if (x < lo || x > hi) {
            errors.push_back(where(path, v) + ": parameters." + p.key + " = " +
                             sim::format_number(x) + " is out of range: allowed " + info->range);
            break;
          }
        }
      }
      d.parameters.push_back(std::move(p));
    }
  }
  if (!errors.empty()) {
    std::string all = errors.front();
    for (std::size_t i = 1; i < errors.size(); ++i) all += "\n" + errors[i];
    throw InputError(all);
  }
  return d;
}

/// x with `significant` digits (%g).
std::string digits(double x, int significant) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.*g", significant, x);
  return buf;
}

std::string setting(const Parameter& p, double x) {
  if (p.integer) return p.key + "=" + std::to_string(std::llround(x));
  std::string v = digits(x, 17);
  if (v.find_first_of(".eEn") == std::string::npos) v += ".0";  // a TOML float
  return p.key + "=" + v;
}

}  // namespace

int cmd_sweep(const std::string& design_path, const std::string& out_path, bool overwrite) {
  const DesignFile d = read_design(design_path);
  const std::size_t k = d.parameters.size();
  // The points.
  std::vector<std::vector<double>> points;
  analysis::Design unit;
  if (d.method == "grid") {
    std::vector<std::size_t> idx(k, 0);
    while (true) {
      std::vector<double> p;
      for (std::size_t i = 0; i < k; ++i) p.push_back(d.parameters[i].values[idx[i]]);
      points.push_back(p);
      std::size_t i = 0;
      while (i < k && ++idx[i] == d.parameters[i].values.size()) idx[i++] = 0;
      if (i == k) break;
    }
  } else {
    const std::uint64_t seed = static_cast<std::uint64_t>(d.seed >= 0 ? d.seed : 1);
    unit = d.method == "lhs" ? analysis::latin_hypercube(d.samples, k, seed)
                             : analysis::saltelli(d.samples, k, seed);
    for (std::size_t r = 0; r < unit.rows; ++r) {
      std::vector<double> p;
      for (std::size_t i = 0; i < k; ++i) {
        const auto& v = d.parameters[i].values;
        p.push_back(v[0] + unit.at(r, i) * (v[1] - v[0]));
      }
      points.push_back(p);
    }
  }
  // An integer parameter runs at its rounded value, and the file says so.
  for (auto& p : points)
    for (std::size_t i = 0; i < k; ++i)
      if (d.parameters[i].integer) p[i] = std::round(p[i]);
  // Everything that can fail on input fails now, before the first run.
  std::vector<sim::Setting> options;
  const sim::Origin origin{design_path, 0};
  if (d.replications > 0)
    options.push_back({"run.replications", sim::Value{d.replications}, origin});
  if (d.seed >= 0) options.push_back({"run.seed", sim::Value{d.seed}, origin});
  if (d.months > 0) options.push_back({"run.months", sim::Value{d.months}, origin});
  auto scenario_at = [&](const std::vector<double>& p) {
    std::vector<std::string> sets;
    for (std::size_t i = 0; i < k; ++i) sets.push_back(setting(d.parameters[i], p[i]));
    return models::load_scenario(d.scenario, sets, options);
  };
  const models::Scenario first = scenario_at(points.front());
  const auto probe = models::Model::build(first);
  std::vector<std::size_t> offsets;
  std::vector<double> scales;
  const auto [y0, m0] = models::start_year_month(first);
  for (const Output& o : d.outputs) {
    const sim::MetricSpec* spec = probe->layout.find("series", o.name);
    if (spec == nullptr)
      throw InputError(design_path + ": output \"" + o.text + "\": no /series/" + o.name);
    const int last_year = y0 + (m0 - 1 + first.run.months - 1) / 12;
    if (o.year != 0 && (o.year < y0 || o.year > last_year))
      throw InputError(design_path + ": output \"" + o.text + "\": the run covers " +
                       std::to_string(y0) + " to " + std::to_string(last_year));
    offsets.push_back(spec->offset);
    scales.push_back(spec->us_factor());
  }
  const std::string csv_path = fs::path(out_path).replace_extension(".csv").string();
  for (const std::string& p : {out_path, csv_path}) {
    if (fs::exists(fs::symlink_status(p)) && !overwrite)
      throw InputError(p + " exists; pass --overwrite to replace it (the sweep writes " + out_path +
                       " and " + csv_path + ")");
  }
  const std::size_t P = points.size(), Q = d.outputs.size();
  const auto R = static_cast<std::size_t>(first.run.replications);
  std::vector<double> by_rep(P * R * Q, std::numeric_limits<double>::quiet_NaN()), mean(P * Q, 0);
  // Each output's monthly series, mean over replications, per point: [point x month] per series.
  const auto M = static_cast<std::size_t>(first.run.months);
  std::vector<std::string> series_names;
  std::vector<std::size_t> series_of(Q);
  for (std::size_t q = 0; q < Q; ++q) {
    const auto it = std::find(series_names.begin(), series_names.end(), d.outputs[q].name);
    series_of[q] = static_cast<std::size_t>(it - series_names.begin());
    if (it == series_names.end()) series_names.push_back(d.outputs[q].name);
  }
  std::vector<std::vector<double>> series(series_names.size(), std::vector<double>(P * M, 0.0));
  // Progress on a terminal only (a log gets no carriage-return lines), from rank 0.
  const bool progress = ranks().rank == 0 && isatty(fileno(stderr)) != 0;
  for (std::size_t pt = 0; pt < P; ++pt) {
    if (!mine(pt)) continue;  // under mpirun: another rank's point
    if (progress) std::fprintf(stderr, "\rsweep: point %zu of %zu", pt + 1, P);
    const auto model = models::Model::build(scenario_at(points[pt]));
    sim::EnsembleOptions o;
    o.replications = model->scenario.run.replications;
    o.months = model->scenario.run.months;
    o.keep_events = false;
    const auto res = sim::run_ensemble(
        [&](std::uint32_t r) { return std::make_unique<models::LabourMarket>(model, r); },
        model->layout, o, nullptr);
    const std::size_t W = model->layout.size();
    for (std::size_t q = 0; q < Q; ++q) {
      if (std::find(series_of.begin(), series_of.begin() + static_cast<std::ptrdiff_t>(q),
                    series_of[q]) == series_of.begin() + static_cast<std::ptrdiff_t>(q)) {
        auto& s = series[series_of[q]];
        for (std::size_t m = 0; m < M; ++m) {
          double sum = 0;
          for (std::size_t r = 0; r < R; ++r) sum += res.values[r][m * W + offsets[q]];
          s[pt * M + m] = scales[q] * sum / static_cast<double>(R);
        }
      }
      for (std::size_t r = 0; r < R; ++r) {
        double sum = 0;
        int n = 0;
        for (int m = 0; m < o.months; ++m) {
          const int year = y0 + (m0 - 1 + m) / 12;
          if (d.outputs[q].year != 0 && year != d.outputs[q].year) continue;
          sum += res.values[r][static_cast<std::size_t>(m) * W + offsets[q]];
          ++n;
        }
        by_rep[(pt * R + r) * Q + q] = scales[q] * sum / n;
        mean[pt * Q + q] += scales[q] * sum / n / static_cast<double>(R);
      }
    }
  }
  gather_points(by_rep, R * Q);
  gather_points(mean, Q);
  for (auto& s : series) gather_points(s, M);
  if (ranks().rank != 0) return 0;  // rank 0 writes
  if (progress) std::fprintf(stderr, "\n");
  // The file: written beside the destination, renamed at the end.
  const std::string partial = out_path + ".partial";
  {
    h5::File f = h5::File::create(partial);
    auto root = f.root();
    root.set_attr("design", design_path);
    root.set_attr("method", d.method);
    root.set_attr("scenario", d.scenario);
    root.set_attr("replications", static_cast<std::int64_t>(R));
    root.set_attr("seed", first.run.seed);
    root.set_attr("samples", static_cast<std::int64_t>(d.samples));
    std::vector<std::string> keys, outs;
    for (const auto& p : d.parameters) keys.push_back(p.key);
    for (const auto& o : d.outputs) outs.push_back(o.text);
    root.write_strings("parameter", keys);
    root.write_strings("output", outs);
    std::vector<double> flat;
    for (const auto& p : points) flat.insert(flat.end(), p.begin(), p.end());
    auto ds = root.create_dataset("points", {P, k}, {}, 0.0);
    ds.write({0, 0}, {P, k}, flat.data());
    ds.set_attr("unit", std::string("parameter value"));
    ds.set_attr("description", std::string("the design's points: [point x parameter]"));
    auto mo = root.create_dataset("outputs", {P, Q}, {}, 0.0);
    mo.write({0, 0}, {P, Q}, mean.data());
    mo.set_attr("unit", std::string("US scale (persons, USD) or share"));
    mo.set_attr("description",
                std::string("each output, mean over replications: [point x output]"));
    auto br = root.create_dataset("outputs_by_replication", {P, R, Q}, {}, 0.0);
    br.write({0, 0, 0}, {P, R, Q}, by_rep.data());
    br.set_attr("unit", std::string("as /outputs"));
    br.set_attr("description", std::string("[point x replication x output]"));
    auto sg = root.create_group("point_series");
    for (std::size_t i = 0; i < series_names.size(); ++i) {
      auto x = sg.create_dataset(series_names[i], {P, M}, {}, 0.0);
      x.write({0, 0}, {P, M}, series[i].data());
      x.set_attr("unit", std::string("as /series/") + series_names[i] + " of a run, at US scale");
      x.set_attr("description", std::string("each point's monthly series, mean over replications: "
                                            "[point x month], month 1 = ") +
                                    first.run.start);
    }
    if (d.method == "sobol") {
      auto g = root.create_group("sensitivity");
      std::printf(
          "Sobol indices (Saltelli 2010 first order, Jansen total; 95%% bootstrap "
          "intervals), N = %zu, %zu runs of %zu replications\n",
          d.samples, P, R);
      std::vector<analysis::SobolIndices> indices;  // per output
      for (std::size_t q = 0; q < Q; ++q) {
        std::vector<double> y(P);
        for (std::size_t pt = 0; pt < P; ++pt) y[pt] = mean[pt * Q + q];
        const auto& idx = indices.emplace_back(analysis::sobol_indices(y, d.samples, k, 7));
        std::printf("\n%s\n  %-44s %-24s %-24s\n", d.outputs[q].text.c_str(), "parameter",
                    "first order", "total");
        for (std::size_t i = 0; i < k; ++i) {
          const auto& a = idx.first[i];
          const auto& b = idx.total[i];
          std::printf("  %-44s %5.2f [%5.2f, %5.2f]       %5.2f [%5.2f, %5.2f]\n",
                      d.parameters[i].key.c_str(), a.value, a.lo, a.hi, b.value, b.lo, b.hi);
        }
      }
      // One [output x parameter] dataset per kind of index and per field (estimate, bounds).
      using Kind = std::vector<analysis::SobolIndex> analysis::SobolIndices::*;
      auto put = [&](const char* name, Kind kind, double analysis::SobolIndex::*field,
                     const char* what) {
        std::vector<double> v;
        for (const auto& idx : indices)
          for (const auto& x : idx.*kind) v.push_back(x.*field);
        auto x = g.create_dataset(name, {Q, k}, {}, 0.0);
        x.write({0, 0}, {Q, k}, v.data());
        x.set_attr("unit", std::string("share of variance"));
        x.set_attr("description", std::string(what) + ": [output x parameter]");
      };
      using analysis::SobolIndex, analysis::SobolIndices;
      put("first_order", &SobolIndices::first, &SobolIndex::value,
          "first-order Sobol index (Saltelli et al. 2010)");
      put("first_order_lo", &SobolIndices::first, &SobolIndex::lo,
          "2.5% bootstrap quantile of the first-order index");
      put("first_order_hi", &SobolIndices::first, &SobolIndex::hi,
          "97.5% bootstrap quantile of the first-order index");
      put("total", &SobolIndices::total, &SobolIndex::value, "total Sobol index (Jansen)");
      put("total_lo", &SobolIndices::total, &SobolIndex::lo,
          "2.5% bootstrap quantile of the total index");
      put("total_hi", &SobolIndices::total, &SobolIndex::hi,
          "97.5% bootstrap quantile of the total index");
    }
    f.close();
  }
  fs::rename(partial, out_path);
  // The CSV: parameters x outputs, one row per point.
  const std::string& csv = csv_path;
  std::ofstream c(csv);
  c << "point";
  for (const auto& p : d.parameters) c << "," << p.key;
  for (const auto& o : d.outputs) c << "," << o.text;
  c << "\n";
  for (std::size_t pt = 0; pt < P; ++pt) {
    c << pt;
    for (double x : points[pt]) c << "," << digits(x, 10);
    for (std::size_t q = 0; q < Q; ++q) c << "," << digits(mean[pt * Q + q], 10);
    c << "\n";
  }
  std::fprintf(stderr, "wrote %s and %s (%zu points x %zu replications)\n", out_path.c_str(),
               csv.c_str(), P, R);
  return 0;
}

namespace {

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, ',')) {
    while (!cell.empty() && (cell.back() == '\r' || cell.back() == ' ')) cell.pop_back();
    while (!cell.empty() && cell.front() == ' ') cell.erase(cell.begin());
    out.push_back(cell);
  }
  return out;
}

}  // namespace

int cmd_moments(const std::string& calibration, const std::string& rows_path,
                const std::string& out_path, bool overwrite) {
  if (!out_path.empty() && out_path != "-" && fs::exists(fs::symlink_status(out_path)) &&
      !overwrite)
    throw InputError(out_path + " exists; pass --overwrite to replace it");
  const analysis::CalibrationSpec spec = analysis::load_calibration(calibration);
  const std::string name = rows_path == "-" ? std::string("stdin") : rows_path;
  std::ifstream file;
  if (rows_path != "-") {
    file.open(rows_path);
    if (!file) throw InputError(rows_path + ": no such file (expected a CSV of parameter rows)");
  }
  std::istream& in = rows_path == "-" ? std::cin : file;
  // The header names the calibration's parameters, in any order; every row gives each a value.
  std::string line;
  if (!std::getline(in, line)) throw InputError(name + ": empty; expected a header of parameters");
  const std::vector<std::string> header = split_csv_line(line);
  std::string keys;
  for (const auto& p : spec.parameters) keys += (keys.empty() ? "" : ", ") + p.key;
  std::vector<std::size_t> column(spec.parameters.size(), header.size());
  for (std::size_t c = 0; c < header.size(); ++c) {
    bool known = false;
    for (std::size_t i = 0; i < spec.parameters.size(); ++i) {
      if (header[c] == spec.parameters[i].key) {
        column[i] = c;
        known = true;
      }
    }
    if (!known)
      throw InputError(name + ":1: column '" + header[c] + "' is not a parameter of " +
                       calibration + "; its parameters: " + keys);
  }
  for (std::size_t i = 0; i < column.size(); ++i)
    if (column[i] == header.size())
      throw InputError(name + ":1: no column for " + spec.parameters[i].key);
  // Every row is read and checked before the first run.
  const models::Scenario base = models::load_scenario(spec.scenario);
  std::vector<std::vector<double>> rows;
  for (std::size_t n = 2; std::getline(in, line); ++n) {
    if (line.empty() || line == "\r") continue;
    const std::vector<std::string> cells = split_csv_line(line);
    if (cells.size() != header.size())
      throw InputError(name + ":" + std::to_string(n) + ": " + std::to_string(cells.size()) +
                       " values for " + std::to_string(header.size()) + " columns");
    std::vector<double> x(spec.parameters.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
      const std::string& t = cells[column[i]];
      char* end = nullptr;
      x[i] = std::strtod(t.c_str(), &end);
      if (t.empty() || end != t.c_str() + t.size() || !std::isfinite(x[i]))
        throw InputError(name + ":" + std::to_string(n) + ": " + spec.parameters[i].key + " = '" +
                         t + "' is not a number");
    }
    try {
      (void)analysis::calibration_scenario(spec, base, x);
    } catch (const InputError& e) {
      throw InputError(name + ":" + std::to_string(n) + ": " + e.what());
    }
    rows.push_back(std::move(x));
  }
  std::ostringstream csv;
  csv << "row";
  for (const auto& p : spec.parameters) csv << "," << p.key;
  for (const auto& t : spec.moments) csv << "," << t.id;
  csv << "\n";
  // Under mpirun each rank evaluates its rows and rank 0 gathers them.
  const std::size_t M = spec.moments.size();
  std::vector<double> all(rows.size() * M, 0.0);
  const bool tty = isatty(fileno(stderr)) != 0 && ranks().rank == 0;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (!mine(r)) continue;
    if (tty) std::fprintf(stderr, "\rmoments: row %zu of %zu", r + 1, rows.size());
    const std::vector<double> m = analysis::evaluate(spec, base, rows[r]);
    std::copy(m.begin(), m.end(), all.begin() + static_cast<std::ptrdiff_t>(r * M));
  }
  gather_points(all, M);
  if (ranks().rank != 0) return 0;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    csv << r + 1;
    for (double x : rows[r]) csv << "," << digits(x, 17);
    for (std::size_t j = 0; j < M; ++j) csv << "," << digits(all[r * M + j], 17);
    csv << "\n";
  }
  if (tty) std::fprintf(stderr, "\n");
  if (out_path.empty() || out_path == "-") {
    std::fputs(csv.str().c_str(), stdout);
  } else {
    std::ofstream(out_path) << csv.str();
  }
  return 0;
}

}  // namespace labourshift::cli
