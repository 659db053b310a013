#include "http/retry_policy.hpp"

#include <algorithm>

namespace runhub::http {

retry_state::retry_state(retry_policy p, clock::time_point deadline,
                         std::function<double()> uniform01)
    : policy_(p), deadline_(deadline), uniform01_(std::move(uniform01)) {}

std::optional<std::chrono::milliseconds> retry_state::next_delay(
    upstream_error_kind kind, std::optional<std::chrono::milliseconds> vendor_hint,
    clock::time_point now) {
    if (!retryable(kind) || attempts_ >= policy_.max_attempts) return std::nullopt;
    std::chrono::milliseconds wait;
    if (vendor_hint) {
        wait = *vendor_hint;
    } else {
        auto shift = std::min(attempts_ - 1, 20);
        auto ceiling = std::min<std::int64_t>(policy_.cap.count(), policy_.base.count() << shift);
        wait = std::chrono::milliseconds(
            static_cast<std::int64_t>(uniform01_() * static_cast<double>(ceiling)));
    }
    if (now + wait >= deadline_) return std::nullopt;
    ++attempts_;
    return wait;
}

}  // namespace runhub::http
