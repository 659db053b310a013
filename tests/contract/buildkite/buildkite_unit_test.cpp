// Buildkite Test Engine's pure parts: state/result rules, paging and Link header, data, wire.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "sandbox/buildkite/buildkite_data.hpp"
#include "sandbox/buildkite/buildkite_lifecycle.hpp"
#include "sandbox/buildkite/buildkite_paging.hpp"
#include "sandbox/buildkite/buildkite_store.hpp"
#include "sandbox/buildkite/buildkite_wire.hpp"
#include "sandbox/core/seeded_data.hpp"

using namespace runhub::sandbox;
using namespace runhub::sandbox::buildkite;
using namespace std::chrono_literals;

namespace {

time_point at(const char* text) {
    time_point t;
    EXPECT_TRUE(parse_rfc3339(text, t)) << text;
    return t;
}

}  // namespace

TEST(BuildkiteLifecycle, StateAndResultRulesOfTheSeedPage) {
    const auto t0 = at("2026-11-23T12:00:00Z");
    const run_status born{"finished", "pending"};
    struct row {
        std::vector<upload_counts> uploads;
        std::chrono::milliseconds after;
        run_status want;
    };
    const std::vector<row> rows{
        {{{t0, 3, 0}}, 1s, {"running", "pending"}},  // not processed yet
        {{{t0, 3, 0}}, 3s, {"running", "passed"}},   // a result before the run finished
        {{{t0, 3, 0}}, 11s, {"finished", "passed"}},
        {{{t0, 3, 1}}, 3s, {"running", "failed"}},  // running run whose result is failed
        {{{t0, 3, 1}}, 11s, {"finished", "failed"}},
        {{{t0, 0, 0}}, 11s, {"finished", "stale"}},  // no result at all
        // Back to running on a new upload; passed may turn failed...
        {{{t0, 3, 0}, {t0 + 20s, 0, 2}}, 21s, {"running", "passed"}},
        {{{t0, 3, 0}, {t0 + 20s, 0, 2}}, 23s, {"running", "failed"}},
        // ...but failed never turns passed.
        {{{t0, 0, 1}, {t0 + 20s, 5, 0}}, 40s, {"finished", "failed"}},
    };
    for (std::size_t i = 0; i < rows.size(); ++i) {
        auto s = status_at(born, rows[i].uploads, t0 + rows[i].after, 2s, 8s);
        EXPECT_EQ(s.state, rows[i].want.state) << "row " << i;
        EXPECT_EQ(s.result, rows[i].want.result) << "row " << i;
    }
    // Generated runs keep their status, and a failed one stays failed after passing uploads.
    EXPECT_EQ(status_at({"running", "failed"}, {}, t0, 2s, 8s).result, "failed");
    EXPECT_EQ(status_at({"finished", "failed"}, {{t0, 9, 0}}, t0 + 11s, 2s, 8s).result, "failed");
    EXPECT_EQ(status_at({"finished", "passed"}, {{t0, 1, 0}}, t0 + 1s, 2s, 8s).state, "running");
}

TEST(BuildkitePaging, PageAndPerPageDefaultsAndCaps) {
    auto q = parse_page_query("");
    ASSERT_TRUE(q.query);
    EXPECT_EQ(q.query->page, 1);
    EXPECT_EQ(q.query->per_page, 30);
    EXPECT_EQ(parse_page_query("per_page=1000").query->per_page, 100);
    EXPECT_EQ(parse_page_query("page=3&per_page=7&build_id=b").query->build_id, "b");
    for (auto bad : {"page=0", "page=-1", "per_page=0", "per_page=x", "page="})
        EXPECT_FALSE(parse_page_query(bad).query) << bad;
    auto s = slice_page(65, 3, 30);
    EXPECT_EQ(s.begin, 60u);
    EXPECT_EQ(s.end, 65u);
    EXPECT_EQ(s.last_page, 3);
    auto past = slice_page(65, 9, 30);
    EXPECT_EQ(past.begin, past.end);
    EXPECT_EQ(slice_page(0, 1, 30).last_page, 1);
}

TEST(BuildkitePaging, LinkHeaderNamesNextPrevFirstLast) {
    const std::string u = "http://h/runs";
    EXPECT_EQ(link_header(u, "", 1, 30, 1), "");
    EXPECT_EQ(link_header(u, "", 1, 30, 3),
              "<http://h/runs?page=2&per_page=30>; rel=\"next\", "
              "<http://h/runs?page=3&per_page=30>; rel=\"last\"");
    EXPECT_EQ(link_header(u, "build_id=x", 3, 30, 3),
              "<http://h/runs?build_id=x&page=1&per_page=30>; rel=\"first\", "
              "<http://h/runs?build_id=x&page=2&per_page=30>; rel=\"prev\"");
    const auto mid = link_header(u, "", 2, 10, 5);
    for (auto rel : {"next", "last", "first", "prev"})
        EXPECT_NE(mid.find(std::string("rel=\"") + rel + "\""), std::string::npos) << rel;
    EXPECT_EQ(encode_param("a b&c"), "a%20b%26c");
}

TEST(BuildkiteData, EveryStateResultPairIncludingTheRareOnes) {
    const auto now = at("2026-11-23T12:00:00Z");
    auto runs = generate_runs(42, 300, now);
    ASSERT_EQ(runs.size(), 300u);
    std::set<std::string> seen;
    for (const auto& r : runs) {
        seen.insert(r.base.state + "/" + r.base.result);
        EXPECT_GE(r.created_at, now - std::chrono::hours(24 * 30));
        EXPECT_LE(r.created_at, now);
        EXPECT_EQ(r.failures.empty(), r.base.result != "failed");
        EXPECT_EQ(r.commit_sha.size(), 40u);
    }
    for (auto p : {"finished/passed", "finished/failed", "finished/stale", "running/pending",
                   "running/passed", "running/failed"})
        EXPECT_TRUE(seen.count(p)) << p;
    auto again = generate_runs(42, 300, now);
    auto other = generate_runs(43, 300, now);
    EXPECT_EQ(runs.front().id, again.front().id);
    EXPECT_EQ(runs.back().commit_sha, again.back().commit_sha);
    EXPECT_NE(runs.front().id, other.front().id);
}

TEST(BuildkiteWire, RunObjectAndRateLimitAnswer) {
    run_record r;
    r.id = "64374307-12ab-4b13-a3f3-6a408f644ea2";
    r.branch = "main";
    r.commit_sha = "1c3214fcceb2c14579a2c3c50cd78f1442fd8936";
    r.build_id = "b";
    r.created_at = at("2023-06-25T05:32:53.228Z");
    run_urls u{"http://127.0.0.1:1/v2/analytics/organizations/o/suites/s/runs",
               "https://buildkite.com/organizations/o/analytics/suites/s/runs"};
    auto o = run_object(r, {"finished", "passed"}, u);
    EXPECT_EQ(o.at("created_at"), "2023-06-25T05:32:53.228Z");
    EXPECT_EQ(o.at("state"), "finished");
    EXPECT_EQ(o.at("result"), "passed");
    EXPECT_EQ(o.at("url"), boost::json::value(u.api_runs + "/" + r.id));
    EXPECT_EQ(o.size(), 9u);

    rate_limit_state s{50, 0, std::chrono::seconds(42), 0};
    auto resp = rate_limited_response(s);
    EXPECT_EQ(resp.status, 429);
    EXPECT_EQ(resp.headers.get("RateLimit-Reset").value_or(""), "42");
    EXPECT_EQ(resp.headers.get("RateLimit-Limit").value_or(""), "50");
    EXPECT_EQ(resp.headers.get("RateLimit-Remaining").value_or(""), "0");
    EXPECT_EQ(resp.headers.get("RateLimit-Scope").value_or(""), "rest");
    EXPECT_FALSE(resp.headers.get("Retry-After"));
    auto body = boost::json::parse(resp.body);
    EXPECT_EQ(body.at("reset"), 42);
    EXPECT_EQ(body.at("limit"), 50);
    EXPECT_EQ(body.at("message"),
              "You have exceeded your API rate limit. Please wait 42 seconds before making more "
              "requests.");
    EXPECT_EQ(boost::json::parse(not_found().body),
              boost::json::parse(R"({"message":"Not Found"})"));
}

TEST(BuildkiteStore, UploadsCreateAndReopenRunsWithForcedOutcomes) {
    const auto t0 = at("2026-11-23T12:00:10Z");
    store s({42, 10, at("2026-11-23T12:00:00Z"), 2s, 8s});
    upload_spec spec{
        "job-1", "main", std::string(40, 'a'), {{"a", "./a_spec.rb:1", "passed", "", 0.1}}};
    auto a = s.upload(spec, t0, "");
    EXPECT_EQ(s.list("", t0).size(), 11u);
    EXPECT_EQ(s.list("", t0).front().record.id, a.run_id);
    EXPECT_EQ(s.get(a.run_id, t0 + 11s)->status.result, "passed");
    auto b = s.upload(spec, t0 + 20s, "failed");  // same key: same run, forced failure
    EXPECT_EQ(b.run_id, a.run_id);
    auto v = *s.get(a.run_id, t0 + 23s);
    EXPECT_EQ(v.status.state, "running");
    EXPECT_EQ(v.status.result, "failed");
    EXPECT_EQ(s.failures_of(v, t0 + 23s).size(), 1u);
    EXPECT_TRUE(s.failures_of(v, t0 + 20s).empty());  // not processed yet
    auto c = s.upload({"job-2", "main", "", {{"x", "", "failed", "boom", 1}}}, t0, "error");
    EXPECT_EQ(s.get(c.run_id, t0 + 11s)->status.result, "stale");
    s.reset();
    EXPECT_EQ(s.list("", t0).size(), 10u);
}

// A page's window is the same slice of the same list: the same runs, states and total, each
// as run_object makes it, also after a change (an upload re-opens a run).
TEST(BuildkiteStore, ListWindowIsTheSliceOfTheList) {
    const auto t0 = at("2026-11-23T12:00:10Z");
    store s({7, 40, at("2026-11-23T12:00:00Z"), 2s, 8s});
    const run_urls u{"https://api.example/v2/analytics/organizations/o/suites/s/runs",
                     "https://buildkite.com/organizations/o/analytics/suites/s/runs"};
    s.upload({"job-1", "main", std::string(40, 'b'), {{"a", "", "failed", "x", 0.1}}}, t0, "");
    auto same_slices = [&](time_point now) {
        const auto all = s.list("", now);
        ASSERT_EQ(all.size(), 41u);
        for (std::size_t first : {0u, 1u, 30u, 40u, 41u, 99u})
            for (std::size_t count : {1u, 10u, 100u}) {
                auto w = s.list_json_window("", now, first, count, u);
                EXPECT_EQ(w.total, all.size());
                const std::size_t expected =
                    first >= all.size() ? 0 : std::min(count, all.size() - first);
                ASSERT_EQ(w.runs.size(), expected) << first << " " << count;
                for (std::size_t i = 0; i < w.runs.size(); ++i)
                    EXPECT_EQ(*w.runs[i], boost::json::serialize(run_object(
                                              all[first + i].record, all[first + i].status, u)));
            }
    };
    same_slices(t0 + 1s);   // the upload still processing
    same_slices(t0 + 3s);   // counted: failed, running
    same_slices(t0 + 11s);  // finished
    const auto all = s.list("", t0 + 11s);
    s.upload({"job-1", "main", std::string(40, 'b'), {{"b", "", "passed", "", 0.1}}}, t0 + 12s, "");
    same_slices(t0 + 12s);  // the same run, re-opened by a second upload
    const auto build = all.front().record.build_id;
    EXPECT_EQ(s.list_json_window(build, t0 + 3s, 0, 100, u).total, s.list(build, t0 + 3s).size());
}
