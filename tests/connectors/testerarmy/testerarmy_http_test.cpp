// The TesterArmy connector against the sandbox's TesterArmy over verified TLS: walks, filters,
// get, failures, and every fault the sandbox injects.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "connectors/testerarmy/testerarmy_connector.hpp"
#include "sandbox_env.hpp"

namespace ta = runhub::connectors::testerarmy;
using namespace std::chrono_literals;
using runhub::connectors::list_query;
using runhub::connectors::run_page;
using runhub::http::upstream_error_kind;
using runhub::model::run;
using runhub::model::run_status;
using runhub::test::sandbox_env;

namespace {

class TesterArmyHttp : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { env_ = new sandbox_env(); }
    static void TearDownTestSuite() {
        delete env_;
        env_ = nullptr;
    }
    void TearDown() override { env_->set_faults("testerarmy", "{}"); }

    // A source of every project (the sandbox scope's project_id would narrow it).
    static std::unique_ptr<runhub::connectors::connector> all_projects() {
        auto s = env_->source("testerarmy", "ta");
        s.scope.erase("project_id");
        return ta::make_testerarmy_connector(s, env_->deps());
    }

    // Every page of a walk; fails the test on an error.
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
            for (std::size_t k = 1; k < page.value->runs.size(); ++k)
                EXPECT_TRUE(
                    runhub::model::newer_first(page.value->runs[k - 1], page.value->runs[k]));
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

    static sandbox_env* env_;
};

sandbox_env* TesterArmyHttp::env_ = nullptr;

}  // namespace

TEST_F(TesterArmyHttp, FullWalkYieldsEveryRunOnceNewestFirst) {
    auto c = all_projects();
    int pages = 0;
    auto runs = walk(*c, {}, 100, &pages);
    EXPECT_EQ(runs.size(), static_cast<std::size_t>(sandbox_env::runs_per_vendor));
    EXPECT_EQ(pages, 3);
    expect_once_and_ordered(runs);
    for (const auto& r : runs) {
        EXPECT_EQ(r.vendor, "testerarmy");
        EXPECT_EQ(r.id, "ta:" + r.native_id);
        EXPECT_TRUE(r.created_at);
        EXPECT_FALSE(r.vendor_status.empty());
    }
    // Small pages give the same runs.
    auto small = walk(*c, {}, 37);
    ASSERT_EQ(small.size(), runs.size());
    for (std::size_t i = 0; i < runs.size(); ++i) EXPECT_EQ(small[i].id, runs[i].id);
}

TEST_F(TesterArmyHttp, ProjectScopeIsAppliedByTheVendor) {
    auto s = env_->source("testerarmy", "ta");
    const std::string project = s.scope.at("project_id");
    auto c = ta::make_testerarmy_connector(s, env_->deps());
    auto runs = walk(*c, {}, 100);
    ASSERT_FALSE(runs.empty());
    for (const auto& r : runs) {
        ASSERT_TRUE(r.project);
        EXPECT_EQ(r.project->id, project);
    }
    auto theirs = env_->vendor_get("testerarmy", "/api/v1/runs?limit=100&projectId=" + project);
    EXPECT_LT(runs.size(), static_cast<std::size_t>(sandbox_env::runs_per_vendor));
    EXPECT_GE(runs.size(), theirs.at("runs").as_array().size());
}

TEST_F(TesterArmyHttp, StatusAndDateFilters) {
    auto c = all_projects();
    auto all = walk(*c, {}, 100);
    ASSERT_EQ(all.size(), static_cast<std::size_t>(sandbox_env::runs_per_vendor));

    for (auto wanted : {run_status::passed, run_status::failed, run_status::error,
                        run_status::canceled, run_status::queued}) {
        list_query q;
        q.statuses = {wanted};
        auto got = walk(*c, q, 100);
        auto expected =
            std::count_if(all.begin(), all.end(), [&](const run& r) { return r.status == wanted; });
        EXPECT_EQ(static_cast<long>(got.size()), expected) << to_string(wanted);
        for (const auto& r : got) EXPECT_EQ(r.status, wanted);
    }

    // A window in the middle: exactly the runs inside it, and the walk stops below `since`.
    list_query w;
    w.until = *all[50].created_at;
    w.since = *all[120].created_at;
    auto before = env_->requests("testerarmy", "GET /api/v1/runs");
    auto got = walk(*c, w, 100);
    auto used = env_->requests("testerarmy", "GET /api/v1/runs") - before;
    auto expected = std::count_if(all.begin(), all.end(), [&](const run& r) {
        return *r.created_at >= *w.since && *r.created_at < *w.until;
    });
    EXPECT_EQ(static_cast<long>(got.size()), expected);
    expect_once_and_ordered(got);
    EXPECT_EQ(used, 2);  // runs 0..99, then 100..199 pass below since: no third page

    list_query branch;
    branch.branch = "main";
    before = env_->requests("testerarmy", "GET /api/v1/runs");
    EXPECT_TRUE(walk(*c, branch, 100).empty());
    EXPECT_EQ(env_->requests("testerarmy", "GET /api/v1/runs"), before);
}

TEST_F(TesterArmyHttp, GetAndFailuresOfListedRuns) {
    auto c = all_projects();
    auto all = walk(*c, {}, 100);
    ASSERT_FALSE(all.empty());
    for (const auto& listed : {all.front(), all.back()}) {
        auto got = env_->run(c->get(listed.native_id, sandbox_env::deadline(5s)));
        ASSERT_TRUE(got.ok()) << got.error.detail;
        EXPECT_EQ(got.value->id, listed.id);
        EXPECT_EQ(got.value->created_at, listed.created_at);
        EXPECT_TRUE(got.value->raw);
    }
    auto failed = std::find_if(all.begin(), all.end(),
                               [](const run& r) { return r.vendor_status == "completed/FAILED"; });
    ASSERT_NE(failed, all.end());
    auto f = env_->run(c->failures(failed->native_id, sandbox_env::deadline(5s)));
    ASSERT_TRUE(f.ok()) << f.error.detail;
    EXPECT_FALSE(f.value->empty());
    auto passed = std::find_if(all.begin(), all.end(),
                               [](const run& r) { return r.vendor_status == "completed/PASS"; });
    ASSERT_NE(passed, all.end());
    auto none = env_->run(c->failures(passed->native_id, sandbox_env::deadline(5s)));
    ASSERT_TRUE(none.ok());
    EXPECT_TRUE(none.value->empty());
}

TEST_F(TesterArmyHttp, UnknownIdIsNotFound) {
    auto c = all_projects();
    auto missing =
        env_->run(c->get("00000000-0000-4000-8000-000000000000", sandbox_env::deadline(5s)));
    ASSERT_FALSE(missing.ok());
    EXPECT_TRUE(missing.error.not_found);
    EXPECT_EQ(missing.error.http_status, 404);
    auto before = env_->requests("testerarmy", "GET /api/v1/runs/{id}");
    auto garbage = env_->run(c->get("not-a-uuid", sandbox_env::deadline(5s)));
    ASSERT_FALSE(garbage.ok());
    EXPECT_TRUE(garbage.error.not_found);
    EXPECT_EQ(env_->requests("testerarmy", "GET /api/v1/runs/{id}"), before);
    auto f =
        env_->run(c->failures("00000000-0000-4000-8000-000000000000", sandbox_env::deadline(5s)));
    ASSERT_FALSE(f.ok());
    EXPECT_TRUE(f.error.not_found);
}

TEST_F(TesterArmyHttp, ServerErrorAfterRetries) {
    auto c = all_projects();
    env_->set_faults("testerarmy", R"({"error_rate":1})");
    auto before = env_->requests("testerarmy", "GET /api/v1/runs");
    auto page = env_->run(c->list({}, "", 20, sandbox_env::deadline(5s)));
    ASSERT_FALSE(page.ok());
    EXPECT_EQ(page.error.kind, upstream_error_kind::server);
    EXPECT_GE(page.error.http_status, 500);
    EXPECT_EQ(env_->requests("testerarmy", "GET /api/v1/runs") - before, 3);  // max_attempts
}

TEST_F(TesterArmyHttp, RateLimitedIsThrottled) {
    auto c = all_projects();
    env_->set_faults("testerarmy", R"({"rate_429":1})");
    auto page = env_->run(c->list({}, "", 20, sandbox_env::deadline(5s)));
    ASSERT_FALSE(page.ok());
    EXPECT_EQ(page.error.kind, upstream_error_kind::throttled);
    EXPECT_EQ(page.error.http_status, 429);
}

TEST_F(TesterArmyHttp, MalformedIsMalformedTruncatedIsATransportError) {
    auto c = all_projects();
    env_->set_faults("testerarmy", R"({"malformed_rate":1})");
    auto page = env_->run(c->list({}, "", 20, sandbox_env::deadline(5s)));
    ASSERT_FALSE(page.ok());
    EXPECT_EQ(page.error.kind, upstream_error_kind::malformed)
        << runhub::http::to_string(page.error.kind) << " " << page.error.detail;
    // A body cut short of its Content-Length never reaches the connector: http::client reports
    // the transport failure (over TLS "stream truncated": tls), not malformed.
    env_->set_faults("testerarmy", R"({"truncate_rate":1})");
    page = env_->run(c->list({}, "", 20, sandbox_env::deadline(5s)));
    ASSERT_FALSE(page.ok());
    EXPECT_TRUE(page.error.kind == upstream_error_kind::tls ||
                page.error.kind == upstream_error_kind::network ||
                page.error.kind == upstream_error_kind::malformed)
        << runhub::http::to_string(page.error.kind);
}

TEST_F(TesterArmyHttp, HangTimesOutAtTheDeadline) {
    auto c = all_projects();
    env_->set_faults("testerarmy", R"({"hang_rate":1})");
    auto start = std::chrono::steady_clock::now();
    auto page = env_->run(c->list({}, "", 20, sandbox_env::deadline(500ms)));
    auto took = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(page.ok());
    EXPECT_EQ(page.error.kind, upstream_error_kind::timeout);
    EXPECT_GE(took, 450ms);
    EXPECT_LT(took, 2s);
}

TEST_F(TesterArmyHttp, ResetIsNetwork) {
    auto c = all_projects();
    env_->set_faults("testerarmy", R"({"reset_rate":1})");
    auto page = env_->run(c->list({}, "", 20, sandbox_env::deadline(5s)));
    ASSERT_FALSE(page.ok());
    EXPECT_EQ(page.error.kind, upstream_error_kind::network);
}

TEST_F(TesterArmyHttp, WrongCredentialIsAClientError) {
    auto s = env_->source("testerarmy", "ta");
    s.credential = "sk_wrong";
    auto c = ta::make_testerarmy_connector(s, env_->deps());
    auto page = env_->run(c->list({}, "", 20, sandbox_env::deadline(5s)));
    ASSERT_FALSE(page.ok());
    EXPECT_EQ(page.error.kind, upstream_error_kind::client);
    EXPECT_EQ(page.error.http_status, 401);
}

// Last: it adds runs (and resets the sandbox after).
TEST_F(TesterArmyHttp, NewRunsDuringAWalkMoveNothingTwice) {
    auto c = all_projects();
    auto before = walk(*c, {}, 100);
    ASSERT_FALSE(before.empty());
    std::vector<run> seen;
    std::string position;
    for (int i = 0; i < 1000; ++i) {
        auto page = env_->run(c->list({}, position, 40, sandbox_env::deadline(10s)));
        ASSERT_TRUE(page.ok()) << page.error.detail;
        seen.insert(seen.end(), page.value->runs.begin(), page.value->runs.end());
        if (i < 3) env_->vendor_post("testerarmy", "/api/v1/runs", R"({"prompt":"check login"})");
        if (!page.value->next) break;
        position = *page.value->next;
    }
    env_->reset("testerarmy");
    expect_once_and_ordered(seen);
    ASSERT_EQ(seen.size(), before.size());
    for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i].id, before[i].id);
}
