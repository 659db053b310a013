// TesterArmy trigger and cancel against the sandbox's TesterArmy over verified TLS: each
// target form ({test_id}, {group_id}, {prompt}) seen through get() and list(), validation
// errors that name the field (before any call, and from the vendor's refusals), cancel of a
// running run, 409 for a terminal one, and one POST only when the vendor fails. A suite of its
// own: it adds runs, which the read tests' exact counts must not see.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "connectors/testerarmy/testerarmy_connector.hpp"
#include "sandbox_env.hpp"

namespace ta = runhub::connectors::testerarmy;
namespace json = boost::json;
using namespace std::chrono_literals;
using runhub::connectors::trigger_request;
using runhub::http::upstream_error_kind;
using runhub::model::run;
using runhub::model::run_status;
using runhub::test::sandbox_env;

namespace {

constexpr const char* test_route = "POST /api/v1/tests/{testId}/runs";
constexpr const char* group_route = "POST /api/v1/groups/{groupId}/runs";
constexpr const char* prompt_route = "POST /api/v1/runs";
constexpr const char* cancel_route = "POST /api/v1/runs/{id}/cancel";

class TesterArmyWrite : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { env_ = new sandbox_env(); }
    static void TearDownTestSuite() {
        delete env_;
        env_ = nullptr;
    }
    void SetUp() override {
        env_->reset("testerarmy");
        auto s = env_->source("testerarmy", "ta");
        s.scope.erase("project_id");  // prompt runs land in the first project: see them all
        c_ = ta::make_testerarmy_connector(s, env_->deps());
    }
    void TearDown() override { env_->set_faults("testerarmy", "{}"); }

    static std::string scope(const std::string& k) {
        return env_->source("testerarmy").scope.at(k);
    }

    // With an Idempotency-Key, as the facade passes one: the vendor honours none, so it must
    // neither be forwarded nor make the POST look retryable (http::idempotent()).
    runhub::connectors::outcome<runhub::connectors::trigger_result> trigger(json::object t) {
        trigger_request req;
        req.target = std::move(t);
        req.idempotency_key = "ci-job-42";
        return env_->run(c_->trigger(std::move(req), sandbox_env::deadline(10s)));
    }

    std::vector<run> newest(int limit = 20) {
        auto page = env_->run(c_->list({}, "", limit, sandbox_env::deadline(10s)));
        EXPECT_TRUE(page.ok()) << page.error.detail;
        return page.ok() ? page.value->runs : std::vector<run>{};
    }

    std::vector<run> all() {
        std::vector<run> out;
        std::string position;
        for (int i = 0; i < 100; ++i) {
            auto page = env_->run(c_->list({}, position, 100, sandbox_env::deadline(10s)));
            EXPECT_TRUE(page.ok()) << page.error.detail;
            if (!page.ok()) break;
            out.insert(out.end(), page.value->runs.begin(), page.value->runs.end());
            if (!page.value->next) break;
            position = *page.value->next;
        }
        return out;
    }

    static bool contains(const std::vector<run>& runs, const std::string& id) {
        for (const auto& r : runs)
            if (r.id == id) return true;
        return false;
    }

    static std::int64_t posts() {
        return env_->requests("testerarmy", test_route) +
               env_->requests("testerarmy", group_route) +
               env_->requests("testerarmy", prompt_route);
    }

    // The trigger answered, read back, and listed.
    void expect_started(const runhub::connectors::trigger_result& t) {
        EXPECT_TRUE(t.queued_only);  // 202 from the vendor
        const run& r = t.run;
        EXPECT_EQ(r.vendor, "testerarmy");
        EXPECT_EQ(r.id, "ta:" + r.native_id);
        EXPECT_EQ(r.status, run_status::queued);
        EXPECT_FALSE(r.terminal);
        ASSERT_TRUE(r.created_at);
        auto got = env_->run(c_->get(r.native_id, sandbox_env::deadline(5s)));
        ASSERT_TRUE(got.ok()) << got.error.detail;
        EXPECT_EQ(got.value->id, r.id);
        EXPECT_EQ(got.value->name, r.name);
        EXPECT_TRUE(contains(newest(), r.id)) << r.id;
    }

    static sandbox_env* env_;
    std::unique_ptr<runhub::connectors::connector> c_;
};

sandbox_env* TesterArmyWrite::env_ = nullptr;

}  // namespace

TEST_F(TesterArmyWrite, TriggerOfASavedTest) {
    const auto before = env_->requests("testerarmy", test_route);
    auto t = trigger({{"test_id", scope("test_id")}});
    ASSERT_TRUE(t.ok()) << t.error.detail;
    EXPECT_EQ(env_->requests("testerarmy", test_route), before + 1);
    expect_started(*t.value);
    // Read back in full: the saved test's run carries its test id in raw.
    ASSERT_TRUE(t.value->run.raw);
    EXPECT_EQ(t.value->run.raw->at("testId").as_string(), scope("test_id"));
}

TEST_F(TesterArmyWrite, TriggerOfAPrompt) {
    const auto before = env_->requests("testerarmy", prompt_route);
    auto t = trigger({{"prompt", "Open the pricing page and check the yearly toggle"}});
    ASSERT_TRUE(t.ok()) << t.error.detail;
    EXPECT_EQ(env_->requests("testerarmy", prompt_route), before + 1);
    expect_started(*t.value);
    EXPECT_EQ(t.value->run.name, "Open the pricing page and check the yearly toggle");
}

TEST_F(TesterArmyWrite, TriggerOfAGroupAnswersItsFirstRun) {
    const auto before = all();
    auto t = trigger({{"group_id", scope("group_id")}});
    ASSERT_TRUE(t.ok()) << t.error.detail;
    expect_started(*t.value);
    const auto after = all();
    // The group started one run per test: all listed, the answer is one of them.
    ASSERT_GT(after.size(), before.size() + 1);
    std::vector<std::string> fresh;
    for (const auto& r : after)
        if (!contains(before, r.id)) fresh.push_back(r.native_id);
    EXPECT_EQ(fresh.size(), after.size() - before.size());
    EXPECT_NE(std::find(fresh.begin(), fresh.end(), t.value->run.native_id), fresh.end());
    EXPECT_EQ(env_->requests("testerarmy", group_route), 1);
}

TEST_F(TesterArmyWrite, MalformedTargetsNameTheFieldWithoutACall) {
    const std::string test_id = scope("test_id");
    struct row {
        json::object target;
        std::string field;
    };
    const std::vector<row> rows = {
        {{}, "target"},
        {{{"test_id", test_id}, {"prompt", "x"}}, "target.prompt"},
        {{{"test_id", 7}}, "target.test_id"},
        {{{"test_id", "not-a-uuid"}}, "target.test_id"},
        {{{"group_id", json::array{}}}, "target.group_id"},
        {{{"group_id", ""}}, "target.group_id"},
        {{{"prompt", nullptr}}, "target.prompt"},
        {{{"prompt", ""}}, "target.prompt"},
        {{{"prompt", "x"}, {"webhookUrl", "http://x"}}, "target.webhookUrl"},
        {{{"suite", "smoke"}}, "target.suite"},
    };
    const auto before = posts();
    for (const auto& r : rows) {
        auto t = trigger(r.target);
        ASSERT_FALSE(t.ok()) << json::serialize(r.target);
        EXPECT_TRUE(t.error.invalid) << json::serialize(r.target);
        EXPECT_EQ(t.error.kind, upstream_error_kind::client);
        EXPECT_EQ(t.error.field, r.field) << json::serialize(r.target);
        EXPECT_FALSE(t.error.message.empty());
    }
    EXPECT_EQ(posts(), before);
}

TEST_F(TesterArmyWrite, VendorRefusalsNameTheField) {
    const std::string nobody = "00000000-0000-4000-8000-000000000000";
    struct row {
        json::object target;
        std::string field;
    };
    const std::vector<row> rows = {{{{"test_id", nobody}}, "target.test_id"},
                                   {{{"group_id", nobody}}, "target.group_id"}};
    for (const auto& r : rows) {
        const auto before = posts();
        auto t = trigger(r.target);
        ASSERT_FALSE(t.ok()) << json::serialize(r.target);
        EXPECT_EQ(t.error.http_status, 404);
        EXPECT_TRUE(t.error.invalid);
        EXPECT_FALSE(t.error.not_found);  // the test is unknown, not a run
        EXPECT_EQ(t.error.field, r.field);
        EXPECT_EQ(posts(), before + 1);
    }
}

TEST_F(TesterArmyWrite, CancelOfARunningRunMakesItCanceled) {
    auto t = trigger({{"prompt", "cancel me"}});
    ASSERT_TRUE(t.ok()) << t.error.detail;
    const std::string id = t.value->run.native_id;
    auto c = env_->run(c_->cancel(id, sandbox_env::deadline(10s)));
    ASSERT_TRUE(c.ok()) << c.error.detail;
    EXPECT_EQ(c.value->id, t.value->run.id);
    EXPECT_EQ(env_->requests("testerarmy", cancel_route), 1);
    auto later = env_->run(c_->get(id, sandbox_env::deadline(5s)));
    ASSERT_TRUE(later.ok());
    EXPECT_EQ(later.value->status, run_status::canceled);
    EXPECT_TRUE(later.value->terminal);
    // A seed run that is running.
    auto runs = all();
    auto running = std::find_if(runs.begin(), runs.end(),
                                [](const run& r) { return r.status == run_status::running; });
    ASSERT_NE(running, runs.end());
    c = env_->run(c_->cancel(running->native_id, sandbox_env::deadline(10s)));
    ASSERT_TRUE(c.ok()) << c.error.detail;
    EXPECT_EQ(c.value->status, run_status::canceled);
}

TEST_F(TesterArmyWrite, CancelOfATerminalRunIsAConflict) {
    auto runs = all();
    int seen = 0;
    for (auto wanted : {run_status::passed, run_status::failed, run_status::canceled}) {
        auto r = std::find_if(runs.begin(), runs.end(),
                              [&](const run& x) { return x.status == wanted && x.terminal; });
        if (r == runs.end()) continue;
        ++seen;
        auto c = env_->run(c_->cancel(r->native_id, sandbox_env::deadline(10s)));
        ASSERT_FALSE(c.ok()) << r->id;
        EXPECT_TRUE(c.error.conflict) << r->id << " " << c.error.detail;
        EXPECT_EQ(c.error.http_status, 409);
        EXPECT_FALSE(c.error.message.empty());
    }
    EXPECT_GE(seen, 2);
    // Twice the same run: the second is the conflict.
    auto t = trigger({{"prompt", "twice"}});
    ASSERT_TRUE(t.ok());
    ASSERT_TRUE(env_->run(c_->cancel(t.value->run.native_id, sandbox_env::deadline(5s))).ok());
    auto again = env_->run(c_->cancel(t.value->run.native_id, sandbox_env::deadline(5s)));
    ASSERT_FALSE(again.ok());
    EXPECT_TRUE(again.error.conflict);
}

TEST_F(TesterArmyWrite, CancelOfAnUnknownRunIsNotFound) {
    for (std::string id :
         {std::string("00000000-0000-4000-8000-000000000000"), std::string("garbage")}) {
        auto c = env_->run(c_->cancel(id, sandbox_env::deadline(5s)));
        ASSERT_FALSE(c.ok()) << id;
        EXPECT_TRUE(c.error.not_found) << id;
        EXPECT_FALSE(c.error.conflict);
    }
}

TEST_F(TesterArmyWrite, AServerErrorCostsOnePostNeverARetry) {
    env_->set_faults("testerarmy", R"({"error_rate":1})");
    for (auto target :
         {json::object{{"test_id", scope("test_id")}},
          json::object{{"group_id", scope("group_id")}}, json::object{{"prompt", "once"}}}) {
        const auto before = posts();
        auto t = trigger(target);
        ASSERT_FALSE(t.ok());
        EXPECT_EQ(t.error.kind, upstream_error_kind::server);
        EXPECT_FALSE(t.error.invalid);
        // The source's retry policy allows 3 attempts: a trigger uses one.
        EXPECT_EQ(posts(), before + 1) << json::serialize(target);
    }
    const auto cancels = env_->requests("testerarmy", cancel_route);
    auto c =
        env_->run(c_->cancel("00000000-0000-4000-8000-000000000000", sandbox_env::deadline(5s)));
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(env_->requests("testerarmy", cancel_route), cancels + 1);
}
