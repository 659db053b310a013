// Pure parts of the Testmo connector: status table, mapping, failing tests, paging.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "connectors/common/page_walk.hpp"
#include "connectors/testmo/testmo_mapping.hpp"
#include "connectors/testmo/testmo_paging.hpp"
#include "connectors/testmo/testmo_status.hpp"

using namespace runhub;
using namespace runhub::connectors;
using namespace runhub::connectors::testmo;
using model::run_status;
namespace json = boost::json;

namespace {

// The documented fields (vendor-notes §3.4/§3.6) with the seed's counters (90 + 10 = 100).
json::value example_run() {
    return json::parse(R"({
      "id": 1, "project_id": 1, "source_id": 2, "config_id": null, "milestone_id": null,
      "name": "Regression #42", "status": 3, "elapsed": 600000000, "is_completed": true,
      "artifacts": [], "links": [{"name": "CI build", "url": "https://ci.example/7"}],
      "fields": [{"name": "Branch", "type": 1, "value": "main"},
                 {"name": "commit", "type": 1, "value": "bf3d0c9e"}],
      "tags": ["ci"], "threads": [],
      "untested_count": 1, "status1_count": 90, "status2_count": 10, "status5_count": 4,
      "success_count": 90, "failure_count": 10, "completed_count": 104, "total_count": 105,
      "created_at": "2023-02-15T10:00:00.000000Z", "created_by": 1,
      "updated_at": "2023-02-15T10:10:00.000000Z", "updated_by": null,
      "completed_at": "2023-02-15T10:10:00.000000Z", "completed_by": 1
    })");
}

model::timestamp at(const char* s) { return *model::parse_timestamp(s); }

std::string run_json(int id, const std::string& created, int status = 2, bool done = true) {
    return R"({"id":)" + std::to_string(id) + R"(,"status":)" + std::to_string(status) +
           R"(,"is_completed":)" + (done ? "true" : "false") + R"(,"created_at":")" + created +
           R"("})";
}

}  // namespace

TEST(TestmoStatus, EveryRow) {
    struct row {
        int status;
        bool completed;
        run_status want;
        bool terminal;
    };
    const row rows[] = {
        {2, false, run_status::running, false}, {2, true, run_status::passed, true},
        {3, false, run_status::failed, false},  {3, true, run_status::failed, true},
        {4, false, run_status::running, false},
    };
    for (const auto& r : rows) {
        auto m = map_status(r.status, r.completed);
        EXPECT_EQ(m.status, r.want) << r.status << r.completed;
        EXPECT_EQ(m.terminal, r.terminal) << r.status << r.completed;
    }
    for (auto [s, c] :
         {std::pair{4, true}, std::pair{1, true}, std::pair{0, false}, std::pair{99, true}}) {
        auto m = map_status(s, c);
        EXPECT_EQ(m.status, run_status::error);
        EXPECT_FALSE(m.terminal);
    }
    EXPECT_EQ(vendor_values(run_status::running), (std::vector<int>{2, 4}));
    EXPECT_EQ(vendor_values(run_status::passed), (std::vector<int>{2}));
    EXPECT_EQ(vendor_values(run_status::failed), (std::vector<int>{3}));
    EXPECT_TRUE(vendor_values(run_status::canceled).empty());
}

TEST(TestmoMapping, ExampleRun) {
    auto v = example_run();
    auto r = map_run(v, "testmo-web", "https://acme.testmo.net");
    ASSERT_TRUE(r.ok()) << r.error.detail;
    const auto& run = *r.value;
    EXPECT_EQ(run.id, "testmo-web:1");
    EXPECT_EQ(run.native_id, "1");
    EXPECT_EQ(run.vendor, "testmo");
    EXPECT_EQ(run.name, "Regression #42");
    ASSERT_TRUE(run.project);
    EXPECT_EQ(run.project->id, "1");
    EXPECT_EQ(run.status, run_status::failed);
    EXPECT_TRUE(run.terminal);
    EXPECT_EQ(run.vendor_status, "3/completed");
    EXPECT_EQ(model::format_timestamp(*run.created_at), "2023-02-15T10:00:00.000Z");
    EXPECT_EQ(model::format_timestamp(*run.completed_at), "2023-02-15T10:10:00.000Z");
    EXPECT_FALSE(run.started_at);
    EXPECT_EQ(run.duration_ms, 600'000);  // 600000000 µs
    ASSERT_TRUE(run.counts);
    EXPECT_EQ(run.counts->total, 105);
    EXPECT_EQ(run.counts->passed, 90);
    EXPECT_EQ(run.counts->failed, 10);
    EXPECT_EQ(run.counts->skipped, 4);
    EXPECT_EQ(run.counts->untested, 1);
    EXPECT_EQ(run.branch, "main");
    EXPECT_EQ(run.commit_sha, "bf3d0c9e");
    EXPECT_EQ(run.web_url, "https://acme.testmo.net/automation/runs/view/1");
    ASSERT_TRUE(run.raw);
    EXPECT_EQ(*run.raw, v);
}

TEST(TestmoMapping, TimestampsAndDerivedCompletion) {
    auto v = example_run();
    auto& o = v.as_object();
    o.erase("is_completed");
    o["status"] = 2;
    for (auto [text, want] : {std::pair{"2023-02-15T00:00:00.000Z", "2023-02-15T00:00:00.000Z"},
                              std::pair{"2023-02-15T10:00:00.123456Z", "2023-02-15T10:00:00.123Z"},
                              std::pair{"2023-02-15T10:00:00Z", "2023-02-15T10:00:00.000Z"}}) {
        o["created_at"] = text;
        auto r = map_run(v, "t", "https://x");
        ASSERT_TRUE(r.ok()) << text;
        EXPECT_EQ(model::format_timestamp(*r.value->created_at), want);
        EXPECT_EQ(r.value->status, run_status::passed);  // completed_at set: completed
    }
    o["completed_at"] = nullptr;
    EXPECT_EQ(map_run(v, "t", "https://x").value->status, run_status::running);
}

TEST(TestmoMapping, WrongTypesAreMalformed) {
    const char* patches[] = {
        R"({"id": "1"})",
        R"({"id": null})",
        R"({"status": "failure"})",
        R"({"status": null})",
        R"({"created_at": "15/02/2023"})",
        R"({"created_at": 1676455200})",
        R"({"name": 3})",
        R"({"is_completed": "yes"})",
        R"({"elapsed": "10m"})",
        R"({"total_count": -2})",
        R"({"completed_at": "later"})",
        R"({"fields": {}})",
        R"({"links": "x"})",
    };
    for (const char* p : patches) {
        auto v = example_run();
        auto patch = json::parse(p);
        for (const auto& [k, val] : patch.as_object()) v.as_object()[k] = val;
        auto r = map_run(v, "t", "https://x");
        ASSERT_FALSE(r.ok()) << p;
        EXPECT_EQ(r.error.kind, http::upstream_error_kind::malformed) << p;
    }
}

TEST(TestmoMapping, FailingTests) {
    auto expands = json::parse(R"({"statuses":[
      {"id":1,"name":"Passed","is_success":true,"is_failure":false},
      {"id":2,"name":"Failed","is_success":false,"is_failure":true},
      {"id":4,"name":"Blocked","is_success":false,"is_failure":true},
      {"id":5,"name":"Skipped","is_success":false,"is_failure":false}]})");
    auto ids = failure_status_ids(expands);
    ASSERT_TRUE(ids);
    EXPECT_EQ(*ids, (std::set<std::int64_t>{2, 4}));
    EXPECT_FALSE(failure_status_ids(json::parse("{}")));
    EXPECT_FALSE(failure_status_ids(json::parse(R"({"statuses":[{"id":1}]})")));

    auto tests = json::parse(R"([
      {"id":1,"name":"login","status_id":1,"folder":"auth","file":"a.ts","line":3,"elapsed":1000},
      {"id":2,"name":"checkout","status_id":2,"folder":"cart","file":"c.ts","line":170,
       "elapsed":32359000},
      {"id":3,"key":"k3","name":null,"status_id":4,"folder":null,"file":"d.ts"},
      {"id":4,"name":"pending","status_id":null}])");
    auto f = map_failures(tests, *ids);
    ASSERT_TRUE(f.ok()) << f.error.detail;
    ASSERT_EQ(f.value->size(), 2u);
    EXPECT_EQ((*f.value)[0].name, "checkout");
    EXPECT_EQ((*f.value)[0].suite, "cart");
    EXPECT_EQ((*f.value)[0].location, "c.ts:170");
    EXPECT_EQ((*f.value)[0].duration_ms, 32359);
    EXPECT_EQ((*f.value)[1].name, "k3");
    EXPECT_EQ((*f.value)[1].location, "d.ts");
    for (const char* bad :
         {"{}", "[1]", R"([{"status_id":"2"}])", R"([{"status_id":2,"line":"x"}])"}) {
        auto b = map_failures(json::parse(bad), *ids);
        ASSERT_FALSE(b.ok()) << bad;
        EXPECT_EQ(b.error.kind, http::upstream_error_kind::malformed);
    }
}

TEST(TestmoPaging, PageSizesAndUrl) {
    EXPECT_EQ(page_size_for(1), 15);
    EXPECT_EQ(page_size_for(15), 15);
    EXPECT_EQ(page_size_for(16), 25);
    EXPECT_EQ(page_size_for(50), 50);
    EXPECT_EQ(page_size_for(51), 100);
    EXPECT_EQ(page_size_for(500), 100);
    EXPECT_FALSE(start_position("2|30||", 10));  // 30 is not a Testmo page size
    EXPECT_EQ(start_position("2|25||", 100)->per_page, 25);

    list_query q;
    auto first = *start_position("", 20);
    EXPECT_EQ(list_url("https://acme.testmo.net", "7", q, first),
              "https://acme.testmo.net/api/v1/projects/7/automation/runs?page=1&per_page=25"
              "&sort=automation_runs:created_at&order=desc");
    q.statuses = {run_status::running, run_status::failed, run_status::canceled};
    q.since = at("2023-02-15T00:00:00.400Z");
    q.until = at("2023-02-16T00:00:00Z");
    EXPECT_EQ(list_url("https://h", "7", q, first),
              "https://h/api/v1/projects/7/automation/runs?page=1&per_page=25"
              "&sort=automation_runs:created_at&order=desc&status=2,3,4"
              "&created_after=2023-02-14T23:59:59.000Z&created_before=2023-02-16T00:00:01.000Z");
    q = {};
    q.statuses = {run_status::error, run_status::passed};  // error: unknown values, no narrowing
    EXPECT_EQ(list_url("https://h", "7", q, first).find("status="), std::string::npos);
    q.statuses = {run_status::canceled, run_status::queued};
    EXPECT_TRUE(matches_nothing(q));
    q.statuses.push_back(run_status::passed);
    EXPECT_FALSE(matches_nothing(q));
}

TEST(TestmoPaging, DocumentedEnvelopeAndFilters) {
    std::string body = R"({"page":1,"prev_page":null,"next_page":2,"last_page":3,"per_page":15,
      "total":40,"result":[)" +
                       run_json(9, "2023-02-15T12:00:00.000000Z") + "," +
                       run_json(8, "2023-02-15T11:00:00.000000Z", 3) + "," +
                       run_json(7, "2023-02-15T10:00:00.000000Z", 4, false) + "]}";
    page_position first{1, 15, {}, {}};
    auto all = parse_list_page(body, {}, "t", "https://h", first);
    ASSERT_TRUE(all.ok()) << all.error.detail;
    ASSERT_EQ(all.value->runs.size(), 3u);
    EXPECT_EQ(all.value->runs[0].native_id, "9");
    ASSERT_TRUE(all.value->next);
    EXPECT_EQ(decode_position(*all.value->next)->page, 2);

    list_query q;
    q.statuses = {run_status::failed};
    auto failed = parse_list_page(body, q, "t", "https://h", first);
    ASSERT_EQ(failed.value->runs.size(), 1u);
    EXPECT_EQ(failed.value->runs[0].native_id, "8");
    q = {};
    q.since = at("2023-02-15T11:00:00Z");
    auto since = parse_list_page(body, q, "t", "https://h", first);
    EXPECT_EQ(since.value->runs.size(), 2u);
    EXPECT_FALSE(since.value->next);  // run 7 is older than since: the walk ends

    auto last = parse_list_page(
        R"({"page":3,"prev_page":2,"next_page":null,"last_page":3,"per_page":15,"total":40,"result":[]})",
        {}, "t", "https://h", {3, 15, {}, {}});
    ASSERT_TRUE(last.ok());
    EXPECT_FALSE(last.value->next);
    auto empty = parse_list_page(
        R"({"page":null,"prev_page":null,"next_page":null,"last_page":null,"per_page":15,"total":0,"result":[]})",
        {}, "t", "https://h", first);
    ASSERT_TRUE(empty.ok());
    EXPECT_TRUE(empty.value->runs.empty());
    EXPECT_FALSE(empty.value->next);
}

TEST(TestmoPaging, GarbageIsMalformed) {
    page_position second{2, 15, {}, {}};
    const char* bodies[] = {
        "",
        "<html>502</html>",
        "[]",
        R"({"result":[]})",
        R"({"next_page":null})",
        R"({"next_page":"3","result":[]})",
        R"({"next_page":2,"result":[]})",  // no progress
        R"({"next_page":1,"result":[]})",
        R"({"next_page":null,"result":{}})",
        R"({"next_page":null,"result":[{"id":1}]})",
        R"({"next_page":null,"result":[1]})",
        R"({"page":2,"next_page":3,"last_page":5,"result":[)",
    };
    for (const char* b : bodies) {
        auto p = parse_list_page(b, {}, "t", "https://h", second);
        ASSERT_FALSE(p.ok()) << b;
        EXPECT_EQ(p.error.kind, http::upstream_error_kind::malformed) << b;
    }
}
