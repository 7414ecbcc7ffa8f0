#include "sim/params.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string_view>

namespace labourshift::sim {

std::string format_number(double x) {
  if (std::isfinite(x) && x == std::floor(x) && std::fabs(x) < 1e15) {
    // Keep a decimal point so that TOML reads it back as a float.
    return std::to_string(static_cast<long long>(x)) + ".0";
  }
  char buf[64];
  // Shortest text that reads back to the same double.
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
  if (ec != std::errc{}) return std::to_string(x);
  return std::string(buf, end);
}

std::string toml_literal(const Value& v) {
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) return format_number(*d);
  // A TOML basic string: quotes and backslashes escaped, every control character as \uXXXX.
  std::string out(1, '"');
  for (char c : std::get<std::string>(v)) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04X", u);
      out += esc;
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::string toml_key(const std::string& key) {
  const bool bare = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
  return bare ? key : toml_literal(Value{key});
}

bool valid_utf8(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80           ? 1
                          : (c >> 5) == 0x6  ? 2
                          : (c >> 4) == 0xe  ? 3
                          : (c >> 3) == 0x1e ? 4
                                             : 0;
    if (n == 0 || i + n > s.size()) return false;
    std::uint32_t cp = n == 1 ? c : c & (0x7fU >> n);
    for (std::size_t k = 1; k < n; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b >> 6) != 0x2) return false;
      cp = (cp << 6) | (b & 0x3fU);
    }
    // Well-formed only (RFC 3629), as TOML readers demand: no overlong form, no UTF-16
    // surrogate, nothing above U+10FFFF.
    constexpr std::uint32_t kShortest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kShortest[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n;
  }
  return true;
}

std::string describe_type(const Value& v) {
  if (std::holds_alternative<bool>(v)) return "a boolean";
  if (std::holds_alternative<std::int64_t>(v)) return "an integer";
  if (std::holds_alternative<double>(v)) return "a real number";
  return "a string";
}

std::size_t edit_distance(const std::string& a_in, const std::string& b_in) {
  // A common prefix and suffix do not change the distance. Dropping them keeps the table small
  // when both share a long part, as "firms.<name>.<key>" and its candidates share the class name
  // (a long name made every typo in its table quadratic in the name's length).
  std::size_t pre = 0;
  while (pre < a_in.size() && pre < b_in.size() && a_in[pre] == b_in[pre]) ++pre;
  std::size_t suf = 0;
  while (suf < a_in.size() - pre && suf < b_in.size() - pre &&
         a_in[a_in.size() - 1 - suf] == b_in[b_in.size() - 1 - suf]) {
    ++suf;
  }
  const std::string_view a(a_in.data() + pre, a_in.size() - pre - suf);
  const std::string_view b(b_in.data() + pre, b_in.size() - pre - suf);
  std::vector<std::size_t> prev(b.size() + 1);
  std::vector<std::size_t> cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string nearest_key(const std::string& key, const std::vector<std::string>& candidates) {
  std::string best;
  constexpr std::size_t kFar = std::numeric_limits<std::size_t>::max();
  std::size_t best_d = kFar;
  const std::size_t limit = std::max<std::size_t>(3, key.size() / 3);
  // A distance is at least the difference in length: where that alone exceeds the limit the
  // candidate cannot be suggested, and its distance (quadratic in the lengths) is not computed.
  auto gap = [](const std::string& x, const std::string& y) {
    return x.size() > y.size() ? x.size() - y.size() : y.size() - x.size();
  };
  for (const auto& c : candidates) {
    // Compare the leaf too, so that "labour.quitrate" finds "labour.quit_rate" and a key put
    // in the wrong table finds its home.
    std::size_t d = gap(key, c) > limit ? kFar : edit_distance(key, c);
    const auto kdot = key.rfind('.');
    const auto cdot = c.rfind('.');
    const std::string kleaf = kdot == std::string::npos ? key : key.substr(kdot + 1);
    const std::string cleaf = cdot == std::string::npos ? c : c.substr(cdot + 1);
    if (gap(kleaf, cleaf) + 2 <= limit) d = std::min(d, edit_distance(kleaf, cleaf) + 2);
    // A truncated key ("labour.quit" for "labour.quit_rate") is a near miss too.
    const std::string ktable = kdot == std::string::npos ? "" : key.substr(0, kdot);
    const std::string ctable = cdot == std::string::npos ? "" : c.substr(0, cdot);
    if (kleaf.size() >= 3 && cleaf.rfind(kleaf, 0) == 0)
      d = std::min<std::size_t>(d, ktable == ctable ? 1 : 3);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best_d <= limit ? best : "";
}

namespace {

void flatten(const toml::table& table, const std::string& prefix, const std::string& file,
             std::vector<Setting>& out) {
  for (const auto& [k, node] : table) {
    const std::string key =
        prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    const Origin origin{file, static_cast<std::size_t>(node.source().begin.line)};
    if (const auto* t = node.as_table()) {
      flatten(*t, key, file, out);
    } else if (const auto* i = node.as_integer()) {
      out.push_back({key, Value{static_cast<std::int64_t>(i->get())}, origin});
    } else if (const auto* d = node.as_floating_point()) {
      out.push_back({key, Value{d->get()}, origin});
    } else if (const auto* b = node.as_boolean()) {
      out.push_back({key, Value{b->get()}, origin});
    } else if (const auto* s = node.as_string()) {
      out.push_back({key, Value{s->get()}, origin});
    } else {
      throw InputError(origin.text() + ": " + key +
                       " has a type the scenario language does not use (arrays and dates are "
                       "not parameters; write a number, a boolean or a quoted string)");
    }
  }
}

}  // namespace

std::vector<Setting> read_toml_settings(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw InputError(path + ": no such scenario file");
  }
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot read the file");
  toml::table table;
  try {
    table = toml::parse(in, path);
  } catch (const toml::parse_error& e) {
    throw InputError(path + ":" + std::to_string(e.source().begin.line) +
                     ": TOML syntax error: " + std::string(e.description()));
  }
  std::vector<Setting> out;
  flatten(table, "", path, out);
  // toml++ tables iterate by key; settings (and so error messages) follow the file's lines.
  std::stable_sort(out.begin(), out.end(), [](const Setting& a, const Setting& b) {
    return a.origin.line < b.origin.line;
  });
  return out;
}

Setting parse_override(const std::string& text) {
  if (!valid_utf8(text)) throw InputError("--set: the setting is not valid UTF-8 text");
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw InputError("--set " + text + ": expected key.path=value");
  }
  std::string key = text.substr(0, eq);
  std::string value = text.substr(eq + 1);
  while (!key.empty() && key.back() == ' ') key.pop_back();
  const Origin origin{"--set " + text, 0};
  toml::table parsed;
  try {
    parsed = toml::parse("v = " + value);
  } catch (const toml::parse_error&) {
    // A bare word such as cycle is a string.
    return Setting{key, Value{value}, origin};
  }
  std::vector<Setting> one;
  try {
    flatten(parsed, "", "--set " + text, one);
  } catch (const InputError&) {
    throw InputError("--set " + text + ": the value must be a number, a boolean or a string");
  }
  // One plain value: an inline table such as {a = 0.1} flattens to the key v.a, not v.
  if (one.size() != 1 || one.front().key != "v") {
    throw InputError("--set " + text + ": the value must be a number, a boolean or a string");
  }
  return Setting{key, one.front().value, origin};
}

}  // namespace labourshift::sim
