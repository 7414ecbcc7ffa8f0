#include "models/memory.hpp"

#include "models/phases.hpp"
#include "sim/error.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace labourshift::models {

namespace {

// Measured on bench/scale_1m.toml and baseline_2025 from 300 to 3,000,000 workers, 12 to 120
// months and 1 to 2,000 replications (docs/performance.md, "Memory").
constexpr double kMiB = 1 << 20;
constexpr double kBaseBytes = 24.0 * kMiB;  ///< program, libraries, data tables
constexpr double kBytesPerWorker = 56.0;    ///< worker table (30), matching (19), lists, sums
/// The firm table grows by the firms that replace closed ones (a closed firm keeps its row): a
/// share of the starting table a month (10 M workers: 286 MiB at 24 months, 456 at 120).
constexpr double kFirmGrowthPerMonth = 0.0073;
constexpr double kBytesPerReplication = 48.0 * 1024;  ///< summary rows, statics, file records
constexpr double kWriteBufferBytes = 8.0 * kMiB;      ///< the writer's month buffers, at most
constexpr double kFileBytesPerMonth = 0.25 * kMiB;    ///< the file's chunk indexes and caches,
constexpr double kFileFullFrom = 50;                  ///< ... reached from 50 replications on
constexpr double kFileCacheBytes = 32.0 * kMiB;       ///< ... at most (HDF5's metadata cache)
/// Of a replication, for each running at once, when replications follow others (see below).
constexpr double kFragmentation = 0.25;

/// A number from the first line of `path`, or nullopt ("max" and unreadable files).
std::optional<double> read_number(const char* path) {
  std::ifstream in(path);
  std::string s;
  if (!(in >> s)) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || *end != '\0') return std::nullopt;
  return v;
}

std::optional<double> mem_available() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  double kb = 0;
  std::string unit;
  while (in >> key >> kb >> unit) {
    if (key == "MemAvailable:") return kb * 1024.0;
  }
  return std::nullopt;
}

void take_min(std::optional<double>& best, std::optional<double> v) {
  if (v && (!best || *v < *best)) best = v;
}

}  // namespace

MemoryEstimate estimate_peak_memory(const Model& m, int threads, bool checkpointing) {
  const auto& run = m.scenario.run;
  const double workers = static_cast<double>(m.scenario.population.workers);
  const double reps = run.replications;
  const double months = run.months;
  MemoryEstimate e;
  // With checkpoints every replication is live at once (they advance together).
  e.concurrent =
      checkpointing ? run.replications : std::max(1, std::min(threads, run.replications));
  // The firm table from the firms set-up creates (its columns, cells and rings, exactly).
  std::size_t rings = 0;
  for (const auto& c : m.scenario.firms) {
    rings = std::max<std::size_t>(
        rings, static_cast<std::size_t>(c.value.capacity_life_months + c.value.capex_lag_months +
                                        c.value.payment_months + 3));
  }
  const double firms = static_cast<double>(initial_firm_count(m));
  e.per_replication =
      workers * kBytesPerWorker + firms * FirmTable::bytes_per_firm(m.data.size(), rings) *
                                      (1.0 + kFirmGrowthPerMonth * months);
  const double month_values = static_cast<double>(m.layout.size()) * sizeof(double);
  // When more replications than threads run one after another, the allocator keeps what a
  // finished replication freed and the next one's blocks, of other sizes, fragment around it.
  const double reused = run.replications > e.concurrent ? kFragmentation : 0.0;
  e.bytes =
      kBaseBytes + e.concurrent * (1.0 + reused) * e.per_replication + reps * kBytesPerReplication +
      std::min(kWriteBufferBytes, reps * months * month_values) +
      std::min(kFileCacheBytes, std::min(1.0, reps / kFileFullFrom) * months * kFileBytesPerMonth);
  // ... and every month's values are kept for the checkpoint.
  if (checkpointing) e.bytes += reps * months * month_values;
  return e;
}

std::optional<double> available_memory() {
  if (const char* limit = std::getenv("LABOURSHIFT_MEMORY_LIMIT_MB")) {
    char* end = nullptr;
    const double mb = std::strtod(limit, &end);
    if (end != limit && *end == '\0' && mb > 0) return mb * kMiB;
  }
  std::optional<double> best = mem_available();
  // cgroup v2, then v1: the container's limit less what it already uses.
  if (const auto max = read_number("/sys/fs/cgroup/memory.max")) {
    take_min(best, *max - read_number("/sys/fs/cgroup/memory.current").value_or(0));
  } else if (const auto v1 = read_number("/sys/fs/cgroup/memory/memory.limit_in_bytes")) {
    if (*v1 < 1e18)
      take_min(best, *v1 - read_number("/sys/fs/cgroup/memory/memory.usage_in_bytes").value_or(0));
  }
  for (const int resource : {RLIMIT_AS, RLIMIT_DATA}) {
    rlimit r{};
    if (getrlimit(resource, &r) == 0 && r.rlim_cur != RLIM_INFINITY)
      take_min(best, static_cast<double>(r.rlim_cur));
  }
  return best;
}

std::string format_bytes(double bytes) {
  char buf[32];
  if (bytes >= 1024 * kMiB) {
    std::snprintf(buf, sizeof buf, "%.1f GiB", bytes / (1024 * kMiB));
  } else if (bytes >= 10 * kMiB) {
    std::snprintf(buf, sizeof buf, "%.0f MiB", bytes / kMiB);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f MiB", bytes / kMiB);
  }
  return buf;
}

MemoryEstimate check_memory(const Model& m, int threads, const std::string& where,
                            bool checkpointing) {
  const MemoryEstimate e = estimate_peak_memory(m, threads, checkpointing);
  const std::optional<double> have = available_memory();
  if (!have || e.bytes <= *have) return e;
  const auto& sc = m.scenario;
  std::ostringstream msg;
  msg << where << ": this run needs about " << format_bytes(e.bytes) << " of memory ("
      << sc.population.workers << " workers, " << sc.run.months << " months, " << e.concurrent
      << " of " << sc.run.replications << " replication(s) at once at "
      << format_bytes(e.per_replication) << " each) but " << format_bytes(*have)
      << " is available; lower population.workers, "
      << (checkpointing
              ? "checkpoint fewer replications per run (checkpoints hold them all at once)"
              : "use fewer --threads (fewer replications at once)")
      << ", or run on a larger machine";
  throw sim::InputError(msg.str());
}

}  // namespace labourshift::models
