#pragma once
// Sofy's write calls, the pure part: the trigger target {schedule_guid, app_hash,
// device_serials?} checked and turned into the execute route, the vendor's refusals of an
// execute read back as the target member at fault, and the abort answer's two documented
// messages. No I/O; untrusted input never throws.
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "connectors/common/connector.hpp"

namespace runhub::connectors::sofy {

// `POST /scheduler-microservice/scheduled-runs/{guid}/execute?appHash=…[&deviceSerials=a,b]`
struct execute_call {
    std::string target;  // path and query, to follow base_url
    std::string schedule_guid;
};

struct execute_check {
    std::optional<execute_call> call;  // set when the target is well-formed
    connector_error error;             // else: invalid, kind client, field "target.<name>"
};

// Exactly the members schedule_guid (non-empty string), app_hash (non-empty string) and,
// optionally, device_serials (a non-empty array of non-empty strings without commas).
execute_check check_execute_target(const boost::json::object& target);

// The target member a 4xx answer of execute blames ("target.schedule_guid", "target.app_hash",
// "target.device_serials"), or "" when the answer names none of them (a missing or wrong
// credential, for instance).
std::string field_of_execute_refusal(std::string_view body);

// PUT …/abort answers 200 both when it aborted something and when it could abort nothing.
enum class abort_answer { aborted, nothing_aborted, unknown };
abort_answer classify_abort(std::string_view body);

}  // namespace runhub::connectors::sofy
