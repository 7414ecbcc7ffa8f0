// The random streams of the model, one per purpose.
#pragma once

#include <cstdint>

namespace labourshift::models {

/// Random streams: the `phase` word of every stream key (sim::Stream). Each draws for one purpose
/// only, so adding a phase never shifts the draws of another. The numbers are part of the
/// output: renumbering a stream changes every draw from it.
namespace stream {
inline constexpr std::uint32_t kInitFirms = 1;    ///< firm sizes and occupation mixes
inline constexpr std::uint32_t kInitWorkers = 2;  ///< ages, tenures, spells at the start
inline constexpr std::uint32_t kFirmPlan = 3;     ///< firm demand shocks, capex-cut rounding
inline constexpr std::uint32_t kWorkerPass = 4;   ///< each worker's monthly uniform
inline constexpr std::uint32_t kApply = 5;  ///< applications and employers' scores (matching.cpp)
inline constexpr std::uint32_t kIncident = 6;  ///< reliability incidents
inline constexpr std::uint32_t kMobility =
    7;                                      ///< internal redeployment of those due to be laid off
inline constexpr std::uint32_t kEntry = 9;  ///< entrants: their number and occupations
inline constexpr std::uint32_t kFirmExit = 10;  ///< idiosyncratic firm exits (keyed words)
inline constexpr std::uint32_t kOpenings = 11;  ///< random rounding of openings (keyed words)
}  // namespace stream

}  // namespace labourshift::models
