// Declared outputs. A model declares each monthly metric once (group, name, unit, description,
// width); every month it fills one flat vector of doubles laid out in declaration order. The
// writer turns each declaration into a dataset [replication x month] (width 1, group "series")
// or [replication x month x width] (by_occupation, by_class ...), with unit and description
// attributes. Not thread-safe while declaring; read-only afterwards.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace labourshift::sim {

struct MetricSpec {
  std::string group;  ///< "series", "by_occupation", "by_class", ...
  std::string name;
  std::string unit;
  std::string description;
  std::size_t width = 1;   ///< 1 for a scalar series
  std::size_t offset = 0;  ///< position in the monthly vector
  bool scalar = true;      ///< written as [replication x month]
  /// For a count or amount at the agents' scale: the factor to US magnitudes (persons per agent)
  /// and the unit after it ("persons" for "agents"); 0 and "" for rates, shares and prices.
  double us_scale = 0;
  std::string us_unit;
};

/// A per-replication array written once at the end (e.g. a transition matrix).
struct StaticSpec {
  std::string group;
  std::string name;
  std::string unit;
  std::string description;
  std::vector<std::size_t> shape;  ///< without the leading replication axis
  double us_scale = 0;             ///< as MetricSpec::us_scale
  std::string us_unit;
};

/// A table of integer events appended as they happen (e.g. WARN notices).
struct EventSpec {
  std::string group;
  std::string name;
  std::vector<std::string> columns;
  std::string description;
};

class MetricLayout {
 public:
  /// Declare a scalar series; returns its position in the monthly vector. `us_scale` and
  /// `us_unit` as in MetricSpec.
  std::size_t scalar(std::string group, std::string name, std::string unit, std::string description,
                     double us_scale = 0, std::string us_unit = "") {
    return add({std::move(group), std::move(name), std::move(unit), std::move(description), 1, 0,
                true, us_scale, std::move(us_unit)});
  }
  /// Declare a vector metric of `width` entries (occupations, classes ...).
  std::size_t vector(std::string group, std::string name, std::string unit, std::string description,
                     std::size_t width, double us_scale = 0, std::string us_unit = "") {
    return add({std::move(group), std::move(name), std::move(unit), std::move(description), width,
                0, false, us_scale, std::move(us_unit)});
  }
  std::size_t add_static(StaticSpec spec) {
    statics_.push_back(std::move(spec));
    return statics_.size() - 1;
  }
  std::size_t add_events(EventSpec spec) {
    events_.push_back(std::move(spec));
    return events_.size() - 1;
  }
  std::size_t size() const { return total_; }
  const std::vector<EventSpec>& events() const { return events_; }
  const std::vector<MetricSpec>& specs() const { return specs_; }
  const std::vector<StaticSpec>& statics() const { return statics_; }
  /// Position of a declared metric by group and name (for summaries and tests).
  std::size_t offset_of(const std::string& group, const std::string& name) const {
    for (const auto& s : specs_) {
      if (s.group == group && s.name == name) return s.offset;
    }
    return npos;
  }
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

 private:
  std::size_t add(MetricSpec spec) {
    spec.offset = total_;
    total_ += spec.width;
    specs_.push_back(std::move(spec));
    return specs_.back().offset;
  }
  std::vector<MetricSpec> specs_;
  std::vector<StaticSpec> statics_;
  std::vector<EventSpec> events_;
  std::size_t total_ = 0;
};

}  // namespace labourshift::sim
