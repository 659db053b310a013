#pragma once
// The write side of the Testmo connector, as pure functions: a caller's target checked and
// turned into the body of POST /api/v1/projects/{project_id}/automation/runs, Testmo's refusals
// turned into connector errors, and the run Testmo just created when it cannot be read back.
#include <boost/json/object.hpp>
#include <string_view>

#include "connectors/common/connector.hpp"

namespace runhub::connectors::testmo {

// The automation source a run is filed under when the target names none [assumed: Testmo's
// create needs one; its reporters always send one].
inline constexpr std::string_view default_automation_source = "runhub";

// A Testmo target: {name, tags?, source?}. A member whose value is null counts as absent.
// `name` a non-empty string, `tags` an array of non-empty strings, `source` a non-empty string
// (else `fallback_source`). Any other member, a missing or wrongly typed one is invalid,
// naming "target.<member>". The answer is the body to send, members in a fixed order.
outcome<boost::json::object> trigger_body(const boost::json::object& target,
                                          std::string_view fallback_source);

// A failed create: Testmo's 422 `{"message", "errors": {"<field>": [...]}}` naming name,
// source or tags (or "tags.N") → invalid naming "target.<member>"; a 404 (the source's project
// does not exist) is a misconfigured source, not "no such run". Anything else as
// to_connector_error.
connector_error trigger_error(const http::client_result& r);

// The run as Testmo has just created it (running: status 4, not completed), for when reading
// it back fails after the create succeeded (the run exists; a failure would invite a second
// trigger).
boost::json::object created_run(std::int64_t id, std::string_view project_id,
                                const boost::json::object& body,
                                std::chrono::system_clock::time_point now);

}  // namespace runhub::connectors::testmo
