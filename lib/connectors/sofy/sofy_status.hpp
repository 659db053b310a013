#pragma once
// Sofy's statuses are free text: per test run (Passed, Failed, Incomplete, Not Executed,
// Stopped / "Run Stopped", Running) and, in other pages, per schedule or group (Queued,
// Complete, Complete with errors, Stopped by User, ...). Matched case-insensitively. A
// normalized run is a test-run group: its status is the aggregate of its test runs'.
#include <string_view>
#include <vector>

#include "model/run_status.hpp"

namespace runhub::connectors::sofy {

struct status_mapping {
    model::run_status status = model::run_status::error;
    bool terminal = false;
    bool known = true;  // false: not a documented value (logged once per value)
};

status_mapping map_status(std::string_view vendor_status);

// A group from its test runs' statuses: unfinished while any is queued/running (running wins),
// else failed > error > canceled > passed. Empty: error.
status_mapping aggregate(const std::vector<status_mapping>& test_runs);

}  // namespace runhub::connectors::sofy
