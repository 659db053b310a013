// Pure parts of the Zof emulator: lifecycle, outcome, HMAC, query parsing, paging, idempotency,
// generated data and case outcomes. No sockets.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "sandbox/core/seeded_data.hpp"
#include "sandbox/zof/zof_data.hpp"
#include "sandbox/zof/zof_details.hpp"
#include "sandbox/zof/zof_idempotency.hpp"
#include "sandbox/zof/zof_lifecycle.hpp"
#include "sandbox/zof/zof_query.hpp"
#include "sandbox/zof/zof_trigger.hpp"
#include "sandbox/zof/zof_webhook.hpp"
#include "sandbox/zof/zof_wire.hpp"

using namespace runhub::sandbox;
using namespace runhub::sandbox::zof;
using namespace std::chrono_literals;

namespace {

time_point at(const char* s) {
    time_point t;
    EXPECT_TRUE(parse_rfc3339(s, t)) << s;
    return t;
}

}  // namespace

TEST(ZofLifecycle, QueuedRunningFinished) {
    const auto t0 = at("2026-11-23T12:00:00Z");
    const lifecycle_timing tm{2000ms, 8000ms};
    struct row {
        std::chrono::milliseconds after;
        phase expect;
    } rows[] = {{0ms, phase::queued},     {1999ms, phase::queued},    {2000ms, phase::running},
                {9999ms, phase::running}, {10000ms, phase::finished}, {99000ms, phase::finished}};
    for (const auto& r : rows) {
        auto s = lifecycle_at(t0, t0 + r.after, tm, std::nullopt);
        EXPECT_EQ(s.at, r.expect) << r.after.count();
        EXPECT_EQ(s.started_at.has_value(), r.after >= 2000ms);
        EXPECT_EQ(s.completed_at.has_value(), r.after >= 10000ms);
    }
    EXPECT_EQ(*lifecycle_at(t0, t0 + 50s, tm, std::nullopt).completed_at, t0 + 10s);
}

TEST(ZofLifecycle, CancelEndsEarly) {
    const auto t0 = at("2026-11-23T12:00:00Z");
    const lifecycle_timing tm{2000ms, 8000ms};
    auto queued_cancel = lifecycle_at(t0, t0 + 5s, tm, t0 + 1s);
    EXPECT_EQ(queued_cancel.at, phase::canceled);
    EXPECT_FALSE(queued_cancel.started_at);
    EXPECT_EQ(*queued_cancel.completed_at, t0 + 1s);
    auto running_cancel = lifecycle_at(t0, t0 + 5s, tm, t0 + 3s);
    EXPECT_EQ(running_cancel.at, phase::canceled);
    EXPECT_EQ(*running_cancel.started_at, t0 + 2s);
    // A cancel recorded after the natural end changes nothing.
    EXPECT_EQ(lifecycle_at(t0, t0 + 20s, tm, t0 + 15s).at, phase::finished);
}

TEST(ZofLifecycle, ForcedOutcomeWinsOverSeed) {
    EXPECT_EQ(resolve_outcome("", "passed"), "passed");
    EXPECT_EQ(resolve_outcome("failed", "passed"), "failed");
    EXPECT_EQ(resolve_outcome("error", "passed"), "error");
    EXPECT_EQ(resolve_outcome("cancelled", "passed"), "canceled");
    EXPECT_EQ(resolve_outcome("canceled", "failed"), "canceled");
    EXPECT_EQ(resolve_outcome("Not Executed", "failed"), "failed");
}

TEST(ZofWebhook, HmacSha256MatchesRfc4231Vector) {
    // RFC 4231 test case 2.
    EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(ZofWebhook, EventEnvelopeAndEvents) {
    run_record r;
    r.id = "run_abc";
    r.project_id = "proj_1";
    r.status = "failed";
    r.started_at = at("2026-11-23T12:00:02Z");
    r.completed_at = at("2026-11-23T12:00:10Z");
    auto v = boost::json::parse(
        event_body("evt_1", "run.completed", r, "org_x", at("2026-11-23T12:00:11Z")));
    EXPECT_EQ(v.at("id"), "evt_1");
    EXPECT_EQ(v.at("type"), "run.completed");
    EXPECT_EQ(v.at("created"), "2026-11-23T12:00:11Z");
    EXPECT_EQ(v.at("data").at("object").at("run_id"), "run_abc");
    EXPECT_EQ(v.at("data").at("object").at("organization_id"), "org_x");
    EXPECT_EQ(v.at("data").at("object").at("status"), "failed");
    EXPECT_EQ(v.at("data").at("object").at("duration_ms"), 8000);
    EXPECT_EQ(events_for("failed"), (std::vector<std::string>{"run.completed", "run.failed"}));
    EXPECT_EQ(events_for("passed"), (std::vector<std::string>{"run.completed"}));
    EXPECT_EQ(events_for("canceled"), (std::vector<std::string>{"run.completed"}));
}

TEST(ZofQuery, Defaults) {
    auto q = std::get<list_query>(parse_list_query(""));
    EXPECT_EQ(q.limit, 20);
    EXPECT_FALSE(q.starting_after);
    EXPECT_TRUE(q.statuses.empty());
}

TEST(ZofQuery, ParsesEveryParameter) {
    auto q = std::get<list_query>(parse_list_query(
        "limit=100&starting_after=run_x&project_id=proj_1&status=failed,error"
        "&created_after=2026-11-01T00:00:00Z&created_before=2026-11-02T00%3A00%3A00.000Z"));
    EXPECT_EQ(q.limit, 100);
    EXPECT_EQ(*q.starting_after, "run_x");
    EXPECT_EQ(*q.project_id, "proj_1");
    EXPECT_EQ(q.statuses, (std::vector<std::string>{"failed", "error"}));
    EXPECT_EQ(*q.created_after, at("2026-11-01T00:00:00Z"));
    EXPECT_EQ(*q.created_before, at("2026-11-02T00:00:00Z"));
}

TEST(ZofQuery, RejectsBadValuesNamingTheParam) {
    struct row {
        const char* query;
        const char* param;
    } rows[] = {{"limit=0", "limit"},
                {"limit=101", "limit"},
                {"limit=abc", "limit"},
                {"limit=5x", "limit"},
                {"limit=-1", "limit"},
                {"status=cancelled", "status"},
                {"status=passed,", "status"},
                {"created_after=yesterday", "created_after"},
                {"created_before=2026-13-01T00:00:00Z", "created_before"},
                {"starting_after=", "starting_after"}};
    for (const auto& r : rows) {
        auto res = parse_list_query(r.query);
        ASSERT_TRUE(std::holds_alternative<api_error>(res)) << r.query;
        const auto& e = std::get<api_error>(res);
        EXPECT_EQ(e.status, 400) << r.query;
        EXPECT_EQ(e.code, "invalid_request") << r.query;
        EXPECT_EQ(e.param, r.param) << r.query;
    }
}

TEST(ZofPaging, WalksEveryRunOnceAndSignalsTheEnd) {
    auto d = generate_dataset(7, 57, at("2026-11-23T12:00:00Z"));
    for (int limit : {1, 7, 20, 56, 57, 100}) {
        list_query q;
        q.limit = limit;
        std::set<std::string> seen;
        int pages = 0;
        while (true) {
            auto p = std::get<page>(paginate(d.runs, q));
            ++pages;
            ASSERT_LE(p.data.size(), static_cast<std::size_t>(limit));
            bool repeated = false;
            for (const auto* r : p.data) repeated |= !seen.insert(r->id).second;
            ASSERT_FALSE(repeated) << "a run came twice; limit " << limit;
            ASSERT_LT(pages, 1000);
            if (!p.has_more) {
                EXPECT_FALSE(p.next_cursor);
                break;
            }
            ASSERT_TRUE(p.next_cursor);
            EXPECT_EQ(*p.next_cursor, p.data.back()->id);
            q.starting_after = p.next_cursor;
        }
        EXPECT_EQ(seen.size(), 57u) << limit;
        EXPECT_EQ(pages, (57 + limit - 1) / limit) << limit;
    }
}

TEST(ZofPaging, UnknownCursorIs400AndFiltersApply) {
    auto d = generate_dataset(7, 80, at("2026-11-23T12:00:00Z"));
    list_query q;
    q.starting_after = "run_nope";
    auto bad = paginate(d.runs, q);
    ASSERT_TRUE(std::holds_alternative<api_error>(bad));
    EXPECT_EQ(std::get<api_error>(bad).param, "starting_after");

    list_query f;
    f.limit = 100;
    f.statuses = {"failed"};
    f.project_id = d.project_ids[0];
    auto p = std::get<page>(paginate(d.runs, f));
    auto expected = std::count_if(d.runs.begin(), d.runs.end(), [&](const run_record& r) {
        return r.status == "failed" && r.project_id == d.project_ids[0];
    });
    EXPECT_GT(expected, 0);
    EXPECT_EQ(static_cast<long>(p.data.size()), expected);
    for (const auto* r : p.data) EXPECT_EQ(r->status, "failed");
}

TEST(ZofData, SameSeedSameRunsAndEveryStatus) {
    const auto now = at("2026-11-23T12:00:00Z");
    auto a = generate_dataset(42, 300, now);
    auto b = generate_dataset(42, 300, now);
    auto c = generate_dataset(43, 300, now);
    ASSERT_EQ(a.runs.size(), 300u);
    EXPECT_EQ(a.api_key, b.api_key);
    EXPECT_NE(a.runs[0].id, c.runs[0].id);
    std::set<std::string> statuses;
    for (std::size_t i = 0; i < a.runs.size(); ++i) {
        EXPECT_EQ(a.runs[i].id, b.runs[i].id);
        EXPECT_EQ(a.runs[i].status, b.runs[i].status);
        EXPECT_EQ(a.runs[i].created_at, b.runs[i].created_at);
        EXPECT_LE(a.runs[i].created_at, now);
        EXPECT_GE(a.runs[i].created_at, now - std::chrono::hours(24 * 30));
        if (i) {
            EXPECT_GE(a.runs[i - 1].created_at, a.runs[i].created_at);
        }
        statuses.insert(a.runs[i].status);
    }
    EXPECT_EQ(statuses, (std::set<std::string>{"queued", "running", "passed", "failed", "error",
                                               "canceled"}));
    // Even a small dataset has every status.
    std::set<std::string> small;
    for (const auto& r : generate_dataset(5, 12, now).runs) small.insert(r.status);
    EXPECT_EQ(small.size(), 6u);
}

TEST(ZofData, CaseOutcomesAgreeWithRunStatus) {
    auto d = generate_dataset(42, 300, at("2026-11-23T12:00:00Z"));
    for (const auto& r : d.runs) {
        auto s = summarize(case_outcomes(r, r.status, d));
        EXPECT_EQ(s.total, static_cast<int>(r.case_ids.size()));
        EXPECT_GT(s.total, 0);
        if (r.status == "passed") {
            EXPECT_EQ(s.failed + s.error + s.pending, 0) << r.id;
        }
        if (r.status == "failed") {
            EXPECT_GT(s.failed, 0) << r.id;
        }
        if (r.status == "error") {
            EXPECT_EQ(s.error, 1) << r.id;
        }
        if (r.status == "queued" || r.status == "running") {
            EXPECT_EQ(s.pending, s.total);
        }
        if (r.status == "canceled" && !r.started_at) {
            EXPECT_EQ(s.skipped, s.total) << r.id;
        }
        if (is_terminal(r.status)) {
            EXPECT_TRUE(r.completed_at) << r.id;
        }
    }
}

TEST(ZofIdempotency, ReplayMismatchAndExpiry) {
    idempotency_store s;
    const auto t0 = at("2026-11-23T12:00:00Z");
    EXPECT_EQ(s.lookup("k", "{}", t0).v, idempotency_store::verdict::fresh);
    s.remember("k", R"({"a":1,"b":[2]})", {201, "RUN"}, t0);
    auto again = s.lookup("k", R"({ "b": [2], "a": 1 })", t0 + 1h);
    EXPECT_EQ(again.v, idempotency_store::verdict::replay);
    EXPECT_EQ(again.answer.body, "RUN");
    EXPECT_EQ(s.lookup("k", R"({"a":2,"b":[2]})", t0).v, idempotency_store::verdict::mismatch);
    EXPECT_EQ(s.lookup("k", R"({"a":1,"b":[2]})", t0 + 25h).v, idempotency_store::verdict::fresh);
}

TEST(ZofTrigger, ValidatesBody) {
    auto d = generate_dataset(42, 10, at("2026-11-23T12:00:00Z"));
    const auto p = d.project_ids[0];
    auto ok = parse_trigger(
        R"({"project_id":")" + p + R"(","environment":"staging","test_case_ids":["tc_a","tc_b"]})",
        d);
    ASSERT_TRUE(std::holds_alternative<trigger_request>(ok));
    EXPECT_EQ(std::get<trigger_request>(ok).test_case_ids.size(), 2u);
    struct row {
        std::string body;
        int status;
        const char* param;
    } rows[] = {
        {"not json", 400, ""},
        {"[1]", 400, ""},
        {R"({"environment":"staging","test_case_ids":["x"]})", 400, "project_id"},
        {R"({"project_id":")" + p + R"(","test_case_ids":["x"]})", 400, "environment"},
        {R"({"project_id":")" + p + R"(","environment":"staging"})", 400, "test_case_ids"},
        {R"({"project_id":")" + p + R"(","environment":"s","test_case_ids":[]})", 400,
         "test_case_ids"},
        {R"({"project_id":")" + p + R"(","environment":"s","test_case_ids":[1]})", 400,
         "test_case_ids"},
        {R"({"project_id":")" + p +
             R"(","environment":"s","test_case_ids":["a"],"test_suite_id":"ts"})",
         400, "test_suite_id"},
        {R"({"project_id":"proj_nope","environment":"s","test_case_ids":["a"]})", 404,
         "project_id"},
        {R"({"project_id":")" + p + R"(","environment":"s","test_suite_id":"ts_nope"})", 404,
         "test_suite_id"},
    };
    for (const auto& r : rows) {
        auto res = parse_trigger(r.body, d);
        ASSERT_TRUE(std::holds_alternative<api_error>(res)) << r.body;
        EXPECT_EQ(std::get<api_error>(res).status, r.status) << r.body;
        EXPECT_EQ(std::get<api_error>(res).param, r.param) << r.body;
    }
}

TEST(ZofWire, TimestampsHaveNoFractionAndErrorsHaveTheZofShape) {
    auto d = generate_dataset(42, 20, at("2026-11-23T12:00:00.250Z"));
    auto o = run_json(d.runs.back(), d, true);
    auto created = std::string(o.at("created_at").as_string());
    EXPECT_EQ(created.size(), 20u) << created;
    EXPECT_EQ(created.back(), 'Z');
    EXPECT_TRUE(o.contains("cases"));
    EXPECT_FALSE(run_json(d.runs.back(), d, false).contains("cases"));
    auto e = error_response({404, "not_found", "No run", "id"});
    EXPECT_EQ(e.status, 404);
    auto v = boost::json::parse(e.body);
    EXPECT_EQ(v.at("error").at("code"), "not_found");
    EXPECT_EQ(v.at("error").at("param"), "id");
    rate_limit_state rl{60, 0, std::chrono::seconds(17), 1795000017};
    auto r = rate_limited_response(rl);
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(*r.headers.get("X-RateLimit-Limit"), "60");
    EXPECT_EQ(*r.headers.get("X-RateLimit-Remaining"), "0");
    EXPECT_EQ(*r.headers.get("X-RateLimit-Reset"), "1795000017");
    EXPECT_EQ(*r.headers.get("Retry-After"), "17");
    EXPECT_EQ(boost::json::parse(r.body).at("error").at("code"), "rate_limit_exceeded");
}
