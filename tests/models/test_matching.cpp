#include "models/matching.hpp"

#include <catch2/catch.hpp>

#include <tbb/global_control.h>

#include <cmath>

using namespace labourshift::models;

namespace {

VacancyBook homogeneous_book(std::uint32_t vacancies) {
  VacancyBook b;
  b.occ_begin = {0, vacancies};
  for (std::uint32_t s = 0; s < vacancies; ++s) {
    b.slot_firm.push_back(s);
    b.slot_wage.push_back(5000.0F);
  }
  return b;
}

std::vector<Seeker> homogeneous_seekers(std::uint32_t n) {
  std::vector<Seeker> s;
  for (std::uint32_t i = 0; i < n; ++i) s.push_back(Seeker{i, 0, 0});
  return s;
}

/// Mean matches over `months` independent draws.
double mean_matches(std::uint32_t u, std::uint32_t v, const MatchParams& p, int months,
                    double* contacted = nullptr) {
  const Eigen::MatrixXd A = Eigen::MatrixXd::Ones(1, 1);
  const auto seekers = homogeneous_seekers(u);
  const auto book = homogeneous_book(v);
  double total = 0, cont = 0;
  for (int m = 0; m < months; ++m) {
    MatchStats stats;
    total += static_cast<double>(match(seekers, book, A, similarity_matrix(A), p,
                                       StreamKey{11, 0, static_cast<std::uint32_t>(m)}, &stats)
                                     .size());
    cont += static_cast<double>(stats.contacted_vacancies);
  }
  if (contacted != nullptr) *contacted = cont / months;
  return total / months;
}

double urn_ball(double u, double v, double a) { return v * (1.0 - std::pow(1.0 - 1.0 / v, a * u)); }

}  // namespace

TEST_CASE("homogeneous one-round matching follows the urn-ball law", "[matching]") {
  MatchParams p;
  p.applications = 1;
  p.rounds = 1;
  p.discouragement = 0;
  p.min_search_share = 1;
  const std::uint32_t v = 2000;
  for (double ratio : {0.5, 1.0, 3.0}) {
    const auto u = static_cast<std::uint32_t>(ratio * v);
    const int months = 20;
    const double expected = urn_ball(u, v, 1);
    // sd of occupied urns: sqrt(V e^-r (1 - (1 + r) e^-r)); of the mean over months: / sqrt(months)
    const double sd =
        std::sqrt(v * std::exp(-ratio) * (1 - (1 + ratio) * std::exp(-ratio)) / months);
    const double got = mean_matches(u, v, p, months);
    INFO("U/V = " << ratio << ": expected " << expected << ", got " << got << ", sd " << sd);
    CHECK(std::fabs(got - expected) < 4 * sd);
    CHECK(std::fabs(got - v * (1 - std::exp(-ratio))) < 4 * sd + 1);  // the exp form
  }
}

TEST_CASE("with a applications, contacted vacancies follow V (1 - exp(-a U / V))", "[matching]") {
  MatchParams p;
  p.applications = 3;
  p.rounds = 1;
  p.discouragement = 0;
  p.min_search_share = 1;
  double contacted = 0;
  const double matches = mean_matches(1000, 2000, p, 20, &contacted);
  const double expected = urn_ball(1000, 2000, 3);
  CHECK(std::fabs(contacted - expected) < 0.01 * expected);
  // A worker takes one offer: matches are fewer than contacted vacancies, and more rounds help.
  CHECK(matches < contacted);
  p.rounds = 5;
  CHECK(mean_matches(1000, 2000, p, 20) > matches);
}

TEST_CASE("a hiring standard thins applications: matches = V (1 - exp(-q U / V))", "[matching]") {
  MatchParams p;
  p.applications = 1;
  p.rounds = 1;
  p.discouragement = 0;
  p.similarity_weight = 1.0;
  p.noise_sd = 1.0;
  p.hiring_standard = 1.5;  // q = P(1 + z >= 1.5) = 1 - Phi(0.5) = 0.30854
  const double q = 0.5 * std::erfc(0.5 / std::sqrt(2.0));
  const double got = mean_matches(4000, 2000, p, 20);
  const double expected = urn_ball(q * 4000, 2000, 1);
  CHECK(std::fabs(got - expected) < 0.02 * expected);
}

TEST_CASE("the parallel matching equals the plain reference and ignores thread count",
          "[matching]") {
  // Heterogeneous: three occupations, several firms with different wages, spells, many rounds.
  Eigen::MatrixXd A(3, 3);
  A << 0.9, 0.08, 0.02, 0.1, 0.85, 0.05, 0.0, 0.3, 0.7;
  const Eigen::MatrixXd S = similarity_matrix(A);
  VacancyBook book;
  book.occ_begin = {0};
  std::uint32_t slot = 0;
  for (std::uint32_t o = 0; o < 3; ++o) {
    for (std::uint32_t f = 0; f < 40; ++f) {
      for (std::uint32_t k = 0; k < (f * 7 + o) % 5; ++k, ++slot) {
        book.slot_firm.push_back(f);
        book.slot_wage.push_back(3000.0F + 100.0F * static_cast<float>((f * 13) % 9));
      }
    }
    book.occ_begin.push_back(slot);
  }
  std::vector<Seeker> seekers;
  for (std::uint32_t i = 0; i < 900; ++i) {
    seekers.push_back(
        Seeker{i * 3 + 1, static_cast<std::uint8_t>(i % 3), static_cast<std::uint16_t>(i % 17)});
  }
  MatchParams p;
  p.applications = 4;
  p.rounds = 4;
  p.discouragement = 0.05;
  p.min_search_share = 0.3;
  p.hiring_standard = 0.5;
  const StreamKey key{99, 2, 5};
  const auto reference = match_reference(seekers, book, A, S, p, key);
  REQUIRE(reference.size() > 50);
  for (int threads : {1, 2, 4}) {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism,
                          static_cast<std::size_t>(threads));
    const auto fast = match(seekers, book, A, S, p, key, nullptr);
    REQUIRE(fast.size() == reference.size());
    for (std::size_t i = 0; i < fast.size(); ++i) {
      CHECK(fast[i].seeker == reference[i].seeker);
      CHECK(fast[i].slot == reference[i].slot);
    }
  }
  // Buffers kept from call to call (as the month's hiring keeps them) change nothing: months of
  // more and of fewer seekers, each against the reference, leave no state behind.
  labourshift::sim::Scratch buffers;
  std::vector<Hire> kept;
  for (const std::size_t n : {std::size_t{900}, std::size_t{300}, std::size_t{700}}) {
    const std::vector<Seeker> some(seekers.begin(), seekers.begin() + static_cast<long>(n));
    const StreamKey month{99, 2, static_cast<std::uint32_t>(n)};
    match(some, book, A, S, p, month, nullptr, {}, buffers, kept);
    const auto expected = match_reference(some, book, A, S, p, month);
    REQUIRE(kept.size() == expected.size());
    for (std::size_t i = 0; i < kept.size(); ++i) {
      CHECK(kept[i].seeker == expected[i].seeker);
      CHECK(kept[i].slot == expected[i].slot);
    }
  }
  CHECK(buffers.bytes() > 0);
  // Each seeker and each slot at most once.
  std::vector<int> seen_seeker(seekers.size(), 0), seen_slot(book.slots(), 0);
  for (const auto& h : reference) {
    CHECK(++seen_seeker[h.seeker] == 1);
    CHECK(++seen_slot[h.slot] == 1);
  }
}

TEST_CASE("applications follow the mobility matrix weighted by vacancies", "[matching]") {
  // Seekers of occupation 0 with A(0, .) = (0.5, 0.5) and V = (100, 300): 1/4 of hires into 0
  // when every application is accepted and vacancies are plentiful.
  Eigen::MatrixXd A(2, 2);
  A << 0.5, 0.5, 0.5, 0.5;
  VacancyBook book;
  book.occ_begin = {0, 1000, 4000};
  for (std::uint32_t s = 0; s < 4000; ++s) {
    book.slot_firm.push_back(s);
    book.slot_wage.push_back(1.0F);
  }
  std::vector<Seeker> seekers;
  for (std::uint32_t i = 0; i < 2000; ++i) seekers.push_back(Seeker{i, 0, 0});
  MatchParams p;
  p.applications = 1;
  p.rounds = 1;
  const auto hires = match(seekers, book, A, similarity_matrix(A), p, StreamKey{1, 0, 0}, nullptr);
  double into_zero = 0;
  for (const auto& h : hires) into_zero += h.slot < 1000 ? 1 : 0;
  const double share = into_zero / static_cast<double>(hires.size());
  CHECK(std::fabs(share - 0.25) < 0.04);
}

TEST_CASE("destinations follow A(o, o') V_o' over many occupations, none where the weight is zero",
          "[matching]") {
  // Origin 0 with A(0, .) = (0.4, 0.3, 0, 0.2, 0.1) and V = (20000, 0, 40000, 10000, 30000):
  // application shares p = (8, 0, 0, 2, 3) / 13. With one application each and no hiring
  // standard, a slot hires iff it got an application, so hires into o' follow the urn-ball law
  // V_o' (1 - exp(-U p_o' / V_o')) occupation by occupation.
  const std::vector<std::uint32_t> vacancies = {20000, 0, 40000, 10000, 30000};
  Eigen::MatrixXd A = Eigen::MatrixXd::Constant(5, 5, 0.2);
  A.row(0) << 0.4, 0.3, 0.0, 0.2, 0.1;
  VacancyBook book;
  book.occ_begin = {0};
  for (const std::uint32_t v : vacancies) book.occ_begin.push_back(book.occ_begin.back() + v);
  for (std::uint32_t s = 0; s < book.occ_begin.back(); ++s) {
    book.slot_firm.push_back(s);
    book.slot_wage.push_back(1.0F);
  }
  const std::uint32_t U = 30000;
  std::vector<Seeker> seekers;
  for (std::uint32_t i = 0; i < U; ++i) seekers.push_back(Seeker{i, 0, 0});
  MatchParams p;
  p.applications = 1;
  p.rounds = 1;
  p.noise_sd = 0;
  const auto hires = match(seekers, book, A, similarity_matrix(A), p, StreamKey{3, 0, 0}, nullptr);
  std::vector<double> into(5, 0.0);
  for (const auto& h : hires) {
    const auto d = std::upper_bound(book.occ_begin.begin(), book.occ_begin.end(), h.slot) -
                   book.occ_begin.begin() - 1;
    into[static_cast<std::size_t>(d)] += 1;
  }
  const std::vector<double> share = {8.0 / 13, 0, 0, 2.0 / 13, 3.0 / 13};
  for (std::size_t d = 0; d < 5; ++d) {
    const double expected =
        share[d] > 0
            ? vacancies[d] * (1.0 - std::exp(-static_cast<double>(U) * share[d] / vacancies[d]))
            : 0.0;
    INFO("destination " << d << ": " << into[d] << " hires, expected " << expected);
    CHECK(std::fabs(into[d] - expected) <= 4.0 * std::sqrt(expected) + 0.5);
  }
}
