#include "cache/cache.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <exception>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace runhub::cache {
namespace asio = boost::asio;
using connectors::connector_error;

namespace {

// The stored entry and what the fetch decoded it from (fill::decoded, may be null).
struct fetched {
    std::shared_ptr<const entry> stored;
    std::shared_ptr<const void> decoded;
};
using flight_result = connectors::outcome<fetched>;
using result_ptr = std::shared_ptr<const flight_result>;
// One per waiting caller, buffered (capacity 1) so that an answer sent before the caller
// started to receive is kept; thread-safe, so the flight may answer from any thread.
using waiter_channel =
    asio::experimental::concurrent_channel<void(boost::system::error_code, result_ptr)>;

struct flight {
    std::vector<std::shared_ptr<waiter_channel>> waiters;  // under state::mu
};

}  // namespace

struct cache::state {
    std::shared_ptr<store> backing;
    ttl_policy policy;
    clock_fn now;

    std::mutex mu;
    std::unordered_map<std::string, std::shared_ptr<flight>> flights;  // by key text

    std::atomic<std::uint64_t> hits{0}, misses{0}, stale_serves{0}, coalesced_waits{0}, fetches{0},
        fetch_failures{0};
};

namespace {

// Joins the key's flight, or starts one (then the caller is the leader and must run it).
std::shared_ptr<flight> join(cache::state& st, const cache_key& key,
                             std::shared_ptr<waiter_channel> ch, bool& leader) {
    std::lock_guard lock(st.mu);
    auto& slot = st.flights[key.str()];
    leader = !slot;
    if (leader) slot = std::make_shared<flight>();
    slot->waiters.push_back(std::move(ch));
    return slot;
}

// Ends the flight: later gets start a new one; every waiter gets the answer.
void finish(cache::state& st, const cache_key& key, const std::shared_ptr<flight>& f,
            result_ptr r) {
    std::vector<std::shared_ptr<waiter_channel>> waiters;
    {
        std::lock_guard lock(st.mu);
        auto it = st.flights.find(key.str());
        if (it != st.flights.end() && it->second == f) st.flights.erase(it);
        waiters.swap(f->waiters);
    }
    for (auto& w : waiters) w->try_send(boost::system::error_code{}, r);
}

// A flight whose coroutine is destroyed before it finished (its io_context shut down): later
// gets must start a new one, and the waiters' channels, tied to that io_context, must go now.
void abandon(cache::state& st, const cache_key& key, const std::shared_ptr<flight>& f) {
    std::vector<std::shared_ptr<waiter_channel>> waiters;
    std::lock_guard lock(st.mu);
    auto it = st.flights.find(key.str());
    if (it != st.flights.end() && it->second == f) st.flights.erase(it);
    waiters.swap(f->waiters);
}

struct flight_guard {
    cache::state& st;
    const cache_key& key;
    const std::shared_ptr<flight>& f;
    bool finished = false;
    ~flight_guard() {
        if (!finished) abandon(st, key, f);
    }
};

asio::awaitable<flight_result> fetch_and_store(std::shared_ptr<cache::state> st,
                                               const cache_key& key, const fetch_fn& fetch) {
    auto call = fetch();
    auto got = co_await std::move(call);
    if (!got.ok() && got.error.not_found) {
        // The vendor says it is gone: no stale copy of it may outlive that.
        auto forget = st->backing->erase(key);
        co_await std::move(forget);
    }
    if (!got.ok()) co_return flight_result::failure(std::move(got.error));
    auto stale_window = st->policy.stale_window(key.source());
    auto e = make_entry(std::move(got.value->value), st->now(), got.value->ttl, stale_window,
                        std::move(got.value->variant), got.value->tagged);
    auto put = st->backing->put(key, e);
    co_await std::move(put);
    co_return flight_result::success(fetched{std::move(e), std::move(got.value->decoded)});
}

asio::awaitable<void> run_flight(std::shared_ptr<cache::state> st, cache_key key, fetch_fn fetch,
                                 std::shared_ptr<flight> f) {
    st->fetches.fetch_add(1, std::memory_order_relaxed);
    flight_guard guard{*st, key, f};
    flight_result r;
    std::string thrown;
    try {
        auto task = fetch_and_store(st, key, fetch);
        r = co_await std::move(task);
    } catch (const std::exception& e) {
        thrown = e.what();
    } catch (...) {
        thrown = "unknown exception";
    }
    if (!thrown.empty()) {
        connector_error err;
        err.kind = http::upstream_error_kind::network;
        err.detail = "cache fetch threw: " + thrown;
        r = flight_result::failure(std::move(err));
    }
    if (!r.ok()) st->fetch_failures.fetch_add(1, std::memory_order_relaxed);
    auto shared = std::make_shared<const flight_result>(std::move(r));
    guard.finished = true;
    finish(*st, key, f, std::move(shared));
}

lookup served(lookup_status s, std::shared_ptr<const entry> e, time_point now) {
    lookup out;
    out.status = s;
    out.age = e->age(now);
    out.value = std::move(e);
    return out;
}

// Upstream gave nothing: the stale entry if it is still within its window, else the failure.
lookup fallback(cache::state& st, const std::shared_ptr<const entry>& cached, connector_error err,
                time_point now) {
    if (cached && cached->servable_stale(now) && may_serve_stale(err)) {
        st.stale_serves.fetch_add(1, std::memory_order_relaxed);
        lookup out = served(lookup_status::stale, cached, now);
        out.error = std::move(err);
        return out;
    }
    lookup out;
    out.status = lookup_status::failed;
    out.error = std::move(err);
    return out;
}

// A flight no caller waits on (a background refresh), unless the key has one already.
std::shared_ptr<flight> start_unwatched(cache::state& st, const cache_key& key) {
    std::lock_guard lock(st.mu);
    auto& slot = st.flights[key.str()];
    if (slot) return nullptr;
    slot = std::make_shared<flight>();
    return slot;
}

connector_error budget_spent_error() {
    connector_error err;
    err.kind = http::upstream_error_kind::throttled;
    err.detail = "the source's budget is spent: served stale while it refreshes";
    return err;
}

connector_error deadline_error() {
    connector_error err;
    err.kind = http::upstream_error_kind::timeout;
    err.detail = "the deadline passed waiting for the upstream call";
    return err;
}

}  // namespace

bool may_serve_stale(const connector_error& e) {
    return !e.not_found && !e.unsupported && e.kind != http::upstream_error_kind::client;
}

std::string_view to_string(lookup_status s) {
    switch (s) {
        case lookup_status::hit:
            return "hit";
        case lookup_status::miss:
            return "miss";
        case lookup_status::stale:
            return "stale";
        case lookup_status::failed:
            return "failed";
    }
    return "failed";
}

cache::cache(std::shared_ptr<store> backing, cache_options options)
    : state_(std::make_shared<state>()) {
    state_->backing = std::move(backing);
    state_->policy = std::move(options.ttl);
    state_->now = options.now ? std::move(options.now) : clock_fn(system_now);
}

cache::~cache() = default;

const ttl_policy& cache::policy() const { return state_->policy; }

asio::awaitable<lookup> cache::get(cache_key key, fetch_fn fetch,
                                   connectors::clock::time_point deadline, bool prefer_stale) {
    auto st = state_;
    auto ex = co_await asio::this_coro::executor;
    auto lookup_call = st->backing->get(key);
    std::shared_ptr<const entry> cached = co_await std::move(lookup_call);
    auto now = st->now();
    if (cached && cached->fresh(now)) {
        st->hits.fetch_add(1, std::memory_order_relaxed);
        co_return served(lookup_status::hit, std::move(cached), now);
    }
    st->misses.fetch_add(1, std::memory_order_relaxed);
    if (connectors::clock::now() >= deadline)
        co_return fallback(*st, cached, deadline_error(), now);
    if (prefer_stale && cached && cached->servable_stale(now)) {
        // Answer what we have now; refresh it with a flight of its own unless one runs.
        if (auto f = start_unwatched(*st, key)) {
            auto run = run_flight(st, key, std::move(fetch), f);
            asio::co_spawn(ex, std::move(run), asio::detached);
        }
        co_return fallback(*st, cached, budget_spent_error(), now);
    }

    auto ch = std::make_shared<waiter_channel>(ex, 1);
    bool leader = false;
    auto f = join(*st, key, ch, leader);
    if (leader) {
        auto run = run_flight(st, key, std::move(fetch), f);
        asio::co_spawn(ex, std::move(run), asio::detached);
    } else {
        st->coalesced_waits.fetch_add(1, std::memory_order_relaxed);
    }

    // The deadline wakes the caller through its own channel; the caller's cancellation reaches
    // the receive (use_awaitable forwards its slot) and completes it with channel_cancelled.
    asio::steady_timer timer(ex, deadline);
    auto wake = [ch](boost::system::error_code ec) {
        if (!ec) ch->try_send(asio::error::timed_out, nullptr);
    };
    timer.async_wait(std::move(wake));
    auto receive = ch->async_receive(asio::as_tuple(asio::use_awaitable));
    auto [ec, result] = co_await std::move(receive);
    timer.cancel();
    now = st->now();

    if (ec == asio::experimental::error::channel_cancelled ||
        ec == asio::error::operation_aborted) {
        throw boost::system::system_error(asio::error::operation_aborted);
    }
    if (ec || !result) co_return fallback(*st, cached, deadline_error(), now);
    if (!result->ok()) {
        auto out = fallback(*st, cached, result->error, now);
        out.coalesced = !leader;
        co_return out;
    }
    auto out = served(lookup_status::miss, result->value->stored, now);
    out.decoded = result->value->decoded;
    out.coalesced = !leader;
    co_return out;
}

asio::awaitable<void> cache::put(cache_key key, std::string bytes, milliseconds ttl) {
    auto st = state_;
    auto stale_window = st->policy.stale_window(key.source());
    auto e = make_entry(std::move(bytes), st->now(), ttl, stale_window);
    auto store_put = st->backing->put(key, e);
    co_await std::move(store_put);
}

asio::awaitable<std::shared_ptr<const entry>> cache::peek(cache_key key) {
    auto st = state_;
    auto lookup_call = st->backing->get(key);
    std::shared_ptr<const entry> e = co_await std::move(lookup_call);
    co_return e;
}

asio::awaitable<void> cache::invalidate(cache_key key) {
    auto st = state_;
    auto erase = st->backing->erase(key);
    co_await std::move(erase);
}

cache_metrics cache::metrics() const {
    cache_metrics m;
    m.hits = state_->hits.load(std::memory_order_relaxed);
    m.misses = state_->misses.load(std::memory_order_relaxed);
    m.stale_serves = state_->stale_serves.load(std::memory_order_relaxed);
    m.coalesced_waits = state_->coalesced_waits.load(std::memory_order_relaxed);
    m.fetches = state_->fetches.load(std::memory_order_relaxed);
    m.fetch_failures = state_->fetch_failures.load(std::memory_order_relaxed);
    m.store = state_->backing->stats();
    return m;
}

}  // namespace runhub::cache
