#include "connectors/common/source_health.hpp"

namespace runhub::connectors {

std::string_view to_string(health h) {
    switch (h) {
        case health::unknown:
            return "unknown";
        case health::ok:
            return "ok";
        case health::failing:
            return "failing";
        case health::down:
            return "down";
    }
    return "unknown";
}

void source_health::record(const connector_error* error, std::chrono::milliseconds latency,
                           steady::time_point now, std::chrono::system_clock::time_point wall_now) {
    // The breaker first: a vendor that answered (even 4xx) is up; a timeout, reset, 5xx or
    // garbage counts against it; a 429 or a caller going away says nothing either way.
    const bool vendor_answered = !error || error->kind == http::upstream_error_kind::client;
    const bool counts = error && http::counts_as_failure(error->kind);
    if (vendor_answered)
        breaker_.record_success();
    else if (counts)
        breaker_.record_failure(now);
    else
        breaker_.record_neutral();

    std::lock_guard lock(mutex_);
    any_ended_ = true;
    last_.last_latency = latency;
    if (vendor_answered) {
        last_failed_ = false;
        if (!error) last_.last_success_at = wall_now;
    } else if (counts) {
        last_failed_ = true;
    }
    if (error && error->kind != http::upstream_error_kind::canceled) {
        last_.last_error = *error;
        last_.last_error_at = wall_now;
    }
}

health_snapshot source_health::snapshot(steady::time_point now) const {
    health_snapshot s;
    {
        std::lock_guard lock(mutex_);
        s = last_;
        s.state = !any_ended_ ? health::unknown : last_failed_ ? health::failing : health::ok;
    }
    s.circuit = breaker_.current(now);
    s.consecutive_failures = breaker_.consecutive_failures();
    if (s.circuit != http::circuit_breaker::state::closed) s.state = health::down;
    return s;
}

}  // namespace runhub::connectors
