#pragma once
// Zof's generated data: the same seed, run count and anchor time give the same dataset.
#include <cstdint>

#include "sandbox/zof/zof_run.hpp"

namespace runhub::sandbox::zof {

// `runs` runs spread over the 30 days before `now`, newest first. Every status of Zof's
// vocabulary is present when runs >= 6: the newest runs are queued and running, and each
// terminal status (passed, failed, error, canceled) occurs.
dataset generate_dataset(std::uint64_t seed, int runs, time_point now);

// A fresh run id ("run_" + 24 hex digits) for the n-th triggered run under this seed.
std::string triggered_run_id(std::uint64_t seed, std::uint64_t n);
// The seeded ending of the n-th triggered run, and the seed of its details.
std::string triggered_outcome(std::uint64_t seed, std::uint64_t n);
std::uint64_t triggered_detail_seed(std::uint64_t seed, std::uint64_t n);

}  // namespace runhub::sandbox::zof
