#pragma once
// Testmo automation run JSON -> model::run, and failing tests -> model::test_failure
// (vendor-notes §3.3-3.6). Pure functions over untrusted JSON: a missing required member or a
// wrong type is a `malformed` connector_error, never an exception.
#include <boost/json/fwd.hpp>
#include <set>
#include <string_view>
#include <vector>

#include "connectors/common/connector.hpp"
#include "connectors/common/json_doc.hpp"

namespace runhub::connectors::testmo {

// Required: id (integer), status (integer), created_at (ISO 8601 UTC). Optional (absent or
// null): name, project_id, is_completed (else: completed_at set), completed_at, elapsed
// (microseconds [assumed]), the counters, fields named Branch/Commit, links.
// `base_url` (the instance root) builds web_url: <base>/automation/runs/view/<id> [assumed].
// `doc`: the parsed document `v` is part of (parse_json_doc), which the run's raw then
// shares instead of copying `v`; null: raw is a copy.
outcome<model::run> map_run(const boost::json::value& v, std::string_view source,
                            std::string_view base_url, const shared_json& doc = nullptr);

// The result-status ids flagged is_failure in a `statuses` expand ({"statuses":[...]}); nullopt
// when the expand is absent or malformed.
std::optional<std::set<std::int64_t>> failure_status_ids(const boost::json::value& expands);

// One page of GET /automation/runs/{id}/tests rows -> those whose status_id is a failure.
outcome<std::vector<model::test_failure>> map_failures(const boost::json::value& tests,
                                                       const std::set<std::int64_t>& failure_ids);

}  // namespace runhub::connectors::testmo
