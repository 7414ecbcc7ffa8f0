#include "sim/output.hpp"

#include "sim/files.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <limits>
#include <map>
#include <random>
#include <stdexcept>

namespace labourshift::sim {

namespace {

/// At most this many values (8 MB) wait in the write buffers before they are written.
constexpr std::size_t kMaxPendingValues = std::size_t{1} << 20U;
/// Event values (1 MB) appended to a table at once.
constexpr std::size_t kEventBlock = std::size_t{1} << 17U;

/// unit and description; for a count or amount at the agents' scale also us_scale (the factor to
/// US magnitudes) and us_unit (the unit after it).
void set_unit_attrs(h5::Dataset& ds, const std::string& unit, const std::string& description,
                    double us_scale, const std::string& us_unit) {
  ds.set_attr("unit", unit);
  ds.set_attr("description", description);
  if (us_scale > 0) {
    ds.set_attr("us_scale", us_scale);
    ds.set_attr("us_unit", us_unit);
  }
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

/// Days from 1970-01-01 to the civil date y-m-d (proleptic Gregorian; H. Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

/// The month axis in CF time: days from the first day of `start` ("YYYY-MM") to the first day of
/// each month.
std::vector<std::int64_t> month_days(const std::string& start, std::int64_t months) {
  const std::int64_t y0 = std::stoll(start.substr(0, 4));
  const int m0 = std::stoi(start.substr(5, 2)) - 1;
  const std::int64_t origin = days_from_civil(y0, static_cast<unsigned>(m0 + 1), 1);
  std::vector<std::int64_t> days;
  for (std::int64_t i = 0; i < months; ++i) {
    const std::int64_t k = m0 + i;
    days.push_back(days_from_civil(y0 + k / 12, static_cast<unsigned>(k % 12 + 1), 1) - origin);
  }
  return days;
}

h5::Group group_for(const h5::File& file, const std::string& name) {
  h5::Group root = file.root();
  if (name.empty()) return root;
  return root.exists(name) ? root.open_group(name) : root.create_group(name);
}

/// Creates the temporary file: a new file (O_EXCL, so no symbolic link is followed and no other
/// run's file is reused) with an unpredictable name in the destination's folder,
/// ".<name>.<16 hex digits>.partial". Returns the file and sets `path`.
h5::File create_partial(const std::string& final_path, std::string& path) {
  const std::filesystem::path dest(final_path);
  std::random_device entropy;
  for (int attempt = 0;; ++attempt) {
    path = unpredictable_sibling(dest, ".partial", entropy);
    try {
      return h5::File::create_new(path);
    } catch (const h5::Error&) {
      if (attempt == 15) throw;
    }
  }
}

}  // namespace

OutputWriter::OutputWriter(std::string final_path, const MetricLayout& layout,
                           const RunAttributes& attrs)
    : final_path_(std::move(final_path)),
      layout_(layout),
      attrs_(attrs),
      file_(create_partial(final_path_, partial_path_)),
      months_completed_(static_cast<std::size_t>(attrs.replications), 0),
      pending_(static_cast<std::size_t>(attrs.replications)),
      last_flush_(std::chrono::steady_clock::now()) {
  // A failure while the file is laid out (the constructor does not finish, so no destructor
  // runs) must not leave the partial file behind either.
  try {
    lay_out();
  } catch (...) {
    discard();
    throw;
  }
}

/// The dimension scale `dim` of `group`, created (with its auxiliary coordinate) on first use.
const h5::Dataset& OutputWriter::scale(const std::string& group, const std::string& dim) {
  auto& in_group = scales_[group];
  const auto reps = static_cast<h5::hsize>(attrs_.replications);
  const auto months = static_cast<h5::hsize>(attrs_.months);
  const std::string start =
      attrs_.start_month.size() >= 7 ? attrs_.start_month : std::string("2000-01");
  if (const auto it = in_group.find(dim); it != in_group.end()) return it->second;
  auto g = group_for(file_, group);
  std::string unit, description;
  h5::Dataset aux;  // a second coordinate along the same axis (month_number, occupation_name)
  if (dim == "replication") {
    std::vector<std::int64_t> r(static_cast<std::size_t>(reps));
    for (std::size_t i = 0; i < r.size(); ++i) r[i] = static_cast<std::int64_t>(i);
    g.write_vector(dim, r);
    description = "replication (0-based, as /events/warn counts them)";
  } else if (dim == "month") {
    g.write_vector(dim, month_days(start, static_cast<std::int64_t>(months)));
    unit = "days since " + start + "-01";
    description = "the month, as its first day; index m is month m + 1 (month 1 = start_month)";
    std::vector<std::int64_t> number(static_cast<std::size_t>(months));
    for (std::size_t i = 0; i < number.size(); ++i) number[i] = static_cast<std::int64_t>(i) + 1;
    g.write_vector("month_number", number);
    aux = g.open_dataset("month_number");
    aux.set_attr("unit", "");
    aux.set_attr("description",
                 "month number, 1-based (month 1 = start_month), as /events/warn and "
                 "`compare --months` count");
  } else {
    const Axis& axis = layout_.axis_named(dim);
    if (axis.labels.empty()) {
      g.write_vector(dim, axis.values);
    } else {
      g.write_strings(dim, axis.labels);
    }
    description = axis.description;
    if (!axis.names.empty()) {
      g.write_strings(dim + "_name", axis.names);
      aux = g.open_dataset(dim + "_name");
      aux.set_attr("unit", "");
      aux.set_attr("description", "name of each " + dim);
    }
  }
  h5::Dataset ds = g.open_dataset(dim);
  ds.set_attr("unit", unit);
  ds.set_attr("description", description);
  if (dim == "month") {
    ds.set_attr("units", unit);  // CF: xarray decodes the axis to dates
    ds.set_attr("calendar", "proleptic_gregorian");
  }
  h5::set_dimension_scale(ds, dim);
  if (aux.valid()) h5::attach_dimension_scale(aux, ds, 0);
  return in_group.emplace(dim, std::move(ds)).first->second;
}

// Attaches the scales of `dims` to `ds`, and names the auxiliary coordinates (CF
// `coordinates`) so that xarray shows month numbers and occupation names beside the axes.
void OutputWriter::label_axes(h5::Dataset& ds, const std::string& group,
                              const std::vector<std::string>& dims) {
  std::string coordinates;
  for (std::size_t i = 0; i < dims.size(); ++i) {
    h5::attach_dimension_scale(ds, scale(group, dims[i]), static_cast<unsigned>(i));
    if (dims[i] == "month") coordinates += " month_number";
    if (dims[i] != "month" && dims[i] != "replication" &&
        !layout_.axis_named(dims[i]).names.empty())
      coordinates += " " + dims[i] + "_name";
  }
  if (!coordinates.empty()) ds.set_attr("coordinates", coordinates.substr(1));
}

void OutputWriter::lay_out() {
  const auto& attrs = attrs_;
  const MetricLayout& layout = layout_;
  const auto reps = static_cast<h5::hsize>(attrs.replications);
  const auto months = static_cast<h5::hsize>(attrs.months);
  auto root = file_.root();
  root.set_attr("format_version", kFormatVersion);
  root.set_attr("software", std::string("labourshift"));
  root.set_attr("software_version", attrs.software_version);
  root.set_attr("scenario", attrs.scenario_name);
  root.set_attr("seed", attrs.seed);
  root.set_attr("replications", attrs.replications);
  root.set_attr("start_month", attrs.start_month);
  root.set_attr("months", attrs.months);
  root.set_attr("threads", attrs.threads);
  root.set_attr("workers", attrs.workers);
  root.set_attr("represented_persons", attrs.represented_persons);
  root.set_attr("persons_per_agent", attrs.persons_per_agent);
  root.set_attr("created", utc_now());
  root.set_attr("complete", std::int64_t{0});
  root.set_attr("wall_seconds", 0.0);
  root.set_attr("months_completed", months_completed_);
  root.write_string("scenario", attrs.scenario_toml);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const auto& spec : layout.specs()) {
    auto g = group_for(file_, spec.group);
    std::vector<h5::hsize> dims{reps, months};
    std::vector<h5::hsize> chunk{1, std::min<h5::hsize>(months, 120)};
    if (!spec.scalar) {
      dims.push_back(spec.width);
      chunk.push_back(spec.width);
    }
    auto ds = g.create_dataset(spec.name, dims, chunk, nan);
    set_unit_attrs(ds, spec.unit, spec.description, spec.us_scale, spec.us_unit);
    std::vector<std::string> axes = {"replication", "month"};
    if (!spec.scalar) axes.push_back(spec.axis);
    label_axes(ds, spec.group, axes);
    datasets_.push_back(std::move(ds));
  }
  for (const auto& spec : layout.statics()) {
    auto g = group_for(file_, spec.group);
    std::vector<h5::hsize> dims{reps};
    for (auto d : spec.shape) dims.push_back(d);
    std::vector<h5::hsize> chunk = dims;
    chunk[0] = 1;
    auto ds = g.create_dataset(spec.name, dims, chunk, nan);
    set_unit_attrs(ds, spec.unit, spec.description, spec.us_scale, spec.us_unit);
    if (spec.axes.size() == spec.shape.size()) {
      std::vector<std::string> axes = {"replication"};
      axes.insert(axes.end(), spec.axes.begin(), spec.axes.end());
      label_axes(ds, spec.group, axes);
    }
    statics_.push_back(std::move(ds));
  }
  for (const auto& spec : layout.events()) {
    auto g = group_for(file_, spec.group);
    auto t = g.create_table(spec.name, spec.columns);
    t.set_attr("unit", "notices (one row each)");
    t.set_attr("description", spec.description);
    events_.push_back(std::move(t));
  }
  events_pending_.resize(events_.size());
  file_.flush();
}

void OutputWriter::discard() noexcept {
  try {
    // The file's objects first: after a failed write (a full disk) closing the file tears down
    // HDF5's state, and closing a dataset afterwards crashed.
    datasets_.clear();
    statics_.clear();
    events_.clear();
    file_.close();
  } catch (...) {
  }
  std::error_code ec;
  std::filesystem::remove(partial_path_, ec);
}

OutputWriter::~OutputWriter() {
  // Destroyed without finish(): an error path. Leave nothing behind.
  if (!finished_) discard();
}

std::int64_t OutputWriter::months_written() {
  std::lock_guard<std::mutex> lock(mutex_);
  return months_completed_.empty()
             ? 0
             : *std::max_element(months_completed_.begin(), months_completed_.end());
}

void OutputWriter::write_month(std::uint32_t replication, int month, const double* values) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& pending = pending_[replication];
  // A replication's months arrive in order: the buffer holds months_completed + 1, + 2, ...
  const auto expected =
      months_completed_[replication] + 1 +
      static_cast<std::int64_t>(pending.size() / std::max<std::size_t>(layout_.size(), 1));
  if (month != expected)
    throw std::logic_error("output: month " + std::to_string(month) + " out of order");
  pending.insert(pending.end(), values, values + layout_.size());
  pending_values_ += layout_.size();
  note_buffers();
  const auto now = std::chrono::steady_clock::now();
  // Written at least every two seconds, so that a reader (or a hard kill) sees the progress so
  // far, as soon as 120 months (a dataset chunk) of a replication are waiting, and before the
  // buffers of all replications together pass kMaxPendingValues (many short replications).
  const auto buffered = pending.size() / std::max<std::size_t>(layout_.size(), 1);
  if (now - last_flush_ > std::chrono::seconds(2) || buffered >= 120 ||
      pending_values_ >= kMaxPendingValues) {
    flush_pending();
    file_.root().set_attr("months_completed", months_completed_);
    file_.flush();
    last_flush_ = now;
  }
}

void OutputWriter::flush_pending() {
  const std::size_t width_all = layout_.size();
  if (width_all == 0) return;
  for (std::size_t r = 0; r < pending_.size(); ++r) {
    auto& pending = pending_[r];
    if (pending.empty()) continue;
    const std::size_t n = pending.size() / width_all;
    const auto rep = static_cast<h5::hsize>(r);
    const auto first = static_cast<h5::hsize>(months_completed_[r]);  // 0-based index of the first
    for (std::size_t i = 0; i < datasets_.size(); ++i) {
      const auto& spec = layout_.specs()[i];
      const std::size_t width = spec.scalar ? 1 : spec.width;
      scratch_.resize(n * width);
      for (std::size_t m = 0; m < n; ++m) {
        std::copy_n(pending.begin() + static_cast<std::ptrdiff_t>(m * width_all + spec.offset),
                    width, scratch_.begin() + static_cast<std::ptrdiff_t>(m * width));
      }
      if (spec.scalar) {
        datasets_[i].write({rep, first}, {1, n}, scratch_.data());
      } else {
        datasets_[i].write({rep, first, 0}, {1, n, spec.width}, scratch_.data());
      }
    }
    months_completed_[r] += static_cast<std::int64_t>(n);
    std::vector<double>().swap(pending);  // released: thousands of replications may pass by
  }
  pending_values_ = 0;
}

void OutputWriter::write_static(std::uint32_t replication, std::size_t static_id,
                                const std::vector<double>& values) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto& spec = layout_.statics()[static_id];
  std::vector<h5::hsize> offset{replication};
  std::vector<h5::hsize> count{1};
  std::size_t n = 1;
  for (auto d : spec.shape) {
    offset.push_back(0);
    count.push_back(d);
    n *= d;
  }
  if (values.size() != n) return;
  statics_[static_id].write(offset, count, values.data());
}

void OutputWriter::write_events(std::size_t table_id, const std::vector<std::int64_t>& rows) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& pending = events_pending_[table_id];
  pending.insert(pending.end(), rows.begin(), rows.end());
  note_buffers();
  if (pending.size() >= kEventBlock) flush_events(table_id);
}

void OutputWriter::note_buffers() {
  std::size_t bytes = pending_values_ * sizeof(double) + scratch_.capacity() * sizeof(double);
  for (const auto& rows : events_pending_) bytes += rows.capacity() * sizeof(std::int64_t);
  peak_buffer_bytes_ = std::max(peak_buffer_bytes_, bytes);
}

void OutputWriter::flush_events(std::size_t table_id) {
  if (events_pending_[table_id].empty()) return;
  events_[table_id].append(events_pending_[table_id]);
  events_pending_[table_id].clear();
}

void OutputWriter::finish(bool complete, double wall_seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  flush_pending();
  for (std::size_t e = 0; e < events_pending_.size(); ++e) flush_events(e);
  auto root = file_.root();
  root.set_attr("months_completed", months_completed_);
  root.set_attr("complete", std::int64_t{complete ? 1 : 0});
  root.set_attr("wall_seconds", wall_seconds);
  datasets_.clear();
  statics_.clear();
  events_.clear();
  file_.close();
  // Only a regular file is ever replaced. An interrupted run never replaces an earlier file (an
  // interrupted --overwrite keeps the previous result): it goes beside it instead.
  if (!is_regular_or_absent(final_path_)) {
    finished_ = true;
    result_path_ = partial_path_;
    throw std::runtime_error(final_path_ +
                             " is not a regular file and was left alone; the results are in " +
                             partial_path_);
  }
  result_path_ = final_path_;
  if (!complete && std::filesystem::exists(std::filesystem::symlink_status(final_path_))) {
    result_path_ = final_path_ + ".interrupted.h5";
    for (int k = 2; std::filesystem::exists(std::filesystem::symlink_status(result_path_)); ++k) {
      result_path_ = final_path_ + ".interrupted-" + std::to_string(k) + ".h5";
    }
  }
  std::filesystem::rename(partial_path_, result_path_);
  finished_ = true;
}

}  // namespace labourshift::sim
