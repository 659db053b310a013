// The Sofy connector against the sandbox's Sofy over verified TLS: walks, the date window,
// filters, get, failures, unknown ids, and every fault the sandbox injects.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "connectors/sofy/sofy_connector.hpp"
#include "connectors/sofy/sofy_paging.hpp"
#include "sandbox_env.hpp"

namespace sofy = runhub::connectors::sofy;
using namespace std::chrono_literals;
using runhub::connectors::list_query;
using runhub::http::upstream_error_kind;
using runhub::model::run;
using runhub::model::run_status;
using runhub::test::sandbox_env;

namespace {

class SofyHttp : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { env_ = new sandbox_env(); }
    static void TearDownTestSuite() {
        delete env_;
        env_ = nullptr;
    }
    void TearDown() override { env_->set_faults("sofy", "{}"); }

    // A source of every application (the sandbox scope's application_guid would narrow it).
    static std::unique_ptr<runhub::connectors::connector> all_apps() {
        auto s = env_->source("sofy");
        s.scope.erase("application_guid");
        return sofy::make_sofy_connector(s, env_->deps());
    }

    static std::vector<run> walk(runhub::connectors::connector& c, const list_query& q, int limit,
                                 int* pages = nullptr) {
        std::vector<run> all;
        std::string position;
        for (int i = 0; i < 1000; ++i) {
            auto page = env_->run(c.list(q, position, limit, sandbox_env::deadline(10s)));
            EXPECT_TRUE(page.ok())
                << runhub::http::to_string(page.error.kind) << " " << page.error.detail;
            if (!page.ok()) break;
            if (pages) ++*pages;
            EXPECT_LE(page.value->runs.size(), static_cast<std::size_t>(std::max(limit, 1)));
            all.insert(all.end(), page.value->runs.begin(), page.value->runs.end());
            if (!page.value->next) break;
            position = *page.value->next;
        }
        return all;
    }

    static void expect_once_and_ordered(const std::vector<run>& runs) {
        std::set<std::string> ids;
        for (const auto& r : runs) EXPECT_TRUE(ids.insert(r.id).second) << "twice: " << r.id;
        for (std::size_t k = 1; k < runs.size(); ++k)
            EXPECT_TRUE(runhub::model::newer_first(runs[k - 1], runs[k])) << runs[k].id;
    }

    static std::int64_t test_runs(const std::vector<run>& runs) {
        std::int64_t n = 0;
        for (const auto& r : runs) n += r.counts ? r.counts->total : 0;
        return n;
    }

    // The vendor's own total of records for a window ("YYYY-MM-DD HH:MM").
    static std::int64_t vendor_total(const std::string& from, const std::string& end = "") {
        auto enc = [](std::string s) {
            s.replace(s.find(' '), 1, "%20");
            s.replace(s.find(':'), 1, "%3A");
            return s;
        };
        std::string t = "/reports-microservice/schedule-report/fetch-scheduled-runs?pageSize=1";
        if (!from.empty()) t += "&fromDate=" + enc(from);
        if (!end.empty()) t += "&endDate=" + enc(end);
        return env_->vendor_get("sofy", t).at("totalRecordsFound").to_number<std::int64_t>();
    }

    static sandbox_env* env_;
};

sandbox_env* SofyHttp::env_ = nullptr;

}  // namespace

TEST_F(SofyHttp, FullWalkHoldsEveryTestRunOnceNewestFirst) {
    auto c = all_apps();
    int pages = 0;
    auto runs = walk(*c, {}, 50, &pages);
    ASSERT_FALSE(runs.empty());
    expect_once_and_ordered(runs);
    // Without `since` the connector asks for 90 days, not Sofy's default 7: all 300 records.
    EXPECT_EQ(test_runs(runs), sandbox_env::runs_per_vendor);
    EXPECT_EQ(test_runs(runs), vendor_total("2000-01-01 00:00"));
    EXPECT_LT(vendor_total(""), sandbox_env::runs_per_vendor);  // what the default would give
    for (const auto& r : runs) {
        EXPECT_EQ(r.vendor, "sofy");
        EXPECT_EQ(r.id, "sofy:" + r.native_id);
        EXPECT_TRUE(r.created_at);
        EXPECT_TRUE(r.project);
    }
    // Small pages (groups cut by vendor pages, and partly read pages) give the same runs.
    auto small = walk(*c, {}, 7);
    ASSERT_EQ(small.size(), runs.size());
    for (std::size_t i = 0; i < runs.size(); ++i) EXPECT_EQ(small[i].id, runs[i].id);
}

TEST_F(SofyHttp, DateWindowIsAskedOfTheVendor) {
    auto c = all_apps();
    auto all = walk(*c, {}, 100);
    ASSERT_GT(all.size(), 40u);
    list_query w;
    w.until = *all[10].created_at;
    w.since = *all[40].created_at;
    auto got = walk(*c, w, 100);
    auto expected = std::count_if(all.begin(), all.end(), [&](const run& r) {
        return *r.created_at >= *w.since && *r.created_at < *w.until;
    });
    EXPECT_EQ(static_cast<long>(got.size()), expected);
    expect_once_and_ordered(got);
    // The vendor was asked for the window: its records fit one vendor page.
    list_query narrow;
    narrow.until = *all[10].created_at;
    narrow.since = *all[25].created_at;
    const std::string route = "GET /reports-microservice/schedule-report/fetch-scheduled-runs";
    auto before = env_->requests("sofy", route);
    auto few = walk(*c, narrow, 100);
    EXPECT_EQ(few.size(), 15u);
    EXPECT_EQ(env_->requests("sofy", route) - before, 1);
}

TEST_F(SofyHttp, StatusFiltersAndApplicationScope) {
    auto c = all_apps();
    auto all = walk(*c, {}, 100);
    for (auto wanted : {run_status::passed, run_status::failed, run_status::running,
                        run_status::canceled, run_status::error}) {
        list_query q;
        q.statuses = {wanted};
        auto got = walk(*c, q, 100);
        auto expected =
            std::count_if(all.begin(), all.end(), [&](const run& r) { return r.status == wanted; });
        EXPECT_EQ(static_cast<long>(got.size()), expected) << to_string(wanted);
        for (const auto& r : got) EXPECT_EQ(r.status, wanted);
    }
    auto s = env_->source("sofy");
    const std::string app = s.scope.at("application_guid");
    auto scoped = sofy::make_sofy_connector(s, env_->deps());
    auto mine = walk(*scoped, {}, 100);
    ASSERT_FALSE(mine.empty());
    EXPECT_LT(mine.size(), all.size());
    for (const auto& r : mine) EXPECT_EQ(r.project->id, app);
    list_query branch;
    branch.branch = "main";
    EXPECT_TRUE(walk(*c, branch, 100).empty());
}

TEST_F(SofyHttp, GetAndFailuresOfListedRuns) {
    auto c = all_apps();
    auto all = walk(*c, {}, 100);
    ASSERT_FALSE(all.empty());
    for (const auto& listed : {all.front(), all[all.size() / 2], all.back()}) {
        auto got = env_->run(c->get(listed.native_id, sandbox_env::deadline(5s)));
        ASSERT_TRUE(got.ok()) << got.error.detail;
        EXPECT_EQ(got.value->id, listed.id);
        EXPECT_EQ(got.value->status, listed.status);
        EXPECT_EQ(got.value->counts->total, listed.counts->total);
        EXPECT_EQ(got.value->created_at, listed.created_at);
    }
    auto failed = std::find_if(all.begin(), all.end(),
                               [](const run& r) { return r.status == run_status::failed; });
    ASSERT_NE(failed, all.end());
    auto f = env_->run(c->failures(failed->native_id, sandbox_env::deadline(5s)));
    ASSERT_TRUE(f.ok()) << f.error.detail;
    EXPECT_GE(static_cast<std::int64_t>(f.value->size()), failed->counts->failed);
    auto passed = std::find_if(all.begin(), all.end(),
                               [](const run& r) { return r.status == run_status::passed; });
    ASSERT_NE(passed, all.end());
    auto none = env_->run(c->failures(passed->native_id, sandbox_env::deadline(5s)));
    ASSERT_TRUE(none.ok());
    EXPECT_TRUE(none.value->empty());
}

TEST_F(SofyHttp, UnknownIdsAreNotFound) {
    auto c = all_apps();
    auto all = walk(*c, {}, 100);
    ASSERT_FALSE(all.empty());
    auto guid = all.front().native_id.substr(0, all.front().native_id.rfind('.'));
    for (std::string id : {guid + ".999", std::string("00000000-0000-4000-8000-000000000000.1"),
                           std::string("garbage")}) {
        auto got = env_->run(c->get(id, sandbox_env::deadline(5s)));
        ASSERT_FALSE(got.ok()) << id;
        EXPECT_TRUE(got.error.not_found) << id;
        auto f = env_->run(c->failures(id, sandbox_env::deadline(5s)));
        ASSERT_FALSE(f.ok()) << id;
        EXPECT_TRUE(f.error.not_found) << id;
    }
}

TEST_F(SofyHttp, ForeignPositionIsAClientError) {
    auto c = all_apps();
    auto page = env_->run(c->list({}, "nonsense", 10, sandbox_env::deadline(5s)));
    ASSERT_FALSE(page.ok());
    EXPECT_EQ(page.error.kind, upstream_error_kind::client);
}

TEST_F(SofyHttp, ServerErrorAfterRetries) {
    auto c = all_apps();
    env_->set_faults("sofy", R"({"error_rate":1})");
    auto page = env_->run(c->list({}, "", 20, sandbox_env::deadline(5s)));
    ASSERT_FALSE(page.ok());
    EXPECT_EQ(page.error.kind, upstream_error_kind::server);
    EXPECT_GE(page.error.http_status, 500);
}

TEST_F(SofyHttp, RateLimitedIsThrottled) {
    auto c = all_apps();
    env_->set_faults("sofy", R"({"rate_429":1})");
    auto page = env_->run(c->list({}, "", 20, sandbox_env::deadline(5s)));
    ASSERT_FALSE(page.ok());
    EXPECT_EQ(page.error.kind, upstream_error_kind::throttled);
}

TEST_F(SofyHttp, MalformedIsMalformedTruncatedIsATransportError) {
    auto c = all_apps();
    env_->set_faults("sofy", R"({"malformed_rate":1})");
    auto page = env_->run(c->list({}, "", 20, sandbox_env::deadline(5s)));
    ASSERT_FALSE(page.ok());
    EXPECT_EQ(page.error.kind, upstream_error_kind::malformed)
        << runhub::http::to_string(page.error.kind) << " " << page.error.detail;
    // A body cut short of its Content-Length never reaches the connector: http::client reports
    // the transport failure (over TLS "stream truncated": tls), not malformed.
    env_->set_faults("sofy", R"({"truncate_rate":1})");
    page = env_->run(c->list({}, "", 20, sandbox_env::deadline(5s)));
    ASSERT_FALSE(page.ok());
    EXPECT_TRUE(page.error.kind == upstream_error_kind::tls ||
                page.error.kind == upstream_error_kind::network ||
                page.error.kind == upstream_error_kind::malformed)
        << runhub::http::to_string(page.error.kind);
}

TEST_F(SofyHttp, HangTimesOutAtTheDeadline) {
    auto c = all_apps();
    env_->set_faults("sofy", R"({"hang_rate":1})");
    auto start = std::chrono::steady_clock::now();
    auto page = env_->run(c->list({}, "", 20, sandbox_env::deadline(500ms)));
    auto took = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(page.ok());
    EXPECT_EQ(page.error.kind, upstream_error_kind::timeout);
    EXPECT_GE(took, 450ms);
    EXPECT_LT(took, 2s);
}

TEST_F(SofyHttp, ResetIsNetwork) {
    auto c = all_apps();
    env_->set_faults("sofy", R"({"reset_rate":1})");
    auto page = env_->run(c->list({}, "", 20, sandbox_env::deadline(5s)));
    ASSERT_FALSE(page.ok());
    EXPECT_EQ(page.error.kind, upstream_error_kind::network);
}

// Last: it adds a run (and resets the sandbox after).
TEST_F(SofyHttp, NewRunsDuringAWalkMoveNothingTwice) {
    auto c = all_apps();
    auto before = walk(*c, {}, 100);
    ASSERT_FALSE(before.empty());
    auto s = env_->source("sofy");
    std::vector<run> seen;
    std::string position;
    for (int i = 0; i < 1000; ++i) {
        auto page = env_->run(c->list({}, position, 5, sandbox_env::deadline(10s)));
        ASSERT_TRUE(page.ok()) << page.error.detail;
        seen.insert(seen.end(), page.value->runs.begin(), page.value->runs.end());
        if (i < 3) {
            // A new group of test runs lands at the top and moves every row down.
            env_->vendor_post("sofy",
                              "/scheduler-microservice/scheduled-runs/" +
                                  s.scope.at("schedule_guid") +
                                  "/execute?appHash=" + s.scope.at("app_hash"),
                              "");
        }
        if (!page.value->next) break;
        position = *page.value->next;
    }
    env_->reset("sofy");
    expect_once_and_ordered(seen);
    ASSERT_EQ(seen.size(), before.size());
    for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i].id, before[i].id);
}
