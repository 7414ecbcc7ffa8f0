// labourshift compare: key indicators of several output files side by side.
#include "cli/commands.hpp"
#include "sim/error.hpp"
#include "sim/h5.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace labourshift::cli {

namespace {

struct Indicator {
  const char* dataset;
  const char* label;
};

// What a policy researcher compares first (issue order: unemployment, long-term share, layoffs and
// AI-attributed layoffs, reskilling, exits, founders, capex, incidents).
constexpr Indicator kIndicators[] = {
    {"unemployment_rate", "unemployment rate"},
    {"long_term_unemployment_share", "long-term share of unemployed"},
    {"job_finding_rate", "job-finding rate (1/month)"},
    {"layoffs", "layoffs (persons/month)"},
    {"layoffs_ai", "AI-attributed layoffs (persons/month)"},
    {"reskilling_starts", "reskilling starts (persons/month)"},
    {"reskilling", "in reskilling (persons)"},
    {"exits", "exits from the labour force (persons/month)"},
    {"founders", "founders (persons)"},
    {"capex", "capex (USD/month, run-start prices)"},
    {"incidents", "incidents (per month)"},
    {"participation_rate", "participation rate"},
    {"ui_benefits", "UI benefits (USD/month, start prices)"},
    {"fiscal_net_cost", "net fiscal cost (USD/month, start prices)"},
};

struct Run {
  std::string path;
  std::string label;
  std::int64_t months = 0;
  bool complete = true;
  std::vector<std::vector<double>> values;  // per indicator: per-replication window means
};

/// Quantile q of sorted values by linear interpolation (numpy's default).
double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

Run read_run(const std::string& path, int first, int last) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw sim::InputError(path + ": no such output file");
  h5::File file;
  try {
    file = h5::File::open_read(path);
  } catch (const h5::Error&) {
    throw sim::InputError(path + ": not an HDF5 file (expected the output of `labourshift run`)");
  }
  auto root = file.root();
  if (!root.exists("series") || !root.has_attr("months")) {
    throw sim::InputError(path +
                          ": not a labourshift output file (no /series or months attribute)");
  }
  Run run;
  run.path = path;
  run.label = root.has_attr("scenario") ? root.attr_string("scenario")
                                        : std::filesystem::path(path).stem().string();
  run.months = root.attr_int("months");
  run.complete = !root.has_attr("complete") || root.attr_int("complete") == 1;
  auto series = root.open_group("series");
  const int a = std::max(1, first);
  const int b =
      last > 0 ? std::min<int>(last, static_cast<int>(run.months)) : static_cast<int>(run.months);
  if (a > b) {
    throw sim::InputError(path + ": the window " + std::to_string(first) + ":" +
                          std::to_string(last) + " holds no month (the run has " +
                          std::to_string(run.months) + ")");
  }
  for (const auto& ind : kIndicators) {
    std::vector<double> per_rep;
    if (series.exists(ind.dataset)) {
      const auto shape = series.shape(ind.dataset);
      const std::vector<double> data = series.read_vector(ind.dataset);
      const std::size_t reps = shape[0], months = shape[1];
      for (std::size_t r = 0; r < reps; ++r) {
        double sum = 0;
        int n = 0;
        for (int m = a; m <= b; ++m) {
          const double x = data[r * months + static_cast<std::size_t>(m - 1)];
          if (std::isfinite(x)) {
            sum += x;
            ++n;
          }
        }
        if (n > 0) per_rep.push_back(sum / n);
      }
    }
    run.values.push_back(std::move(per_rep));
  }
  return run;
}

std::string cell(const std::vector<double>& v) {
  if (v.empty()) return "n/a";
  double mean = 0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  char buf[96];
  if (v.size() == 1) {
    std::snprintf(buf, sizeof buf, "%.6g", mean);
  } else {
    std::snprintf(buf, sizeof buf, "%.6g [%.6g, %.6g]", mean, quantile(v, 0.05), quantile(v, 0.95));
  }
  return buf;
}

}  // namespace

int cmd_compare(const std::vector<std::string>& files, const std::string& window) {
  int first = 1, last = 0;
  if (!window.empty()) {
    const auto colon = window.find(':');
    try {
      if (colon == std::string::npos) {
        first = last = std::stoi(window);
      } else {
        first = std::stoi(window.substr(0, colon));
        last = colon + 1 < window.size() ? std::stoi(window.substr(colon + 1)) : 0;
      }
    } catch (const std::exception&) {
      throw sim::InputError("--months " + window +
                            ": expected M (one month) or A:B (months A to B, 1-based)");
    }
    if (first < 1 || (last != 0 && last < first)) {
      throw sim::InputError("--months " + window + ": months are 1-based and A <= B");
    }
  }
  std::vector<Run> runs;
  runs.reserve(files.size());
  for (const auto& f : files) runs.push_back(read_run(f, first, last));
  // Two runs of the same scenario (a what-if made with --set) are told apart by file name.
  for (const auto& a : runs) {
    for (const auto& b : runs) {
      if (&a != &b && a.label == b.label) {
        for (auto& r : runs) r.label = std::filesystem::path(r.path).stem().string();
        break;
      }
    }
  }
  std::printf(
      "months %d to %s; mean over the window, then over replications [5%%, 95%% across "
      "replications]\n",
      first, last > 0 ? std::to_string(last).c_str() : "the end");
  std::printf("%-44s", "indicator");
  for (const auto& r : runs)
    std::printf(" | %-34s", (r.label + (r.complete ? "" : " (INCOMPLETE)")).c_str());
  std::printf("\n");
  for (std::size_t i = 0; i < std::size(kIndicators); ++i) {
    std::printf("%-44s", kIndicators[i].label);
    for (const auto& r : runs) std::printf(" | %-34s", cell(r.values[i]).c_str());
    std::printf("\n");
  }
  return 0;
}

}  // namespace labourshift::cli
