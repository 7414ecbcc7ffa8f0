// Small text helpers shared by the command-line tools.
#pragma once

#include "sim/calendar.hpp"

#include <algorithm>
#include <cmath>
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

/// A JSON string literal: quotes and backslashes escaped, control characters as \\u00XX.
inline std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

/// A JSON number with ten significant digits; null for NaN and infinities.
inline std::string json_number(double x) {
  if (!std::isfinite(x)) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", x);
  return buf;
}

}  // namespace labourshift::cli
