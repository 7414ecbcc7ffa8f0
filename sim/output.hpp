// HDF5 output of a run (docs/outputs.md). The file is written month by month (months are buffered
// and written at least every two seconds) to a new file with an unpredictable name beside the
// destination, ".<name>.<16 hex digits>.partial", created exclusively (no symbolic link is
// followed, no other run's file is shared), and renamed to <path> by finish(): the rename is the
// only step that touches the destination, and only a regular file is ever replaced. An
// interrupted run is finished with complete = 0 and stays readable; if <path> already held a
// file, the interrupted result goes to "<path>.interrupted.h5" instead, so an interrupted
// --overwrite keeps the previous result. If the writer is destroyed without finish() (an
// exception), the partial file is removed, so no half-written output ever appears under the
// final name.
//
// Layout: root attributes; /scenario (resolved TOML); /series/NAME [replication x month];
// /<group>/NAME [replication x month x width]; static per-replication arrays
// [replication x shape...]. Unwritten cells read NaN; the root attribute months_completed says
// how far each replication got. Thread-safe: write_* may be called from several threads.
#pragma once

#include "sim/h5.hpp"
#include "sim/metrics.hpp"
#include "sim/runner.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace labourshift::sim {

struct RunAttributes {
  std::string scenario_name;
  std::string scenario_toml;
  std::string software_version;
  std::string start_month;  ///< "YYYY-MM"
  std::int64_t seed = 0;
  std::int64_t replications = 1;
  std::int64_t months = 0;
  std::int64_t threads = 0;
  std::int64_t workers = 0;
  double represented_persons = 0;  ///< persons the agents stand for
  double persons_per_agent = 0;    ///< represented_persons / workers
};

class OutputWriter : public ResultSink {
 public:
  static constexpr std::int64_t kFormatVersion = 1;

  OutputWriter(std::string final_path, const MetricLayout& layout, const RunAttributes& attrs);
  ~OutputWriter() override;
  OutputWriter(const OutputWriter&) = delete;
  OutputWriter& operator=(const OutputWriter&) = delete;

  /// The root group, for model-specific tables (occupation names ...). Not thread-safe: use
  /// before or after the run.
  h5::Group root() { return file_.root(); }
  /// Labels the axes of `ds` (in `group`, "" for the root) with dimension scales: "replication",
  /// "month" or an Axis of the layout, one per axis; names the auxiliary coordinates
  /// (month_number, <axis>_name) in its CF `coordinates` attribute. Before or after the run.
  void label_axes(h5::Dataset& ds, const std::string& group, const std::vector<std::string>& dims);

  void write_month(std::uint32_t replication, int month, const double* values) override;
  void write_static(std::uint32_t replication, std::size_t static_id,
                    const std::vector<double>& values) override;
  void write_events(std::size_t table_id, const std::vector<std::int64_t>& rows) override;

  /// Write the closing attributes, close the file and rename it to the final path.
  void finish(bool complete, double wall_seconds);

  const std::string& final_path() const { return final_path_; }
  const std::string& partial_path() const { return partial_path_; }
  /// Months written to the file so far, the most of any replication.
  std::int64_t months_written();
  /// Where finish() put the file: the final path, or beside it for an interrupted run whose
  /// final path held an earlier file.
  const std::string& result_path() const { return result_path_; }
  /// The most bytes the writer's month and event buffers held at once (the memory report).
  std::size_t peak_buffer_bytes() const { return peak_buffer_bytes_; }

 private:
  std::string final_path_;
  std::string partial_path_;
  std::string result_path_;
  const MetricLayout& layout_;
  RunAttributes attrs_;
  h5::File file_;
  std::vector<h5::Dataset> datasets_;  // one per MetricSpec
  std::vector<h5::Dataset> statics_;   // one per StaticSpec
  std::vector<h5::Table> events_;      // one per EventSpec
  /// Event rows not yet appended, per table: appended in blocks of kEventBlock values.
  std::vector<std::vector<std::int64_t>> events_pending_;
  /// Writes every buffered month and records months_completed. Caller holds mutex_.
  void flush_pending();
  /// Appends the waiting rows of event table `table_id`.
  void flush_events(std::size_t table_id);
  /// Root attributes, /scenario and the datasets of the layout (the constructor's work).
  void lay_out();
  /// Closes and removes the partial file (an error path).
  void discard() noexcept;
  /// Dimension scales by group and dimension, created on first use (scale()).
  std::map<std::string, std::map<std::string, h5::Dataset>> scales_;
  const h5::Dataset& scale(const std::string& group, const std::string& dim);

  std::vector<std::int64_t> months_completed_;  ///< months written to the file, per replication
  /// Months received but not yet written, per replication: the months after months_completed_,
  /// layout.size() values each. Written in blocks, one write per dataset, instead of one write
  /// per dataset and month.
  std::vector<std::vector<double>> pending_;
  std::size_t pending_values_ = 0;  ///< values waiting in pending_, all replications
  std::vector<double> scratch_;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point last_flush_;
  bool finished_ = false;
  std::size_t peak_buffer_bytes_ = 0;
  void note_buffers();  ///< updates peak_buffer_bytes_; caller holds mutex_
};

}  // namespace labourshift::sim
