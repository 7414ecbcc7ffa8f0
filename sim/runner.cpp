#include "sim/runner.hpp"

#include "sim/error.hpp"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <unistd.h>
#include <algorithm>
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

/// Each component's largest bytes so far (components in their first report's order), under
/// `mutex` (replications finish on several threads).
void take_largest(std::vector<std::pair<std::string, double>>& so_far,
                  const std::vector<std::pair<std::string, double>>& use, std::mutex& mutex) {
  const std::lock_guard<std::mutex> lock(mutex);
  for (const auto& component : use) {
    // Not a structured binding: clang 14 cannot capture one in the lambda below.
    const std::string& name = component.first;
    auto at = std::find_if(so_far.begin(), so_far.end(),
                           [&](const auto& entry) { return entry.first == name; });
    if (at == so_far.end()) {
      so_far.emplace_back(name, component.second);
    } else {
      at->second = std::max(at->second, component.second);
    }
  }
}

}  // namespace

void Replication::save_state(StateWriter& /*out*/) const {
  throw InputError("this model cannot be checkpointed");
}
void Replication::load_state(StateReader& /*in*/) {
  throw InputError("this model cannot be resumed from a checkpoint");
}

EnsembleResult run_ensemble(const ReplicationFactory& make, const MetricLayout& layout,
                            const EnsembleOptions& options, ResultSink* sink) {
  const auto started = std::chrono::steady_clock::now();
  const auto reps = static_cast<std::size_t>(options.replications);
  const std::size_t width = layout.size();
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
  std::int64_t own = 0;  // replications this process runs
  for (std::size_t r = 0; r < reps; ++r) own += r % options.stride == options.offset ? 1 : 0;
  Progress progress(options.progress, own * options.months);
  const std::size_t kept = options.keep_months ? static_cast<std::size_t>(options.months) : 2;
  // The row of the result month m goes to: every month, or month 1 and the last one.
  auto row_of = [&](int month) {
    return options.keep_months ? static_cast<std::size_t>(month - 1)
                               : static_cast<std::size_t>(month > 1);
  };
  // Every month's values, per replication, while checkpoints are written (they hold them).
  std::vector<std::vector<double>> history;
  auto one_month = [&](Replication& model, std::size_t r, int month) {
    double* out = result.values[r].data() + row_of(month) * width;
    model.step(month, out);
    if (!history.empty()) history[r].insert(history[r].end(), out, out + width);
    if (sink != nullptr) sink->write_month(static_cast<std::uint32_t>(r), month, out);
    for (std::size_t e = 0; e < layout.events().size(); ++e) {
      std::vector<std::int64_t> rows = model.take_events(e);
      if (rows.empty()) continue;
      rows.shrink_to_fit();  // a month's rows, grown by doubling
      events[e][r].push_back(std::move(rows));
    }
    result.months_done[r] = month;
    progress.tick();
  };
  std::mutex memory_mutex;
  auto finish_replication = [&](const Replication& model, std::size_t r) {
    take_largest(result.memory, model.memory_use(), memory_mutex);
    for (std::size_t s = 0; s < layout.statics().size(); ++s) {
      result.statics[r].push_back(model.static_output(s));
      if (sink != nullptr)
        sink->write_static(static_cast<std::uint32_t>(r), s, result.statics[r].back());
    }
  };

  if (options.checkpoint_every <= 0 && options.resume == nullptr) {
    tbb::parallel_for(std::size_t{0}, reps, [&](std::size_t r) {
      if (r % options.stride != options.offset) return;  // another rank's
      // Isolated: a thread waiting inside this replication's parallel loops only helps with them
      // and never starts another replication, so at most `threads` replications (and their
      // memory) are live at once.
      tbb::this_task_arena::isolate([&] {
        std::unique_ptr<Replication> model = make(static_cast<std::uint32_t>(r));
        result.values[r].assign(kept * width, 0.0);
        for (int month = 1; month <= options.months; ++month) {
          if (options.stop != nullptr && options.stop->load()) break;
          one_month(*model, r, month);
        }
        finish_replication(*model, r);
      });
    });
  } else {
    // Checkpoints: the replications advance together, a stretch of checkpoint_every months at a
    // time, and the checkpoint is written between stretches, when every one of them is at the
    // same month.
    std::vector<std::unique_ptr<Replication>> live(reps);
    history.assign(reps, {});
    int done = 0;
    for (auto& v : result.values) v.assign(kept * width, 0.0);
    if (options.resume != nullptr) {
      ResumePoint& point = *options.resume;
      live = std::move(point.replications);
      history = std::move(point.values);
      done = static_cast<int>(point.header.month);
      for (std::size_t r = 0; r < reps; ++r) {
        for (int month = 1; month <= done; ++month) {
          const double* row = history[r].data() + static_cast<std::size_t>(month - 1) * width;
          std::copy_n(row, width, result.values[r].data() + row_of(month) * width);
          if (sink != nullptr) sink->write_month(static_cast<std::uint32_t>(r), month, row);
          progress.tick();
        }
        result.months_done[r] = done;
        for (std::size_t e = 0; e < events.size(); ++e) {
          if (!point.events[e][r].empty()) events[e][r].push_back(std::move(point.events[e][r]));
        }
      }
      result.last_checkpoint_month = done;
    } else {
      tbb::parallel_for(std::size_t{0}, reps, [&](std::size_t r) {
        tbb::this_task_arena::isolate([&] { live[r] = make(static_cast<std::uint32_t>(r)); });
      });
    }
    const int every = options.checkpoint_every > 0 ? options.checkpoint_every : options.months;
    for (int first = done + 1; first <= options.months; first += every) {
      const int last = std::min(options.months, first + every - 1);
      tbb::parallel_for(std::size_t{0}, reps, [&](std::size_t r) {
        tbb::this_task_arena::isolate([&] {
          for (int month = first; month <= last; ++month) {
            if (options.stop != nullptr && options.stop->load()) break;
            one_month(*live[r], r, month);
          }
        });
      });
      if (std::any_of(result.months_done.begin(), result.months_done.end(),
                      [&](int m) { return m < last; })) {
        break;  // stopped by a signal: the last checkpoint stays as it is
      }
      if (options.checkpoint_every > 0 && last < options.months) {
        CheckpointHeader header = options.checkpoint_header;
        header.month = last;
        std::vector<std::vector<std::vector<std::int64_t>>> flat(
            events.size(), std::vector<std::vector<std::int64_t>>(reps));
        for (std::size_t e = 0; e < events.size(); ++e) {
          for (std::size_t r = 0; r < reps; ++r) {
            for (const auto& block : events[e][r])
              flat[e][r].insert(flat[e][r].end(), block.begin(), block.end());
          }
        }
        write_checkpoint(options.checkpoint_path, header, live, history, flat);
        ++result.checkpoints_written;
        result.last_checkpoint_month = last;
      }
    }
    for (std::size_t r = 0; r < reps; ++r) finish_replication(*live[r], r);
  }
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
  for (std::size_t r = 0; r < reps; ++r) {
    if (r % options.stride == options.offset)
      result.complete = result.complete && result.months_done[r] == options.months;
  }
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace labourshift::sim
