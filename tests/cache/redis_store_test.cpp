// The Redis store and the memory+Redis tiers against a real redis-server, started here on a
// free loopback port (no persistence) and stopped by its PID: entries shared by two "replicas",
// expiry by PX, untrusted values, and Redis killed, stalled and restarted under the store with
// every operation going on from memory within its deadline.
#include "cache/redis_store.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_future.hpp>
#include <memory>
#include <mutex>
#include <thread>

#include "cache/store_factory.hpp"
#include "cache/tiered_store.hpp"
#include "common/process.hpp"

namespace runhub::cache {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

std::uint16_t free_port() {
    asio::io_context io;
    asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
    return a.local_endpoint().port();
}

// A redis-server of this test's own, on loopback, without persistence.
class redis_server {
  public:
    redis_server() : port_(free_port()) { start(); }

    void start() {
        p_ = std::make_unique<test::child_process>(
            std::vector<std::string>{"/usr/bin/redis-server", "--port", std::to_string(port_),
                                     "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"});
        ready_ = p_->wait_for_output("Ready to accept connections", 10s).has_value();
    }
    void kill() {
        p_->signal(SIGKILL);
        p_->wait(5s);
    }
    void pause() { p_->signal(SIGSTOP); }
    void resume() { p_->signal(SIGCONT); }

    // redis-cli's answer to one command (trimmed).
    std::string cli(std::vector<std::string> args) const {
        std::vector<std::string> argv{"/usr/bin/redis-cli", "-p", std::to_string(port_)};
        argv.insert(argv.end(), args.begin(), args.end());
        auto out = test::run_process(argv, 10s).second;
        while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
        return out;
    }

    bool ready() const { return ready_; }
    std::uint16_t port() const { return port_; }
    std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

  private:
    std::uint16_t port_;
    bool ready_ = false;
    std::unique_ptr<test::child_process> p_;
};

// The default logger's lines while alive.
class captured_log : public spdlog::sinks::base_sink<std::mutex> {
  public:
    int count(std::string_view needle, spdlog::level::level_enum level) {
        std::lock_guard lock(mutex_);
        int n = 0;
        for (const auto& [l, text] : lines_) n += l == level && text.find(needle) != text.npos;
        return n;
    }
    std::string all() {
        std::lock_guard lock(mutex_);
        std::string out;
        for (const auto& [l, text] : lines_) out += text + "\n";
        return out;
    }

  protected:
    void sink_it_(const spdlog::details::log_msg& m) override {
        lines_.emplace_back(m.level, std::string(m.payload.data(), m.payload.size()));
    }
    void flush_() override {}

  private:
    std::vector<std::pair<spdlog::level::level_enum, std::string>> lines_;
};

class RedisStoreTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(server.ready()) << "redis-server did not start";
        previous_logger = spdlog::default_logger();
        auto logger = std::make_shared<spdlog::logger>("redis-test", log);
        logger->set_level(spdlog::level::info);
        spdlog::set_default_logger(logger);
        for (int i = 0; i < 2; ++i) threads.emplace_back([this] { io.run(); });
    }
    void TearDown() override {
        replicas.clear();
        std::this_thread::sleep_for(50ms);  // their stop() runs
        work.reset();
        io.stop();
        for (auto& t : threads) t.join();
        spdlog::set_default_logger(previous_logger);
    }

    redis_store_options options() const {
        redis_store_options o;
        o.connection.endpoint = *parse_redis_url(server.url());
        o.connection.connect_timeout = 200ms;
        o.connection.backoff_min = 20ms;
        o.connection.backoff_max = 200ms;
        o.connection.stall_timeout = 300ms;
        o.get_timeout = 50ms;
        o.put_timeout = 50ms;
        return o;
    }
    // A "replica": its own memory store in front of its own connection to the shared server.
    tiered_store& replica() {
        auto redis = std::make_shared<redis_store>(io, options());
        replicas.push_back(
            std::make_shared<tiered_store>(std::make_shared<memory_store>(), std::move(redis)));
        return *replicas.back();
    }
    bool wait_up(tiered_store& s, std::chrono::milliseconds limit = 5s) {
        auto until = steady::now() + limit;
        while (!s.redis().up() && steady::now() < until) std::this_thread::sleep_for(5ms);
        return s.redis().up();
    }

    // Runs `a` on the io threads; fails (instead of hanging) past `limit`.
    template <class T>
    T run(asio::awaitable<T> a, std::chrono::milliseconds limit = 3s) {
        auto fut = asio::co_spawn(io, std::move(a), asio::use_future);
        if (fut.wait_for(limit) != std::future_status::ready) {
            ADD_FAILURE() << "a store operation hung past " << limit.count() << " ms";
            std::abort();  // the coroutine still references this frame
        }
        return fut.get();
    }
    std::shared_ptr<const entry> get(tiered_store& s, const cache_key& k) { return run(s.get(k)); }
    void put(tiered_store& s, const cache_key& k, std::shared_ptr<const entry> e) {
        run(s.put(k, std::move(e)));
    }

    redis_server server;
    std::shared_ptr<captured_log> log = std::make_shared<captured_log>();
    std::shared_ptr<spdlog::logger> previous_logger;
    asio::io_context io;
    asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
    std::vector<std::thread> threads;
    std::vector<std::shared_ptr<tiered_store>> replicas;
};

std::int64_t ms_of(time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

void expect_same(const entry& a, const entry& b) {
    EXPECT_EQ(a.value, b.value);
    EXPECT_EQ(a.etag, b.etag);
    EXPECT_EQ(ms_of(a.stored_at), ms_of(b.stored_at));
    EXPECT_EQ(ms_of(a.fresh_until), ms_of(b.fresh_until));
    EXPECT_EQ(ms_of(a.stale_until), ms_of(b.stale_until));
}

TEST(RedisEntryCodec, RoundTripsAndRejectsWhatIsNotAnEntry) {
    auto e = make_entry(std::string("{\"id\":\"zof:1\"}\0bin", 18), system_now(), 2s, 10min);
    auto blob = redis_store::encode(*e);
    auto back = redis_store::decode(blob);
    ASSERT_TRUE(back);
    expect_same(*back, *e);

    EXPECT_FALSE(redis_store::decode(""));
    EXPECT_FALSE(redis_store::decode("garbage"));
    EXPECT_FALSE(redis_store::decode(blob.substr(0, 20)));  // truncated header
    EXPECT_FALSE(redis_store::decode(blob.substr(0, 30)));  // truncated ETag
    auto wrong_magic = blob;
    wrong_magic[3] = '2';
    EXPECT_FALSE(redis_store::decode(wrong_magic));
    auto other_value = blob;
    other_value.back() ^= 1;  // the bytes no longer have the ETag stored with them
    EXPECT_FALSE(redis_store::decode(other_value));
    auto short_value = blob.substr(0, blob.size() - 1);
    EXPECT_FALSE(redis_store::decode(short_value));
    auto reordered = *e;
    reordered.stale_until = reordered.stored_at - 1s;  // instants out of order
    EXPECT_FALSE(redis_store::decode(redis_store::encode(reordered)));
}

// An entry stored untagged (a list page) is tagged as it goes to Redis: the blob still carries
// the check its reader makes, and reads back as the same bytes.
TEST(RedisEntryCodec, AnUntaggedEntryIsTaggedInTheBlob) {
    // The blob keeps instants to the millisecond.
    const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(system_now());
    auto e = make_entry("{\"runs\":[],\"next\":null}", now, 2s, 10min, {}, false);
    ASSERT_TRUE(e->etag.empty());
    auto back = redis_store::decode(redis_store::encode(*e));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->value, e->value);
    EXPECT_EQ(back->etag, make_etag(e->value));
    EXPECT_EQ(back->stale_until, e->stale_until);
}

TEST(RedisUrl, HostPortAndDatabase) {
    auto a = parse_redis_url("redis://127.0.0.1:6380/2");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->host, "127.0.0.1");
    EXPECT_EQ(a->port, 6380);
    EXPECT_EQ(a->db, 2);
    auto b = parse_redis_url("redis://cache.internal");
    ASSERT_TRUE(b);
    EXPECT_EQ(b->port, 6379);
    EXPECT_EQ(b->db, 0);
    std::string why;
    EXPECT_FALSE(parse_redis_url("http://x:1", &why));
    EXPECT_FALSE(parse_redis_url("redis://:secret@x:1", &why));
    EXPECT_FALSE(parse_redis_url("redis://x:1/db", &why));
    EXPECT_FALSE(parse_redis_url("redis://", &why));
    config::cache_settings s;
    s.backend = "redis";
    s.redis_url = "redis://x:1/zero";
    EXPECT_TRUE(check_store_settings(s));
    s.redis_url = "redis://x:1/0";
    EXPECT_FALSE(check_store_settings(s));
}

TEST_F(RedisStoreTest, AnEntryOneReplicaPutIsReadByAnother) {
    auto& a = replica();
    auto& b = replica();
    ASSERT_TRUE(wait_up(a) && wait_up(b));
    const auto k = cache_key::for_run("zof", "42");
    auto e = make_entry("{\"id\":\"zof:42\"}", system_now(), 1h, 10min);
    put(a, k, e);

    auto got = get(b, k);
    ASSERT_TRUE(got) << "B did not see A's entry through Redis";
    expect_same(*got, *e);
    EXPECT_EQ(b.memory().stats().entries, 1u) << "a Redis hit is copied into memory";
    auto pttl = std::stoll(server.cli({"PTTL", "runhub:" + k.str()}));
    EXPECT_GT(pttl, (1h + 10min - 5s) / 1ms);
    EXPECT_LE(pttl, (1h + 10min) / 1ms);
    EXPECT_EQ(a.stats().redis_errors + b.stats().redis_errors, 0u);
    EXPECT_TRUE(a.stats().redis && a.stats().redis_up);

    // An entry another replica refreshed in Redis replaces a memory copy that is no longer fresh.
    const auto k2 = cache_key::for_run("zof", "43");
    put(b, k2, make_entry("old", system_now() - 2s, 1s, 10min));  // B holds it, expired
    auto newer = make_entry("new", system_now(), 1h, 10min);
    put(a, k2, newer);
    auto seen = get(b, k2);
    ASSERT_TRUE(seen);
    EXPECT_EQ(seen->value, "new");

    run(a.erase(k));
    EXPECT_EQ(server.cli({"EXISTS", "runhub:" + k.str()}), "0");
}

TEST_F(RedisStoreTest, RedisDropsAnEntryAtItsStaleUntil) {
    auto& a = replica();
    auto& b = replica();
    ASSERT_TRUE(wait_up(a) && wait_up(b));
    const auto k = cache_key::for_run("zof", "short");
    put(a, k, make_entry("v", system_now(), 100ms, 200ms));  // servable 300 ms
    auto pttl = std::stoll(server.cli({"PTTL", "runhub:" + k.str()}));
    EXPECT_GT(pttl, 0);
    EXPECT_LE(pttl, 300);
    std::this_thread::sleep_for(600ms);
    EXPECT_EQ(server.cli({"EXISTS", "runhub:" + k.str()}), "0") << "Redis kept a dead entry";
    EXPECT_FALSE(get(b, k));
}

TEST_F(RedisStoreTest, WhatIsNotARunhubEntryInRedisIsAMiss) {
    auto& a = replica();
    ASSERT_TRUE(wait_up(a));
    const auto garbage = cache_key::for_run("zof", "garbage");
    const auto tampered = cache_key::for_run("zof", "tampered");
    const auto wrong_type = cache_key::for_run("zof", "list");
    EXPECT_EQ(server.cli({"SET", "runhub:" + garbage.str(), "{\"id\":\"zof:1\"}"}), "OK");
    auto blob = redis_store::encode(*make_entry("{\"ok\":true}", system_now(), 1h, 1h));
    blob.back() = 'X';
    // The blob is binary: written with the store's own connection rather than redis-cli.
    std::vector<std::string> args{"SET", "runhub:" + tampered.str(), blob};
    ASSERT_TRUE(run(a.redis().connection().command(args, steady::now() + 1s)).ok());
    EXPECT_EQ(server.cli({"RPUSH", "runhub:" + wrong_type.str(), "x"}), "1");

    EXPECT_FALSE(get(a, garbage));
    EXPECT_FALSE(get(a, tampered));
    EXPECT_FALSE(get(a, wrong_type));  // WRONGTYPE: an error answer, a miss too
    EXPECT_EQ(a.redis().malformed(), 2u);
    EXPECT_EQ(a.stats().redis_errors, 1u);
    EXPECT_EQ(a.memory().stats().entries, 0u);
    EXPECT_EQ(log->count("no runhub entry", spdlog::level::warn), 1) << log->all();
}

TEST_F(RedisStoreTest, RedisKilledThenRestarted) {
    auto& a = replica();
    auto& b = replica();
    ASSERT_TRUE(wait_up(a) && wait_up(b));
    const auto k = cache_key::for_run("zof", "1");
    auto e = make_entry("one", system_now(), 1h, 10min);
    put(a, k, e);

    server.kill();
    // Every operation goes on, from memory, within its deadline, and throws nothing.
    for (int i = 0; i < 40; ++i) {
        auto t0 = steady::now();
        auto got = get(a, k);
        ASSERT_TRUE(got);
        EXPECT_EQ(got->value, "one");
        const auto ki = cache_key::for_run("zof", "n" + std::to_string(i));
        put(a, ki, make_entry("n", system_now(), 1h, 10min));
        EXPECT_TRUE(get(a, ki)) << "memory holds what was put while Redis is down";
        EXPECT_FALSE(get(b, ki));  // B cannot see it, and does not fail either
        run(a.erase(ki));
        EXPECT_LT(steady::now() - t0, 400ms) << "round " << i;
        std::this_thread::sleep_for(20ms);  // several reconnection attempts happen meanwhile
    }
    EXPECT_FALSE(a.redis().up());
    EXPECT_FALSE(a.stats().redis_up);
    EXPECT_GE(a.stats().redis_errors, 40u);
    EXPECT_GE(b.stats().redis_errors, 40u);
    // One warning per store for the whole outage, however many attempts failed.
    EXPECT_EQ(log->count("unavailable", spdlog::level::warn), 2) << log->all();
    EXPECT_EQ(a.redis().connection().outages(), 1u);

    server.start();
    ASSERT_TRUE(server.ready());
    ASSERT_TRUE(wait_up(a) && wait_up(b)) << log->all();
    EXPECT_EQ(log->count("recovered", spdlog::level::warn), 2) << log->all();
    const auto k2 = cache_key::for_run("zof", "2");
    put(a, k2, make_entry("two", system_now(), 1h, 10min));
    auto got = get(b, k2);
    ASSERT_TRUE(got) << "the shared store works again";
    EXPECT_EQ(got->value, "two");
    EXPECT_EQ(log->count("unavailable", spdlog::level::warn), 2);
}

TEST_F(RedisStoreTest, AStalledRedisCostsAnOperationAtMostItsTimeout) {
    auto& a = replica();
    ASSERT_TRUE(wait_up(a));
    const auto k = cache_key::for_run("zof", "1");
    put(a, k, make_entry("one", system_now(), 1h, 10min));
    const auto absent = cache_key::for_run("zof", "absent");

    server.pause();  // the socket stays open; nothing answers
    for (int i = 0; i < 5; ++i) {
        auto t0 = steady::now();
        EXPECT_FALSE(get(a, absent));                           // asks Redis: cut at get_timeout
        put(a, k, make_entry("one", system_now(), 1h, 10min));  // cut at put_timeout
        EXPECT_TRUE(get(a, k));                                 // memory
        EXPECT_LT(steady::now() - t0, 300ms) << "round " << i;
    }
    // Past stall_timeout the connection is declared down: operations no longer wait at all.
    std::this_thread::sleep_for(400ms);
    EXPECT_FALSE(a.redis().up());
    auto t0 = steady::now();
    for (int i = 0; i < 20; ++i) EXPECT_FALSE(get(a, absent));
    EXPECT_LT(steady::now() - t0, 200ms);
    EXPECT_GE(a.stats().redis_errors, 30u);
    EXPECT_EQ(log->count("unavailable", spdlog::level::warn), 1) << log->all();

    server.resume();
    ASSERT_TRUE(wait_up(a)) << log->all();
    EXPECT_EQ(log->count("recovered", spdlog::level::warn), 1);
    EXPECT_TRUE(get(a, k));
}

TEST_F(RedisStoreTest, SelectsTheDatabaseOfTheUrl) {
    auto o = options();
    o.connection.endpoint.db = 3;
    auto s = std::make_shared<redis_store>(io, o);
    auto until = steady::now() + 5s;
    while (!s->up() && steady::now() < until) std::this_thread::sleep_for(5ms);
    ASSERT_TRUE(s->up());
    const auto k = cache_key::for_run("zof", "db");
    run(s->put(k, make_entry("v", system_now(), 1h, 1h)));
    EXPECT_EQ(server.cli({"-n", "3", "EXISTS", "runhub:" + k.str()}), "1");
    EXPECT_EQ(server.cli({"-n", "0", "EXISTS", "runhub:" + k.str()}), "0");
    s.reset();
}

}  // namespace
}  // namespace runhub::cache
