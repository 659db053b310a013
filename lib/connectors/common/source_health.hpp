#pragma once
// What runhub knows of one source's health: its circuit breaker and the outcome, latency and
// time of its last upstream calls. Fed by monitored_connector, read by GET /v1/sources and
// /readyz. Thread-safe.
#include <chrono>
#include <mutex>
#include <optional>
#include <string_view>

#include "connectors/common/connector.hpp"
#include "http/circuit_breaker.hpp"

namespace runhub::connectors {

enum class health {
    unknown,  // no call has ended yet
    ok,       // the last call reached the vendor and it answered (a 4xx included)
    failing,  // the last call failed in a way that counts against the vendor; circuit closed
    down,     // the circuit is open or half-open: calls fail fast
};

std::string_view to_string(health h);

struct health_snapshot {
    health state = health::unknown;
    http::circuit_breaker::state circuit = http::circuit_breaker::state::closed;
    int consecutive_failures = 0;
    std::optional<std::chrono::milliseconds> last_latency;  // of the last call that went out
    std::optional<std::chrono::system_clock::time_point> last_success_at;
    std::optional<connector_error> last_error;
    std::optional<std::chrono::system_clock::time_point> last_error_at;
};

class source_health {
  public:
    using steady = std::chrono::steady_clock;
    explicit source_health(http::breaker_options o = {}) : breaker_(o) {}

    // Whether a call may go out now (the circuit decides).
    bool allow(steady::time_point now) { return breaker_.allow(now); }
    // The end of a call that went out: success when `error` is null.
    void record(const connector_error* error, std::chrono::milliseconds latency,
                steady::time_point now, std::chrono::system_clock::time_point wall_now);

    // An admitted call that turned out not to be a vendor call at all.
    void release() { breaker_.record_neutral(); }

    health_snapshot snapshot(steady::time_point now) const;

  private:
    http::circuit_breaker breaker_;
    mutable std::mutex mutex_;
    bool any_ended_ = false;
    bool last_failed_ = false;
    health_snapshot last_;
};

}  // namespace runhub::connectors
