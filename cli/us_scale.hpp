// Outputs at US scale. A file stores counts and amounts at the agents' scale, each with the factor
// to US magnitudes (`us_scale`, persons per agent) and the unit after it (`us_unit`) beside it;
// what the command-line tools print is at US scale.
#pragma once

#include "sim/h5.hpp"

#include <string>
#include <vector>

namespace labourshift::cli {

/// A dataset's values at US scale, with their unit.
struct UsValues {
  std::vector<double> values;
  std::vector<h5::hsize> shape;
  std::string unit;
};

/// The dataset `path` under `g`, times its us_scale (1 where it has none), in its us_unit (else its
/// unit).
inline UsValues read_us_scale(const h5::Group& g, const std::string& path) {
  UsValues out;
  const h5::Dataset ds = g.open_dataset(path);
  out.values = ds.read();
  out.shape = ds.shape();
  out.unit = ds.has_attr("unit") ? ds.attr_string("unit") : "";
  if (ds.has_attr("us_scale")) {
    const double k = ds.attr_double("us_scale");
    for (double& x : out.values) x *= k;
    if (ds.has_attr("us_unit")) out.unit = ds.attr_string("us_unit");
  }
  return out;
}

}  // namespace labourshift::cli
