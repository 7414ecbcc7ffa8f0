// fuzz_set: `--set key=value` overrides. Each input is a list of command-line arguments separated
// by NUL bytes (an argument cannot hold one); every argument is one `--set` value, applied in
// order to scenarios/baseline_2025.toml (copied to a scratch folder with its parent) by
// models::load_scenario(path, overrides), as `labourshift run --set ...` does: parse_override()
// (TOML value or bare word, UTF-8 check), the schema's keys, types and ranges, new firm classes
// created by "firms.<name>.<key>", then validate().
//
// A finding: a crash or sanitizer report, an exception other than sim::InputError, a hang or
// runaway memory, an argument parse_override() accepts on its own but whose key it loses, or an
// accepted scenario that breaks a property of check_scenario() (fuzz_support.hpp), above all that
// its resolved TOML loads back to the same scenario (a value --set accepts must be one the
// scenario file can hold).
#include "fuzz_support.hpp"

#include "models/scenario.hpp"
#include "sim/params.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ls = labourshift;

namespace {

std::string base_path;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  ls::fuzz::copy_scenarios_to_scratch();
  base_path = (ls::fuzz::scratch_dir() / "baseline_2025.toml").string();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::string> overrides =
      ls::fuzz::split_at_nul(ls::fuzz::as_string(data, size));
  // Each argument on its own: parse_override() keeps the key as written before '=' (trailing
  // blanks dropped), whatever the value.
  for (const auto& text : overrides) {
    ls::sim::Setting one;
    if (ls::fuzz::accepts("parse_override", [&] { one = ls::sim::parse_override(text); })) {
      std::string key = text.substr(0, text.find('='));
      while (!key.empty() && key.back() == ' ') key.pop_back();
      ls::fuzz::expect(one.key == key, "parse_override(\"" + text + "\") gave the key '" + one.key +
                                           "', not '" + key + "'");
    }
  }
  ls::models::Scenario s;
  if (ls::fuzz::accepts("load_scenario",
                        [&] { s = ls::models::load_scenario(base_path, overrides); })) {
    ls::fuzz::check_scenario(s);
  }
  return 0;
}
