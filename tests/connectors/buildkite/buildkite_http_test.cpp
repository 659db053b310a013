// The Buildkite Test Engine connector against the sandbox's emulator over verified TLS.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "connectors/buildkite/buildkite_connector.hpp"
#include "connectors/buildkite/link_header.hpp"
#include "connectors/common/sandbox_env.hpp"

using namespace runhub;
using namespace runhub::connectors;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

class BuildkiteHttp : public ::testing::Test {
  protected:
    test::sandbox_env env{"buildkite"};
    std::unique_ptr<connector> conn;

    void SetUp() override {
        ASSERT_EQ(env.info.name, "buildkite");
        ASSERT_EQ(env.info.base_url.rfind("https://", 0), 0u) << env.info.base_url;
        source_config src;
        src.name = "bk-sb";
        src.vendor = "buildkite";
        src.base_url = env.info.base_url;
        auto v = env.info.auth_value;
        src.credential = v.substr(v.find(' ') + 1);  // "Bearer <token>"
        src.scope["org"] = env.scope("org");
        src.scope["suite"] = env.scope("suite");
        conn = buildkite::make_buildkite_connector(src, env.deps());
    }

    std::string runs_path() const {
        return "/v2/analytics/organizations/" + env.scope("org") + "/suites/" + env.scope("suite") +
               "/runs";
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
    std::vector<model::run> walk(const list_query& q, int limit, int* pages_out = nullptr) {
        std::vector<model::run> all;
        std::string pos;
        int pages = 0;
        while (pages < 1000) {
            auto p = list(q, pos, limit);
            ++pages;
            EXPECT_TRUE(p.ok()) << p.error.detail;
            if (!p.ok()) break;
            EXPECT_TRUE(
                std::is_sorted(p.value->runs.begin(), p.value->runs.end(), model::newer_first));
            all.insert(all.end(), p.value->runs.begin(), p.value->runs.end());
            if (!p.value->next) break;
            pos = *p.value->next;
        }
        if (pages_out) *pages_out = pages;
        return all;
    }
    // The vendor walked directly, following its Link header: every run id.
    std::vector<std::string> vendor_ids() {
        std::vector<std::string> ids;
        int page = 1;
        for (int n = 0; n < 100; ++n) {
            auto r = env.call("GET", runs_path() + "?per_page=100&page=" + std::to_string(page), {},
                              true);
            EXPECT_TRUE(r.ok()) << r.detail;
            if (!r.ok()) break;
            auto doc = json::parse(r.response->body);
            for (const auto& run : doc.as_array()) ids.emplace_back(run.at("id").as_string());
            auto link = r.response->headers.get("Link");
            if (!link) break;
            auto next = buildkite::find_rel(*buildkite::parse_link_header(*link), "next");
            if (!next) break;
            page = *buildkite::page_param(*next);
        }
        return ids;
    }
};

}  // namespace

TEST_F(BuildkiteHttp, FullWalkMatchesTheVendorNewestFirstWithoutDuplicates) {
    auto want = vendor_ids();
    ASSERT_GT(want.size(), 100u);
    auto runs = walk({}, 30);
    EXPECT_EQ(runs.size(), want.size());
    EXPECT_TRUE(std::is_sorted(runs.begin(), runs.end(), model::newer_first));
    std::set<std::string> ids, want_ids;
    for (const auto& r : runs) EXPECT_TRUE(ids.insert(r.id).second) << "duplicate " << r.id;
    for (const auto& id : want) want_ids.insert(model::make_run_id("bk-sb", id));
    EXPECT_EQ(ids, want_ids);
}

TEST_F(BuildkiteHttp, FiltersInTheConnectorAndSinceStopsPaging) {
    auto all = walk({}, 100);
    ASSERT_GT(all.size(), 100u);
    list_query q;
    q.statuses = {model::run_status::failed, model::run_status::passed};
    q.branch = all[20].branch;
    ASSERT_TRUE(q.branch);
    q.until = *all[10].created_at;
    q.since = *all[60].created_at;
    std::vector<std::string> want;
    for (const auto& r : all)
        if ((r.status == model::run_status::failed || r.status == model::run_status::passed) &&
            r.branch == q.branch && *r.created_at >= *q.since && *r.created_at < *q.until)
            want.push_back(r.id);
    ASSERT_FALSE(want.empty());
    int pages = 0;
    std::vector<std::string> got;
    for (const auto& r : walk(q, 10, &pages)) got.push_back(r.id);
    EXPECT_EQ(got, want);
    // Runs are newest first: the walk ends on the page that passes below `since` (7 of 30+).
    EXPECT_LE(pages, 7);
}

TEST_F(BuildkiteHttp, GetOfAListedRunAndItsFailedExecutions) {
    auto page = list({{}, {}, {model::run_status::failed}, {}}, "", 100);
    ASSERT_TRUE(page.ok()) << page.error.detail;
    ASSERT_FALSE(page.value->runs.empty());
    const auto& listed = page.value->runs.front();
    auto got = get(listed.native_id);
    ASSERT_TRUE(got.ok()) << got.error.detail;
    EXPECT_EQ(got.value->id, listed.id);
    EXPECT_EQ(got.value->vendor_status, listed.vendor_status);
    EXPECT_EQ(got.value->created_at, listed.created_at);
    auto f = failures(listed.native_id);
    ASSERT_TRUE(f.ok()) << f.error.detail;
    ASSERT_FALSE(f.value->empty());
    for (const auto& x : *f.value) {
        EXPECT_FALSE(x.name.empty());
        EXPECT_TRUE(x.duration_ms.has_value());
    }
}

TEST_F(BuildkiteHttp, UnknownIdIsNotFound) {
    auto r = get("00000000-0000-4000-8000-000000000000");
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error.not_found);
    EXPECT_EQ(r.error.kind, http::upstream_error_kind::client);
}

TEST_F(BuildkiteHttp, ServerErrorAfterRetries) {
    env.fault(R"({"error_rate":1})");
    auto r = list({}, "", 10);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error.kind, http::upstream_error_kind::server);
    EXPECT_GE(r.error.http_status, 500);
    env.fault("{}");
    EXPECT_EQ(env.stats().at("total").as_int64(), 3);  // max_attempts
}

TEST_F(BuildkiteHttp, RateLimitedIsThrottled) {
    env.fault(R"({"rate_429":1})");
    auto r = list({}, "", 10, 2s);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error.kind, http::upstream_error_kind::throttled);
    EXPECT_EQ(r.error.http_status, 429);
}

TEST_F(BuildkiteHttp, MalformedBodyIsMalformed) {
    env.fault(R"({"malformed_rate":1})");
    auto r = list({}, "", 10);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error.kind, http::upstream_error_kind::malformed);
}

TEST_F(BuildkiteHttp, TruncatedBodyIsMalformed) {
    env.fault(R"({"truncate_rate":1})");
    auto r = list({}, "", 10);
    ASSERT_FALSE(r.ok());
    // Cut short of its Content-Length: http::client reports the partial answer as malformed.
    EXPECT_EQ(r.error.kind, http::upstream_error_kind::malformed) << http::to_string(r.error.kind);
}

TEST_F(BuildkiteHttp, HangTimesOutAtTheDeadline) {
    env.fault(R"({"hang_rate":1})");
    auto start = clock::now();
    auto r = list({}, "", 10, 500ms);
    auto took = clock::now() - start;
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error.kind, http::upstream_error_kind::timeout);
    EXPECT_GE(took, 450ms);
    EXPECT_LT(took, 1500ms);
}

TEST_F(BuildkiteHttp, ResetIsNetwork) {
    env.fault(R"({"reset_rate":1})");
    auto r = list({}, "", 10);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error.kind, http::upstream_error_kind::network);
}

TEST_F(BuildkiteHttp, WalkWhileRunsAppearAtTheTopReturnsEachEarlierRunOnce) {
    std::set<std::string> before;
    for (const auto& r : walk({}, 25)) before.insert(r.id);
    ASSERT_GT(before.size(), 100u);

    auto first = list({}, "", 25);
    ASSERT_TRUE(first.ok()) << first.error.detail;
    std::vector<model::run> seen = first.value->runs;
    // Runs are born from uploads (vendor-notes §4.4); each new run_env key is a new run.
    for (int i = 0; i < 30; ++i) {
        auto body = R"({"format":"json","run_env":{"CI":"buildkite","key":"walk-)" +
                    std::to_string(i) +
                    R"(","branch":"main","commit_sha":"abc"},"data":[{"id":"t1","name":"a",)"
                    R"("result":"passed","history":{"duration":1.0}}]})";
        auto made =
            env.call_as("POST", "/v1/uploads", body, "Authorization", env.scope("upload_token"));
        ASSERT_TRUE(made.ok()) << made.detail;
        ASSERT_LT(made.response->status, 300) << made.response->body;
    }
    std::string pos = *first.value->next;
    for (int pages = 0; pages < 100; ++pages) {
        auto p = list({}, pos, 25);
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
