// Counter-based random streams (Random123 Philox4x32-10).
//
// A stream is identified by (seed, replication, month, phase, agent): the draws an agent gets in a
// phase of a month do not depend on which thread runs it, or on what other agents drew, so results
// are bit-identical for any thread count, and replications are independent streams.
// A Stream is a small value type; create it where it is used. Not shared between threads.
#pragma once

#include <Random123/philox.h>

#include <cstdint>
#include <limits>

namespace labourshift::sim {

/// A UniformRandomBitGenerator over one Philox counter block: usable with Boost.Random
/// distributions. Each refill advances the last counter word, so a stream yields up to
/// 2^32 * 4 values.
class Stream {
 public:
  using result_type = std::uint32_t;

  /// month < 2^24, phase < 2^8 (both are packed into one counter word).
  Stream(std::uint64_t seed, std::uint32_t replication, std::uint32_t month, std::uint32_t phase,
         std::uint32_t agent) noexcept
      : key_{{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32U)}},
        ctr_{{agent, replication, (month << 8U) | (phase & 0xffU), 0U}} {}

  /// The first four words of stream (seed, replication, month, phase, agent), as a Stream would
  /// return them: for loops that compute many blocks back to back, where independent blocks
  /// overlap in the pipeline.
  static r123::Philox4x32::ctr_type first_block(std::uint64_t seed, std::uint32_t replication,
                                                std::uint32_t month, std::uint32_t phase,
                                                std::uint32_t agent) noexcept {
    const r123::Philox4x32::key_type key{
        {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32U)}};
    const r123::Philox4x32::ctr_type ctr{{agent, replication, (month << 8U) | (phase & 0xffU), 0U}};
    return r123::Philox4x32{}(ctr, key);
  }

  static constexpr result_type min() noexcept { return 0; }
  static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }

  result_type operator()() noexcept {
    if (pos_ == 4) refill();
    return out_.v[pos_++];
  }

  /// Uniform on the open interval (0, 1), 32 bits of resolution.
  double uniform() noexcept { return (static_cast<double>((*this)()) + 0.5) * 0x1p-32; }

  /// Uniform integer in [0, n), n > 0 (Lemire's multiply-shift; bias < n / 2^32).
  std::uint32_t below(std::uint32_t n) noexcept {
    return static_cast<std::uint32_t>((static_cast<std::uint64_t>((*this)()) * n) >> 32U);
  }

 private:
  void refill() noexcept {
    out_ = philox_(ctr_, key_);
    ++ctr_.v[3];
    pos_ = 0;
  }

  r123::Philox4x32 philox_{};
  r123::Philox4x32::key_type key_;
  r123::Philox4x32::ctr_type ctr_;
  r123::Philox4x32::ctr_type out_{};
  unsigned pos_ = 4;
};

/// One 32-bit word for each of many agents in the same (seed, replication, month, phase), at a
/// fraction of the cost of a Philox block per agent. The key K is the first two words of the
/// Philox block of (seed, replication, month, phase, agent 0xffffffff); agent a's word is the high
/// half of SplitMix64's output at state K + (a + 1) gamma (Steele, Lea and Flood 2014, the
/// generator of java.util.SplittableRandom, which passes TestU01's BigCrush). Each month's words
/// are thus one SplitMix64 sequence started at a Philox-random point, and a word is a function of
/// the key and the agent alone: the same for any order, row or thread.
class KeyedWords {
 public:
  static constexpr std::uint32_t kKeyAgent = 0xffffffffU;  ///< the agent word of K's Philox block

  KeyedWords(std::uint64_t seed, std::uint32_t replication, std::uint32_t month,
             std::uint32_t phase) noexcept {
    const auto block = Stream::first_block(seed, replication, month, phase, kKeyAgent);
    key_ = (static_cast<std::uint64_t>(block.v[1]) << 32U) | block.v[0];
  }

  std::uint32_t operator()(std::uint32_t agent) const noexcept {
    std::uint64_t z = key_ + (static_cast<std::uint64_t>(agent) + 1U) * 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
    z ^= z >> 31U;
    return static_cast<std::uint32_t>(z >> 32U);
  }

 private:
  std::uint64_t key_ = 0;
};

}  // namespace labourshift::sim
