#include "http/rate_budget.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace runhub::http {

namespace {

std::optional<long long> integer(std::optional<std::string_view> v) {
    if (!v) return std::nullopt;
    long long n = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc() || p != v->data() + v->size() || n < 0) return std::nullopt;
    return n;
}

}  // namespace

rate_budget::rate_budget(budget_options o, clock::time_point now)
    : opts_(o), tokens_(static_cast<double>(o.burst > 0 ? o.burst : o.per_minute)), last_(now) {}

double rate_budget::refilled(clock::time_point now) const {
    const double cap = static_cast<double>(opts_.burst > 0 ? opts_.burst : opts_.per_minute);
    auto from = std::max(last_, blocked_until_);
    if (now <= from) return tokens_;
    double ms = std::chrono::duration<double, std::milli>(now - from).count();
    return std::min(cap, tokens_ + ms * rate_per_ms());
}

void rate_budget::refill(clock::time_point now) {
    if (now <= last_) return;
    tokens_ = refilled(now);
    last_ = now;
}

std::optional<std::chrono::milliseconds> rate_budget::reserve(clock::time_point now,
                                                              clock::time_point deadline) {
    if (!limited()) return std::chrono::milliseconds(0);
    std::lock_guard lock(mutex_);
    refill(now);
    // When would a token be ours: after the vendor's block, once the deficit has refilled.
    auto start = std::max(now, blocked_until_);
    double missing = 1.0 - tokens_;
    auto ready = start;
    if (missing > 0)
        ready +=
            std::chrono::milliseconds(static_cast<long long>(std::ceil(missing / rate_per_ms())));
    if (ready > deadline) {
        ++refusals_;
        return std::nullopt;
    }
    tokens_ -= 1.0;
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(ready - now);
    if (wait.count() > 0) ++waits_;
    return wait;
}

void rate_budget::observe(const header_fields& h, clock::time_point now,
                          std::chrono::system_clock::time_point wall_now) {
    auto remaining = integer(h.get("RateLimit-Remaining"));
    std::optional<std::chrono::milliseconds> reset;
    if (remaining) {
        if (auto s = integer(h.get("RateLimit-Reset"))) reset = std::chrono::seconds(*s);
    } else if ((remaining = integer(h.get("X-RateLimit-Remaining")))) {
        if (auto n = integer(h.get("X-RateLimit-Reset"))) {
            if (*n > 1'000'000'000) {
                auto at = std::chrono::system_clock::time_point(std::chrono::seconds(*n));
                reset =
                    std::max(std::chrono::milliseconds(0),
                             std::chrono::duration_cast<std::chrono::milliseconds>(at - wall_now));
            } else {
                reset = std::chrono::seconds(*n);
            }
        }
    }
    if (!remaining || !limited()) return;
    std::lock_guard lock(mutex_);
    refill(now);
    // Calls already reserved here (negative tokens) are in flight or about to be; the vendor's
    // count may not include them yet, so only ever lower the bucket.
    tokens_ = std::min(tokens_, static_cast<double>(*remaining));
    if (*remaining == 0 && reset) blocked_until_ = std::max(blocked_until_, now + *reset);
}

budget_snapshot rate_budget::snapshot(clock::time_point now) const {
    std::lock_guard lock(mutex_);
    return {opts_.per_minute, now > last_ ? refilled(now) : tokens_, waits_, refusals_};
}

}  // namespace runhub::http
