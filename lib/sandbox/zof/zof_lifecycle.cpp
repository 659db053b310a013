#include "sandbox/zof/zof_lifecycle.hpp"

namespace runhub::sandbox::zof {

lifecycle_state lifecycle_at(std::chrono::system_clock::time_point triggered_at,
                             std::chrono::system_clock::time_point now, lifecycle_timing timing,
                             std::optional<std::chrono::system_clock::time_point> canceled_at) {
    const auto starts = triggered_at + timing.queued_for;
    const auto ends = starts + timing.running_for;
    lifecycle_state s;
    if (canceled_at && *canceled_at < ends && *canceled_at <= now) {
        s.at = phase::canceled;
        if (*canceled_at >= starts) s.started_at = starts;
        s.completed_at = *canceled_at;
        return s;
    }
    if (now < starts) return s;
    s.started_at = starts;
    if (now < ends) {
        s.at = phase::running;
        return s;
    }
    s.at = phase::finished;
    s.completed_at = ends;
    return s;
}

std::string resolve_outcome(std::string_view forced, std::string_view seeded) {
    if (forced == "cancelled") return "canceled";
    if (forced == "passed" || forced == "failed" || forced == "error" || forced == "canceled")
        return std::string(forced);
    return std::string(seeded);
}

}  // namespace runhub::sandbox::zof
