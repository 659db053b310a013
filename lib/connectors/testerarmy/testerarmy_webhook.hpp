#pragma once
// TesterArmy's completion webhooks in: the header X-TesterArmy-Webhook-Secret carries the
// project's shared secret verbatim; the body is the run object (as GET /api/v1/runs/{id}).
// TesterArmy documents no event id: "<run id>:<vendor status>" stands for one, so a second
// delivery of the same outcome is a duplicate.
#include <string_view>

#include "connectors/common/connector.hpp"

namespace runhub::connectors::testerarmy {

// A wrong or missing secret: kind client, unauthorized (compared in constant time). A body that
// is not a run: malformed.
outcome<webhook_event> read_webhook(const http::header_fields& h, std::string_view body,
                                    std::string_view secret, std::string_view source);

}  // namespace runhub::connectors::testerarmy
