// The Zof connector's trigger and cancel against the sandbox's Zof emulator over verified TLS.
#include <gtest/gtest.h>

#include <algorithm>

#include "connectors/common/sandbox_env.hpp"
#include "connectors/zof/zof_connector.hpp"

using namespace runhub;
using namespace runhub::connectors;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

std::int64_t route_count(const json::value& stats, const char* route) {
    auto* by = stats.at("by_route").as_object().if_contains(route);
    return by ? by->as_int64() : 0;
}

constexpr const char* post_runs = "POST /v1/runs";
constexpr const char* post_cancel = "POST /v1/runs/{id}/cancel";

class ZofWrite : public ::testing::Test {
  protected:
    test::sandbox_env env{"zof"};
    std::unique_ptr<connector> conn;

    source_config source(bool scoped) {
        source_config src;
        src.name = "zof-sb";
        src.vendor = "zof";
        src.base_url = env.info.base_url;
        auto v = env.info.auth_value;
        src.credential = v.substr(v.find(' ') + 1);  // "Bearer <key>"
        if (scoped) src.scope["project_id"] = env.scope("project_id");
        return src;
    }
    void SetUp() override {
        ASSERT_EQ(env.info.name, "zof");
        conn = zof::make_zof_connector(source(true), env.deps());
    }

    json::object suite_target() {
        return {{"environment", "staging"}, {"test_suite_id", env.scope("test_suite_id")}};
    }
    json::object cases_target() {
        return {{"environment", "staging"},
                {"test_case_ids", json::parse(env.scope("test_case_ids"))}};
    }

    outcome<trigger_result> trigger(json::object target, std::string key = {},
                                    connector* c = nullptr) {
        if (!c) c = conn.get();
        trigger_request req{std::move(target), std::move(key)};
        return env.run([=]() -> asio::awaitable<outcome<trigger_result>> {
            auto r = co_await c->trigger(req, clock::now() + 10s);
            co_return r;
        });
    }
    outcome<model::run> cancel(std::string id) {
        auto* c = conn.get();
        return env.run([=]() -> asio::awaitable<outcome<model::run>> {
            auto r = co_await c->cancel(id, clock::now() + 10s);
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
    outcome<run_page> first_page() {
        auto* c = conn.get();
        return env.run([=]() -> asio::awaitable<outcome<run_page>> {
            auto r = co_await c->list({}, "", 20, clock::now() + 10s);
            co_return r;
        });
    }
    bool listed(const std::string& id) {
        auto p = first_page();
        EXPECT_TRUE(p.ok()) << p.error.detail;
        if (!p.ok()) return false;
        return std::any_of(p.value->runs.begin(), p.value->runs.end(),
                           [&](const model::run& r) { return r.id == id; });
    }
    // Every run the vendor holds (all projects), walked directly.
    std::vector<json::object> vendor_runs() {
        std::vector<json::object> all;
        std::string after;
        for (int pages = 0; pages < 100; ++pages) {
            auto r = env.call(
                "GET", "/v1/runs?limit=100" + (after.empty() ? "" : "&starting_after=" + after), {},
                true);
            EXPECT_TRUE(r.ok()) << r.detail;
            if (!r.ok()) break;
            auto doc = json::parse(r.response->body);
            for (const auto& run : doc.at("data").as_array()) all.push_back(run.as_object());
            if (!doc.at("has_more").as_bool()) break;
            after = std::string(doc.at("next_cursor").as_string());
        }
        return all;
    }
    void advance(int ms) {
        auto r =
            env.call("POST", "/_sandbox/clock", R"({"advance_ms":)" + std::to_string(ms) + "}");
        ASSERT_TRUE(r.ok()) << r.detail;
    }
};

}  // namespace

TEST_F(ZofWrite, TriggerByCaseIdsDefaultsToTheScopedProjectAndIsSeenInGetAndList) {
    auto t = trigger(cases_target());
    ASSERT_TRUE(t.ok()) << t.error.detail << " " << t.error.message;
    const auto& run = t.value->run;
    EXPECT_FALSE(t.value->queued_only);
    EXPECT_EQ(run.vendor, "zof");
    EXPECT_EQ(run.status, model::run_status::queued);
    EXPECT_FALSE(run.terminal);
    ASSERT_TRUE(run.project);
    EXPECT_EQ(run.project->id, env.scope("project_id"));
    EXPECT_EQ(run.environment, "staging");
    ASSERT_TRUE(run.raw);
    EXPECT_EQ(run.raw->at("test_case_ids"), json::parse(env.scope("test_case_ids")));

    auto got = get(run.native_id);
    ASSERT_TRUE(got.ok()) << got.error.detail;
    EXPECT_EQ(got.value->id, run.id);
    EXPECT_TRUE(listed(run.id));
    EXPECT_EQ(route_count(env.stats(), post_runs), 1);
}

TEST_F(ZofWrite, TriggerBySuiteWithItsProjectIsSeenInGetAndList) {
    auto target = suite_target();
    target["project_id"] = env.scope("project_id");
    target["environment"] = "production";
    auto t = trigger(target);
    ASSERT_TRUE(t.ok()) << t.error.detail << " " << t.error.message;
    const auto& run = t.value->run;
    EXPECT_EQ(run.environment, "production");
    ASSERT_TRUE(run.raw);
    EXPECT_EQ(run.raw->at("test_suite_id"), json::value(env.scope("test_suite_id")));
    auto got = get(run.native_id);
    ASSERT_TRUE(got.ok()) << got.error.detail;
    EXPECT_EQ(got.value->id, run.id);
    EXPECT_TRUE(listed(run.id));
}

TEST_F(ZofWrite, TargetErrorsNameTheFieldBeforeAnyCall) {
    const std::string suite = env.scope("test_suite_id");
    struct row {
        json::object target;
        const char* field;
    };
    std::vector<row> rows{
        {{}, "target.environment"},
        {{{"environment", "staging"}}, "target.test_case_ids"},
        {{{"environment", 5}, {"test_suite_id", suite}}, "target.environment"},
        {{{"environment", ""}, {"test_suite_id", suite}}, "target.environment"},
        {{{"environment", "staging"}, {"test_case_ids", "tc_1"}}, "target.test_case_ids"},
        {{{"environment", "staging"}, {"test_case_ids", json::array()}}, "target.test_case_ids"},
        {{{"environment", "staging"}, {"test_case_ids", json::array{1}}}, "target.test_case_ids"},
        {{{"environment", "staging"},
          {"test_case_ids", json::array{"tc_1"}},
          {"test_suite_id", suite}},
         "target.test_suite_id"},
        {{{"environment", "staging"}, {"test_suite_id", true}}, "target.test_suite_id"},
        {{{"environment", "staging"}, {"test_suite_id", suite}, {"branch", "main"}},
         "target.branch"},
        {{{"project_id", 7}, {"environment", "staging"}, {"test_suite_id", suite}},
         "target.project_id"},
        // A project outside the source's scope: a key never reaches it through this source.
        {{{"project_id", "proj_other"}, {"environment", "staging"}, {"test_suite_id", suite}},
         "target.project_id"},
    };
    for (const auto& r : rows) {
        auto t = trigger(r.target);
        ASSERT_FALSE(t.ok()) << json::serialize(r.target);
        EXPECT_TRUE(t.error.invalid) << json::serialize(r.target);
        EXPECT_EQ(t.error.kind, http::upstream_error_kind::client);
        EXPECT_EQ(t.error.field, r.field) << json::serialize(r.target);
        EXPECT_FALSE(t.error.message.empty());
    }
    auto bad_key = trigger(suite_target(), "two words");
    ASSERT_FALSE(bad_key.ok());
    EXPECT_TRUE(bad_key.error.invalid);
    EXPECT_EQ(bad_key.error.field, "Idempotency-Key");
    EXPECT_EQ(env.stats().at("total").as_int64(), 0);
}

TEST_F(ZofWrite, AnUnscopedSourceNeedsTheProjectInTheTarget) {
    auto unscoped = zof::make_zof_connector(source(false), env.deps());
    auto t = trigger(suite_target(), {}, unscoped.get());
    ASSERT_FALSE(t.ok());
    EXPECT_TRUE(t.error.invalid);
    EXPECT_EQ(t.error.field, "target.project_id");
    auto target = suite_target();
    target["project_id"] = env.scope("project_id");
    auto ok = trigger(target, {}, unscoped.get());
    ASSERT_TRUE(ok.ok()) << ok.error.detail << " " << ok.error.message;
    EXPECT_EQ(ok.value->run.project->id, env.scope("project_id"));
}

TEST_F(ZofWrite, ZofValidationAnswersNameTheField) {
    auto target = suite_target();
    target["environment"] = std::string(100, 'e');  // Zof's 400 invalid_request, param environment
    auto t = trigger(target);
    ASSERT_FALSE(t.ok());
    EXPECT_TRUE(t.error.invalid);
    EXPECT_EQ(t.error.field, "target.environment");
    EXPECT_EQ(t.error.http_status, 400);
    EXPECT_NE(t.error.message.find("64"), std::string::npos) << t.error.message;

    auto unknown = suite_target();
    unknown["test_suite_id"] = "ts_does_not_exist";  // Zof's 404 not_found, param test_suite_id
    auto u = trigger(unknown);
    ASSERT_FALSE(u.ok());
    EXPECT_TRUE(u.error.invalid);
    EXPECT_FALSE(u.error.not_found);  // not "no such run"
    EXPECT_EQ(u.error.field, "target.test_suite_id");
    EXPECT_EQ(route_count(env.stats(), post_runs), 2);
}

TEST_F(ZofWrite, TheSameKeyTwiceStartsOneRun) {
    const auto before = vendor_runs().size();
    auto first = trigger(suite_target(), "ci-job-4711");
    ASSERT_TRUE(first.ok()) << first.error.detail << " " << first.error.message;
    advance(3000);  // the run moves on; the replay still names it
    auto again = trigger(suite_target(), "ci-job-4711");
    ASSERT_TRUE(again.ok()) << again.error.detail << " " << again.error.message;
    EXPECT_EQ(again.value->run.id, first.value->run.id);
    EXPECT_EQ(vendor_runs().size(), before + 1);
    EXPECT_EQ(route_count(env.stats(), post_runs), 2);
    // Another key is another run.
    auto other = trigger(suite_target(), "ci-job-4712");
    ASSERT_TRUE(other.ok());
    EXPECT_NE(other.value->run.id, first.value->run.id);
    EXPECT_EQ(vendor_runs().size(), before + 2);
}

TEST_F(ZofWrite, TheSameKeyWithAnotherTargetIsAConflict) {
    const auto before = vendor_runs().size();
    auto first = trigger(suite_target(), "ci-job-99");
    ASSERT_TRUE(first.ok()) << first.error.detail << " " << first.error.message;
    auto other = trigger(cases_target(), "ci-job-99");
    ASSERT_FALSE(other.ok());
    EXPECT_TRUE(other.error.conflict);
    EXPECT_FALSE(other.error.invalid);
    EXPECT_EQ(other.error.http_status, 409);
    EXPECT_NE(other.error.message.find("Idempotency-Key"), std::string::npos)
        << other.error.message;
    EXPECT_EQ(vendor_runs().size(), before + 1);
}

TEST_F(ZofWrite, CancelOfARunningRunCancelsIt) {
    auto t = trigger(suite_target());
    ASSERT_TRUE(t.ok()) << t.error.detail;
    advance(3000);  // queued 2 s, then running
    auto running = get(t.value->run.native_id);
    ASSERT_TRUE(running.ok());
    ASSERT_EQ(running.value->status, model::run_status::running);
    auto c = cancel(t.value->run.native_id);
    ASSERT_TRUE(c.ok()) << c.error.detail << " " << c.error.message;
    EXPECT_EQ(c.value->id, t.value->run.id);
    advance(1000);
    auto after = get(t.value->run.native_id);
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(after.value->status, model::run_status::canceled);
    EXPECT_TRUE(after.value->terminal);
    EXPECT_EQ(after.value->vendor_status, "canceled");
    advance(20000);  // past the run's planned end: it stays canceled
    EXPECT_EQ(get(t.value->run.native_id).value->status, model::run_status::canceled);
    EXPECT_EQ(route_count(env.stats(), post_cancel), 1);
}

TEST_F(ZofWrite, CancelOfATerminalRunIsAConflict) {
    auto* c0 = conn.get();
    list_query q;
    q.statuses = {model::run_status::passed};
    auto page = env.run([=]() -> asio::awaitable<outcome<run_page>> {
        auto r = co_await c0->list(q, "", 5, clock::now() + 10s);
        co_return r;
    });
    ASSERT_TRUE(page.ok()) << page.error.detail;
    ASSERT_FALSE(page.value->runs.empty());
    const std::string terminal = page.value->runs.front().native_id;
    auto c = cancel(terminal);
    ASSERT_FALSE(c.ok());
    EXPECT_TRUE(c.error.conflict);
    EXPECT_FALSE(c.error.not_found);
    EXPECT_EQ(c.error.http_status, 409);
    EXPECT_NE(c.error.message.find(terminal), std::string::npos) << c.error.message;
    EXPECT_EQ(get(terminal).value->status, model::run_status::passed);
    EXPECT_EQ(route_count(env.stats(), post_cancel), 1);
}

TEST_F(ZofWrite, CancelOfARunOfAnotherProjectIsNotFoundAndNeverSent) {
    std::string other_project;
    for (const auto& r : vendor_runs())
        if (r.at("project_id") != json::value(env.scope("project_id")))
            other_project = std::string(r.at("project_id").as_string());
    ASSERT_FALSE(other_project.empty());
    auto body = R"({"project_id":")" + other_project +
                R"(","environment":"staging","test_case_ids":["tc_x"]})";
    auto made = env.call("POST", "/v1/runs", body, true);
    ASSERT_TRUE(made.ok()) << made.detail;
    const std::string id(json::parse(made.response->body).at("id").as_string());

    auto c = cancel(id);
    ASSERT_FALSE(c.ok());
    EXPECT_TRUE(c.error.not_found);
    EXPECT_EQ(route_count(env.stats(), post_cancel), 0);
    auto still = env.call("GET", "/v1/runs/" + id, {}, true);
    ASSERT_TRUE(still.ok());
    EXPECT_EQ(json::parse(still.response->body).at("status"), json::value("queued"));
}

TEST_F(ZofWrite, CancelOfAnUnknownRunIsNotFound) {
    auto c = cancel("run_does_not_exist");
    ASSERT_FALSE(c.ok());
    EXPECT_TRUE(c.error.not_found);
    EXPECT_FALSE(c.error.conflict);
}

TEST_F(ZofWrite, APostWithoutAKeyIsSentOnceOnAServerError) {
    env.fault(R"({"error_rate":1})");
    auto t = trigger(suite_target());
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.error.kind, http::upstream_error_kind::server);
    EXPECT_EQ(t.error.http_status, 500);
    EXPECT_EQ(route_count(env.stats(), post_runs), 1);
    // With a key Zof deduplicates, so the same POST may be sent again (max_attempts = 3).
    auto keyed = trigger(suite_target(), "retry-me");
    ASSERT_FALSE(keyed.ok());
    EXPECT_EQ(route_count(env.stats(), post_runs), 1 + 3);
    env.fault("{}");
}
