// Firm data: the large employers placed by name (data/firms/named_firms.csv), their announced 2025
// layoffs (named_firm_events_2025.csv) and the US firm-size bands (firm_sizes.csv, Census SUSB)
// that size the firms of a class with size_distribution = "susb" and give every firm its sites.
#pragma once

#include <string>
#include <vector>

namespace labourshift::models {

struct Scenario;

struct NamedFirm {
  std::string name;
  std::size_t firm_class = 0;  ///< index into the scenario's classes
  double employees = 0;        ///< persons (worldwide, as reported)
  std::string as_of;           ///< date the headcount refers to
  bool ai_seller = false;      ///< sells AI services (overrides the class)
  std::string ai_position;
};

/// One announced layoff of a named firm.
struct AnnouncedLayoff {
  std::size_t firm = 0;  ///< index into FirmData::named
  std::string month;     ///< YYYY-MM
  double announced = 0;  ///< persons
  std::string ai_cited;  ///< yes | no | unknown
};

/// A band of US employer firms by the employees of the whole firm (SUSB).
struct SizeBand {
  std::string band;
  double min_persons = 1;
  double max_persons = 0;  ///< 0 = no upper bound
  double firms = 0;
  double employment = 0;  ///< persons
  double persons_per_site = 1;
};

struct FirmData {
  std::vector<NamedFirm> named;  ///< empty when data.use_named_firms = false
  std::vector<AnnouncedLayoff> announced;
  std::vector<SizeBand> bands;  ///< ascending, contiguous
  /// Persons per site of a real firm of `persons` employees: its band's ratio.
  double persons_per_site(double persons) const;
};

/// Load the three files the scenario names (data.named_firms, data.named_firm_events,
/// data.firm_sizes); throws sim::InputError naming the file, line, column and value, and for a
/// class name the scenario does not have, the classes it does.
FirmData load_firm_data(const Scenario& s, const std::vector<std::string>& class_names);

}  // namespace labourshift::models
