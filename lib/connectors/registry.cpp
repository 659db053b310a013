#include "connectors/registry.hpp"

#include "connectors/buildkite/buildkite_connector.hpp"
#include "connectors/sofy/sofy_connector.hpp"
#include "connectors/testerarmy/testerarmy_connector.hpp"
#include "connectors/testmo/testmo_connector.hpp"
#include "connectors/zof/zof_connector.hpp"

namespace runhub::connectors {

std::unique_ptr<connector> make_connector(source_config cfg, connector_deps deps) {
    const std::string vendor = cfg.vendor;
    if (vendor == "sofy") return sofy::make_sofy_connector(std::move(cfg), std::move(deps));
    if (vendor == "testerarmy")
        return testerarmy::make_testerarmy_connector(std::move(cfg), std::move(deps));
    if (vendor == "testmo") return testmo::make_testmo_connector(std::move(cfg), std::move(deps));
    if (vendor == "buildkite")
        return buildkite::make_buildkite_connector(std::move(cfg), std::move(deps));
    if (vendor == "zof") return zof::make_zof_connector(std::move(cfg), std::move(deps));
    return nullptr;
}

const std::vector<std::string_view>& known_vendors() {
    static const std::vector<std::string_view> v{"sofy", "testerarmy", "testmo", "buildkite",
                                                 "zof"};
    return v;
}

}  // namespace runhub::connectors
