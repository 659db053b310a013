#pragma once
// The lifecycle of an automation run created through the API, as a pure function of its creation
// time and now. Testmo has no queued state: the run is running (status 4) from creation. When no
// reporter drives it (no thread, append or complete), it completes on its own after
// queued_for + running_for with the forced or seeded outcome.
#include <chrono>
#include <string>
#include <string_view>

namespace runhub::sandbox::testmo {

struct lifecycle_timing {
    std::chrono::milliseconds queued_for{2000};
    std::chrono::milliseconds running_for{8000};
};

std::chrono::system_clock::time_point completes_at(std::chrono::system_clock::time_point created,
                                                   lifecycle_timing t);
bool has_completed(std::chrono::system_clock::time_point created,
                   std::chrono::system_clock::time_point now, lifecycle_timing t);

// passed | failed | error | canceled ("cancelled" accepted) when forced, else the seeded one.
std::string resolve_outcome(std::string_view forced, std::string_view seeded);

}  // namespace runhub::sandbox::testmo
