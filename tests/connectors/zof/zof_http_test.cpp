// The Zof connector against the sandbox's Zof emulator over verified TLS on loopback.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "connectors/common/sandbox_env.hpp"
#include "connectors/zof/zof_connector.hpp"

using namespace runhub;
using namespace runhub::connectors;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

class ZofHttp : public ::testing::Test {
  protected:
    test::sandbox_env env{"zof"};
    std::unique_ptr<connector> conn;

    void SetUp() override {
        ASSERT_EQ(env.info.name, "zof");
        ASSERT_EQ(env.info.base_url.rfind("https://", 0), 0u) << env.info.base_url;
        source_config src;
        src.name = "zof-sb";
        src.vendor = "zof";
        src.base_url = env.info.base_url;
        auto v = env.info.auth_value;
        src.credential = v.substr(v.find(' ') + 1);  // "Bearer <key>"
        src.scope["project_id"] = env.scope("project_id");
        conn = zof::make_zof_connector(src, env.deps());
    }

    outcome<run_page> list(list_query q, std::string pos, int limit,
                           std::chrono::milliseconds budget = 10s) {
        auto* c = conn.get();
        return env.run([=]() -> asio::awaitable<outcome<run_page>> {
            auto r = co_await c->list(q, pos, limit, clock::now() + budget);
            co_return r;
        });
    }
    outcome<model::run> get(std::string id) {
        auto* c = conn.get();
        return env.run([=]() -> asio::awaitable<outcome<model::run>> {
            auto r = co_await c->get(id, clock::now() + 10s);
            co_return r;
        });
    }
    outcome<std::vector<model::test_failure>> failures(std::string id) {
        auto* c = conn.get();
        return env.run([=]() -> asio::awaitable<outcome<std::vector<model::test_failure>>> {
            auto r = co_await c->failures(id, clock::now() + 10s);
            co_return r;
        });
    }
    // Every page of a query through the connector.
    std::vector<model::run> walk(const list_query& q, int limit) {
        std::vector<model::run> all;
        std::string pos;
        for (int pages = 0; pages < 1000; ++pages) {
            auto p = list(q, pos, limit);
            EXPECT_TRUE(p.ok()) << p.error.detail;
            if (!p.ok()) break;
            EXPECT_TRUE(
                std::is_sorted(p.value->runs.begin(), p.value->runs.end(), model::newer_first));
            all.insert(all.end(), p.value->runs.begin(), p.value->runs.end());
            if (!p.value->next) break;
            pos = *p.value->next;
        }
        return all;
    }
    // The vendor's own answer, walked directly: the ids of the project's runs.
    std::vector<std::string> vendor_ids() {
        std::vector<std::string> ids;
        std::string after;
        for (int pages = 0; pages < 1000; ++pages) {
            auto r = env.call(
                "GET", "/v1/runs?limit=100" + (after.empty() ? "" : "&starting_after=" + after), {},
                true);
            EXPECT_TRUE(r.ok()) << r.detail;
            if (!r.ok()) break;
            auto doc = json::parse(r.response->body);
            for (const auto& run : doc.at("data").as_array())
                if (run.at("project_id") == json::value(env.scope("project_id")))
                    ids.emplace_back(run.at("id").as_string());
            if (!doc.at("has_more").as_bool()) break;
            after = std::string(doc.at("next_cursor").as_string());
        }
        return ids;
    }
};

std::int64_t route_count(const json::value& stats, const char* route) {
    auto* by = stats.at("by_route").as_object().if_contains(route);
    return by ? by->as_int64() : 0;
}

}  // namespace

TEST_F(ZofHttp, FullWalkMatchesTheVendorNewestFirstWithoutDuplicates) {
    auto want = vendor_ids();
    ASSERT_GT(want.size(), 50u);
    auto runs = walk({}, 37);
    EXPECT_EQ(runs.size(), want.size());
    EXPECT_TRUE(std::is_sorted(runs.begin(), runs.end(), model::newer_first));
    std::set<std::string> ids;
    for (const auto& r : runs) {
        EXPECT_TRUE(ids.insert(r.id).second) << "duplicate " << r.id;
        EXPECT_EQ(r.project->id, env.scope("project_id"));
        EXPECT_EQ(r.vendor, "zof");
    }
    std::set<std::string> want_ids;
    for (const auto& id : want) want_ids.insert(model::make_run_id("zof-sb", id));
    EXPECT_EQ(ids, want_ids);
}

TEST_F(ZofHttp, FiltersByStatusBranchAndDate) {
    auto all = walk({}, 100);
    ASSERT_FALSE(all.empty());
    list_query q;
    q.statuses = {model::run_status::failed, model::run_status::canceled};
    q.branch = all[all.size() / 2].branch;
    q.until = *all[all.size() / 4].created_at;
    q.since = *all[all.size() * 3 / 4].created_at;
    std::vector<std::string> want;
    for (const auto& r : all)
        if ((r.status == model::run_status::failed || r.status == model::run_status::canceled) &&
            r.branch == q.branch && *r.created_at >= *q.since && *r.created_at < *q.until)
            want.push_back(r.id);
    ASSERT_FALSE(want.empty());
    std::vector<std::string> got;
    for (const auto& r : walk(q, 10)) got.push_back(r.id);
    EXPECT_EQ(got, want);
}

TEST_F(ZofHttp, GetOfAListedRunAndItsFailures) {
    auto page = list({{}, {}, {model::run_status::failed}, {}}, "", 5);
    ASSERT_TRUE(page.ok()) << page.error.detail;
    ASSERT_FALSE(page.value->runs.empty());
    const auto& listed = page.value->runs.front();
    auto got = get(listed.native_id);
    ASSERT_TRUE(got.ok()) << got.error.detail;
    EXPECT_EQ(got.value->id, listed.id);
    EXPECT_EQ(got.value->status, model::run_status::failed);
    EXPECT_EQ(got.value->created_at, listed.created_at);
    auto f = failures(listed.native_id);
    ASSERT_TRUE(f.ok()) << f.error.detail;
    EXPECT_FALSE(f.value->empty());
    for (const auto& x : *f.value) {
        EXPECT_FALSE(x.name.empty());
        EXPECT_FALSE(x.message.empty());
    }
}

TEST_F(ZofHttp, UnknownIdIsNotFound) {
    auto r = get("run_does_not_exist");
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error.not_found);
    EXPECT_EQ(r.error.kind, http::upstream_error_kind::client);
    auto f = failures("run_does_not_exist");
    ASSERT_FALSE(f.ok());
    EXPECT_TRUE(f.error.not_found);
}

TEST_F(ZofHttp, ServerErrorAfterRetries) {
    env.fault(R"({"error_rate":1})");
    auto r = list({}, "", 10);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error.kind, http::upstream_error_kind::server);
    EXPECT_EQ(r.error.http_status, 500);
    env.fault("{}");
    EXPECT_EQ(route_count(env.stats(), "GET /v1/runs"), 3);  // max_attempts
}

TEST_F(ZofHttp, RateLimitedIsThrottled) {
    env.fault(R"({"rate_429":1})");
    auto r = list({}, "", 10, 2s);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error.kind, http::upstream_error_kind::throttled);
    EXPECT_EQ(r.error.http_status, 429);
}

TEST_F(ZofHttp, MalformedBodyIsMalformed) {
    env.fault(R"({"malformed_rate":1})");
    auto r = list({}, "", 10);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error.kind, http::upstream_error_kind::malformed);
    auto g = get("run_anything");
    ASSERT_FALSE(g.ok());
}

TEST_F(ZofHttp, TruncatedBodyIsMalformed) {
    env.fault(R"({"truncate_rate":1})");
    auto r = list({}, "", 10);
    ASSERT_FALSE(r.ok());
    // Cut short of its Content-Length: http::client reports the partial answer as malformed.
    EXPECT_EQ(r.error.kind, http::upstream_error_kind::malformed) << http::to_string(r.error.kind);
}

TEST_F(ZofHttp, HangTimesOutAtTheDeadline) {
    env.fault(R"({"hang_rate":1})");
    auto start = clock::now();
    auto r = list({}, "", 10, 500ms);
    auto took = clock::now() - start;
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error.kind, http::upstream_error_kind::timeout);
    EXPECT_GE(took, 450ms);
    EXPECT_LT(took, 1500ms);
}

TEST_F(ZofHttp, ResetIsNetwork) {
    env.fault(R"({"reset_rate":1})");
    auto r = list({}, "", 10);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error.kind, http::upstream_error_kind::network);
}

TEST_F(ZofHttp, StaleOnlyQueryAnswersEmptyWithoutACall) {
    list_query q;
    q.statuses = {model::run_status::stale};
    auto r = list(q, "", 10);
    ASSERT_TRUE(r.ok()) << r.error.detail;
    EXPECT_TRUE(r.value->runs.empty());
    EXPECT_FALSE(r.value->next);
    EXPECT_EQ(env.stats().at("total").as_int64(), 0);
}

TEST_F(ZofHttp, WalkWhileRunsAppearAtTheTopReturnsEachEarlierRunOnce) {
    std::set<std::string> before;
    for (const auto& r : walk({}, 20)) before.insert(r.id);
    ASSERT_GT(before.size(), 50u);

    auto first = list({}, "", 20);
    ASSERT_TRUE(first.ok()) << first.error.detail;
    std::vector<model::run> seen = first.value->runs;
    for (int i = 0; i < 10; ++i) {  // POST /v1/runs (documented), new runs at the top
        auto body = R"({"project_id":")" + env.scope("project_id") +
                    R"(","environment":"staging","test_suite_id":")" + env.scope("test_suite_id") +
                    R"("})";
        auto made = env.call("POST", "/v1/runs", body, true);
        ASSERT_TRUE(made.ok()) << made.detail;
        ASSERT_LT(made.response->status, 300) << made.response->body;
    }
    std::string pos = *first.value->next;
    for (int pages = 0; pages < 100; ++pages) {
        auto p = list({}, pos, 20);
        ASSERT_TRUE(p.ok()) << p.error.detail;
        seen.insert(seen.end(), p.value->runs.begin(), p.value->runs.end());
        if (!p.value->next) break;
        pos = *p.value->next;
    }
    EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end(), model::newer_first));
    std::set<std::string> ids;
    for (const auto& r : seen) EXPECT_TRUE(ids.insert(r.id).second) << "duplicate " << r.id;
    EXPECT_EQ(ids, before);
}
