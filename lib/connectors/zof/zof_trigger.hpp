#pragma once
// The write side of the Zof connector, as pure functions: a caller's target checked and turned
// into the body of POST /v1/runs, and Zof's answers to POST /v1/runs and POST
// /v1/runs/{id}/cancel turned into connector errors (invalid naming the target member,
// conflict, not found).
#include <boost/json/object.hpp>
#include <string_view>

#include "connectors/common/connector.hpp"

namespace runhub::connectors::zof {

// A Zof target: {project_id?, environment, test_case_ids | test_suite_id} (vendor-docs "Start
// run"). A member whose value is null counts as absent. `scoped_project` is the source's
// scope project_id ("" = every project of the key's organization): an absent project_id
// defaults to it, a different one is refused (a key never reaches a project outside its
// source). Any other member, a missing or wrongly typed one is invalid, naming
// "target.<member>". The answer is the body to send, members in a fixed order.
outcome<boost::json::object> trigger_body(const boost::json::object& target,
                                          std::string_view scoped_project);

// An Idempotency-Key that may travel as a header: 1 to 255 visible ASCII characters (no space,
// no control character); else invalid naming "Idempotency-Key".
std::optional<connector_error> check_idempotency_key(std::string_view key);

// A failed POST /v1/runs: Zof's `invalid_request` (400) or `not_found` (404) naming a target
// member → invalid with that member ("target.<param>"), or "Idempotency-Key"; 409 (the key
// was used with another body) → conflict. Anything else as to_connector_error, a 404 not
// being "no such run".
connector_error trigger_error(const http::client_result& r);

// A failed POST /v1/runs/{id}/cancel: 409 (`run_not_cancelable`: already terminal) →
// conflict; 404 → not_found; anything else as to_connector_error.
connector_error cancel_error(const http::client_result& r, std::string_view native_id);

}  // namespace runhub::connectors::zof
