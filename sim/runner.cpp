#include "sim/runner.hpp"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <unistd.h>
#include <chrono>
#include <cstdio>
#include <mutex>

namespace labourshift::sim {

namespace {

/// A one-line progress bar on stderr, redrawn at most ten times a second.
class Progress {
 public:
  Progress(bool enabled, std::int64_t total) : enabled_(enabled && isatty(2) != 0), total_(total) {}
  void tick() {
    const std::int64_t done = done_.fetch_add(1) + 1;
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard<std::mutex> lock(mutex_);
    if (done < total_ && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    const int width = 40;
    const auto filled = static_cast<int>(width * done / total_);
    std::fprintf(stderr, "\r[%.*s%*s] %3d%% (%lld/%lld replication-months)", filled,
                 "########################################", width - filled, "",
                 static_cast<int>(100 * done / total_), static_cast<long long>(done),
                 static_cast<long long>(total_));
    std::fflush(stderr);
  }
  void finish() {
    if (enabled_) std::fprintf(stderr, "\n");
  }

 private:
  bool enabled_;
  std::int64_t total_;
  std::atomic<std::int64_t> done_{0};
  std::mutex mutex_;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace

EnsembleResult run_ensemble(const ReplicationFactory& make, const MetricLayout& layout,
                            const EnsembleOptions& options, ResultSink* sink) {
  const auto started = std::chrono::steady_clock::now();
  const auto reps = static_cast<std::size_t>(options.replications);
  EnsembleResult result;
  result.months_done.assign(reps, 0);
  result.values.assign(reps, {});
  result.statics.assign(reps, {});
  result.events.assign(layout.events().size(), {});
  // Events are kept per replication, one block a month (appending to one vector would reserve up
  // to twice its size), and written in replication order after the run, so the table is the
  // same for any thread count.
  using Blocks = std::vector<std::vector<std::int64_t>>;
  std::vector<std::vector<Blocks>> events(layout.events().size(), std::vector<Blocks>(reps));
  Progress progress(options.progress, static_cast<std::int64_t>(reps) * options.months);
  tbb::parallel_for(std::size_t{0}, reps, [&](std::size_t r) {
    // Isolated: a thread waiting inside this replication's parallel loops only helps with them
    // and never starts another replication, so at most `threads` replications (and their
    // memory) are live at once.
    tbb::this_task_arena::isolate([&] {
      const auto rep = static_cast<std::uint32_t>(r);
      std::unique_ptr<Replication> model = make(rep);
      auto& values = result.values[r];
      const std::size_t kept = options.keep_months ? static_cast<std::size_t>(options.months) : 2;
      values.assign(kept * layout.size(), 0.0);
      for (int month = 1; month <= options.months; ++month) {
        if (options.stop != nullptr && options.stop->load()) break;
        const std::size_t row = options.keep_months ? static_cast<std::size_t>(month - 1)
                                                    : static_cast<std::size_t>(month > 1);
        double* out = values.data() + row * layout.size();
        model->step(month, out);
        if (sink != nullptr) sink->write_month(rep, month, out);
        for (std::size_t e = 0; e < layout.events().size(); ++e) {
          std::vector<std::int64_t> rows = model->take_events(e);
          if (rows.empty()) continue;
          rows.shrink_to_fit();  // a month's rows, grown by doubling
          events[e][r].push_back(std::move(rows));
        }
        result.months_done[r] = month;
        progress.tick();
      }
      for (std::size_t s = 0; s < layout.statics().size(); ++s) {
        result.statics[r].push_back(model->static_output(s));
        if (sink != nullptr) sink->write_static(rep, s, result.statics[r].back());
      }
    });
  });
  progress.finish();
  for (std::size_t e = 0; e < events.size(); ++e) {
    for (Blocks& blocks : events[e]) {
      for (auto& rows : blocks) {
        if (sink != nullptr) sink->write_events(e, rows);
        if (options.keep_events)
          result.events[e].insert(result.events[e].end(), rows.begin(), rows.end());
        std::vector<std::int64_t>().swap(rows);  // released as soon as written
      }
    }
  }
  for (int m : result.months_done) result.complete = result.complete && m == options.months;
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace labourshift::sim
