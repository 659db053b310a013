// The Testmo emulator over HTTP: page-number paging walked to its end, page sizes, filters,
// expands, counters, auth, unknown ids and run tests.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "testmo_test_env.hpp"

using namespace runhub::test;
using namespace runhub::test::testmo;

namespace {

// Walks a list to its end with per_page; returns every result object in order.
std::vector<boost::json::value> walk(const testmo_env& env, const std::string& base,
                                     const std::string& query, int per_page) {
    std::vector<boost::json::value> out;
    for (std::int64_t page = 1; page < 1000; ++page) {
        auto r = env.get(base + "?per_page=" + std::to_string(per_page) +
                         "&page=" + std::to_string(page) + query);
        EXPECT_EQ(r.status, 200) << r.body;
        auto v = parse(r.body);
        EXPECT_EQ(v.at("per_page"), per_page);
        const auto& result = v.at("result").as_array();
        EXPECT_LE(result.size(), static_cast<std::size_t>(per_page));
        for (const auto& item : result) out.push_back(item);
        if (v.at("total").as_int64() == 0) {
            EXPECT_TRUE(v.at("page").is_null());
            EXPECT_TRUE(v.at("last_page").is_null());
            EXPECT_TRUE(v.at("next_page").is_null());
            return out;
        }
        EXPECT_EQ(v.at("page"), page);
        EXPECT_EQ(v.at("prev_page").is_null(), page == 1);
        if (v.at("next_page").is_null()) {
            EXPECT_EQ(v.at("page"), v.at("last_page"));
            EXPECT_EQ(static_cast<std::int64_t>(out.size()), v.at("total").as_int64());
            return out;
        }
        EXPECT_EQ(v.at("next_page"), page + 1);
    }
    ADD_FAILURE() << "paging never ended";
    return out;
}

std::set<std::int64_t> ids_of(const std::vector<boost::json::value>& items) {
    std::set<std::int64_t> s;
    for (const auto& i : items) s.insert(i.at("id").as_int64());
    return s;
}

}  // namespace

TEST(TestmoHttp, WalkingEveryPageSizeYieldsEveryRunOnce) {
    testmo_env env(300);
    std::size_t in_main = 0;
    for (int per_page : {15, 25, 50, 100}) {
        auto runs = walk(env, env.runs_path(), "", per_page);
        EXPECT_EQ(ids_of(runs).size(), runs.size()) << per_page;
        in_main = runs.size();
        for (std::size_t i = 1; i < runs.size(); ++i)
            EXPECT_GT(runs[i - 1].at("id").as_int64(), runs[i].at("id").as_int64());
    }
    auto other = walk(env, "/api/v1/projects/2/automation/runs", "", 100);
    EXPECT_GT(in_main, 150u);
    EXPECT_EQ(in_main + other.size(), 300u) << "both projects together hold every seeded run";
    auto asc = walk(env, env.runs_path(), "&order=asc", 50);
    EXPECT_LT(asc.front().at("id").as_int64(), asc.back().at("id").as_int64());
    EXPECT_EQ(asc.size(), in_main);
}

TEST(TestmoHttp, DefaultPerPageIs100AndOtherSizesAre422) {
    testmo_env env(300);
    auto v = parse(env.get(env.runs_path()).body);
    EXPECT_EQ(v.at("per_page"), 100);
    EXPECT_EQ(v.at("result").as_array().size(), 100u);
    EXPECT_EQ(v.at("page"), 1);
    EXPECT_EQ(v.at("next_page"), 2);
    for (const char* bad : {"10", "20", "30", "101", "1000", "x"}) {
        auto r = env.get(env.runs_path() + "?per_page=" + bad);
        EXPECT_EQ(r.status, 422) << bad;
        EXPECT_TRUE(parse(r.body).at("errors").at("per_page").is_array()) << bad;
    }
    EXPECT_EQ(env.get(env.runs_path() + "?page=0").status, 422);
    auto beyond = parse(env.get(env.runs_path() + "?page=99").body);
    EXPECT_TRUE(beyond.at("result").as_array().empty());
    EXPECT_TRUE(beyond.at("next_page").is_null());
}

TEST(TestmoHttp, FiltersCountEqualsTheSeededCount) {
    testmo_env env(300);
    auto all = walk(env, env.runs_path(), "", 100);
    std::map<std::int64_t, std::size_t> by_status;
    for (const auto& r : all) ++by_status[r.at("status").as_int64()];
    EXPECT_EQ(by_status.size(), 3u) << "statuses 2, 3 and 4 are present";
    for (const auto& [status, n] : by_status) {
        EXPECT_EQ(walk(env, env.runs_path(), "&status=" + std::to_string(status), 25).size(), n);
        EXPECT_EQ(walk(env, env.runs_path(), "&state=" + std::to_string(status), 50).size(), n);
    }
    EXPECT_EQ(walk(env, env.runs_path(), "&status=2,3", 100).size(), by_status[2] + by_status[3]);

    const std::string after(all[150].at("created_at").as_string());
    const std::string before(all[40].at("created_at").as_string());
    std::size_t window = 0;
    for (const auto& r : all) {
        std::string c(r.at("created_at").as_string());
        window += (c > after && c < before) ? 1 : 0;
    }
    EXPECT_GT(window, 50u);
    EXPECT_EQ(
        walk(env, env.runs_path(), "&created_after=" + after + "&created_before=" + before, 15)
            .size(),
        window);

    std::size_t source1 = 0;
    for (const auto& r : all) source1 += r.at("source_id") == 1 ? 1 : 0;
    EXPECT_EQ(walk(env, env.runs_path(), "&source_id=1", 50).size(), source1);
    EXPECT_EQ(env.get(env.runs_path() + "?status=7").status, 422);
    EXPECT_EQ(env.get(env.runs_path() + "?created_after=yesterday").status, 422);
}

TEST(TestmoHttp, CountersAreConsistentOnEveryRun) {
    testmo_env env(300);
    std::set<std::int64_t> untested_nonzero;
    for (int project : {1, 2})
        for (const auto& r :
             walk(env, "/api/v1/projects/" + std::to_string(project) + "/automation/runs", "",
                  100)) {
            std::int64_t sum = 0;
            for (int i = 1; i <= 24; ++i)
                sum += r.at("status" + std::to_string(i) + "_count").as_int64();
            const auto id = r.at("id").as_int64();
            EXPECT_EQ(r.at("completed_count").as_int64(), sum) << id;
            EXPECT_EQ(r.at("total_count").as_int64(), sum + r.at("untested_count").as_int64())
                << id;
            EXPECT_EQ(r.at("success_count").as_int64(), r.at("status1_count").as_int64()) << id;
            EXPECT_EQ(r.at("failure_count").as_int64(),
                      r.at("status2_count").as_int64() + r.at("status4_count").as_int64())
                << id;
            for (int i = 6; i <= 24; ++i)
                EXPECT_EQ(r.at("status" + std::to_string(i) + "_count").as_int64(), 0);
            EXPECT_EQ(
                r.at("thread_count").as_int64(),
                r.at("thread_active_count").as_int64() + r.at("thread_completed_count").as_int64());
            if (r.at("status") == 3) {
                EXPECT_GT(r.at("failure_count").as_int64(), 0) << id;
            }
            if (r.at("status") == 2) {
                EXPECT_EQ(r.at("failure_count").as_int64(), 0) << id;
            }
            EXPECT_EQ(r.at("is_completed").as_bool(), !r.at("completed_at").is_null()) << id;
            if (r.at("untested_count").as_int64() > 0) untested_nonzero.insert(id);
        }
    EXPECT_FALSE(untested_nonzero.empty());
}

TEST(TestmoHttp, ExpandsBlock) {
    testmo_env env(60);
    auto v =
        parse(env.get(env.runs_path() +
                      "?per_page=15&expands=statuses,users,automation_sources,configs,milestones")
                  .body);
    const auto& ex = v.at("expands");
    const auto& statuses = ex.at("statuses").as_array();
    ASSERT_GE(statuses.size(), 5u);
    EXPECT_EQ(statuses.at(0).at("id"), 1);
    EXPECT_EQ(statuses.at(0).at("is_success"), true);
    EXPECT_EQ(statuses.at(1).at("is_failure"), true);
    std::set<std::int64_t> users, sources;
    for (const auto& u : ex.at("users").as_array()) users.insert(u.at("id").as_int64());
    for (const auto& s : ex.at("automation_sources").as_array())
        sources.insert(s.at("id").as_int64());
    for (const auto& r : v.at("result").as_array()) {
        EXPECT_TRUE(users.count(r.at("created_by").as_int64()));
        EXPECT_TRUE(sources.count(r.at("source_id").as_int64()));
    }
    EXPECT_TRUE(ex.at("configs").is_array());
    EXPECT_TRUE(ex.at("milestones").is_array());
    EXPECT_FALSE(parse(env.get(env.runs_path()).body).as_object().contains("expands"));
    EXPECT_EQ(env.get(env.runs_path() + "?expands=projects").status, 422);
    auto id = v.at("result").at(0).at("id").as_int64();
    auto one =
        parse(env.get("/api/v1/automation/runs/" + std::to_string(id) + "?expands=statuses").body);
    EXPECT_EQ(one.at("result").at("id"), id);
    EXPECT_TRUE(one.at("expands").at("statuses").is_array());
}

TEST(TestmoHttp, GetShowsThreadsWhoseCountersSumToTheRun) {
    testmo_env env(60);
    auto first = parse(env.get(env.runs_path() + "?per_page=15&status=3").body).at("result").at(0);
    auto id = std::to_string(first.at("id").as_int64());
    auto run = parse(env.get("/api/v1/automation/runs/" + id).body).at("result");
    const auto& threads = run.at("threads").as_array();
    EXPECT_EQ(static_cast<std::int64_t>(threads.size()), run.at("thread_count").as_int64());
    for (int i = 1; i <= 5; ++i) {
        const auto key = "status" + std::to_string(i) + "_count";
        std::int64_t sum = 0;
        for (const auto& t : threads) sum += t.at(key).as_int64();
        EXPECT_EQ(sum, run.at(key).as_int64()) << key;
    }
}

TEST(TestmoHttp, AuthFailuresAre401) {
    testmo_env env(10);
    auto none = http_client(env.server->port()).request("GET", env.runs_path());
    EXPECT_EQ(none.status, 401);
    EXPECT_TRUE(parse(none.body).at("message").is_string());
    for (const char* bad : {"Bearer nope", "Token abc", "Bearer"})
        EXPECT_EQ(http_client(env.server->port())
                      .request("GET", env.runs_path(), {{"Authorization", bad}})
                      .status,
                  401)
            << bad;
    EXPECT_EQ(http_client(env.server->port())
                  .request("POST", env.runs_path(), {{"Authorization", "Bearer x"}},
                           R"({"name":"n","source":"s"})")
                  .status,
              401);
}

TEST(TestmoHttp, UnknownIdsAre404) {
    testmo_env env(10);
    for (const char* path :
         {"/api/v1/automation/runs/999999", "/api/v1/automation/runs/abc",
          "/api/v1/automation/runs/999999/tests", "/api/v1/projects/77/automation/runs",
          "/api/v1/projects/x/automation/runs"}) {
        auto r = env.get(path);
        EXPECT_EQ(r.status, 404) << path;
        EXPECT_TRUE(parse(r.body).at("message").is_string()) << path;
    }
    EXPECT_EQ(env.post("/api/v1/automation/runs/999999/complete", "{}").status, 404);
    EXPECT_EQ(env.post("/api/v1/automation/runs/threads/999999/append", "{}").status, 404);
    EXPECT_EQ(
        env.post("/api/v1/projects/77/automation/runs", R"({"name":"n","source":"s"})").status,
        404);
}

TEST(TestmoHttp, RunTestsPageToTheirEndAndMatchTheCounters) {
    testmo_env env(40);
    auto run = parse(env.get(env.runs_path() + "?per_page=15&status=3").body).at("result").at(0);
    const auto base =
        "/api/v1/automation/runs/" + std::to_string(run.at("id").as_int64()) + "/tests";
    auto rows = walk(env, base, "", 100);
    EXPECT_EQ(static_cast<std::int64_t>(rows.size()), run.at("total_count").as_int64());
    EXPECT_EQ(ids_of(rows).size(), rows.size());
    auto failed = walk(env, base, "&status_id=2", 100);
    EXPECT_EQ(static_cast<std::int64_t>(failed.size()), run.at("status2_count").as_int64());
    for (const auto& t : failed) EXPECT_EQ(t.at("status_id"), 2);
    EXPECT_EQ(env.get(base + "?per_page=50").status, 422);
}
