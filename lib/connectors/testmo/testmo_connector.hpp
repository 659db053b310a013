#pragma once
// The Testmo connector (vendor-notes §3, vendor-docs "Automation Runs"):
// GET /api/v1/projects/{project_id}/automation/runs (page/per_page), GET
// /api/v1/automation/runs/{id}, and the failing tests of a run (GET
// /api/v1/automation/runs/{id}/tests, statuses flagged is_failure in the run's `statuses`
// expand), and trigger: POST /api/v1/projects/{project_id}/automation/runs. Testmo cannot
// cancel (unsupported). Auth: `Authorization: Bearer <token>`. Scope:
// source_config.scope["project_id"], optional scope["source"] (the automation source of runs
// it creates, default "runhub").
#include <memory>

#include "connectors/common/connector.hpp"

namespace runhub::connectors::testmo {

std::unique_ptr<runhub::connectors::connector> make_testmo_connector(
    runhub::connectors::source_config source, runhub::connectors::connector_deps deps);

}  // namespace runhub::connectors::testmo
