// labourshift command line: run, validate, describe, report, inspect.
#include "analysis/calibration.hpp"
#include "cli/commands.hpp"
#include "cli/format.hpp"
#include "cli/mpi.hpp"
#include "models/labour_market.hpp"
#include "models/memory.hpp"
#include "models/scenario.hpp"
#include "sim/checkpoint.hpp"
#include "sim/error.hpp"
#include "sim/h5.hpp"
#include "sim/output.hpp"
#include "sim/runner.hpp"

#include <tbb/global_control.h>
#include <tbb/info.h>
#include <CLI/CLI.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <sys/resource.h>
#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>
#include <tuple>

#include "build_id.hpp"

#ifndef LABOURSHIFT_VERSION
#define LABOURSHIFT_VERSION "0.0.0"
#endif

namespace ls = labourshift;
namespace fs = std::filesystem;

namespace {

constexpr int kExitInput = 2;
std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};  ///< the first signal received
/// Files a second signal removes before it ends the process (the partial output and the lock),
/// as C strings, since only async-signal-safe calls may run in the handler.
char g_partial_path[4096] = {0};
char g_lock_path[4096] = {0};

extern "C" void on_signal(int sig) {
  if (g_stop.exchange(true)) {
    // A second signal: stop now, and leave nothing half-written behind.
    if (g_partial_path[0] != 0) ::unlink(g_partial_path);
    if (g_lock_path[0] != 0) ::unlink(g_lock_path);
    ::_exit(128 + sig);
  }
  g_signal.store(sig);
}

void remember_path(char (&into)[4096], const std::string& path) {
  const std::size_t n = std::min(path.size(), sizeof into - 1);
  std::copy_n(path.data(), n, into);
  into[n] = 0;
}

/// Catches SIGINT, SIGTERM and SIGHUP while a run writes its output; the run stops at the next
/// month boundary and exits 128 + the signal's number (130, 143, 129).
struct SignalGuard {
  SignalGuard() {
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) std::signal(sig, on_signal);
  }
  ~SignalGuard() {
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) std::signal(sig, SIG_DFL);
    g_partial_path[0] = g_lock_path[0] = 0;
  }
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;
};

struct RunArgs {
  std::string scenario;
  std::string output;
  std::vector<std::string> sets;
  std::string seed, replications, threads, months;  ///< as typed; empty when not given
  bool quiet = false;
  bool verbose = false;  ///< the memory report by component after the summary
  bool overwrite = false;
  std::string checkpoint_every;  ///< as typed; empty when not given
  std::string checkpoint;        ///< checkpoint file (default: <output>.checkpoint)
  std::string resume;            ///< checkpoint to continue from
};

/// --seed, --replications and --months as scenario settings, checked by the scenario's schema
/// (the same ranges as in a file or --set) and named in errors as the user typed them.
std::vector<ls::sim::Setting> options_of(const RunArgs& a) {
  std::vector<ls::sim::Setting> out;
  for (const auto& [flag, key, text] :
       {std::tuple{"--seed", "run.seed", &a.seed},
        std::tuple{"--replications", "run.replications", &a.replications},
        std::tuple{"--months", "run.months", &a.months}}) {
    if (text->empty()) continue;
    ls::sim::Setting s = ls::sim::parse_override(std::string(key) + "=" + *text);
    s.origin = ls::sim::Origin{std::string(flag) + " " + *text, 0};
    out.push_back(std::move(s));
  }
  return out;
}

/// --threads: a whole number from 1 to 1024, or the machine's cores when not given.
int threads_of(const RunArgs& a) {
  if (a.threads.empty()) return tbb::info::default_concurrency();
  int n = 0;
  const auto [end, ec] = std::from_chars(a.threads.data(), a.threads.data() + a.threads.size(), n);
  if (ec != std::errc() || end != a.threads.data() + a.threads.size() || n < 1 || n > 1024) {
    throw ls::sim::InputError("--threads " + a.threads +
                              ": expected a whole number of threads from 1 to 1024");
  }
  return n;
}

/// --checkpoint-every: a whole number of months from 1 to 100000, or 0 when not given.
int checkpoint_every_of(const RunArgs& a) {
  if (a.checkpoint_every.empty()) {
    if (!a.checkpoint.empty()) {
      throw ls::sim::InputError("--checkpoint " + a.checkpoint +
                                ": needs --checkpoint-every N (months between checkpoints)");
    }
    return 0;
  }
  const std::string& t = a.checkpoint_every;
  int n = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
  if (ec != std::errc() || end != t.data() + t.size() || n < 1 || n > 100000) {
    throw ls::sim::InputError("--checkpoint-every " + t +
                              ": expected a whole number of months from 1 to 100000");
  }
  return n;
}

/// The checkpoint file this run writes may replace only a checkpoint: the one it resumes from,
/// or an earlier run's with --overwrite. Anything else at that path is left alone (exit 2).
void check_checkpoint_path(const std::string& path, const std::string& out_path,
                           const std::string& resume, bool overwrite) {
  std::error_code ec;
  if (fs::weakly_canonical(path, ec) == fs::weakly_canonical(out_path, ec)) {
    throw ls::sim::InputError("--checkpoint " + path + ": is the output file; choose another path");
  }
  const auto st = fs::symlink_status(path, ec);
  if (ec || st.type() == fs::file_type::not_found) return;
  if (st.type() != fs::file_type::regular) {
    throw ls::sim::InputError(path +
                              ": exists and is not a regular file; the checkpoint goes nowhere "
                              "else (choose another --checkpoint)");
  }
  if (!ls::sim::is_checkpoint_file(path)) {
    throw ls::sim::InputError(path +
                              ": exists and is not a labourshift checkpoint; it is left alone "
                              "(choose another --checkpoint)");
  }
  if (!resume.empty() && fs::equivalent(path, resume, ec)) return;
  if (!overwrite) {
    throw ls::sim::InputError(path +
                              ": holds the checkpoint of an earlier run; continue it with "
                              "--resume " +
                              path + ", or pass --overwrite to start again");
  }
}

using labourshift::cli::month_label;

using labourshift::cli::with_commas;

/// Mean over replications of metric `offset` in row 0 (month 1) or row 1 (each replication's
/// last completed month) of a result kept with keep_months = false, over the replications that
/// reached month m.
double ensemble_mean(const ls::sim::EnsembleResult& r, std::size_t size, std::size_t offset,
                     int m) {
  double sum = 0;
  int n = 0;
  for (std::size_t k = 0; k < r.values.size(); ++k) {
    if (r.months_done[k] < m || (m > 1 && r.months_done[k] != m)) continue;
    sum += r.values[k][(m > 1 ? size : 0) + offset];
    ++n;
  }
  return n > 0 ? sum / n : 0.0;
}

/// Month 1 and the last month, as means over replications. An interrupted run's last column is
/// the furthest month any replication completed, over the replications that completed it.
void print_summary(const ls::models::Model& model, const ls::sim::EnsembleResult& r) {
  const int last =
      r.months_done.empty() ? 0 : *std::max_element(r.months_done.begin(), r.months_done.end());
  if (last == 0) return;
  const auto reached =
      static_cast<std::size_t>(std::count(r.months_done.begin(), r.months_done.end(), last));
  const auto started = static_cast<std::size_t>(
      std::count_if(r.months_done.begin(), r.months_done.end(), [](int m) { return m > 0; }));
  const auto& L = model.layout;
  const auto& id = model.ids;
  const std::string& start = model.scenario.run.start;
  std::printf(
      "\n%-30s %18s %18s\n", "", ("month 1 (" + month_label(start, 0) + ")").c_str(),
      ("month " + std::to_string(last) + " (" + month_label(start, last - 1) + ")").c_str());
  auto pct = [&](const char* label, std::size_t off) {
    std::printf("%-30s %17.2f%% %17.2f%%\n", label, 100 * ensemble_mean(r, L.size(), off, 1),
                100 * ensemble_mean(r, L.size(), off, last));
  };
  // Counts at US scale: agents x persons per agent.
  const double k = model.persons_per_agent;
  auto count = [&](const char* label, std::size_t off) {
    std::printf("%-30s %18s %18s\n", label,
                with_commas(k * ensemble_mean(r, L.size(), off, 1)).c_str(),
                with_commas(k * ensemble_mean(r, L.size(), off, last)).c_str());
  };
  pct("unemployment rate", id.series("unemployment_rate"));
  pct("long-term share", id.series("long_term_unemployment_share"));
  pct("hires rate (per month)", id.series("hires_rate"));
  pct("quits rate (per month)", id.series("quits_rate"));
  pct("layoffs rate (per month)", id.series("layoffs_rate"));
  pct("openings rate", id.series("openings_rate"));
  count("AI layoffs (persons/month)", id.series("layoffs_ai"));
  count("employment (persons)", id.series("employment"));
  if (started == r.values.size() && reached == started) {
    if (r.values.size() > 1) std::printf("(means over %zu replications)\n", r.values.size());
  } else {
    std::printf(
        "(means over the %zu replications that reached month 1 and the %zu that reached "
        "month %d, of %zu)\n",
        started, reached, last, r.values.size());
  }
}

void write_tables(ls::sim::OutputWriter& out, const ls::models::Model& model) {
  auto occ = out.root().create_group("occupations");
  std::vector<std::string> ids, names;
  std::vector<double> wage, exposure, routine, coord, comp, manager, ai_role, knowledge;
  for (const auto& o : model.data.occupations) {
    ids.push_back(o.id);
    names.push_back(o.name);
    wage.push_back(o.wage_month_usd);
    exposure.push_back(o.exposure);
    routine.push_back(o.routine);
    coord.push_back(o.coordination);
    comp.push_back(o.complementarity);
    manager.push_back(o.manager ? 1 : 0);
    ai_role.push_back(o.ai_role ? 1 : 0);
    knowledge.push_back(o.knowledge_role ? 1 : 0);
  }
  occ.write_strings("id", ids);
  occ.write_strings("name", names);
  occ.write_vector("wage_month_usd", wage);
  occ.write_vector("exposure", exposure);
  occ.write_vector("routine", routine);
  occ.write_vector("coordination", coord);
  occ.write_vector("complementarity", comp);
  occ.write_vector("manager", manager);
  occ.write_vector("ai_role", ai_role);
  occ.write_vector("knowledge_role", knowledge);
  occ.write_vector("automatable", model.automatable);
  occ.write_vector("exposed", std::vector<double>(model.exposed.begin(), model.exposed.end()));
  const auto n = static_cast<ls::h5::hsize>(model.data.mobility.rows());
  std::vector<double> a;
  for (Eigen::Index i = 0; i < model.data.mobility.rows(); ++i) {
    for (Eigen::Index j = 0; j < model.data.mobility.cols(); ++j)
      a.push_back(model.data.mobility(i, j));
  }
  auto mob = occ.create_dataset("mobility", {n, n}, {n, n}, 0.0);
  mob.write({0, 0}, {n, n}, a.data());
  mob.set_attr("unit", std::string("probability per year"));
  mob.set_attr("description",
               std::string("A(o, o'): rows origin, columns destination; rows sum to 1"));
  auto cls = out.root().create_group("firm_classes");
  std::vector<double> share, seller;
  for (const auto& c : model.scenario.firms) {
    share.push_back(c.value.employment_share);
    seller.push_back(c.value.ai_seller ? 1 : 0);
  }
  cls.write_strings("name", model.class_names);
  cls.write_vector("employment_share", share);
  cls.write_vector("ai_seller", seller);

  // The named firms and their announced layoffs (data.named_firms, data.named_firm_events).
  const auto& named = model.firm_data.named;
  if (!named.empty()) {
    auto firms = out.root().create_group("firms");
    std::vector<std::string> firm_names, classes, as_of, position;
    std::vector<double> employees, agents, firm_seller;
    for (const auto& f : named) {
      firm_names.push_back(f.name);
      classes.push_back(model.class_names[f.firm_class]);
      as_of.push_back(f.as_of);
      position.push_back(f.ai_position);
      employees.push_back(f.employees);
      agents.push_back(std::round(f.employees / model.persons_per_agent));
      firm_seller.push_back(f.ai_seller ? 1 : 0);
    }
    firms.write_strings("name", firm_names);
    firms.write_strings("class", classes);
    firms.write_vector("employees", employees);
    firms.write_strings("as_of", as_of);
    firms.write_vector("agents", agents);
    firms.write_vector("ai_seller", firm_seller);
    firms.write_strings("ai_position", position);
    auto ann = firms.create_group("announced");
    std::vector<std::string> ann_firm, ann_month, ann_ai;
    std::vector<double> ann_persons;
    for (const auto& e : model.firm_data.announced) {
      ann_firm.push_back(named[e.firm].name);
      ann_month.push_back(e.month);
      ann_persons.push_back(e.announced);
      ann_ai.push_back(e.ai_cited);
    }
    ann.write_strings("firm", ann_firm);
    ann.write_strings("month", ann_month);
    ann.write_vector("persons", ann_persons);
    ann.write_strings("ai_cited", ann_ai);
  }

  // Every dataset says what it is, and is labelled by its axis (docs/outputs.md).
  struct Doc {
    const char* group;
    const char* name;
    const char* unit;
    const char* description;
  };
  const Doc docs[] = {
      {"occupations", "id", "", "occupation id (the data's code)"},
      {"occupations", "name", "", "occupation name"},
      {"occupations", "wage_month_usd", "USD/person-month",
       "mean wage at the start (OEWS mean annual wage / 12)"},
      {"occupations", "exposure", "share", "generative-AI exposure of the occupation's tasks"},
      {"occupations", "routine", "share", "routine content of the tasks"},
      {"occupations", "coordination", "share", "coordination content of the tasks (kappa_o)"},
      {"occupations", "complementarity", "share",
       "complementarity c_o: exposed work that AI augments rather than replaces"},
      {"occupations", "manager", "0/1", "a management occupation"},
      {"occupations", "ai_role", "0/1", "an AI role (builds or runs AI systems)"},
      {"occupations", "knowledge_role", "0/1", "institutional-knowledge role (reliability)"},
      {"occupations", "automatable", "share",
       "x_o: the share of the occupation's work AI can take (exposure with routine and "
       "coordination content)"},
      {"occupations", "exposed", "0/1",
       "high exposure: top fifth of employment by automatable share, AI roles excepted"},
      {"firm_classes", "name", "", "firm class name"},
      {"firm_classes", "employment_share", "share", "share of initial employment in the class"},
      {"firm_classes", "ai_seller", "0/1", "the class sells AI services"},
      {"firms", "name", "", "named firm (data.named_firms)"},
      {"firms", "class", "", "the named firm's class"},
      {"firms", "employees", "persons", "headcount placed at the start (worldwide, as reported)"},
      {"firms", "as_of", "", "date of the headcount"},
      {"firms", "agents", "agents",
       "agents the firm starts with: employees / persons per agent, rounded (0: not modelled "
       "apart at this scale)"},
      {"firms", "ai_seller", "0/1", "the firm sells AI services"},
      {"firms", "ai_position", "", "the firm's position in AI"},
  };
  auto describe = [](ls::h5::Dataset& ds, const Doc& d) {
    ds.set_attr("unit", std::string(d.unit));
    ds.set_attr("description", std::string(d.description));
  };
  for (const Doc& d : docs) {
    const std::string group = d.group;
    if (group == "firms" && named.empty()) continue;
    auto ds = out.root().open_group(group).open_dataset(d.name);
    describe(ds, d);
    out.label_axes(ds, group,
                   {group == "occupations" ? "occupation"
                    : group == "firms"     ? "firm"
                                           : "firm_class"});
  }
  out.label_axes(mob, "occupations", {"origin", "destination"});
  if (!named.empty()) {
    const Doc announced[] = {
        {"firms/announced", "firm", "", "named firm (as /firms/name)"},
        {"firms/announced", "month", "", "month of the announcement, YYYY-MM"},
        {"firms/announced", "persons", "persons",
         "layoffs announced (global, as reported; Layoffs.fyi)"},
        {"firms/announced", "ai_cited", "", "yes: the announcement names AI; no; unknown"}};
    for (const Doc& d : announced) {
      auto ds = out.root().open_group("firms").open_group("announced").open_dataset(d.name);
      describe(ds, d);
    }
  }
  auto scenario = out.root().open_dataset("scenario");
  scenario.set_attr("unit", std::string(""));
  scenario.set_attr("description",
                    std::string("the fully resolved scenario as TOML: running it again "
                                "reproduces the file"));
}

/// The system's reason in an HDF5 write error ("No space left on device"), or its first line.
std::string storage_reason(const std::string& what) {
  const std::string key = "error message = '";
  const auto at = what.find(key);
  if (at != std::string::npos) {
    const auto end = what.find('\'', at + key.size());
    if (end != std::string::npos) return what.substr(at + key.size(), end - at - key.size());
  }
  return what.substr(0, what.find('\n'));
}

long peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

/// `run --verbose`: what the state held by component (the largest replication, at its end, when
/// every table is at its largest), the writer's buffers, and the measured peak.
void print_memory_report(const ls::sim::EnsembleResult& result, std::size_t output_bytes,
                         const ls::models::MemoryEstimate& estimate, double held_workers) {
  const int held = std::max(1, estimate.concurrent);
  std::printf("memory by component (bytes held, one replication at its end; %d held at once):\n",
              held);
  double state = 0;
  for (const auto& [name, bytes] : result.memory) {
    std::printf("  %-48s %10s  %5.1f bytes/worker\n", name.c_str(),
                ls::models::format_bytes(bytes).c_str(), bytes * held / held_workers);
    state += bytes;
  }
  const auto output = static_cast<double>(output_bytes);
  std::printf("  %-48s %10s\n", "output buffers (months, events not yet written)",
              ls::models::format_bytes(output).c_str());
  const double peak = static_cast<double>(peak_rss_mb()) * (1 << 20);
  const double rest = peak - state * held - output;
  const std::string rest_text = (rest < 0 ? "-" : "") + ls::models::format_bytes(std::abs(rest));
  std::printf("  %-48s %10s\n", "the rest (program, data, HDF5, allocator)", rest_text.c_str());
  std::printf("  %-48s %10s  %5.1f bytes/worker (estimated %s)\n", "peak resident (measured)",
              ls::models::format_bytes(peak).c_str(), peak / held_workers,
              ls::models::format_bytes(estimate.bytes).c_str());
}

/// Holds an exclusive lock on "<dir>/.<name>.lock" for the destination <dir>/<name> while a run
/// writes it, so that a second run writing the same output stops at once (exit 2); removed when
/// the run ends.
class OutputLock {
 public:
  explicit OutputLock(std::string path) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd_ < 0) return;  // an unwritable folder fails later, when the output is created
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd_);
      fd_ = -1;
      throw ls::sim::InputError("another labourshift run is writing the same output (it holds " +
                                path_ + "); wait for it or choose another -o");
    }
  }
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;
  const std::string& path() const { return path_; }
  ~OutputLock() {
    if (fd_ < 0) return;
    ::unlink(path_.c_str());
    ::close(fd_);
  }

 private:
  std::string path_;
  int fd_ = -1;
};

/// Checks the destination before anything is computed: an existing entry must be a regular file,
/// replaced only with --overwrite.
void check_output(const std::string& out_path, bool overwrite) {
  if (out_path.empty() || out_path.back() == '/' || fs::path(out_path).filename() == "." ||
      fs::path(out_path).filename() == "..") {
    throw ls::sim::InputError(out_path + ": names a folder, not a file; give a file name, e.g. " +
                              out_path + (out_path.empty() || out_path.back() == '/' ? "" : "/") +
                              "run.h5");
  }
  // The nearest existing ancestor must be a writable folder (a file in the way, or a read-only
  // folder, fails here rather than after the run).
  fs::path p = fs::path(out_path).parent_path();
  std::error_code pec;
  while (!p.empty() && fs::status(p, pec).type() == fs::file_type::not_found) p = p.parent_path();
  if (p.empty()) p = ".";
  if (!fs::is_directory(p, pec))
    throw ls::sim::InputError(out_path + ": " + p.string() + " is not a folder");
  if (::access(p.c_str(), W_OK) != 0) {
    throw ls::sim::InputError(out_path + ": the folder " + p.string() + " is not writable");
  }
  std::error_code ec;
  const auto st = fs::symlink_status(out_path, ec);
  if (st.type() != fs::file_type::not_found && !ec) {
    if (st.type() != fs::file_type::regular) {
      throw ls::sim::InputError(out_path +
                                ": exists and is not a regular file (a directory, link, FIFO or "
                                "device); only regular files are ever replaced");
    }
    if (!overwrite) {
      throw ls::sim::InputError(out_path +
                                ": the output file exists; choose another -o or pass "
                                "--overwrite to replace it");
    }
  }
}

/// Creates the destination's folder if needed and takes the output lock.
OutputLock lock_output(const std::string& out_path) {
  const fs::path dest(out_path);
  const fs::path parent = dest.parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) {
      throw ls::sim::InputError(out_path + ": cannot create the folder " + parent.string() + ": " +
                                ec.message());
    }
  }
  std::string name(1, '.');  // appended: literal + string warns falsely in GCC 12 (-Wrestrict)
  name.append(dest.filename().string()).append(".lock");
  return OutputLock((parent / name).string());
}

/// Columns of each event table (rows are stored flat).
std::vector<std::size_t> event_columns(const ls::sim::MetricLayout& layout) {
  std::vector<std::size_t> columns;
  for (const auto& e : layout.events()) columns.push_back(e.columns.size());
  return columns;
}

/// Under mpirun: rank 0 writes every replication, in replication order, as one process running
/// them all would have (months, statics, then each event table), and the summary's rows (month 1
/// and the last) replace the kept months.
void write_gathered(ls::sim::OutputWriter& writer, const ls::sim::MetricLayout& layout,
                    ls::sim::EnsembleResult& result) {
  const std::size_t width = layout.size();
  for (std::size_t r = 0; r < result.values.size(); ++r) {
    const auto rep = static_cast<std::uint32_t>(r);
    for (int month = 1; month <= result.months_done[r]; ++month)
      writer.write_month(rep, month,
                         result.values[r].data() + static_cast<std::size_t>(month - 1) * width);
    for (std::size_t s = 0; s < result.statics[r].size(); ++s)
      writer.write_static(rep, s, result.statics[r][s]);
    std::vector<double> rows(2 * width, 0.0);
    const int last = result.months_done[r];
    if (last > 0) {
      std::copy_n(result.values[r].begin(), width, rows.begin());
      std::copy_n(result.values[r].begin() + static_cast<std::ptrdiff_t>((last - 1) * width), width,
                  rows.begin() + static_cast<std::ptrdiff_t>(width));
    }
    result.values[r] = std::move(rows);
  }
  for (std::size_t e = 0; e < result.events.size(); ++e) {
    if (!result.events[e].empty()) writer.write_events(e, result.events[e]);
  }
}

int cmd_run(const RunArgs& a) {
  const int threads = threads_of(a);
  const ls::models::Scenario sc = ls::models::load_scenario(a.scenario, a.sets, options_of(a));
  const std::string out_path = a.output.empty() ? "out/" + sc.run.name + ".h5" : a.output;
  check_output(out_path, a.overwrite);
  // Under mpirun the replications are spread over the ranks and rank 0 writes the file.
  const ls::cli::Ranks& mpi = ls::cli::ranks();
  const bool spread = mpi.active && mpi.size > 1;
  const bool root = mpi.rank == 0;
  if (spread && (checkpoint_every_of(a) > 0 || !a.resume.empty())) {
    throw ls::sim::InputError(
        "--checkpoint-every and --resume work on one process: under mpirun each rank runs its own "
        "replications; run without mpirun to checkpoint");
  }
  const int every = checkpoint_every_of(a);
  const std::string checkpoint_path =
      a.checkpoint.empty() ? out_path + ".checkpoint" : a.checkpoint;
  if (every > 0) check_checkpoint_path(checkpoint_path, out_path, a.resume, a.overwrite);
  auto model = ls::models::Model::build(sc);
  // Before anything is allocated: a run that cannot fit stops now, not at std::bad_alloc.
  const bool lockstep = every > 0 || !a.resume.empty();
  const ls::models::MemoryEstimate memory =
      ls::models::check_memory(*model, threads, a.scenario, lockstep);
  if (spread && !root) {
    // A rank other than 0 runs its replications, hands them to rank 0 and writes nothing. A
    // signal stops it at a month boundary, like rank 0, so the file holds what both reached.
    const SignalGuard signals;
    tbb::global_control control(tbb::global_control::max_allowed_parallelism,
                                static_cast<std::size_t>(threads));
    ls::sim::EnsembleOptions opts;
    opts.replications = sc.run.replications;
    opts.months = sc.run.months;
    opts.stop = &g_stop;
    opts.stride = static_cast<std::uint32_t>(mpi.size);
    opts.offset = static_cast<std::uint32_t>(mpi.rank);
    auto make = [&](std::uint32_t rep) -> std::unique_ptr<ls::sim::Replication> {
      return std::make_unique<ls::models::LabourMarket>(model, rep);
    };
    ls::sim::EnsembleResult result = ls::sim::run_ensemble(make, model->layout, opts, nullptr);
    ls::cli::gather_replications(result, event_columns(model->layout));
    return 0;
  }
  tbb::global_control control(tbb::global_control::max_allowed_parallelism,
                              static_cast<std::size_t>(threads));
  auto make = [&](std::uint32_t rep) -> std::unique_ptr<ls::sim::Replication> {
    return std::make_unique<ls::models::LabourMarket>(model, rep);
  };
  ls::sim::CheckpointHeader checkpoint_header;
  // The version and the build's commit: a checkpoint of other code is refused, even when its
  // fields look the same.
  checkpoint_header.software_version =
      std::string(LABOURSHIFT_VERSION) + " (build " + LABOURSHIFT_BUILD_ID + ")";
  checkpoint_header.scenario_toml = ls::models::to_toml(sc);
  checkpoint_header.replications = sc.run.replications;
  checkpoint_header.months = sc.run.months;
  // A checkpoint is read whole before anything is written: one from another version or scenario,
  // or a damaged one, stops the run here (exit 2).
  std::optional<ls::sim::ResumePoint> resume;
  if (!a.resume.empty()) {
    resume = ls::sim::read_checkpoint(a.resume, checkpoint_header, model->layout, make);
  }
  // Signals are caught before the first file (the lock) exists: one arriving while the output is
  // being created stops the run at its first month boundary with a readable file, instead of
  // killing the process with the lock and the partial file left behind.
  std::optional<SignalGuard> signals(std::in_place);
  const OutputLock lock = lock_output(out_path);
  remember_path(g_lock_path, lock.path());
  ls::sim::RunAttributes attrs;
  attrs.scenario_name = sc.run.name;
  attrs.scenario_toml = ls::models::to_toml(sc);
  attrs.software_version = LABOURSHIFT_VERSION;
  attrs.start_month = sc.run.start;
  attrs.seed = sc.run.seed;
  attrs.replications = sc.run.replications;
  attrs.months = sc.run.months;
  attrs.threads = threads;
  attrs.workers = sc.population.workers;
  attrs.represented_persons = sc.population.represented_persons;
  attrs.persons_per_agent = model->persons_per_agent;
  ls::sim::OutputWriter writer(out_path, model->layout, attrs);
  write_tables(writer, *model);

  remember_path(g_partial_path, writer.partial_path());
  if (!a.quiet) {
    std::fprintf(stderr,
                 "labourshift %s: %s, %s workers x %d months x %d replication(s), %d thread(s), "
                 "about %s of memory\n",
                 LABOURSHIFT_VERSION, sc.run.name.c_str(),
                 with_commas(static_cast<double>(sc.population.workers)).c_str(), sc.run.months,
                 sc.run.replications, threads, ls::models::format_bytes(memory.bytes).c_str());
    if (resume) {
      std::fprintf(stderr, "resuming from %s at month %lld of %d\n", a.resume.c_str(),
                   static_cast<long long>(resume->header.month), sc.run.months);
    }
    if (every > 0) {
      std::fprintf(stderr, "a checkpoint every %d month(s) to %s\n", every,
                   checkpoint_path.c_str());
    }
  }
  ls::sim::EnsembleOptions opts;
  opts.replications = sc.run.replications;
  opts.months = sc.run.months;
  opts.progress = !a.quiet;
  opts.stop = &g_stop;
  opts.keep_months = false;  // the file has them; the summary needs month 1 and the last
  opts.keep_events = false;
  opts.checkpoint_every = every;
  opts.checkpoint_path = checkpoint_path;
  opts.checkpoint_header = checkpoint_header;
  opts.resume = resume ? &*resume : nullptr;
  if (spread) {  // rank 0: its own replications, kept whole, then everyone's to the file
    opts.stride = static_cast<std::uint32_t>(mpi.size);
    opts.keep_months = true;
    opts.keep_events = true;
  }
  const int resumed_month = resume ? static_cast<int>(resume->header.month) : 0;
  ls::sim::EnsembleResult result;
  try {
    const auto started = std::chrono::steady_clock::now();
    result = ls::sim::run_ensemble(make, model->layout, opts, spread ? nullptr : &writer);
    if (spread) {
      ls::cli::gather_replications(result, event_columns(model->layout));
      write_gathered(writer, model->layout, result);
      result.complete = std::all_of(result.months_done.begin(), result.months_done.end(),
                                    [&](int m) { return m == sc.run.months; });
      result.wall_seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    }
    writer.finish(result.complete, result.wall_seconds);
  } catch (const ls::h5::Error& e) {
    // The storage failed (a full disk, a size limit): stop now, leave no partial file, keep any
    // earlier result at the destination.
    throw ls::sim::OutputError(out_path + ": writing the output failed after month " +
                               std::to_string(writer.months_written()) + " of " +
                               std::to_string(sc.run.months) + " (" + storage_reason(e.what()) +
                               "); the run stopped and wrote nothing" +
                               (a.overwrite ? " (the earlier file is kept)" : ""));
  }
  signals.reset();

  // A finished run's checkpoint is spent: the one it wrote, or the one it resumed from.
  std::string removed;
  if (result.complete) {
    std::vector<std::string> spent;
    if (every > 0) spent.push_back(checkpoint_path);
    if (!a.resume.empty() && a.resume != checkpoint_path) spent.push_back(a.resume);
    for (const std::string& path : spent) {
      std::error_code ec;
      if (fs::is_regular_file(fs::symlink_status(path, ec)) && ls::sim::is_checkpoint_file(path) &&
          fs::remove(path, ec) && !ec)
        removed += (removed.empty() ? "" : ", ") + path;
    }
  }

  long long worker_months = 0;  // simulated by this process (not those restored)
  for (int m : result.months_done)
    worker_months += static_cast<long long>(std::max(0, m - resumed_month)) * sc.population.workers;
  if (!a.quiet) print_summary(*model, result);
  const std::string& wrote = writer.result_path();
  // Measured: the process's peak resident memory over the workers of the replications it held
  // at once.
  const double held_workers =
      static_cast<double>(sc.population.workers) * std::max(1, memory.concurrent);
  std::printf(
      "\n%s %s in %.2f s (%.1f M worker-months/s, peak memory %ld MiB = %.0f bytes/worker, "
      "estimated %.0f MiB)\n",
      result.complete ? "wrote" : "INTERRUPTED: wrote partial results to", wrote.c_str(),
      result.wall_seconds, static_cast<double>(worker_months) / result.wall_seconds / 1e6,
      peak_rss_mb(), static_cast<double>(peak_rss_mb()) * (1 << 20) / held_workers,
      memory.bytes / (1 << 20));
  if (a.verbose) print_memory_report(result, writer.peak_buffer_bytes(), memory, held_workers);
  if (!result.complete) {
    const auto [low, high] =
        std::minmax_element(result.months_done.begin(), result.months_done.end());
    const int first = result.months_done.empty() ? 0 : *low;
    const int last = result.months_done.empty() ? 0 : *high;
    const std::string reached = first == last
                                    ? "after month " + std::to_string(last)
                                    : "with replications at months " + std::to_string(first) +
                                          " to " + std::to_string(last);
    std::fprintf(stderr,
                 "labourshift: interrupted (signal %d) %s of %d; %s is readable and marked "
                 "complete = 0 (months_completed gives each replication's)\n",
                 g_signal.load(), reached.c_str(), sc.run.months, wrote.c_str());
    if (result.last_checkpoint_month > 0) {
      std::fprintf(stderr,
                   "labourshift: the checkpoint %s holds month %d; continue with the same command "
                   "and --resume %s%s\n",
                   every > 0 ? checkpoint_path.c_str() : a.resume.c_str(),
                   result.last_checkpoint_month,
                   every > 0 ? checkpoint_path.c_str() : a.resume.c_str(),
                   fs::exists(fs::symlink_status(out_path)) ? " --overwrite" : "");
    }
    return 128 + g_signal.load();
  }
  if (!removed.empty() && !a.quiet)
    std::printf("removed the spent checkpoint %s\n", removed.c_str());
  return 0;
}

int cmd_validate(const std::string& path, const std::vector<std::string>& sets) {
  const ls::models::Scenario sc = ls::models::load_scenario(path, sets);
  auto model = ls::models::Model::build(sc);  // checks the data files too
  const int threads = tbb::info::default_concurrency();
  const ls::models::MemoryEstimate memory = ls::models::check_memory(*model, threads, path);
  std::printf(
      "%s: valid (%s: %zu occupations, %zu firm classes, %lld workers, %d months from %s; about "
      "%s of memory at %d threads)\n",
      path.c_str(), sc.run.name.c_str(), model->data.size(), model->class_names.size(),
      static_cast<long long>(sc.population.workers), sc.run.months, sc.run.start.c_str(),
      ls::models::format_bytes(memory.bytes).c_str(), threads);
  return 0;
}

int cmd_describe(const std::string& format) {
  const auto& schema = ls::models::scenario_schema();
  const std::string defaults = ls::models::to_toml(schema.make_default());
  if (format == "toml") {
    std::cout << defaults;
    return 0;
  }
  std::cout
      << "# Scenario parameters\n\n"
         "Generated by `labourshift describe` from the one declaration of every parameter in\n"
         "models/scenario.cpp; a test fails when this file and the code drift apart. Regenerate\n"
         "with `build/labourshift describe > docs/parameters.md`. Units: 1/month and 1/year are\n"
         "rates; share is a fraction in [0, 1]; agents are simulated workers.\n";
  // One table per scenario block, blocks in order of first declaration.
  const auto params = schema.params();
  std::vector<std::string> tables;
  for (const auto& p : params) {
    const std::string table = p.key.substr(0, p.key.find('.'));
    if (std::find(tables.begin(), tables.end(), table) == tables.end()) tables.push_back(table);
  }
  for (const auto& table : tables) {
    std::cout << "\n## [" << (table == "firms" ? "firms.<name>" : table) << "]\n\n"
              << "| key | type | default | unit | range | meaning | source "
                 "|\n|---|---|---|---|---|---|---|\n";
    for (const auto& p : params) {
      if (p.key.substr(0, p.key.find('.')) != table) continue;
      std::cout << "| `" << p.key << "` | " << p.type << " | `" << p.default_text << "` | "
                << p.unit << " | " << p.range << " | " << p.description << " | " << p.source
                << " |\n";
    }
  }
  // Each default firm class overrides some of the class defaults above.
  std::cout << "\n## Default firm classes\n\nA scenario's `[firms.<name>]` table changes the class "
               "of that "
               "name, or adds one. The defaults:\n\n```toml";
  const auto at = defaults.find("\n[firms.");
  std::cout << (at == std::string::npos ? std::string("\n") : defaults.substr(at)) << "```\n";
  return 0;
}

}  // namespace

namespace {

int run_main(int argc, char** argv) {
  CLI::App app{"labourshift: an agent-based labour-market simulator of the AI reallocation"};
  app.set_version_flag("--version", std::string(LABOURSHIFT_VERSION));
  app.require_subcommand(1);

  RunArgs run;
  auto* run_cmd = app.add_subcommand("run", "run a scenario and write monthly series to HDF5");
  run_cmd->add_option("scenario", run.scenario, "scenario file (TOML)")->required();
  run_cmd->add_option("-o,--output", run.output, "output file (default: out/<scenario name>.h5)");
  // Checked by the scenario's schema (seed, replications, months) or threads_of, not by CLI11:
  // one range and one message per value, wherever it is set.
  run_cmd->add_option("--seed", run.seed, "random seed (overrides run.seed)");
  run_cmd->add_option("--replications", run.replications,
                      "replications (overrides run.replications)");
  run_cmd->add_option("--threads", run.threads, "worker threads, 1 to 1024 (default: all cores)");
  run_cmd->add_option("--months", run.months, "months to simulate (overrides run.months)");
  run_cmd->add_option("--set", run.sets, "override a parameter: key.path=value (repeatable)");
  run_cmd->add_flag("--quiet", run.quiet, "no progress bar and no summary table");
  run_cmd->add_flag("--verbose", run.verbose,
                    "after the summary, the memory the run held by component (workers, firms, "
                    "matching, lists, output buffers) beside the measured peak");
  run_cmd->add_flag("--overwrite", run.overwrite, "replace the output file if it exists");
  run_cmd->add_option("--checkpoint-every", run.checkpoint_every,
                      "write a checkpoint every N months (to --checkpoint)");
  run_cmd->add_option("--checkpoint", run.checkpoint,
                      "checkpoint file (default: <output>.checkpoint)");
  run_cmd->add_option(
      "--resume", run.resume,
      "continue an interrupted run from its checkpoint (same scenario and options)");

  std::string validate_path;
  std::vector<std::string> validate_sets;
  auto* val_cmd =
      app.add_subcommand("validate", "check a scenario and its data files; write nothing");
  val_cmd->add_option("scenario", validate_path, "scenario file (TOML)")->required();
  val_cmd->add_option("--set", validate_sets, "override a parameter: key.path=value (repeatable)");

  std::string describe_format = "markdown";
  auto* desc_cmd = app.add_subcommand("describe", "list every scenario parameter");
  desc_cmd->add_option("--format", describe_format, "markdown or toml")
      ->check(CLI::IsMember({"markdown", "toml"}));

  std::vector<std::string> report_inputs;
  std::string report_dir;
  auto* rep_cmd = app.add_subcommand(
      "report", "figures and an HTML report of output files (several: compared)");
  rep_cmd->add_option("inputs", report_inputs, "output files (HDF5)")->required();
  rep_cmd->add_option("-o,--output", report_dir,
                      "report folder (default: report/<stem of the first input>)");

  std::string inspect_path;
  auto* ins_cmd =
      app.add_subcommand("inspect", "an output file's metadata, datasets and headline numbers");
  ins_cmd->add_option("file", inspect_path, "output file (HDF5)")->required();

  std::string calibration_file;
  std::string calibration_out;
  bool calibration_quiet = false;
  auto* cal_cmd = app.add_subcommand(
      "calibrate", "fit scenario parameters to targets (method of simulated moments)");
  cal_cmd->add_option("calibration", calibration_file, "calibration file (TOML)")->required();
  cal_cmd->add_option("-o,--output", calibration_out,
                      "folder for calibrated.toml, fit.csv, evaluations.csv");
  cal_cmd->add_flag("--quiet", calibration_quiet, "no progress line");
  bool calibration_overwrite = false;
  cal_cmd->add_flag("--overwrite", calibration_overwrite,
                    "replace calibrated.toml, fit.csv and evaluations.csv");

  std::string moments_calibration, moments_rows, moments_out;
  auto* moments_cmd = app.add_subcommand(
      "moments", "parameters in (CSV rows), the calibration's simulated moments out (CSV)");
  moments_cmd->add_option("calibration", moments_calibration, "calibration file (TOML)")
      ->required();
  moments_cmd
      ->add_option("rows", moments_rows,
                   "CSV: a header of the calibration's parameters, "
                   "one row per point (- for stdin)")
      ->required();
  moments_cmd->add_option("-o,--output", moments_out, "CSV to write (default: stdout)");
  bool moments_overwrite = false;
  moments_cmd->add_flag("--overwrite", moments_overwrite, "replace an existing -o file");

  std::string sweep_design, sweep_out = "out/sweep.h5";
  bool sweep_overwrite = false;
  auto* sweep_cmd = app.add_subcommand(
      "sweep", "a grid, Latin hypercube or Sobol design over scenario parameters (docs/sweeps.md)");
  sweep_cmd->add_option("design", sweep_design, "sweep design (TOML)")->required();
  sweep_cmd->add_option("-o,--output", sweep_out, "output file (a CSV is written beside it)");
  sweep_cmd->add_flag("--overwrite", sweep_overwrite, "replace an existing output");

  std::string serve_scenario = "scenarios/classroom.toml", serve_host = "127.0.0.1";
  int serve_port = 8080;
  auto* serve_cmd = app.add_subcommand(
      "serve", "a local page with sliders and live charts, for a classroom (127.0.0.1 by default)");
  serve_cmd->add_option("scenario", serve_scenario, "scenario file (scenarios/classroom.toml)");
  serve_cmd->add_option("--host", serve_host,
                        "address to listen on (127.0.0.1: this machine only)");
  serve_cmd->add_option("--port", serve_port, "port (0: any free port; the first line says which)")
      ->check(CLI::Range(0, 65535));

  std::vector<std::string> compare_files;
  std::string compare_window;
  auto* cmp_cmd =
      app.add_subcommand("compare", "key indicators of several output files side by side");
  cmp_cmd->add_option("files", compare_files, "output files (HDF5)")->required()->expected(1, -1);
  cmp_cmd->add_option("--months", compare_window,
                      "window of months, 1-based: M (one month) or A:B (default: the whole run)");
  bool compare_normalise = false;
  std::string compare_baseline, compare_format = "text";
  cmp_cmd->add_option("--baseline", compare_baseline,
                      "paired comparison: each file's difference from this one, per replication "
                      "(the same seed and replications: common random numbers), with a 95% "
                      "confidence interval");
  cmp_cmd->add_option("--format", compare_format, "text (default), csv or json");
  cmp_cmd->add_flag("--normalise,--normalize", compare_normalise,
                    "compare runs of different size (agents) or length anyway: every figure is at "
                    "US scale, over the months all runs have");

  try {
    // An unknown first word is a mistyped command, not a missing one.
    if (argc > 1 && argv[1][0] != '-' &&
        app.get_subcommands([&](const CLI::App* c) { return c->get_name() == argv[1]; }).empty()) {
      std::string known;
      for (const CLI::App* c : app.get_subcommands({})) {
        known += (known.empty() ? "" : " | ") + c->get_name();
      }
      std::fprintf(stderr, "labourshift: error: unknown command '%s': expected %s\n", argv[1],
                   known.c_str());
      return kExitInput;
    }
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitInput;
  }
  try {
    if (*run_cmd) return cmd_run(run);
    if (*val_cmd) return cmd_validate(validate_path, validate_sets);
    if (*desc_cmd) return cmd_describe(describe_format);
    if (*rep_cmd) return cmd_report(report_inputs, report_dir);
    if (*ins_cmd) return cmd_inspect(inspect_path);
    if (*moments_cmd)
      return ls::cli::cmd_moments(moments_calibration, moments_rows, moments_out,
                                  moments_overwrite);
    if (*sweep_cmd) return ls::cli::cmd_sweep(sweep_design, sweep_out, sweep_overwrite);
    if (*serve_cmd) return ls::cli::cmd_serve(serve_scenario, serve_host, serve_port);
    if (*cmp_cmd)
      return ls::cli::cmd_compare(compare_files, compare_window, compare_normalise,
                                  compare_baseline, compare_format);
    if (*cal_cmd) {
      auto spec = ls::analysis::load_calibration(calibration_file);
      if (!calibration_out.empty()) spec.output = calibration_out;
      if (!spec.output.empty() &&
          std::filesystem::exists(std::filesystem::path(spec.output) / "calibrated.toml") &&
          !calibration_overwrite) {
        throw ls::sim::InputError(spec.output +
                                  "/calibrated.toml exists; choose another -o or pass --overwrite");
      }
      // Under mpirun every rank follows the same optimisation and runs its share of each
      // evaluation's replications; rank 0 reports and writes (bit-identical to one process).
      ls::analysis::EvaluationRanks ranks;
      ranks.rank = static_cast<std::uint32_t>(ls::cli::ranks().rank);
      ranks.size = static_cast<std::uint32_t>(ls::cli::ranks().size);
      ranks.sum_all = ls::cli::sum_over_ranks;
      (void)ls::analysis::calibrate(spec, calibration_quiet, &ranks);
      return 0;
    }
  } catch (const ls::sim::InputError& e) {
    // One line per problem (a scenario reports all of its keys' problems at once).
    const std::string what = e.what();
    std::size_t begin = ls::cli::ranks().rank == 0 ? 0 : what.size() + 1;  // rank 0 reports
    while (begin <= what.size()) {
      const std::size_t end = std::min(what.find('\n', begin), what.size());
      std::fprintf(stderr, "labourshift: error: %s\n", what.substr(begin, end - begin).c_str());
      begin = end + 1;
    }
    return kExitInput;
  } catch (const ls::sim::OutputError& e) {
    std::fprintf(stderr, "labourshift: error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "labourshift: internal error: %s\n", e.what());
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  ls::h5::init_library();
  ls::cli::mpi_start(&argc, &argv);  // only under mpirun (cli/mpi.hpp)
  // Setting up the command line can throw too (out of memory, a CLI11 construction error).
  try {
    const int rc = run_main(argc, argv);
    ls::cli::mpi_stop();
    return rc;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "labourshift: internal error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "labourshift: internal error\n");
  }
  return 1;
}
