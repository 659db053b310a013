#pragma once
// Builds the connector of a configured source from its vendor name.
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "connectors/common/connector.hpp"

namespace runhub::connectors {

// nullptr when the vendor is unknown.
std::unique_ptr<connector> make_connector(source_config cfg, connector_deps deps);
const std::vector<std::string_view>& known_vendors();

// The outbound budget a source of `vendor` gets when its configuration names none: the vendor's
// documented quota (Buildkite 200/min per organization, Zof 100/min on standard plans), none
// where the vendor publishes no number (Sofy, TesterArmy, Testmo: their 429s are honoured).
http::budget_options default_budget(std::string_view vendor);

// What is wrong with a source's vendor or scope, as (key under the source's entry, message):
// an unknown vendor, a missing required scope id, a scope key the vendor does not use.
std::vector<std::pair<std::string, std::string>> check_source(const source_config& cfg);

}  // namespace runhub::connectors
