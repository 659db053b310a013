#include "sandbox/buildkite/buildkite_data.hpp"

#include <algorithm>
#include <array>

#include "sandbox/core/seeded_data.hpp"

namespace runhub::sandbox::buildkite {

namespace {

using std::chrono::milliseconds;

const std::vector<std::string>& spec_files() {
    static const std::vector<std::string> v{
        "./spec/models/user_spec.rb",   "./spec/requests/checkout_spec.rb",
        "./spec/system/cart_spec.rb",   "./spec/services/payment_gateway_spec.rb",
        "./spec/models/order_spec.rb",  "./spec/requests/search_spec.rb",
        "./spec/system/signup_spec.rb", "./spec/jobs/notification_job_spec.rb"};
    return v;
}

std::vector<failed_execution> make_failures(seeded_rng& rng, time_point at, int n) {
    std::vector<failed_execution> out;
    for (int i = 0; i < n; ++i) {
        failed_execution f;
        f.execution_id = rng.uuid();
        f.test_id = rng.uuid();
        f.test_name = rng.pick(test_case_names());
        const auto& file = rng.pick(spec_files());
        f.location = file + ":" + std::to_string(rng.uniform(5, 240));
        f.failure_reason = rng.pick(failure_messages());
        f.backtrace = {f.location, file.substr(0, file.rfind('/')) +
                                       "/support/helpers.rb:" + std::to_string(rng.uniform(3, 90))};
        // Whole milliseconds, so the JSON number stays short.
        f.duration_s = static_cast<double>(rng.uniform(40, 45'000)) / 1000.0;
        f.created_at = at + milliseconds(rng.uniform(1'000, 60'000));
        out.push_back(std::move(f));
    }
    return out;
}

}  // namespace

std::vector<run_record> generate_runs(std::uint64_t seed, int count, time_point anchor) {
    seeded_rng rng(seed, "buildkite-runs");
    static const std::array<run_status, 6> cover{{{"finished", "passed"},
                                                  {"finished", "failed"},
                                                  {"running", "pending"},
                                                  {"running", "passed"},
                                                  {"running", "failed"},
                                                  {"finished", "stale"}}};
    std::vector<run_record> runs;
    runs.reserve(static_cast<std::size_t>(std::max(count, 0)));
    for (int i = 0; i < count; ++i) {
        run_record r;
        if (i < static_cast<int>(cover.size())) {
            r.base = cover[static_cast<std::size_t>(i)];
        } else {
            const auto roll = rng.uniform(0, 99);
            r.base = roll < 60   ? run_status{"finished", "passed"}
                     : roll < 85 ? run_status{"finished", "failed"}
                     : roll < 90 ? run_status{"finished", "stale"}
                     : roll < 93 ? run_status{"running", "pending"}
                     : roll < 97 ? run_status{"running", "passed"}
                                 : run_status{"running", "failed"};
        }
        r.id = rng.uuid();
        r.build_id = rng.uuid();
        r.key = r.build_id;
        r.branch = rng.pick(branch_names());
        r.commit_sha = rng.hex(40);
        r.created_at = r.base.state == "running"
                           ? anchor - milliseconds(rng.uniform(5'000, 30 * 60'000))
                           : anchor - milliseconds(rng.uniform(60'000, 30LL * 24 * 3600'000));
        if (r.base.result == "failed")
            r.failures = make_failures(rng, r.created_at, static_cast<int>(rng.uniform(1, 8)));
        runs.push_back(std::move(r));
    }
    std::sort(runs.begin(), runs.end(), [](const run_record& a, const run_record& b) {
        return a.created_at != b.created_at ? a.created_at > b.created_at : a.id > b.id;
    });
    return runs;
}

}  // namespace runhub::sandbox::buildkite
