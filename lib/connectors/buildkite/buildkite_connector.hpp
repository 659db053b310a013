#pragma once
// The Buildkite Test Engine connector (vendor-notes §4, vendor-docs "Runs API"):
// GET /v2/analytics/organizations/{org}/suites/{suite}/runs (page numbers + Link header),
// GET …/runs/{id}, GET …/runs/{id}/failed_executions. Auth: `Authorization: Bearer <token>`
// (a user API access token with read_suites). Scope: source_config.scope["org"], ["suite"].
#include <memory>

#include "connectors/common/connector.hpp"

namespace runhub::connectors::buildkite {

std::unique_ptr<runhub::connectors::connector> make_buildkite_connector(
    runhub::connectors::source_config source, runhub::connectors::connector_deps deps);

}  // namespace runhub::connectors::buildkite
