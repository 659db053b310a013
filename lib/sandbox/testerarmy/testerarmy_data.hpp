#pragma once
// TesterArmy's generated data: the team's projects, saved tests and groups, and its runs with
// every field of the RunResponse (vendor-notes.md §2.4). Same seed, same data.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sandbox/testerarmy/testerarmy_lifecycle.hpp"

namespace runhub::sandbox {
class seeded_rng;
}

namespace runhub::sandbox::testerarmy {

struct project {
    std::string id, name;
};
struct saved_test {
    std::string id, project_id, name, platform;
};
struct test_group {
    std::string id, project_id, name;
    std::vector<std::string> test_ids;
};

struct catalog {
    std::vector<project> projects;
    std::vector<saved_test> tests;
    std::vector<test_group> groups;
    const saved_test* find_test(const std::string& id) const;
    const test_group* find_group(const std::string& id) const;
};

struct issue {
    std::string type, name, description, url, expected, actual, screenshot_url;
    int severity = 1;
    std::vector<std::string> reproduction_steps;
    std::int64_t t_ms = 0;
};

struct step {
    int index = 1;
    std::string title, type, status, summary, error, error_code;
    std::int64_t started_ms = 0, completed_ms = 0;
};

struct run_record {
    std::string id, type, project_id, test_id, group_id, batch_id;
    std::string platform, source, execution_mode, user_name, feature_name, prompt;
    std::string webhook_url, webhook_status;  // "" = null
    time_point created_at;
    // Current vendor status: queued | running | completed | failed | cancelled.
    std::string status;
    std::string result;                     // PASS | FAILED when completed, else ""
    std::string error_code, error_message;  // when failed
    std::optional<time_point> started_at, completed_at;
    std::vector<issue> issues;
    std::vector<step> steps;
    int auto_retry_count = 0;
    int pr_number = 0;       // ci runs: the pull request they checked
    std::string commit_sha;  // ci runs

    // Triggered runs only: the lifecycle and the outcome planned at trigger time
    // (passed | failed | error), decided once the run ends.
    std::optional<lifecycle_input> life;
    std::string planned_outcome;
    bool settled = true;  // terminal fields filled in (always true for generated runs)
    bool webhook_sent = false;

    // The run's JSON as the API answers it (serialize(run_object)), kept by the store once the
    // record can no longer change on its own (settled, its webhook done); the store clears it
    // on every change it makes to such a record (a cancel). Lists send it as it is.
    std::shared_ptr<const std::string> list_json;
};

// The fixed catalog of one seed: 3 projects, 5 saved tests each, 2 groups each.
catalog make_catalog(std::uint64_t seed);

// `count` runs created over the 30 days before `anchor`, newest first; every status and both
// results of `completed` appear when count >= 6. Queued and running ones are recent.
std::vector<run_record> generate_runs(std::uint64_t seed, int count, time_point anchor,
                                      const catalog& cat);

// Fills the terminal fields of `r` for `outcome` (passed | failed | error | canceled) ending at
// `ended_at`: status, output result, issues, steps, error. Deterministic in rng.
void apply_outcome(run_record& r, const std::string& outcome, time_point ended_at, seeded_rng& rng);

// The outcome the seed gives the n-th triggered run.
std::string seeded_outcome(std::uint64_t seed, std::uint64_t n);

}  // namespace runhub::sandbox::testerarmy
