// Phase identifiers: the `phase` word of every random stream key. Each phase of the month draws
// from its own streams, so adding a phase never shifts the draws of another.
#pragma once

#include <cstdint>

namespace labourshift::models::phase {

inline constexpr std::uint32_t kInitFirms = 1;
inline constexpr std::uint32_t kInitWorkers = 2;
inline constexpr std::uint32_t kFirmPlan = 3;
inline constexpr std::uint32_t kSeparation = 4;
inline constexpr std::uint32_t kApply = 5;
inline constexpr std::uint32_t kIncident = 6;
inline constexpr std::uint32_t kRedeploy = 7;
inline constexpr std::uint32_t kTransition = 8;
inline constexpr std::uint32_t kEntry = 9;

}  // namespace labourshift::models::phase
