#include "sim/random.hpp"

#include <catch2/catch.hpp>

#include <boost/random/normal_distribution.hpp>

#include <cmath>
#include <set>
#include <vector>

using labourshift::sim::Stream;

TEST_CASE("a stream is a pure function of its key", "[random]") {
  Stream a(42, 1, 7, 3, 1000);
  Stream b(42, 1, 7, 3, 1000);
  for (int i = 0; i < 100; ++i) REQUIRE(a() == b());
}

TEST_CASE("every key component changes the stream", "[random]") {
  const std::uint32_t base = Stream(42, 1, 7, 3, 1000)();
  std::set<std::uint32_t> firsts{base,
                                 Stream(43, 1, 7, 3, 1000)(),
                                 Stream(42, 2, 7, 3, 1000)(),
                                 Stream(42, 1, 8, 3, 1000)(),
                                 Stream(42, 1, 7, 4, 1000)(),
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

TEST_CASE("keyed words: a pure function of key and agent, and every key component matters",
          "[random]") {
  using labourshift::sim::KeyedWords;
  const KeyedWords w(42, 1, 7, 4);
  CHECK(w(1000) == KeyedWords(42, 1, 7, 4)(1000));
  std::set<std::uint32_t> firsts{w(1000),
                                 KeyedWords(43, 1, 7, 4)(1000),
                                 KeyedWords(42, 2, 7, 4)(1000),
                                 KeyedWords(42, 1, 8, 4)(1000),
                                 KeyedWords(42, 1, 7, 5)(1000),
                                 w(1001),
                                 KeyedWords(42ULL | (1ULL << 40U), 1, 7, 4)(1000)};
  CHECK(firsts.size() == 7);
}

TEST_CASE("keyed words are uniform and uncorrelated across agents and across months", "[random]") {
  using labourshift::sim::KeyedWords;
  const int n = 1000000;
  const KeyedWords month1(2025, 0, 1, 4), month2(2025, 0, 2, 4);
  std::vector<int> bins(256, 0);
  double sum = 0, sum_next = 0, sum_month = 0;
  auto u = [](std::uint32_t x) { return (static_cast<double>(x) + 0.5) * 0x1p-32 - 0.5; };
  for (int a = 0; a < n; ++a) {
    const auto id = static_cast<std::uint32_t>(a);
    const std::uint32_t x = month1(id);
    ++bins[x >> 24U];
    sum += u(x);
    sum_next += u(x) * u(month1(id + 1));  // neighbouring ids, the same month
    sum_month += u(x) * u(month2(id));     // the same id, the next month
  }
  double chi2 = 0;
  const double expected = n / 256.0;
  for (int b : bins) chi2 += (b - expected) * (b - expected) / expected;
  // 255 degrees of freedom: mean 255, sd 22.6; five sd above.
  CHECK(chi2 < 255 + 5 * 22.6);
  CHECK(std::fabs(sum / n) < 5 * std::sqrt(1.0 / 12.0 / n));
  // Correlations of centred uniforms: sd 1/sqrt(n) after dividing by the variance 1/12.
  CHECK(std::fabs(12.0 * sum_next / n) < 5.0 / std::sqrt(n));
  CHECK(std::fabs(12.0 * sum_month / n) < 5.0 / std::sqrt(n));
}
