// The Testmo connector against the sandbox's Testmo emulator over verified TLS on loopback.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "connectors/common/sandbox_env.hpp"
#include "connectors/testmo/testmo_connector.hpp"

using namespace runhub;
using namespace runhub::connectors;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

class TestmoHttp : public ::testing::Test {
  protected:
    test::sandbox_env env{"testmo"};
    std::unique_ptr<connector> conn;

    void SetUp() override {
        ASSERT_EQ(env.info.name, "testmo");
        ASSERT_EQ(env.info.base_url.rfind("https://", 0), 0u) << env.info.base_url;
        source_config src;
        src.name = "testmo-sb";
        src.vendor = "testmo";
        src.base_url = env.info.base_url;
        auto v = env.info.auth_value;
        src.credential = v.substr(v.find(' ') + 1);  // "Bearer <token>"
        src.scope["project_id"] = env.scope("project_id");
        conn = testmo::make_testmo_connector(src, env.deps());
    }

    std::string runs_path() const {
        return "/api/v1/projects/" + env.scope("project_id") + "/automation/runs";
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
};

}  // namespace

TEST_F(TestmoHttp, FullWalkCountEqualsTheVendorTotalNewestFirstWithoutDuplicates) {
    auto r = env.call("GET", runs_path() + "?per_page=15", {}, true);
    ASSERT_TRUE(r.ok()) << r.detail;
    auto total = json::parse(r.response->body).at("total").as_int64();
    ASSERT_GT(total, 100);
    auto runs = walk({}, 40);  // per_page 50
    EXPECT_EQ(static_cast<std::int64_t>(runs.size()), total);
    EXPECT_TRUE(std::is_sorted(runs.begin(), runs.end(), model::newer_first));
    std::set<std::string> ids;
    for (const auto& x : runs) {
        EXPECT_TRUE(ids.insert(x.id).second) << "duplicate " << x.id;
        EXPECT_EQ(x.project->id, env.scope("project_id"));
    }
}

TEST_F(TestmoHttp, FiltersNativelyAndInTheConnector) {
    auto all = walk({}, 100);
    ASSERT_GT(all.size(), 100u);
    list_query q;
    q.statuses = {model::run_status::failed, model::run_status::running};
    q.until = *all[5].created_at;
    q.since = *all[all.size() - 20].created_at;
    auto filtered = [&](const list_query& f) {
        std::vector<std::string> want;
        for (const auto& r : all)
            if (std::find(f.statuses.begin(), f.statuses.end(), r.status) != f.statuses.end() &&
                *r.created_at >= *f.since && *r.created_at < *f.until &&
                (!f.branch || r.branch == f.branch))
                want.push_back(r.id);
        return want;
    };
    auto ids = [](const std::vector<model::run>& runs) {
        std::vector<std::string> out;
        for (const auto& r : runs) out.push_back(r.id);
        return out;
    };
    auto want = filtered(q);
    ASSERT_FALSE(want.empty());
    EXPECT_EQ(ids(walk(q, 15)), want);
    q.branch = all[10].branch;  // a custom field: filtered in the connector only
    ASSERT_TRUE(q.branch);
    want = filtered(q);
    ASSERT_FALSE(want.empty());
    EXPECT_EQ(ids(walk(q, 15)), want);
}

TEST_F(TestmoHttp, GetOfAListedRunAndItsFailingTests) {
    list_query q;
    q.statuses = {model::run_status::failed};
    auto page = list(q, "", 15);
    ASSERT_TRUE(page.ok()) << page.error.detail;
    auto it = std::find_if(page.value->runs.begin(), page.value->runs.end(),
                           [](const model::run& r) { return r.terminal && r.counts->failed > 0; });
    ASSERT_NE(it, page.value->runs.end());
    auto got = get(it->native_id);
    ASSERT_TRUE(got.ok()) << got.error.detail;
    EXPECT_EQ(got.value->id, it->id);
    EXPECT_EQ(got.value->status, model::run_status::failed);
    EXPECT_EQ(got.value->created_at, it->created_at);
    auto f = failures(it->native_id);
    ASSERT_TRUE(f.ok()) << f.error.detail;
    EXPECT_EQ(static_cast<std::int64_t>(f.value->size()), got.value->counts->failed);
    for (const auto& x : *f.value) EXPECT_FALSE(x.name.empty());
}

TEST_F(TestmoHttp, UnknownIdIsNotFound) {
    for (const char* id : {"99999999", "run_abc"}) {
        auto r = get(id);
        ASSERT_FALSE(r.ok()) << id;
        EXPECT_TRUE(r.error.not_found) << id;
    }
    auto f = failures("99999999");
    ASSERT_FALSE(f.ok());
    EXPECT_TRUE(f.error.not_found);
}

TEST_F(TestmoHttp, ServerErrorAfterRetries) {
    env.fault(R"({"error_rate":1})");
    auto r = list({}, "", 10);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error.kind, http::upstream_error_kind::server);
    EXPECT_GE(r.error.http_status, 500);
    env.fault("{}");
    EXPECT_EQ(env.stats().at("total").as_int64(), 3);  // max_attempts
}

TEST_F(TestmoHttp, RateLimitedIsThrottled) {
    env.fault(R"({"rate_429":1})");
    auto r = list({}, "", 10, 2s);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error.kind, http::upstream_error_kind::throttled);
    EXPECT_EQ(r.error.http_status, 429);
}

TEST_F(TestmoHttp, MalformedBodyIsMalformed) {
    env.fault(R"({"malformed_rate":1})");
    auto r = list({}, "", 10);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error.kind, http::upstream_error_kind::malformed);
}

TEST_F(TestmoHttp, TruncatedBodyIsMalformed) {
    env.fault(R"({"truncate_rate":1})");
    auto r = list({}, "", 10);
    ASSERT_FALSE(r.ok());
    // Cut short of its Content-Length: http::client reports the partial answer as malformed.
    EXPECT_EQ(r.error.kind, http::upstream_error_kind::malformed) << http::to_string(r.error.kind);
}

TEST_F(TestmoHttp, HangTimesOutAtTheDeadline) {
    env.fault(R"({"hang_rate":1})");
    auto start = clock::now();
    auto r = list({}, "", 10, 500ms);
    auto took = clock::now() - start;
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error.kind, http::upstream_error_kind::timeout);
    EXPECT_GE(took, 450ms);
    EXPECT_LT(took, 1500ms);
}

TEST_F(TestmoHttp, ResetIsNetwork) {
    env.fault(R"({"reset_rate":1})");
    auto r = list({}, "", 10);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error.kind, http::upstream_error_kind::network);
}

TEST_F(TestmoHttp, CanceledOnlyQueryAnswersEmptyWithoutACall) {
    list_query q;
    q.statuses = {model::run_status::canceled, model::run_status::stale};
    auto r = list(q, "", 10);
    ASSERT_TRUE(r.ok()) << r.error.detail;
    EXPECT_TRUE(r.value->runs.empty());
    EXPECT_FALSE(r.value->next);
    EXPECT_EQ(env.stats().at("total").as_int64(), 0);
}

TEST_F(TestmoHttp, WalkWhileRunsAppearAtTheTopReturnsEachEarlierRunOnce) {
    std::set<std::string> before;
    for (const auto& r : walk({}, 15)) before.insert(r.id);
    ASSERT_GT(before.size(), 100u);

    auto first = list({}, "", 15);
    ASSERT_TRUE(first.ok()) << first.error.detail;
    std::vector<model::run> seen = first.value->runs;
    // New runs land at the top and push every page down (POST …/automation/runs, documented).
    for (int i = 0; i < 20; ++i) {
        auto made =
            env.call("POST", runs_path(),
                     R"({"name":"inserted )" + std::to_string(i) + R"(","source":"ci"})", true);
        ASSERT_TRUE(made.ok()) << made.detail;
        ASSERT_EQ(made.response->status, 201) << made.response->body;
    }
    std::string pos = *first.value->next;
    for (int pages = 0; pages < 100; ++pages) {
        auto p = list({}, pos, 15);
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
