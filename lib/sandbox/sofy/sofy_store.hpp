#pragma once
// Sofy's state: the generated test runs plus triggered groups, guarded by one mutex. Triggered
// runs are brought up to date from the clock on every call, so every route agrees. No I/O.
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sandbox/core/seeded_data.hpp"
#include "sandbox/sofy/sofy_data.hpp"
#include "sandbox/sofy/sofy_query.hpp"

namespace runhub::sandbox::sofy {

struct store_options {
    std::uint64_t seed = 42;
    int runs = 300;
    time_point anchor;  // "now" of the generated data
    std::chrono::milliseconds queued_for{2000}, running_for{8000};
};

struct group_info {
    std::string id, status, message;
    time_point executed_at;
};

// A triggered group that has ended (every test run of it), for the test_completion webhook.
struct group_completion {
    std::string group_id, schedule_guid;
    std::string outcome;  // passed (every run Passed), stopped (any stopped), else failed
    std::string details;
    time_point ended_at;  // the last test run's end
};

class store {
  public:
    explicit store(store_options o);
    void reset();
    const catalog& cat() const { return catalog_; }

    struct fetch_page {
        std::vector<std::shared_ptr<const std::string>> json;  // each run's record, as sent
        std::size_t total = 0;
    };
    fetch_page fetch(const fetch_query& q, time_point now, const std::string& forced);

    // The runs of one group of one schedule; nullopt when the group is not that schedule's.
    std::optional<std::vector<test_run>> group_runs(const std::string& schedule_guid,
                                                    const std::string& group_id, time_point now,
                                                    const std::string& forced);
    std::vector<group_info> groups_of(const std::string& schedule_guid, time_point now,
                                      const std::string& forced);

    // A new group of one queued run per scenario and device; returns its id.
    std::string execute(const schedule& s, const std::string& build,
                        const std::vector<std::string>& devices, time_point now,
                        const std::string& forced);

    // The triggered groups that have ended since the last call (each once; reset() forgets).
    std::vector<group_completion> due_completions(time_point now, const std::string& forced);

    enum class abort_result { aborted, nothing_to_abort, unknown_group };
    // Stops every unfinished run of the schedule, or of one of its groups.
    abort_result abort(const std::string& schedule_guid, const std::optional<std::string>& group,
                       time_point now, const std::string& forced);

  private:
    void refresh_locked(time_point now, const std::string& forced);

    store_options opts_;
    catalog catalog_;
    mutable std::mutex mutex_;
    std::vector<test_run> runs_;  // newest first
    int next_group_ = 0;
    std::set<std::string> completed_;  // "<schedule>.<group>" of groups already reported
};

}  // namespace runhub::sandbox::sofy
