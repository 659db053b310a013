#pragma once
// Buildkite Test Engine JSON -> model (vendor-docs "Runs API", vendor-notes §4.3-4.4). Pure
// functions over untrusted JSON: a missing required member or a wrong type is a `malformed`
// connector_error, never an exception.
#include <boost/json/fwd.hpp>
#include <string_view>
#include <vector>

#include "connectors/common/connector.hpp"
#include "connectors/common/json_doc.hpp"

namespace runhub::connectors::buildkite {

// A Run object. Required: id, state, result (strings), created_at (RFC 3339, documented
// "2023-06-25T05:32:53.228Z"). Optional (absent, null or ""): branch, commit_sha, web_url,
// build_id. `suite` names the run (Buildkite runs have no name) and its project.
// `doc`: the parsed document `v` is part of (parse_json_doc), which the run's raw then
// shares instead of copying `v`; null: raw is a copy.
outcome<model::run> map_run(const boost::json::value& v, std::string_view source,
                            std::string_view suite, const shared_json& doc = nullptr);

// The array answered by GET …/runs/{id}/failed_executions.
outcome<std::vector<model::test_failure>> map_failures(const boost::json::value& executions);

}  // namespace runhub::connectors::buildkite
