// TesterArmy's pure parts: lifecycle, query parsing, cursors, generated data, wire format, store.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "sandbox/core/seeded_data.hpp"
#include "sandbox/testerarmy/testerarmy_data.hpp"
#include "sandbox/testerarmy/testerarmy_lifecycle.hpp"
#include "sandbox/testerarmy/testerarmy_paging.hpp"
#include "sandbox/testerarmy/testerarmy_store.hpp"
#include "sandbox/testerarmy/testerarmy_wire.hpp"

using namespace runhub::sandbox;
using namespace runhub::sandbox::testerarmy;
using namespace std::chrono_literals;

namespace {

time_point at(const char* text) {
    time_point t;
    EXPECT_TRUE(parse_rfc3339(text, t)) << text;
    return t;
}

store_options small_store(int runs = 20) {
    return {42, runs, at("2026-11-23T12:00:00Z"), 2s, 8s, ""};
}

}  // namespace

TEST(TesterArmyLifecycle, QueuedRunningEndedAndCancelled) {
    const auto t0 = at("2026-11-23T12:00:00Z");
    lifecycle_input in{t0, 2s, 8s, std::nullopt};
    EXPECT_EQ(lifecycle_at(in, t0 + 1s).at, phase::queued);
    EXPECT_FALSE(lifecycle_at(in, t0 + 1s).started_at);
    auto running = lifecycle_at(in, t0 + 3s);
    EXPECT_EQ(running.at, phase::running);
    EXPECT_EQ(*running.started_at, t0 + 2s);
    auto ended = lifecycle_at(in, t0 + 10s);
    EXPECT_EQ(ended.at, phase::ended);
    EXPECT_FALSE(ended.cancelled);
    EXPECT_EQ(*ended.ended_at, t0 + 10s);

    in.cancelled_at = t0 + 1s;  // while queued: never started
    auto c = lifecycle_at(in, t0 + 5s);
    EXPECT_TRUE(c.cancelled);
    EXPECT_FALSE(c.started_at);
    EXPECT_EQ(*c.ended_at, t0 + 1s);
    EXPECT_EQ(lifecycle_at(in, t0 + 500ms).at, phase::queued);  // before the cancel
}

TEST(TesterArmyPaging, LimitFollowsTheOpenApiPattern) {
    EXPECT_EQ(parse_list_query("").query->limit, 20);
    EXPECT_EQ(parse_list_query("limit=1").query->limit, 1);
    EXPECT_EQ(parse_list_query("limit=100").query->limit, 100);
    for (auto bad : {"limit=0", "limit=101", "limit=007", "limit=abc", "limit=", "limit=-5"}) {
        auto r = parse_list_query(bad);
        EXPECT_FALSE(r.query) << bad;
        EXPECT_EQ(r.error.rfind("limit:", 0), 0u) << bad;
    }
}

TEST(TesterArmyPaging, FiltersAndStatusVocabulary) {
    auto r = parse_list_query("status=completed&projectId=p%2D1&testId=t1&cursor=ab");
    ASSERT_TRUE(r.query);
    EXPECT_EQ(r.query->status, "completed");
    EXPECT_EQ(r.query->project_id, "p-1");
    EXPECT_EQ(r.query->test_id, "t1");
    EXPECT_EQ(r.query->cursor, "ab");
    for (auto s : {"queued", "running", "completed", "failed", "cancelled"})
        EXPECT_TRUE(is_run_status(s)) << s;
    EXPECT_FALSE(parse_list_query("status=passed").query);
    EXPECT_FALSE(parse_list_query("status=canceled").query);
    EXPECT_FALSE(parse_list_query("a=%zz").query);
}

TEST(TesterArmyPaging, CursorRoundTripsAndRejectsGarbage) {
    run_key k{1764000000123, "0b6c3a5e-1111-4222-8333-444455556666"};
    auto back = decode_cursor(encode_cursor(k));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->created_ms, k.created_ms);
    EXPECT_EQ(back->id, k.id);
    for (auto bad : {"", "zz", "abc", "2e61", "00"}) EXPECT_FALSE(decode_cursor(bad)) << bad;
}

TEST(TesterArmyPaging, SliceAfterACursorNeverRepeats) {
    std::vector<run_key> keys{{5, "e"}, {4, "d"}, {4, "c"}, {2, "b"}, {1, "a"}};
    auto first = slice_after(keys, std::nullopt, 2);
    EXPECT_EQ(first.begin, 0u);
    EXPECT_EQ(first.end, 2u);
    EXPECT_TRUE(first.has_more);
    auto second = slice_after(keys, keys[1], 2);
    EXPECT_EQ(second.begin, 2u);
    EXPECT_EQ(second.end, 4u);
    auto last = slice_after(keys, keys[3], 2);
    EXPECT_EQ(last.begin, 4u);
    EXPECT_EQ(last.end, 5u);
    EXPECT_FALSE(last.has_more);
    // A run inserted on top meanwhile does not shift the next page.
    keys.insert(keys.begin(), run_key{9, "z"});
    EXPECT_EQ(keys[slice_after(keys, run_key{4, "d"}, 2).begin].id, "c");
}

TEST(TesterArmyData, EveryStatusAndResultIsPresent) {
    auto cat = make_catalog(42);
    auto runs = generate_runs(42, 300, at("2026-11-23T12:00:00Z"), cat);
    ASSERT_EQ(runs.size(), 300u);
    std::set<std::string> seen;
    for (const auto& r : runs) seen.insert(r.status + "/" + r.result);
    for (auto s :
         {"queued/", "running/", "completed/PASS", "completed/FAILED", "failed/", "cancelled/"})
        EXPECT_TRUE(seen.count(s)) << s;
    for (std::size_t i = 1; i < runs.size(); ++i)
        EXPECT_GE(runs[i - 1].created_at, runs[i].created_at);
    const auto oldest = at("2026-10-24T12:00:00Z");
    for (const auto& r : runs) {
        EXPECT_GE(r.created_at, oldest);
        EXPECT_LE(r.created_at, at("2026-11-23T12:00:00Z"));
        if (r.status == "completed" && r.result == "FAILED") {
            EXPECT_FALSE(r.issues.empty());
        }
        if (r.status == "completed" && r.result == "PASS") {
            EXPECT_TRUE(r.issues.empty());
        }
        if (r.status == "failed") {
            EXPECT_FALSE(r.error_code.empty());
        }
    }
}

TEST(TesterArmyData, SameSeedSameRunsOtherSeedOtherRuns) {
    const auto now = at("2026-11-23T12:00:00Z");
    auto a = generate_runs(7, 50, now, make_catalog(7));
    auto b = generate_runs(7, 50, now, make_catalog(7));
    auto c = generate_runs(8, 50, now, make_catalog(8));
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(boost::json::serialize(run_object(a[i])),
                  boost::json::serialize(run_object(b[i])));
    }
    EXPECT_NE(a[0].id, c[0].id);
}

TEST(TesterArmyWire, RunObjectHasTheSeedFieldsAndMillisecondTimestamps) {
    auto cat = make_catalog(42);
    auto runs = generate_runs(42, 40, at("2026-11-23T12:00:00Z"), cat);
    for (const auto& r : runs) {
        auto o = run_object(r);
        for (auto key : {"id",          "type",       "status",      "input",         "createdAt",
                         "platform",    "source",     "projectId",   "output",        "testPlan",
                         "error",       "durationMs", "webhookUrl",  "webhookStatus", "testId",
                         "stepResults", "userName",   "externalRef", "executionMode", "startedAt",
                         "completedAt"})
            EXPECT_TRUE(o.contains(key)) << key;
        const std::string created(o.at("createdAt").as_string());
        EXPECT_EQ(created.size(), 24u) << created;  // 2026-11-23T12:00:00.000Z
        EXPECT_EQ(created.back(), 'Z');
        if (r.status == "completed") {
            EXPECT_EQ(o.at("output").at("result"), boost::json::value(r.result));
            EXPECT_TRUE(o.at("durationMs").is_int64());
        } else {
            EXPECT_TRUE(o.at("output").is_null());
        }
    }
    auto e = boost::json::parse(error_response(404, "NotFound", "Run not found").body);
    EXPECT_EQ(e, boost::json::parse(R"({"error":"NotFound","message":"Run not found"})"));
    auto limited = rate_limited_response();
    EXPECT_EQ(limited.status, 429);
    EXPECT_TRUE(limited.headers.empty());
    EXPECT_EQ(boost::json::parse(limited.body).at("error"), "RateLimited");
}

TEST(TesterArmyStore, TriggeredRunFollowsTheClockAndTheForcedOutcome) {
    store s(small_store());
    const auto t0 = at("2026-11-23T12:00:10Z");
    trigger_spec spec{"chat", "p", "", "", "", "check the cart", "check the cart", "web", "u"};
    auto r = s.trigger(spec, t0, "failed");
    EXPECT_EQ(r.status, "queued");
    EXPECT_EQ(s.get(r.id, t0 + 3s, "")->status, "running");
    auto done = *s.get(r.id, t0 + 11s, "");
    EXPECT_EQ(done.status, "completed");
    EXPECT_EQ(done.result, "FAILED");
    EXPECT_EQ(s.cancel(r.id, t0 + 12s, ""), store::cancel_result::terminal);

    auto errored = s.trigger(spec, t0, "error");
    EXPECT_EQ(s.get(errored.id, t0 + 20s, "")->status, "failed");
    // Forced at the moment it ends wins over what was planned at trigger time.
    auto late = s.trigger(spec, t0, "");
    EXPECT_EQ(s.get(late.id, t0 + 20s, "passed")->result, "PASS");

    auto c = s.trigger(spec, t0, "");
    EXPECT_EQ(s.cancel(c.id, t0 + 1s, ""), store::cancel_result::cancelled);
    EXPECT_EQ(s.get(c.id, t0 + 30s, "")->status, "cancelled");
    EXPECT_EQ(s.cancel("nope", t0, ""), store::cancel_result::not_found);
}

TEST(TesterArmyStore, WebhooksAreDueOnceForCompletedOrFailedRuns) {
    store s(small_store());
    const auto t0 = at("2026-11-23T12:00:10Z");
    trigger_spec spec{"chat", "p", "", "", "", "x", "x", "web", "http://127.0.0.1:1/hook"};
    auto r = s.trigger(spec, t0, "passed");
    auto cancelled = s.trigger(spec, t0, "passed");
    s.cancel(cancelled.id, t0 + 1s, "");
    EXPECT_TRUE(s.due_webhooks(t0 + 5s, "").empty());
    auto due = s.due_webhooks(t0 + 10s, "");
    ASSERT_EQ(due.size(), 1u);
    EXPECT_EQ(due[0].url, "http://127.0.0.1:1/hook");
    auto body = boost::json::parse(due[0].body);
    EXPECT_EQ(body.at("id"), boost::json::value(r.id));
    EXPECT_EQ(body.at("status"), "completed");
    EXPECT_TRUE(s.due_webhooks(t0 + 20s, "").empty());
    EXPECT_EQ(s.get(r.id, t0 + 20s, "")->webhook_status, "delivered");
    EXPECT_EQ(s.get(cancelled.id, t0 + 20s, "")->webhook_status, "");  // never sent: null
}
