// Sofy trigger and cancel against the sandbox's Sofy over verified TLS: each target form seen
// through get() and list(), validation errors that name the field (before any call, and from
// the vendor's refusals), abort of a running group, 409 for a terminal one (no PUT), and one
// POST only when the vendor fails. A suite of its own: it adds runs, which the read tests'
// exact counts must not see.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "connectors/sofy/sofy_connector.hpp"
#include "sandbox_env.hpp"

namespace sofy = runhub::connectors::sofy;
namespace json = boost::json;
using namespace std::chrono_literals;
using runhub::connectors::list_query;
using runhub::connectors::trigger_request;
using runhub::http::upstream_error_kind;
using runhub::model::run;
using runhub::model::run_status;
using runhub::test::sandbox_env;

namespace {

constexpr const char* execute_route =
    "POST /scheduler-microservice/scheduled-runs/{scheduledRunGuid}/execute";
constexpr const char* abort_route =
    "PUT /scheduler-microservice/public/test-run/abort/{scheduledRunGuid}";

class SofyWrite : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { env_ = new sandbox_env(); }
    static void TearDownTestSuite() {
        delete env_;
        env_ = nullptr;
    }
    void SetUp() override {
        env_->reset("sofy");
        c_ = sofy::make_sofy_connector(env_->source("sofy"), env_->deps());
    }
    void TearDown() override { env_->set_faults("sofy", "{}"); }

    static std::string scope(const std::string& k) { return env_->source("sofy").scope.at(k); }

    static json::object target() {
        return {{"schedule_guid", scope("schedule_guid")}, {"app_hash", scope("app_hash")}};
    }

    // With an Idempotency-Key, as the facade passes one: the vendor honours none, so it must
    // neither be forwarded nor make the POST look retryable (http::idempotent()).
    runhub::connectors::outcome<runhub::connectors::trigger_result> trigger(json::object t) {
        trigger_request req;
        req.target = std::move(t);
        req.idempotency_key = "ci-job-42";
        return env_->run(c_->trigger(std::move(req), sandbox_env::deadline(10s)));
    }

    // The first page of the scope's runs, newest first.
    std::vector<run> newest(int limit = 20) {
        auto page = env_->run(c_->list({}, "", limit, sandbox_env::deadline(10s)));
        EXPECT_TRUE(page.ok()) << page.error.detail;
        return page.ok() ? page.value->runs : std::vector<run>{};
    }

    static bool contains(const std::vector<run>& runs, const std::string& id) {
        for (const auto& r : runs)
            if (r.id == id) return true;
        return false;
    }

    // Every run of the scope (a walk), to pick seed runs by status.
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

    static sandbox_env* env_;
    std::unique_ptr<runhub::connectors::connector> c_;
};

sandbox_env* SofyWrite::env_ = nullptr;

}  // namespace

TEST_F(SofyWrite, TriggerStartsAGroupSeenByGetAndList) {
    const auto posts = env_->requests("sofy", execute_route);
    auto t = trigger(target());
    ASSERT_TRUE(t.ok()) << t.error.detail;
    EXPECT_EQ(env_->requests("sofy", execute_route), posts + 1);
    // "Test runs are scheduled and in queue.": Sofy only queued it.
    EXPECT_TRUE(t.value->queued_only);
    const run& r = t.value->run;
    EXPECT_EQ(r.vendor, "sofy");
    EXPECT_EQ(r.native_id.substr(0, r.native_id.rfind('.')), scope("schedule_guid"));
    EXPECT_EQ(r.id, "sofy:" + r.native_id);
    EXPECT_FALSE(r.terminal);
    EXPECT_TRUE(r.status == run_status::queued || r.status == run_status::running);
    // Read back from the vendor, not made up: the schedule's name and its test runs.
    EXPECT_FALSE(r.name.empty());
    ASSERT_TRUE(r.counts);
    EXPECT_GE(r.counts->total, 1);

    auto got = env_->run(c_->get(r.native_id, sandbox_env::deadline(5s)));
    ASSERT_TRUE(got.ok()) << got.error.detail;
    EXPECT_EQ(got.value->id, r.id);
    EXPECT_EQ(got.value->name, r.name);
    EXPECT_TRUE(contains(newest(), r.id));
}

TEST_F(SofyWrite, DeviceSerialsChooseTheDevices) {
    std::vector<std::pair<std::string, std::string>> devices;  // serial, name
    for (const char* os : {"ANDROID", "IOS"}) {
        auto answer =
            env_->vendor_get("sofy", std::string("/device-microservice/public/devices/") + os);
        for (const auto& d : answer.at("data").as_array())
            devices.emplace_back(std::string(d.at("device_serial").as_string()),
                                 std::string(d.at("device_name").as_string()));
    }
    ASSERT_GE(devices.size(), 2u);
    auto plain = trigger(target());
    ASSERT_TRUE(plain.ok()) << plain.error.detail;
    ASSERT_TRUE(plain.value->run.counts);
    // Every device in turn, alone: the run holds that device and one test run per scenario.
    for (const auto& [serial, name] : devices) {
        auto tgt = target();
        tgt["device_serials"] = json::array{json::string(serial)};
        auto t = trigger(tgt);
        ASSERT_TRUE(t.ok()) << t.error.detail;
        EXPECT_EQ(t.value->run.device, name);
        EXPECT_TRUE(contains(newest(), t.value->run.id));
    }
    // Two at once: both, twice the test runs of one.
    auto tgt = target();
    tgt["device_serials"] =
        json::array{json::string(devices[0].first), json::string(devices[1].first)};
    auto one = target();
    one["device_serials"] = json::array{json::string(devices[0].first)};
    auto t1 = trigger(one);
    auto t2 = trigger(tgt);
    ASSERT_TRUE(t1.ok() && t2.ok());
    ASSERT_TRUE(t1.value->run.counts && t2.value->run.counts && t2.value->run.device);
    EXPECT_EQ(t2.value->run.counts->total, 2 * t1.value->run.counts->total);
    EXPECT_NE(t2.value->run.device->find(devices[1].second), std::string::npos);
    EXPECT_TRUE(contains(newest(), plain.value->run.id));
}

TEST_F(SofyWrite, MalformedTargetsNameTheFieldWithoutACall) {
    const std::string guid = scope("schedule_guid"), hash = scope("app_hash");
    struct row {
        json::object target;
        std::string field;
    };
    const std::vector<row> rows = {
        {{}, "target.schedule_guid"},
        {{{"app_hash", hash}}, "target.schedule_guid"},
        {{{"schedule_guid", 5}, {"app_hash", hash}}, "target.schedule_guid"},
        {{{"schedule_guid", ""}, {"app_hash", hash}}, "target.schedule_guid"},
        {{{"schedule_guid", guid}}, "target.app_hash"},
        {{{"schedule_guid", guid}, {"app_hash", json::array{}}}, "target.app_hash"},
        {{{"schedule_guid", guid}, {"app_hash", hash}, {"device_serials", "a,b"}},
         "target.device_serials"},
        {{{"schedule_guid", guid}, {"app_hash", hash}, {"device_serials", json::array{}}},
         "target.device_serials"},
        {{{"schedule_guid", guid}, {"app_hash", hash}, {"device_serials", json::array{1}}},
         "target.device_serials"},
        {{{"schedule_guid", guid}, {"app_hash", hash}, {"device_serials", json::array{"a,b"}}},
         "target.device_serials"},
        {{{"schedule_guid", guid}, {"app_hash", hash}, {"branch", "main"}}, "target.branch"},
    };
    const auto posts = env_->requests("sofy", execute_route);
    for (const auto& r : rows) {
        auto t = trigger(r.target);
        ASSERT_FALSE(t.ok()) << json::serialize(r.target);
        EXPECT_TRUE(t.error.invalid) << json::serialize(r.target);
        EXPECT_EQ(t.error.kind, upstream_error_kind::client);
        EXPECT_EQ(t.error.field, r.field) << json::serialize(r.target);
        EXPECT_NE(t.error.message.find(r.field), std::string::npos) << t.error.message;
    }
    EXPECT_EQ(env_->requests("sofy", execute_route), posts);
}

TEST_F(SofyWrite, VendorRefusalsNameTheField) {
    struct row {
        json::object target;
        std::string field;
    };
    auto unknown_schedule = target();
    unknown_schedule["schedule_guid"] = "00000000-0000-4000-8000-000000000000";
    auto unknown_hash = target();
    unknown_hash["app_hash"] = "no-such-build";
    auto unknown_device = target();
    unknown_device["device_serials"] = json::array{"no-such-serial"};
    const std::vector<row> rows = {{unknown_schedule, "target.schedule_guid"},
                                   {unknown_hash, "target.app_hash"},
                                   {unknown_device, "target.device_serials"}};
    for (const auto& r : rows) {
        const auto posts = env_->requests("sofy", execute_route);
        auto t = trigger(r.target);
        ASSERT_FALSE(t.ok()) << json::serialize(r.target);
        EXPECT_EQ(t.error.http_status, 400);
        EXPECT_TRUE(t.error.invalid) << t.error.detail;
        EXPECT_EQ(t.error.field, r.field) << t.error.detail;
        EXPECT_FALSE(t.error.not_found);
        EXPECT_EQ(env_->requests("sofy", execute_route), posts + 1);
    }
}

TEST_F(SofyWrite, CancelOfARunningGroupMakesItCanceled) {
    auto t = trigger(target());
    ASSERT_TRUE(t.ok()) << t.error.detail;
    const std::string id = t.value->run.native_id;
    const auto puts = env_->requests("sofy", abort_route);
    auto c = env_->run(c_->cancel(id, sandbox_env::deadline(10s)));
    ASSERT_TRUE(c.ok()) << c.error.detail;
    EXPECT_EQ(env_->requests("sofy", abort_route), puts + 1);
    EXPECT_EQ(c.value->id, t.value->run.id);
    auto later = env_->run(c_->get(id, sandbox_env::deadline(5s)));
    ASSERT_TRUE(later.ok());
    EXPECT_EQ(later.value->status, run_status::canceled);
    EXPECT_TRUE(later.value->terminal);
    // Only this group: a seed run of the schedule that is running stays so.
    for (const auto& r : all()) {
        if (r.status != run_status::running) continue;
        auto still = env_->run(c_->get(r.native_id, sandbox_env::deadline(5s)));
        ASSERT_TRUE(still.ok());
        EXPECT_EQ(still.value->status, run_status::running) << r.id;
    }
}

TEST_F(SofyWrite, CancelOfASeedRunningGroup) {
    auto runs = all();
    auto running = std::find_if(runs.begin(), runs.end(),
                                [](const run& r) { return r.status == run_status::running; });
    ASSERT_NE(running, runs.end());
    auto c = env_->run(c_->cancel(running->native_id, sandbox_env::deadline(10s)));
    ASSERT_TRUE(c.ok()) << c.error.detail;
    // Its running test runs stop; a group that had failed ones reads failed (failed > canceled).
    EXPECT_TRUE(c.value->terminal);
    EXPECT_NE(c.value->vendor_status.find("Stopped"), std::string::npos) << c.value->vendor_status;
    EXPECT_EQ(c.value->vendor_status.find("Running"), std::string::npos) << c.value->vendor_status;
}

TEST_F(SofyWrite, CancelOfATerminalRunIsAConflictWithoutAbort) {
    auto runs = all();
    int seen = 0;
    for (auto wanted : {run_status::passed, run_status::failed, run_status::canceled}) {
        auto r = std::find_if(runs.begin(), runs.end(),
                              [&](const run& x) { return x.status == wanted; });
        if (r == runs.end()) continue;
        ++seen;
        const auto puts = env_->requests("sofy", abort_route);
        auto c = env_->run(c_->cancel(r->native_id, sandbox_env::deadline(10s)));
        ASSERT_FALSE(c.ok()) << r->id;
        EXPECT_TRUE(c.error.conflict) << r->id << " " << c.error.detail;
        EXPECT_FALSE(c.error.message.empty());
        // Sofy would answer 200 "No test runs could be aborted": the state is read first.
        EXPECT_EQ(env_->requests("sofy", abort_route), puts) << r->id;
    }
    EXPECT_GE(seen, 2);
}

TEST_F(SofyWrite, CancelOfAnUnknownGroupIsNotFound) {
    for (std::string id : {scope("schedule_guid") + ".424242", std::string("garbage")}) {
        auto c = env_->run(c_->cancel(id, sandbox_env::deadline(5s)));
        ASSERT_FALSE(c.ok()) << id;
        EXPECT_TRUE(c.error.not_found) << id;
    }
}

TEST_F(SofyWrite, AServerErrorCostsOnePostNeverARetry) {
    env_->set_faults("sofy", R"({"error_rate":1})");
    const auto posts = env_->requests("sofy", execute_route);
    auto t = trigger(target());
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.error.kind, upstream_error_kind::server);
    EXPECT_FALSE(t.error.invalid);
    // The source's retry policy allows 3 attempts: a trigger uses one.
    EXPECT_EQ(env_->requests("sofy", execute_route), posts + 1);
}
