// The TesterArmy API over HTTP behind a real sandbox vendor_server: paging walked to its end,
// limits, filters, auth, unknown ids, statuses, 429, triggering, lifecycle, cancel.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <set>

#include "sandbox/testerarmy/testerarmy_emulator.hpp"
#include "sandbox_fixture.hpp"

using namespace runhub;
using namespace runhub::test;
using namespace std::chrono_literals;

namespace {

sandbox_fixture make_fixture(sandbox_fixture_options o = {}) {
    return sandbox_fixture(sandbox::testerarmy::make_testerarmy_emulator, std::move(o));
}

struct walk_result {
    std::vector<std::string> ids;
    int pages = 0;
};

// Follows nextCursor until it is null.
walk_result walk(const sandbox_fixture& fx, const std::string& filters, int limit) {
    walk_result w;
    std::string cursor;
    for (;;) {
        std::string target = "/api/v1/runs?limit=" + std::to_string(limit) + filters;
        if (!cursor.empty()) target += "&cursor=" + cursor;
        auto r = fx.get(target);
        EXPECT_EQ(r.status, 200) << r.body;
        if (r.status != 200) break;
        auto body = parse_json(r.body).as_object();
        const auto& runs = body.at("runs").as_array();
        EXPECT_LE(runs.size(), static_cast<std::size_t>(limit));
        for (const auto& run : runs) w.ids.emplace_back(run.at("id").as_string());
        ++w.pages;
        if (body.at("nextCursor").is_null()) break;
        cursor = std::string(body.at("nextCursor").as_string());
        if (w.pages > 400) {
            ADD_FAILURE() << "no end";
            break;
        }
    }
    return w;
}

std::string scope(const sandbox_fixture& fx, const char* key) {
    auto info = parse_json(fx.get("/_sandbox/info").body);
    return std::string(info.at("scope").at(key).as_string());
}

}  // namespace

TEST(TesterArmyHttp, WalkingEveryPageYieldsEveryRunOnce) {
    auto fx = make_fixture();
    for (int limit : {1, 7, 20, 100}) {
        auto w = walk(fx, "", limit);
        std::set<std::string> unique(w.ids.begin(), w.ids.end());
        EXPECT_EQ(w.ids.size(), 300u) << limit;
        EXPECT_EQ(unique.size(), 300u) << limit;
        EXPECT_EQ(w.pages, (300 + limit - 1) / limit) << limit;
    }
}

TEST(TesterArmyHttp, DefaultLimitIs20AndOutOfRangeLimitsAre400) {
    auto fx = make_fixture();
    auto r = parse_json(fx.get("/api/v1/runs").body);
    EXPECT_EQ(r.at("runs").as_array().size(), 20u);
    EXPECT_TRUE(r.at("nextCursor").is_string());
    for (auto bad : {"0", "101", "1000", "x"}) {
        auto e = fx.get(std::string("/api/v1/runs?limit=") + bad);
        EXPECT_EQ(e.status, 400) << bad;
        EXPECT_EQ(parse_json(e.body).at("error"), "ValidationError") << bad;
    }
    auto bad_cursor = fx.get("/api/v1/runs?cursor=not-a-cursor");
    EXPECT_EQ(bad_cursor.status, 400);
}

TEST(TesterArmyHttp, NewestFirstAndFiltersNarrowTheWalk) {
    auto fx = make_fixture();
    auto page = parse_json(fx.get("/api/v1/runs?limit=100").body).at("runs").as_array();
    for (std::size_t i = 1; i < page.size(); ++i)
        EXPECT_GE(page[i - 1].at("createdAt").as_string(), page[i].at("createdAt").as_string());

    std::map<std::string, std::size_t> by_status;
    for (auto s : {"queued", "running", "completed", "failed", "cancelled"}) {
        auto w = walk(fx, std::string("&status=") + s, 50);
        EXPECT_GT(w.ids.size(), 0u) << "status " << s << " missing";
        by_status[s] = w.ids.size();
        auto first = parse_json(fx.get(std::string("/api/v1/runs?status=") + s).body);
        for (const auto& run : first.at("runs").as_array()) EXPECT_EQ(run.at("status"), s);
    }
    std::size_t sum = 0;
    for (auto& [s, n] : by_status) sum += n;
    EXPECT_EQ(sum, 300u);

    const auto project = scope(fx, "project_id");
    const auto test_id = scope(fx, "test_id");
    auto in_project = walk(fx, "&projectId=" + project, 100);
    EXPECT_GT(in_project.ids.size(), 0u);
    EXPECT_LT(in_project.ids.size(), 300u);
    auto of_test = parse_json(fx.get("/api/v1/runs?limit=100&testId=" + test_id).body);
    EXPECT_FALSE(of_test.at("runs").as_array().empty());
    for (const auto& run : of_test.at("runs").as_array()) {
        EXPECT_EQ(run.at("testId"), boost::json::value(test_id));
        EXPECT_EQ(run.at("projectId"), boost::json::value(project));
    }
}

TEST(TesterArmyHttp, CompletedRunsCarryPassOrFailedResults) {
    auto fx = make_fixture();
    std::set<std::string> results;
    for (const auto& id : walk(fx, "&status=completed", 100).ids) {
        auto run = parse_json(fx.get("/api/v1/runs/" + id).body);
        results.insert(std::string(run.at("output").at("result").as_string()));
    }
    EXPECT_EQ(results, (std::set<std::string>{"FAILED", "PASS"}));
}

TEST(TesterArmyHttp, AuthFailuresAre401Unauthorized) {
    auto fx = make_fixture();
    auto c = fx.client();
    for (auto headers : {header_list{}, header_list{{"Authorization", "Bearer sk_wrong"}},
                         header_list{{"Authorization", "sk_sandbox0001_7f3a9c2e5b8d4f61"}}}) {
        auto r = c.request("GET", "/api/v1/runs", headers);
        EXPECT_EQ(r.status, 401);
        EXPECT_EQ(parse_json(r.body).at("error"), "Unauthorized");
        EXPECT_EQ(c.request("POST", "/api/v1/runs", headers, R"({"prompt":"x"})").status, 401);
    }
}

TEST(TesterArmyHttp, UnknownIdsAre404AndMalformedIds400) {
    auto fx = make_fixture();
    const std::string unknown = "00000000-0000-4000-8000-000000000000";
    auto r = fx.get("/api/v1/runs/" + unknown);
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(parse_json(r.body).at("error"), "NotFound");
    EXPECT_EQ(fx.post("/api/v1/runs/" + unknown + "/cancel", "").status, 404);
    EXPECT_EQ(fx.get("/api/v1/runs/not-a-uuid").status, 400);
    EXPECT_EQ(fx.post("/api/v1/tests/" + unknown + "/runs", "").status, 404);
    EXPECT_EQ(fx.post("/api/v1/groups/" + unknown + "/runs", "").status, 404);
}

TEST(TesterArmyHttp, OverTheRateLimitAnswers429RateLimitedWithoutHeaders) {
    auto fx = make_fixture();
    fx.set_faults(R"({"rate_limit_per_min": 2})");
    EXPECT_EQ(fx.get("/api/v1/runs").status, 200);
    EXPECT_EQ(fx.get("/api/v1/runs").status, 200);
    auto r = fx.get("/api/v1/runs");
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(parse_json(r.body).at("error"), "RateLimited");
    EXPECT_EQ(r.header("retry-after"), "");
    EXPECT_EQ(r.header("x-ratelimit-reset"), "");
}

TEST(TesterArmyHttp, TriggeredRunMovesThroughItsLifecycleInListAndGet) {
    auto fx = make_fixture();
    auto made = fx.post("/api/v1/runs", R"({"prompt":"Check that the cart keeps items"})");
    ASSERT_EQ(made.status, 202) << made.body;
    auto body = parse_json(made.body);
    const std::string id(body.at("id").as_string());
    EXPECT_EQ(body.at("status"), "queued");
    EXPECT_EQ(std::string(body.at("createdAt").as_string()).substr(0, 17), "2026-11-23T12:00:");

    auto status_in_list = [&] {
        auto top = parse_json(fx.get("/api/v1/runs?limit=1").body).at("runs").at(0);
        EXPECT_EQ(top.at("id"), boost::json::value(id));
        return std::string(top.at("status").as_string());
    };
    auto status_of = [&] {
        return std::string(parse_json(fx.get("/api/v1/runs/" + id).body).at("status").as_string());
    };
    EXPECT_EQ(status_of(), "queued");
    EXPECT_EQ(status_in_list(), "queued");
    fx.advance(3s);
    EXPECT_EQ(status_of(), "running");
    EXPECT_EQ(status_in_list(), "running");
    fx.advance(10s);
    const auto final_status = status_of();
    EXPECT_TRUE(final_status == "completed" || final_status == "failed") << final_status;
    EXPECT_EQ(status_in_list(), final_status);
    auto cancel = fx.post("/api/v1/runs/" + id + "/cancel", "");
    EXPECT_EQ(cancel.status, 409);
    EXPECT_EQ(parse_json(cancel.body).at("error"), "Conflict");
}

TEST(TesterArmyHttp, ForcedOutcomesDriveEveryEnding) {
    auto fx = make_fixture();
    const auto test_id = scope(fx, "test_id");
    const std::map<std::string, std::pair<std::string, std::string>> want{
        {"passed", {"completed", "PASS"}},
        {"failed", {"completed", "FAILED"}},
        {"error", {"failed", ""}}};
    for (const auto& [outcome, expected] : want) {
        fx.set_faults(R"({"outcome": ")" + outcome + "\"}");
        auto made = fx.post("/api/v1/tests/" + test_id + "/runs", "");
        ASSERT_EQ(made.status, 202) << made.body;
        const std::string id(parse_json(made.body).at("id").as_string());
        fx.advance(11s);
        auto run = parse_json(fx.get("/api/v1/runs/" + id).body);
        EXPECT_EQ(run.at("status"), boost::json::value(expected.first)) << outcome;
        EXPECT_EQ(run.at("testId"), boost::json::value(test_id));
        if (expected.second.empty()) {
            EXPECT_TRUE(run.at("error").at("code").is_string());
        } else {
            EXPECT_EQ(run.at("output").at("result"), boost::json::value(expected.second))
                << outcome;
        }
    }
}

TEST(TesterArmyHttp, CancelTakesEffectAndIsConflictOnceTerminal) {
    auto fx = make_fixture();
    auto made = parse_json(fx.post("/api/v1/runs", R"({"prompt":"x"})").body);
    const std::string id(made.at("id").as_string());
    fx.advance(3s);
    auto c = fx.post("/api/v1/runs/" + id + "/cancel", "");
    ASSERT_EQ(c.status, 200) << c.body;
    EXPECT_EQ(parse_json(c.body), parse_json(R"({"id":")" + id + R"(","status":"cancelled"})"));
    fx.advance(30s);
    auto run = parse_json(fx.get("/api/v1/runs/" + id).body);
    EXPECT_EQ(run.at("status"), "cancelled");
    EXPECT_EQ(fx.post("/api/v1/runs/" + id + "/cancel", "").status, 409);
    // A generated terminal run is 409 too; a generated queued one can be cancelled.
    auto done = walk(fx, "&status=completed", 1).ids.front();
    EXPECT_EQ(fx.post("/api/v1/runs/" + done + "/cancel", "").status, 409);
    auto queued = parse_json(fx.get("/api/v1/runs?status=queued&limit=1").body);
    const std::string q(queued.at("runs").at(0).at("id").as_string());
    EXPECT_EQ(fx.post("/api/v1/runs/" + q + "/cancel", "").status, 200);
    // A list sends the run as it is now, not as an earlier list sent it (the store keeps each
    // settled run's JSON): the queued run listed above is listed cancelled.
    auto after = parse_json(fx.get("/api/v1/runs?status=cancelled&limit=100").body);
    int seen = 0;
    for (const auto& listed : after.at("runs").as_array())
        if (listed.at("id").as_string() == q) {
            ++seen;
            EXPECT_EQ(listed.at("status"), "cancelled");
            EXPECT_FALSE(listed.at("completedAt").is_null());
        }
    EXPECT_EQ(seen, 1);
}

TEST(TesterArmyHttp, TriggerValidationAndGroups) {
    auto fx = make_fixture();
    EXPECT_EQ(fx.post("/api/v1/runs", R"({})").status, 400);
    EXPECT_EQ(parse_json(fx.post("/api/v1/runs", "{").body).at("error"), "ValidationError");
    EXPECT_EQ(fx.post("/api/v1/runs", R"({"prompt": 5})").status, 400);
    const auto group = scope(fx, "group_id");
    auto r = fx.post("/api/v1/groups/" + group + "/runs", "");
    ASSERT_EQ(r.status, 202) << r.body;
    auto body = parse_json(r.body);
    EXPECT_EQ(body.at("groupId"), boost::json::value(group));
    EXPECT_EQ(body.at("status"), "queued");
    const auto& ids = body.at("runIds").as_array();
    EXPECT_EQ(body.at("count").to_number<std::int64_t>(), static_cast<std::int64_t>(ids.size()));
    ASSERT_FALSE(ids.empty());
    for (const auto& id : ids) {
        auto run = fx.get("/api/v1/runs/" + std::string(id.as_string()));
        EXPECT_EQ(run.status, 200);
        EXPECT_EQ(parse_json(run.body).at("status"), "queued");
    }
}

TEST(TesterArmyHttp, SameSeedSameDataOtherSeedOtherDataAndResetRestores) {
    auto a = make_fixture();
    auto b = make_fixture();
    sandbox_fixture_options other;
    other.seed = 43;
    auto c = make_fixture(other);
    const auto page_a = a.get("/api/v1/runs?limit=100").body;
    EXPECT_EQ(page_a, b.get("/api/v1/runs?limit=100").body);
    EXPECT_NE(page_a, c.get("/api/v1/runs?limit=100").body);
    a.post("/api/v1/runs", R"({"prompt":"x"})");
    EXPECT_NE(page_a, a.get("/api/v1/runs?limit=100").body);
    a.reset();
    EXPECT_EQ(page_a, a.get("/api/v1/runs?limit=100").body);
}

TEST(TesterArmyHttp, CancellingABatchStopsItsUnfinishedRunsIdempotently) {
    auto fx = make_fixture();
    auto group = parse_json(fx.post("/api/v1/groups/" + scope(fx, "group_id") + "/runs", "").body);
    const std::string batch(group.at("batchId").as_string());
    const auto& ids = group.at("runIds").as_array();
    auto first = fx.post("/api/v1/batches/" + batch + "/cancel", "");
    ASSERT_EQ(first.status, 200) << first.body;
    auto body = parse_json(first.body);
    EXPECT_EQ(body.at("batchId"), boost::json::value(batch));
    EXPECT_EQ(body.at("cancelled").to_number<std::size_t>(), ids.size());
    EXPECT_EQ(body.at("alreadyFinished"), 0);
    for (const auto& id : ids)
        EXPECT_EQ(
            parse_json(fx.get("/api/v1/runs/" + std::string(id.as_string())).body).at("status"),
            "cancelled");
    auto again = parse_json(fx.post("/api/v1/batches/" + batch + "/cancel", "").body);
    EXPECT_EQ(again.at("cancelled"), 0);
    EXPECT_EQ(again.at("alreadyFinishedRunIds").as_array().size(), ids.size());
    EXPECT_EQ(fx.post("/api/v1/batches/00000000-0000-4000-8000-000000000000/cancel", "").status,
              404);
}
