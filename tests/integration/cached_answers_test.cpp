// What a cache hit sends, through `runhub serve --sandbox`: a cached run is answered with the
// bytes the cache holds (no parse, no re-serialization), which must be exactly what rendering
// the run would give; a finished list answer is kept per key and query only while every page
// it was merged from is fresh, never when a source failed, and never shown to another key.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <thread>

#include "api/list_answers.hpp"
#include "common/sandboxed_facade.hpp"

using namespace runhub;
using namespace std::chrono_literals;

namespace {

constexpr const char* all_key = "answers-all-key-1";
constexpr const char* zof_key = "answers-zof-key-1";

std::string config(const std::string& cache_json) {
    return R"({"api_keys": [
        {"name": "all", "key": {"env": "T_ALL_KEY"}, "scopes": ["runs:read"]},
        {"name": "zof-reader", "key": {"env": "T_ZOF_KEY"}, "scopes": ["runs:read"],
         "sources": ["zof"]}
      ], "cache": )" +
           cache_json + "}";
}

struct facade : test::sandboxed_facade {
    explicit facade(const std::string& cache_json)
        : test::sandboxed_facade(
              "answers-sandbox-key", {},
              {"T_ALL_KEY=" + std::string(all_key), "T_ZOF_KEY=" + std::string(zof_key)},
              config(cache_json)) {}

    test::http_reply get(test::http_client& c, const std::string& target,
                         const std::string& key = all_key) {
        return c.request("GET", target, {{"Authorization", "Bearer " + key}}, "", 30s);
    }
    // The Zof emulator's count of one route ("GET /v1/runs").
    std::uint64_t zof_calls(const std::string& route) {
        auto r = test::sandbox_request(ca_file(), "GET", vendor_base("zof") + "/_sandbox/stats");
        auto stats = boost::json::parse(r.body);
        const auto* n = stats.at("by_route").as_object().if_contains(route);
        return n ? n->to_number<std::uint64_t>() : 0;
    }
    std::uint64_t metric(test::http_client& c, const std::string& name) {
        auto text = c.request("GET", "/metrics").body;
        auto at = text.find("\n" + name + " ");
        if (at == std::string::npos) return 0;
        return std::stoull(text.substr(at + name.size() + 2));
    }
};

constexpr const char* list_route = "GET /v1/runs";

}  // namespace

// The bytes a hit sends come from the cache entry as they are: they must equal what rendering
// the run gives (the ?wait= path renders the run it holds; a terminal run answers at once).
TEST(CachedAnswers, ARunHitSendsExactlyTheRenderedRun) {
    facade f("{}");
    ASSERT_NE(f.port(), 0) << f.process().err();
    test::http_client c(f.port());
    auto page = f.get(c, "/v1/runs?limit=20&source=zof&status=passed,failed");
    ASSERT_EQ(page.status, 200) << page.body;
    auto data = boost::json::parse(page.body).at("data").as_array();
    ASSERT_FALSE(data.empty());
    for (const auto& run : data) {
        const std::string target = "/v1/runs/" + std::string(run.at("id").as_string());
        for (std::string raw : {"", "include=raw"}) {
            auto miss = f.get(c, target + (raw.empty() ? "" : "?" + raw));
            auto hit = f.get(c, target + (raw.empty() ? "" : "?" + raw));
            auto rendered = f.get(c, target + "?wait=1s" + (raw.empty() ? "" : "&" + raw));
            ASSERT_EQ(miss.status, 200) << miss.body;
            ASSERT_EQ(hit.status, 200) << hit.body;
            ASSERT_EQ(rendered.status, 200) << rendered.body;
            EXPECT_EQ(hit.header("cache-status"), "runhub; hit") << target;
            EXPECT_EQ(miss.body, hit.body) << target << " " << raw;
            EXPECT_EQ(hit.body, rendered.body) << target << " " << raw;
            EXPECT_EQ(miss.header("etag"), hit.header("etag")) << target;
            EXPECT_EQ(hit.header("etag"), rendered.header("etag")) << target;
            auto doc = boost::json::parse(hit.body).as_object();
            EXPECT_EQ(doc.contains("raw"), !raw.empty()) << target;
        }
    }
}

TEST(CachedAnswers, AListAnswerIsKeptOnlyWhileItsPagesAreFresh) {
    facade f(R"({"list_page_ttl_ms": 1500})");
    ASSERT_NE(f.port(), 0) << f.process().err();
    test::http_client c(f.port());
    const std::string target = "/v1/runs?limit=7&status=passed";
    auto first = f.get(c, target);
    ASSERT_EQ(first.status, 200) << first.body;
    const auto calls = f.zof_calls(list_route);
    const auto hits = f.metric(c, "runhub_list_answer_hits_total");

    auto second = f.get(c, target);
    ASSERT_EQ(second.status, 200);
    EXPECT_EQ(second.body, first.body);
    EXPECT_EQ(second.header("etag"), first.header("etag"));
    EXPECT_EQ(second.header("cache-status"), "runhub; hit");
    EXPECT_EQ(f.metric(c, "runhub_list_answer_hits_total"), hits + 1);
    EXPECT_EQ(f.zof_calls(list_route), calls);
    // Another query is another answer.
    ASSERT_EQ(f.get(c, target + "&branch=main").status, 200);
    EXPECT_EQ(f.metric(c, "runhub_list_answer_hits_total"), hits + 1);

    // Past the pages' lifetime the answer is gone with them: the vendors are asked again.
    std::this_thread::sleep_for(1700ms);
    const auto before = f.zof_calls(list_route);
    auto third = f.get(c, target);
    ASSERT_EQ(third.status, 200);
    EXPECT_EQ(third.header("cache-status"), "runhub; fwd=miss; stored");
    EXPECT_EQ(f.zof_calls(list_route), before + 1);
    EXPECT_EQ(f.metric(c, "runhub_list_answer_hits_total"), hits + 1);
}

TEST(CachedAnswers, APartialListAnswerIsNotKept) {
    facade f("{}");
    ASSERT_NE(f.port(), 0) << f.process().err();
    test::http_client c(f.port());
    test::set_faults(f, "zof", R"({"error_rate": 1})");
    const std::string target = "/v1/runs?limit=5";
    for (int i = 0; i < 2; ++i) {
        const auto before = f.zof_calls(list_route);
        auto r = f.get(c, target);
        ASSERT_EQ(r.status, 200) << r.body;
        bool zof_failed = false;
        auto doc = boost::json::parse(r.body);
        for (const auto& s : doc.at("sources").as_array())
            if (s.at("name") == "zof") zof_failed = s.at("status") != "ok";
        EXPECT_TRUE(zof_failed) << r.body;
        EXPECT_GT(f.zof_calls(list_route), before) << "request " << i << " did not ask Zof";
    }
    EXPECT_EQ(f.metric(c, "runhub_list_answer_hits_total"), 0u);
}

TEST(CachedAnswers, AKeptListAnswerIsNeverShownToAnotherKey) {
    facade f("{}");
    ASSERT_NE(f.port(), 0) << f.process().err();
    test::http_client c(f.port());
    const std::string target = "/v1/runs?limit=30";
    auto all = f.get(c, target, all_key);
    ASSERT_EQ(all.status, 200) << all.body;
    ASSERT_EQ(f.get(c, target, all_key).header("cache-status"), "runhub; hit");
    auto zof = f.get(c, target, zof_key);
    ASSERT_EQ(zof.status, 200) << zof.body;
    EXPECT_NE(zof.body, all.body);
    auto doc = boost::json::parse(zof.body);
    ASSERT_EQ(doc.at("sources").as_array().size(), 1u) << zof.body;
    for (const auto& r : doc.at("data").as_array()) EXPECT_EQ(r.at("source"), "zof");
    // Its cursor is its own: the "all" key cannot follow it.
    const auto& next = doc.at("next_cursor");
    ASSERT_TRUE(next.is_string());
    auto foreign = f.get(c, "/v1/runs?limit=30&cursor=" + std::string(next.as_string()), all_key);
    EXPECT_EQ(foreign.status, 400) << foreign.body;
}

// The store of kept answers itself, under a controlled clock.
TEST(ListAnswersUnit, KeptPerCallerAndQueryUntilFreshUntilWithTheOldestPagesAge) {
    auto now = std::chrono::system_clock::time_point(std::chrono::hours(1000));
    api::list_answers answers(1 << 20, [&] { return now; });
    EXPECT_EQ(answers.find("k", "limit=5"), nullptr);
    answers.keep("k", "limit=5", "body-1", now + 2s, 3s);
    auto kept = answers.find("k", "limit=5");
    ASSERT_NE(kept, nullptr);
    EXPECT_EQ(kept->value, "body-1");
    EXPECT_FALSE(kept->etag.empty());
    EXPECT_EQ(kept->age(now), 3s);
    EXPECT_EQ(answers.find("other-key", "limit=5"), nullptr);
    EXPECT_EQ(answers.find("k", "limit=6"), nullptr);
    now += 1s;
    ASSERT_NE(answers.find("k", "limit=5"), nullptr);
    EXPECT_EQ(answers.find("k", "limit=5")->age(now), 4s);
    now += 1s;  // at fresh_until: gone
    EXPECT_EQ(answers.find("k", "limit=5"), nullptr);
    answers.keep("k", "limit=5", "already stale", now, 0s);  // nothing fresh to keep
    EXPECT_EQ(answers.find("k", "limit=5"), nullptr);
    EXPECT_EQ(answers.hits(), 3u);  // the three finds that found it
}

TEST(ListAnswersUnit, BoundedInBytes) {
    api::list_answers answers(64 * 1024);
    const auto until = std::chrono::system_clock::now() + 1h;
    for (int i = 0; i < 100; ++i)
        answers.keep("k", "q" + std::to_string(i), std::string(4096, 'x'), until, 0s);
    EXPECT_LE(answers.stats().bytes, 64u * 1024);
    EXPECT_GT(answers.stats().evictions, 0u);
    EXPECT_NE(answers.find("k", "q99"), nullptr);
    EXPECT_EQ(answers.find("k", "q0"), nullptr);
}
