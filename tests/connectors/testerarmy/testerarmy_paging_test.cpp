// TesterArmy's list dialect as pure functions: limits, the request target, the answer, the
// filters the connector applies itself, and the order of a page.
#include "connectors/testerarmy/testerarmy_paging.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace ta = runhub::connectors::testerarmy;
using runhub::connectors::list_query;
using runhub::model::parse_timestamp;
using runhub::model::run_status;

namespace {

std::string run_json(const std::string& id, const std::string& created,
                     const std::string& status = "queued") {
    return R"({"id":")" + id + R"(","type":"test","status":")" + status +
           R"(","input":{},"createdAt":")" + created + R"("})";
}

std::string page_json(const std::vector<std::string>& runs, const std::string& next) {
    std::string s = R"({"runs":[)";
    for (std::size_t i = 0; i < runs.size(); ++i) s += (i ? "," : "") + runs[i];
    return s + R"(],"nextCursor":)" + next + "}";
}

}  // namespace

TEST(TesterArmyPaging, LimitIsOneToHundred) {
    EXPECT_EQ(ta::page_limit(-5), 1);
    EXPECT_EQ(ta::page_limit(0), 1);
    EXPECT_EQ(ta::page_limit(1), 1);
    EXPECT_EQ(ta::page_limit(50), 50);
    EXPECT_EQ(ta::page_limit(100), 100);
    EXPECT_EQ(ta::page_limit(200), 100);
}

TEST(TesterArmyPaging, Target) {
    list_query q;
    EXPECT_EQ(ta::list_target(q, "", "", 20), "/api/v1/runs?limit=20");
    EXPECT_EQ(ta::list_target(q, "p-1", "abc 1/=", 500),
              "/api/v1/runs?limit=100&projectId=p-1&cursor=abc%201%2F%3D");
    q.statuses = {run_status::passed, run_status::failed};
    EXPECT_EQ(ta::list_target(q, "", "", 10), "/api/v1/runs?limit=10&status=completed");
    q.statuses = {run_status::passed, run_status::queued};  // no single vendor value
    EXPECT_EQ(ta::list_target(q, "", "", 10), "/api/v1/runs?limit=10");
    q.statuses = {run_status::canceled};
    EXPECT_EQ(ta::list_target(q, "", "", 10), "/api/v1/runs?limit=10");
}

TEST(TesterArmyPaging, ParsesAPage) {
    auto p = ta::parse_list(page_json({run_json("a", "2026-11-23T10:00:00.000Z"),
                                       run_json("b", "2026-11-23T11:00:00Z", "running")},
                                      R"("c2")"),
                            "ta");
    ASSERT_TRUE(p.problem.empty()) << p.problem;
    ASSERT_EQ(p.runs.size(), 2u);
    EXPECT_EQ(p.runs[0].id, "ta:a");
    EXPECT_EQ(p.next_cursor, "c2");
    auto end = ta::parse_list(R"({"runs":[],"nextCursor":null})", "ta");
    EXPECT_TRUE(end.problem.empty());
    EXPECT_EQ(end.next_cursor, std::nullopt);
    auto absent = ta::parse_list(R"({"runs":[]})", "ta");
    EXPECT_TRUE(absent.problem.empty());
    EXPECT_EQ(absent.next_cursor, std::nullopt);
}

TEST(TesterArmyPaging, MalformedPages) {
    const char* bad[] = {
        "",
        "<html>502 Bad Gateway</html>",
        R"({"runs":[{"id":"a","status":"queued","createdAt":"2026-11-23T10:00:00Z"})",  // truncated
        R"([])",
        R"({"data":[]})",
        R"({"runs":{}})",
        R"({"runs":[],"nextCursor":5})",
        R"({"runs":[{"id":"a"}],"nextCursor":null})",
        R"({"runs":[3],"nextCursor":null})",
    };
    for (const char* text : bad) EXPECT_FALSE(ta::parse_list(text, "ta").problem.empty()) << text;
}

TEST(TesterArmyPaging, FinishSortsNewestFirstAndFilters) {
    auto p = ta::parse_list(
        page_json({run_json("a", "2026-11-23T10:00:00Z"), run_json("c", "2026-11-23T12:00:00Z"),
                   run_json("b", "2026-11-23T12:00:00Z", "running")},
                  R"("next")"),
        "ta");
    auto all = ta::finish_page(p, {});
    ASSERT_EQ(all.runs.size(), 3u);
    EXPECT_EQ(all.runs[0].native_id, "c");  // same created_at: id descending
    EXPECT_EQ(all.runs[1].native_id, "b");
    EXPECT_EQ(all.runs[2].native_id, "a");
    EXPECT_EQ(all.next, "next");

    list_query running;
    running.statuses = {run_status::running};
    auto r = ta::finish_page(p, running);
    ASSERT_EQ(r.runs.size(), 1u);
    EXPECT_EQ(r.runs[0].native_id, "b");

    list_query window;
    window.until = parse_timestamp("2026-11-23T12:00:00Z");
    auto w = ta::finish_page(p, window);
    ASSERT_EQ(w.runs.size(), 1u);
    EXPECT_EQ(w.runs[0].native_id, "a");
    EXPECT_EQ(w.next, "next");  // older runs may still follow

    list_query branch;
    branch.branch = "main";
    EXPECT_TRUE(ta::finish_page(p, branch).runs.empty());
}

TEST(TesterArmyPaging, SinceEndsTheWalkOncePassed) {
    auto p = ta::parse_list(
        page_json({run_json("c", "2026-11-23T12:00:00Z"), run_json("a", "2026-11-23T10:00:00Z")},
                  R"("next")"),
        "ta");
    list_query q;
    q.since = parse_timestamp("2026-11-23T11:00:00Z");
    auto page = ta::finish_page(p, q);
    ASSERT_EQ(page.runs.size(), 1u);
    EXPECT_EQ(page.runs[0].native_id, "c");
    EXPECT_EQ(page.next, std::nullopt);
    q.since = parse_timestamp("2026-11-23T09:00:00Z");
    EXPECT_EQ(ta::finish_page(p, q).next, "next");
}
