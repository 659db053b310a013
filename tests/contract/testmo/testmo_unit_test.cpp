// Pure parts of the Testmo emulator: status table and counters, query parsing, page windows,
// generated data, submitted bodies, lifecycle, timestamps. No sockets.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "sandbox/core/seeded_data.hpp"
#include "sandbox/testmo/testmo_data.hpp"
#include "sandbox/testmo/testmo_lifecycle.hpp"
#include "sandbox/testmo/testmo_query.hpp"
#include "sandbox/testmo/testmo_statuses.hpp"
#include "sandbox/testmo/testmo_submit.hpp"
#include "sandbox/testmo/testmo_wire.hpp"

using namespace runhub::sandbox;
using namespace runhub::sandbox::testmo;
using namespace std::chrono_literals;

namespace {

time_point at(const char* s) {
    time_point t;
    EXPECT_TRUE(parse_rfc3339(s, t)) << s;
    return t;
}

}  // namespace

TEST(TestmoStatuses, TotalsFollowTheSeedExamples) {
    // Testmo's example run 2: 20 passed, 5 failed, 1 untested.
    counters c;
    c.counts[1] = 20;
    c.counts[2] = 5;
    c.untested = 1;
    auto t = totals_of(c);
    EXPECT_EQ(t.success, 20);
    EXPECT_EQ(t.failure, 5);
    EXPECT_EQ(t.completed, 25);
    EXPECT_EQ(t.total, 26);
    EXPECT_EQ(completed_status(c), 3);
    counters ok;
    ok.counts[1] = 90;
    ok.counts[3] = 2;  // retest: neither success nor failure
    ok.counts[5] = 4;  // skipped
    EXPECT_EQ(totals_of(ok).success, 90);
    EXPECT_EQ(totals_of(ok).failure, 0);
    EXPECT_EQ(totals_of(ok).completed, 96);
    EXPECT_EQ(completed_status(ok), 2);
    counters blocked;
    blocked.counts[4] = 1;
    EXPECT_EQ(totals_of(blocked).failure, 1);
    EXPECT_EQ(completed_status(blocked), 3);
    EXPECT_EQ(status_id_for_alias("passed"), 1);
    EXPECT_EQ(status_id_for_alias("failed"), 2);
    EXPECT_EQ(status_id_for_alias("skipped"), 5);
    EXPECT_FALSE(status_id_for_alias("Passed"));
}

TEST(TestmoQuery, DefaultsAndAllowedPageSizes) {
    auto q = std::get<run_list_query>(parse_run_list_query(""));
    EXPECT_EQ(q.page, 1);
    EXPECT_EQ(q.per_page, 100);
    EXPECT_FALSE(q.ascending);
    for (int n : {15, 25, 50, 100})
        EXPECT_EQ(std::get<run_list_query>(parse_run_list_query("per_page=" + std::to_string(n)))
                      .per_page,
                  n);
    for (const char* bad :
         {"per_page=10", "per_page=20", "per_page=0", "per_page=1000", "per_page=abc", "page=0",
          "page=-1", "page=x", "status=5", "status=1", "state=2,9", "order=up", "sort=name",
          "expands=projects", "created_after=2026-02-30", "source_id=a", "config_id=1,,2"}) {
        auto r = parse_run_list_query(bad);
        ASSERT_TRUE(std::holds_alternative<api_error>(r)) << bad;
        const auto& e = std::get<api_error>(r);
        EXPECT_EQ(e.status, 422) << bad;
        ASSERT_EQ(e.errors.size(), 1u) << bad;
        EXPECT_EQ(e.errors[0].first, std::string(bad).substr(0, std::string(bad).find('='))) << bad;
    }
}

TEST(TestmoQuery, ParsesFiltersStateAliasAndExpands) {
    auto q = std::get<run_list_query>(
        parse_run_list_query("page=3&per_page=25&order=asc&status=2,3&source_id=1,2&tags=ci,nightly"
                             "&created_after=2023-02-15T00:00:00.000Z&expands=statuses,users"));
    EXPECT_EQ(q.page, 3);
    EXPECT_EQ(q.per_page, 25);
    EXPECT_TRUE(q.ascending);
    EXPECT_EQ(q.statuses, (std::vector<std::int64_t>{2, 3}));
    EXPECT_EQ(q.source_ids, (std::vector<std::int64_t>{1, 2}));
    EXPECT_EQ(q.tags, (std::vector<std::string>{"ci", "nightly"}));
    EXPECT_EQ(*q.created_after, at("2023-02-15T00:00:00Z"));
    EXPECT_EQ(q.expands, (std::vector<std::string>{"statuses", "users"}));
    // The seed page's own example writes `state=3`.
    EXPECT_EQ(std::get<run_list_query>(parse_run_list_query("state=3")).statuses,
              (std::vector<std::int64_t>{3}));
    auto t = std::get<test_list_query>(
        parse_test_list_query("per_page=500&sort=automation_run_tests:elapsed&status_id=2"));
    EXPECT_EQ(t.per_page, 500);
    EXPECT_EQ(t.sort, "elapsed");
    EXPECT_TRUE(std::holds_alternative<api_error>(parse_test_list_query("per_page=50")));
    EXPECT_TRUE(std::holds_alternative<api_error>(parse_test_list_query("sort=name")));
}

TEST(TestmoPaging, WindowNumbers) {
    auto empty = window(0, 1, 100);
    EXPECT_FALSE(empty.page);
    EXPECT_FALSE(empty.last_page);
    EXPECT_FALSE(empty.next_page);
    EXPECT_FALSE(empty.prev_page);
    EXPECT_EQ(empty.count, 0u);
    auto p1 = window(150, 1, 100);  // the seed page's example
    EXPECT_EQ(*p1.page, 1);
    EXPECT_FALSE(p1.prev_page);
    EXPECT_EQ(*p1.next_page, 2);
    EXPECT_EQ(*p1.last_page, 2);
    EXPECT_EQ(p1.count, 100u);
    auto p2 = window(150, 2, 100);
    EXPECT_EQ(*p2.prev_page, 1);
    EXPECT_FALSE(p2.next_page);
    EXPECT_EQ(p2.first, 100u);
    EXPECT_EQ(p2.count, 50u);
    auto beyond = window(150, 5, 100);
    EXPECT_EQ(beyond.count, 0u);
    EXPECT_FALSE(beyond.next_page);
    EXPECT_EQ(*beyond.last_page, 2);
    EXPECT_EQ(window(100, 1, 100).next_page, std::nullopt);
}

TEST(TestmoData, SameSeedSameDataEveryStatusAndRareShapes) {
    const auto now = at("2026-11-23T12:00:00Z");
    auto a = generate_dataset(42, 300, now);
    auto b = generate_dataset(42, 300, now);
    EXPECT_NE(generate_dataset(43, 300, now).runs[10].name + generate_dataset(43, 300, now).token,
              a.runs[10].name + a.token);
    ASSERT_EQ(a.runs.size(), 300u);
    std::set<int> statuses;
    bool open_final = false, untested_done = false, retest = false, blocked = false;
    for (std::size_t i = 0; i < a.runs.size(); ++i) {
        const auto& r = a.runs[i];
        EXPECT_EQ(r.id, b.runs[i].id);
        EXPECT_EQ(r.status, b.runs[i].status);
        EXPECT_EQ(r.created_at, b.runs[i].created_at);
        EXPECT_GE(r.created_at, now - std::chrono::hours(24 * 30));
        if (i > 0) {
            EXPECT_LT(r.id, a.runs[i - 1].id);
            EXPECT_LE(r.created_at, a.runs[i - 1].created_at);
        }
        statuses.insert(r.status);
        const auto c = counters_of(r);
        if (r.status == 4) {
            EXPECT_FALSE(r.is_completed);
        } else {
            EXPECT_EQ(r.status, completed_status(c)) << r.id;
        }
        open_final |= !r.is_completed && r.status != 4;
        untested_done |= r.is_completed && c.untested > 0;
        retest |= c.counts[3] > 0;
        blocked |= c.counts[4] > 0;
    }
    EXPECT_EQ(statuses, (std::set<int>{2, 3, 4}));
    EXPECT_TRUE(open_final && untested_done && retest && blocked);
    std::set<int> small;
    for (const auto& r : generate_dataset(1, 8, now).runs) small.insert(r.status);
    EXPECT_EQ(small, (std::set<int>{2, 3, 4}));
}

TEST(TestmoData, GeneratedTestsMatchTheCounters) {
    auto d = generate_dataset(42, 40, at("2026-11-23T12:00:00Z"));
    std::set<std::int64_t> ids;
    for (const auto& r : d.runs)
        for (const auto& t : r.threads) {
            auto rows = generated_tests(r, t);
            counters c;
            for (const auto& row : rows) {
                EXPECT_TRUE(ids.insert(row.id).second);
                EXPECT_EQ(row.thread_id, t.id);
                if (row.status_id) {
                    ++c.counts[static_cast<std::size_t>(*row.status_id)];
                } else {
                    ++c.untested;
                }
            }
            EXPECT_EQ(c.counts, t.c.counts);
            EXPECT_EQ(c.untested, t.c.untested);
        }
}

TEST(TestmoSubmit, ValidatesBodies) {
    EXPECT_TRUE(std::holds_alternative<create_run_request>(
        parse_create_run(R"({"name":"Run 1","source":"frontend","tags":["a"],
            "artifacts":[{"name":"a.png","url":"https://x/a.png","mime_type":"image/png","size":1}],
            "fields":[{"name":"F","type":4,"value":".."}],"links":[{"name":"L","url":"https://x"}]})")));
    struct row {
        std::string body;
        int status;
        std::string field;
    } rows[] = {{"{oops", 400, ""},
                {R"({"source":"x"})", 422, "name"},
                {R"({"name":"n"})", 422, "source"},
                {R"({"name":"n","source":"s","tags":"a"})", 422, "tags"},
                {R"({"name":"n","source":"s","fields":[{"name":"F","type":9,"value":"v"}]})", 422,
                 "fields.0.type"},
                {R"({"name":"n","source":"s","links":[{"name":"L"}]})", 422, "links.0.url"},
                {R"({"name":"n","source":"s","config_id":"7"})", 422, "config_id"}};
    for (const auto& r : rows) {
        auto res = parse_create_run(r.body);
        ASSERT_TRUE(std::holds_alternative<api_error>(res)) << r.body;
        const auto& e = std::get<api_error>(res);
        EXPECT_EQ(e.status, r.status) << r.body;
        if (!r.field.empty()) {
            ASSERT_EQ(e.errors.size(), 1u);
            EXPECT_EQ(e.errors[0].first, r.field) << r.body;
        }
    }
    auto ok = parse_thread_body(
        R"({"elapsed_observed":5,"tests":[{"name":"t","status":"failed","key":"abc123"}]})", true);
    ASSERT_TRUE(std::holds_alternative<thread_request>(ok));
    EXPECT_EQ(std::get<thread_request>(ok).tests.at(0).status_id, 2);
    auto bad = parse_thread_body(
        R"({"tests":[{"name":"t","status":"passed"},{"name":"u","status":"meh"}]})", true);
    ASSERT_TRUE(std::holds_alternative<api_error>(bad));
    EXPECT_EQ(std::get<api_error>(bad).errors.at(0).first, "tests.1.status");
    auto bad_key =
        parse_thread_body(R"({"tests":[{"name":"t","status":"passed","key":"A B"}]})", true);
    EXPECT_TRUE(std::holds_alternative<api_error>(bad_key));
    EXPECT_EQ(std::get<bool>(parse_complete_run("")), false);
    EXPECT_EQ(std::get<bool>(parse_complete_run(R"({"measure_elapsed":true})")), true);
    EXPECT_TRUE(std::holds_alternative<api_error>(parse_complete_run(R"({"measure_elapsed":1})")));
}

TEST(TestmoLifecycle, CompletesAfterQueuedPlusRunning) {
    const auto t0 = at("2026-11-23T12:00:00Z");
    const lifecycle_timing tm{2000ms, 8000ms};
    EXPECT_FALSE(has_completed(t0, t0 + 9999ms, tm));
    EXPECT_TRUE(has_completed(t0, t0 + 10s, tm));
    EXPECT_EQ(completes_at(t0, tm), t0 + 10s);
    EXPECT_EQ(resolve_outcome("", "passed"), "passed");
    EXPECT_EQ(resolve_outcome("failed", "passed"), "failed");
    EXPECT_EQ(resolve_outcome("cancelled", "passed"), "canceled");
    EXPECT_EQ(resolve_outcome("Run Stopped", "failed"), "failed");
}

TEST(TestmoWire, TimestampsAndErrorCollection) {
    EXPECT_EQ(testmo_time(at("2023-02-15T10:00:00.123Z")), "2023-02-15T10:00:00.123000Z");
    auto e = error_response(invalid_field("per_page", "The selected per page is invalid."));
    EXPECT_EQ(e.status, 422);
    auto v = boost::json::parse(e.body);
    EXPECT_TRUE(v.at("message").is_string());
    EXPECT_EQ(v.at("errors").at("per_page").at(0), "The selected per page is invalid.");
    rate_limit_state s{30, 0, std::chrono::seconds(42), 0};
    auto r = rate_limited_response(s);
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(*r.headers.get("Retry-After"), "42");
    EXPECT_FALSE(r.headers.get("X-RateLimit-Limit"));
}
