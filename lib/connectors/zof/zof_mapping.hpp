#pragma once
// Zof run JSON (GET /v1/runs items, GET /v1/runs/{id}) -> model::run, and the failed case
// outcomes of a run -> model::test_failure. Pure functions over untrusted JSON: a missing
// required member or a wrong type is a `malformed` connector_error, never an exception.
#include <boost/json/fwd.hpp>
#include <string_view>
#include <vector>

#include "connectors/common/connector.hpp"
#include "connectors/common/json_doc.hpp"

namespace runhub::connectors::zof {

// Required: id (string), status (string). Optional (null or absent): created_at (RFC 3339),
// name, project_id, environment, metadata.{branch,commit_sha}, started_at, completed_at,
// duration_ms, summary counts, url. A present optional member of the wrong type is malformed.
// `doc`: the parsed document `v` is part of (parse_json_doc), which the run's raw then
// shares instead of copying `v`; null: raw is a copy.
outcome<model::run> map_run(const boost::json::value& v, std::string_view source,
                            const shared_json& doc = nullptr);

// The run's `cases` whose status is failed or error (a run without `cases` has none).
outcome<std::vector<model::test_failure>> map_failures(const boost::json::value& run);

}  // namespace runhub::connectors::zof
