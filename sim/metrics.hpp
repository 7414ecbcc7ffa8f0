// Declared outputs. A model declares each monthly metric once (group, name, unit, description,
// width); every month it fills one flat vector of doubles laid out in declaration order. The
// writer turns each declaration into a dataset [replication x month] (width 1, group "series")
// or [replication x month x width] (by_occupation, by_class ...), with unit and description
// attributes. Not thread-safe while declaring; read-only afterwards.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace labourshift::sim {

/// A labelled axis of the outputs beyond replication and month (occupation, firm class, ...): the
/// writer stores its labels as a dimension scale named `name` in each group that uses it.
struct Axis {
  std::string name;  ///< the dimension's name, e.g. "occupation"
  std::string description;
  std::vector<std::string> labels;   ///< text labels (ids), or
  std::vector<std::int64_t> values;  ///< numbers, when labels is empty
  /// An optional second label per entry (occupation names beside their ids), stored as a
  /// coordinate `<name>_name` along the same axis.
  std::vector<std::string> names;
  std::size_t size() const { return labels.empty() ? values.size() : labels.size(); }
};

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
  std::string axis;  ///< the third axis of a vector metric (an Axis name); "" for a scalar
  /// The factor to US magnitudes: us_scale, or 1 for a metric that does not scale.
  double us_factor() const { return us_scale > 0 ? us_scale : 1.0; }
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
  std::vector<std::string> axes;  ///< an Axis name per entry of shape
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
                true, us_scale, std::move(us_unit), ""});
  }
  /// Declare a vector metric of `width` entries (occupations, classes ...).
  std::size_t vector(std::string group, std::string name, std::string unit, std::string description,
                     const std::string& axis, double us_scale = 0, std::string us_unit = "") {
    const std::size_t width = axis_named(axis).size();
    return add({std::move(group), std::move(name), std::move(unit), std::move(description), width,
                0, false, us_scale, std::move(us_unit), axis});
  }
  /// Declare a labelled axis before the metrics that use it.
  void add_axis(Axis axis) { axes_.push_back(std::move(axis)); }
  const std::vector<Axis>& axes() const { return axes_; }
  const Axis& axis_named(const std::string& name) const {
    for (const auto& a : axes_)
      if (a.name == name) return a;
    throw std::logic_error("undeclared output axis '" + name + "'");
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
  /// A declared metric by group and name; nullptr if there is none.
  const MetricSpec* find(const std::string& group, const std::string& name) const {
    for (const auto& s : specs_) {
      if (s.group == group && s.name == name) return &s;
    }
    return nullptr;
  }
  /// Position of a declared metric by group and name (for summaries and tests).
  std::size_t offset_of(const std::string& group, const std::string& name) const {
    const MetricSpec* s = find(group, name);
    return s != nullptr ? s->offset : npos;
  }
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

 private:
  std::size_t add(MetricSpec spec) {
    spec.offset = total_;
    total_ += spec.width;
    specs_.push_back(std::move(spec));
    return specs_.back().offset;
  }
  std::vector<Axis> axes_;
  std::vector<MetricSpec> specs_;
  std::vector<StaticSpec> statics_;
  std::vector<EventSpec> events_;
  std::size_t total_ = 0;
};

}  // namespace labourshift::sim
