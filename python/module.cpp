// The `labourshift` Python module (pybind11): run a scenario in memory and get labelled arrays
// back, without writing a file.
//
//   import labourshift
//   runs = labourshift.run("scenarios/baseline_2025.toml", overrides={"policy.ui_months": 18},
//                          replications=3, seed=7)
//   runs["series"].unemployment_rate        # an xarray.Dataset per group, at US scale
//   labourshift.describe()                   # the parameter table
//
// Bad input raises labourshift.InputError (a ValueError) with the message the command line
// prints. The simulation runs without the GIL.
#include "models/labour_market.hpp"
#include "models/memory.hpp"
#include "models/scenario.hpp"
#include "sim/calendar.hpp"
#include "sim/error.hpp"
#include "sim/params.hpp"
#include "sim/runner.hpp"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <map>
#include <string>
#include <vector>

namespace py = pybind11;
namespace ls = labourshift;

namespace {

/// A Python value as the TOML literal `--set key=value` takes.
std::string literal(const py::handle& v, const std::string& key) {
  if (py::isinstance<py::bool_>(v)) return v.cast<bool>() ? "true" : "false";
  if (py::isinstance<py::int_>(v))
    return ls::sim::toml_literal(ls::sim::Value{v.cast<std::int64_t>()});
  if (py::isinstance<py::float_>(v)) return ls::sim::toml_literal(ls::sim::Value{v.cast<double>()});
  if (py::isinstance<py::str>(v))
    return ls::sim::toml_literal(ls::sim::Value{v.cast<std::string>()});
  throw ls::sim::InputError("overrides[\"" + key + "\"] = " + py::repr(v).cast<std::string>() +
                            ": expected a bool, int, float or str");
}

/// One group of the result as an xarray.Dataset: replication x month (x axis) arrays, at US scale
/// where the metric scales, with unit and description attributes.
py::object group_dataset(const ls::models::Model& model, const ls::sim::EnsembleResult& r,
                         const std::string& group, const py::dict& attrs) {
  py::module_ xr = py::module_::import("xarray");
  py::module_ np = py::module_::import("numpy");
  const auto& layout = model.layout;
  const std::size_t R = r.values.size();
  const auto M = static_cast<std::size_t>(model.scenario.run.months);
  py::dict data_vars, coords;
  std::string axis;
  for (const auto& spec : layout.specs()) {
    if (spec.group != group) continue;
    axis = spec.axis;
    const std::size_t W = spec.width;
    std::vector<py::ssize_t> shape = {static_cast<py::ssize_t>(R), static_cast<py::ssize_t>(M)};
    if (!spec.scalar) shape.push_back(static_cast<py::ssize_t>(W));
    py::array_t<double> a(shape);
    double* out = a.mutable_data();
    const double k = spec.us_factor();
    for (std::size_t rep = 0; rep < R; ++rep)
      for (std::size_t m = 0; m < M; ++m)
        for (std::size_t j = 0; j < W; ++j)
          out[(rep * M + m) * W + j] = k * r.values[rep][m * layout.size() + spec.offset + j];
    py::dict va;
    va["unit"] = spec.us_scale > 0 ? spec.us_unit : spec.unit;
    va["description"] = spec.description;
    py::tuple dims = spec.scalar ? py::make_tuple("replication", "month")
                                 : py::make_tuple("replication", "month", spec.axis);
    data_vars[py::str(spec.name)] = py::make_tuple(dims, a, va);
  }
  std::vector<std::int64_t> reps(R), numbers(M);
  std::vector<std::string> dates(M);
  for (std::size_t i = 0; i < R; ++i) reps[i] = static_cast<std::int64_t>(i);
  for (std::size_t m = 0; m < M; ++m) {
    numbers[m] = static_cast<std::int64_t>(m) + 1;
    dates[m] = ls::sim::month_label(model.scenario.run.start, static_cast<int>(m)) + "-01";
  }
  coords["replication"] = py::cast(reps);
  coords["month"] = np.attr("array")(py::cast(dates), "datetime64[ns]");
  coords["month_number"] = py::make_tuple("month", py::cast(numbers));
  if (!axis.empty()) {
    const ls::sim::Axis& ax = layout.axis_named(axis);
    coords[py::str(axis)] = ax.labels.empty() ? py::cast(ax.values) : py::cast(ax.labels);
    if (!ax.names.empty())
      coords[py::str(axis + "_name")] = py::make_tuple(axis, py::cast(ax.names));
  }
  return xr.attr("Dataset")(data_vars, coords, attrs);
}

py::dict run(const std::string& scenario, const py::dict& overrides, py::object replications,
             py::object seed, py::object months, py::object threads) {
  std::vector<std::string> sets;
  for (const auto& [k, v] : overrides) {
    const auto key = py::str(k).cast<std::string>();
    sets.push_back(key + "=" + literal(v, key));
  }
  std::vector<ls::sim::Setting> options;
  auto option = [&](const py::object& v, const char* key, const char* name) {
    if (v.is_none()) return;
    options.push_back(
        {key, ls::sim::Value{v.cast<std::int64_t>()},
         ls::sim::Origin{std::string(name) + "=" + py::repr(v).cast<std::string>(), 0}});
  };
  option(replications, "run.replications", "replications");
  option(seed, "run.seed", "seed");
  option(months, "run.months", "months");
  const int n_threads = threads.is_none() ? tbb::info::default_concurrency() : threads.cast<int>();
  if (n_threads < 1 || n_threads > 1024)
    throw ls::sim::InputError("threads=" + std::to_string(n_threads) + ": expected 1 to 1024");
  const ls::models::Scenario sc = ls::models::load_scenario(scenario, sets, options);
  const auto model = ls::models::Model::build(sc);
  ls::models::check_memory(*model, n_threads, scenario);
  ls::sim::EnsembleResult result;
  {
    py::gil_scoped_release free;
    tbb::global_control control(tbb::global_control::max_allowed_parallelism,
                                static_cast<std::size_t>(n_threads));
    ls::sim::EnsembleOptions o;
    o.replications = sc.run.replications;
    o.months = sc.run.months;
    o.keep_events = false;
    result = ls::sim::run_ensemble(
        [&](std::uint32_t r) { return std::make_unique<ls::models::LabourMarket>(model, r); },
        model->layout, o, nullptr);
  }
  py::dict attrs;
  attrs["scenario"] = sc.run.name;
  attrs["start_month"] = sc.run.start;
  attrs["seed"] = sc.run.seed;
  attrs["replications"] = sc.run.replications;
  attrs["months"] = sc.run.months;
  attrs["workers"] = sc.population.workers;
  attrs["persons_per_agent"] = model->persons_per_agent;
  attrs["represented_persons"] = sc.population.represented_persons;
  attrs["scenario_toml"] = ls::models::to_toml(sc);
  py::dict out;
  for (const char* g : {"series", "by_occupation", "by_class"})
    out[g] = group_dataset(*model, result, g, attrs);
  return out;
}

py::list describe() {
  py::list rows;
  for (const auto& p : ls::models::scenario_schema().params()) {
    py::dict d;
    d["key"] = p.key;
    d["type"] = p.type;
    d["default"] = p.default_text;
    d["unit"] = p.unit;
    d["range"] = p.range;
    d["description"] = p.description;
    d["source"] = p.source;
    rows.append(d);
  }
  return rows;
}

}  // namespace

PYBIND11_MODULE(labourshift, m) {
  m.doc() = "labourshift: run a scenario in memory; results as xarray Datasets at US scale";
  py::register_exception<ls::sim::InputError>(m, "InputError", PyExc_ValueError);
  m.def("run", &run, py::arg("scenario"), py::arg("overrides") = py::dict(),
        py::arg("replications") = py::none(), py::arg("seed") = py::none(),
        py::arg("months") = py::none(), py::arg("threads") = py::none(),
        "Run a scenario file (with --set-style overrides) in memory. Returns {'series', "
        "'by_occupation', 'by_class'}: xarray Datasets [replication x month (x axis)], counts in "
        "persons and money in US dollars at run-start prices. Raises InputError (a ValueError) "
        "for bad input, with the command line's message.");
  m.def("describe", &describe,
        "Every scenario parameter: key, type, default, unit, range, "
        "description, source.");
}
