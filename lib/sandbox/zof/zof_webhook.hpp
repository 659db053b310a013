#pragma once
// Zof's signed webhooks: the event envelope of the run.completed / run.failed pages and the
// X-Zof-Signature header, the lowercase hex HMAC-SHA256 of the raw body with the endpoint secret.
#include <string>
#include <string_view>

#include "sandbox/zof/zof_run.hpp"

namespace runhub::sandbox::zof {

std::string hmac_sha256_hex(std::string_view key, std::string_view data);

// {"id": "evt_…", "type": "run.completed", "created": "…Z",
//  "data": {"object": {"id", "organization_id", "run_id", "project_id", "status",
//                      "duration_ms"}}}
std::string event_body(std::string_view event_id, std::string_view type, const run_record& r,
                       std::string_view organization_id, time_point created);

// The events a run that just ended emits: run.completed always (passed, failed, error,
// canceled), and run.failed as well when it failed.
std::vector<std::string> events_for(std::string_view status);

}  // namespace runhub::sandbox::zof
