#pragma once
// The Testmo emulator's state and every change to it, without HTTP: the seeded dataset, runs
// created through the API, their threads and submitted tests, and the lifecycle of runs no
// reporter drives. Not thread-safe: the emulator holds its mutex around every call.
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "sandbox/testmo/testmo_error.hpp"
#include "sandbox/testmo/testmo_lifecycle.hpp"
#include "sandbox/testmo/testmo_query.hpp"
#include "sandbox/testmo/testmo_run.hpp"
#include "sandbox/testmo/testmo_submit.hpp"

namespace runhub::sandbox::testmo {

class run_store {
  public:
    run_store() = default;
    run_store(dataset d, std::uint64_t seed, lifecycle_timing timing);

    const dataset& data() const { return d_; }
    bool has_project(std::int64_t id) const;
    const run_record* find(std::int64_t run_id) const;
    const thread_record* find_thread(std::int64_t thread_id) const;

    // Completes the API-created runs whose time has come and that no reporter drives.
    void settle(time_point now, std::string_view forced_outcome);

    std::string list_body(std::int64_t project_id, const run_list_query& q) const;
    std::string get_body(const run_record& r, const std::vector<std::string>& expands) const;

    std::variant<std::int64_t, api_error> create_run(std::int64_t project_id,
                                                     const create_run_request& req, time_point now);
    std::optional<api_error> append_run(std::int64_t run_id, const attachments& a, time_point now);
    std::optional<api_error> complete_run(std::int64_t run_id, bool measure_elapsed,
                                          time_point now);
    std::variant<std::int64_t, api_error> create_thread(std::int64_t run_id,
                                                        const thread_request& req, time_point now);
    std::optional<api_error> append_thread(std::int64_t thread_id, const thread_request& req,
                                           time_point now);
    std::optional<api_error> complete_thread(std::int64_t thread_id, const thread_request& req,
                                             time_point now);

    static constexpr std::int64_t api_user = 1;  // the user the token belongs to

  private:
    run_record* find_mut(std::int64_t run_id);
    std::pair<run_record*, thread_record*> find_thread_mut(std::int64_t thread_id);

    dataset d_;
    std::uint64_t seed_ = 0;
    lifecycle_timing timing_;
};

}  // namespace runhub::sandbox::testmo
