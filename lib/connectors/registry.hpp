#pragma once
// Builds the connector of a configured source from its vendor name.
#include <memory>
#include <string_view>
#include <vector>

#include "connectors/common/connector.hpp"

namespace runhub::connectors {

// nullptr when the vendor is unknown.
std::unique_ptr<connector> make_connector(source_config cfg, connector_deps deps);
const std::vector<std::string_view>& known_vendors();

}  // namespace runhub::connectors
