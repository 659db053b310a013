// Inbound API keys and per-source health through `runhub serve --sandbox` with a configuration
// file: every auth rule of the /v1 routes, a key's source visibility in lists, gets and errors,
// and a source's circuit breaker opening, failing fast and closing again.
#include "api/api_keys.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <fstream>
#include <set>
#include <thread>

#include "common/sandboxed_facade.hpp"

using namespace runhub;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view all_key = "all-sources-key-1";      // runs:read, every source
constexpr std::string_view zof_key = "zof-only-read-key-2";    // runs:read, only zof
constexpr std::string_view write_key = "write-only-key-3";     // runs:write, no runs:read
constexpr std::string_view sandbox_key = "sandbox-env-key-4";  // RUNHUB_API_KEY

// The keys above, the cache off (these tests are about what reaches the vendors), and `extra`
// configuration members.
std::string config_json(const std::string& extra) {
    return R"({"api_keys": [
        {"name": "all", "key": {"env": "T_ALL_KEY"}, "scopes": ["runs:read"]},
        {"name": "zof-reader", "key": {"env": "T_ZOF_KEY"}, "scopes": ["runs:read"],
         "sources": ["zof"]},
        {"name": "writer", "key": {"env": "T_WRITE_KEY"}, "scopes": ["runs:write"]}
      ], )" +
           std::string(test::no_cache_settings) + extra + "}";
}

// serve --sandbox with the keys above configured (and `extra` configuration members).
struct facade : test::sandboxed_facade {
    explicit facade(const std::string& extra = "")
        : test::sandboxed_facade(
              std::string(sandbox_key), {},
              {"T_ALL_KEY=" + std::string(all_key), "T_ZOF_KEY=" + std::string(zof_key),
               "T_WRITE_KEY=" + std::string(write_key)},
              config_json(extra)) {}
    test::http_reply get(test::http_client& c, const std::string& target, std::string_view key) {
        std::vector<std::pair<std::string, std::string>> h;
        if (!key.empty()) h.emplace_back("Authorization", "Bearer " + std::string(key));
        return c.request("GET", target, h, "", 30s);
    }
    boost::json::value get_json(test::http_client& c, const std::string& target,
                                std::string_view key, int expect) {
        return test::sandboxed_facade::get_json(c, target, expect, std::string(key));
    }
};

std::set<std::string> sources_of(const boost::json::value& list) {
    std::set<std::string> out;
    for (const auto& r : list.at("data").as_array()) out.emplace(r.at("source").as_string());
    return out;
}

}  // namespace

TEST(ApiKeys, EveryV1RouteNeedsAValidBearerKey) {
    facade f;
    ASSERT_NE(f.port(), 0) << f.process().err();
    test::http_client c(f.port());
    for (std::string target : {"/v1/runs", "/v1/runs/zof:run_1", "/v1/runs/zof:run_1/failures",
                               "/v1/sources", "/v1/runs?limit=oops"}) {
        auto none = f.get(c, target, "");
        EXPECT_EQ(none.status, 401) << target;
        EXPECT_EQ(none.header("www-authenticate"), R"(Bearer realm="runhub")") << target;
        EXPECT_EQ(boost::json::parse(none.body).at("error").at("code"), "unauthorized");
        auto wrong = f.get(c, target, "not-a-configured-key");
        EXPECT_EQ(wrong.status, 401) << target;
        EXPECT_NE(wrong.header("www-authenticate").find("invalid_token"), std::string::npos);
        // A prefix of a real key is not the key.
        EXPECT_EQ(f.get(c, target, all_key.substr(0, all_key.size() - 1)).status, 401);
        for (std::string header : {"Basic " + std::string(all_key), std::string(all_key),
                                   std::string("Bearer "), "Bearer" + std::string(all_key)}) {
            auto r = c.request("GET", target, {{"Authorization", header}}, "", 10s);
            EXPECT_EQ(r.status, 401) << target << " with '" << header << "'";
        }
        // A key without runs:read may not read.
        auto forbidden = f.get(c, target, write_key);
        EXPECT_EQ(forbidden.status, 403) << target;
        EXPECT_EQ(boost::json::parse(forbidden.body).at("error").at("code"), "forbidden");
    }
    // The scheme is case-insensitive; the sandbox's RUNHUB_API_KEY works too.
    EXPECT_EQ(c.request("GET", "/v1/sources", {{"Authorization", "bearer " + std::string(all_key)}})
                  .status,
              200);
    EXPECT_EQ(f.get(c, "/v1/sources", sandbox_key).status, 200);
    // Operations routes need no key.
    for (std::string target : {"/healthz", "/readyz", "/metrics"})
        EXPECT_EQ(f.get(c, target, "").status, 200) << target;
    // The key never reaches a log line.
    EXPECT_EQ(f.process().err().find(all_key), std::string::npos);
    EXPECT_EQ(f.process().out().find(all_key), std::string::npos);
}

TEST(ApiKeys, AKeySeesNothingOfASourceItIsNotGranted) {
    facade f;
    ASSERT_NE(f.port(), 0) << f.process().err();
    test::http_client c(f.port());
    auto everything = f.get_json(c, "/v1/runs?limit=200", all_key, 200);
    EXPECT_EQ(sources_of(everything).size(), 5u);
    EXPECT_EQ(everything.at("sources").as_array().size(), 5u);

    auto mine = f.get_json(c, "/v1/runs?limit=200", zof_key, 200);
    EXPECT_EQ(sources_of(mine), std::set<std::string>{"zof"});
    ASSERT_EQ(mine.at("sources").as_array().size(), 1u);
    EXPECT_EQ(mine.at("sources").as_array()[0].at("name"), "zof");
    auto listed = f.get_json(c, "/v1/sources", zof_key, 200).at("data").as_array();
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].at("name"), "zof");

    // A source it may not see answers exactly like one that does not exist.
    auto hidden = f.get_json(c, "/v1/runs?source=testmo", zof_key, 400);
    auto absent = f.get_json(c, "/v1/runs?source=nosuch", zof_key, 400);
    EXPECT_NE(hidden.at("error").at("message").as_string().find("unknown source"),
              boost::json::string::npos)
        << hidden;
    EXPECT_EQ(absent.at("error").at("code"), hidden.at("error").at("code"));
    std::string testmo_id;
    for (const auto& r : everything.at("data").as_array())
        if (r.at("source") == "testmo") testmo_id = std::string(r.at("id").as_string());
    ASSERT_FALSE(testmo_id.empty());
    f.get_json(c, "/v1/runs/" + testmo_id, all_key, 200);
    auto a = f.get_json(c, "/v1/runs/" + testmo_id, zof_key, 404);
    auto b = f.get_json(c, "/v1/runs/nosuch:1", zof_key, 404);
    EXPECT_EQ(a.at("error").at("message"), b.at("error").at("message"));
    f.get_json(c, "/v1/runs/" + testmo_id + "/failures", zof_key, 404);

    // A cursor is bound to the key that got it.
    auto first = f.get_json(c, "/v1/runs?limit=5&source=zof", zof_key, 200);
    std::string cursor(first.at("next_cursor").as_string());
    f.get_json(c, "/v1/runs?limit=5&source=zof&cursor=" + cursor, zof_key, 200);
    auto foreign = f.get_json(c, "/v1/runs?limit=5&source=zof&cursor=" + cursor, all_key, 400);
    EXPECT_EQ(foreign.at("error").at("code"), "invalid_cursor");
}

TEST(SourceHealth, ACircuitOpensFailsFastWithoutCallingTheVendorAndClosesAfterAProbe) {
    facade f(R"(, "sandbox": {"circuit": {"failure_threshold": 2, "open_ms": 1500}})");
    ASSERT_NE(f.port(), 0) << f.process().err();
    const std::string ca = f.ca_file(), base = f.vendor_base("zof");
    ASSERT_FALSE(ca.empty() || base.empty()) << f.process().err();
    auto total_calls = [&] {
        auto stats =
            boost::json::parse(test::sandbox_request(ca, "GET", base + "/_sandbox/stats").body);
        return stats.at("total").to_number<std::uint64_t>();
    };
    test::http_client c(f.port());
    auto zof_entry = [&] {
        auto list = f.get_json(c, "/v1/sources", all_key, 200);
        for (const auto& s : list.at("data").as_array())
            if (s.at("name") == "zof") return s.as_object();
        return boost::json::object();
    };
    auto before = zof_entry();
    EXPECT_EQ(before.at("health"), "unknown");
    EXPECT_EQ(before.at("circuit"), "closed");
    EXPECT_TRUE(before.at("last_latency_ms").is_null());

    f.get_json(c, "/v1/runs?limit=5", all_key, 200);
    auto healthy = zof_entry();
    EXPECT_EQ(healthy.at("health"), "ok");
    EXPECT_TRUE(healthy.at("last_latency_ms").is_int64());
    EXPECT_TRUE(healthy.at("last_success_at").is_string());

    test::set_faults(f, "zof", R"({"error_rate":1})");
    for (int i = 0; i < 2; ++i) {
        auto page = f.get_json(c, "/v1/runs?limit=5", all_key, 200);
        for (const auto& s : page.at("sources").as_array())
            if (s.at("name") == "zof") EXPECT_EQ(s.at("error").at("kind"), "server");
    }
    auto open = zof_entry();
    EXPECT_EQ(open.at("circuit"), "open");
    EXPECT_EQ(open.at("health"), "down");
    EXPECT_EQ(open.at("consecutive_failures"), 2);
    EXPECT_EQ(open.at("last_error").at("kind"), "server");
    EXPECT_TRUE(open.at("last_error").at("at").is_string());

    // Open: the source fails at once and the vendor sees no request.
    auto calls = total_calls();
    auto page = f.get_json(c, "/v1/runs?limit=5", all_key, 200);
    bool marked = false;
    for (const auto& s : page.at("sources").as_array())
        if (s.at("name") == "zof") marked = s.at("error").at("kind") == "circuit_open";
    EXPECT_TRUE(marked) << page;
    EXPECT_EQ(page.at("data").as_array().size(), 5u);  // the others still answer
    f.get_json(c, "/v1/runs/zof:run_1", all_key, 502);
    EXPECT_EQ(total_calls(), calls);

    // The vendor recovers; after open_ms one probe goes out, succeeds and closes the circuit.
    test::set_faults(f, "zof", "{}");
    std::this_thread::sleep_for(1600ms);
    EXPECT_EQ(zof_entry().at("circuit"), "half_open");
    auto again = f.get_json(c, "/v1/runs?limit=5&source=zof", all_key, 200);
    EXPECT_EQ(again.at("sources").as_array()[0].at("status"), "ok");
    auto closed = zof_entry();
    EXPECT_EQ(closed.at("circuit"), "closed");
    EXPECT_EQ(closed.at("health"), "ok");
    EXPECT_EQ(closed.at("consecutive_failures"), 0);
}

TEST(ApiKeysUnit, ScopesAndMatching) {
    api::key_store keys;
    keys.add("reader", "reader-key-123", {"runs:read"}, std::vector<std::string>{"zof"});
    keys.add("writer", "writer-key-456", {"runs:read", "runs:write"}, std::nullopt);
    http::request req;
    req.request_id = "r1";
    auto refused = [&](std::string_view scope) {
        auto out = api::authorize(req, keys, scope);
        auto* res = std::get_if<http::response>(&out);
        return res ? res->status : 0;
    };
    EXPECT_EQ(refused("runs:read"), 401);
    req.headers.set("Authorization", "Bearer reader-key-123");
    EXPECT_EQ(refused("runs:read"), 0);
    EXPECT_EQ(refused("runs:write"), 403);
    auto who = std::get<const api::principal*>(api::authorize(req, keys, "runs:read"));
    EXPECT_EQ(who->name, "reader");
    EXPECT_TRUE(who->sees("zof"));
    EXPECT_FALSE(who->sees("testmo"));
    req.headers.set("Authorization", "Bearer writer-key-456");
    EXPECT_EQ(refused("runs:write"), 0);
    EXPECT_TRUE(
        std::get<const api::principal*>(api::authorize(req, keys, "runs:read"))->sees("anything"));
    req.headers.set("Authorization", "Bearer writer-key-4567");
    EXPECT_EQ(refused("runs:read"), 401);
    EXPECT_EQ(keys.find("reader-key-12"), nullptr);
    // A name is an identity (cursors and kept list answers are bound to it).
    EXPECT_THROW(keys.add("reader", "another-key-789", {"runs:read"}, std::nullopt),
                 std::invalid_argument);
}

// Each thread keeps one HMAC context keyed with one store's pepper: stores used in turn on one
// thread (and a store made where another one was) must each match only their own keys.
TEST(ApiKeysUnit, StoresUsedInTurnOnOneThreadMatchOnlyTheirOwnKeys) {
    auto a = std::make_unique<api::key_store>();
    auto b = std::make_unique<api::key_store>();
    a->add("a", "key-of-store-a", {"runs:read"}, std::nullopt);
    b->add("b", "key-of-store-b", {"runs:read"}, std::nullopt);
    for (int round = 0; round < 3; ++round) {
        ASSERT_NE(a->find("key-of-store-a"), nullptr);
        EXPECT_EQ(a->find("key-of-store-b"), nullptr);
        ASSERT_NE(b->find("key-of-store-b"), nullptr);
        EXPECT_EQ(b->find("key-of-store-a"), nullptr);
    }
    a.reset();
    auto c = std::make_unique<api::key_store>();  // may reuse a's address
    c->add("c", "key-of-store-c", {"runs:read"}, std::nullopt);
    EXPECT_EQ(c->find("key-of-store-a"), nullptr);
    ASSERT_NE(c->find("key-of-store-c"), nullptr);
    EXPECT_EQ(c->find("key-of-store-c")->name, "c");
    // And from another thread (its own context).
    const api::principal* seen = nullptr;
    std::thread t([&] { seen = b->find("key-of-store-b"); });
    t.join();
    ASSERT_NE(seen, nullptr);
    EXPECT_EQ(seen->name, "b");
}

TEST(SourceBudget, ACallWaitsForTheBudgetWithinTheDeadlineOrIsNotSent) {
    // One call a second, two at once; the answer is due within 600 ms.
    facade f(R"(, "api": {"request_timeout_ms": 600},
                 "sandbox": {"budget": {"per_minute": 60, "burst": 2}})");
    ASSERT_NE(f.port(), 0) << f.process().err();
    const std::string ca = f.ca_file(), base = f.vendor_base("zof");
    test::http_client c(f.port());
    auto zof_calls = [&] {
        auto stats =
            boost::json::parse(test::sandbox_request(ca, "GET", base + "/_sandbox/stats").body);
        return stats.at("total").to_number<std::uint64_t>();
    };
    const auto before = zof_calls();
    // Two calls go at once; the third would have to wait ~1 s, past the deadline: not sent.
    for (int i = 0; i < 2; ++i) {
        auto page = f.get_json(c, "/v1/runs?limit=5&source=zof", all_key, 200);
        EXPECT_EQ(page.at("sources").as_array()[0].at("status"), "ok");
    }
    auto refused = f.get_json(c, "/v1/runs?limit=5", all_key, 200);
    for (const auto& s : refused.at("sources").as_array())
        if (s.at("name") == "zof") {
            EXPECT_EQ(s.at("status"), "error");
            EXPECT_EQ(s.at("error").at("kind"), "throttled");
        }
    EXPECT_EQ(zof_calls(), before + 2);
    auto list = f.get_json(c, "/v1/sources", all_key, 200);
    for (const auto& s : list.at("data").as_array())
        if (s.at("name") == "zof") {
            EXPECT_EQ(s.at("budget").at("per_minute"), 60);
            EXPECT_GE(s.at("budget").at("refusals").to_number<int>(), 1);
        }
    // Half a second later the next token is 0.5 s away: the call waits for it and goes out.
    std::this_thread::sleep_for(500ms);
    auto waited = f.get_json(c, "/v1/runs?limit=5&source=zof", all_key, 200);
    EXPECT_EQ(waited.at("sources").as_array()[0].at("status"), "ok") << waited;
    EXPECT_EQ(zof_calls(), before + 3);
    list = f.get_json(c, "/v1/sources", all_key, 200);
    for (const auto& s : list.at("data").as_array())
        if (s.at("name") == "zof") EXPECT_GE(s.at("budget").at("waits").to_number<int>(), 1);
}

TEST(SourceBudget, ACallTheBudgetRefusesIsAnsweredStaleFromTheCache) {
    // One call a second, none saved up; list pages fresh for 300 ms, then stale for a minute.
    test::sandboxed_facade f(std::string(sandbox_key), {}, {},
                             R"({"api": {"request_timeout_ms": 500},
                                 "cache": {"list_page_ttl_ms": 300, "stale_window_ms": 60000},
                                 "sandbox": {"budget": {"per_minute": 60, "burst": 1}}})");
    ASSERT_NE(f.port(), 0) << f.process().err();
    test::http_client c(f.port());
    auto fresh = f.get_json(c, "/v1/runs?limit=5&source=zof", 200);
    EXPECT_EQ(fresh.at("sources").as_array()[0].at("status"), "ok");
    std::this_thread::sleep_for(400ms);  // the page has expired; the next token is 600 ms away
    auto r = c.request("GET", "/v1/runs?limit=5&source=zof",
                       {{"Authorization", "Bearer " + std::string(sandbox_key)}}, "", 10s);
    ASSERT_EQ(r.status, 200) << r.body;
    auto stale = boost::json::parse(r.body);
    EXPECT_EQ(stale.at("sources").as_array()[0].at("status"), "stale") << r.body;
    EXPECT_EQ(stale.at("sources").as_array()[0].at("error").at("kind"), "throttled");
    EXPECT_EQ(stale.at("data"), fresh.at("data"));
    EXPECT_NE(r.header("cache-status").find("fwd=stale"), std::string::npos);
}

// While the source's budget is spent, an expired run is answered stale at once (a dashboard
// does not wait for the budget) and refreshed in the background when the budget allows.
TEST(SourceBudget, WhileTheBudgetIsSpentAnExpiredRunIsAnsweredStaleAtOnceAndRefreshedBehind) {
    test::sandboxed_facade f(std::string(sandbox_key), {}, {},
                             R"({"api": {"request_timeout_ms": 5000},
            "cache": {"terminal_run_ttl_ms": 800, "active_run_ttl_ms": 800,
                      "stale_window_ms": 60000},
            "sandbox": {"budget": {"per_minute": 30, "burst": 1}}})");  // one call per 2 s
    ASSERT_NE(f.port(), 0) << f.process().err();
    test::http_client c(f.port());
    const std::string ca = f.ca_file(), base = f.vendor_base("zof");
    auto run_gets = [&] {
        auto stats =
            boost::json::parse(test::sandbox_request(ca, "GET", base + "/_sandbox/stats").body);
        const auto* n = stats.at("by_route").as_object().if_contains("GET /v1/runs/{id}");
        return n ? n->to_number<std::uint64_t>() : 0;
    };
    auto get = [&](const std::string& target) {
        return c.request("GET", target, {{"Authorization", "Bearer " + std::string(sandbox_key)}},
                         "", 10s);
    };
    auto page = f.get_json(c, "/v1/runs?limit=1&source=zof", 200);  // takes the one token
    const std::string target =
        "/v1/runs/" + std::string(page.at("data").at(0).at("id").as_string());
    std::this_thread::sleep_for(2100ms);  // a token again
    auto first = get(target);
    ASSERT_EQ(first.status, 200) << first.body;
    const auto after_first = run_gets();
    std::this_thread::sleep_for(900ms);  // expired; the next token is ~1.1 s away

    const auto t0 = std::chrono::steady_clock::now();
    auto stale = get(target);
    const auto took = std::chrono::steady_clock::now() - t0;
    ASSERT_EQ(stale.status, 200) << stale.body;
    EXPECT_LT(took, 300ms) << "waited for the budget instead of answering what it had";
    EXPECT_NE(stale.header("cache-status").find("fwd=stale"), std::string::npos)
        << stale.header("cache-status");
    EXPECT_EQ(stale.body, first.body);

    // The background refresh goes out when its token comes, and is stored (fresh for 800 ms).
    for (int i = 0; i < 60 && run_gets() == after_first; ++i) std::this_thread::sleep_for(50ms);
    EXPECT_EQ(run_gets(), after_first + 1);
    std::this_thread::sleep_for(50ms);  // its answer stored
    auto refreshed = get(target);
    ASSERT_EQ(refreshed.status, 200);
    EXPECT_EQ(refreshed.header("cache-status"), "runhub; hit") << "the refresh was not stored";
    EXPECT_EQ(run_gets(), after_first + 1);
}

TEST(SourceBudget, SteadyLoadNeverProvokesTheVendorsOwn429) {
    // Zof allows 120 calls a minute (fixed minutes); runhub's budget for it is 100 a minute with
    // a burst of 5, so no minute can see more than 105. The cache is off: every list is a call.
    test::sandboxed_facade f(std::string(sandbox_key), {}, {},
                             std::string(R"({"api": {"request_timeout_ms": 2000}, )") +
                                 test::no_cache_settings +
                                 R"(, "sandbox": {"budget": {"per_minute": 100, "burst": 5}}})");
    ASSERT_NE(f.port(), 0) << f.process().err();
    test::set_faults(f, "zof", R"({"rate_limit_per_min": 120})");
    const std::string ca = f.ca_file(), base = f.vendor_base("zof");
    // Four callers asking as fast as they can for 8 s: far more than 120 a minute offered.
    std::atomic<int> answered{0}, throttled{0}, other{0};
    std::vector<std::thread> callers;
    const auto until = std::chrono::steady_clock::now() + 8s;
    for (int i = 0; i < 4; ++i)
        callers.emplace_back([&] {
            test::http_client mine(f.port());
            while (std::chrono::steady_clock::now() < until) {
                auto r = mine.request("GET", "/v1/runs?limit=5&source=zof",
                                      {{"Authorization", "Bearer " + std::string(sandbox_key)}}, "",
                                      10s);
                if (r.status == 200) {
                    ++answered;
                } else if (r.body.find("upstream_error") != std::string::npos) {
                    ++throttled;  // refused by the budget: nothing cached to stand in
                } else {
                    ++other;
                }
            }
        });
    for (auto& t : callers) t.join();
    EXPECT_GT(answered.load(), 5);
    EXPECT_EQ(other.load(), 0);
    auto stats =
        boost::json::parse(test::sandbox_request(ca, "GET", base + "/_sandbox/stats").body);
    int vendor_429 = 0, calls = 0;
    for (const auto& rec : stats.at("recent").as_array()) {
        ++calls;
        vendor_429 += rec.at("status").to_number<int>() == 429;
    }
    EXPECT_GT(calls, 5);
    EXPECT_LE(calls, 5 + 100 * 8 / 60 + 2);  // the burst, then the budget's rate
    EXPECT_EQ(vendor_429, 0);
}
