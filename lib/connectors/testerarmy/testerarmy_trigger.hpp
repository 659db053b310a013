#pragma once
// TesterArmy's write calls, the pure part: the trigger target (exactly one of {test_id},
// {group_id}, {prompt}) checked and turned into its route and body, the vendor's refusals read
// back as the target member at fault, and the group trigger's answer. No I/O; untrusted input
// never throws.
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/common/connector.hpp"

namespace runhub::connectors::testerarmy {

enum class trigger_form { test, group, prompt };

struct trigger_call {
    trigger_form form = trigger_form::test;
    std::string target;  // path, to follow base_url
    std::string body;    // JSON
    std::string field;   // the target member used ("target.test_id")
};

struct trigger_check {
    std::optional<trigger_call> call;  // set when the target is well-formed
    connector_error error;             // else: invalid, kind client, field "target.<name>"
};

// {test_id: uuid} → POST /api/v1/tests/{testId}/runs; {group_id: non-empty string} →
// POST /api/v1/groups/{groupId}/runs; {prompt: non-empty string} → POST /api/v1/runs.
trigger_check check_trigger_target(const boost::json::object& target);

// The target member a 4xx answer of a trigger blames, or "" when it names none (a bad
// credential, a quota): 400 `ValidationError` "<field>: <why>" with field testId, groupId or
// prompt, and 404 (the test or group does not exist) → the call's own member.
std::string field_of_refusal(const trigger_call& call, int status, std::string_view body);

// POST /api/v1/groups/{id}/runs → {"runIds": [...], "batchId", ...}: the started runs' ids in
// the vendor's order, or nullopt when the answer has no such array.
std::optional<std::vector<std::string>> group_run_ids(std::string_view body);

// Run, test ids are UUIDs ("format: uuid", vendor-notes §2.2-§2.4).
bool uuid_shaped(std::string_view id);

}  // namespace runhub::connectors::testerarmy
