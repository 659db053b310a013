#pragma once
// Zof's signed webhooks in: `X-Zof-Signature` is the lowercase hex HMAC-SHA256 of the raw body
// with the endpoint's secret; the body is {"id": "evt_…", "type": "run.completed" | "run.failed"
// | …, "created": …, "data": {"object": <run>}}.
#include <string_view>

#include "connectors/common/connector.hpp"

namespace runhub::connectors::zof {

// A bad or missing signature: kind client, unauthorized. run.completed / run.failed: the event
// with its run; any other type: the event with no run. A signed body that is not an event:
// malformed.
outcome<webhook_event> read_webhook(const http::header_fields& h, std::string_view body,
                                    std::string_view secret, std::string_view source);

}  // namespace runhub::connectors::zof
