// CSV reading for the data files: RFC 4180 quotes, '#' comment lines, errors that name the file,
// line, column and value.
#include "models/csv.hpp"

#include "sim/error.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>

namespace labourshift::models {

using sim::InputError;

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

Csv read_csv(const std::string& path, const char* what) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw InputError(path + ": no such " + std::string(what) + " file");
  }
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot read the " + std::string(what) + " file");
  Csv csv;
  csv.path = path;
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    auto cells = split_csv_line(line);
    if (csv.header.empty()) {
      csv.header = std::move(cells);
      csv.header_line = n;
      continue;
    }
    if (cells.size() != csv.header.size()) {
      throw InputError(path + ":" + std::to_string(n) + ": expected " +
                       std::to_string(csv.header.size()) + " columns as in the header, found " +
                       std::to_string(cells.size()));
    }
    csv.rows.push_back({n, std::move(cells)});
  }
  if (csv.header.empty()) throw InputError(path + ": the file has no header line");
  return csv;
}

double parse_number(const Csv& csv, const CsvRow& row, std::size_t col, double lo, double hi) {
  const std::string& text = row.cells[col];
  double x = 0;
  std::size_t used = 0;
  try {
    x = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  const std::string where = csv.path + ":" + std::to_string(row.line) + ": column '" +
                            csv.header[col] + "' = '" + text + "'";
  if (used == 0 || used != text.size() || !std::isfinite(x)) {
    throw InputError(where + " is not a number");
  }
  if (x < lo || x > hi) {
    throw InputError(where + " is out of range: allowed [" + std::to_string(lo) + ", " +
                     std::to_string(hi) + "]");
  }
  return x;
}

std::size_t column(const Csv& csv, const std::string& name) {
  for (std::size_t i = 0; i < csv.header.size(); ++i) {
    if (csv.header[i] == name) return i;
  }
  throw InputError(csv.path + ":" + std::to_string(csv.header_line) + ": missing column '" + name +
                   "'");
}

std::string Csv::at(const CsvRow& row) const { return path + ":" + std::to_string(row.line); }

}  // namespace labourshift::models
