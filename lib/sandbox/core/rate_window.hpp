#pragma once
// A fixed one-minute request budget on the sandbox clock: windows start on whole minutes of
// that clock, so a test that fixes the clock knows when the budget comes back. Thread-safe.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>

#include "sandbox/core/emulator.hpp"

namespace runhub::sandbox {

// The state of the window holding `now` with `remaining` requests left: the reset is the next
// whole minute of the sandbox clock.
rate_limit_state window_state(std::chrono::system_clock::time_point now, std::int64_t limit_per_min,
                              std::int64_t remaining);

class rate_window {
  public:
    // Counts one request against `limit_per_min` (0 = no limit: nothing is counted). Returns the
    // state to answer 429 with when the request is over the budget, nullopt when it may pass.
    std::optional<rate_limit_state> admit(std::chrono::system_clock::time_point now,
                                          std::int64_t limit_per_min);
    void clear();

  private:
    std::mutex mutex_;
    std::int64_t window_start_s_ = -1;  // Unix seconds of the current window's first second
    std::int64_t used_ = 0;
};

}  // namespace runhub::sandbox
