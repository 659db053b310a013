#include "api/runs_query.hpp"

#include <gtest/gtest.h>

using namespace runhub::api;

namespace {
std::string problem_param(std::string_view q) {
    auto r = parse_runs_query(q);
    auto* p = std::get_if<query_problem>(&r);
    return p ? p->param : "<ok>";
}
}  // namespace

TEST(RunsQuery, Defaults) {
    auto r = parse_runs_query("");
    auto& q = std::get<runs_query>(r);
    EXPECT_EQ(q.limit, 50u);
    EXPECT_TRUE(q.sources.empty());
    EXPECT_TRUE(q.filters.statuses.empty());
    EXPECT_FALSE(q.strict);
}

TEST(RunsQuery, ParsesEveryParameter) {
    auto r = parse_runs_query(
        "limit=200&status=failed,error&source=zof,testmo&since=2026-11-01T00:00:00Z"
        "&until=2026-11-02T00:00:00%2B01:00&branch=release%2F4.2&cursor=abc&consistency=strict");
    auto& q = std::get<runs_query>(r);
    EXPECT_EQ(q.limit, 200u);
    ASSERT_EQ(q.filters.statuses.size(), 2u);
    EXPECT_EQ(q.filters.statuses[1], runhub::model::run_status::error);
    EXPECT_EQ(q.sources, (std::vector<std::string>{"zof", "testmo"}));
    EXPECT_TRUE(q.filters.since && q.filters.until);
    EXPECT_EQ(*q.filters.branch, "release/4.2");
    EXPECT_EQ(q.cursor, "abc");
    EXPECT_TRUE(q.strict);
}

TEST(RunsQuery, RefusesBadValuesNamingTheParameter) {
    EXPECT_EQ(problem_param("limit=0"), "limit");
    EXPECT_EQ(problem_param("limit=201"), "limit");
    EXPECT_EQ(problem_param("limit=abc"), "limit");
    EXPECT_EQ(problem_param("limit=-1"), "limit");
    EXPECT_EQ(problem_param("limit="), "limit");
    EXPECT_EQ(problem_param("status=PASSED"), "status");
    EXPECT_EQ(problem_param("since=yesterday"), "since");
    EXPECT_EQ(problem_param("until=2026-13-01T00:00:00Z"), "until");
    EXPECT_EQ(problem_param("since=2026-11-02T00:00:00Z&until=2026-11-01T00:00:00Z"), "until");
    EXPECT_EQ(problem_param("branch="), "branch");
    EXPECT_EQ(problem_param("consistency=eventual"), "consistency");
    EXPECT_EQ(problem_param("stauts=failed"), "stauts");
    EXPECT_EQ(problem_param("limit=10"), "<ok>");
}
