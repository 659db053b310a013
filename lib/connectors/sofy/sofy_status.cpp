#include "connectors/sofy/sofy_status.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <set>
#include <string>

namespace runhub::connectors::sofy {
namespace {

using model::run_status;

struct row {
    std::string_view text;  // lower case
    run_status status;
    bool terminal;
};

// Test-run statuses of the API page; group/schedule statuses of the other pages
// (vendor-notes §1.5). "Run Stopped" is what the status route's example returns.
constexpr row table[] = {
    {"passed", run_status::passed, true},
    {"failed", run_status::failed, true},
    {"incomplete", run_status::error, true},
    {"not executed", run_status::error, true},
    {"stopped", run_status::canceled, true},
    {"run stopped", run_status::canceled, true},
    {"running", run_status::running, false},
    {"queued", run_status::queued, false},
    {"in queue", run_status::queued, false},
    {"scheduled", run_status::queued, false},
    {"waiting for device", run_status::queued, false},
    {"setting up device", run_status::running, false},
    {"downloading app", run_status::running, false},
    {"parsing app", run_status::running, false},
    {"loading scenarios", run_status::running, false},
    {"in progress", run_status::running, false},
    {"finalizing", run_status::running, false},
    {"complete", run_status::passed, true},
    {"complete with errors", run_status::failed, true},
    {"stopped by user", run_status::canceled, true},
    {"cancelled by user", run_status::canceled, true},
};

void log_unknown_once(std::string_view value) {
    static std::mutex mutex;
    static std::set<std::string, std::less<>> seen;
    std::lock_guard lock(mutex);
    if (seen.size() < 1000 && seen.emplace(value).second)
        spdlog::warn("sofy: unknown status '{}' mapped to error", value);
}

}  // namespace

status_mapping map_status(std::string_view vendor_status) {
    std::string lower;
    for (char c : vendor_status)
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const auto& r : table)
        if (r.text == lower) return {r.status, r.terminal};
    log_unknown_once(vendor_status);
    return {run_status::error, false, false};
}

status_mapping aggregate(const std::vector<status_mapping>& test_runs) {
    if (test_runs.empty()) return {run_status::error, false, true};
    auto any = [&](run_status s) {
        return std::any_of(test_runs.begin(), test_runs.end(),
                           [&](const status_mapping& m) { return m.status == s; });
    };
    bool all_known = std::all_of(test_runs.begin(), test_runs.end(),
                                 [](const status_mapping& m) { return m.known; });
    bool unfinished = std::any_of(test_runs.begin(), test_runs.end(),
                                  [](const status_mapping& m) { return !m.terminal; });
    if (unfinished) {
        if (any(run_status::running)) return {run_status::running, false, all_known};
        if (any(run_status::queued)) return {run_status::queued, false, all_known};
        return {run_status::error, false, all_known};  // an unknown value, not final
    }
    for (auto s : {run_status::failed, run_status::error, run_status::canceled})
        if (any(s)) return {s, true, all_known};
    return {run_status::passed, true, all_known};
}

}  // namespace runhub::connectors::sofy
