#pragma once
// Testmo's generated data: the same seed, run count and anchor time give the same dataset.
#include <cstdint>

#include "sandbox/testmo/testmo_run.hpp"

namespace runhub::sandbox::testmo {

// `runs` automation runs spread over the 30 days before `now`, newest first, ids ascending with
// age. Run statuses 2, 3 and 4 are all present when runs >= 8, with rare shapes included: a run
// left uncompleted with a final status (as in Testmo's own example), untested tests in a
// completed run, retest and blocked results.
dataset generate_dataset(std::uint64_t seed, int runs, time_point now);

// The test rows of a seeded run's thread (or of a triggered run that completed on its own),
// consistent with its counters.
std::vector<test_record> generated_tests(const run_record& run, const thread_record& thread);

// Counters and threads of a triggered run that completes on its own with `outcome`
// (passed | failed | error | canceled): Testmo has no error or cancel, so error ends as a
// failure and canceled leaves every test untested.
void simulate_completion(run_record& run, std::string_view outcome, dataset& d,
                         time_point completed_at);

std::string triggered_outcome(std::uint64_t seed, std::int64_t run_id);

}  // namespace runhub::sandbox::testmo
