#pragma once
// The Zof AI connector (vendor-notes §5, vendor-docs "Runs API"): GET /v1/runs (cursor paging),
// GET /v1/runs/{id}, the failed case outcomes of a run, POST /v1/runs (trigger, with the
// caller's Idempotency-Key forwarded) and POST /v1/runs/{id}/cancel. Auth: `Authorization:
// Bearer <key>`. Scope: source_config.scope["project_id"] (optional; "" lists every project of
// the key's org; when set, triggers and cancels never leave that project).
#include <memory>

#include "connectors/common/connector.hpp"

namespace runhub::connectors::zof {

std::unique_ptr<runhub::connectors::connector> make_zof_connector(
    runhub::connectors::source_config source, runhub::connectors::connector_deps deps);

}  // namespace runhub::connectors::zof
