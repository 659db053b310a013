#pragma once
// A Zof run as the emulator stores it. Seeded runs carry their final state; a triggered run
// carries what its lifecycle needs and is "settled" (its outcome frozen into `status`) once its
// lifecycle ends. Plain data: the emulator guards it with its mutex.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace runhub::sandbox::zof {

using time_point = std::chrono::system_clock::time_point;

struct run_record {
    std::string id;                            // "run_…"
    std::string project_id;                    // "proj_…"
    std::string environment;                   // "staging", "production", or a custom label
    std::string name;                          // suite name, or "N test cases"
    std::optional<std::string> test_suite_id;  // set when started from a suite
    std::vector<std::string> case_ids;         // the cases executed ("tc_…")
    std::string trigger;                       // api | ci | schedule | console
    std::string branch;
    std::string commit_sha;
    std::uint64_t detail_seed = 0;  // case outcomes, logs and artifacts derive from it
    time_point created_at;

    // Current state: final for seeded runs, filled in when a triggered run settles.
    std::string status;  // queued | running | passed | failed | error | canceled
    std::optional<time_point> started_at;
    std::optional<time_point> completed_at;

    // Triggered runs only.
    bool triggered = false;
    bool settled = false;        // outcome frozen; no further change
    std::string seeded_outcome;  // the ending when no outcome is forced
    std::optional<time_point> canceled_at;

    // serialize(run_json(*this, dataset, false)) as a list sends it, kept between changes: the
    // emulator clears it whenever it changes the record (settle, cancel).
    mutable std::shared_ptr<const std::string> list_json;
};

// A named suite of test cases that `POST /v1/runs` accepts as `test_suite_id`.
struct suite {
    std::string id;  // "ts_…"
    std::string name;
    std::vector<std::string> case_ids;
};

// What one seed generates.
struct dataset {
    std::string organization_id;           // "org_…"
    std::string api_key;                   // the one valid key (without "Bearer ")
    std::vector<std::string> project_ids;  // [0] is the project the sandbox advertises
    std::vector<suite> suites;
    std::vector<std::pair<std::string, std::string>> cases;  // (id, name) catalogue
    std::vector<run_record> runs;                            // newest first
};

bool is_terminal(std::string_view status);

}  // namespace runhub::sandbox::zof
