// What the writers of output files and checkpoints share: the name of the temporary file they
// create beside the destination, and the check that the destination is a file they may replace.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <system_error>

namespace labourshift::sim {

/// A name in the destination's folder that no other process can predict:
/// ".<name>.<16 hex digits><suffix>". The caller creates it exclusively (O_EXCL) and draws a new
/// name if it exists.
inline std::string unpredictable_sibling(const std::filesystem::path& dest, const char* suffix,
                                         std::random_device& entropy) {
  const std::uint64_t tag = (static_cast<std::uint64_t>(entropy()) << 32U) ^ entropy();
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(tag));
  std::string name(1, '.');  // appended: literal + string warns falsely in GCC 12 (-Wrestrict)
  name.append(dest.filename().string()).append(1, '.').append(hex).append(suffix);
  return (dest.parent_path() / name).string();
}

/// True when nothing is at `path` or a regular file is (not a folder, a device or a symbolic
/// link, which a writer must not replace).
inline bool is_regular_or_absent(const std::filesystem::path& path) {
  std::error_code ec;
  const auto st = std::filesystem::symlink_status(path, ec);
  return ec || st.type() == std::filesystem::file_type::not_found ||
         st.type() == std::filesystem::file_type::regular;
}

}  // namespace labourshift::sim
