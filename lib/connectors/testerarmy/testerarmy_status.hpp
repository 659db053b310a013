#pragma once
// TesterArmy's run status is two-dimensional: `status` (queued, running, completed, failed,
// cancelled) says whether the agent finished, `output.result` (PASS, FAILED) says how the test
// went. This table maps both onto model::run_status.
#include <optional>
#include <string>
#include <string_view>

#include "model/run_status.hpp"

namespace runhub::connectors::testerarmy {

struct status_mapping {
    model::run_status status = model::run_status::error;
    bool terminal = false;
    bool known = true;  // false: a value the documents do not list (logged once per value)
};

// `result` is output.result when present; `planner_skipped` when output.kind is
// "planner_skipped". Never throws; unknown values give error.
status_mapping map_status(std::string_view status, std::optional<std::string_view> result,
                          bool planner_skipped = false);

// What the run's vendor_status shows: "queued", "completed/PASS", "completed/planner_skipped".
std::string vendor_status_text(std::string_view status, std::optional<std::string_view> result,
                               bool planner_skipped = false);

// The vendor's `status` query value that selects every run of `s` (and maybe others), or
// nullopt when no single value does.
std::optional<std::string_view> native_status(model::run_status s);

}  // namespace runhub::connectors::testerarmy
