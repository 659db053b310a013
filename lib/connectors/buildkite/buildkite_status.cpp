#include "connectors/buildkite/buildkite_status.hpp"

#include <spdlog/spdlog.h>

#include <mutex>
#include <set>
#include <string>

namespace runhub::connectors::buildkite {

namespace {

using model::run_status;

struct entry {
    std::string_view state;
    std::string_view result;
    status_row row;
};

constexpr entry table[] = {
    {"running", "pending", {run_status::running, false}},
    {"running", "passed", {run_status::running, false}},
    {"running", "failed", {run_status::failed, false}},
    {"running", "stale", {run_status::stale, false}},
    {"finished", "pending", {run_status::stale, true}},
    {"finished", "passed", {run_status::passed, true}},
    {"finished", "failed", {run_status::failed, true}},
    {"finished", "stale", {run_status::stale, true}},
};

void log_unknown_once(std::string value) {
    static std::mutex m;
    static std::set<std::string, std::less<>> seen;
    std::lock_guard lock(m);
    if (seen.size() > 1000 || !seen.insert(value).second) return;
    spdlog::warn("buildkite: unknown run state/result '{}' mapped to error", value.substr(0, 64));
}

}  // namespace

status_row map_status(std::string_view state, std::string_view result) {
    for (const auto& e : table)
        if (e.state == state && e.result == result) return e.row;
    log_unknown_once(std::string(state) + "/" + std::string(result));
    return {run_status::error, false};
}

}  // namespace runhub::connectors::buildkite
