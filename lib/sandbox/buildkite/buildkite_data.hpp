#pragma once
// Buildkite Test Engine's generated data: one organization, one suite and its runs with their
// failed executions (vendor-notes.md §4.3, §4.4). Same seed, same data.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sandbox/buildkite/buildkite_lifecycle.hpp"

namespace runhub::sandbox::buildkite {

struct failed_execution {
    std::string execution_id, test_id, test_name, location, failure_reason;
    std::vector<std::string> backtrace;
    double duration_s = 0;
    time_point created_at;
};

// One upload as the store keeps it: its counts and its failures.
struct upload_record {
    std::string id;
    upload_counts counts;
    std::vector<failed_execution> failures;
};

struct run_record {
    std::string id, branch, commit_sha, build_id, key;  // key = run_env[key]
    time_point created_at;
    run_status base;                         // generated status, before uploads seen here
    std::vector<failed_execution> failures;  // of the generated results
    std::vector<upload_record> uploads;

    // serialize(run_object(…)) as a list sends it, with the status and URLs it was made with
    // (store::list_json_window makes it again when either differs; nothing else of a run
    // changes once it exists).
    struct kept_json {
        run_status status;
        std::string api_runs;
        std::shared_ptr<const std::string> json;
    };
    mutable kept_json kept;
};

// `count` runs over the 30 days before `anchor`, newest first (created_at, then id). Every
// state/result pair appears when count >= 6, the rare ones included: finished+stale and
// running+failed (a failed result is final even while running). Running ones are recent.
std::vector<run_record> generate_runs(std::uint64_t seed, int count, time_point anchor);

}  // namespace runhub::sandbox::buildkite
