#include "connectors/testerarmy/testerarmy_status.hpp"

#include <spdlog/spdlog.h>

#include <mutex>
#include <set>

namespace runhub::connectors::testerarmy {
namespace {

using model::run_status;

void log_unknown_once(const std::string& value) {
    static std::mutex mutex;
    static std::set<std::string> seen;
    std::lock_guard lock(mutex);
    if (seen.size() < 1000 && seen.insert(value).second)
        spdlog::warn("testerarmy: unknown run status '{}' mapped to error", value);
}

}  // namespace

status_mapping map_status(std::string_view status, std::optional<std::string_view> result,
                          bool planner_skipped) {
    if (status == "queued") return {run_status::queued, false};
    if (status == "running") return {run_status::running, false};
    if (status == "cancelled") return {run_status::canceled, true};
    // `failed` is the agent failing (error{code,message}), not the test under it.
    if (status == "failed") return {run_status::error, true};
    if (status == "completed") {
        if (result == "PASS") return {run_status::passed, true};
        if (result == "FAILED") return {run_status::failed, true};
        // The planner decided there was nothing to test: nothing ran [assumed: canceled].
        if (planner_skipped) return {run_status::canceled, true};
        log_unknown_once(vendor_status_text(status, result, planner_skipped));
        return {run_status::error, true, false};
    }
    log_unknown_once(std::string(status));
    return {run_status::error, false, false};
}

std::string vendor_status_text(std::string_view status, std::optional<std::string_view> result,
                               bool planner_skipped) {
    std::string text(status);
    if (status != "completed") return text;  // the result only qualifies a finished run
    if (result) {
        text += '/';
        text += *result;
    } else if (planner_skipped) {
        text += "/planner_skipped";
    }
    return text;
}

std::optional<std::string_view> native_status(model::run_status s) {
    switch (s) {
        case run_status::queued:
            return "queued";
        case run_status::running:
            return "running";
        case run_status::passed:
            return "completed";
        case run_status::failed:
            return "completed";
        case run_status::error:
            return std::nullopt;  // failed, and completed without result
        // Not "cancelled" alone: completed+planner_skipped is canceled too.
        case run_status::canceled:
            return std::nullopt;
        case run_status::stale:
            return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace runhub::connectors::testerarmy
