#include "sandbox/testmo/testmo_lifecycle.hpp"

namespace runhub::sandbox::testmo {

std::chrono::system_clock::time_point completes_at(std::chrono::system_clock::time_point created,
                                                   lifecycle_timing t) {
    return created + t.queued_for + t.running_for;
}

bool has_completed(std::chrono::system_clock::time_point created,
                   std::chrono::system_clock::time_point now, lifecycle_timing t) {
    return now >= completes_at(created, t);
}

std::string resolve_outcome(std::string_view forced, std::string_view seeded) {
    if (forced == "cancelled") return "canceled";
    if (forced == "passed" || forced == "failed" || forced == "error" || forced == "canceled")
        return std::string(forced);
    return std::string(seeded);
}

}  // namespace runhub::sandbox::testmo
