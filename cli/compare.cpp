// labourshift compare: key indicators of several output files side by side.
#include "cli/commands.hpp"
#include "cli/format.hpp"
#include "cli/us_scale.hpp"
#include "sim/error.hpp"
#include "sim/h5.hpp"

#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace labourshift::cli {

namespace {

struct Indicator {
  const char* dataset;
  const char* label;
  bool percent = false;  ///< a share or rate, shown in % (differences in points)
};

// What a policy researcher compares first (issue order: unemployment, long-term share, layoffs and
// AI-attributed layoffs, reskilling, exits, founders, capex, incidents).
constexpr Indicator kIndicators[] = {
    {"unemployment_rate", "unemployment rate", true},
    {"long_term_unemployment_share", "long-term share of unemployed", true},
    {"job_finding_rate", "job-finding rate (a month)", true},
    {"layoffs", "layoffs (persons/month)"},
    {"layoffs_ai", "AI-attributed layoffs (persons/month)"},
    {"reskilling_starts", "reskilling starts (persons/month)"},
    {"reskilling", "in reskilling (persons)"},
    {"exits", "exits from the labour force (persons/month)"},
    {"founders", "founders (persons)"},
    {"capex", "capex (USD/month, run-start prices)"},
    {"incidents", "incidents (per month)"},
    {"participation_rate", "participation rate", true},
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
  std::int64_t seed = -1;
  bool complete = true;
  /// Per indicator: per-replication window means (NaN for a replication with no finite month in
  /// the window); empty when the file lacks the indicator.
  std::vector<std::vector<double>> values;
};

std::vector<double> finite(const std::vector<double>& v) {
  std::vector<double> out;
  for (double x : v)
    if (std::isfinite(x)) out.push_back(x);
  return out;
}

/// Quantile q of sorted values by linear interpolation (numpy's default).
double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

/// Opens an output and reads what describes it (no values); `file` stays open for read_run.
Run read_header(const std::string& path, h5::File& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw sim::InputError(path + ": no such output file");
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
  run.seed = root.has_attr("seed") ? root.attr_int("seed") : -1;
  run.complete = !root.has_attr("complete") || root.attr_int("complete") == 1;
  return run;
}

Run read_run(const std::string& path, int first, int last) {
  h5::File file;
  Run run = read_header(path, file);
  auto series = file.root().open_group("series");
  const int a = std::max(1, first);
  const int b = last > 0 ? last : static_cast<int>(run.months);
  if (b > run.months || a > b) {
    throw sim::InputError("--months " + std::to_string(first) + ":" + std::to_string(last) + ": " +
                          path + " has months 1 to " + std::to_string(run.months) +
                          "; give a window inside the run");
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
        per_rep.push_back(n > 0 ? sum / n : std::numeric_limits<double>::quiet_NaN());
      }
    }
    run.values.push_back(std::move(per_rep));
  }
  return run;
}

/// Six significant digits; whole numbers with thousands separators from 1,000 up (US-scale
/// counts), where exponents would hide the magnitude; dollars from a million up in M and bn.
std::string number(double x, bool money = false) {
  char unit[32];
  if (money && std::fabs(x) >= 1e9) {
    std::snprintf(unit, sizeof unit, "%.2f bn", x / 1e9);
    return unit;
  }
  if (money && std::fabs(x) >= 1e6) {
    std::snprintf(unit, sizeof unit, "%.2f M", x / 1e6);
    return unit;
  }
  if (std::fabs(x) >= 1e3) return with_commas(x, 0);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

/// A paired difference over replications: mean and 95% confidence interval (Student's t with
/// n - 1 degrees of freedom; none for n < 2).
struct Paired {
  double mean = std::numeric_limits<double>::quiet_NaN();
  double lo = std::numeric_limits<double>::quiet_NaN();
  double hi = std::numeric_limits<double>::quiet_NaN();
  std::size_t n = 0;
};

Paired paired(const std::vector<double>& base, const std::vector<double>& other) {
  std::vector<double> d;
  for (std::size_t r = 0; r < std::min(base.size(), other.size()); ++r)
    if (std::isfinite(base[r]) && std::isfinite(other[r])) d.push_back(other[r] - base[r]);
  Paired p;
  p.n = d.size();
  if (d.empty()) return p;
  double sum = 0;
  for (double x : d) sum += x;
  p.mean = sum / static_cast<double>(d.size());
  if (d.size() < 2) return p;
  double ss = 0;
  for (double x : d) ss += (x - p.mean) * (x - p.mean);
  const double se =
      std::sqrt(ss / static_cast<double>(d.size() - 1) / static_cast<double>(d.size()));
  const boost::math::students_t t(static_cast<double>(d.size() - 1));
  const double half = boost::math::quantile(boost::math::complement(t, 0.025)) * se;
  p.lo = p.mean - half;
  p.hi = p.mean + half;
  return p;
}

/// A value for people: % with two decimals for shares, thousands separators for large counts.
std::string shown(double x, bool percent, bool money) {
  if (!std::isfinite(x)) return "n/a";
  if (!percent) return number(x, money);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%", 100 * x);
  return buf;
}

/// A difference for people: signed, in points for shares.
std::string shown_diff(double x, bool percent, bool money) {
  if (!std::isfinite(x)) return "n/a";
  char buf[48];
  if (percent) {
    std::snprintf(buf, sizeof buf, "%+.2f pts", 100 * x);
    return buf;
  }
  const std::string n = number(std::fabs(x), money);
  return (x < 0 ? "-" : "+") + n;
}

/// A number for CSV: as in JSON, empty where it is not finite.
std::string raw(double x) { return std::isfinite(x) ? json_number(x) : std::string(); }

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

std::pair<int, int> parse_window(const std::string& window) {
  int first = 1, last = 0;
  if (window.empty()) return {first, last};
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
  return {first, last};
}

}  // namespace

int cmd_compare(const std::vector<std::string>& given, const std::string& window, bool normalise,
                const std::string& baseline, const std::string& format) {
  if (format != "text" && format != "csv" && format != "json")
    throw sim::InputError("--format " + format + ": expected text, csv or json");
  std::vector<std::string> files = given;
  if (!baseline.empty()) files.insert(files.begin(), baseline);
  if (!baseline.empty() && files.size() < 2)
    throw sim::InputError("compare --baseline " + baseline + ": give at least one file to compare");
  auto [first, last] = parse_window(window);
  std::vector<Run> runs;
  if (normalise) {
    // Over the months every run has: a window beyond them is refused like one beyond a run.
    std::int64_t common = std::numeric_limits<std::int64_t>::max();
    for (const auto& f : files) {
      h5::File file;
      common = std::min(common, read_header(f, file).months);
    }
    if (last > common) {
      throw sim::InputError("--months " + window + ": the runs have months 1 to " +
                            std::to_string(common) + " in common");
    }
    if (last == 0) last = static_cast<int>(common);
  }
  for (const auto& f : files) runs.push_back(read_run(f, first, last));
  check_comparable(runs, normalise);
  const bool pair = !baseline.empty();
  if (pair) {
    const Run& a = runs.front();
    for (const Run& b : runs) {
      if (b.seed != a.seed || b.values.front().size() != a.values.front().size() ||
          b.workers != a.workers) {
        throw sim::InputError(
            "compare --baseline: " + b.path + " (seed " + std::to_string(b.seed) + ", " +
            std::to_string(b.values.front().size()) + " replications, " +
            std::to_string(b.workers) + " agents) and " + a.path + " (seed " +
            std::to_string(a.seed) + ", " + std::to_string(a.values.front().size()) + ", " +
            std::to_string(a.workers) +
            ") do not share their random draws; paired differences need the same seed, "
            "replications and agents (common random numbers), even with --normalise");
      }
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
  const std::string last_text =
      last > 0 ? std::to_string(last) : std::to_string(runs.front().months);
  const std::size_t K = std::size(kIndicators);
  auto stats = [&](const Run& r, std::size_t i) {
    const std::vector<double> v = finite(r.values[i]);
    double mean = std::numeric_limits<double>::quiet_NaN(), lo = mean, hi = mean;
    if (!v.empty()) {
      mean = 0;
      for (double x : v) mean += x;
      mean /= static_cast<double>(v.size());
      lo = quantile(v, 0.05);
      hi = quantile(v, 0.95);
    }
    return std::array<double, 3>{mean, lo, hi};
  };

  if (format == "csv") {
    std::printf(
        "indicator,unit_or_share,file,label,replications,mean,p05,p95,diff_mean,diff_lo95,"
        "diff_hi95\n");
    for (std::size_t i = 0; i < K; ++i) {
      for (std::size_t c = 0; c < runs.size(); ++c) {
        const auto st = stats(runs[c], i);
        const Paired d = pair && c > 0 ? paired(runs[0].values[i], runs[c].values[i]) : Paired{};
        std::printf("%s,%s,\"%s\",\"%s\",%zu,%s,%s,%s,%s,%s,%s\n", kIndicators[i].dataset,
                    kIndicators[i].percent ? "share" : "level", runs[c].path.c_str(),
                    runs[c].label.c_str(), finite(runs[c].values[i]).size(), raw(st[0]).c_str(),
                    raw(st[1]).c_str(), raw(st[2]).c_str(), raw(d.mean).c_str(), raw(d.lo).c_str(),
                    raw(d.hi).c_str());
      }
    }
    return 0;
  }
  if (format == "json") {
    std::string out = "{\"months\":[" + std::to_string(first) + "," + last_text +
                      "],\"baseline\":" + (pair ? json_string(runs[0].path) : std::string("null")) +
                      ",\"indicators\":[";
    for (std::size_t i = 0; i < K; ++i) {
      out += (i ? "," : "");
      out += "{\"name\":" + json_string(kIndicators[i].dataset) +
             ",\"label\":" + json_string(kIndicators[i].label) + ",\"runs\":[";
      for (std::size_t c = 0; c < runs.size(); ++c) {
        const auto st = stats(runs[c], i);
        out += (c ? "," : "");
        out += "{\"file\":" + json_string(runs[c].path) +
               ",\"label\":" + json_string(runs[c].label) + ",\"mean\":" + json_number(st[0]) +
               ",\"p05\":" + json_number(st[1]) + ",\"p95\":" + json_number(st[2]);
        if (pair && c > 0) {
          const Paired d = paired(runs[0].values[i], runs[c].values[i]);
          out += ",\"difference\":{\"mean\":" + json_number(d.mean) +
                 ",\"lo95\":" + json_number(d.lo) + ",\"hi95\":" + json_number(d.hi) +
                 ",\"replications\":" + std::to_string(d.n) + "}";
        }
        out += "}";
      }
      out += "]}";
    }
    std::printf("%s]}\n", out.c_str());
    return 0;
  }

  std::printf("months %d to %s; mean over the window, then over replications", first,
              last_text.c_str());
  if (pair) {
    std::printf(
        "; beside each run its difference from %s per replication (common random "
        "numbers): mean [95%% confidence interval, Student's t]",
        runs[0].label.c_str());
  } else {
    std::printf(
        " [5%%-95%% of replications; with few replications this is close to their range, "
        "not a confidence interval]");
  }
  std::printf("; counts in persons and amounts in USD at US scale (agents x persons per agent)\n");
  // Each column as wide as its widest cell.
  std::vector<std::string> heads;
  std::vector<std::vector<std::string>> cells(runs.size());
  std::vector<int> width(runs.size(), 0);
  for (std::size_t c = 0; c < runs.size(); ++c) {
    heads.push_back(runs[c].label + (runs[c].complete ? "" : " (INCOMPLETE)") +
                    (pair && c == 0 ? " (baseline)" : ""));
    width[c] = static_cast<int>(heads[c].size());
    for (std::size_t i = 0; i < K; ++i) {
      const bool pct = kIndicators[i].percent;
      const bool money =
          std::string_view(kIndicators[i].label).find("USD") != std::string_view::npos;
      const auto st = stats(runs[c], i);
      std::string text;
      if (pair && c > 0) {
        const Paired d = paired(runs[0].values[i], runs[c].values[i]);
        text = shown(st[0], pct, money) + "  " + shown_diff(d.mean, pct, money);
        if (d.n >= 2)
          text += " [" + shown_diff(d.lo, pct, money) + ", " + shown_diff(d.hi, pct, money) + "]";
      } else if (pair || finite(runs[c].values[i]).size() < 2) {
        text = shown(st[0], pct, money);
      } else {
        text = shown(st[0], pct, money) + " [" + shown(st[1], pct, money) + ", " +
               shown(st[2], pct, money) + "]";
      }
      cells[c].push_back(text);
      width[c] = std::max(width[c], static_cast<int>(text.size()));
    }
  }
  std::printf("%-44s", "indicator");
  for (std::size_t c = 0; c < runs.size(); ++c) std::printf(" | %-*s", width[c], heads[c].c_str());
  std::printf("\n");
  for (std::size_t i = 0; i < K; ++i) {
    std::printf("%-44s", kIndicators[i].label);
    for (std::size_t c = 0; c < runs.size(); ++c)
      std::printf(" | %-*s", width[c], cells[c][i].c_str());
    std::printf("\n");
  }
  return 0;
}

}  // namespace labourshift::cli
