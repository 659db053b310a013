// The Testmo connector's trigger (create an automation run) and its refusal to cancel, against
// the sandbox's Testmo emulator over verified TLS.
#include <gtest/gtest.h>

#include <algorithm>

#include "connectors/common/sandbox_env.hpp"
#include "connectors/testmo/testmo_connector.hpp"

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

constexpr const char* post_runs = "POST /api/v1/projects/{project_id}/automation/runs";

class TestmoWrite : public ::testing::Test {
  protected:
    test::sandbox_env env{"testmo"};
    std::unique_ptr<connector> conn;

    void SetUp() override {
        ASSERT_EQ(env.info.name, "testmo");
        source_config src;
        src.name = "testmo-sb";
        src.vendor = "testmo";
        src.base_url = env.info.base_url;
        auto v = env.info.auth_value;
        src.credential = v.substr(v.find(' ') + 1);  // "Bearer <token>"
        src.scope["project_id"] = env.scope("project_id");
        conn = testmo::make_testmo_connector(src, env.deps());
    }

    outcome<trigger_result> trigger(json::object target, std::string key = {}) {
        auto* c = conn.get();
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
    bool listed(const std::string& id) {
        auto* c = conn.get();
        auto p = env.run([=]() -> asio::awaitable<outcome<run_page>> {
            auto r = co_await c->list({}, "", 15, clock::now() + 10s);
            co_return r;
        });
        EXPECT_TRUE(p.ok()) << p.error.detail;
        if (!p.ok()) return false;
        return std::any_of(p.value->runs.begin(), p.value->runs.end(),
                           [&](const model::run& r) { return r.id == id; });
    }
    // The name of the automation source Testmo filed the run under.
    std::string source_name(const std::string& native_id) {
        auto r =
            env.call("GET", "/api/v1/automation/runs/" + native_id + "?expands=automation_sources",
                     {}, true);
        EXPECT_TRUE(r.ok()) << r.detail;
        if (!r.ok()) return {};
        auto doc = json::parse(r.response->body);
        auto source_id = doc.at("result").at("source_id");
        for (const auto& s : doc.at("expands").at("automation_sources").as_array())
            if (s.at("id") == source_id) return std::string(s.at("name").as_string());
        return {};
    }
};

}  // namespace

TEST_F(TestmoWrite, TriggerByNameCreatesARunningRunSeenInGetAndList) {
    auto t = trigger({{"name", "nightly e2e"}});
    ASSERT_TRUE(t.ok()) << t.error.detail << " " << t.error.message;
    const auto& run = t.value->run;
    EXPECT_FALSE(t.value->queued_only);
    EXPECT_EQ(run.vendor, "testmo");
    EXPECT_EQ(run.name, "nightly e2e");
    EXPECT_EQ(run.status, model::run_status::running);
    EXPECT_FALSE(run.terminal);
    ASSERT_TRUE(run.project);
    EXPECT_EQ(run.project->id, env.scope("project_id"));
    ASSERT_TRUE(run.created_at);
    // The normalized run is the one get() reads (Testmo's create answers only the id).
    auto got = get(run.native_id);
    ASSERT_TRUE(got.ok()) << got.error.detail;
    EXPECT_EQ(got.value->id, run.id);
    EXPECT_EQ(got.value->created_at, run.created_at);
    EXPECT_TRUE(listed(run.id));
    // Testmo needs a source: without one in the target, runhub's.
    EXPECT_EQ(source_name(run.native_id), "runhub");
    EXPECT_EQ(route_count(env.stats(), post_runs), 1);
}

TEST_F(TestmoWrite, TriggerWithTagsAndSourceKeepsThem) {
    json::object target{
        {"name", "smoke"}, {"tags", json::array{"smoke", "ci"}}, {"source", "frontend"}};
    auto t = trigger(target);
    ASSERT_TRUE(t.ok()) << t.error.detail << " " << t.error.message;
    ASSERT_TRUE(t.value->run.raw);
    EXPECT_EQ(t.value->run.raw->at("tags"), (json::array{"smoke", "ci"}));
    EXPECT_EQ(source_name(t.value->run.native_id), "frontend");
    auto got = get(t.value->run.native_id);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got.value->name, "smoke");
    EXPECT_TRUE(listed(t.value->run.id));
}

TEST_F(TestmoWrite, TargetErrorsNameTheFieldBeforeAnyCall) {
    struct row {
        json::object target;
        const char* field;
    };
    std::vector<row> rows{
        {{}, "target.name"},
        {{{"name", ""}}, "target.name"},
        {{{"name", 3}}, "target.name"},
        {{{"name", nullptr}}, "target.name"},
        {{{"name", "x"}, {"tags", "smoke"}}, "target.tags"},
        {{{"name", "x"}, {"tags", json::array{"a", 1}}}, "target.tags"},
        {{{"name", "x"}, {"source", ""}}, "target.source"},
        {{{"name", "x"}, {"source", json::array{"a"}}}, "target.source"},
        {{{"name", "x"}, {"project_id", "2"}}, "target.project_id"},
        {{{"name", "x"}, {"milestone_id", 1}}, "target.milestone_id"},
    };
    for (const auto& r : rows) {
        auto t = trigger(r.target);
        ASSERT_FALSE(t.ok()) << json::serialize(r.target);
        EXPECT_TRUE(t.error.invalid) << json::serialize(r.target);
        EXPECT_EQ(t.error.kind, http::upstream_error_kind::client);
        EXPECT_EQ(t.error.field, r.field) << json::serialize(r.target);
        EXPECT_FALSE(t.error.message.empty());
    }
    EXPECT_EQ(env.stats().at("total").as_int64(), 0);
}

TEST_F(TestmoWrite, TestmoValidationAnswersNameTheField) {
    auto t = trigger({{"name", std::string(300, 'n')}});  // Testmo's 422, errors.name
    ASSERT_FALSE(t.ok());
    EXPECT_TRUE(t.error.invalid);
    EXPECT_EQ(t.error.field, "target.name");
    EXPECT_EQ(t.error.http_status, 422);
    EXPECT_NE(t.error.message.find("255"), std::string::npos) << t.error.message;
    EXPECT_EQ(route_count(env.stats(), post_runs), 1);
}

TEST_F(TestmoWrite, CancelIsUnsupportedAndSaysWhyWithoutACall) {
    auto t = trigger({{"name", "to cancel"}, {"source", "frontend"}});
    ASSERT_TRUE(t.ok());
    const auto calls = env.stats().at("total").as_int64();
    auto c = cancel(t.value->run.native_id);
    ASSERT_FALSE(c.ok());
    EXPECT_TRUE(c.error.unsupported);
    EXPECT_FALSE(c.error.conflict);
    EXPECT_NE(c.error.message.find("Testmo"), std::string::npos) << c.error.message;
    EXPECT_NE(c.error.message.find("no cancel"), std::string::npos) << c.error.message;
    EXPECT_EQ(env.stats().at("total").as_int64(), calls);
    EXPECT_EQ(get(t.value->run.native_id).value->status, model::run_status::running);
}

TEST_F(TestmoWrite, ThePostIsSentOnceOnAServerError) {
    env.fault(R"({"error_rate":1})");
    auto t = trigger({{"name", "flaky"}});
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.error.kind, http::upstream_error_kind::server);
    // Testmo honours no key, so a key changes nothing: still one POST.
    auto keyed = trigger({{"name", "flaky"}}, "ci-1");
    ASSERT_FALSE(keyed.ok());
    EXPECT_EQ(route_count(env.stats(), post_runs), 2);
    env.fault("{}");
}
