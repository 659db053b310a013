#pragma once
// The lifecycle of a triggered Zof run as a pure function of its trigger time and now:
// queued for `queued_for`, running for `running_for`, then finished; a cancel before the end
// ends it early as canceled.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace runhub::sandbox::zof {

struct lifecycle_timing {
    std::chrono::milliseconds queued_for{2000};
    std::chrono::milliseconds running_for{8000};
};

enum class phase { queued, running, finished, canceled };

struct lifecycle_state {
    phase at = phase::queued;
    std::optional<std::chrono::system_clock::time_point> started_at;
    std::optional<std::chrono::system_clock::time_point> completed_at;
};

lifecycle_state lifecycle_at(std::chrono::system_clock::time_point triggered_at,
                             std::chrono::system_clock::time_point now, lifecycle_timing timing,
                             std::optional<std::chrono::system_clock::time_point> canceled_at);

// The terminal status a finished run takes: the forced outcome when it is one of Zof's terminal
// statuses ("cancelled" is read as "canceled"), else the seeded one.
std::string resolve_outcome(std::string_view forced, std::string_view seeded);

}  // namespace runhub::sandbox::zof
