#include "helpers.hpp"
#include "models/labour_market.hpp"
#include "models/scenario.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace labourshift;

namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path() / "labourshift_scenario_tests";
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::ofstream(path) << text;
  return path.string();
}

std::string load_error(const std::string& path, const std::vector<std::string>& sets = {}) {
  try {
    const auto s = models::load_scenario(path, sets);
    (void)models::Model::build(s);
  } catch (const sim::InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("every shipped scenario loads and builds", "[scenario]") {
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(LABOURSHIFT_SCENARIOS)) {
    if (entry.path().extension() != ".toml") continue;
    INFO(entry.path());
    CHECK(load_error(entry.path().string()).empty());
    ++n;
  }
  CHECK(n >= 1);
}

TEST_CASE("the name defaults to the file stem and overrides apply", "[scenario]") {
  const auto p = write_temp("my_case.toml", "[run]\nmonths = 12\n");
  const auto s = models::load_scenario(p, {"labour.quit_rate=0.004", "macro.path=cycle"});
  CHECK(s.run.name == "my_case");
  CHECK(s.run.months == 12);
  CHECK(s.labour.quit_rate == 0.004);
  CHECK(s.macro.path == "cycle");
}

TEST_CASE("bad scenarios give errors naming file, line, key and allowed values", "[scenario]") {
  CHECK_THAT(
      load_error(write_temp("a.toml", "[run]\nmonths = 12\n[labour]\nquitrate = 0.1\n")),
      Catch::Contains("a.toml:4: unknown key 'labour.quitrate'; did you mean 'labour.quit_rate'?"));
  CHECK_THAT(load_error(write_temp("b.toml", "[run]\nmonths = \"twelve\"\n")),
             Catch::Contains("b.toml:2: run.months = \"twelve\" has the wrong type"));
  CHECK_THAT(load_error(write_temp("c.toml", "[population]\ninitial_unemployment_rate = 0.7\n")),
             Catch::Contains("c.toml:2: population.initial_unemployment_rate = 0.7 is out of "
                             "range: allowed [0.0, 0.5]"));
  CHECK_THAT(load_error(write_temp("d.toml", "[run]\nstart = \"2024-13\"\n")),
             Catch::Contains("run.start = \"2024-13\" is invalid"));
  CHECK_THAT(load_error(write_temp("e.toml", "[firms.hyperscaler]\nemployment_share = 0.5\n")),
             Catch::Contains("must sum to 1"));
  CHECK_THAT(load_error(write_temp("f.toml", "[firms.hyperscaler]\nlayof_speed = 0.5\n")),
             Catch::Contains("did you mean 'firms.hyperscaler.layoff_speed'"));
  CHECK_THAT(load_error(write_temp("g.toml", "[data]\noccupations = \"missing.csv\"\n")),
             Catch::Contains("missing.csv: no such occupation table file"));
  CHECK_THAT(
      load_error(write_temp("h.toml", ""), {"run.monthz=3"}),
      Catch::Contains("--set run.monthz=3: unknown key 'run.monthz'; did you mean 'run.months'?"));
  CHECK_THAT(load_error(write_temp("i.toml", ""), {"run.months=0"}),
             Catch::Contains("--set run.months=0: run.months = 0 is out of range"));
}

TEST_CASE("policy windows must lie in the run, the end not before the start",
          "[scenario][policy]") {
  const std::string run = "[run]\nstart = \"2024-01\"\nmonths = 36\n[policy]\n";
  CHECK_THAT(load_error(write_temp("w1.toml", run + "reskilling_subsidy_start = \"2023-12\"\n")),
             Catch::Contains("w1.toml:5: policy.reskilling_subsidy_start = \"2023-12\" is outside "
                             "the run: expected a month from 2024-01 to 2026-12"));
  CHECK_THAT(load_error(write_temp("w2.toml", run + "compute_tax_start = \"2027-01\"\n")),
             Catch::Contains("w2.toml:5: policy.compute_tax_start = \"2027-01\" is outside"));
  CHECK_THAT(load_error(write_temp("w3.toml", run + "ui_start = \"2025-06\"\n"
                                                    "ui_end = \"2025-05\"\n")),
             Catch::Contains("w3.toml:6: policy.ui_end = \"2025-05\" is before policy.ui_start = "
                             "\"2025-06\""));
  CHECK_THAT(load_error(write_temp("w4.toml", run + "severance_start = \"2025-6\"\n")),
             Catch::Contains("policy.severance_start = \"2025-6\" is invalid: expected YYYY-MM"));
  CHECK_THAT(
      load_error(write_temp("w5.toml", run), {"policy.hiring_subsidy_end=\"2023-01\""}),
      Catch::Contains("--set policy.hiring_subsidy_end=\"2023-01\": policy.hiring_subsidy_end "
                      "= \"2023-01\" is before the run's start 2024-01"));
  // Every window's problem at once, one line each.
  const std::string two = load_error(
      write_temp("w7.toml", run + "ui_start = \"2030-01\"\ncompute_tax_start = \"2025-01\"\n"
                                  "compute_tax_end = \"2024-12\"\n"));
  CHECK_THAT(two, Catch::Contains("w7.toml:5: policy.ui_start = \"2030-01\" is outside the run"));
  CHECK_THAT(two, Catch::Contains("w7.toml:7: policy.compute_tax_end = \"2024-12\" is before"));
  // A window of one month, the run's last, is fine.
  const std::string ok = run + "ui_start = \"2026-12\"\nui_end = \"2026-12\"\n";
  CHECK_NOTHROW(models::load_scenario(write_temp("w6.toml", ok)));
}

TEST_CASE("outside its window a lever holds the status quo", "[scenario][policy]") {
  auto s = models::scenario_from_settings(
      {test::set("run.start", sim::Value{std::string("2024-01")}),
       test::set("run.months", test::i64(48)),
       test::set("policy.reskilling_subsidy", test::real(0.8)),
       test::set("policy.reskilling_uptake_boost", test::real(1.0)),
       test::set("policy.reskilling_subsidy_start", sim::Value{std::string("2026-07")}),
       test::set("policy.reskilling_subsidy_end", sim::Value{std::string("2026-12")}),
       test::set("policy.ui_months", test::i64(18))});
  const models::PolicyParams quo = models::scenario_schema().make_default().policy;
  for (int month = 1; month <= 48; ++month) {
    const models::PolicyParams p = models::policy_in_force(s, month);
    const bool in = month >= 31 && month <= 36;  // 2026-07 .. 2026-12
    CHECK(p.reskilling_subsidy == (in ? 0.8 : quo.reskilling_subsidy));
    CHECK(p.reskilling_uptake_boost == (in ? 1.0 : quo.reskilling_uptake_boost));
    CHECK(p.ui_months == 18);  // no window: in force from the first month to the last
  }
}

TEST_CASE("bad data files are rejected with the file, line and problem", "[scenario]") {
  const std::string data = LABOURSHIFT_TEST_DATA;
  auto with_mobility = [&](const std::string& file) {
    return write_temp("mob_" + file + ".toml",
                      "[data]\nmobility = \"" + data + "/" + file + "\"\n");
  };
  CHECK_THAT(load_error(with_mobility("mobility_wrong_shape.csv")),
             Catch::Contains("expected 24 x 24"));
  CHECK_THAT(load_error(with_mobility("mobility_out_of_range.csv")),
             Catch::Contains("is out of range: allowed [0"));
  CHECK_THAT(load_error(with_mobility("mobility_bad_rowsum.csv")),
             Catch::Contains("each row must sum to 1"));
}

TEST_CASE("the resolved scenario is valid TOML that reproduces the scenario", "[scenario]") {
  const auto p = write_temp("resolved_src.toml",
                            "[run]\nmonths = 30\n[firms.mid_tech]\nlayoff_speed = 0.25\n");
  const auto s = models::load_scenario(p);
  const auto back_path = write_temp("resolved.toml", models::to_toml(s));
  const auto back = models::load_scenario(back_path);
  CHECK(models::to_toml(back) == models::to_toml(s));
  CHECK(back.run.months == 30);
  CHECK(back.firms[2].value.layoff_speed == 0.25);
}
