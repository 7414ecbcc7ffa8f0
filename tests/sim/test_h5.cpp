#include "sim/h5.hpp"
#include "sim/output.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include <unistd.h>

namespace h5 = labourshift::h5;
namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

// A fresh directory per test case, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    dir_ = fs::temp_directory_path() / ("labourshift_h5_" + std::to_string(::getpid()) + "_" +
                                        std::to_string(stamp) + "_" + std::to_string(counter++));
    fs::create_directories(dir_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (dir_ / name).string(); }

 private:
  fs::path dir_;
};

// The error message of an h5::Error thrown by f, or "" when nothing is thrown.
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const h5::Error& e) {
    return e.what();
  }
  return "";
}

const double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

TEST_CASE("2-D dataset round trip through hyperslab writes, unwritten cells NaN", "[h5]") {
  TempDir tmp;
  const auto path = tmp.file("two.h5");
  {
    auto f = h5::File::create(path);
    auto series = f.root().create_group("series");
    // Chunk wider than the dataset: clamped to the month dimension.
    auto ds = series.create_dataset("hires", {3, 5}, {1, 120}, kNaN);
    REQUIRE(ds.path() == "/series/hires");
    REQUIRE(ds.shape() == std::vector<h5::hsize>{3, 5});
    const std::vector<double> row{1, 2, 3, 4, 5};
    ds.write({0, 0}, {1, 5}, row.data());
    const std::vector<double> block{7.5, 8.5, 9.5};
    ds.write({2, 1}, {1, 3}, block.data());
    const double cell = -1.25;
    ds.write({1, 4}, {1, 1}, &cell);
    f.close();
  }
  auto f = h5::File::open_read(path);
  auto root = f.root();
  REQUIRE(root.shape("series/hires") == std::vector<h5::hsize>{3, 5});
  const auto v = root.read_vector("series/hires");
  REQUIRE(v.size() == 15);
  const std::vector<double> expect{1,    2,     3,    4,   5,   kNaN, kNaN, kNaN,
                                   kNaN, -1.25, kNaN, 7.5, 8.5, 9.5,  kNaN};
  for (std::size_t i = 0; i < v.size(); ++i) {
    INFO("cell " << i);
    if (std::isnan(expect[i])) {
      REQUIRE(std::isnan(v[i]));
    } else {
      REQUIRE(v[i] == expect[i]);
    }
  }
}

TEST_CASE("3-D dataset round trip, row-major blocks", "[h5]") {
  TempDir tmp;
  auto f = h5::File::create(tmp.file("three.h5"));
  auto ds = f.root().create_dataset("flows", {2, 4, 3}, {1, 4, 3}, kNaN);
  // Replication 1, month 2, all 3 widths.
  const std::vector<double> a{10, 11, 12};
  ds.write({1, 2, 0}, {1, 1, 3}, a.data());
  // Both replications, month 0, widths 1..2: a 2x1x2 block.
  const std::vector<double> b{20, 21, 30, 31};
  ds.write({0, 0, 1}, {2, 1, 2}, b.data());
  const auto v = ds.read();
  REQUIRE(v.size() == 24);
  auto at = [&](std::size_t r, std::size_t m, std::size_t k) { return v[(r * 4 + m) * 3 + k]; };
  REQUIRE(at(1, 2, 0) == 10);
  REQUIRE(at(1, 2, 1) == 11);
  REQUIRE(at(1, 2, 2) == 12);
  REQUIRE(at(0, 0, 1) == 20);
  REQUIRE(at(0, 0, 2) == 21);
  REQUIRE(at(1, 0, 1) == 30);
  REQUIRE(at(1, 0, 2) == 31);
  REQUIRE(std::isnan(at(0, 0, 0)));
  REQUIRE(std::isnan(at(1, 0, 0)));
  REQUIRE(std::isnan(at(0, 3, 2)));
  int nans = 0;
  for (double x : v) nans += std::isnan(x) ? 1 : 0;
  REQUIRE(nans == 24 - 7);
}

TEST_CASE("chunk shapes are clamped for dimensions of 1 and zero-size datasets work", "[h5]") {
  TempDir tmp;
  auto f = h5::File::create(tmp.file("chunks.h5"));
  auto root = f.root();
  auto one = root.create_dataset("one", {1, 1}, {1, 120}, kNaN);
  const double x = 3.0;
  one.write({0, 0}, {1, 1}, &x);
  REQUIRE(root.read_vector("one") == std::vector<double>{3.0});

  auto col = root.create_dataset("col", {4, 1, 1}, {0, 0, 7}, kNaN);  // 0 -> 1, 7 -> 1
  const std::vector<double> vals{1, 2, 3, 4};
  col.write({0, 0, 0}, {4, 1, 1}, vals.data());
  REQUIRE(root.read_vector("col") == vals);

  auto whole = root.create_dataset("whole", {2, 3}, {}, kNaN);  // empty chunk: one chunk
  REQUIRE(whole.shape() == std::vector<h5::hsize>{2, 3});

  auto empty = root.create_dataset("empty", {0, 5}, {1, 5}, kNaN);
  REQUIRE(empty.shape() == std::vector<h5::hsize>{0, 5});
  REQUIRE(root.read_vector("empty").empty());
  empty.write({0, 0}, {0, 5}, static_cast<const double*>(nullptr));  // nothing to write

  REQUIRE_THROWS_AS(root.create_dataset("bad", {2, 2}, {1}, kNaN), h5::Error);
}

TEST_CASE("int64 datasets: fill 0, hyperslab writes, 1-D vectors", "[h5]") {
  TempDir tmp;
  auto f = h5::File::create(tmp.file("ints.h5"));
  auto root = f.root();
  auto ds = root.create_dataset_i64("counts", {2, 3}, {1, 3});
  const std::vector<std::int64_t> row{std::int64_t{1} << 40, -2, 3};
  ds.write({1, 0}, {1, 3}, row.data());
  REQUIRE(root.read_ints("counts") ==
          std::vector<std::int64_t>{0, 0, 0, std::int64_t{1} << 40, -2, 3});

  root.write_vector("dv", std::vector<double>{0.5, -1.5, 1e300});
  root.write_vector("iv", std::vector<std::int64_t>{7, -8, 9});
  root.write_vector("nothing", std::vector<double>{});
  REQUIRE(root.read_vector("dv") == std::vector<double>{0.5, -1.5, 1e300});
  REQUIRE(root.read_ints("iv") == std::vector<std::int64_t>{7, -8, 9});
  REQUIRE(root.read_vector("iv") == std::vector<double>{7, -8, 9});  // converted to float64
  REQUIRE(root.shape("nothing") == std::vector<h5::hsize>{0});
}

TEST_CASE("attributes of each type, replaced when set again", "[h5]") {
  TempDir tmp;
  const auto path = tmp.file("attrs.h5");
  {
    auto f = h5::File::create(path);
    auto root = f.root();
    root.set_attr("name", std::string("baseline"));
    root.set_attr("literal", "a C string");
    root.set_attr("seed", std::int64_t{1} << 50);
    root.set_attr("complete", 0);  // int literal: must compile and store int64
    root.set_attr("wall_seconds", 0.0);
    root.set_attr("months_completed", std::vector<std::int64_t>{0, 0, 0});
    root.set_attr("weights", std::vector<double>{0.25, 0.75});
    root.set_attr("none", std::vector<std::int64_t>{});
    auto ds = root.create_dataset("x", {2}, {2}, kNaN);
    ds.set_attr("unit", std::string("jobs"));
    ds.set_attr("unit", std::string("workers per month"));  // replace with a longer string
    // Updates during a run: same name, new value, possibly new type or size.
    root.set_attr("complete", std::int64_t{1});
    root.set_attr("wall_seconds", 12.5);
    root.set_attr("months_completed", std::vector<std::int64_t>{12, 11, 10, 9});
    root.set_attr("name", 42);
    f.close();
  }
  auto f = h5::File::open_read(path);
  auto root = f.root();
  REQUIRE(root.attr_string("literal") == "a C string");
  REQUIRE(root.attr_int("seed") == std::int64_t{1} << 50);
  REQUIRE(root.attr_int("complete") == 1);
  REQUIRE(root.attr_double("wall_seconds") == 12.5);
  REQUIRE(root.attr_double("complete") == 1.0);  // HDF5 converts int64 -> double
  REQUIRE(root.attr_ints("months_completed") == std::vector<std::int64_t>{12, 11, 10, 9});
  REQUIRE(root.attr_doubles("weights") == std::vector<double>{0.25, 0.75});
  REQUIRE(root.attr_ints("none").empty());
  REQUIRE(root.attr_int("name") == 42);
  REQUIRE(root.open_dataset("x").attr_string("unit") == "workers per month");
  REQUIRE(root.has_attr("seed"));
  REQUIRE_FALSE(root.has_attr("missing"));
  REQUIRE_THROWS_AS(root.attr_int("missing"), h5::Error);
  REQUIRE_THROWS_AS(root.attr_int("months_completed"), h5::Error);  // not one value
  REQUIRE_THROWS_AS(root.attr_string("seed"), h5::Error);           // not a string
  REQUIRE_THAT(error_of([&] { (void)root.attr_int("missing"); }),
               Contains("missing") && Contains(path));
}

TEST_CASE("strings, list() and exists() with nested paths", "[h5]") {
  TempDir tmp;
  auto f = h5::File::create(tmp.file("strings.h5"));
  auto root = f.root();
  const std::string toml = "[run]\nname = \"Zürich – naïve\"\nmonths = 120\n";
  root.write_string("scenario", toml);
  const std::vector<std::string> names{"Managers", "", "Café workers", "x"};
  auto occ = root.create_group("occupations");
  occ.write_strings("name", names);
  occ.write_strings("none", {});
  REQUIRE(root.read_string("scenario") == toml);
  REQUIRE(root.read_strings("occupations/name") == names);
  REQUIRE(occ.read_strings("none").empty());
  REQUIRE(root.shape("scenario").empty());  // scalar

  auto deep = root.create_group("a/b/c");  // intermediate groups created
  REQUIRE(deep.path() == "/a/b/c");
  deep.write_vector("v", std::vector<double>{1.0});
  root.write_vector("zeta", std::vector<double>{});
  REQUIRE(root.list() == std::vector<std::string>{"a", "occupations", "scenario", "zeta"});
  REQUIRE(occ.list() == std::vector<std::string>{"name", "none"});
  REQUIRE(root.exists("a"));
  REQUIRE(root.exists("a/b"));
  REQUIRE(root.exists("a/b/c/v"));
  REQUIRE(root.exists("/a/b/c"));
  REQUIRE(root.open_group("a").exists("b/c"));
  REQUIRE_FALSE(root.exists("a/x"));
  REQUIRE_FALSE(root.exists("a/x/y"));       // missing intermediate: false, not an error
  REQUIRE_FALSE(root.exists("scenario/x"));  // intermediate is a dataset
  REQUIRE_FALSE(root.exists("nothing"));
  REQUIRE_FALSE(root.exists(""));
  REQUIRE_THROWS_AS(root.read_string("occupations/name"), h5::Error);  // 4 strings, not 1
  REQUIRE_THROWS_AS(root.read_string("a/b/c/v"), h5::Error);           // not a string
  REQUIRE_THROWS_AS(root.read_vector("scenario"), h5::Error);          // not numeric
}

TEST_CASE("table: append twice, read back, reopen and append again", "[h5]") {
  TempDir tmp;
  const auto path = tmp.file("table.h5");
  {
    auto f = h5::File::create(path);
    auto events = f.root().create_group("events");
    auto warn = events.create_table("warn", {"replication", "month", "code"});
    REQUIRE(warn.rows() == 0);
    REQUIRE(warn.read_all().empty());
    warn.append({0, 1, 100, 0, 2, 101});
    warn.append({1, 5, 200});
    warn.append({});  // no rows: no-op
    REQUIRE(warn.rows() == 3);
    REQUIRE(warn.read_all() == std::vector<std::int64_t>{0, 1, 100, 0, 2, 101, 1, 5, 200});
    REQUIRE_THROWS_AS(warn.append({1, 2}), h5::Error);  // not a multiple of 3
    REQUIRE_THROWS_AS(events.create_table("dup", {"a", "a"}), h5::Error);
    REQUIRE_THROWS_AS(events.create_table("nocols", {}), h5::Error);
    f.close();
  }
  {
    auto f = h5::File::open_rw(path);
    auto warn = f.root().open_table("events/warn");
    REQUIRE(warn.columns() == std::vector<std::string>{"replication", "month", "code"});
    warn.append({2, 7, 300});
    f.close();
  }
  auto f = h5::File::open_read(path);
  auto warn = f.root().open_table("events/warn");
  REQUIRE(warn.rows() == 4);
  REQUIRE(warn.read_all() == std::vector<std::int64_t>{0, 1, 100, 0, 2, 101, 1, 5, 200, 2, 7, 300});
}

TEST_CASE("errors name the operation, the object and the file", "[h5]") {
  TempDir tmp;
  const auto missing = tmp.file("missing.h5");
  const auto missing_msg = error_of([&] { (void)h5::File::open_read(missing); });
  REQUIRE_THAT(missing_msg, Contains("HDF5: cannot open file") && Contains(missing));
  REQUIRE_THROWS_AS(h5::File::open_rw(missing), h5::Error);

  const auto text = tmp.file("not_hdf5.h5");
  std::ofstream(text) << "this is not an HDF5 file\n";
  REQUIRE_THAT(error_of([&] { (void)h5::File::open_read(text); }), Contains(text));

  REQUIRE_THAT(error_of([&] { (void)h5::File::create(tmp.file("no/such/dir/x.h5")); }),
               Contains("no/such/dir/x.h5"));

  const auto path = tmp.file("out.h5.partial");
  auto f = h5::File::create(path);
  auto series = f.root().create_group("series");
  auto ds = series.create_dataset("hires", {2, 2}, {1, 2}, kNaN);
  REQUIRE(error_of([&] {
            (void)series.create_dataset("hires", {2, 2}, {1, 2}, kNaN);
          }).starts_with("HDF5: cannot create dataset '/series/hires' in '" + path + "'"));
  REQUIRE_THROWS_AS(series.write_vector("hires", std::vector<double>{1}), h5::Error);
  REQUIRE_THROWS_AS(f.root().create_group("series"), h5::Error);

  const std::vector<double> four{1, 2, 3, 4};
  REQUIRE_THAT(error_of([&] {
                 ds.write({1, 0}, {2, 2}, four.data());
               }),
               Contains("write dataset '/series/hires'") && Contains("exceeds"));
  REQUIRE_THROWS_AS(ds.write({0}, {1}, four.data()), h5::Error);  // wrong rank
  REQUIRE_THAT(error_of([&] { (void)series.open_group("nope"); }), Contains("/series/nope"));
  REQUIRE_THROWS_AS(series.open_dataset("nope"), h5::Error);
  // Still usable after errors.
  ds.write({0, 0}, {2, 2}, four.data());
  REQUIRE(ds.read() == four);
}

TEST_CASE("a closed file is valid and reopens read-only", "[h5]") {
  TempDir tmp;
  const auto path = tmp.file("closed.h5");
  auto f = h5::File::create(path);
  REQUIRE(f.path() == path);
  auto root = f.root();
  auto ds = root.create_dataset("values", {2, 2}, {2, 2}, kNaN);
  const std::vector<double> v{1, 2, 3, 4};
  ds.write({0, 0}, {2, 2}, v.data());
  root.set_attr("complete", 1);
  f.flush();
  // Group and dataset handles are still alive: the strong close must close them too.
  f.close();
  REQUIRE_FALSE(f.is_open());
  f.close();  // idempotent
  REQUIRE_THROWS_AS(f.root(), h5::Error);
  REQUIRE_THROWS_AS(ds.write({0, 0}, {1, 1}, v.data()), h5::Error);

  auto r = h5::File::open_read(path);
  REQUIRE(r.root().read_vector("values") == v);
  REQUIRE(r.root().attr_int("complete") == 1);
  REQUIRE_THROWS_AS(r.root().create_group("g"), h5::Error);  // read-only

  // Moving transfers ownership; the moved-from file is closed.
  h5::File moved = std::move(r);
  REQUIRE(moved.is_open());
  REQUIRE(moved.root().list() == std::vector<std::string>{"values"});
  moved.close();

  // Reopen for writing after everything was closed: nothing kept the file open.
  auto rw = h5::File::open_rw(path);
  rw.root().set_attr("complete", 0);
  rw.close();
  REQUIRE(h5::File::open_read(path).root().attr_int("complete") == 0);
}

TEST_CASE("an output writer that fails while laying out its file leaves nothing behind",
          "[h5][output]") {
  // Two metrics of the same name: creating the second dataset fails inside the constructor,
  // where no destructor runs; the partial file must still go.
  TempDir tmp;
  labourshift::sim::MetricLayout layout;
  layout.scalar("series", "hires", "persons/month", "first");
  layout.scalar("series", "hires", "persons/month", "the same name again");
  labourshift::sim::RunAttributes attrs;
  attrs.replications = 2;
  attrs.months = 3;
  const std::string out = tmp.file("out.h5");
  CHECK_THROWS(labourshift::sim::OutputWriter(out, layout, attrs));
  const auto dir = fs::path(out).parent_path();
  CHECK(fs::begin(fs::directory_iterator(dir)) == fs::end(fs::directory_iterator(dir)));
}
