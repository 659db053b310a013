#pragma once
// The body of POST /v1/runs, checked: project_id and environment are required, and exactly one
// of test_case_ids (non-empty array of strings) or test_suite_id.
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "sandbox/zof/zof_error.hpp"
#include "sandbox/zof/zof_run.hpp"

namespace runhub::sandbox::zof {

struct trigger_request {
    std::string project_id;
    std::string environment;
    std::optional<std::string> test_suite_id;
    std::vector<std::string> test_case_ids;
};

// Checks shape (400 invalid_request with `param`) and references (404 not_found for an unknown
// project or suite).
std::variant<trigger_request, api_error> parse_trigger(std::string_view body, const dataset& d);

}  // namespace runhub::sandbox::zof
