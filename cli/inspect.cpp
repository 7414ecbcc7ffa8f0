// labourshift inspect: what an output file holds, without Python. Root attributes, whether the
// run completed, every dataset with its shape and unit, and headline numbers.
#include "cli/commands.hpp"
#include "cli/format.hpp"
#include "cli/us_scale.hpp"

#include "sim/error.hpp"
#include "sim/h5.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace h5 = labourshift::h5;
using labourshift::sim::InputError;

namespace {

struct Entry {
  std::string path;
  std::vector<h5::hsize> shape;
  std::string unit;
};

/// Walk a group (sorted), collecting every dataset. Uses the raw identifier for the object type,
/// which the h5 layer does not wrap.
void collect(const h5::Group& g, std::vector<Entry>& out) {
  for (const auto& name : g.list()) {
    const std::string path = (g.path() == "/" ? "/" : g.path() + "/") + name;
    const h5::hid o = H5Oopen(g.id(), name.c_str(), H5P_DEFAULT);
    if (o < 0) continue;  // dangling link
    const H5I_type_t type = H5Iget_type(o);
    H5Oclose(o);
    if (type == H5I_GROUP) {
      collect(g.open_group(name), out);
    } else if (type == H5I_DATASET) {
      const h5::Dataset d = g.open_dataset(name);
      Entry e{path, d.shape(), ""};
      if (d.has_attr("unit")) {
        try {
          e.unit = d.attr_string("unit");
          if (d.has_attr("us_scale") && d.has_attr("us_unit")) {
            const std::string us = d.attr_string("us_unit");
            e.unit += us == e.unit ? " (x us_scale)" : " (x us_scale = " + us + ")";
          }
        } catch (const h5::Error&) {
          e.unit = "?";
        }
      }
      out.push_back(std::move(e));
    }
  }
}

herr_t collect_attr(hid_t /*obj*/, const char* name, const H5A_info_t* /*info*/, void* data) {
  static_cast<std::vector<std::string>*>(data)->push_back(name);
  return 0;
}

std::string shape_text(const std::vector<h5::hsize>& s) {
  if (s.empty()) return "scalar";
  std::string t = "[";
  for (std::size_t i = 0; i < s.size(); ++i) t += (i ? " x " : "") + std::to_string(s[i]);
  return t + "]";
}

std::string join_numbers(const std::vector<double>& v, bool integer) {
  std::string t = v.size() == 1 ? "" : "[";
  char buf[64];
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (integer) {
      std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v[i]));
    } else {
      std::snprintf(buf, sizeof buf, "%.6g", v[i]);
    }
    t += (i ? ", " : "") + std::string(buf);
  }
  return v.size() == 1 ? t : t + "]";
}

/// The value of a root attribute as text, whatever its type.
std::string attr_text(const h5::Group& root, const std::string& name) {
  const hid_t a = H5Aopen(root.id(), name.c_str(), H5P_DEFAULT);
  if (a < 0) return "?";
  const hid_t t = H5Aget_type(a);
  const H5T_class_t cls = H5Tget_class(t);
  H5Tclose(t);
  H5Aclose(a);
  try {
    if (cls == H5T_STRING) return root.attr_string(name);
    if (cls == H5T_INTEGER) {
      const auto v = root.attr_ints(name);
      return join_numbers(std::vector<double>(v.begin(), v.end()), true);
    }
    if (cls == H5T_FLOAT) return join_numbers(root.attr_doubles(name), false);
  } catch (const h5::Error&) {
  }
  return "(unprintable)";
}

using labourshift::cli::month_label;

/// Whole numbers with thousands separators; two decimals when there is a fraction.
std::string grouped(double x) {
  const std::string s = labourshift::cli::with_commas(x, 2);
  return s.size() > 3 && s.compare(s.size() - 3, 3, ".00") == 0 ? s.substr(0, s.size() - 3) : s;
}

/// A [replication x month] series.
struct Series {
  std::vector<double> v;
  std::string unit;  ///< at US scale where the file gives us_scale
  std::size_t reps = 0, months = 0;
  bool ok = false;

  /// Mean over replications of the finite values at month index m.
  double month_mean(std::size_t m) const {
    double sum = 0;
    int n = 0;
    for (std::size_t r = 0; r < reps; ++r) {
      const double x = v[r * months + m];
      if (std::isfinite(x)) {
        sum += x;
        ++n;
      }
    }
    return n ? sum / n : NAN;
  }
  /// Sum over the finite months of each replication, mean over replications.
  double total() const {
    double sum = 0;
    for (std::size_t r = 0; r < reps; ++r) {
      for (std::size_t m = 0; m < months; ++m) {
        const double x = v[r * months + m];
        if (std::isfinite(x)) sum += x;
      }
    }
    return reps ? sum / static_cast<double>(reps) : NAN;
  }
};

Series read_series(const h5::Group& root, const std::string& name) {
  Series s;
  const std::string p = "series/" + name;
  if (!root.exists(p)) return s;
  const auto shape = root.shape(p);
  if (shape.size() != 2) return s;
  s.reps = shape[0];
  s.months = shape[1];
  auto us = labourshift::cli::read_us_scale(root, p);
  s.v = std::move(us.values);
  s.unit = std::move(us.unit);
  s.ok = s.v.size() == s.reps * s.months && s.reps > 0 && s.months > 0;
  return s;
}

}  // namespace

int cmd_inspect(const std::string& path) {
  labourshift::cli::require_hdf5_file(path);
  h5::File file = h5::File::open_read(path);
  const h5::Group root = file.root();
  if (!root.exists("series")) {
    throw InputError(path + ": not a labourshift output file (no /series group)");
  }

  std::vector<std::string> attrs;
  hsize_t idx = 0;
  H5Aiterate2(root.id(), H5_INDEX_NAME, H5_ITER_INC, &idx, collect_attr, &attrs);
  std::sort(attrs.begin(), attrs.end());

  const std::string scenario = root.has_attr("scenario") ? root.attr_string("scenario") : "?";
  const std::string start = root.has_attr("start_month") ? root.attr_string("start_month") : "";
  const std::int64_t months = root.has_attr("months") ? root.attr_int("months") : 0;
  const bool complete = root.has_attr("complete") && root.attr_int("complete") == 1;
  std::vector<std::int64_t> done;
  if (root.has_attr("months_completed")) done = root.attr_ints("months_completed");

  std::printf("%s: labourshift output, scenario %s\n", path.c_str(), scenario.c_str());
  std::string done_text;
  for (std::size_t i = 0; i < done.size(); ++i)
    done_text += (i ? ", " : "") + std::to_string(done[i]);
  if (complete) {
    std::printf("complete: yes, %lld months in each of %zu replication(s)\n",
                static_cast<long long>(months), done.size());
  } else {
    std::printf("complete: NO (interrupted run): months completed per replication %s of %lld\n",
                done_text.c_str(), static_cast<long long>(months));
  }

  std::printf("\nroot attributes\n");
  for (const auto& a : attrs) std::printf("  %-20s %s\n", a.c_str(), attr_text(root, a).c_str());

  std::vector<Entry> entries;
  collect(root, entries);
  std::size_t width = 0;
  for (const auto& e : entries) width = std::max(width, e.path.size());
  std::printf("\ndatasets (%zu)\n", entries.size());
  for (const auto& e : entries) {
    std::printf("  %-*s  %-16s %s\n", static_cast<int>(width), e.path.c_str(),
                shape_text(e.shape).c_str(), e.unit.empty() ? "-" : e.unit.c_str());
  }

  const Series u = read_series(root, "unemployment_rate");
  const Series lt = read_series(root, "long_term_unemployment_share");
  const Series lay = read_series(root, "layoffs");
  const Series lay_ai = read_series(root, "layoffs_ai");
  const Series hires = read_series(root, "hires");
  std::int64_t last = u.ok ? static_cast<std::int64_t>(u.months) : 0;
  if (!done.empty()) last = std::min(last, *std::min_element(done.begin(), done.end()));
  std::printf("\nheadline (mean over %zu replication(s))\n", u.reps);
  if (!u.ok || last <= 0) {
    std::printf("  no month completed in every replication\n");
    return 0;
  }
  auto pct = [&](const Series& s, const char* what) {
    if (!s.ok) return;
    for (std::int64_t m : {std::int64_t{1}, last}) {
      const std::string label = std::string(what) + ", month " + std::to_string(m) + " (" +
                                month_label(start, static_cast<int>(m - 1)) + ")";
      std::printf("  %-44s %.4f%%\n", label.c_str(),
                  100.0 * s.month_mean(static_cast<std::size_t>(m - 1)));
    }
  };
  pct(u, "unemployment rate");
  pct(lt, "long-term share");
  // Totals in whole persons (agents x persons per agent, a mean over replications); a file
  // without us_scale gives its own unit.
  auto persons = [](const Series& s, const char* what) {
    if (!s.ok) return;
    std::string unit = s.unit;
    if (const auto at = unit.find("/month"); at != std::string::npos) unit.erase(at);
    std::printf("  %-52s %s\n", (std::string(what) + ", total over the run (" + unit + ")").c_str(),
                labourshift::cli::with_commas(s.total(), 0).c_str());
  };
  persons(lay, "layoffs");
  persons(lay_ai, "AI-attributed layoffs");
  persons(hires, "hires");
  std::printf(
      "  (counts in persons: the file's agents x persons_per_agent %s; rates and shares need "
      "no scaling)\n",
      root.has_attr("persons_per_agent") ? grouped(root.attr_double("persons_per_agent")).c_str()
                                         : "(not in this file: counts are agents)");
  return 0;
}
