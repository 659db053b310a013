// Idempotent Zof triggers over HTTP, including 20 concurrent identical POSTs with one key.
#include <gtest/gtest.h>

#include <future>
#include <set>

#include "zof_test_env.hpp"

using namespace runhub::test;
using namespace runhub::test::zof;

namespace {

std::string body_for(const zof_env& env, const char* env_name = "staging") {
    return R"({"project_id":")" + env.project_id() + R"(","environment":")" + env_name +
           R"(","test_case_ids":["tc_login_001"]})";
}

int count_runs(const zof_env& env) {
    int n = 0;
    std::string cursor;
    while (true) {
        auto v = parse(
            env.get("/v1/runs?limit=100" + (cursor.empty() ? "" : "&starting_after=" + cursor))
                .body);
        n += static_cast<int>(v.at("data").as_array().size());
        if (!v.at("has_more").as_bool()) return n;
        cursor = std::string(v.at("next_cursor").as_string());
    }
}

}  // namespace

TEST(ZofIdempotencyHttp, SameKeySameBodyReplaysTheSameRun) {
    zof_env env(10);
    auto first = env.post("/v1/runs", body_for(env), {{"Idempotency-Key", "ci-build-77"}});
    ASSERT_EQ(first.status, 201);
    auto again = env.post("/v1/runs", body_for(env), {{"Idempotency-Key", "ci-build-77"}});
    EXPECT_EQ(again.status, 201);
    EXPECT_EQ(again.body, first.body);
    EXPECT_EQ(again.header("idempotent-replayed"), "true");
    EXPECT_EQ(count_runs(env), 11);
    // Without a key, every POST is a new run.
    auto other = env.post("/v1/runs", body_for(env));
    EXPECT_NE(parse(other.body).at("id"), parse(first.body).at("id"));
    EXPECT_EQ(count_runs(env), 12);
}

TEST(ZofIdempotencyHttp, SameKeyDifferentBodyIs409) {
    zof_env env(10);
    ASSERT_EQ(env.post("/v1/runs", body_for(env), {{"Idempotency-Key", "k1"}}).status, 201);
    auto r = env.post("/v1/runs", body_for(env, "production"), {{"Idempotency-Key", "k1"}});
    EXPECT_EQ(r.status, 409);
    EXPECT_EQ(parse(r.body).at("error").at("code"), "idempotency_key_reused");
    EXPECT_EQ(count_runs(env), 11);
    auto too_long =
        env.post("/v1/runs", body_for(env), {{"Idempotency-Key", std::string(256, 'k')}});
    EXPECT_EQ(too_long.status, 400);
}

TEST(ZofIdempotencyHttp, KeysExpireAfter24Hours) {
    zof_env env(10);
    auto a = env.post("/v1/runs", body_for(env), {{"Idempotency-Key", "k"}});
    env.clock->advance(std::chrono::hours(25));
    auto b = env.post("/v1/runs", body_for(env), {{"Idempotency-Key", "k"}});
    EXPECT_EQ(b.status, 201);
    EXPECT_NE(parse(a.body).at("id"), parse(b.body).at("id"));
}

TEST(ZofIdempotencyHttp, TwentyConcurrentIdenticalPostsMakeOneRun) {
    zof_env env(10);
    const auto body = body_for(env);
    std::vector<std::future<http_reply>> replies;
    for (int i = 0; i < 20; ++i)
        replies.push_back(std::async(std::launch::async, [&] {
            return env.post("/v1/runs", body, {{"Idempotency-Key", "concurrent-1"}});
        }));
    std::set<std::string> ids;
    for (auto& f : replies) {
        auto r = f.get();
        EXPECT_EQ(r.status, 201);
        ids.insert(std::string(parse(r.body).at("id").as_string()));
    }
    EXPECT_EQ(ids.size(), 1u);
    EXPECT_EQ(count_runs(env), 11);
}
