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
