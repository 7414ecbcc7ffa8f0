// labourshift serve: a local page for a classroom. Sliders for the main levers and AI assumptions,
// charts that redraw as months are computed, scenario A (the file as it is) against B (with the
// sliders), and what happened to the people who lost their jobs. cpp-httplib serves the page
// (web/: bundled at build time, nothing fetched at run time) and a small JSON API:
//   GET  /api/levers              the sliders: key, label, range, step, the scenario's value
//   POST /api/runs?key=value...   validate like a scenario file (400 with the message) and start
//   GET  /api/runs/ID?from=M      status and the months computed from M on (means over
//   replications) POST /api/runs/ID/stop        stop at the next month boundary
// Binds to 127.0.0.1 unless told otherwise; each run is its own thread, so several tabs work.
#include "cli/commands.hpp"
#include "cli/format.hpp"
#include "models/labour_market.hpp"
#include "models/scenario.hpp"
#include "sim/error.hpp"
#include "sim/resources.hpp"
#include "sim/runner.hpp"

#include <httplib.h>

#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#ifndef LABOURSHIFT_WEB_DIR
#define LABOURSHIFT_WEB_DIR "web"
#endif

namespace labourshift::cli {

namespace {

namespace models = labourshift::models;
namespace sim = labourshift::sim;

/// A slider: a scenario key, how the page shows it, and how to read the scenario's value.
struct Lever {
  const char* key;
  const char* label;
  double min, max, step;
  bool boolean;
  double (*value)(const models::Scenario&);
};

const std::vector<Lever>& levers() {
  using S = models::Scenario;
  static const std::vector<Lever> list = {
      {"ai.capability_rate_per_year", "AI capability speed (per year)", 0, 3, 0.1, false,
       [](const S& s) { return s.ai.capability_rate_per_year; }},
      {"ai.compute_price_decline_per_year", "compute gets cheaper (share a year)", 0, 0.8, 0.05,
       false, [](const S& s) { return s.ai.compute_price_decline_per_year; }},
      {"ai.growth_start_per_year", "AI demand growth at the start (a year)", 0, 4, 0.25, false,
       [](const S& s) { return s.ai.growth_start_per_year; }},
      {"policy.reskilling_subsidy", "reskilling subsidy (share of cost)", 0, 1, 0.1, false,
       [](const S& s) { return s.policy.reskilling_subsidy; }},
      {"policy.ui_months", "unemployment insurance (months)", 0, 24, 1, false,
       [](const S& s) { return static_cast<double>(s.policy.ui_months); }},
      {"policy.ui_replacement_rate", "UI replacement rate", 0, 1, 0.05, false,
       [](const S& s) { return s.policy.ui_replacement_rate; }},
      {"policy.disclosure_rule", "disclose AI-attributed layoffs", 0, 1, 1, true,
       [](const S& s) { return s.policy.disclosure_rule ? 1.0 : 0.0; }},
      {"policy.retraining_mandate", "retraining mandate", 0, 1, 1, true,
       [](const S& s) { return s.policy.retraining_mandate ? 1.0 : 0.0; }},
      {"policy.compute_tax", "compute tax (share of price)", 0, 1, 0.05, false,
       [](const S& s) { return s.policy.compute_tax; }},
      {"policy.founder_support", "founder support (rise of founding)", 0, 3, 0.25, false,
       [](const S& s) { return s.policy.founder_support; }},
  };
  return list;
}

/// What the page draws, each a /series metric (counts at US scale).
constexpr const char* kLive[] = {"unemployment_rate", "long_term_unemployment_share",
                                 "layoffs_ai",        "hires_rate",
                                 "unemployment",      "reskilling",
                                 "founders",          "out_of_labour_force",
                                 "fiscal_net_cost"};

/// One run started from the page: months arrive from the replications' threads.
class LiveRun : public sim::ResultSink {
 public:
  LiveRun(std::shared_ptr<const models::Model> model) : model_(std::move(model)) {
    const auto& sc = model_->scenario;
    reps_ = sc.run.replications;
    months_ = sc.run.months;
    for (const char* name : kLive) {
      const sim::MetricSpec& spec = *model_->layout.find("series", name);
      offsets_.push_back(spec.offset);
      scale_.push_back(spec.us_factor());
    }
    sums_.assign(static_cast<std::size_t>(months_) * offsets_.size(), 0.0);
    count_.assign(static_cast<std::size_t>(months_), 0);
  }
  void start() {
    worker_ = std::thread([this] {
      try {
        sim::EnsembleOptions o;
        o.replications = reps_;
        o.months = months_;
        o.stop = &stop_;
        o.keep_months = false;
        o.keep_events = false;
        const auto model = model_;
        const auto r = sim::run_ensemble(
            [&](std::uint32_t rep) { return std::make_unique<models::LabourMarket>(model, rep); },
            model->layout, o, this);
        std::lock_guard lock(mutex_);
        status_ = r.complete ? "done" : "stopped";
      } catch (const std::exception& e) {
        std::lock_guard lock(mutex_);
        status_ = "error";
        error_ = e.what();
      }
    });
  }
  ~LiveRun() override {
    stop_ = true;
    if (worker_.joinable()) worker_.join();
  }
  void stop() { stop_ = true; }
  bool finished() {
    std::lock_guard lock(mutex_);
    return status_ != "running";
  }

  void write_month(std::uint32_t, int month, const double* values) override {
    std::lock_guard lock(mutex_);
    const auto m = static_cast<std::size_t>(month - 1);
    for (std::size_t i = 0; i < offsets_.size(); ++i)
      sums_[m * offsets_.size() + i] += scale_[i] * values[offsets_[i]];
    ++count_[m];
  }
  void write_static(std::uint32_t, std::size_t, const std::vector<double>&) override {}
  void write_events(std::size_t, const std::vector<std::int64_t>&) override {}

  /// Status and the months every replication has finished, from month `from` (1-based) on.
  std::string json(int from) {
    std::lock_guard lock(mutex_);
    int ready = 0;
    while (ready < months_ && count_[static_cast<std::size_t>(ready)] == reps_) ++ready;
    std::string out = "{\"status\":" + json_string(status_) +
                      ",\"months\":" + std::to_string(months_) +
                      ",\"ready\":" + std::to_string(ready) +
                      ",\"start\":" + json_string(model_->scenario.run.start) +
                      ",\"from\":" + std::to_string(from);
    if (!error_.empty()) out += ",\"error\":" + json_string(error_);
    out += ",\"data\":{";
    for (std::size_t i = 0; i < offsets_.size(); ++i) {
      if (i > 0) out += ',';
      out.append("\"").append(kLive[i]).append("\":[");
      for (int m = std::max(1, from); m <= ready; ++m) {
        const double mean = sums_[static_cast<std::size_t>(m - 1) * offsets_.size() + i] / reps_;
        if (m > std::max(1, from)) out += ',';
        out += json_number(mean);
      }
      out += "]";
    }
    return out + "}}";
  }

 private:
  std::shared_ptr<const models::Model> model_;
  int reps_ = 1, months_ = 1;
  std::vector<std::size_t> offsets_;
  std::vector<double> scale_;
  std::vector<double> sums_;  ///< [month * live + i], summed over replications
  std::vector<int> count_;    ///< replications done, per month
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::string status_ = "running";
  std::string error_;
  std::thread worker_;
};

std::atomic<bool> g_stop_server{false};
extern "C" void serve_on_signal(int) { g_stop_server = true; }

}  // namespace

int cmd_serve(const std::string& scenario, const std::string& host, int port) {
  // The scenario must load before anything is served.
  const models::Scenario base = models::load_scenario(scenario);
  const std::string web = sim::find_resource("LABOURSHIFT_WEB", "../share/labourshift/web",
                                             LABOURSHIFT_WEB_DIR, "index.html");
  namespace fs = std::filesystem;
  if (!fs::exists(fs::path(web) / "index.html") || !fs::exists(fs::path(web) / "uPlot.iife.min.js"))
    throw sim::InputError(web +
                          ": the page or its chart library is missing (rebuild: the build "
                          "copies web/ and uPlot from web/node_modules, which `npm ci` in "
                          "web/ installs; scripts/install-deps.sh does)");
  httplib::Server server;
  std::mutex runs_mutex;
  std::map<int, std::unique_ptr<LiveRun>> runs;
  int next_id = 1;
  constexpr std::size_t kMaxRuns = 16;  // finished runs beyond this are forgotten, oldest first
  constexpr std::size_t kMaxRunning = 8;

  server.Get("/api/levers", [&](const httplib::Request&, httplib::Response& res) {
    std::string out = "{\"scenario\":" + json_string(base.run.name) +
                      ",\"start\":" + json_string(base.run.start) +
                      ",\"months\":" + std::to_string(base.run.months) + ",\"levers\":[";
    bool first = true;
    for (const Lever& l : levers()) {
      // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "text" + std::string.
      if (!first) out += ',';
      out.append("{\"key\":").append(json_string(l.key));
      out.append(",\"label\":").append(json_string(l.label));
      out.append(",\"min\":").append(json_number(l.min));
      out.append(",\"max\":").append(json_number(l.max));
      out.append(",\"step\":").append(json_number(l.step));
      out.append(",\"boolean\":").append(l.boolean ? "true" : "false");
      out.append(",\"value\":").append(json_number(l.value(base))).append("}");
      first = false;
    }
    res.set_content(out + "]}", "application/json");
  });
  server.Post("/api/runs", [&](const httplib::Request& req, httplib::Response& res) {
    std::vector<std::string> sets;
    for (const auto& [key, value] : req.params) {
      bool known = false;
      for (const Lever& l : levers()) {
        if (key != l.key) continue;
        known = true;
        std::string v = value;
        if (l.boolean && (v == "1" || v == "0")) v = v == "1" ? "true" : "false";
        sets.push_back(key + "=" + v);
      }
      if (!known) {
        res.status = 400;
        res.set_content("{\"error\":" + json_string("unknown lever '" + key + "'") + "}",
                        "application/json");
        return;
      }
    }
    std::shared_ptr<const models::Model> model;
    try {
      model = models::Model::build(models::load_scenario(scenario, sets));
    } catch (const sim::InputError& e) {
      res.status = 400;
      res.set_content("{\"error\":" + json_string(e.what()) + "}", "application/json");
      return;
    }
    auto run = std::make_unique<LiveRun>(model);
    run->start();
    std::lock_guard lock(runs_mutex);
    const int id = next_id++;
    runs.emplace(id, std::move(run));
    while (runs.size() > kMaxRuns && runs.begin()->second->finished()) runs.erase(runs.begin());
    // At most kMaxRunning runs compute at once: a page that starts more stops the oldest.
    std::size_t running = 0;
    for (auto it = runs.rbegin(); it != runs.rend(); ++it) {
      if (it->second->finished()) continue;
      if (++running > kMaxRunning) it->second->stop();
    }
    res.set_content("{\"id\":" + std::to_string(id) + "}", "application/json");
  });
  server.Get(R"(/api/runs/(\d+))", [&](const httplib::Request& req, httplib::Response& res) {
    const int id = std::stoi(req.matches[1]);
    const int from = req.has_param("from") ? std::atoi(req.get_param_value("from").c_str()) : 1;
    std::lock_guard lock(runs_mutex);
    const auto it = runs.find(id);
    if (it == runs.end()) {
      res.status = 404;
      res.set_content("{\"error\":\"no such run\"}", "application/json");
      return;
    }
    res.set_content(it->second->json(from), "application/json");
  });
  server.Post(R"(/api/runs/(\d+)/stop)", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(runs_mutex);
    const auto it = runs.find(std::stoi(req.matches[1]));
    if (it != runs.end()) it->second->stop();
    res.set_content("{}", "application/json");
  });
  server.set_mount_point("/", web);

  const int bound =
      port == 0 ? server.bind_to_any_port(host) : (server.bind_to_port(host, port) ? port : -1);
  if (bound < 0)
    throw sim::InputError("serve: cannot listen on " + host + ":" + std::to_string(port));
  std::signal(SIGINT, serve_on_signal);
  std::signal(SIGTERM, serve_on_signal);
  // httplib's stop() does nothing before listen has started, and a signal may come first (a
  // Ctrl-C right at start-up left the server listening): stop until listen has returned.
  std::atomic<bool> listened{false};
  std::thread watcher([&] {
    while (!g_stop_server) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    while (!listened) {
      server.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  std::printf("serving %s on http://%s:%d/ (Ctrl-C stops)\n", base.run.name.c_str(), host.c_str(),
              bound);
  std::fflush(stdout);
  server.listen_after_bind();
  listened = true;
  g_stop_server = true;
  watcher.join();
  std::lock_guard lock(runs_mutex);
  runs.clear();  // stops and joins every run
  return 0;
}

}  // namespace labourshift::cli
