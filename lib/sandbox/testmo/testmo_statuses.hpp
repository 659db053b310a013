#pragma once
// Testmo's result statuses and the run-level numbers derived from the counters.
// Ids 1..24 are instance-configurable; the sandbox uses 1 Passed (success), 2 Failed (failure),
// 3 Retest, 4 Blocked (failure), 5 Skipped; 6..24 are unused and stay zero. The table is
// published through the `statuses` expand.
#include <optional>
#include <string_view>
#include <vector>

#include "sandbox/testmo/testmo_run.hpp"

namespace runhub::sandbox::testmo {

struct status_def {
    int id;
    std::string_view name;
    std::string_view alias;  // what reporters submit as a test's `status`
    std::string_view color;
    bool is_success;
    bool is_failure;
};

const std::vector<status_def>& result_statuses();
std::optional<int> status_id_for_alias(std::string_view alias);

// Run status values.
inline constexpr int run_success = 2;
inline constexpr int run_failure = 3;
inline constexpr int run_running = 4;

struct totals {
    std::int64_t success = 0, failure = 0, completed = 0, total = 0;
};
// success = Σ counters of success statuses, failure = Σ of failure statuses,
// completed = Σ statusN, total = completed + untested.
totals totals_of(const counters& c);
// 3 when any failure-flagged result exists, else 2.
int completed_status(const counters& c);

}  // namespace runhub::sandbox::testmo

namespace runhub::sandbox::testmo {
// A run's counters: the sum of its threads'.
counters counters_of(const run_record& r);
// A thread's status: 4 while active, else from its results.
int thread_status(const thread_record& t);
}  // namespace runhub::sandbox::testmo
