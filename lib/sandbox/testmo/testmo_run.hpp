#pragma once
// Testmo automation runs, threads and submitted tests as the emulator stores them. Plain data:
// the emulator guards it with its mutex. Ids are integers, as in Testmo.
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace runhub::sandbox::testmo {

using time_point = std::chrono::system_clock::time_point;

// Result counters: counts[N] is statusN_count (N = 1..24, index 0 unused).
struct counters {
    std::array<std::int64_t, 25> counts{};
    std::int64_t untested = 0;
    counters& operator+=(const counters& o) {
        for (std::size_t i = 0; i < counts.size(); ++i) counts[i] += o.counts[i];
        untested += o.untested;
        return *this;
    }
};

struct thread_record {
    std::int64_t id = 0;
    std::int64_t run_id = 0;
    int index = 1;  // 1-based within the run
    std::int64_t elapsed_us = 0;
    bool is_completed = false;
    std::string artifacts_json = "[]";  // JSON arrays as submitted
    std::string fields_json = "[]";
    counters c;
    time_point created_at;
    std::int64_t created_by = 0;
    std::optional<time_point> completed_at;
    std::optional<std::int64_t> completed_by;
};

// A test result submitted through the API (seeded runs generate theirs on demand).
struct test_record {
    std::int64_t id = 0;
    std::int64_t thread_id = 0;
    std::string key;
    std::string name;
    std::string folder;
    std::optional<int> status_id;  // null = untested
    std::int64_t elapsed_us = 0;
    std::string file;
    std::optional<std::int64_t> line;
    time_point created_at;
};

struct run_record {
    std::int64_t id = 0;
    std::int64_t project_id = 0;
    std::int64_t source_id = 0;
    std::optional<std::int64_t> config_id;
    std::optional<std::int64_t> milestone_id;
    std::string name;
    int status = 4;  // 2 success, 3 failure, 4 running
    std::int64_t elapsed_us = 0;
    bool is_completed = false;
    std::string artifacts_json = "[]";
    std::string fields_json = "[]";
    std::string links_json = "[]";
    std::vector<std::string> tags;
    std::vector<thread_record> threads;
    std::vector<test_record> tests;  // submitted ones
    std::uint64_t detail_seed = 0;   // generated test rows derive from it
    time_point created_at;
    std::int64_t created_by = 0;
    std::optional<time_point> updated_at;
    std::optional<std::int64_t> updated_by;
    std::optional<time_point> completed_at;
    std::optional<std::int64_t> completed_by;

    // Created through the API: completes by itself after its lifecycle unless a reporter
    // (threads, append, complete) drives it.
    bool triggered = false;
    bool client_driven = false;
    bool settled = false;
    std::string seeded_outcome;  // passed | failed | error

    // serialize(run_json(*this, false)) as a list sends it, kept by the store between changes:
    // run_store clears it whenever it hands the record out to be changed (find_mut,
    // find_thread_mut) and when a run settles.
    mutable std::shared_ptr<const std::string> list_json;
};

struct named {
    std::int64_t id = 0;
    std::string name;
};

struct user {
    std::int64_t id = 0;
    std::string name;
    std::string email;
};

struct dataset {
    std::string token;                      // the valid API token
    std::vector<std::int64_t> project_ids;  // [0] is the advertised project
    std::vector<named> sources;             // automation_sources
    std::vector<named> configs;
    std::vector<named> milestones;
    std::vector<user> users;
    std::vector<run_record> runs;  // newest first (id desc)
    std::int64_t next_run_id = 1;
    std::int64_t next_thread_id = 1;
    std::int64_t next_test_id = 900000001;
};

}  // namespace runhub::sandbox::testmo
