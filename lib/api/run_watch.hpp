#pragma once
// Watching runs for ?wait= and /events: one poller per watched run, however many callers wait
// on it. The poller asks the source (through the cache, so a running run costs at most one
// vendor call per its cache lifetime) at once, then with backoff while nothing changes, and
// stops when the run is terminal or nobody waits any more. A webhook's news is published
// straight to the waiters.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "connectors/common/connector.hpp"

namespace runhub::api {

struct watch_options {
    std::chrono::milliseconds first_interval{1'000};  // between polls after a change
    std::chrono::milliseconds max_interval{10'000};   // backoff cap while nothing changes
    std::chrono::milliseconds call_timeout{10'000};   // each poll's deadline
};

class run_watch {
  public:
    explicit run_watch(watch_options o = {});
    ~run_watch();

    // The run as soon as it is terminal or its status differs from `known` (nullopt: from the
    // status it has when the wait begins), else at `until`, as it is then. The source's error
    // when it has never answered (not found included).
    boost::asio::awaitable<connectors::outcome<model::run>> wait(
        std::shared_ptr<connectors::connector> source, std::string native_id,
        std::optional<model::run_status> known, connectors::clock::time_point until);

    // News of a run from elsewhere (a webhook): waiters on it wake now.
    void publish(const model::run& r);

    std::uint64_t polls() const;        // upstream gets made by the pollers
    std::size_t watched_count() const;  // runs being watched now

    struct state;

  private:
    std::shared_ptr<state> state_;
};

}  // namespace runhub::api
