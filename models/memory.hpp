// Peak memory of a run, estimated before anything is allocated, and the memory this machine (or
// its container, or the process's limits) lets the run have.
#pragma once

#include "models/model.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace labourshift::models {

struct MemoryEstimate {
  double bytes = 0;  ///< estimated peak resident memory of the whole run
  int concurrent =
      1;  ///< replications held at once: min(threads, replications), all with checkpoints
  double per_replication = 0;  ///< bytes of one replication's state at its peak
};

/// Peak memory of running `m`'s scenario with `threads` threads: the program and its tables, the
/// state of the replications running at once (workers and firms, growing with the months through
/// the events kept for the file and the firms that enter), a small record per replication, and
/// the output's buffers. The coefficients are measured (docs/performance.md, "Memory").
/// With `checkpointing`, every replication is held at once and every month's values are kept.
MemoryEstimate estimate_peak_memory(const Model& m, int threads, bool checkpointing = false);

/// Memory available to this process, in bytes: the least of MemAvailable (/proc/meminfo), the
/// cgroup's limit less its usage, and RLIMIT_AS / RLIMIT_DATA; nullopt when none can be read.
/// LABOURSHIFT_MEMORY_LIMIT_MB, when set, is used instead (for tests and shared machines).
std::optional<double> available_memory();

/// The estimate, or sim::InputError naming the scenario's size when it exceeds what is available.
MemoryEstimate check_memory(const Model& m, int threads, const std::string& where,
                            bool checkpointing = false);

/// "1.2 GiB", "87 MiB": bytes for a message.
std::string format_bytes(double bytes);

}  // namespace labourshift::models
