// The Zof emulator over HTTP: paging walked to its end, limits, filters, auth, unknown ids,
// statuses, triggering and lifecycle, cancel, idempotency, logs and artifacts.
#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <set>

#include "zof_test_env.hpp"

using namespace runhub::test;
using namespace runhub::test::zof;
using namespace std::chrono_literals;

namespace {

// Walks GET /v1/runs?<query> to its end; returns the ids in order.
std::vector<std::string> walk(const zof_env& env, const std::string& query, int limit,
                              int* pages = nullptr) {
    std::vector<std::string> ids;
    std::string cursor;
    for (int n = 1; n < 1000; ++n) {
        std::string target = "/v1/runs?limit=" + std::to_string(limit) + query;
        if (!cursor.empty()) target += "&starting_after=" + cursor;
        auto r = env.get(target);
        EXPECT_EQ(r.status, 200) << r.body;
        auto v = parse(r.body);
        const auto& data = v.at("data").as_array();
        EXPECT_LE(data.size(), static_cast<std::size_t>(limit));
        for (const auto& run : data) {
            std::string id(run.at("id").as_string());
            if (std::find(ids.begin(), ids.end(), id) != ids.end()) {
                ADD_FAILURE() << "run " << id << " came twice";
                return ids;
            }
            ids.push_back(std::move(id));
        }
        if (!v.at("has_more").as_bool()) {
            EXPECT_TRUE(v.at("next_cursor").is_null());
            if (pages) *pages = n;
            return ids;
        }
        cursor = std::string(v.at("next_cursor").as_string());
        EXPECT_EQ(cursor, ids.back());
    }
    ADD_FAILURE() << "paging never ended";
    return ids;
}

std::string trigger_body(const zof_env& env) {
    return R"({"project_id":")" + env.project_id() +
           R"(","environment":"staging","test_case_ids":["tc_login_001","tc_checkout_014"]})";
}

}  // namespace

TEST(ZofHttp, WalkingTheListYieldsEveryRunOnceNewestFirst) {
    zof_env env(300);
    for (int limit : {1, 20, 33, 100}) {
        int pages = 0;
        auto ids = walk(env, "", limit, &pages);
        EXPECT_EQ(ids.size(), 300u) << limit;
        EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 300u) << limit;
        EXPECT_EQ(pages, (300 + limit - 1) / limit) << limit;
    }
    // Newest first.
    auto v = parse(env.get("/v1/runs?limit=100").body);
    std::string prev = "9999";
    for (const auto& run : v.at("data").as_array()) {
        std::string created(run.at("created_at").as_string());
        EXPECT_LE(created, prev);
        prev = created;
    }
}

TEST(ZofHttp, DefaultLimitIs20AndLimitsOutsideOneToHundredAre400) {
    zof_env env(300);
    auto v = parse(env.get("/v1/runs").body);
    EXPECT_EQ(v.at("data").as_array().size(), 20u);
    EXPECT_TRUE(v.at("has_more").as_bool());
    EXPECT_EQ(parse(env.get("/v1/runs?limit=100").body).at("data").as_array().size(), 100u);
    for (const char* bad : {"0", "101", "1000", "ten", "-5"}) {
        auto r = env.get(std::string("/v1/runs?limit=") + bad);
        EXPECT_EQ(r.status, 400) << bad;
        auto e = parse(r.body).at("error");
        EXPECT_EQ(e.at("code"), "invalid_request");
        EXPECT_EQ(e.at("param"), "limit");
    }
    auto r = env.get("/v1/runs?starting_after=run_doesnotexist");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(parse(r.body).at("error").at("param"), "starting_after");
}

TEST(ZofHttp, FiltersCountEqualsTheSeededCount) {
    zof_env env(300);
    // Count by status over the whole list, then walk each filter.
    std::map<std::string, int> by_status;
    std::map<std::string, int> by_project_failed;
    auto all = parse(env.get("/v1/runs?limit=100").body);
    std::vector<boost::json::value> runs;
    std::string cursor;
    while (true) {
        auto v = parse(
            env.get("/v1/runs?limit=100" + (cursor.empty() ? "" : "&starting_after=" + cursor))
                .body);
        for (const auto& r : v.at("data").as_array()) runs.push_back(r);
        if (!v.at("has_more").as_bool()) break;
        cursor = std::string(v.at("next_cursor").as_string());
    }
    ASSERT_EQ(runs.size(), 300u);
    for (const auto& r : runs) ++by_status[std::string(r.at("status").as_string())];
    EXPECT_EQ(by_status.size(), 6u) << "every status of the vocabulary is present";
    for (const auto& [status, count] : by_status)
        EXPECT_EQ(static_cast<int>(walk(env, "&status=" + status, 25).size()), count) << status;
    EXPECT_EQ(walk(env, "&status=failed,error", 50).size(),
              static_cast<std::size_t>(by_status["failed"] + by_status["error"]));

    const auto project = env.project_id();
    auto in_project = std::count_if(runs.begin(), runs.end(), [&](const auto& r) {
        return r.at("project_id") == project.c_str();
    });
    EXPECT_GT(in_project, 100);
    EXPECT_LT(in_project, 300);
    EXPECT_EQ(static_cast<long>(walk(env, "&project_id=" + project, 40).size()), in_project);

    // Date window: the middle of the data set.
    const std::string after(runs[200].at("created_at").as_string());
    const std::string before(runs[100].at("created_at").as_string());
    auto window = std::count_if(runs.begin(), runs.end(), [&](const auto& r) {
        std::string c(r.at("created_at").as_string());
        return c > after && c < before;
    });
    EXPECT_EQ(static_cast<long>(
                  walk(env, "&created_after=" + after + "&created_before=" + before, 30).size()),
              window);
    EXPECT_EQ(env.get("/v1/runs?status=cancelled").status, 400);
    EXPECT_EQ(env.get("/v1/runs?created_after=last-week").status, 400);
}

TEST(ZofHttp, AuthFailuresAre401WithZofErrorObject) {
    zof_env env(20);
    auto c = env.client();
    auto none = c.request("GET", "/v1/runs");
    EXPECT_EQ(none.status, 401);
    EXPECT_EQ(parse(none.body).at("error").at("code"), "unauthorized");
    for (const char* bad : {"Bearer wrong", "Basic abc", "Bearer", "zof_sk_sandbox_x"}) {
        auto r = env.client().request("GET", "/v1/runs/run_x", {{"Authorization", bad}});
        EXPECT_EQ(r.status, 401) << bad;
        EXPECT_TRUE(parse(r.body).at("error").is_object());
    }
    auto key = env.emu->auth_value().substr(7);
    auto lower = env.client().request("GET", "/v1/runs", {{"authorization", "bearer " + key}});
    EXPECT_EQ(lower.status, 200);
    EXPECT_EQ(env.client().request("POST", "/v1/runs", {}, trigger_body(env)).status, 401);
}

TEST(ZofHttp, UnknownIdsAre404) {
    zof_env env(20);
    for (const char* path :
         {"/v1/runs/run_nope", "/v1/runs/run_nope/logs", "/v1/runs/run_nope/artifacts"}) {
        auto r = env.get(path);
        EXPECT_EQ(r.status, 404) << path;
        EXPECT_EQ(parse(r.body).at("error").at("code"), "not_found");
    }
    EXPECT_EQ(env.post("/v1/runs/run_nope/cancel", "").status, 404);
}

TEST(ZofHttp, GetShowsCaseOutcomesLogsAndArtifacts) {
    zof_env env(60);
    auto failed = parse(env.get("/v1/runs?status=failed&limit=1").body).at("data").at(0);
    std::string id(failed.at("id").as_string());
    auto run = parse(env.get("/v1/runs/" + id).body);
    EXPECT_EQ(run.at("status"), "failed");
    EXPECT_GT(run.at("summary").at("failed").as_int64(), 0);
    bool has_failure = false;
    for (const auto& c : run.at("cases").as_array())
        if (c.at("status") == "failed") has_failure = !c.at("failure_message").is_null();
    EXPECT_TRUE(has_failure);
    auto logs = parse(env.get("/v1/runs/" + id + "/logs").body);
    EXPECT_GT(logs.at("data").as_array().size(), 2u);
    auto arts = parse(env.get("/v1/runs/" + id + "/artifacts").body);
    EXPECT_GE(arts.at("data").as_array().size(), 3u);
    EXPECT_EQ(arts.at("data").at(0).at("run_id"), id.c_str());
}

TEST(ZofHttp, TriggeredRunMovesQueuedRunningTerminalInListAndGet) {
    zof_env env(30);
    auto created = env.post("/v1/runs", trigger_body(env));
    ASSERT_EQ(created.status, 201) << created.body;
    auto run = parse(created.body);
    std::string id(run.at("id").as_string());
    EXPECT_EQ(run.at("status"), "queued");
    auto status_in_list = [&] {
        auto first = parse(env.get("/v1/runs?limit=1").body).at("data").at(0);
        EXPECT_EQ(first.at("id"), id.c_str()) << "a new run is the newest";
        return std::string(first.at("status").as_string());
    };
    auto status_in_get = [&] {
        return std::string(parse(env.get("/v1/runs/" + id).body).at("status").as_string());
    };
    EXPECT_EQ(status_in_list(), "queued");
    env.clock->advance(2500ms);
    EXPECT_EQ(status_in_get(), "running");
    EXPECT_EQ(status_in_list(), "running");
    env.clock->advance(8000ms);
    auto final_status = status_in_get();
    EXPECT_TRUE(final_status == "passed" || final_status == "failed" || final_status == "error")
        << final_status;
    EXPECT_EQ(status_in_list(), final_status);
    auto done = parse(env.get("/v1/runs/" + id).body);
    EXPECT_FALSE(done.at("completed_at").is_null());
    EXPECT_EQ(done.at("duration_ms"), 8000);
    // Terminal: cancel is a 409.
    auto late = env.post("/v1/runs/" + id + "/cancel", "");
    EXPECT_EQ(late.status, 409);
    EXPECT_EQ(parse(late.body).at("error").at("code"), "run_not_cancelable");
}

TEST(ZofHttp, ForcedOutcomeDecidesEveryEnding) {
    zof_env env(10);
    for (const char* outcome : {"passed", "failed", "error", "canceled"}) {
        env.emu->set_forced_outcome(outcome);
        auto id =
            std::string(parse(env.post("/v1/runs", trigger_body(env)).body).at("id").as_string());
        env.clock->advance(11s);
        EXPECT_EQ(parse(env.get("/v1/runs/" + id).body).at("status"), outcome);
    }
}

TEST(ZofHttp, CancelQueuedAndRunningRuns) {
    zof_env env(30);
    auto a = std::string(parse(env.post("/v1/runs", trigger_body(env)).body).at("id").as_string());
    auto r = env.post("/v1/runs/" + a + "/cancel", "");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(parse(r.body).at("status"), "canceled");
    env.clock->advance(20s);
    EXPECT_EQ(parse(env.get("/v1/runs/" + a).body).at("status"), "canceled");

    auto b = std::string(parse(env.post("/v1/runs", trigger_body(env)).body).at("id").as_string());
    env.clock->advance(3s);
    EXPECT_EQ(parse(env.get("/v1/runs/" + b).body).at("status"), "running");
    EXPECT_EQ(env.post("/v1/runs/" + b + "/cancel", "").status, 200);
    auto got = parse(env.get("/v1/runs/" + b).body);
    EXPECT_EQ(got.at("status"), "canceled");
    EXPECT_FALSE(got.at("started_at").is_null());
    EXPECT_EQ(env.post("/v1/runs/" + b + "/cancel", "").status, 409);

    // A seeded running run can be canceled too.
    auto seeded = parse(env.get("/v1/runs?status=running&limit=1").body).at("data").at(0);
    std::string sid(seeded.at("id").as_string());
    EXPECT_EQ(env.post("/v1/runs/" + sid + "/cancel", "").status, 200);
    EXPECT_EQ(parse(env.get("/v1/runs/" + sid).body).at("status"), "canceled");
    // Lists too, though the run was listed before the change (lists keep each run's JSON).
    auto listed = parse(env.get("/v1/runs?status=canceled&limit=100").body).at("data");
    int seen = 0;
    for (const auto& run : listed.as_array())
        if (run.at("id").as_string() == sid) {
            ++seen;
            EXPECT_EQ(run.at("status"), "canceled");
            EXPECT_FALSE(run.at("completed_at").is_null());
        }
    EXPECT_EQ(seen, 1);
}

TEST(ZofHttp, TriggerValidation) {
    zof_env env(10);
    auto no_ct = env.client().request("POST", "/v1/runs", env.auth(), trigger_body(env));
    EXPECT_EQ(no_ct.status, 400);
    auto missing = env.post("/v1/runs", R"({"environment":"staging","test_case_ids":["a"]})");
    EXPECT_EQ(missing.status, 400);
    EXPECT_EQ(parse(missing.body).at("error").at("param"), "project_id");
    auto suite = env.emu->scope().at("test_suite_id").as_string();
    auto by_suite = env.post("/v1/runs", R"({"project_id":")" + env.project_id() +
                                             R"(","environment":"production","test_suite_id":")" +
                                             std::string(suite) + "\"}");
    ASSERT_EQ(by_suite.status, 201) << by_suite.body;
    EXPECT_EQ(parse(by_suite.body).at("test_suite_id"), suite);
}
