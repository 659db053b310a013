#pragma once
// The Zof AI connector (vendor-notes §5, vendor-docs "Runs API"): GET /v1/runs (cursor paging),
// GET /v1/runs/{id}, and the failed case outcomes of a run. Auth: `Authorization: Bearer <key>`.
// Scope: source_config.scope["project_id"] (optional; "" lists every project of the key's org).
#include <memory>

#include "connectors/common/connector.hpp"

namespace runhub::connectors::zof {

std::unique_ptr<runhub::connectors::connector> make_zof_connector(
    runhub::connectors::source_config source, runhub::connectors::connector_deps deps);

}  // namespace runhub::connectors::zof
