#pragma once
// Sofy's generated data: applications with builds (app hashes), devices, scheduled runs
// (schedules) and their executions: test-run groups of test runs, one record per scenario and
// device (vendor-notes.md §1.3–§1.5). Same seed, same data.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sandbox/sofy/sofy_lifecycle.hpp"

namespace runhub::sandbox::sofy {

struct app_build {
    std::string app_hash, build_id, friendly_name, package_name;
};
struct application {
    std::string guid, platform, name;
    std::vector<app_build> builds;  // newest first
};
struct device {
    std::string serial, name, manufacturer, os, os_version, state;
};
struct schedule {
    std::string guid, name, application_guid;
    std::vector<std::string> scenarios;
    std::vector<std::string> device_serials;  // the default devices of an execution
};

struct catalog {
    std::vector<application> apps;
    std::vector<device> devices;
    std::vector<schedule> schedules;
    const schedule* find_schedule(const std::string& guid) const;
    const application* find_app(const std::string& guid) const;
    const app_build* find_build(const std::string& app_hash) const;
    const device* find_device(const std::string& serial) const;
};

// Test-run status strings the APIs return (§1.5), incl. the "Run Stopped" of the status example.
inline constexpr const char* all_statuses[] = {
    "Passed", "Failed", "Running", "Stopped", "Run Stopped", "Incomplete", "Not Executed"};

struct test_run {
    std::string test_run_id, group_id, schedule_guid, scenario, device, build;
    time_point scheduled_at;
    std::string status;   // one of all_statuses
    bool queued = false;  // triggered and still waiting for its device

    // Triggered runs only.
    std::optional<lifecycle_input> life;
    std::string planned_outcome;  // passed | failed | error
    bool settled = true;

    // serialize(record_object(*this, catalog)) as a fetch sends it, with the fields it was
    // made from that can change (store::fetch makes it again when any of them differs).
    struct kept_record {
        std::string status, build, device;
        time_point scheduled_at;
        std::shared_ptr<const std::string> json;
    };
    mutable kept_record kept;
};

catalog make_catalog(std::uint64_t seed);

// `count` test runs in groups over the 30 days before `anchor`, newest first (scheduledAt, then
// testRunId). Every status appears when count >= 7, inside the default 7-day window.
std::vector<test_run> generate_runs(std::uint64_t seed, int count, time_point anchor,
                                    const catalog& cat);

// The status string of an outcome: passed → Passed, failed → Failed, error → Incomplete or
// Not Executed (by `variant`), canceled → Run Stopped.
std::string status_for(const std::string& outcome, std::uint64_t variant);

// The outcome the seed gives a triggered test run.
std::string seeded_outcome(std::uint64_t seed, const std::string& test_run_id);

// A group's status from its runs: Queued, Running, Stopped by User, Complete, Complete with errors.
std::string group_status(const std::vector<const test_run*>& runs);

}  // namespace runhub::sandbox::sofy
