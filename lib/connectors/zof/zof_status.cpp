#include "connectors/zof/zof_status.hpp"

#include <spdlog/spdlog.h>

#include <mutex>
#include <set>
#include <string>

namespace runhub::connectors::zof {

namespace {

using model::run_status;

struct entry {
    std::string_view vendor;
    status_row row;
};

constexpr entry table[] = {
    {"queued", {run_status::queued, false}}, {"running", {run_status::running, false}},
    {"passed", {run_status::passed, true}},  {"failed", {run_status::failed, true}},
    {"error", {run_status::error, true}},    {"canceled", {run_status::canceled, true}},
};

void log_unknown_once(std::string_view value) {
    static std::mutex m;
    static std::set<std::string, std::less<>> seen;
    std::lock_guard lock(m);
    if (seen.size() > 1000 || !seen.insert(std::string(value)).second) return;
    spdlog::warn("zof: unknown run status '{}' mapped to error", value.substr(0, 64));
}

}  // namespace

status_row map_status(std::string_view vendor_status) {
    for (const auto& e : table)
        if (e.vendor == vendor_status) return e.row;
    log_unknown_once(vendor_status);
    return {run_status::error, false};
}

std::string_view vendor_value(model::run_status s) {
    for (const auto& e : table)
        if (e.row.status == s) return e.vendor;
    return {};
}

}  // namespace runhub::connectors::zof
