// fuzz_scenario: the scenario file reader. Each input is the text of a scenario file; it is
// written to a scratch folder that also holds a copy of scenarios/*.toml (so `extends =
// "baseline_2025.toml"` resolves) and read with models::load_scenario(), the entry point of
// `labourshift run` and `validate`: TOML parsing, `extends` chains, the schema's types and ranges,
// the cross-field checks of validate().
//
// A finding: a crash or sanitizer report, an exception other than sim::InputError, a hang or
// runaway memory, or an accepted scenario that breaks a property of check_scenario()
// (fuzz_support.hpp): readable start month, shares summing to 1, the resolved TOML loading back
// to the same scenario.
#include "fuzz_support.hpp"

#include "models/scenario.hpp"

#include <cstddef>
#include <cstdint>

namespace ls = labourshift;

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  ls::fuzz::copy_scenarios_to_scratch();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path =
      ls::fuzz::write_scratch("fuzz-input.toml", reinterpret_cast<const char*>(data), size);
  ls::models::Scenario s;
  if (ls::fuzz::accepts("load_scenario", [&] { s = ls::models::load_scenario(path); })) {
    ls::fuzz::check_scenario(s);
  }
  return 0;
}
