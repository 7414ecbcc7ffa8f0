// What the libFuzzer harnesses share (tests/fuzz/fuzz_*.cpp): a scratch folder for the files the
// readers want a path to, the rule that decides what a finding is, and a check that aborts.
//
// The rule: on any input a reader either succeeds or throws sim::InputError (what the CLI turns
// into exit code 2). Any other exception, a failed property check, a sanitizer report, a hang
// (-timeout) or runaway memory (-rss_limit_mb) is a finding; fail() aborts so that libFuzzer
// saves the input as crash-<hash>.
#pragma once

#include "models/scenario.hpp"
#include "sim/error.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <typeinfo>
#include <vector>

#include <unistd.h>

#ifndef LABOURSHIFT_ROOT
#error "LABOURSHIFT_ROOT (the source tree) must be defined by tests/fuzz/CMakeLists.txt"
#endif

namespace labourshift::fuzz {

/// The scratch folder once scratch_dir() has made it, else empty.
inline std::filesystem::path& scratch_path() {
  static std::filesystem::path path;
  return path;
}

/// A finding: print what went wrong, remove the scratch folder and abort, so that libFuzzer
/// saves the input.
[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "\n==== labourshift fuzz finding: %s\n", what.c_str());
  std::fflush(stderr);
  if (!scratch_path().empty()) {
    std::error_code ec;
    std::filesystem::remove_all(scratch_path(), ec);
  }
  std::abort();
}

/// A property that must hold for every accepted input.
inline void expect(bool ok, const std::string& what) {
  if (!ok) fail("property violated: " + what);
}

/// This process's scratch folder (created on first use, removed at a normal exit): libFuzzer may
/// run several processes at once (-jobs, -fork), each gets its own.
inline const std::filesystem::path& scratch_dir() {
  struct Dir {
    Dir() {
      std::string tmpl =
          (std::filesystem::temp_directory_path() / "labourshift-fuzz-XXXXXX").string();
      std::vector<char> buf(tmpl.begin(), tmpl.end());
      buf.push_back('\0');
      if (::mkdtemp(buf.data()) == nullptr) fail("cannot create a scratch folder in /tmp");
      scratch_path() = buf.data();
    }
    ~Dir() {
      std::error_code ec;
      std::filesystem::remove_all(scratch_path(), ec);
    }
  };
  static const Dir dir;
  return scratch_path();
}

/// Write bytes to scratch_dir()/name (replacing it) and return the path.
inline std::string write_scratch(const std::string& name, const char* data, std::size_t size) {
  const std::filesystem::path p = scratch_dir() / name;
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(data, static_cast<std::streamsize>(size));
  out.close();
  if (!out) fail("cannot write " + p.string());
  return p.string();
}

inline std::string write_scratch(const std::string& name, const std::string& text) {
  return write_scratch(name, text.data(), text.size());
}

/// The fuzz input as bytes of a string.
inline std::string as_string(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

/// The input split at each NUL byte (text files and command-line arguments hold none, so the
/// harnesses use it to put several files or arguments in one input).
inline std::vector<std::string> split_at_nul(const std::string& s) {
  std::vector<std::string> parts(1);
  for (char c : s) {
    if (c == '\0') {
      parts.emplace_back();
    } else {
      parts.back() += c;
    }
  }
  return parts;
}

/// Run a reader: InputError is an accepted outcome (returns false), success returns true, any
/// other exception is a finding.
template <class F>
bool accepts(const char* reader, F&& f) {
  try {
    f();
    return true;
  } catch (const sim::InputError&) {
    return false;
  } catch (const std::exception& e) {
    fail(std::string(reader) + " threw " + typeid(e).name() +
         " (not sim::InputError): " + e.what());
  } catch (...) {
    fail(std::string(reader) + " threw something that is not a std::exception");
  }
}

/// Copy the project's scenarios (scenarios/*.toml) into the scratch folder, so that an input (or
/// a base scenario) there can say `extends = "baseline_2025.toml"`.
inline void copy_scenarios_to_scratch() {
  namespace fs = std::filesystem;
  for (const auto& entry : fs::directory_iterator(fs::path(LABOURSHIFT_ROOT) / "scenarios")) {
    if (entry.is_regular_file() && entry.path().extension() == ".toml") {
      fs::copy_file(entry.path(), scratch_dir() / entry.path().filename(),
                    fs::copy_options::overwrite_existing);
    }
  }
}

/// Properties of every scenario the reader accepts (s must have been loaded from a file in
/// scratch_dir()):
///  - its start month is one start_year_month() can read (it calls std::stoi, which throws
///    std::invalid_argument on text validation let through);
///  - at least one firm class holds employment (validate() promises the shares sum to 1);
///  - the resolved scenario, to_toml(s), which an output's /scenario stores and `labourshift run`
///    can be given again, loads back without error to the same scenario. Data paths are compared
///    as the model resolves them (a relative path is made absolute on loading a file).
inline void check_scenario(const models::Scenario& s) {
  std::pair<int, int> start{0, 0};
  if (!accepts("start_year_month", [&] { start = models::start_year_month(s); })) {
    fail("start_year_month threw InputError on an accepted scenario");
  }
  expect(start.first >= 1900 && start.first <= 2200 && start.second >= 1 && start.second <= 12,
         "run.start = \"" + s.run.start + "\" was accepted");
  double share = 0;
  for (const auto& c : s.firms) share += c.value.employment_share;
  expect(!s.firms.empty() && share > 0.99 && share < 1.01,
         "the firm classes' employment shares do not sum to 1");

  const std::string text = models::to_toml(s);
  const std::string path = write_scratch("fuzz-resolved.toml", text);
  models::Scenario back;
  try {
    back = models::load_scenario(path);
  } catch (const sim::InputError& e) {
    fail(std::string("the resolved scenario does not load back: ") + e.what() +
         "\n---- resolved scenario:\n" + text);
  }
  std::filesystem::remove(path);
  if (models::to_toml(back) == text) return;
  // Only a relative data path may read differently: compare the files the model would open.
  auto resolved = [](models::Scenario x) {
    x.data.occupations = models::resolve_data_path(x, x.data.occupations, "occupations.csv");
    x.data.mobility = models::resolve_data_path(x, x.data.mobility, "mobility.csv");
    return models::to_toml(x);
  };
  const std::string want = resolved(s);
  const std::string got = resolved(back);
  if (got != want) {
    fail("the resolved scenario loads back to a different scenario\n---- resolved:\n" + want +
         "\n---- loaded back:\n" + got);
  }
}

}  // namespace labourshift::fuzz
