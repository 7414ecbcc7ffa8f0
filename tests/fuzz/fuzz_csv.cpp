// fuzz_csv: the CSV readers of the data files. Each input is an occupation table, optionally
// followed by a NUL byte and a mobility matrix (data/occupations.csv and data/mobility.csv are
// the real ones). Every line of both goes through models::split_csv_line(); the two are written
// to a scratch folder and read with models::load_occupation_data(), as a scenario's
// data.occupations and data.mobility are when a run starts.
//
// A finding: a crash or sanitizer report, an exception other than sim::InputError, a hang or
// runaway memory, a line split_csv_line() splits wrongly (without quotes the cells joined by ','
// must give back the line less its '\r's; with quotes no cell may be longer than the line), or
// accepted data that break what the loader promises: 1 to 65,535 occupations with unique, non-empty
// ids, positive total employment, values within their documented ranges, and an O x O mobility
// matrix with entries in [0, 1] whose rows sum to 1.
#include "fuzz_support.hpp"

#include "models/csv.hpp"
#include "models/occupations.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace ls = labourshift;

namespace {

void check_split(const std::string& line) {
  std::vector<std::string> cells;
  if (!ls::fuzz::accepts("split_csv_line", [&] { cells = ls::models::split_csv_line(line); })) {
    ls::fuzz::fail("split_csv_line threw InputError");
  }
  ls::fuzz::expect(!cells.empty(), "split_csv_line returned no cell");
  std::size_t total = 0;
  for (const auto& c : cells) total += c.size();
  ls::fuzz::expect(total + cells.size() - 1 <= line.size(),
                   "split_csv_line made cells longer than the line");
  if (line.find('"') == std::string::npos) {
    std::string joined;
    for (std::size_t i = 0; i < cells.size(); ++i) joined += (i == 0 ? "" : ",") + cells[i];
    std::string plain;
    for (char c : line) {
      if (c != '\r') plain += c;
    }
    ls::fuzz::expect(joined == plain, "split_csv_line does not give back an unquoted line");
  }
}

void check_lines(const std::string& text) {
  std::size_t begin = 0;
  while (begin <= text.size()) {
    const std::size_t end = text.find('\n', begin);
    check_split(text.substr(begin, end == std::string::npos ? std::string::npos : end - begin));
    if (end == std::string::npos) break;
    begin = end + 1;
  }
}

bool within(double x, double lo, double hi) { return std::isfinite(x) && x >= lo && x <= hi; }

void check_data(const ls::models::OccupationData& d) {
  const std::size_t n = d.size();
  ls::fuzz::expect(n >= 1 && n <= 65535, "accepted " + std::to_string(n) + " occupations");
  std::set<std::string> ids;
  double employment = 0;
  for (const auto& o : d.occupations) {
    ls::fuzz::expect(!o.id.empty() && ids.insert(o.id).second, "empty or duplicate id accepted");
    ls::fuzz::expect(within(o.employment, 0, 1e10) && within(o.wage_month_usd, 1, 1e7) &&
                         within(o.exposure, 0, 1) && within(o.routine, 0, 1) &&
                         within(o.coordination, 0, 1) && within(o.complementarity, 0, 10) &&
                         within(o.tech_share, 0, 1),
                     "occupation '" + o.id + "' has a value out of its range");
    employment += o.employment;
  }
  ls::fuzz::expect(employment > 0, "total employment is not positive");
  ls::fuzz::expect(d.mobility.rows() == static_cast<Eigen::Index>(n) &&
                       d.mobility.cols() == static_cast<Eigen::Index>(n),
                   "the mobility matrix is not O x O");
  for (Eigen::Index i = 0; i < d.mobility.rows(); ++i) {
    double sum = 0;
    for (Eigen::Index j = 0; j < d.mobility.cols(); ++j) {
      // Entries are in [0, 1] in the file; rows summing to 1 +- 0.001 are rescaled to 1.
      ls::fuzz::expect(within(d.mobility(i, j), 0, 1.0 / 0.999),
                       "a mobility entry is out of [0, 1]");
      sum += d.mobility(i, j);
    }
    ls::fuzz::expect(std::fabs(sum - 1.0) < 1e-9, "a mobility row does not sum to 1");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input = ls::fuzz::as_string(data, size);
  const std::size_t nul = input.find('\0');
  const std::string occupations = input.substr(0, nul);
  const std::string mobility = nul == std::string::npos ? std::string() : input.substr(nul + 1);
  check_lines(occupations);
  check_lines(mobility);
  const std::string occ_path = ls::fuzz::write_scratch("occupations.csv", occupations);
  const std::string mob_path = ls::fuzz::write_scratch("mobility.csv", mobility);
  ls::models::OccupationData d;
  if (ls::fuzz::accepts("load_occupation_data",
                        [&] { d = ls::models::load_occupation_data(occ_path, mob_path); })) {
    check_data(d);
  }
  return 0;
}
