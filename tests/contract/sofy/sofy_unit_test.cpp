// Sofy's pure parts: dates and paging of fetch-scheduled-runs, statuses, lifecycle, store.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <set>

#include "sandbox/core/seeded_data.hpp"
#include "sandbox/sofy/sofy_data.hpp"
#include "sandbox/sofy/sofy_lifecycle.hpp"
#include "sandbox/sofy/sofy_query.hpp"
#include "sandbox/sofy/sofy_store.hpp"
#include "sandbox/sofy/sofy_wire.hpp"

using namespace runhub::sandbox;
using namespace runhub::sandbox::sofy;
using namespace std::chrono_literals;

namespace {

time_point at(const char* text) {
    time_point t;
    EXPECT_TRUE(parse_rfc3339(text, t)) << text;
    return t;
}

}  // namespace

TEST(SofyQuery, DatesUseTheDocumentedFormatAndDefaultToTheLastSevenDays) {
    time_point t;
    EXPECT_TRUE(parse_sofy_date("2026-03-20 00:45", t));
    EXPECT_EQ(t, at("2026-03-20T00:45:00Z"));
    for (auto bad : {"2026-03-20T00:45", "2026-03-20", "2026-13-20 00:45", "2026-03-20 00:45:00",
                     "20-03-2026 00:45", ""})
        EXPECT_FALSE(parse_sofy_date(bad, t)) << bad;

    const auto now = at("2026-11-23T12:00:00Z");
    auto d = parse_fetch_query("", now);
    ASSERT_TRUE(d.query);
    EXPECT_EQ(d.query->from, now - 7 * 24h);
    EXPECT_EQ(d.query->until, now);
    EXPECT_EQ(d.query->page_number, 1);
    EXPECT_EQ(d.query->page_size, 20);

    auto q = parse_fetch_query(
        "fromDate=2026-03-20%2000%3A45&endDate=2026-04-03%2012%3A37&pageNumber=2&pageSize=500"
        "&applicationGuid=abc",
        now);
    ASSERT_TRUE(q.query);
    EXPECT_EQ(q.query->from, at("2026-03-20T00:45:00Z"));
    EXPECT_EQ(q.query->until, at("2026-04-03T12:38:00Z"));  // the end minute is included
    EXPECT_EQ(q.query->page_size, 100);                     // silently capped
    EXPECT_EQ(q.query->page_number, 2);
    EXPECT_EQ(q.query->application_guid, "abc");
    EXPECT_TRUE(parse_fetch_query("fromDate=2026-03-20+00:45", now).query);  // + as space

    for (auto bad : {"fromDate=yesterday", "pageNumber=0", "pageSize=-1", "pageNumber=x",
                     "fromDate=2026-11-23%2012%3A00&endDate=2026-11-20%2012%3A00"}) {
        auto r = parse_fetch_query(bad, now);
        EXPECT_FALSE(r.query) << bad;
        EXPECT_FALSE(r.message.empty()) << bad;
    }
}

TEST(SofyQuery, PagesEndAtCeilOfTotalOverPageSize) {
    auto last = slice_page(135, 7, 20);
    EXPECT_EQ(last.begin, 120u);
    EXPECT_EQ(last.end, 135u);
    auto past = slice_page(135, 8, 20);
    EXPECT_EQ(past.begin, past.end);
}

TEST(SofyLifecycle, QueuedRunningEndedAndAborted) {
    const auto t0 = at("2026-11-23T12:00:00Z");
    lifecycle_input in{t0, 2s, 8s, std::nullopt};
    EXPECT_EQ(lifecycle_at(in, t0 + 1s).at, phase::queued);
    EXPECT_EQ(lifecycle_at(in, t0 + 2s).at, phase::running);
    EXPECT_EQ(lifecycle_at(in, t0 + 10s).at, phase::ended);
    EXPECT_FALSE(lifecycle_at(in, t0 + 10s).aborted);
    in.aborted_at = t0 + 5s;
    EXPECT_EQ(lifecycle_at(in, t0 + 4s).at, phase::running);
    EXPECT_TRUE(lifecycle_at(in, t0 + 5s).aborted);
}

TEST(SofyData, EveryStatusInTheDefaultWindowAndGroupStatuses) {
    const auto now = at("2026-11-23T12:00:00Z");
    auto cat = make_catalog(42);
    auto runs = generate_runs(42, 300, now, cat);
    ASSERT_EQ(runs.size(), 300u);
    std::set<std::string> recent;
    std::set<std::string> ids;
    for (const auto& r : runs) {
        EXPECT_GE(r.scheduled_at, now - 30 * 24h);
        EXPECT_LE(r.scheduled_at, now);
        if (r.scheduled_at >= now - 7 * 24h) recent.insert(r.status);
        ids.insert(r.test_run_id);
        EXPECT_TRUE(cat.find_schedule(r.schedule_guid));
    }
    EXPECT_EQ(ids.size(), 300u);
    for (auto s : all_statuses) EXPECT_TRUE(recent.count(s)) << s;

    test_run q, p, f, s, running;
    q.queued = true;
    q.status = "Running";
    running.status = "Running";
    p.status = "Passed";
    f.status = "Not Executed";
    s.status = "Run Stopped";
    EXPECT_EQ(group_status({&q}), "Queued");
    EXPECT_EQ(group_status({&p, &running}), "Running");
    EXPECT_EQ(group_status({&p, &p}), "Complete");
    EXPECT_EQ(group_status({&p, &f}), "Complete with errors");
    EXPECT_EQ(group_status({&p, &s}), "Stopped by User");
    EXPECT_EQ(status_for("passed", 0), "Passed");
    EXPECT_EQ(status_for("failed", 0), "Failed");
    EXPECT_EQ(status_for("canceled", 0), "Run Stopped");
    EXPECT_EQ(status_for("error", 0), "Incomplete");
    EXPECT_EQ(status_for("error", 1), "Not Executed");
}

TEST(SofyWire, RecordAndErrorEnvelope) {
    auto cat = make_catalog(42);
    auto runs = generate_runs(42, 10, at("2026-11-23T12:00:00Z"), cat);
    auto o = record_object(runs[0], cat);
    for (auto key : {"scheduledRunName", "testRunGroupId", "scenarioName", "scheduledAt", "build",
                     "device", "status", "scheduledRunGuid", "applicationGuid", "testRunId"})
        EXPECT_TRUE(o.contains(key)) << key;
    EXPECT_EQ(std::string(o.at("scheduledAt").as_string()).size(), 24u);
    auto e = boost::json::parse(invalid_auth(at("2023-10-23T09:23:51.845Z")).body);
    EXPECT_EQ(e.at("error").at("message"), "Invalid Auth Key.");
    EXPECT_EQ(e.at("error").at("timestamp"), "2023-10-23T09:23:51.845Z");
    EXPECT_TRUE(e.at("error").at("details").is_string());
    auto limited = rate_limited_response(at("2026-11-23T12:00:00Z"));
    EXPECT_EQ(limited.status, 429);
    EXPECT_TRUE(limited.headers.empty());
}

TEST(SofyStore, ExecuteAbortAndForcedOutcomes) {
    const auto t0 = at("2026-11-23T12:00:10Z");
    store st({42, 30, at("2026-11-23T12:00:00Z"), 2s, 8s});
    const auto& s = st.cat().schedules.front();
    const auto gid = st.execute(s, "2.3.6", {"Pixel 8"}, t0, "failed");
    auto runs = *st.group_runs(s.guid, gid, t0, "");
    EXPECT_EQ(runs.size(), s.scenarios.size());
    EXPECT_EQ(st.groups_of(s.guid, t0, "").front().status, "Queued");
    EXPECT_EQ(st.groups_of(s.guid, t0 + 3s, "").front().status, "Running");
    const auto ended = *st.group_runs(s.guid, gid, t0 + 11s, "");
    for (const auto& r : ended) EXPECT_EQ(r.status, "Failed");
    EXPECT_EQ(st.groups_of(s.guid, t0 + 11s, "").front().status, "Complete with errors");
    EXPECT_EQ(st.abort(s.guid, gid, t0 + 12s, ""), store::abort_result::nothing_to_abort);

    const auto g2 = st.execute(s, "2.3.6", {"Pixel 8"}, t0 + 20s, "");
    EXPECT_EQ(st.abort(s.guid, g2, t0 + 23s, ""), store::abort_result::aborted);
    const auto stopped = *st.group_runs(s.guid, g2, t0 + 40s, "passed");
    for (const auto& r : stopped) EXPECT_EQ(r.status, "Run Stopped");
    EXPECT_EQ(st.abort(s.guid, std::string("nope"), t0, ""), store::abort_result::unknown_group);
    EXPECT_FALSE(st.group_runs(st.cat().schedules.back().guid, gid, t0, ""));
}

// fetch sends each record as its JSON kept in the store; a kept record must follow every
// change of the run (a triggered run from Running to its end, an abort).
TEST(SofyStore, FetchedRecordsFollowEveryChange) {
    const auto t0 = at("2026-11-23T12:00:10Z");
    store st({42, 30, at("2026-11-23T12:00:00Z"), 2s, 8s});
    const auto& s = st.cat().schedules.front();
    fetch_query q;
    q.from = at("2026-11-01T00:00:00Z");
    q.until = at("2026-11-24T00:00:00Z");
    q.page_size = 100;
    // Each record sent is record_object of the run it names, as that run is at `now`.
    auto same_as_built = [&](time_point now) {
        auto page = st.fetch(q, now, "");
        std::map<std::string, std::string> status_by_group;
        for (const auto& kept : page.json) {
            auto v = boost::json::parse(*kept);
            const std::string guid(v.at("scheduledRunGuid").as_string());
            const std::string group(v.at("testRunGroupId").as_string());
            const auto runs = *st.group_runs(guid, group, now, "");
            auto it = std::find_if(runs.begin(), runs.end(), [&](const test_run& r) {
                return r.test_run_id == v.at("testRunId").as_string();
            });
            EXPECT_NE(it, runs.end());
            if (it == runs.end()) continue;
            EXPECT_EQ(*kept, boost::json::serialize(record_object(*it, st.cat())));
            status_by_group[group] = it->status;
        }
        return status_by_group;
    };
    same_as_built(t0);  // every record kept
    const auto gid = st.execute(s, "2.3.6", {"Pixel 8"}, t0, "failed");
    const auto g2 = st.execute(s, "2.3.6", {"Pixel 8"}, t0, "passed");
    EXPECT_EQ(same_as_built(t0 + 1s).at(gid), "Running");
    EXPECT_EQ(st.abort(s.guid, g2, t0 + 3s, ""), store::abort_result::aborted);
    same_as_built(t0 + 4s);
    const auto ended = same_as_built(t0 + 11s);  // the first group ended Failed, the second stopped
    EXPECT_EQ(ended.at(gid), "Failed");
    EXPECT_EQ(ended.at(g2), "Run Stopped");
    std::size_t shown = 0;
    for (const auto& kept : st.fetch(q, t0 + 11s, "").json) {
        auto v = boost::json::parse(*kept);
        const auto group = v.at("testRunGroupId").as_string();
        if (group != gid && group != g2) continue;
        ++shown;
        EXPECT_EQ(v.at("status").as_string(), group == gid ? "Failed" : "Run Stopped");
    }
    EXPECT_EQ(shown, 2 * s.scenarios.size());
}
