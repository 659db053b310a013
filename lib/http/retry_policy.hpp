#pragma once
// Retries of idempotent upstream calls: an immutable policy and a per-request state (as in
// Envoy's router). Full-jitter exponential backoff (AWS architecture blog, "Exponential Backoff
// And Jitter"): the n-th wait is uniform in [0, min(cap, base * 2^n)]. A vendor's own hint
// (Retry-After, RateLimit-Reset) wins over the computed wait. Never waits past the deadline.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

#include "http/upstream_error.hpp"

namespace runhub::http {

struct retry_policy {
    int max_attempts = 3;                  // including the first
    std::chrono::milliseconds base{100};   // first backoff ceiling
    std::chrono::milliseconds cap{2'000};  // backoff ceiling never exceeds this
};

class retry_state {
  public:
    using clock = std::chrono::steady_clock;
    // `uniform01` returns a value in [0, 1); injected so tests are exact.
    retry_state(retry_policy p, clock::time_point deadline, std::function<double()> uniform01);

    // After a failed attempt of `kind` (with the vendor's wait hint, if any), at time `now`:
    // the wait before the next attempt, or nullopt to give up (not retryable, attempts used
    // up, or the wait would end past the deadline).
    std::optional<std::chrono::milliseconds> next_delay(
        upstream_error_kind kind, std::optional<std::chrono::milliseconds> vendor_hint,
        clock::time_point now);

    int attempts_made() const { return attempts_; }

  private:
    retry_policy policy_;
    clock::time_point deadline_;
    std::function<double()> uniform01_;
    int attempts_ = 1;
};

}  // namespace runhub::http
