#pragma once
// The TesterArmy connector (https://tester.army/api/v1): list, get and failures of test runs.
// base_url is the host root ("https://tester.army"); the documented /api/v1 prefix follows it.
// credential: the API key (sk_…), sent as "Authorization: Bearer <key>".
// scope: {project_id} (optional) limits every list to that project (?projectId=).
#include <memory>

#include "connectors/common/connector.hpp"

namespace runhub::connectors::testerarmy {

std::unique_ptr<runhub::connectors::connector> make_testerarmy_connector(
    runhub::connectors::source_config, runhub::connectors::connector_deps);

}  // namespace runhub::connectors::testerarmy
