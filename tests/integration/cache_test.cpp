// The run-state cache through `runhub serve --sandbox`, with the sandbox's own request counts
// as the proof: one upstream call for 200 concurrent identical gets, lifetimes by run state,
// stale answers while the vendor fails (marked, with Cache-Status and Age), ETag/304, and the
// byte bound under a flood of distinct runs.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <mutex>
#include <set>
#include <thread>

#include "common/sandboxed_facade.hpp"

using namespace runhub;
using namespace std::chrono_literals;

namespace {

constexpr const char* cache_key_for_tests = "cache-test-key";

struct facade : test::sandboxed_facade {
    explicit facade(const std::string& cache_json)
        : test::sandboxed_facade(cache_key_for_tests, {}, {}, R"({"cache": )" + cache_json + "}") {}

    // The Zof emulator's count of one route ("GET /v1/runs/{id}").
    std::uint64_t zof_calls(const std::string& route) {
        auto r = test::sandbox_request(ca_file(), "GET", vendor_base("zof") + "/_sandbox/stats");
        auto stats = boost::json::parse(r.body);
        const auto* n = stats.at("by_route").as_object().if_contains(route);
        return n ? n->to_number<std::uint64_t>() : 0;
    }
    // Zof run ids (facade ids) of the first page, by status.
    std::vector<std::string> zof_ids(test::http_client& c, const std::string& status) {
        std::vector<std::string> ids;
        auto page = get_json(c, "/v1/runs?limit=200&source=zof&status=" + status, 200);
        for (const auto& r : page.at("data").as_array()) ids.emplace_back(r.at("id").as_string());
        return ids;
    }
    std::uint64_t metric(test::http_client& c, const std::string& name) {
        auto text = c.request("GET", "/metrics").body;
        auto at = text.find("\n" + name + " ");
        if (at == std::string::npos) return 0;
        return std::stoull(text.substr(at + name.size() + 2));
    }
};

constexpr const char* get_route = "GET /v1/runs/{id}";

}  // namespace

TEST(Cache, TwoHundredConcurrentIdenticalGetsCostOneUpstreamCall) {
    facade f("{}");
    ASSERT_NE(f.port(), 0) << f.process().err();
    test::http_client c(f.port());
    auto ids = f.zof_ids(c, "passed");
    ASSERT_FALSE(ids.empty());
    const std::string target = "/v1/runs/" + ids.front();
    // Slow Zof down so that every request arrives while the first upstream call is out.
    test::set_faults(f, "zof", R"({"latency_ms": 1500})");
    const auto before = f.zof_calls(get_route);

    std::mutex mu;
    std::set<std::string> bodies;
    int ok = 0;
    std::vector<std::thread> callers;
    for (int i = 0; i < 200; ++i)
        callers.emplace_back([&] {
            test::http_client mine(f.port());
            auto r = mine.request("GET", target,
                                  {{"Authorization", std::string("Bearer ") + cache_key_for_tests}},
                                  "", 30s);
            std::lock_guard lock(mu);
            ok += r.status == 200;
            bodies.insert(r.body);
        });
    for (auto& t : callers) t.join();
    EXPECT_EQ(ok, 200);
    EXPECT_EQ(bodies.size(), 1u);
    EXPECT_EQ(f.zof_calls(get_route) - before, 1u);
    EXPECT_GE(f.metric(c, "runhub_cache_coalesced_waits_total"), 150u);
}

TEST(Cache, LifetimesFollowTheRunsState) {
    facade f(R"({"active_run_ttl_ms": 400})");  // terminal runs: the default hour
    ASSERT_NE(f.port(), 0) << f.process().err();
    test::http_client c(f.port());
    auto done = f.zof_ids(c, "failed");
    auto running = f.zof_ids(c, "running");
    ASSERT_FALSE(done.empty() || running.empty());
    const auto base = f.zof_calls(get_route);
    for (int i = 0; i < 3; ++i) {
        f.get_json(c, "/v1/runs/" + done.front(), 200);
        f.get_json(c, "/v1/runs/" + running.front(), 200);
    }
    EXPECT_EQ(f.zof_calls(get_route) - base, 2u);  // one each, then hits
    std::this_thread::sleep_for(600ms);
    f.get_json(c, "/v1/runs/" + done.front(), 200);     // still fresh
    f.get_json(c, "/v1/runs/" + running.front(), 200);  // expired: asked again
    EXPECT_EQ(f.zof_calls(get_route) - base, 3u);
}

TEST(Cache, AFailingVendorIsAnsweredStaleWithinTheWindowThenFails) {
    facade f(R"({"terminal_run_ttl_ms": 200, "list_page_ttl_ms": 200, "stale_window_ms": 3000})");
    ASSERT_NE(f.port(), 0) << f.process().err();
    test::http_client c(f.port());
    auto ids = f.zof_ids(c, "passed");  // caches the first zof page
    ASSERT_FALSE(ids.empty());
    const std::string target = "/v1/runs/" + ids.front();
    auto fresh =
        c.request("GET", target, {{"Authorization", std::string("Bearer ") + cache_key_for_tests}});
    ASSERT_EQ(fresh.status, 200);
    EXPECT_EQ(fresh.header("cache-status"), "runhub; fwd=miss; stored");

    test::set_faults(f, "zof", R"({"error_rate": 1})");
    std::this_thread::sleep_for(1200ms);
    auto stale =
        c.request("GET", target, {{"Authorization", std::string("Bearer ") + cache_key_for_tests}});
    EXPECT_EQ(stale.status, 200) << stale.body;
    EXPECT_EQ(stale.body, fresh.body);
    EXPECT_NE(stale.header("cache-status").find("fwd=stale"), std::string::npos)
        << stale.header("cache-status");
    EXPECT_NE(stale.header("cache-status").find("fwd-status=500"), std::string::npos);
    ASSERT_FALSE(stale.header("age").empty());
    EXPECT_GE(std::stoi(stale.header("age")), 1);

    auto page = f.get_json(c, "/v1/runs?limit=200&source=zof&status=passed", 200);
    ASSERT_EQ(page.at("sources").as_array().size(), 1u);
    EXPECT_EQ(page.at("sources").as_array()[0].at("status"), "stale");
    EXPECT_EQ(page.at("sources").as_array()[0].at("error").at("kind"), "server");
    EXPECT_EQ(page.at("data").as_array().size(), ids.size());

    // Past the stale window the failure shows.
    std::this_thread::sleep_for(2500ms);
    f.get_json(c, target, 502);
    EXPECT_GE(f.metric(c, "runhub_cache_stale_serves_total"), 2u);
}

TEST(Cache, ETagsAndIfNoneMatch) {
    facade f("{}");
    ASSERT_NE(f.port(), 0) << f.process().err();
    test::http_client c(f.port());
    const std::string auth = std::string("Bearer ") + cache_key_for_tests;
    for (std::string target : {"/v1/runs?limit=5", "/v1/runs?limit=5&source=zof"}) {
        auto first = c.request("GET", target, {{"Authorization", auth}});
        ASSERT_EQ(first.status, 200);
        auto etag = first.header("etag");
        ASSERT_EQ(etag.size(), 24u) << etag;  // a quoted 22-character tag
        auto again = c.request("GET", target, {{"Authorization", auth}, {"If-None-Match", etag}});
        EXPECT_EQ(again.status, 304) << target;
        EXPECT_TRUE(again.body.empty());
        EXPECT_EQ(again.header("etag"), etag);
        auto weak = c.request("GET", target,
                              {{"Authorization", auth}, {"If-None-Match", "\"x\", W/" + etag}});
        EXPECT_EQ(weak.status, 304);
        auto other =
            c.request("GET", target, {{"Authorization", auth}, {"If-None-Match", "\"x\""}});
        EXPECT_EQ(other.status, 200);
        EXPECT_EQ(other.body, first.body);
    }
    // Another representation, another tag.
    auto id =
        std::string(f.get_json(c, "/v1/runs?limit=1", 200).at("data").at(0).at("id").as_string());
    auto plain = c.request("GET", "/v1/runs/" + id, {{"Authorization", auth}});
    auto raw = c.request("GET", "/v1/runs/" + id + "?include=raw", {{"Authorization", auth}});
    EXPECT_NE(plain.header("etag"), raw.header("etag"));
}

TEST(Cache, TheByteBoundHoldsUnderAFloodOfDistinctRuns) {
    facade f(R"({"max_bytes": 1048576})");
    ASSERT_NE(f.port(), 0) << f.process().err();
    test::http_client c(f.port());
    // Every run of every source, one get each, with its vendor object: far more than 1 MiB.
    auto all = f.walk(c, "limit=200");
    ASSERT_GT(all.size(), 800u);
    for (const auto& r : all)
        f.get_json(c, "/v1/runs/" + std::string(r.at("id").as_string()) + "?include=raw", 200);
    EXPECT_LE(f.metric(c, "runhub_cache_bytes"), 1048576u);
    EXPECT_GT(f.metric(c, "runhub_cache_bytes"), 512u * 1024u);
    EXPECT_GT(f.metric(c, "runhub_cache_evictions_total"), 100u);
}
