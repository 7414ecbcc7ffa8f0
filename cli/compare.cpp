// labourshift compare: key indicators of several output files side by side.
#include "cli/commands.hpp"
#include "cli/format.hpp"
#include "cli/us_scale.hpp"
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
  std::string start;
  std::int64_t months = 0;
  std::int64_t workers = 0;
  double persons_per_agent = 1;  ///< 1 (counts are agents) in files that do not say
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
  run.start = root.has_attr("start_month") ? root.attr_string("start_month") : "";
  run.workers = root.has_attr("workers") ? root.attr_int("workers") : 0;
  if (root.has_attr("persons_per_agent"))
    run.persons_per_agent = root.attr_double("persons_per_agent");
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
      const UsValues us = read_us_scale(series, ind.dataset);
      const auto& shape = us.shape;
      const std::vector<double>& data = us.values;
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

/// Six significant digits; whole numbers with thousands separators from 100,000 up (US-scale
/// counts and dollars), where exponents would hide the magnitude.
std::string number(double x) {
  if (std::fabs(x) >= 1e5) return with_commas(x, 0);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

std::string cell(const std::vector<double>& v) {
  if (v.empty()) return "n/a";
  double mean = 0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  if (v.size() == 1) return number(mean);
  return number(mean) + " [" + number(quantile(v, 0.05)) + ", " + number(quantile(v, 0.95)) + "]";
}

/// Runs of different size (agents) or length compare only with --normalise; runs that start in
/// different months never do (month i would be a different calendar month in each).
void check_comparable(const std::vector<Run>& runs, bool normalise) {
  const Run& a = runs.front();
  for (const Run& b : runs) {
    if (b.start != a.start) {
      throw sim::InputError("compare: " + a.path + " starts in " + a.start + " and " + b.path +
                            " in " + b.start +
                            ": months would not line up; compare runs with the same run.start");
    }
    if (normalise) continue;
    if (b.persons_per_agent != a.persons_per_agent || b.workers != a.workers) {
      throw sim::InputError(
          "compare: " + a.path + " has " + with_commas(static_cast<double>(a.workers)) +
          " agents (" + with_commas(a.persons_per_agent) + " persons each) and " + b.path + " " +
          with_commas(static_cast<double>(b.workers)) + " (" + with_commas(b.persons_per_agent) +
          " each): runs of different size differ in their noise as well as their scale; pass "
          "--normalise to compare them at US scale anyway");
    }
    if (b.months != a.months) {
      throw sim::InputError("compare: " + a.path + " runs " + std::to_string(a.months) +
                            " months and " + b.path + " " + std::to_string(b.months) +
                            "; pass --normalise to compare them over the months both have");
    }
  }
}

}  // namespace

int cmd_compare(const std::vector<std::string>& files, const std::string& window, bool normalise) {
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
  check_comparable(runs, normalise);
  // --normalise over runs of different length: the months every run has.
  std::int64_t common = runs.front().months;
  for (const Run& r : runs) common = std::min(common, r.months);
  if (last == 0 || last > common) {
    const bool differ =
        std::any_of(runs.begin(), runs.end(), [&](const Run& r) { return r.months != common; });
    if (differ) {
      last = static_cast<int>(common);
      runs.clear();
      for (const auto& f : files) runs.push_back(read_run(f, first, last));
    }
  }
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
      "replications]; counts in persons and amounts in USD at US scale (agents x persons per "
      "agent)\n",
      first, last > 0 ? std::to_string(last).c_str() : "the end");
  // Each column as wide as its widest cell.
  std::vector<std::string> heads;
  std::vector<std::vector<std::string>> cells(runs.size());
  std::vector<int> width(runs.size(), 0);
  for (std::size_t c = 0; c < runs.size(); ++c) {
    heads.push_back(runs[c].label + (runs[c].complete ? "" : " (INCOMPLETE)"));
    width[c] = static_cast<int>(heads[c].size());
    for (const auto& values : runs[c].values) {
      cells[c].push_back(cell(values));
      width[c] = std::max(width[c], static_cast<int>(cells[c].back().size()));
    }
  }
  std::printf("%-44s", "indicator");
  for (std::size_t c = 0; c < runs.size(); ++c) std::printf(" | %-*s", width[c], heads[c].c_str());
  std::printf("\n");
  for (std::size_t i = 0; i < std::size(kIndicators); ++i) {
    std::printf("%-44s", kIndicators[i].label);
    for (std::size_t c = 0; c < runs.size(); ++c)
      std::printf(" | %-*s", width[c], cells[c][i].c_str());
    std::printf("\n");
  }
  return 0;
}

}  // namespace labourshift::cli
