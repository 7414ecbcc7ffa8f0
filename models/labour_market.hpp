// One replication of the simulated economy: firms of several classes earn core and AI revenue,
// adopt automation, plan headcount and compute, and fund compute by cutting the most exposed
// staff when their margin is squeezed; workers separate, search, reskill, found firms, leave and
// re-enter; occupation wages move with tightness.
//
// LabourMarket owns the replication's World (state.hpp) and runs the month's phases
// (phases.hpp) in the order of the table in step.cpp. It is driven by one thread at a time; the
// phases run parallel loops inside.
#pragma once

#include "models/model.hpp"
#include "models/phases.hpp"
#include "models/state.hpp"
#include "sim/runner.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace labourshift::models {

/// One step of the month: a name (the timer's), the random streams it draws from, its function.
struct MonthPhase {
  std::string_view name;
  std::array<std::uint32_t, 2> streams;  ///< stream ids (phases.hpp), 0 = none
  void (*run)(class LabourMarket& lm, int month, double* out);
};

/// The month's phases in the order they run (the table in step.cpp).
std::span<const MonthPhase> month_phases();

class LabourMarket : public sim::Replication {
 public:
  static constexpr std::size_t kSpellBins = RunTotals::kSpellBins;
  /// Which worker pass the month runs: the fast fused kernel, or its plain serial reference.
  enum class WorkerPass { kFast, kReference };

  LabourMarket(std::shared_ptr<const Model> model, std::uint32_t replication,
               WorkerPass pass = WorkerPass::kFast);
  ~LabourMarket() override;
  LabourMarket(const LabourMarket&) = delete;
  LabourMarket& operator=(const LabourMarket&) = delete;

  /// Advance one month (month = 1, 2, ...) and write that month's metrics into out[0,
  /// layout.size()).
  void step(int month, double* out) override;

  /// Values of a per-replication static output (flattened, row-major).
  std::vector<double> static_output(std::size_t static_id) const override;
  std::vector<std::int64_t> take_events(std::size_t table_id) override;
  /// Every field of the World (models/state_io.cpp), for checkpoints.
  void save_state(sim::StateWriter& out) const override;
  void load_state(sim::StateReader& in) override;
  std::vector<std::pair<std::string, double>> memory_use() const override;

  const WorkerTable& workers() const { return world_.workers; }
  const FirmTable& firms() const { return world_.firms; }
  const World& world() const { return world_; }
  const Model& model() const { return *model_; }

  /// A full recount of end-of-month stocks from the worker table (see models::recount_stocks).
  std::vector<double> recount_stocks() const {
    return models::recount_stocks(*model_, world_.workers);
  }

 private:
  friend struct MonthSteps;  // the phase table's adapters (step.cpp)
  std::shared_ptr<const Model> model_;
  DrawKey key_;
  WorkerPass pass_;
  World world_;
  std::vector<double>
      phase_seconds_;  ///< wall time per phase of month_phases() (LABOURSHIFT_PHASE_TIMES)
};

}  // namespace labourshift::models
