// The files a binary ships with (the occupation data, the report's Python package): found through
// an environment variable, beside an installed binary, or in the source tree it was built from,
// in that order, so that an installed copy runs from any folder and can be moved as a whole.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

namespace labourshift::sim {

/// The folder of the running executable ("" if the system does not say).
inline std::filesystem::path executable_dir() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path() : exe.parent_path();
}

/// The first of: $env_var (when set and not empty, whatever it holds: the user asked for it);
/// <executable dir>/<installed> when it holds `marker`; `built_in` (the source tree's copy).
inline std::string find_resource(const char* env_var, const std::string& installed,
                                 const std::string& built_in, const std::string& marker) {
  if (const char* v = std::getenv(env_var); v != nullptr && *v != '\0') return v;
  const auto dir = executable_dir();
  std::error_code ec;
  if (!dir.empty()) {
    const auto candidate = (dir / installed).lexically_normal();
    if (std::filesystem::exists(candidate / marker, ec)) return candidate.string();
  }
  return built_in;
}

}  // namespace labourshift::sim
