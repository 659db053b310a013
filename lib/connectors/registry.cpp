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

namespace {

struct scope_rule {
    std::string_view vendor;
    std::vector<std::string_view> required;
    std::vector<std::string_view> optional;
};

// The scope ids each connector reads (see each connector's header).
const std::vector<scope_rule>& scope_rules() {
    static const std::vector<scope_rule> rules{
        {"sofy", {"application_guid"}, {"schedule_guid", "lookback_days"}},
        {"testerarmy", {"project_id"}, {}},
        {"testmo", {"project_id"}, {"source"}},
        {"buildkite", {"org", "suite"}, {}},
        {"zof", {}, {"project_id"}},
    };
    return rules;
}

}  // namespace

http::budget_options default_budget(std::string_view vendor) {
    // vendor-notes 4.6 (Buildkite: org limit; the newer per-user 50/min is not assumed) and
    // 5.6 (Zof: "typical 100 requests/minute per organization"). A tenth of the quota is the
    // burst and 85% the refill, so that no 60-second window, whatever the vendor counts in,
    // sees more than 95% of the quota (a full bucket refilling at the quota would allow two
    // quotas in the first minute; 5% is left for clocks that disagree and other clients).
    if (vendor == "buildkite") return {.per_minute = 170, .burst = 20};
    if (vendor == "zof") return {.per_minute = 85, .burst = 10};
    return {};
}

std::vector<std::pair<std::string, std::string>> check_source(const source_config& cfg) {
    std::vector<std::pair<std::string, std::string>> out;
    const scope_rule* rule = nullptr;
    for (const auto& r : scope_rules())
        if (r.vendor == cfg.vendor) rule = &r;
    if (!rule) {
        std::string list;
        for (auto v : known_vendors()) list += (list.empty() ? "" : ", ") + std::string(v);
        out.emplace_back("vendor", "unknown vendor '" + cfg.vendor + "' (" + list + ")");
        return out;
    }
    for (auto key : rule->required) {
        auto it = cfg.scope.find(std::string(key));
        if (it == cfg.scope.end() || it->second.empty())
            out.emplace_back("scope." + std::string(key), "is required for " + cfg.vendor);
    }
    for (const auto& [key, value] : cfg.scope) {
        bool known = false;
        for (auto k : rule->required) known = known || k == key;
        for (auto k : rule->optional) known = known || k == key;
        if (!known) out.emplace_back("scope." + key, "is not a " + cfg.vendor + " scope id");
    }
    return out;
}

}  // namespace runhub::connectors
