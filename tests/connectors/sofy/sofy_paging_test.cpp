// Sofy's list dialect: window, position codec, request target, answers, and the assembly of
// whole groups from pages of test-run records.
#include "connectors/sofy/sofy_paging.hpp"

#include <gtest/gtest.h>

namespace sofy = runhub::connectors::sofy;
using runhub::connectors::list_query;
using runhub::model::parse_timestamp;
using runhub::model::run_status;

namespace {

// Records of groups, newest first: {group id, minute of scheduledAt, status}.
struct g {
    const char* id;
    int minute;
    int runs;
    const char* status = "Passed";
};

std::vector<sofy::sofy_record> records(const std::vector<g>& groups) {
    std::vector<sofy::sofy_record> out;
    for (const auto& x : groups)
        for (int i = 0; i < x.runs; ++i) {
            sofy::sofy_record r;
            r.scheduled_run_guid = "s";
            r.group_id = x.id;
            r.status = x.status;
            r.scheduled_at = parse_timestamp("2026-11-23T12:00:00Z");
            *r.scheduled_at += std::chrono::minutes(x.minute);
            out.push_back(std::move(r));
        }
    return out;
}

std::vector<std::string> ids(const std::vector<runhub::model::run>& runs) {
    std::vector<std::string> out;
    for (const auto& r : runs) out.push_back(r.native_id);
    return out;
}

using strings = std::vector<std::string>;

}  // namespace

TEST(SofyPaging, WindowOfAFirstPage) {
    auto now = *parse_timestamp("2026-11-23T12:34:56.789Z");
    auto p = sofy::first_position({}, now);
    EXPECT_EQ(sofy::format_minute(p.from_min), "2026-08-25 12:34");  // 90 days back
    EXPECT_EQ(sofy::format_minute(p.end_min), "2026-11-23 12:35");
    list_query q;
    q.since = parse_timestamp("2026-11-20T08:15:30Z");
    q.until = parse_timestamp("2026-11-21T00:00:00Z");
    p = sofy::first_position(q, now);
    EXPECT_EQ(sofy::format_minute(p.from_min), "2026-11-20 08:15");
    EXPECT_EQ(sofy::format_minute(p.end_min), "2026-11-21 00:01");
    EXPECT_EQ(p.offset, 0);
    EXPECT_EQ(
        sofy::list_target(p, "app-1"),
        "/reports-microservice/schedule-report/fetch-scheduled-runs?fromDate=2026-11-20%2008%3A15"
        "&endDate=2026-11-21%2000%3A01&pageNumber=1&pageSize=100&applicationGuid=app-1");
    p.offset = 250;
    EXPECT_NE(sofy::list_target(p, "").find("&pageNumber=3&"), std::string::npos);
    EXPECT_NE(sofy::list_target(p, "", 1).find("&pageNumber=4&"), std::string::npos);
}

TEST(SofyPaging, PositionCodec) {
    sofy::sofy_position p{120, 1000, 2000, std::nullopt, ""};
    auto back = sofy::decode_position(sofy::encode_position(p));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->offset, 120);
    EXPECT_EQ(back->from_min, 1000);
    EXPECT_EQ(back->end_min, 2000);
    EXPECT_FALSE(back->mark_ms);
    p.mark_ms = 1795400000000;
    p.mark_id = "sofy:g-1.42";
    back = sofy::decode_position(sofy::encode_position(p));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->mark_ms, 1795400000000);
    EXPECT_EQ(back->mark_id, "sofy:g-1.42");
    for (const char* bad : {"", "s1.", "s1.1.2", "s2.1.2.3", "s1.a.2.3", "s1.-1.2.3", "s1.1.5.3",
                            "s1.1.2.3.", "s1.1.2.3.4", "s1.1.2.3.x.id"})
        EXPECT_FALSE(sofy::decode_position(bad)) << bad;
}

TEST(SofyPaging, MalformedPages) {
    const char* bad[] = {
        "",
        "<html>oops</html>",
        R"({"pageNumber":1,"pageSize":20,"totalRecordsFound":1,"data":[)",
        R"({"data":[]})",
        R"({"totalRecordsFound":"3","data":[]})",
        R"({"totalRecordsFound":3,"data":{}})",
        R"({"totalRecordsFound":3,"data":[{"testRunGroupId":"1"}]})",
    };
    for (const char* text : bad) EXPECT_FALSE(sofy::parse_list(text).problem.empty()) << text;
    auto ok = sofy::parse_list(R"({"pageNumber":1,"pageSize":20,"totalRecordsFound":135,
      "totalRecordsFetched":1,"data":[{"testRunGroupId":"7","status":"Passed",
      "scheduledAt":"2023-10-24T06:14:39.200Z"}]})");
    EXPECT_TRUE(ok.problem.empty()) << ok.problem;
    EXPECT_EQ(ok.total, 135);
    EXPECT_EQ(ok.records.size(), 1u);
}

TEST(SofyPaging, WholeGroupsOnly) {
    sofy::sofy_position p{0, 0, 10, std::nullopt, ""};
    auto recs = records({{"3", 30, 2}, {"2", 20, 3}, {"1", 10, 2}});
    // Not at the end: group 1 may go on in the next vendor page.
    auto a = sofy::assemble(recs, p, false, 50, {}, "sofy");
    EXPECT_EQ(ids(a.runs), (strings{"s.3", "s.2"}));
    ASSERT_TRUE(a.next);
    EXPECT_EQ(a.next->offset, 5);
    EXPECT_EQ(a.runs[1].counts->total, 3);
    // At the end: every group.
    a = sofy::assemble(recs, p, true, 50, {}, "sofy");
    EXPECT_EQ(ids(a.runs), (strings{"s.3", "s.2", "s.1"}));
    EXPECT_FALSE(a.next);
    // The limit: at most that many groups.
    a = sofy::assemble(recs, p, true, 1, {}, "sofy");
    EXPECT_EQ(ids(a.runs), (strings{"s.3"}));
    ASSERT_TRUE(a.next);
    EXPECT_EQ(a.next->offset, 2);
    // One group fills what was read: the next vendor page is needed.
    a = sofy::assemble(records({{"9", 5, 4}}), p, false, 50, {}, "sofy");
    EXPECT_TRUE(a.need_more);
}

TEST(SofyPaging, RowsMovedDownByNewRunsAreNotReturnedTwice) {
    sofy::sofy_position p{0, 0, 10, std::nullopt, ""};
    auto first = sofy::assemble(records({{"3", 30, 2}, {"2", 20, 2}, {"1", 10, 1}}), p, false, 1,
                                {}, "sofy");
    ASSERT_EQ(ids(first.runs), (strings{"s.3"}));
    ASSERT_TRUE(first.next);
    // A new group "4" arrived at the top: rows from offset 2 now start with "3" again.
    auto second = sofy::assemble(records({{"3", 30, 2}, {"2", 20, 2}, {"1", 10, 1}}), *first.next,
                                 true, 50, {}, "sofy");
    EXPECT_EQ(ids(second.runs), (strings{"s.2", "s.1"}));
    EXPECT_FALSE(second.next);
}

TEST(SofyPaging, FiltersApplyToWholeGroups) {
    sofy::sofy_position p{0, 0, 10, std::nullopt, ""};
    auto recs = records({{"3", 30, 2, "Failed"}, {"2", 20, 3}, {"1", 10, 2, "Failed"}});
    list_query failed;
    failed.statuses = {run_status::failed};
    auto a = sofy::assemble(recs, p, true, 50, failed, "sofy");
    EXPECT_EQ(ids(a.runs), (strings{"s.3", "s.1"}));
    list_query window;
    window.since = parse_timestamp("2026-11-23T12:15:00Z");
    window.until = parse_timestamp("2026-11-23T12:30:00Z");
    a = sofy::assemble(recs, p, true, 50, window, "sofy");
    EXPECT_EQ(ids(a.runs), (strings{"s.2"}));
    list_query branch;
    branch.branch = "main";
    EXPECT_TRUE(sofy::assemble(recs, p, true, 50, branch, "sofy").runs.empty());
}
