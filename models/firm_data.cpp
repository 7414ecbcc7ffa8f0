#include "models/firm_data.hpp"

#include "models/csv.hpp"
#include "models/scenario.hpp"
#include "sim/error.hpp"

#include <algorithm>
#include <map>

namespace labourshift::models {

using sim::InputError;

double FirmData::persons_per_site(double persons) const {
  for (const SizeBand& b : bands) {
    if (b.max_persons <= 0 || persons < b.max_persons + 1) return b.persons_per_site;
  }
  return bands.empty() ? 1.0 : bands.back().persons_per_site;
}

namespace {

std::vector<SizeBand> load_bands(const std::string& path) {
  const Csv csv = read_csv(path, "firm size");
  const std::size_t c_band = column(csv, "band"), c_min = column(csv, "min_persons"),
                    c_max = column(csv, "max_persons"), c_firms = column(csv, "firms"),
                    c_emp = column(csv, "employment"), c_site = column(csv, "persons_per_site");
  std::vector<SizeBand> bands;
  for (const CsvRow& row : csv.rows) {
    SizeBand b;
    b.band = row.cells[c_band];
    b.min_persons = parse_number(csv, row, c_min, 1, 1e9);
    b.max_persons = parse_number(csv, row, c_max, 0, 1e9);
    b.firms = parse_number(csv, row, c_firms, 1, 1e10);
    b.employment = parse_number(csv, row, c_emp, 1, 1e10);
    b.persons_per_site = parse_number(csv, row, c_site, 1, 1e6);
    const double mean = b.employment / b.firms;
    const bool open = b.max_persons <= 0;
    if (!open && b.max_persons < b.min_persons) {
      throw InputError(csv.at(row) + ": column 'max_persons' = '" + row.cells[c_max] +
                       "' is below min_persons; allowed: min_persons or more, or 0 for no bound");
    }
    if (mean < b.min_persons || (!open && mean > b.max_persons)) {
      throw InputError(csv.at(row) + ": employment / firms = " + std::to_string(mean) +
                       " persons lies outside the band [" + row.cells[c_min] + ", " +
                       (open ? std::string("no bound") : row.cells[c_max]) + "]");
    }
    if (!bands.empty()) {
      const SizeBand& prev = bands.back();
      if (prev.max_persons <= 0 || b.min_persons != prev.max_persons + 1) {
        throw InputError(
            csv.at(row) + ": column 'min_persons' = '" + row.cells[c_min] +
            "': bands must be ascending and contiguous (the band before ends at " +
            (prev.max_persons <= 0 ? std::string("no bound") : std::to_string(prev.max_persons)) +
            ")");
      }
    }
    bands.push_back(b);
  }
  if (bands.empty()) throw InputError(path + ": no size bands");
  if (bands.back().max_persons > 0) {
    throw InputError(csv.at(csv.rows.back()) +
                     ": the last band must be open (max_persons = 0) so every firm has a band");
  }
  return bands;
}

}  // namespace

FirmData load_firm_data(const Scenario& s, const std::vector<std::string>& class_names) {
  FirmData data;
  data.bands = load_bands(resolve_data_path(s, s.data.firm_sizes, "firms/firm_sizes.csv"));
  if (!s.data.use_named_firms) return data;

  const Csv named =
      read_csv(resolve_data_path(s, s.data.named_firms, "firms/named_firms.csv"), "named firms");
  const std::size_t c_name = column(named, "name"), c_class = column(named, "class"),
                    c_emp = column(named, "employees"), c_as_of = column(named, "as_of"),
                    c_seller = column(named, "ai_seller"),
                    c_position = column(named, "ai_position");
  std::map<std::string, std::size_t> index;
  for (const CsvRow& row : named.rows) {
    NamedFirm f;
    f.name = row.cells[c_name];
    if (f.name.empty()) throw InputError(named.at(row) + ": column 'name' is empty");
    if (!index.emplace(f.name, data.named.size()).second) {
      throw InputError(named.at(row) + ": column 'name' = '" + f.name +
                       "' appears twice; each firm once");
    }
    const std::string& cls = row.cells[c_class];
    const auto k = std::find(class_names.begin(), class_names.end(), cls);
    if (k == class_names.end()) {
      std::string list;
      for (const auto& n : class_names) list += (list.empty() ? "" : ", ") + n;
      throw InputError(named.at(row) + ": column 'class' = '" + cls +
                       "' is not a firm class of the scenario; allowed: " + list);
    }
    f.firm_class = static_cast<std::size_t>(k - class_names.begin());
    f.employees = parse_number(named, row, c_emp, 1, 1e8);
    f.as_of = row.cells[c_as_of];
    f.ai_seller = parse_number(named, row, c_seller, 0, 1) > 0.5;
    f.ai_position = row.cells[c_position];
    data.named.push_back(std::move(f));
  }
  if (data.named.size() > 65535) throw InputError(named.path + ": at most 65,535 named firms");

  const Csv events =
      read_csv(resolve_data_path(s, s.data.named_firm_events, "firms/named_firm_events_2025.csv"),
               "named firms' announced layoffs");
  const std::size_t c_firm = column(events, "firm"), c_month = column(events, "month"),
                    c_count = column(events, "announced"), c_ai = column(events, "ai_cited");
  for (const CsvRow& row : events.rows) {
    AnnouncedLayoff e;
    const auto it = index.find(row.cells[c_firm]);
    if (it == index.end()) {
      throw InputError(events.at(row) + ": column 'firm' = '" + row.cells[c_firm] +
                       "' is not a firm of " + named.path);
    }
    e.firm = it->second;
    e.month = row.cells[c_month];
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    const bool month_ok = e.month.size() == 7 && e.month[4] == '-' &&
                          std::all_of(e.month.begin(), e.month.begin() + 4, digit) &&
                          digit(e.month[5]) && digit(e.month[6]) &&
                          std::stoi(e.month.substr(5)) >= 1 && std::stoi(e.month.substr(5)) <= 12;
    if (!month_ok) {
      throw InputError(events.at(row) + ": column 'month' = '" + e.month +
                       "' is not a month; allowed: YYYY-MM");
    }
    e.announced = parse_number(events, row, c_count, 1, 1e8);
    e.ai_cited = row.cells[c_ai];
    if (e.ai_cited != "yes" && e.ai_cited != "no" && e.ai_cited != "unknown") {
      throw InputError(events.at(row) + ": column 'ai_cited' = '" + e.ai_cited +
                       "'; allowed: yes, no, unknown");
    }
    data.announced.push_back(std::move(e));
  }
  return data;
}

}  // namespace labourshift::models
