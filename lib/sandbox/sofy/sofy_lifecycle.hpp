#pragma once
// The lifecycle of a triggered test run as a pure function of its trigger time and now: queued
// for `queued_for`, running for `running_for`, then ended; an abort ends it at that instant.
#include <chrono>
#include <optional>

namespace runhub::sandbox::sofy {

using time_point = std::chrono::system_clock::time_point;

enum class phase { queued, running, ended };

struct lifecycle_input {
    time_point triggered_at;
    std::chrono::milliseconds queued_for{0};
    std::chrono::milliseconds running_for{0};
    std::optional<time_point> aborted_at;  // set only when aborted before it ended
};

struct lifecycle_view {
    phase at = phase::queued;
    bool aborted = false;
};

lifecycle_view lifecycle_at(const lifecycle_input& in, time_point now);

}  // namespace runhub::sandbox::sofy
