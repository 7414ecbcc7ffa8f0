// fuzz_targets: the calibration targets reader. Each input is the text of a targets CSV
// (data/targets_2025.csv is the real one); it is written to a scratch folder and read with
// analysis::load_targets(), as `labourshift calibrate` reads the file its calibration names.
//
// A finding: a crash or sanitizer report, an exception other than sim::InputError, a hang or
// runaway memory, or an accepted file that breaks what the reader promises and the calibration
// relies on (it indexes months by these numbers): at least one target, each with a known
// statistic, finite value, finite positive se, 1 <= from_month <= to_month, and for "growth" as
// many months before from_month as in the window.
#include "fuzz_support.hpp"

#include "analysis/calibration.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ls = labourshift;

namespace {

void check_targets(const std::vector<ls::analysis::Target>& targets) {
  ls::fuzz::expect(!targets.empty(), "no targets accepted");
  for (const auto& t : targets) {
    const std::string what = "target '" + t.id + "': ";
    ls::fuzz::expect(t.statistic == "mean" || t.statistic == "ratio" || t.statistic == "growth" ||
                         t.statistic == "end_growth",
                     what + "statistic '" + t.statistic + "' accepted");
    ls::fuzz::expect(std::isfinite(t.value), what + "value is not finite");
    ls::fuzz::expect(std::isfinite(t.se) && t.se > 0, what + "se is not finite and positive");
    ls::fuzz::expect(t.from_month >= 1 && t.to_month >= t.from_month,
                     what + "months outside 1 <= from_month <= to_month");
    if (t.statistic == "growth") {
      // In 64 bits: the window's length cannot overflow here, whatever the months.
      const std::int64_t window = std::int64_t{t.to_month} - t.from_month + 1;
      ls::fuzz::expect(std::int64_t{t.from_month} - window >= 1,
                       what + "growth window has too few months before it");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path =
      ls::fuzz::write_scratch("targets.csv", reinterpret_cast<const char*>(data), size);
  std::vector<ls::analysis::Target> targets;
  if (ls::fuzz::accepts("load_targets", [&] { targets = ls::analysis::load_targets(path); })) {
    check_targets(targets);
  }
  return 0;
}
