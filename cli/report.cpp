// labourshift report: check the inputs and the output folder here, then run the Python package
// analysis/labourshift_analysis (h5py, numpy, matplotlib) with the interpreter CMake found.
#include "cli/commands.hpp"

#include "sim/error.hpp"
#include "sim/h5.hpp"
#include "sim/resources.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef LABOURSHIFT_PYTHON
#define LABOURSHIFT_PYTHON ""
#endif
#ifndef LABOURSHIFT_INSTALLED_PYTHON_DIR
#define LABOURSHIFT_INSTALLED_PYTHON_DIR "../lib/python3/dist-packages"
#endif
#ifndef LABOURSHIFT_ANALYSIS_DIR
#define LABOURSHIFT_ANALYSIS_DIR "analysis"
#endif

extern char** environ;

namespace fs = std::filesystem;
using labourshift::sim::InputError;

namespace labourshift::cli {

void require_hdf5_file(const std::string& path) {
  std::error_code ec;
  const auto st = fs::status(path, ec);
  if (ec || !fs::exists(st)) throw InputError(path + ": no such file");
  if (fs::is_directory(st)) throw InputError(path + ": is a folder, not an output file");
  if (!fs::is_regular_file(st)) throw InputError(path + ": not a regular file");
  try {
    h5::File f = h5::File::open_read(path);
    f.close();
  } catch (const h5::Error&) {
    throw InputError(path +
                     ": not an HDF5 file (expected an output file written by 'labourshift run')");
  }
}

}  // namespace labourshift::cli

namespace {

/// A folder may be written into when it is new, empty, or has the marker of an earlier report.
void check_report_dir(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return;
  if (!fs::is_directory(dir, ec)) {
    throw InputError(dir.string() + ": exists and is not a folder; choose another -o");
  }
  if (fs::is_empty(dir, ec) || fs::is_regular_file(dir / labourshift::cli::kReportMarker, ec))
    return;
  throw InputError(dir.string() +
                   ": the folder exists and was not made by 'labourshift report' (no " +
                   labourshift::cli::kReportMarker +
                   " marker); choose another -o or remove it, so nothing you wrote is overwritten");
}

/// The current environment with PYTHONPATH led by the analysis folder and matplotlib's Agg backend.
std::vector<std::string> child_environment(const std::string& analysis_dir) {
  std::vector<std::string> env;
  std::string pythonpath = analysis_dir;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string kv = *e;
    if (kv.rfind("PYTHONPATH=", 0) == 0) {
      if (kv.size() > 11) {
        pythonpath += ':';
        pythonpath += kv.substr(11);
      }
    } else if (kv.rfind("MPLBACKEND=", 0) != 0) {
      env.push_back(kv);
    }
  }
  env.push_back("PYTHONPATH=" + pythonpath);
  env.push_back("MPLBACKEND=Agg");
  return env;
}

int run_process(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  std::vector<char*> argv, envp;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  std::fflush(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), envp.data());
  if (rc != 0) {
    std::fprintf(stderr, "labourshift: error: cannot start %s: %s\n", args[0].c_str(),
                 std::strerror(rc));
    return 1;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      std::fprintf(stderr, "labourshift: error: waiting for %s: %s\n", args[0].c_str(),
                   std::strerror(errno));
      return 1;
    }
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

}  // namespace

int cmd_report(const std::vector<std::string>& inputs, const std::string& out_dir) {
  if (inputs.empty()) throw InputError("report: give at least one output file");
  for (const auto& in : inputs) labourshift::cli::require_hdf5_file(in);
  const fs::path dir =
      out_dir.empty() ? fs::path("report") / fs::path(inputs.front()).stem() : fs::path(out_dir);
  check_report_dir(dir);

  const std::string python = LABOURSHIFT_PYTHON;
  // The package beside an installed binary (the Python path `cmake --install` uses), else the
  // source tree's.
  const std::string analysis =
      labourshift::sim::find_resource("LABOURSHIFT_ANALYSIS", LABOURSHIFT_INSTALLED_PYTHON_DIR,
                                      LABOURSHIFT_ANALYSIS_DIR, "labourshift_analysis");
  if (python.empty() || access(python.c_str(), X_OK) != 0) {
    std::fprintf(stderr,
                 "labourshift: error: no Python 3 with h5py, numpy and matplotlib%s%s; install "
                 "python3-h5py, python3-numpy and python3-matplotlib (scripts/install-deps.sh) and "
                 "configure again with cmake\n",
                 python.empty() ? " was found when labourshift was built" : ": cannot run ",
                 python.c_str());
    return 1;
  }
  if (!fs::is_directory(fs::path(analysis) / "labourshift_analysis")) {
    std::fprintf(stderr,
                 "labourshift: error: %s/labourshift_analysis: the report package is missing\n",
                 analysis.c_str());
    return 1;
  }
  std::vector<std::string> args = {python, "-m",         "labourshift_analysis.report",
                                   "-o",   dir.string(), "--"};
  args.insert(args.end(), inputs.begin(), inputs.end());
  return run_process(args, child_environment(analysis));
}
