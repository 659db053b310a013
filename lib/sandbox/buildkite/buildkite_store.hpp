#pragma once
// Buildkite Test Engine's state: generated runs plus runs born or re-opened by uploads, guarded
// by one mutex. A run's state/result is computed from the clock on every read, so list and get
// agree. No I/O here.
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "sandbox/buildkite/buildkite_data.hpp"
#include "sandbox/buildkite/buildkite_wire.hpp"
#include "sandbox/core/seeded_data.hpp"

namespace runhub::sandbox::buildkite {

struct store_options {
    std::uint64_t seed = 42;
    int runs = 300;
    time_point anchor;                           // "now" of the generated data
    std::chrono::milliseconds processing{2000};  // an upload's results count after this
    std::chrono::milliseconds finishing{8000};   // then the run is finished after this
};

// One uploaded test result (the JSON import format's `data[]` entry, reduced).
struct uploaded_result {
    std::string name, location, result, failure_reason;
    double duration_s = 0;
};

struct upload_spec {
    std::string key, branch, commit_sha;  // run_env
    std::vector<uploaded_result> results;
};

struct run_view {
    run_record record;
    run_status status;
};

class store {
  public:
    explicit store(store_options o);
    void reset();

    // Newest first; build_id "" = all.
    std::vector<run_view> list(const std::string& build_id, time_point now) const;
    // The same list's entries [first, first + count) only, as the list route sends them
    // (run_object with `u`), with the list's size: each run's JSON kept in the run between
    // changes, no run copied.
    struct json_window {
        std::size_t total = 0;
        std::vector<std::shared_ptr<const std::string>> runs;
    };
    json_window list_json_window(const std::string& build_id, time_point now, std::size_t first,
                                 std::size_t count, const run_urls& u) const;
    std::optional<run_view> get(const std::string& id, time_point now) const;
    // The failures processed by now, in order of arrival.
    std::vector<failed_execution> failures_of(const run_view& v, time_point now) const;

    struct upload_answer {
        std::string upload_id, run_id;
        int queued = 0;
    };
    // Adds an upload to the run of that key (a new run if none). `forced` (passed | failed |
    // error | canceled) overrides the uploaded results; error and canceled upload nothing.
    upload_answer upload(upload_spec spec, time_point now, const std::string& forced);

  private:
    run_status status_locked(const run_record& r, time_point now) const;

    store_options opts_;
    mutable std::mutex mutex_;
    std::vector<run_record> runs_;  // newest first
    seeded_rng ids_;
};

}  // namespace runhub::sandbox::buildkite
