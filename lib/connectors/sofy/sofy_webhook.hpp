#pragma once
// Sofy's `test_completion` webhook in (vendor-notes §1.8):
//   {"event":"test_completion","timestamp":"2024-04-15T12:34:56Z",
//    "data":{"test_id":"123456","status":"passed","details":"..."}}
// Sofy documents no signature: the customer gives Sofy a token when the webhook is set up. runhub
// expects that token, the source's `webhook_secret`, as `Authorization: Bearer <secret>`
// (compared in constant time). The payload names no run of ours and has no event id:
//   - `test_id` is the test-run group id (what execute answers as testGroupsRunId), or our
//     whole native id `<scheduledRunGuid>.<groupId>`; the event is a hint (refresh): the facade
//     reads the group with get(), which finds a bare group's scheduled run;
//   - its `status` is mapped with the status table (sofy_status.cpp);
//   - its id is a SHA-256 of (test_id, status, timestamp), so a redelivery is a duplicate.
// See README.md ("Webhooks in") for what is documented and what is assumed.
#include <string>
#include <string_view>

#include "connectors/common/connector.hpp"

namespace runhub::connectors::sofy {

// A wrong or missing token: kind client, unauthorized. A body that is not such an event:
// malformed. Another `event` value: accepted without a run (ignored).
outcome<webhook_event> read_webhook(const http::header_fields& h, std::string_view body,
                                    std::string_view secret, std::string_view source);

// Whether `id` can be a bare test-run group id (digits, letters, '-'; no '.').
bool is_group_id(std::string_view id);

}  // namespace runhub::connectors::sofy
