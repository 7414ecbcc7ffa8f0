// Calendar months as the scenarios write them: "YYYY-MM".
#pragma once

#include <cstdio>
#include <string>

namespace labourshift::sim {

/// "YYYY-MM" of the month `offset` months after `start` ("YYYY-MM"); "?" if start is malformed.
inline std::string month_label(const std::string& start, int offset) {
  if (start.size() < 7) return "?";
  const int y = std::stoi(start.substr(0, 4));
  const int m = std::stoi(start.substr(5, 2)) - 1 + offset;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", y + m / 12, m % 12 + 1);
  return buf;
}

}  // namespace labourshift::sim
