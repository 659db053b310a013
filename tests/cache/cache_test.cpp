#include "cache/cache.hpp"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "cache/memory_store.hpp"

namespace runhub::cache {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;
using connectors::clock;

struct fake_clock {
    std::atomic<time_point> t{time_point(std::chrono::seconds(1'700'000'000))};
    clock_fn fn() {
        return [this] { return t.load(); };
    }
    void advance(std::chrono::milliseconds d) { t = t.load() + d; }
};

// The vendor behind the cache: counts calls, answers after `latency`, and notes whether its
// own wait was ever cancelled.
struct fake_upstream {
    std::atomic<int> calls{0};
    std::atomic<int> completed{0};
    std::atomic<int> aborted{0};
    std::chrono::milliseconds latency{0};
    milliseconds ttl{2'000};
    std::atomic<bool> fail{false};
    std::atomic<bool> throw_instead{false};

    fetch_fn fn() {
        return [this]() -> asio::awaitable<fetch_outcome> {
            int n = ++calls;
            auto ex = co_await asio::this_coro::executor;
            asio::steady_timer t(ex, latency);
            if (latency > 0ms) {
                auto wait = t.async_wait(asio::as_tuple(asio::use_awaitable));
                auto [ec] = co_await std::move(wait);
                if (ec) ++aborted;
            }
            ++completed;
            if (throw_instead) throw std::runtime_error("boom");
            if (fail) {
                connectors::connector_error err;
                err.kind = http::upstream_error_kind::server;
                err.http_status = 503;
                co_return fetch_outcome::failure(std::move(err));
            }
            fill f;
            f.value = "v" + std::to_string(n);
            f.ttl = ttl;
            co_return fetch_outcome::success(std::move(f));
        };
    }
};

// What one get() ended with.
struct ending {
    std::optional<lookup> value;
    std::exception_ptr error;
};

// Starts a get() on `ex`, optionally cancellable through `signal`; the ending lands in `out`.
template <class Executor>
void spawn_get(Executor ex, cache& c, const cache_key& k, fetch_fn f, ending& out,
               clock::time_point deadline = clock::time_point::max(),
               asio::cancellation_signal* signal = nullptr, std::mutex* mu = nullptr) {
    auto task = c.get(k, std::move(f), deadline);
    auto done = [&out, mu](std::exception_ptr e, lookup l) {
        std::unique_lock<std::mutex> lock;
        if (mu) lock = std::unique_lock(*mu);
        if (e) {
            out.error = e;
        } else {
            out.value = std::move(l);
        }
    };
    if (signal) {
        asio::co_spawn(ex, std::move(task), asio::bind_cancellation_slot(signal->slot(), done));
    } else {
        asio::co_spawn(ex, std::move(task), done);
    }
}

lookup get_one(asio::io_context& io, cache& c, const cache_key& k, fetch_fn f,
               clock::time_point deadline = clock::time_point::max()) {
    ending out;
    spawn_get(io.get_executor(), c, k, std::move(f), out, deadline);
    io.restart();
    io.run();
    if (out.error) std::rethrow_exception(out.error);
    return std::move(*out.value);
}

bool aborted(const ending& e) {
    if (!e.error) return false;
    try {
        std::rethrow_exception(e.error);
    } catch (const boost::system::system_error& se) {
        return se.code() == asio::error::operation_aborted;
    } catch (...) {
        return false;
    }
}

cache_options options_with(fake_clock& fc) {
    cache_options o;
    o.now = fc.fn();
    return o;
}

const cache_key run_key = cache_key::for_run("zof", "42");

}  // namespace

void PrintTo(lookup_status s, std::ostream* os) { *os << to_string(s); }

namespace {

TEST(Cache, AMissFetchesAndStoresThenAHitAsksNobody) {
    fake_clock fc;
    cache c(std::make_shared<memory_store>(memory_store_options{1 << 20, fc.fn()}),
            options_with(fc));
    fake_upstream up;
    asio::io_context io;
    auto first = get_one(io, c, run_key, up.fn());
    ASSERT_EQ(first.ok(), first.status != lookup_status::failed);
    ASSERT_EQ(first.status, lookup_status::miss);
    EXPECT_EQ(first.value->value, "v1");
    EXPECT_EQ(first.value->etag, make_etag("v1"));
    EXPECT_FALSE(first.coalesced);
    fc.advance(1s);
    auto second = get_one(io, c, run_key, up.fn());
    ASSERT_EQ(second.ok(), second.status != lookup_status::failed);
    ASSERT_EQ(second.status, lookup_status::hit);
    EXPECT_EQ(second.value->value, "v1");
    EXPECT_EQ(second.age, 1s);
    EXPECT_EQ(up.calls, 1);
    auto m = c.metrics();
    EXPECT_EQ(m.hits, 1u);
    EXPECT_EQ(m.misses, 1u);
    EXPECT_EQ(m.fetches, 1u);
    EXPECT_EQ(m.store.entries, 1u);
    EXPECT_GT(m.store.bytes, 0u);
}

TEST(Cache, TwoHundredConcurrentIdenticalGetsMakeOneUpstreamCall) {
    cache c(std::make_shared<memory_store>());
    fake_upstream up;
    up.latency = 100ms;
    asio::io_context io;
    const int n = 200;
    std::vector<ending> out(n);
    std::mutex mu;
    auto guard = asio::make_work_guard(io);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) threads.emplace_back([&io] { io.run(); });
    for (int i = 0; i < n; ++i) {
        spawn_get(io.get_executor(), c, run_key, up.fn(), out[std::size_t(i)],
                  clock::time_point::max(), nullptr, &mu);
    }
    guard.reset();
    for (auto& th : threads) th.join();
    EXPECT_EQ(up.calls, 1);
    int leaders = 0;
    for (auto& e : out) {
        ASSERT_FALSE(e.error);
        ASSERT_TRUE(e.value);
        ASSERT_TRUE(e.value->ok());
        EXPECT_EQ(e.value->value->value, "v1");
        if (!e.value->coalesced) ++leaders;
    }
    // Every get was a miss that waited on the one flight (none came late enough to hit).
    EXPECT_EQ(leaders, 1);
    auto m = c.metrics();
    EXPECT_EQ(m.fetches, 1u);
    EXPECT_EQ(m.coalesced_waits, std::uint64_t(n - 1));
    EXPECT_EQ(m.misses, std::uint64_t(n));
}

TEST(Cache, DifferentKeysAreNotCoalesced) {
    cache c(std::make_shared<memory_store>());
    fake_upstream up;
    up.latency = 20ms;
    asio::io_context io;
    std::vector<ending> out(2);
    spawn_get(io.get_executor(), c, cache_key::for_run("a:b", "c"), up.fn(), out[0]);
    spawn_get(io.get_executor(), c, cache_key::for_run("a", "b:c"), up.fn(), out[1]);
    io.run();
    EXPECT_EQ(up.calls, 2);
    ASSERT_TRUE(out[0].value && out[0].value->ok());
    ASSERT_TRUE(out[1].value && out[1].value->ok());
    EXPECT_NE(out[0].value->value->value, out[1].value->value->value);
}

TEST(Cache, ACancelledWaiterDoesNotFailTheOthersNorCancelTheCall) {
    cache c(std::make_shared<memory_store>());
    fake_upstream up;
    up.latency = 200ms;
    asio::io_context io;
    std::vector<ending> out(4);
    asio::cancellation_signal leader, follower;
    // The first caller starts the flight; cancelling it must not take the call with it.
    spawn_get(io.get_executor(), c, run_key, up.fn(), out[0], clock::time_point::max(), &leader);
    spawn_get(io.get_executor(), c, run_key, up.fn(), out[1], clock::time_point::max(), &follower);
    spawn_get(io.get_executor(), c, run_key, up.fn(), out[2]);
    spawn_get(io.get_executor(), c, run_key, up.fn(), out[3]);
    asio::steady_timer later(io, 30ms);
    later.async_wait([&](boost::system::error_code) {
        leader.emit(asio::cancellation_type::terminal);
        follower.emit(asio::cancellation_type::terminal);
    });
    auto start = clock::now();
    io.run();
    EXPECT_TRUE(aborted(out[0]));
    EXPECT_TRUE(aborted(out[1]));
    for (int i : {2, 3}) {
        ASSERT_TRUE(out[std::size_t(i)].value) << i;
        ASSERT_TRUE(out[std::size_t(i)].value->ok()) << i;
        EXPECT_EQ(out[std::size_t(i)].value->status, lookup_status::miss);
        EXPECT_EQ(out[std::size_t(i)].value->value->value, "v1");
        EXPECT_TRUE(out[std::size_t(i)].value->coalesced);
    }
    EXPECT_EQ(up.calls, 1);
    EXPECT_EQ(up.completed, 1);
    EXPECT_EQ(up.aborted, 0);
    EXPECT_GE(clock::now() - start, 200ms);
    // The answer was stored although its first caller left.
    auto again = get_one(io, c, run_key, up.fn());
    EXPECT_EQ(again.status, lookup_status::hit);
}

TEST(Cache, AFlightCutShortByItsIoContextGoingAwayDoesNotBlockLaterGets) {
    cache c(std::make_shared<memory_store>());
    fake_upstream up;
    up.latency = 10s;
    {
        asio::io_context io;
        std::vector<ending> out(2);
        for (auto& e : out) spawn_get(io.get_executor(), c, run_key, up.fn(), e);
        io.run_for(20ms);
        EXPECT_EQ(up.calls, 1);
    }  // the io_context (and with it the flight's and the waiters' frames) goes first
    up.latency = 0ms;
    asio::io_context io;
    auto later = get_one(io, c, run_key, up.fn(), clock::now() + 5s);
    EXPECT_EQ(later.status, lookup_status::miss);
    EXPECT_EQ(up.calls, 2);
}

TEST(Cache, AWaiterWhoseDeadlinePassesLeavesAloneWithATimeout) {
    cache c(std::make_shared<memory_store>());
    fake_upstream up;
    up.latency = 300ms;
    asio::io_context io;
    std::vector<ending> out(3);
    spawn_get(io.get_executor(), c, run_key, up.fn(), out[0]);
    spawn_get(io.get_executor(), c, run_key, up.fn(), out[1], clock::now() + 30ms);
    spawn_get(io.get_executor(), c, run_key, up.fn(), out[2]);
    io.run();
    ASSERT_TRUE(out[1].value);
    EXPECT_EQ(out[1].value->status, lookup_status::failed);
    EXPECT_EQ(out[1].value->error->kind, http::upstream_error_kind::timeout);
    for (int i : {0, 2}) {
        ASSERT_TRUE(out[std::size_t(i)].value && out[std::size_t(i)].value->ok()) << i;
        EXPECT_EQ(out[std::size_t(i)].value->value->value, "v1");
    }
    EXPECT_EQ(up.calls, 1);
    EXPECT_EQ(up.aborted, 0);
}

TEST(Cache, AFailingFetchFailsEveryWaiterAndTheNextGetTriesAgain) {
    cache c(std::make_shared<memory_store>());
    fake_upstream up;
    up.latency = 50ms;
    up.fail = true;
    asio::io_context io;
    std::vector<ending> out(5);
    for (auto& e : out) spawn_get(io.get_executor(), c, run_key, up.fn(), e);
    io.run();
    EXPECT_EQ(up.calls, 1);
    for (auto& e : out) {
        ASSERT_TRUE(e.value);
        EXPECT_EQ(e.value->status, lookup_status::failed);
        EXPECT_FALSE(e.value->ok());
        EXPECT_EQ(e.value->error->http_status, 503);
    }
    EXPECT_EQ(c.metrics().fetch_failures, 1u);
    up.fail = false;
    // Bounded: a failed flight left behind would make this wait for it forever.
    auto next = get_one(io, c, run_key, up.fn(), clock::now() + 5s);
    EXPECT_EQ(up.calls, 2);
    ASSERT_EQ(next.ok(), next.status != lookup_status::failed);
    ASSERT_EQ(next.status, lookup_status::miss);
    EXPECT_EQ(next.value->value, "v2");
}

TEST(Cache, AThrowingFetchIsAFailureForEveryWaiter) {
    cache c(std::make_shared<memory_store>());
    fake_upstream up;
    up.latency = 20ms;
    up.throw_instead = true;
    asio::io_context io;
    std::vector<ending> out(3);
    for (auto& e : out) spawn_get(io.get_executor(), c, run_key, up.fn(), e);
    io.run();
    for (auto& e : out) {
        ASSERT_TRUE(e.value);
        EXPECT_EQ(e.value->status, lookup_status::failed);
        EXPECT_EQ(e.value->error->kind, http::upstream_error_kind::network);
    }
    EXPECT_EQ(up.calls, 1);
}

TEST(Cache, AnExpiredEntryIsServedStaleWhenUpstreamFailsWithinTheWindowOnly) {
    fake_clock fc;
    cache c(std::make_shared<memory_store>(memory_store_options{1 << 20, fc.fn()}),
            options_with(fc));
    fake_upstream up;
    asio::io_context io;
    ASSERT_EQ(get_one(io, c, run_key, up.fn()).status, lookup_status::miss);
    fc.advance(3s);  // past the 2 s TTL
    up.fail = true;
    auto stale = get_one(io, c, run_key, up.fn());
    ASSERT_EQ(stale.ok(), stale.status != lookup_status::failed);
    ASSERT_EQ(stale.status, lookup_status::stale);
    EXPECT_EQ(stale.value->value, "v1");
    EXPECT_EQ(stale.age, 3s);
    ASSERT_TRUE(stale.error);
    EXPECT_EQ(stale.error->http_status, 503);
    EXPECT_EQ(up.calls, 2);  // upstream was asked: stale only because it failed
    EXPECT_EQ(c.metrics().stale_serves, 1u);

    fc.advance(10min);  // 2 s + 10 min + 1 s after storing: outside the window
    auto gone = get_one(io, c, run_key, up.fn());
    EXPECT_EQ(gone.status, lookup_status::failed);
    EXPECT_FALSE(gone.ok());
}

TEST(Cache, AVendorSayingNotFoundOrRefusingIsNeverHiddenBehindAStaleEntry) {
    fake_clock fc;
    cache c(std::make_shared<memory_store>(memory_store_options{1 << 20, fc.fn()}),
            options_with(fc));
    asio::io_context io;
    fake_upstream up;
    ASSERT_TRUE(get_one(io, c, run_key, up.fn()).ok());
    fc.advance(3s);
    auto refuse = [](connectors::connector_error e) -> fetch_fn {
        return [e]() -> asio::awaitable<fetch_outcome> { co_return fetch_outcome::failure(e); };
    };
    connectors::connector_error bad_request;
    bad_request.kind = http::upstream_error_kind::client;
    bad_request.http_status = 400;
    auto refused = get_one(io, c, run_key, refuse(bad_request));
    EXPECT_EQ(refused.status, lookup_status::failed);
    EXPECT_EQ(refused.error->http_status, 400);

    connectors::connector_error gone;
    gone.kind = http::upstream_error_kind::client;
    gone.http_status = 404;
    gone.not_found = true;
    auto missing = get_one(io, c, run_key, refuse(gone));
    EXPECT_EQ(missing.status, lookup_status::failed);
    EXPECT_TRUE(missing.error->not_found);

    // The entry went with the 404: a vendor outage now has nothing stale to serve.
    up.fail = true;
    EXPECT_EQ(get_one(io, c, run_key, up.fn()).status, lookup_status::failed);
    EXPECT_EQ(c.metrics().stale_serves, 0u);
}

TEST(Cache, AnExpiredEntryIsReplacedWhenUpstreamAnswers) {
    fake_clock fc;
    cache c(std::make_shared<memory_store>(memory_store_options{1 << 20, fc.fn()}),
            options_with(fc));
    fake_upstream up;
    asio::io_context io;
    auto first = get_one(io, c, run_key, up.fn());
    ASSERT_TRUE(first.ok());
    fc.advance(3s);
    auto second = get_one(io, c, run_key, up.fn());
    ASSERT_EQ(second.ok(), second.status != lookup_status::failed);
    ASSERT_EQ(second.status, lookup_status::miss);
    EXPECT_EQ(second.value->value, "v2");
    EXPECT_NE(second.value->etag, first.value->etag);
    EXPECT_EQ(second.age, 0s);
}

TEST(Cache, TtlByRunStateDecidesWhenUpstreamIsAskedAgain) {
    fake_clock fc;
    cache c(std::make_shared<memory_store>(memory_store_options{1 << 20, fc.fn()}),
            options_with(fc));
    asio::io_context io;
    fake_upstream running, done;
    running.ttl = c.policy().run_ttl("zof", false);
    done.ttl = c.policy().run_ttl("zof", true);
    auto running_key = cache_key::for_run("zof", "running");
    auto done_key = cache_key::for_run("zof", "done");
    get_one(io, c, running_key, running.fn());
    get_one(io, c, done_key, done.fn());
    fc.advance(1999ms);
    EXPECT_EQ(get_one(io, c, running_key, running.fn()).status, lookup_status::hit);
    fc.advance(1ms);  // 2 s: the running run is due again, the terminal one is not
    EXPECT_EQ(get_one(io, c, running_key, running.fn()).status, lookup_status::miss);
    EXPECT_EQ(get_one(io, c, done_key, done.fn()).status, lookup_status::hit);
    fc.advance(1h);
    EXPECT_EQ(get_one(io, c, done_key, done.fn()).status, lookup_status::miss);
    EXPECT_EQ(running.calls, 2);
    EXPECT_EQ(done.calls, 2);
}

TEST(Cache, ADeadlineAlreadyPastServesStaleWithoutAsking) {
    fake_clock fc;
    cache c(std::make_shared<memory_store>(memory_store_options{1 << 20, fc.fn()}),
            options_with(fc));
    fake_upstream up;
    asio::io_context io;
    get_one(io, c, run_key, up.fn());
    fc.advance(5s);
    ending out;
    spawn_get(io.get_executor(), c, run_key, up.fn(), out, clock::now() - 1ms);
    io.restart();
    io.run();
    ASSERT_TRUE(out.value);
    EXPECT_EQ(out.value->status, lookup_status::stale);
    EXPECT_EQ(out.value->error->kind, http::upstream_error_kind::timeout);
    EXPECT_EQ(up.calls, 1);
}

}  // namespace
}  // namespace runhub::cache

namespace runhub::cache {
namespace {

// prefer_stale (the source's budget is spent): an expired entry within its window is answered
// at once, marked stale (throttled), while one background flight refreshes it; with nothing
// servable the caller waits for the fetch as usual.
TEST(Cache, PreferStaleAnswersTheExpiredEntryAtOnceAndRefreshesBehind) {
    fake_clock fc;
    cache c(std::make_shared<memory_store>(memory_store_options{1 << 20, fc.fn()}),
            options_with(fc));
    fake_upstream up;
    asio::io_context io;
    auto first = get_one(io, c, run_key, up.fn());
    ASSERT_EQ(first.status, lookup_status::miss);
    fc.advance(3s);  // expired, within the stale window
    up.latency = 200ms;

    ending out;
    auto task = c.get(run_key, up.fn(), clock::time_point::max(), true);
    asio::co_spawn(io, std::move(task), [&](std::exception_ptr e, lookup l) {
        if (e)
            out.error = e;
        else
            out.value = std::move(l);
    });
    io.restart();
    // The answer comes before the 200 ms fetch ends: run only until it is there.
    const auto t0 = std::chrono::steady_clock::now();
    while (!out.value && !out.error && std::chrono::steady_clock::now() - t0 < 2s) io.run_one();
    ASSERT_TRUE(out.value);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 150ms);
    EXPECT_EQ(out.value->status, lookup_status::stale);
    EXPECT_EQ(out.value->value->value, "v1");
    ASSERT_TRUE(out.value->error);
    EXPECT_EQ(out.value->error->kind, http::upstream_error_kind::throttled);
    EXPECT_EQ(up.calls, 1 + 1);  // the refresh is out

    io.run();  // the refresh ends and is stored
    EXPECT_EQ(up.completed, 2);
    auto hit = get_one(io, c, run_key, up.fn());
    EXPECT_EQ(hit.status, lookup_status::hit);
    EXPECT_EQ(hit.value->value, "v2");
    EXPECT_EQ(up.calls, 2);

    // Nothing servable: prefer_stale changes nothing, the caller waits for the fetch.
    const auto other = cache_key::for_run("zof", "43");
    ending waited;
    auto task2 = c.get(other, up.fn(), clock::time_point::max(), true);
    asio::co_spawn(io, std::move(task2), [&](std::exception_ptr e, lookup l) {
        if (e)
            waited.error = e;
        else
            waited.value = std::move(l);
    });
    io.restart();
    io.run();
    ASSERT_TRUE(waited.value);
    EXPECT_EQ(waited.value->status, lookup_status::miss);
}

}  // namespace
}  // namespace runhub::cache
