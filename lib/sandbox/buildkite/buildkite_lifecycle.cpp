#include "sandbox/buildkite/buildkite_lifecycle.hpp"

namespace runhub::sandbox::buildkite {

run_status status_at(const run_status& base, const std::vector<upload_counts>& uploads,
                     time_point now, std::chrono::milliseconds processing,
                     std::chrono::milliseconds finishing) {
    bool busy = base.state == "running";
    bool failed = base.result == "failed";
    bool passed = base.result == "passed";
    for (const auto& u : uploads) {
        if (now < u.at + processing + finishing) busy = true;
        if (now >= u.at + processing) {
            failed = failed || u.failed > 0;
            passed = passed || u.passed > 0;
        }
    }
    run_status s;
    s.state = busy ? "running" : "finished";
    if (failed) {
        s.result = "failed";
    } else if (passed) {
        s.result = "passed";
    } else if (!busy || base.result == "stale") {
        s.result = "stale";
    } else {
        s.result = "pending";
    }
    return s;
}

}  // namespace runhub::sandbox::buildkite
