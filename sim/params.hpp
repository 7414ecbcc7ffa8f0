// Parameter declarations: every scenario parameter is declared once, with its type, default,
// unit, valid range, meaning and the source of the default. The TOML reader, the validator,
// `--set`, the resolved scenario written to the output and `describe` all read that declaration.
//
// A Schema<T> binds dotted keys ("labour.quit_rate") to fields of T through accessor functions.
// A collection binds "prefix.<name>.key" to a named element of a vector<Named<E>> with its own
// Schema<E> (firm classes are declared this way). Schemas are built once and are immutable;
// applying settings is single-threaded.
#pragma once

#include "sim/error.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

namespace labourshift::sim {

/// Where a setting came from, for error messages ("file.toml:12" or "--set").
struct Origin {
  std::string file;
  std::size_t line = 0;
  std::string text() const {
    if (line == 0) return file;
    return file + ":" + std::to_string(line);
  }
};

/// One TOML scalar value as the schema sees it.
using Value = std::variant<bool, std::int64_t, double, std::string>;

/// One key = value pair read from a file or the command line, in document order.
struct Setting {
  std::string key;  ///< full dotted key, e.g. "firms.hyperscaler.layoff_speed"
  Value value;
  Origin origin;
};

/// What `describe` prints for one parameter.
struct ParamInfo {
  std::string key;
  std::string type;  ///< real, integer, boolean, string, choice
  std::string default_text;
  std::string unit;
  std::string range;
  std::string description;
  std::string source;
};

/// TOML literal for a value ("0.25", "true", "\"steady\"").
std::string toml_literal(const Value& v);
/// A TOML key: bare when it is letters, digits, '_' and '-', else a quoted basic string.
std::string toml_key(const std::string& key);
/// Whether s is valid UTF-8 (TOML text must be).
bool valid_utf8(const std::string& s);
/// Short text for messages: the literal, as written.
std::string describe_type(const Value& v);
/// Edit distance, for "did you mean".
std::size_t edit_distance(const std::string& a, const std::string& b);
/// The candidate closest to key, or "" when none is reasonably close.
std::string nearest_key(const std::string& key, const std::vector<std::string>& candidates);
/// Format a number for messages and TOML output without trailing noise.
std::string format_number(double x);

/// "[lo, hi]", appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "[" + std::string.
inline std::string interval(const std::string& lo, const std::string& hi) {
  std::string out = "[";
  out += lo;
  out += ", ";
  out += hi;
  out += ']';
  return out;
}

/// Read a TOML file into settings (document order). Throws InputError naming the file and line
/// for a missing/unreadable file or a syntax error; arrays are rejected with their key.
std::vector<Setting> read_toml_settings(const std::string& path);
/// Parse one `--set key.path=value` override; the value is TOML (a bare word is taken as a
/// string). Throws InputError on a missing '='.
Setting parse_override(const std::string& text);

template <class E>
struct Named {
  std::string name;
  E value;
};

template <class T>
class Schema {
 public:
  struct Entry {
    ParamInfo info;
    std::function<void(T&, const Value&, const Setting&)> assign;  // validates, then stores
    std::function<std::string(const T&)> print;                    // TOML literal
  };

  /// A real number in [lo, hi]; integers in the file are accepted.
  template <class F>
  Schema& real(std::string key, F field, double def, std::string unit, double lo, double hi,
               std::string description, std::string source = "") {
    ParamInfo info{std::move(key),
                   "real",
                   format_number(def),
                   std::move(unit),
                   interval(format_number(lo), format_number(hi)),
                   std::move(description),
                   std::move(source)};
    defaults_.push_back([field, def](T& t) { field(t) = def; });
    entries_.push_back(Entry{info,
                             [field, lo, hi, info](T& t, const Value& v, const Setting& s) {
                               double x = 0;
                               if (const auto* d = std::get_if<double>(&v)) {
                                 x = *d;
                               } else if (const auto* i = std::get_if<std::int64_t>(&v)) {
                                 x = static_cast<double>(*i);
                               } else {
                                 type_error(s, info, "a real number in " + info.range);
                               }
                               if (!std::isfinite(x) || x < lo || x > hi) range_error(s, info);
                               field(t) = x;
                             },
                             [field](const T& t) { return format_number(field(t)); }});
    return *this;
  }

  /// An integer in [lo, hi], stored in any integer field type.
  template <class F>
  Schema& integer(std::string key, F field, std::int64_t def, std::string unit, std::int64_t lo,
                  std::int64_t hi, std::string description, std::string source = "") {
    ParamInfo info{std::move(key),
                   "integer",
                   std::to_string(def),
                   std::move(unit),
                   interval(std::to_string(lo), std::to_string(hi)),
                   std::move(description),
                   std::move(source)};
    using Field = std::remove_reference_t<decltype(field(std::declval<T&>()))>;
    defaults_.push_back([field, def](T& t) { field(t) = static_cast<Field>(def); });
    entries_.push_back(
        Entry{info,
              [field, lo, hi, info](T& t, const Value& v, const Setting& s) {
                const auto* i = std::get_if<std::int64_t>(&v);
                if (i == nullptr) type_error(s, info, "an integer in " + info.range);
                if (*i < lo || *i > hi) range_error(s, info);
                field(t) = static_cast<Field>(*i);
              },
              [field](const T& t) { return std::to_string(static_cast<std::int64_t>(field(t))); }});
    return *this;
  }

  template <class F>
  Schema& boolean(std::string key, F field, bool def, std::string description,
                  std::string source = "") {
    ParamInfo info{
        std::move(key),         "boolean",        def ? "true" : "false", "", "true | false",
        std::move(description), std::move(source)};
    defaults_.push_back([field, def](T& t) { field(t) = def; });
    entries_.push_back(
        Entry{info,
              [field, info](T& t, const Value& v, const Setting& s) {
                const auto* b = std::get_if<bool>(&v);
                if (b == nullptr) type_error(s, info, "true or false");
                field(t) = *b;
              },
              [field](const T& t) { return std::string(field(t) ? "true" : "false"); }});
    return *this;
  }

  /// Free text (file paths, names). `check` may throw a message for invalid text.
  template <class F>
  Schema& text(std::string key, F field, std::string def, std::string unit, std::string description,
               const std::function<std::string(const std::string&)>& check = {},
               std::string source = "") {
    ParamInfo info{std::move(key),   "string", toml_literal(Value{def}),
                   std::move(unit),  "text",   std::move(description),
                   std::move(source)};
    defaults_.push_back([field, def](T& t) { field(t) = def; });
    entries_.push_back(
        Entry{info,
              [field, info, check](T& t, const Value& v, const Setting& s) {
                const auto* str = std::get_if<std::string>(&v);
                if (str == nullptr) type_error(s, info, "a quoted string");
                if (check) {
                  const std::string problem = check(*str);
                  if (!problem.empty()) {
                    throw InputError(s.origin.text() + ": " + info.key + " = " + toml_literal(v) +
                                     " is invalid: " + problem);
                  }
                }
                field(t) = *str;
              },
              [field](const T& t) { return toml_literal(Value{std::string(field(t))}); }});
    return *this;
  }

  /// One of a fixed list of words.
  template <class F>
  Schema& choice(std::string key, F field, std::string def, const std::vector<std::string>& allowed,
                 std::string description, std::string source = "") {
    std::string range;
    for (const auto& a : allowed) range += (range.empty() ? "" : " | ") + a;
    ParamInfo info{std::move(key),         "choice",         toml_literal(Value{def}), "", range,
                   std::move(description), std::move(source)};
    defaults_.push_back([field, def](T& t) { field(t) = def; });
    entries_.push_back(
        Entry{info,
              [field, info, allowed](T& t, const Value& v, const Setting& s) {
                const auto* str = std::get_if<std::string>(&v);
                if (str == nullptr) type_error(s, info, "one of " + info.range);
                if (std::find(allowed.begin(), allowed.end(), *str) == allowed.end()) {
                  std::string msg = s.origin.text() + ": " + info.key + " = " + toml_literal(v) +
                                    " is not allowed: expected " + info.range;
                  const std::string near = nearest_key(*str, allowed);
                  if (!near.empty()) msg += " (did you mean \"" + near + "\"?)";
                  throw InputError(msg);
                }
                field(t) = *str;
              },
              [field](const T& t) { return toml_literal(Value{std::string(field(t))}); }});
    return *this;
  }

  /// Named elements under `prefix`: "prefix.<name>.<key>" sets `key` of element <name>, creating
  /// it from `fresh` (schema defaults) when it does not exist yet.
  template <class E, class F>
  Schema& collection(const std::string& prefix, F field, std::shared_ptr<const Schema<E>> element,
                     std::vector<Named<E>> initial, const std::string& description) {
    defaults_.push_back([field, initial](T& t) { field(t) = initial; });
    Collection c;
    c.prefix = prefix;
    c.description = description;
    c.keys = element->keys();
    c.info = element->params();
    c.apply = [field, element, prefix](T& t, const std::string& name, const std::string& key,
                                       const Setting& s) {
      auto& items = field(t);
      auto it =
          std::find_if(items.begin(), items.end(), [&](const auto& n) { return n.name == name; });
      if (it == items.end()) {
        items.push_back(Named<E>{name, element->make_default()});
        it = items.end() - 1;
      }
      element->apply_one(it->value, key, s, prefix + "." + name + ".");
    };
    c.print = [field, element, prefix](const T& t) {
      std::string out;
      for (const auto& n : field(t)) {
        out.append("\n[").append(prefix).append(".").append(toml_key(n.name)).append("]\n");
        out += element->print_flat(n.value);
      }
      return out;
    };
    c.names = [field](const T& t) {
      std::vector<std::string> names;
      for (const auto& n : field(t)) names.push_back(n.name);
      return names;
    };
    collections_.push_back(std::move(c));
    return *this;
  }

  /// An object with every declared default.
  T make_default() const {
    T t{};
    for (const auto& d : defaults_) d(t);
    return t;
  }

  /// Apply settings in order; the first problem throws InputError naming file:line and key.
  void apply(T& t, const std::vector<Setting>& settings) const {
    for (const auto& s : settings) apply_one(t, s.key, s, "");
  }

  /// Apply every setting in order and return each problem's message (file:line and key), so a
  /// user sees all of a file's mistakes at once, in the file's order.
  std::vector<std::string> apply_all(T& t, const std::vector<Setting>& settings) const {
    std::vector<std::string> errors;
    for (const auto& s : settings) {
      try {
        apply_one(t, s.key, s, "");
      } catch (const InputError& e) {
        errors.emplace_back(e.what());
      }
    }
    return errors;
  }

  /// Apply one key (relative to this schema); `shown_prefix` is prepended in messages.
  void apply_one(T& t, const std::string& key, const Setting& s,
                 const std::string& shown_prefix) const {
    for (const auto& e : entries_) {
      if (e.info.key == key) {
        Setting shown = s;
        shown.key = shown_prefix + key;
        // Messages name the full key: rebuild info with the prefix when inside a collection.
        if (shown_prefix.empty()) {
          e.assign(t, s.value, s);
        } else {
          try {
            e.assign(t, s.value, s);
          } catch (const InputError& err) {
            throw InputError(prefix_key(err.what(), key, shown_prefix + key));
          }
        }
        return;
      }
    }
    for (const auto& c : collections_) {
      const std::string head = c.prefix + ".";
      if (key.rfind(head, 0) == 0) {
        const std::string rest = key.substr(head.size());
        const auto dot = rest.find('.');
        if (dot == std::string::npos || dot == 0) {
          throw InputError(s.origin.text() + ": '" + shown_prefix + key + "' must be a table [" +
                           c.prefix + ".<name>] holding keys such as " + c.keys.front());
        }
        const std::string name = rest.substr(0, dot);
        const std::string sub = rest.substr(dot + 1);
        if (std::find(c.keys.begin(), c.keys.end(), sub) == c.keys.end()) {
          std::vector<std::string> full;
          for (const auto& k : c.keys) full.push_back(head + name + "." + k);
          unknown_key(s, shown_prefix + key, full);
        }
        c.apply(t, name, sub, s);
        return;
      }
    }
    unknown_key(s, shown_prefix + key, all_keys_for_suggestion(shown_prefix));
  }

  /// The resolved object as TOML text, grouped into [tables] in order of first declaration
  /// (a table may be declared in several places; TOML allows each header once).
  std::string to_toml(const T& t) const {
    std::vector<std::string> tables;
    std::vector<std::string> bodies;
    for (const auto& e : entries_) {
      const auto dot = e.info.key.rfind('.');
      const std::string table = dot == std::string::npos ? "" : e.info.key.substr(0, dot);
      const std::string leaf = dot == std::string::npos ? e.info.key : e.info.key.substr(dot + 1);
      auto it = std::find(tables.begin(), tables.end(), table);
      if (it == tables.end()) {
        tables.push_back(table);
        bodies.emplace_back();
        it = tables.end() - 1;
      }
      std::string& body = bodies[static_cast<std::size_t>(it - tables.begin())];
      body += leaf + " = " + e.print(t);
      if (!e.info.unit.empty()) body += "  # " + e.info.unit;
      body += "\n";
    }
    std::string out;
    for (std::size_t i = 0; i < tables.size(); ++i) {
      if (!tables[i].empty()) out += "\n[" + tables[i] + "]\n";
      out += bodies[i];
    }
    for (const auto& c : collections_) out += c.print(t);
    return out;
  }

  /// Keys and values without table headers (used for collection elements).
  std::string print_flat(const T& t) const {
    std::string out;
    for (const auto& e : entries_) {
      out += e.info.key + " = " + e.print(t);
      if (!e.info.unit.empty()) out += "  # " + e.info.unit;
      out += "\n";
    }
    return out;
  }

  std::vector<std::string> keys() const {
    std::vector<std::string> k;
    for (const auto& e : entries_) k.push_back(e.info.key);
    return k;
  }

  /// Every parameter, collections shown as "prefix.<name>.key".
  std::vector<ParamInfo> params() const {
    std::vector<ParamInfo> out;
    for (const auto& e : entries_) out.push_back(e.info);
    for (const auto& c : collections_) {
      for (auto info : c.info) {
        info.key = c.prefix + ".<name>." + info.key;
        out.push_back(info);
      }
    }
    return out;
  }

  /// Descriptions of the collections ("firms": "firm classes ...").
  std::vector<std::pair<std::string, std::string>> collection_descriptions() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& c : collections_) out.emplace_back(c.prefix, c.description);
    return out;
  }

 private:
  struct Collection {
    std::string prefix;
    std::string description;
    std::vector<std::string> keys;
    std::vector<ParamInfo> info;
    std::function<void(T&, const std::string&, const std::string&, const Setting&)> apply;
    std::function<std::string(const T&)> print;
    std::function<std::vector<std::string>(const T&)> names;
  };

  std::vector<std::string> all_keys_for_suggestion(const std::string& shown_prefix) const {
    std::vector<std::string> out;
    for (const auto& e : entries_) out.push_back(shown_prefix + e.info.key);
    for (const auto& c : collections_) {
      for (const auto& k : c.keys) out.push_back(shown_prefix + c.prefix + ".<name>." + k);
    }
    return out;
  }

  static std::string prefix_key(const std::string& msg, const std::string& key,
                                const std::string& full) {
    // Messages are "origin: key = ..."; show the full dotted key of a collection element.
    const auto at = msg.find(": " + key + " ");
    if (at == std::string::npos) return msg;
    return msg.substr(0, at + 2) + full + msg.substr(at + 2 + key.size());
  }

  [[noreturn]] static void unknown_key(const Setting& s, const std::string& key,
                                       const std::vector<std::string>& candidates) {
    std::string msg = s.origin.text() + ": unknown key '" + key + "'";
    const std::string near = nearest_key(key, candidates);
    if (!near.empty()) msg += "; did you mean '" + near + "'?";
    msg += " (`labourshift describe` lists every parameter)";
    throw InputError(msg);
  }

  [[noreturn]] static void type_error(const Setting& s, const ParamInfo& info,
                                      const std::string& expected) {
    throw InputError(s.origin.text() + ": " + info.key + " = " + toml_literal(s.value) +
                     " has the wrong type (" + describe_type(s.value) + "): expected " + expected +
                     (info.unit.empty() ? "" : " (" + info.unit + ")"));
  }

  [[noreturn]] static void range_error(const Setting& s, const ParamInfo& info) {
    throw InputError(s.origin.text() + ": " + info.key + " = " + toml_literal(s.value) +
                     " is out of range: allowed " + info.range +
                     (info.unit.empty() ? "" : " (" + info.unit + ")"));
  }

  std::vector<Entry> entries_;
  std::vector<Collection> collections_;
  std::vector<std::function<void(T&)>> defaults_;
};

}  // namespace labourshift::sim
