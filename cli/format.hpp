// Small text helpers shared by the command-line tools.
#pragma once

#include "sim/calendar.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

namespace labourshift::cli {

using sim::month_label;

/// |x| with `decimals` places and its whole part in groups of three ("1,234,567.89"), signed.
/// Built front to back: GCC 12 warns falsely (-Wrestrict) on std::string::insert here.
inline std::string with_commas(double x, int decimals = 0) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, x < 0 ? -x : x);
  const std::string s = buf;
  const std::size_t whole = std::min(s.find('.'), s.size());
  std::string out = x < 0 && s.find_first_not_of("0.") != std::string::npos ? "-" : "";
  for (std::size_t i = 0; i < whole; ++i) {
    if (i > 0 && (whole - i) % 3 == 0) out += ',';
    out += s[i];
  }
  out += s.substr(whole);
  return out;
}

}  // namespace labourshift::cli
