#include "sim/random.hpp"

#include <catch2/catch.hpp>

#include <boost/random/normal_distribution.hpp>

#include <cmath>
#include <set>

using labourshift::sim::Stream;

TEST_CASE("a stream is a pure function of its key", "[random]") {
  Stream a(42, 1, 7, 3, 1000);
  Stream b(42, 1, 7, 3, 1000);
  for (int i = 0; i < 100; ++i) REQUIRE(a() == b());
}

TEST_CASE("every key component changes the stream", "[random]") {
  const std::uint32_t base = Stream(42, 1, 7, 3, 1000)();
  std::set<std::uint32_t> firsts{base, Stream(43, 1, 7, 3, 1000)(), Stream(42, 2, 7, 3, 1000)(),
                                 Stream(42, 1, 8, 3, 1000)(), Stream(42, 1, 7, 4, 1000)(),
                                 Stream(42, 1, 7, 3, 1001)(),
                                 Stream(42ULL | (1ULL << 40U), 1, 7, 3, 1000)()};
  REQUIRE(firsts.size() == 7);
}

TEST_CASE("uniform draws have the moments of U(0,1) and stay inside it", "[random]") {
  double sum = 0, sum2 = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    Stream s(9, 0, 1, 1, static_cast<std::uint32_t>(i));
    const double u = s.uniform();
    REQUIRE(u > 0.0);
    REQUIRE(u < 1.0);
    sum += u;
    sum2 += u * u;
  }
  const double mean = sum / n;
  const double var = sum2 / n - mean * mean;
  // Standard errors: 1/sqrt(12 n) ~ 0.00065 for the mean.
  CHECK(std::fabs(mean - 0.5) < 0.003);
  CHECK(std::fabs(var - 1.0 / 12.0) < 0.002);
}

TEST_CASE("Boost normal distribution over a stream has mean 0 and variance 1", "[random]") {
  Stream s(5, 0, 0, 0, 0);
  boost::random::normal_distribution<double> normal;
  double sum = 0, sum2 = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    const double z = normal(s);
    sum += z;
    sum2 += z * z;
  }
  CHECK(std::fabs(sum / n) < 0.015);
  CHECK(std::fabs(sum2 / n - 1.0) < 0.02);
}

TEST_CASE("below(n) is uniform over 0 to n - 1", "[random]") {
  std::vector<int> counts(7, 0);
  Stream s(3, 0, 0, 0, 0);
  for (int i = 0; i < 70000; ++i) {
    const auto k = s.below(7);
    REQUIRE(k < 7);
    ++counts[k];
  }
  for (int c : counts) CHECK(std::abs(c - 10000) < 450);  // ~4.8 sd
}
