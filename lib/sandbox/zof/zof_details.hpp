#pragma once
// What a Zof run shows beyond its status: case outcomes and their summary, execution logs and
// artifacts. Each is a pure function of the run record and the status it has at that moment, so
// that a run reads the same on every request.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sandbox/zof/zof_run.hpp"

namespace runhub::sandbox::zof {

struct case_outcome {
    std::string test_case_id;
    std::string name;
    std::string status;  // pending | passed | failed | error | skipped
    std::int64_t duration_ms = 0;
    std::optional<std::string> failure_message;
};

struct run_summary {
    int total = 0, passed = 0, failed = 0, error = 0, skipped = 0, pending = 0;
};

struct log_line {
    time_point at;
    std::string level;  // info | warn | error
    std::string message;
};

struct artifact {
    std::string id;  // "art_…"
    std::string name;
    std::string type;  // screenshot | trace | video | export
    std::string content_type;
    std::int64_t size_bytes = 0;
    std::string url;
};

// Case outcomes consistent with the run's status: a passed run has no failed case, a failed
// run at least one failed case, an error run one errored case, a canceled run skipped cases;
// queued and running runs have pending cases.
std::vector<case_outcome> case_outcomes(const run_record& r, std::string_view status,
                                        const dataset& d);
run_summary summarize(const std::vector<case_outcome>& cases);

std::vector<log_line> run_logs(const run_record& r, std::string_view status,
                               const std::vector<case_outcome>& cases);
std::vector<artifact> run_artifacts(const run_record& r, std::string_view status);

}  // namespace runhub::sandbox::zof
