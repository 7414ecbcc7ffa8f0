// CSV reading for the data files (occupations, mobility, firms): RFC 4180 quotes, '#' lines are
// comments, and every error names the file, line, column and value.
#pragma once

#include <string>
#include <vector>

namespace labourshift::models {

/// Split one CSV line (RFC 4180 quotes). Exposed for tests.
std::vector<std::string> split_csv_line(const std::string& line);

struct CsvRow {
  std::size_t line;
  std::vector<std::string> cells;
};

struct Csv {
  std::string path;
  std::vector<std::string> header;
  std::size_t header_line = 0;
  std::vector<CsvRow> rows;
  /// "path:line" of a row, for error messages.
  std::string at(const CsvRow& row) const;
};

/// Read a CSV file with a header line; throws sim::InputError (no file, ragged rows, no header).
Csv read_csv(const std::string& path, const char* what);
/// Cell `col` of `row` as a number in [lo, hi]; throws sim::InputError naming file, line, column.
double parse_number(const Csv& csv, const CsvRow& row, std::size_t col, double lo, double hi);
/// Index of the header column `name`; throws sim::InputError when it is missing.
std::size_t column(const Csv& csv, const std::string& name);

}  // namespace labourshift::models
