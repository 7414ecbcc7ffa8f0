// Ensemble runner: runs R independent replications of a model month by month (in parallel when
// R > 1; each replication's phases are parallel loops too), hands every month's metrics to an
// optional writer, shows progress, and stops cleanly at a month boundary when asked to.
#pragma once

#include "sim/checkpoint.hpp"
#include "sim/metrics.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace labourshift::sim {

/// One replication's state. step() is called with month = 1, 2, ... by one thread at a time.
class Replication {
 public:
  virtual ~Replication() = default;
  virtual void step(int month, double* out) = 0;
  virtual std::vector<double> static_output(std::size_t static_id) const = 0;
  /// Rows (row-major, one value per column) of event table `table_id` produced by the last
  /// step; the replication forgets them afterwards.
  virtual std::vector<std::int64_t> take_events(std::size_t table_id) = 0;
  /// The whole state at a month boundary, as named fields (checkpoints); load_state restores
  /// what save_state wrote, so that the replication continues bit-identically. The default
  /// refuses: a model without them cannot be checkpointed.
  virtual void save_state(StateWriter& out) const;
  virtual void load_state(StateReader& in);
  /// Bytes the state holds by component, in the order to report them (`run --verbose`); called
  /// after the last month, when every table is at its largest. The default reports nothing.
  virtual std::vector<std::pair<std::string, double>> memory_use() const { return {}; }
};

/// Receives results as they are produced. Called from several threads; implementations
/// serialise internally.
class ResultSink {
 public:
  virtual ~ResultSink() = default;
  virtual void write_month(std::uint32_t replication, int month, const double* values) = 0;
  virtual void write_static(std::uint32_t replication, std::size_t static_id,
                            const std::vector<double>& values) = 0;
  virtual void write_events(std::size_t table_id, const std::vector<std::int64_t>& rows) = 0;
};

struct EnsembleOptions {
  int replications = 1;
  int months = 1;
  bool progress = false;                    ///< a progress bar on stderr
  const std::atomic<bool>* stop = nullptr;  ///< checked before every month
  /// Keep every month's values in the result. When false (results go to a sink), a
  /// replication's values hold two rows: month 1, then its last completed month, so memory does
  /// not grow with replications x months.
  bool keep_months = true;
  /// Keep the event tables in the result; when false they only go to the sink.
  bool keep_events = true;
  /// Run only the replications r with r % stride == offset (MPI ranks: offset = rank, stride =
  /// ranks); the others stay at month 0 with no values. Each runs exactly as it would among all.
  std::uint32_t stride = 1;
  std::uint32_t offset = 0;
  /// Write a checkpoint every this many months (0: never) to checkpoint_path, with this header
  /// (its month is filled in). Replications then advance together, `checkpoint_every` months at
  /// a time, so all of them are in memory at once.
  int checkpoint_every = 0;
  std::string checkpoint_path;
  CheckpointHeader checkpoint_header;
  /// Continue from a checkpoint instead of starting at month 1 (its replications are taken).
  ResumePoint* resume = nullptr;
};

struct EnsembleResult {
  bool complete = true;
  std::vector<int> months_done;  ///< per replication
  /// [replication][(month - 1) * size + i]; with keep_months = false, rows 0 (month 1) and 1
  /// (the last completed month, months_done) only.
  std::vector<std::vector<double>> values;
  std::vector<std::vector<std::vector<double>>> statics;  ///< [replication][static_id]
  std::vector<std::vector<std::int64_t>> events;          ///< [table_id] rows, row-major
  double wall_seconds = 0;
  /// Replication::memory_use, the largest of each component over the replications run here.
  std::vector<std::pair<std::string, double>> memory;
  int checkpoints_written = 0;
  int last_checkpoint_month = 0;  ///< the month of the last checkpoint written (or resumed from)
};

using ReplicationFactory = std::function<std::unique_ptr<Replication>(std::uint32_t replication)>;

EnsembleResult run_ensemble(const ReplicationFactory& make, const MetricLayout& layout,
                            const EnsembleOptions& options, ResultSink* sink);

}  // namespace labourshift::sim
