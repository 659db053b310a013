#pragma once
// The Sofy connector (https://public.sofy.ai): list, get and failures of scheduled-run test-run
// groups. base_url is the host root; the documented microservice prefixes follow it.
// credential: the subscription key, sent as "x-sofy-auth-key".
// scope: {application_guid} (optional) limits lists to one application (?applicationGuid=);
// {lookback_days} (optional, default 90) is the window of a list whose query has no `since`.
#include <memory>

#include "connectors/common/connector.hpp"

namespace runhub::connectors::sofy {

std::unique_ptr<runhub::connectors::connector> make_sofy_connector(
    runhub::connectors::source_config, runhub::connectors::connector_deps);

}  // namespace runhub::connectors::sofy
