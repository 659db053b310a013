#pragma once
// The contract between the sandbox core (ports, faults, stats, rate limits, control routes,
// lifecycle ticks, webhooks out) and one vendor's emulator (its routes, data and wire format).
//
// The core wraps every vendor route: it counts the request, applies the injected faults and the
// rate limit, and only then calls the vendor's handler. A vendor emulator therefore only knows
// its own API. Emulators are called from several io threads: they guard their data themselves.
#include "http/response.hpp"
#include "http/router.hpp"

#include <boost/json/fwd.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <atomic>
#include <mutex>
#include <vector>
#include <optional>
#include <string>
#include <string_view>

namespace runhub::sandbox {

// The sandbox's notion of now: real time, or a fixed start (`--now`) that then advances with
// real elapsed time, plus whatever tests add through advance(). Thread-safe.
class sandbox_clock {
public:
    explicit sandbox_clock(std::optional<std::chrono::system_clock::time_point> start = {});
    std::chrono::system_clock::time_point now() const;
    void advance(std::chrono::milliseconds by);

private:
    std::optional<std::chrono::system_clock::time_point> start_;
    std::chrono::steady_clock::time_point started_at_;
    std::atomic<std::int64_t> offset_ms_{0};
};

// Fire-and-forget HTTP POST of a webhook (signed by the caller). Implemented by the core.
class webhook_sender {
public:
    virtual ~webhook_sender() = default;
    virtual void post(std::string url, std::vector<http::header_field> headers,
                      std::string body) = 0;
};

struct emulator_options {
    std::uint64_t seed = 42;                 // same seed, same runs
    int runs = 300;                          // generated runs, spread over the last 30 days
    std::shared_ptr<sandbox_clock> clock;    // never null
    std::chrono::milliseconds queued_for{2000};   // triggered run: queued this long,
    std::chrono::milliseconds running_for{8000};  // then running this long, then terminal
    std::string base_url;                    // "http://127.0.0.1:9105", known before routes are added
    std::string webhook_url;                 // where completion webhooks go; "" = none
    std::string webhook_secret = "sandbox-webhook-secret";  // HMAC key / shared secret
    std::shared_ptr<webhook_sender> webhooks;  // never null
};

// What a 429 answer needs to say; each vendor renders it with its own headers.
struct rate_limit_state {
    int limit_per_min = 0;
    int remaining = 0;
    std::chrono::seconds reset_in{60};  // until the window resets
    std::int64_t reset_unix = 0;        // the same instant as a Unix time
};

class emulator {
public:
    virtual ~emulator() = default;

    virtual std::string_view vendor() const = 0;  // sofy | testerarmy | testmo | buildkite | zof
    // Adds the vendor's own routes (auth checked inside each handler). Handlers never wait:
    // latency and other faults are the core's job.
    virtual void add_routes(http::router& r) = 0;
    virtual std::string auth_header() const = 0;  // "x-sofy-auth-key", "Authorization"
    virtual std::string auth_value() const = 0;   // the full value a client sends
    virtual boost::json::object scope() const = 0;  // ids a client needs (see issue: /_sandbox/info)
    virtual void reset() = 0;                       // data back to the seed, forced outcome cleared
    // The vendor's own 429 and 5xx answers.
    virtual http::response rate_limited(const rate_limit_state& s) const = 0;
    virtual http::response server_error() const = 0;
    // Called by the core about every 100 ms: move triggered runs along and send the webhooks of
    // runs that became terminal since the last tick.
    virtual void tick() = 0;

    // The outcome forced on runs that end from now on: "", "passed", "failed", "error",
    // "canceled". "" lets the seed decide. Set through POST /_sandbox/faults {"outcome": ...}.
    void set_forced_outcome(std::string o) {
        std::lock_guard lock(outcome_mutex_);
        forced_outcome_ = std::move(o);
    }
    std::string forced_outcome() const {
        std::lock_guard lock(outcome_mutex_);
        return forced_outcome_;
    }

private:
    mutable std::mutex outcome_mutex_;
    std::string forced_outcome_;
};

}  // namespace runhub::sandbox
