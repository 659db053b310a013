#pragma once
// A circuit breaker per source: closed → open after `failure_threshold` consecutive failures;
// open fails fast for `open_for`; then half-open lets one probe through; its success closes
// the circuit, its failure opens it again. Time is passed in, so tests are exact. Thread-safe.
#include <chrono>
#include <mutex>
#include <string_view>

namespace runhub::http {

struct breaker_options {
    int failure_threshold = 5;
    std::chrono::milliseconds open_for{10'000};
};

class circuit_breaker {
  public:
    using clock = std::chrono::steady_clock;
    enum class state { closed, open, half_open };

    explicit circuit_breaker(breaker_options o = {});

    // Whether a call may go out now. In half-open only one probe is allowed at a time.
    bool allow(clock::time_point now);
    void record_success();
    void record_failure(clock::time_point now);
    // A call that says nothing of the vendor's health (the caller went away, a 429): the state
    // stays, and a half-open probe slot is given back so that the next call can probe.
    void record_neutral();

    state current(clock::time_point now) const;
    int consecutive_failures() const;

  private:
    breaker_options opts_;
    mutable std::mutex mutex_;
    state state_ = state::closed;
    int failures_ = 0;
    clock::time_point opened_at_{};
    bool probe_in_flight_ = false;
};

std::string_view to_string(circuit_breaker::state s);

}  // namespace runhub::http
