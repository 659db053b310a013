#include "cache/memory_store.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <random>
#include <thread>

namespace runhub::cache {
namespace {
using namespace std::chrono_literals;

struct fake_clock {
    time_point t{std::chrono::seconds(1'700'000'000)};
    clock_fn fn() {
        return [this] { return t; };
    }
};

std::shared_ptr<const entry> value_of(std::size_t n, const fake_clock& c, char fill = 'x') {
    return make_entry(std::string(n, fill), c.t, 1h, 10min);
}

cache_key key(int i) { return cache_key::for_run("zof", "run-" + std::to_string(i)); }

TEST(MemoryStore, LeastRecentlyUsedIsEvictedFirst) {
    fake_clock c;
    auto one = memory_store::charge(key(1).str(), *value_of(100, c));
    memory_store s({3 * one, c.fn()});  // room for exactly three
    s.insert(key(1), value_of(100, c));
    s.insert(key(2), value_of(100, c));
    s.insert(key(3), value_of(100, c));
    ASSERT_TRUE(s.find(key(1)));  // 1 is now the most recent; 2 the least
    EXPECT_EQ(s.keys_by_recency(),
              (std::vector<std::string>{key(1).str(), key(3).str(), key(2).str()}));
    s.insert(key(4), value_of(100, c));
    EXPECT_FALSE(s.find(key(2)));
    EXPECT_TRUE(s.find(key(1)));
    EXPECT_TRUE(s.find(key(3)));
    EXPECT_TRUE(s.find(key(4)));
    EXPECT_EQ(s.stats().evictions, 1u);
    EXPECT_EQ(s.stats().entries, 3u);
    EXPECT_EQ(s.stats().bytes, 3 * one);
}

TEST(MemoryStore, AFloodOfDistinctEntriesStaysWithinTheByteBound) {
    fake_clock c;
    const std::size_t bound = 256 * 1024;
    memory_store s({bound, c.fn()});
    std::mt19937 rng(7);
    std::uniform_int_distribution<std::size_t> size(0, 8000);
    const int n = 20'000;
    std::vector<std::size_t> charges;
    for (int i = 0; i < n; ++i) {
        auto e = value_of(size(rng), c);
        charges.push_back(memory_store::charge(key(i).str(), *e));
        s.insert(key(i), std::move(e));
        ASSERT_LE(s.stats().bytes, bound) << "after " << i;
    }
    auto st = s.stats();
    EXPECT_EQ(st.evictions + st.entries, std::uint64_t(n));
    EXPECT_GT(st.entries, 10u);
    // What is left is exactly the newest entries, and the bytes are exactly theirs.
    std::size_t expect_bytes = 0;
    for (int i = n - 1; i >= n - int(st.entries); --i) {
        EXPECT_TRUE(s.find(key(i))) << i;
        expect_bytes += charges[std::size_t(i)];
    }
    EXPECT_FALSE(s.find(key(n - int(st.entries) - 1)));
    EXPECT_EQ(st.bytes, expect_bytes);
    // Filled: the next-oldest entry would not have fit.
    EXPECT_GT(expect_bytes + charges[std::size_t(n - int(st.entries) - 1)], bound);
}

TEST(MemoryStore, ChargeCountsKeyValueEtagAndOverhead) {
    fake_clock c;
    auto e = value_of(1000, c);
    auto k = key(1);
    EXPECT_EQ(memory_store::charge(k.str(), *e), memory_store::heap_bytes(k.str().size()) +
                                                     memory_store::heap_bytes(e->value.capacity()) +
                                                     memory_store::heap_bytes(e->etag.capacity()) +
                                                     memory_store::entry_overhead);
}

TEST(MemoryStore, ReplacingAKeyReplacesItsBytes) {
    fake_clock c;
    memory_store s({1 << 20, c.fn()});
    s.insert(key(1), value_of(1000, c));
    s.insert(key(1), value_of(10, c, 'y'));
    auto st = s.stats();
    EXPECT_EQ(st.entries, 1u);
    EXPECT_EQ(st.bytes, memory_store::charge(key(1).str(), *value_of(10, c, 'y')));
    EXPECT_EQ(s.find(key(1))->value, std::string(10, 'y'));
    EXPECT_TRUE(s.remove(key(1)));
    EXPECT_EQ(s.stats().bytes, 0u);
    EXPECT_FALSE(s.remove(key(1)));
}

TEST(MemoryStore, AnEntryLargerThanTheBoundIsNotStoredAndDropsTheOldOne) {
    fake_clock c;
    memory_store s({4096, c.fn()});
    s.insert(key(1), value_of(100, c));
    s.insert(key(1), value_of(5000, c));
    EXPECT_FALSE(s.find(key(1)));  // the old value is outdated: never served after a newer put
    EXPECT_EQ(s.stats().rejected, 1u);
    EXPECT_EQ(s.stats().bytes, 0u);
}

TEST(MemoryStore, EntriesPastTheirStaleWindowAreDropped) {
    fake_clock c;
    memory_store s({1 << 20, c.fn()});
    s.insert(key(1), make_entry("v", c.t, 2s, 10min));
    c.t += 2s;  // expired, within the stale window: still held (served only as stale)
    ASSERT_TRUE(s.find(key(1)));
    c.t += 10min;
    EXPECT_FALSE(s.find(key(1)));
    EXPECT_EQ(s.stats().expirations, 1u);
    EXPECT_EQ(s.stats().entries, 0u);
    EXPECT_EQ(s.stats().bytes, 0u);
}

TEST(MemoryStore, CoroutineInterfaceMatchesTheSynchronousOne) {
    fake_clock c;
    memory_store s({1 << 20, c.fn()});
    boost::asio::io_context io;
    auto k = key(1);
    auto task = [&]() -> boost::asio::awaitable<std::string> {
        auto put = s.put(k, make_entry("hello", c.t, 2s, 10min));
        co_await std::move(put);
        auto get = s.get(k);
        auto e = co_await std::move(get);
        auto erase = s.erase(k);
        co_await std::move(erase);
        auto again = s.get(k);
        auto gone = co_await std::move(again);
        co_return gone ? std::string("still there") : e->value;
    };
    auto fut = boost::asio::co_spawn(io, task, boost::asio::use_future);
    io.run();
    EXPECT_EQ(fut.get(), "hello");
}

TEST(MemoryStore, ConcurrentUseKeepsTheBoundAndTheBooks) {
    memory_store s({64 * 1024});
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&s, t] {
            std::mt19937 rng(t);
            for (int i = 0; i < 5000; ++i) {
                auto k = key(int(rng() % 500));
                if (rng() % 2) {
                    s.insert(k, make_entry(std::string(rng() % 2000, 'z'), system_now(), 1h, 1h));
                } else if (auto e = s.find(k)) {
                    ASSERT_EQ(e->etag, make_etag(e->value));
                }
            }
        });
    }
    for (auto& th : threads) th.join();
    auto st = s.stats();
    EXPECT_LE(st.bytes, 64u * 1024u);
    std::size_t sum = 0;
    for (const auto& k : s.keys_by_recency()) {
        auto parsed = parse_key(k);
        ASSERT_TRUE(parsed);
        auto e = s.find(cache_key::for_run(parsed->fields[0], parsed->fields[1]));
        ASSERT_TRUE(e);
        sum += memory_store::charge(k, *e);
    }
    EXPECT_EQ(sum, st.bytes);
}

}  // namespace
}  // namespace runhub::cache
