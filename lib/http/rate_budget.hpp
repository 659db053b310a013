#pragma once
// The outbound budget of one source: a token bucket sized to the vendor's quota that also
// believes the vendor's own remaining-budget headers. A call takes a token; when none is left
// it waits for the next one if that comes before its deadline, and is refused (not sent) if it
// would not. Time is passed in, so tests are exact. Thread-safe.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>

#include "http/header_fields.hpp"

namespace runhub::http {

struct budget_options {
    std::int64_t per_minute = 0;  // the refill rate; 0 = no budget (every call goes at once)
    std::int64_t burst = 0;       // the bucket's size; 0 = per_minute
};

struct budget_snapshot {
    std::int64_t per_minute = 0;
    double tokens = 0;           // may be negative: calls reserved ahead, waiting
    std::uint64_t waits = 0;     // calls that had to wait for a token
    std::uint64_t refusals = 0;  // calls refused: no token before their deadline
};

class rate_budget {
  public:
    using clock = std::chrono::steady_clock;
    explicit rate_budget(budget_options o, clock::time_point now = clock::now());

    bool limited() const { return opts_.per_minute > 0; }
    // Takes a token for a call that must start by `deadline`: how long to wait before sending
    // (0 = at once), or nullopt when the token would come after the deadline (nothing taken).
    std::optional<std::chrono::milliseconds> reserve(clock::time_point now,
                                                     clock::time_point deadline);
    // Reads RateLimit-Remaining / X-RateLimit-Remaining with their reset (RateLimit-Reset in
    // seconds, X-RateLimit-Reset as Unix time or seconds) from an answer: when the vendor says
    // fewer calls are left than the bucket holds, the bucket believes the vendor, and a vendor
    // at 0 gets no call before its reset.
    void observe(const header_fields& h, clock::time_point now,
                 std::chrono::system_clock::time_point wall_now);

    budget_snapshot snapshot(clock::time_point now) const;

  private:
    double refilled(clock::time_point now) const;  // the tokens at `now`, without taking any
    void refill(clock::time_point now);
    double rate_per_ms() const { return static_cast<double>(opts_.per_minute) / 60'000.0; }

    budget_options opts_;
    mutable std::mutex mutex_;
    double tokens_;
    clock::time_point last_;
    clock::time_point blocked_until_{};  // the vendor said 0 left until then
    std::uint64_t waits_ = 0, refusals_ = 0;
};

}  // namespace runhub::http
