// Pure parts of the Zof connector: status table, mapping, timestamps, paging URL and pages.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "connectors/zof/zof_mapping.hpp"
#include "connectors/zof/zof_paging.hpp"
#include "connectors/zof/zof_status.hpp"

using namespace runhub;
using namespace runhub::connectors;
using model::run_status;
namespace json = boost::json;

namespace {

json::value example_run() {
    // The shape GET /v1/runs/{id} answers ("status, summary, case outcomes").
    return json::parse(R"({
      "id": "run_abc123", "object": "run", "project_id": "proj_abc123",
      "name": "checkout smoke", "environment": "staging", "status": "failed",
      "metadata": {"branch": "main", "commit_sha": "1c3214fc"},
      "created_at": "2026-05-20T12:00:00Z", "started_at": "2026-05-20T12:00:10Z",
      "completed_at": "2026-05-20T12:01:00Z", "duration_ms": null,
      "summary": {"total": 5, "passed": 2, "failed": 1, "error": 1, "skipped": 0, "pending": 1},
      "url": "https://app.zof.ai/runs/run_abc123",
      "test_suite_id": "ts_smoke",
      "cases": [
        {"test_case_id": "tc_login_001", "name": "login", "status": "passed", "duration_ms": 5},
        {"test_case_id": "tc_checkout_014", "name": "checkout", "status": "failed",
         "duration_ms": 70, "failure_message": "button missing"},
        {"test_case_id": "tc_cart_002", "name": null, "status": "error", "duration_ms": 9,
         "failure_message": null}
      ]})");
}

model::timestamp at(const char* s) { return *model::parse_timestamp(s); }

}  // namespace

TEST(ZofStatus, EveryDocumentedValue) {
    struct row {
        const char* vendor;
        run_status status;
        bool terminal;
    };
    const row rows[] = {
        {"queued", run_status::queued, false}, {"running", run_status::running, false},
        {"passed", run_status::passed, true},  {"failed", run_status::failed, true},
        {"error", run_status::error, true},    {"canceled", run_status::canceled, true},
    };
    for (const auto& r : rows) {
        auto m = zof::map_status(r.vendor);
        EXPECT_EQ(m.status, r.status) << r.vendor;
        EXPECT_EQ(m.terminal, r.terminal) << r.vendor;
        EXPECT_EQ(zof::vendor_value(r.status), r.vendor);
    }
}

TEST(ZofStatus, UnknownIsErrorAndNotTerminal) {
    for (const char* v : {"cancelled", "PASSED", "", "paused"}) {
        auto m = zof::map_status(v);
        EXPECT_EQ(m.status, run_status::error) << v;
        EXPECT_FALSE(m.terminal) << v;
    }
    EXPECT_EQ(zof::vendor_value(run_status::stale), "");
}

TEST(ZofMapping, ExampleRun) {
    auto v = example_run();
    auto r = zof::map_run(v, "zof-prod");
    ASSERT_TRUE(r.ok()) << r.error.detail;
    const auto& run = *r.value;
    EXPECT_EQ(run.id, "zof-prod:run_abc123");
    EXPECT_EQ(run.source, "zof-prod");
    EXPECT_EQ(run.vendor, "zof");
    EXPECT_EQ(run.native_id, "run_abc123");
    EXPECT_EQ(run.name, "checkout smoke");
    ASSERT_TRUE(run.project);
    EXPECT_EQ(run.project->id, "proj_abc123");
    EXPECT_EQ(run.status, run_status::failed);
    EXPECT_TRUE(run.terminal);
    EXPECT_EQ(run.vendor_status, "failed");
    EXPECT_EQ(run.created_at, at("2026-05-20T12:00:00Z"));
    EXPECT_EQ(run.started_at, at("2026-05-20T12:00:10Z"));
    EXPECT_EQ(run.completed_at, at("2026-05-20T12:01:00Z"));
    EXPECT_EQ(run.duration_ms, 50'000);  // computed: the vendor sent null
    ASSERT_TRUE(run.counts);
    EXPECT_EQ(run.counts->total, 5);
    EXPECT_EQ(run.counts->passed, 2);
    EXPECT_EQ(run.counts->failed, 2);  // failed + error
    EXPECT_EQ(run.counts->untested, 1);
    EXPECT_EQ(run.branch, "main");
    EXPECT_EQ(run.commit_sha, "1c3214fc");
    EXPECT_EQ(run.environment, "staging");
    EXPECT_EQ(run.web_url, "https://app.zof.ai/runs/run_abc123");
    ASSERT_TRUE(run.raw);
    EXPECT_EQ(*run.raw, v);
}

TEST(ZofMapping, VendorDurationWins) {
    auto v = example_run();
    v.as_object()["duration_ms"] = 45000;
    EXPECT_EQ(zof::map_run(v, "z").value->duration_ms, 45'000);
}

TEST(ZofMapping, Timestamps) {
    auto v = example_run();
    // Documented: whole seconds with Z; RFC 3339 fractions and offsets are accepted too.
    for (auto [text, want] : {std::pair{"2026-05-20T12:00:00Z", "2026-05-20T12:00:00.000Z"},
                              std::pair{"2024-01-15T10:30:00.250Z", "2024-01-15T10:30:00.250Z"},
                              std::pair{"2024-01-15T12:30:00+02:00", "2024-01-15T10:30:00.000Z"}}) {
        v.as_object()["created_at"] = text;
        auto r = zof::map_run(v, "z");
        ASSERT_TRUE(r.ok()) << text;
        EXPECT_EQ(model::format_timestamp(*r.value->created_at), want);
    }
}

TEST(ZofMapping, DocumentedMinimalItem) {
    auto r = zof::map_run(json::parse(R"({"id":"run_abc","status":"passed"})"), "zof");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value->status, run_status::passed);
    EXPECT_FALSE(r.value->created_at);
    EXPECT_FALSE(r.value->counts);
}

TEST(ZofMapping, WrongTypesAreMalformed) {
    const char* patches[] = {
        R"({"id": 12})",
        R"({"id": ""})",
        R"({"status": 3})",
        R"({"status": null})",
        R"({"created_at": "yesterday"})",
        R"({"created_at": 1700000000})",
        R"({"name": []})",
        R"({"metadata": "main"})",
        R"({"metadata": {"branch": 1}})",
        R"({"summary": {"total": "5"}})",
        R"({"summary": {"passed": -1}})",
        R"({"duration_ms": "10"})",
        R"({"url": {}})",
    };
    for (const char* p : patches) {
        auto v = example_run();
        auto patch = json::parse(p);
        for (const auto& [k, val] : patch.as_object()) v.as_object()[k] = val;
        auto r = zof::map_run(v, "z");
        ASSERT_FALSE(r.ok()) << p;
        EXPECT_EQ(r.error.kind, http::upstream_error_kind::malformed) << p;
    }
    for (const char* garbage : {"[]", "null", "\"run\"", "42"}) {
        auto r = zof::map_run(json::parse(garbage), "z");
        EXPECT_FALSE(r.ok());
        EXPECT_EQ(r.error.kind, http::upstream_error_kind::malformed);
    }
}

TEST(ZofMapping, FailedCaseOutcomes) {
    auto r = zof::map_failures(example_run());
    ASSERT_TRUE(r.ok()) << r.error.detail;
    ASSERT_EQ(r.value->size(), 2u);
    EXPECT_EQ((*r.value)[0].name, "checkout");
    EXPECT_EQ((*r.value)[0].message, "button missing");
    EXPECT_EQ((*r.value)[0].suite, "ts_smoke");
    EXPECT_EQ((*r.value)[0].duration_ms, 70);
    EXPECT_EQ((*r.value)[1].name, "tc_cart_002");  // no name: the case id
    EXPECT_EQ((*r.value)[1].message, "");

    auto none = zof::map_failures(json::parse(R"({"id":"run_1","status":"queued"})"));
    ASSERT_TRUE(none.ok());
    EXPECT_TRUE(none.value->empty());
    for (const char* bad : {R"({"cases": {}})", R"({"cases": [1]})", R"({"cases": [{"name":"x"}]})",
                            R"({"cases": [{"status":"failed","duration_ms":"3"}]})", "[]"}) {
        auto f = zof::map_failures(json::parse(bad));
        ASSERT_FALSE(f.ok()) << bad;
        EXPECT_EQ(f.error.kind, http::upstream_error_kind::malformed) << bad;
    }
}

TEST(ZofPaging, ListUrl) {
    list_query q;
    EXPECT_EQ(zof::list_url("https://api.zof.ai", q, "", "", 20),
              "https://api.zof.ai/v1/runs?limit=20");
    EXPECT_EQ(zof::list_url("https://api.zof.ai/", q, "proj_1", "run_x&y", 500),
              "https://api.zof.ai/v1/runs?limit=100&starting_after=run_x%26y&project_id=proj_1");
    EXPECT_EQ(zof::list_url("https://h", q, "", "", 0), "https://h/v1/runs?limit=1");
    q.statuses = {run_status::failed, run_status::canceled, run_status::stale};
    q.since = at("2026-05-20T12:00:00.500Z");
    q.until = at("2026-05-21T00:00:00Z");
    EXPECT_EQ(zof::list_url("https://h", q, "", "", 10),
              "https://h/v1/runs?limit=10&status=failed,canceled"
              "&created_after=2026-05-20T11:59:59Z&created_before=2026-05-21T00:00:01Z");
    // `error` also holds unknown vendor values: no native status filter then.
    q.statuses = {run_status::error};
    q.since.reset();
    q.until.reset();
    EXPECT_EQ(zof::list_url("https://h", q, "", "", 10), "https://h/v1/runs?limit=10");
}

TEST(ZofPaging, MatchesNothingOnlyForStale) {
    list_query q;
    EXPECT_FALSE(zof::matches_nothing(q));
    q.statuses = {run_status::stale};
    EXPECT_TRUE(zof::matches_nothing(q));
    q.statuses.push_back(run_status::passed);
    EXPECT_FALSE(zof::matches_nothing(q));
}

TEST(ZofPaging, DocumentedPage) {
    auto p = zof::parse_list_page(
        R"({"data":[{"id":"run_abc","status":"passed"}],"has_more":true,"next_cursor":"run_xyz"})",
        {}, "zof", "", "");
    ASSERT_TRUE(p.ok()) << p.error.detail;
    ASSERT_EQ(p.value->runs.size(), 1u);
    EXPECT_EQ(p.value->runs[0].id, "zof:run_abc");
    EXPECT_EQ(p.value->next, "run_xyz");

    auto last = zof::parse_list_page(R"({"data":[],"has_more":false,"next_cursor":null})", {},
                                     "zof", "", "run_xyz");
    ASSERT_TRUE(last.ok());
    EXPECT_FALSE(last.value->next);
}

TEST(ZofPaging, FiltersInTheConnectorAndSortsNewestFirst) {
    auto body = R"({"data":[
      {"id":"run_a","status":"failed","created_at":"2026-05-20T10:00:00Z","project_id":"p1",
       "metadata":{"branch":"main"}},
      {"id":"run_b","status":"failed","created_at":"2026-05-20T12:00:00Z","project_id":"p1",
       "metadata":{"branch":"main"}},
      {"id":"run_c","status":"passed","created_at":"2026-05-20T11:00:00Z","project_id":"p1",
       "metadata":{"branch":"main"}},
      {"id":"run_d","status":"failed","created_at":"2026-05-20T11:00:00Z","project_id":"p2",
       "metadata":{"branch":"main"}},
      {"id":"run_e","status":"failed","created_at":"2026-05-20T11:30:00Z","project_id":"p1",
       "metadata":{"branch":"dev"}},
      {"id":"run_f","status":"failed","created_at":"2026-05-20T09:00:00Z","project_id":"p1",
       "metadata":{"branch":"main"}}
    ],"has_more":false})";
    list_query q;
    q.statuses = {run_status::failed};
    q.branch = "main";
    q.since = at("2026-05-20T10:00:00Z");  // inclusive
    q.until = at("2026-05-20T12:00:00Z");  // exclusive
    auto p = zof::parse_list_page(body, q, "zof", "p1", "");
    ASSERT_TRUE(p.ok()) << p.error.detail;
    ASSERT_EQ(p.value->runs.size(), 1u);
    EXPECT_EQ(p.value->runs[0].native_id, "run_a");

    auto all = zof::parse_list_page(body, {}, "zof", "", "");
    ASSERT_TRUE(all.ok());
    std::vector<std::string> ids;
    for (const auto& r : all.value->runs) ids.push_back(r.native_id);
    EXPECT_EQ(ids,
              (std::vector<std::string>{"run_b", "run_e", "run_d", "run_c", "run_a", "run_f"}));
}

TEST(ZofPaging, GarbageIsMalformed) {
    const char* bodies[] = {
        "",
        "<html>502 Bad Gateway</html>",
        R"({"data":[{"id":"run_a","status":"pa)",
        "[]",
        R"({"data":{},"has_more":false})",
        R"({"has_more":false})",
        R"({"data":[],"has_more":"no"})",
        R"({"data":[]})",
        R"({"data":[],"has_more":true})",
        R"({"data":[],"has_more":true,"next_cursor":""})",
        R"({"data":[],"has_more":true,"next_cursor":"run_here"})",  // would loop forever
        R"({"data":[{"id":"run_a"}],"has_more":false})",
        R"({"data":[7],"has_more":false})",
    };
    for (const char* b : bodies) {
        auto p = zof::parse_list_page(b, {}, "zof", "", "run_here");
        ASSERT_FALSE(p.ok()) << b;
        EXPECT_EQ(p.error.kind, http::upstream_error_kind::malformed) << b;
    }
}
