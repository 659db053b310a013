#include "sandbox/core/rate_window.hpp"

#include <algorithm>

#include "sandbox/core/seeded_data.hpp"

namespace runhub::sandbox {

namespace {

std::int64_t minute_start_s(std::int64_t now_ms) {
    // Floor division: a clock before 1970 still lands in the right window.
    std::int64_t minute = now_ms >= 0 ? now_ms / 60'000 : (now_ms - 59'999) / 60'000;
    return minute * 60;
}

}  // namespace

rate_limit_state window_state(std::chrono::system_clock::time_point now, std::int64_t limit_per_min,
                              std::int64_t remaining) {
    const std::int64_t now_ms = unix_millis(now);
    rate_limit_state s;
    s.limit_per_min = static_cast<int>(limit_per_min);
    s.remaining = static_cast<int>(remaining);
    s.reset_unix = minute_start_s(now_ms) + 60;
    const std::int64_t left_ms = s.reset_unix * 1000 - now_ms;
    s.reset_in = std::chrono::seconds(std::max<std::int64_t>(1, (left_ms + 999) / 1000));
    return s;
}

std::optional<rate_limit_state> rate_window::admit(std::chrono::system_clock::time_point now,
                                                   std::int64_t limit_per_min) {
    if (limit_per_min <= 0) return std::nullopt;
    const std::int64_t start_s = minute_start_s(unix_millis(now));
    std::lock_guard lock(mutex_);
    if (start_s != window_start_s_) {
        window_start_s_ = start_s;
        used_ = 0;
    }
    if (used_ < limit_per_min) {
        ++used_;
        return std::nullopt;
    }
    return window_state(now, limit_per_min, 0);
}

void rate_window::clear() {
    std::lock_guard lock(mutex_);
    window_start_s_ = -1;
    used_ = 0;
}

}  // namespace runhub::sandbox
