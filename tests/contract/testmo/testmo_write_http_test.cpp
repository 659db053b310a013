// Creating automation runs over HTTP: the lifecycle of a run no reporter drives (advance the
// clock), forced outcomes, and the reporter flow (threads, tests, complete); same seed, same data.
#include <gtest/gtest.h>

#include <future>
#include <set>

#include "testmo_test_env.hpp"

using namespace runhub::test;
using namespace runhub::test::testmo;
using namespace std::chrono_literals;

namespace {

std::int64_t create(const testmo_env& env, const std::string& name = "Run 1") {
    auto r = env.post(env.runs_path(), R"({"name":")" + name +
                                           R"(","source":"frontend","tags":["tag-a"],
        "links":[{"name":"CI","url":"https://ci.example.com/1"}]})");
    EXPECT_EQ(r.status, 201) << r.body;
    return parse(r.body).at("id").as_int64();
}

boost::json::value run(const testmo_env& env, std::int64_t id) {
    return parse(env.get("/api/v1/automation/runs/" + std::to_string(id)).body).at("result");
}

// The run as the project's list shows it (null when it is not on the first page).
boost::json::value listed(const testmo_env& env, std::int64_t id) {
    auto page = parse(env.get(env.runs_path() + "?per_page=100").body);
    for (const auto& r : page.at("result").as_array())
        if (r.at("id") == id) return r;
    return nullptr;
}

}  // namespace

TEST(TestmoWrite, CreatedRunRunsThenCompletesInListAndGet) {
    testmo_env env(30);
    const auto id = create(env);
    auto top = parse(env.get(env.runs_path() + "?per_page=15").body).at("result").at(0);
    EXPECT_EQ(top.at("id"), id) << "the new run is the newest";
    EXPECT_EQ(top.at("status"), 4);
    EXPECT_EQ(top.at("is_completed"), false);
    EXPECT_EQ(top.at("links").at(0).at("name"), "CI");
    env.clock->advance(9s);
    EXPECT_EQ(run(env, id).at("status"), 4);
    env.clock->advance(1500ms);
    auto done = run(env, id);
    EXPECT_TRUE(done.at("status") == 2 || done.at("status") == 3);
    EXPECT_EQ(done.at("is_completed"), true);
    EXPECT_FALSE(done.at("completed_at").is_null());
    EXPECT_GT(done.at("total_count").as_int64(), 0);
    auto listed = parse(env.get(env.runs_path() + "?per_page=15").body).at("result").at(0);
    EXPECT_EQ(listed.at("status"), done.at("status"));
    EXPECT_EQ(listed.at("total_count"), done.at("total_count"));
    // Completed: closed for changes.
    EXPECT_EQ(env.post("/api/v1/automation/runs/" + std::to_string(id) + "/complete", "{}").status,
              422);
    EXPECT_EQ(env.post("/api/v1/automation/runs/" + std::to_string(id) + "/threads", "{}").status,
              422);
}

TEST(TestmoWrite, ForcedOutcomesDecideTheEnding) {
    testmo_env env(10);
    struct row {
        const char* outcome;
        int status;
    } rows[] = {{"passed", 2}, {"failed", 3}, {"error", 3}, {"canceled", 2}};
    for (const auto& r : rows) {
        env.emu->set_forced_outcome(r.outcome);
        const auto id = create(env);
        env.clock->advance(11s);
        auto got = run(env, id);
        EXPECT_EQ(got.at("status"), r.status) << r.outcome;
        if (std::string(r.outcome) == "canceled") {
            EXPECT_EQ(got.at("completed_count"), 0);
            EXPECT_GT(got.at("untested_count").as_int64(), 0);
        }
        if (std::string(r.outcome) == "failed") {
            EXPECT_GT(got.at("failure_count").as_int64(), 0);
        }
    }
}

TEST(TestmoWrite, ReporterFlowThreadsTestsAndComplete) {
    testmo_env env(10);
    const auto id = create(env, "Reporter run");
    const auto run_path = "/api/v1/automation/runs/" + std::to_string(id);
    auto thread = env.post(run_path + "/threads", R"({"elapsed_observed":600000000})");
    ASSERT_EQ(thread.status, 201) << thread.body;
    const auto tid = std::to_string(parse(thread.body).at("id").as_int64());
    auto append = env.post("/api/v1/automation/runs/threads/" + tid + "/append", R"({"tests":[
        {"key":"login1","name":"login works","status":"passed","folder":"auth","elapsed":1200000},
        {"name":"checkout declines expired card","status":"failed","folder":"checkout"},
        {"name":"flaky banner","status":"retest"}]})");
    EXPECT_EQ(append.status, 204) << append.body;
    EXPECT_EQ(env.post("/api/v1/automation/runs/threads/" + tid + "/append",
                       R"({"tests":[{"name":"x","status":"bogus"}]})")
                  .status,
              422);
    EXPECT_EQ(env.post(run_path + "/append", R"({"fields":[{"name":"Log","type":4,"value":"ok"}]})")
                  .status,
              204);
    // Listed (a list keeps each run's JSON until the run changes), then changed: the next
    // list shows the change.
    EXPECT_EQ(listed(env, id).at("status1_count"), 1);
    EXPECT_EQ(env.post(run_path + "/append", R"({"links":[{"name":"Log","url":"https://l.test"}]})")
                  .status,
              204);
    EXPECT_EQ(listed(env, id).at("links").as_array().size(), 2u);
    // Reporter-driven: the clock passing does not complete it.
    env.clock->advance(60s);
    auto open = run(env, id);
    EXPECT_EQ(open.at("status"), 4);
    EXPECT_EQ(open.at("thread_active_count"), 1);
    EXPECT_EQ(open.at("status1_count"), 1);
    EXPECT_EQ(open.at("status2_count"), 1);
    EXPECT_EQ(open.at("status3_count"), 1);
    EXPECT_EQ(open.at("fields").as_array().size(), 1u);
    EXPECT_EQ(env.post("/api/v1/automation/runs/threads/" + tid + "/complete", "{}").status, 204);
    EXPECT_EQ(env.post(run_path + "/complete", R"({"measure_elapsed":true})").status, 204);
    auto done = run(env, id);
    EXPECT_EQ(done.at("status"), 3);
    EXPECT_EQ(listed(env, id).at("status"), 3);
    EXPECT_EQ(listed(env, id).at("is_completed"), true);
    EXPECT_EQ(done.at("is_completed"), true);
    EXPECT_EQ(done.at("success_count"), 1);
    EXPECT_EQ(done.at("failure_count"), 1);
    EXPECT_EQ(done.at("completed_count"), 3);
    EXPECT_EQ(done.at("total_count"), 3);
    // measure_elapsed: creation to completion, 60 s of advanced clock plus real test time.
    EXPECT_GE(done.at("elapsed").as_int64(), 60000000);
    EXPECT_LT(done.at("elapsed").as_int64(), 65000000);
    EXPECT_EQ(done.at("threads").at(0).at("elapsed"), 600000000);
    auto tests = parse(env.get(run_path + "/tests").body);
    EXPECT_EQ(tests.at("total"), 3);
    EXPECT_EQ(parse(env.get(run_path + "/tests?status_id=2").body).at("result").at(0).at("name"),
              "checkout declines expired card");
    EXPECT_EQ(env.post("/api/v1/automation/runs/threads/" + tid + "/append",
                       R"({"tests":[{"name":"late","status":"passed"}]})")
                  .status,
              422);
}

TEST(TestmoWrite, CreateValidation) {
    testmo_env env(10);
    auto missing = env.post(env.runs_path(), R"({"source":"frontend"})");
    EXPECT_EQ(missing.status, 422);
    EXPECT_TRUE(parse(missing.body).at("errors").at("name").is_array());
    EXPECT_EQ(env.post(env.runs_path(), "{not json").status, 400);
    EXPECT_EQ(env.post(env.runs_path(), R"({"name":"n","source":"s","milestone_id":99})").status,
              422);
    auto new_source =
        env.post(env.runs_path(), R"({"name":"n","source":"brand-new","config":"Edge 120"})");
    ASSERT_EQ(new_source.status, 201);
    auto id = parse(new_source.body).at("id").as_int64();
    auto got = parse(env.get("/api/v1/automation/runs/" + std::to_string(id) +
                             "?expands=automation_sources,configs")
                         .body);
    EXPECT_EQ(got.at("expands").at("automation_sources").at(0).at("name"), "brand-new");
    EXPECT_EQ(got.at("expands").at("configs").at(0).at("name"), "Edge 120");
}

TEST(TestmoSeed, SameSeedSameRunsAndResetRestoresThem) {
    testmo_env a(50, 9), b(50, 9), c(50, 10);
    const auto path = a.runs_path() + "?per_page=100";
    const auto page = a.get(path).body;
    EXPECT_EQ(page, b.get(path).body);
    EXPECT_NE(page, c.get(path).body);
    create(a);
    EXPECT_NE(a.get(path).body, page);
    a.emu->reset();
    EXPECT_EQ(a.get(path).body, page);
}

TEST(TestmoWrite, ConcurrentCreatesGetDistinctIds) {
    testmo_env env(10);
    std::vector<std::future<http_reply>> replies;
    for (int i = 0; i < 12; ++i)
        replies.push_back(std::async(std::launch::async, [&] {
            return env.post(env.runs_path(), R"({"name":"parallel","source":"ci"})");
        }));
    std::set<std::int64_t> ids;
    for (auto& f : replies) {
        auto r = f.get();
        ASSERT_EQ(r.status, 201) << r.body;
        ids.insert(parse(r.body).at("id").as_int64());
    }
    EXPECT_EQ(ids.size(), 12u);
    EXPECT_EQ(parse(env.get(env.runs_path() + "?per_page=100").body).at("total").as_int64() +
                  parse(env.get("/api/v1/projects/2/automation/runs?per_page=100").body)
                      .at("total")
                      .as_int64(),
              22);
}
