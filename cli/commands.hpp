// Subcommands implemented outside cli/main.cpp. Both throw labourshift::sim::InputError (exit
// code 2 in main) for a missing or non-HDF5 input, with a message naming the file.
#pragma once

#include <string>
#include <vector>

/// `labourshift report OUT.h5 [MORE.h5 ...] [-o DIR]`: figures and DIR/index.html, made by the
/// Python package in analysis/ (labourshift_analysis) run with the interpreter found at configure
/// time. out_dir empty: report/<stem of the first input>. Returns the exit code.
int cmd_report(const std::vector<std::string>& inputs, const std::string& out_dir);

/// `labourshift inspect OUT.h5`: root attributes, completeness, every dataset with its shape and
/// unit, and headline numbers. Pure C++ (sim/h5.hpp). Returns the exit code.
int cmd_inspect(const std::string& path);

namespace labourshift::cli {
/// `labourshift sweep DESIGN.toml -o OUT.h5 [--overwrite]`: a grid, Latin hypercube or Sobol design
/// (cli/sweep.cpp, docs/sweeps.md). Returns the exit code.
int cmd_sweep(const std::string& design, const std::string& out, bool overwrite);
/// `labourshift moments CALIBRATION.toml ROWS.csv|- [-o OUT.csv]`: parameters in, the
/// calibration's moments out, through the calibration's own evaluation (for external drivers).
int cmd_moments(const std::string& calibration, const std::string& rows, const std::string& out,
                bool overwrite);
/// `labourshift serve [SCENARIO] [--host H] [--port P]`: the classroom page (cli/serve.cpp).
/// Runs until SIGINT or SIGTERM; port 0 picks a free port. Returns the exit code.
int cmd_serve(const std::string& scenario, const std::string& host, int port);
/// `labourshift compare A.h5 B.h5 [...] [--months A:B] [--normalise] [--baseline BASE.h5]
/// [--format text|csv|json]`: key indicators side by side at US scale, the mean over the window
/// and then over replications, with the 5-95% range across replications; with a baseline, each
/// file's paired difference from it per replication (common random numbers) with a 95%
/// confidence interval. Throws sim::InputError for a missing or non-labourshift file, a window
/// outside a run, runs that start in different months, (without `normalise`) runs of different
/// size or length, or (with a baseline) runs that do not share seed and replications.
int cmd_compare(const std::vector<std::string>& files, const std::string& window, bool normalise,
                const std::string& baseline, const std::string& format);
/// Throw InputError unless path names an existing regular file that HDF5 can open.
void require_hdf5_file(const std::string& path);
/// The marker that says a folder was written by `labourshift report` (and may be replaced by it).
inline constexpr const char* kReportMarker = ".labourshift-report";
}  // namespace labourshift::cli
