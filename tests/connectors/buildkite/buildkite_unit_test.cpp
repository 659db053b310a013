// Pure parts of the Buildkite Test Engine connector: state+result table, mapping, Link header,
// paging positions and exactly-once walks.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "connectors/buildkite/buildkite_mapping.hpp"
#include "connectors/buildkite/buildkite_paging.hpp"
#include "connectors/buildkite/buildkite_status.hpp"
#include "connectors/buildkite/link_header.hpp"
#include "connectors/common/page_walk.hpp"

using namespace runhub;
using namespace runhub::connectors;
using namespace runhub::connectors::buildkite;
using model::run_status;
namespace json = boost::json;

namespace {

// The documented example (vendor-docs "Runs API", List all runs / Get a run).
constexpr const char* documented_run = R"({
    "id": "64374307-12ab-4b13-a3f3-6a408f644ea2",
    "branch": "main",
    "commit_sha": "1c3214fcceb2c14579a2c3c50cd78f1442fd8936",
    "state": "finished",
    "result": "passed",
    "url": "",
    "web_url": "",
    "created_at": "2023-06-25T05:32:53.228Z"
})";

model::timestamp at(const char* s) { return *model::parse_timestamp(s); }

std::string run_json(const std::string& id, const std::string& created,
                     const char* state = "finished", const char* result = "passed",
                     const char* branch = "main") {
    return R"({"id":")" + id + R"(","state":")" + state + R"(","result":")" + result +
           R"(","branch":")" + branch + R"(","created_at":")" + created + R"("})";
}

std::vector<std::string> ids(const run_page& p) {
    std::vector<std::string> out;
    for (const auto& r : p.runs) out.push_back(r.native_id);
    return out;
}

}  // namespace

TEST(BuildkiteStatus, EveryStateResultPair) {
    struct row {
        const char* state;
        const char* result;
        run_status status;
        bool terminal;
    };
    const row rows[] = {
        {"running", "pending", run_status::running, false},
        {"running", "passed", run_status::running, false},
        {"running", "failed", run_status::failed, false},
        {"running", "stale", run_status::stale, false},
        {"finished", "pending", run_status::stale, true},
        {"finished", "passed", run_status::passed, true},
        {"finished", "failed", run_status::failed, true},
        {"finished", "stale", run_status::stale, true},
    };
    for (const auto& r : rows) {
        auto m = map_status(r.state, r.result);
        EXPECT_EQ(m.status, r.status) << r.state << "/" << r.result;
        EXPECT_EQ(m.terminal, r.terminal) << r.state << "/" << r.result;
    }
}

TEST(BuildkiteStatus, UnknownPairsAreErrorNotTerminal) {
    for (auto [s, r] : {std::pair{"queued", "pending"}, std::pair{"finished", "canceled"},
                        std::pair{"Finished", "passed"}, std::pair{"", ""}}) {
        auto m = map_status(s, r);
        EXPECT_EQ(m.status, run_status::error);
        EXPECT_FALSE(m.terminal);
    }
}

TEST(BuildkiteMapping, DocumentedExample) {
    auto v = json::parse(documented_run);
    auto r = map_run(v, "bk", "storefront");
    ASSERT_TRUE(r.ok()) << r.error.detail;
    const auto& run = *r.value;
    EXPECT_EQ(run.id, "bk:64374307-12ab-4b13-a3f3-6a408f644ea2");
    EXPECT_EQ(run.native_id, "64374307-12ab-4b13-a3f3-6a408f644ea2");
    EXPECT_EQ(run.vendor, "buildkite");
    EXPECT_EQ(run.source, "bk");
    EXPECT_EQ(run.name, "storefront");
    EXPECT_EQ(run.status, run_status::passed);
    EXPECT_TRUE(run.terminal);
    EXPECT_EQ(run.vendor_status, "finished/passed");
    EXPECT_EQ(run.branch, "main");
    EXPECT_EQ(run.commit_sha, "1c3214fcceb2c14579a2c3c50cd78f1442fd8936");
    EXPECT_EQ(model::format_timestamp(*run.created_at), "2023-06-25T05:32:53.228Z");
    EXPECT_FALSE(run.web_url);  // "" in the example
    EXPECT_FALSE(run.build);
    EXPECT_FALSE(run.counts);
    ASSERT_TRUE(run.raw);
    EXPECT_EQ(*run.raw, v);

    v.as_object()["web_url"] = "https://buildkite.com/organizations/acme/analytics/suites/s/runs/1";
    v.as_object()["build_id"] = "018c133d-5419-7fe3-9e9e-3c51464490a2";
    v.as_object()["created_at"] = "2023-06-25T07:32:53+02:00";
    auto r2 = map_run(v, "bk", "s");
    ASSERT_TRUE(r2.ok());
    EXPECT_EQ(r2.value->web_url,
              "https://buildkite.com/organizations/acme/analytics/suites/s/runs/1");
    EXPECT_EQ(r2.value->build, "018c133d-5419-7fe3-9e9e-3c51464490a2");
    EXPECT_EQ(model::format_timestamp(*r2.value->created_at), "2023-06-25T05:32:53.000Z");
}

TEST(BuildkiteMapping, WrongTypesAreMalformed) {
    const char* patches[] = {
        R"({"id": 5})",
        R"({"id": null})",
        R"({"state": 1})",
        R"({"result": null})",
        R"({"created_at": "June 25"})",
        R"({"created_at": null})",
        R"({"branch": 3})",
        R"({"web_url": []})",
        R"({"commit_sha": {}})",
        R"({"build_id": true})",
    };
    for (const char* p : patches) {
        auto v = json::parse(documented_run);
        auto patch = json::parse(p);
        for (const auto& [k, val] : patch.as_object()) v.as_object()[k] = val;
        auto r = map_run(v, "bk", "s");
        ASSERT_FALSE(r.ok()) << p;
        EXPECT_EQ(r.error.kind, http::upstream_error_kind::malformed) << p;
    }
    EXPECT_FALSE(map_run(json::parse("[1]"), "bk", "s").ok());
}

TEST(BuildkiteMapping, FailedExecutions) {
    auto v = json::parse(R"([{
        "execution_id": "60f0e64c-ae4b-870e-b41f-5431205caf06",
        "run_id": "075bbcd9-662c-86f5-9d40-adfa6549eff1",
        "test_id": "f6cb6c43-df94-8b60-81ed-14f9db7bbfd8",
        "run_name": "075bbcd9-662c-86f5-9d40-adfa6549eff1",
        "commit_sha": "1c3214fcceb2c14579a2c3c50cd78f1442fd8936",
        "created_at": "2025-02-03T05:32:53.228Z",
        "branch": "main",
        "failure_reason": "it didn't work",
        "duration": 3.79073,
        "location": "./spec/models/user.rb:23",
        "test_name": "Deploy should be available",
        "run_url": "https:://",
        "test_url": "https:://",
        "test_execution_url": "https:://"
    }, {"test_id": "t2", "duration": 2}])");
    auto r = map_failures(v);
    ASSERT_TRUE(r.ok()) << r.error.detail;
    ASSERT_EQ(r.value->size(), 2u);
    const auto& f = (*r.value)[0];
    EXPECT_EQ(f.name, "Deploy should be available");
    EXPECT_EQ(f.message, "it didn't work");
    EXPECT_EQ(f.location, "./spec/models/user.rb:23");
    EXPECT_EQ(f.duration_ms, 3791);
    EXPECT_EQ(f.web_url, "https:://");
    EXPECT_EQ((*r.value)[1].name, "t2");
    EXPECT_EQ((*r.value)[1].duration_ms, 2000);

    for (const char* bad :
         {"{}", "[3]", R"([{"failure_reason":"x"}])", R"([{"test_name":"a","duration":"3s"}])",
          R"([{"test_name":"a","duration":-1}])"}) {
        auto b = map_failures(json::parse(bad));
        ASSERT_FALSE(b.ok()) << bad;
        EXPECT_EQ(b.error.kind, http::upstream_error_kind::malformed);
    }
}

TEST(LinkHeader, DocumentedExample) {
    auto links = parse_link_header(
        R"(<https://api.buildkite.com/v2/organizations/my-great-org/pipelines/my-pipeline/builds?api_key=f8582f070276d764ce3dd4c6d57be92574dccf86&page=3>; rel="next", <https://api.buildkite.com/v2/organizations/my-great-org/pipelines/my-pipeline/builds?api_key=f8582f070276d764ce3dd4c6d57be92574dccf86&page=6>; rel="last")");
    ASSERT_TRUE(links);
    ASSERT_EQ(links->size(), 2u);
    EXPECT_EQ(page_param(*find_rel(*links, "next")), 3);
    EXPECT_EQ(page_param(*find_rel(*links, "last")), 6);
    EXPECT_FALSE(find_rel(*links, "prev"));
}

TEST(LinkHeader, RfcCornerCases) {
    // Commas and semicolons inside <> and quotes, unquoted and multi-valued rel, case, spacing,
    // other parameters, empty elements.
    auto links = parse_link_header(
        R"( , <https://h/runs?a=1,2;x&page=2>;title="a, b; c";REL=Next ,<https://h/r?page=9>;rel=last,<https://h/r?page=1>; rel="first prev";title*=UTF-8'de'n%c3%a4chstes)");
    ASSERT_TRUE(links);
    ASSERT_EQ(links->size(), 3u);
    EXPECT_EQ(find_rel(*links, "next"), "https://h/runs?a=1,2;x&page=2");
    EXPECT_EQ(page_param(*find_rel(*links, "next")), 2);
    EXPECT_EQ(find_rel(*links, "last"), "https://h/r?page=9");
    EXPECT_EQ(find_rel(*links, "prev"), "https://h/r?page=1");
    EXPECT_EQ(find_rel(*links, "FIRST"), "https://h/r?page=1");
    // Only the first rel parameter of a link counts (RFC 8288 §3.3).
    auto twice = parse_link_header(R"(<https://h/?page=2>; rel="prev"; rel="next")");
    ASSERT_TRUE(twice);
    EXPECT_FALSE(find_rel(*twice, "next"));

    ASSERT_TRUE(parse_link_header(""));
    EXPECT_TRUE(parse_link_header("")->empty());
    for (const char* bad : {"https://h/?page=2; rel=next", "<https://h/?page=2; rel=next",
                            R"(<https://h/?page=2>; rel="next)", "<a> junk", R"(<a>; rel="x" <b>)"})
        EXPECT_FALSE(parse_link_header(bad)) << bad;

    EXPECT_EQ(page_param("/runs?per_page=10&page=12"), 12);
    for (const char* bad : {"/runs", "/runs?page=", "/runs?page=0", "/runs?page=x2",
                            "/runs?page=-1", "/runs?pages=2"})
        EXPECT_FALSE(page_param(bad)) << bad;
}

TEST(BuildkitePaging, NextPage) {
    auto n = next_page(std::string_view(R"(<https://h/r?page=3&per_page=2>; rel="next")"), 2);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n.value, 3);
    auto end = next_page(std::string_view(R"(<https://h/r?page=1>; rel="first")"), 2);
    ASSERT_TRUE(end.ok());
    EXPECT_FALSE(*end.value);
    EXPECT_FALSE(*next_page(std::nullopt, 1).value);
    for (const char* bad :
         {R"(<https://h/r?page=2>; rel="next")", R"(<https://h/r>; rel="next")", "<broken"}) {
        auto b = next_page(std::string_view(bad), 2);
        ASSERT_FALSE(b.ok()) << bad;
        EXPECT_EQ(b.error.kind, http::upstream_error_kind::malformed);
    }
}

TEST(BuildkitePaging, Urls) {
    auto p = *start_position("", 500);
    EXPECT_EQ(p.per_page, 100);
    EXPECT_EQ(list_url("https://api.buildkite.com", "my org", "e2e", p),
              "https://api.buildkite.com/v2/analytics/organizations/my%20org/suites/e2e/"
              "runs?page=1&per_page=100");
    EXPECT_EQ(start_position("", 0)->per_page, 1);
    // A later page keeps the walk's page size whatever the limit hint says.
    EXPECT_EQ(start_position("4|25||", 100)->per_page, 25);
    EXPECT_EQ(start_position("4|25||", 100)->page, 4);
}

TEST(PageWalk, PositionCodec) {
    page_position p{7, 30, at("2026-01-02T03:04:05.678Z"), {"a", "b-c"}};
    auto back = decode_position(encode_position(p));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->page, 7);
    EXPECT_EQ(back->per_page, 30);
    EXPECT_EQ(back->watermark, p.watermark);
    EXPECT_EQ(back->seen_at_watermark, p.seen_at_watermark);
    for (const char* bad : {"x", "1|2|3", "0|30||", "1|101||", "1|30|x|", "a|30||", "1|30||a|b"})
        EXPECT_FALSE(decode_position(bad)) << bad;
}

TEST(BuildkitePaging, PageFiltersAndEndsBelowSince) {
    std::string body = "[" + run_json("r1", "2026-05-20T12:00:00.000Z") + "," +
                       run_json("r2", "2026-05-20T11:00:00.000Z", "running", "failed") + "," +
                       run_json("r3", "2026-05-20T10:00:00.000Z", "finished", "failed", "dev") +
                       "," + run_json("r4", "2026-05-20T09:00:00.000Z", "finished", "failed") + "]";
    std::string_view link = R"(<https://h/r?page=2&per_page=4>; rel="next")";
    page_position first{1, 4, {}, {}};

    auto all = parse_list_page(body, link, {}, "bk", "s", first);
    ASSERT_TRUE(all.ok()) << all.error.detail;
    EXPECT_EQ(ids(*all.value), (std::vector<std::string>{"r1", "r2", "r3", "r4"}));
    ASSERT_TRUE(all.value->next);
    auto next = decode_position(*all.value->next);
    EXPECT_EQ(next->page, 2);
    EXPECT_EQ(next->watermark, at("2026-05-20T09:00:00Z"));

    list_query q;
    q.statuses = {run_status::failed};
    q.branch = "main";
    q.until = at("2026-05-20T11:00:00Z");
    q.since = at("2026-05-20T09:30:00Z");
    auto f = parse_list_page(body, link, q, "bk", "s", first);
    ASSERT_TRUE(f.ok());
    EXPECT_TRUE(f.value->runs.empty());  // r2 is at `until` (exclusive), r3 on dev, r4 too old
    EXPECT_FALSE(f.value->next);         // r4 is below since: the walk ends here
    q.until = at("2026-05-20T11:00:00.001Z");
    EXPECT_EQ(ids(*parse_list_page(body, link, q, "bk", "s", first).value),
              (std::vector<std::string>{"r2"}));
}

TEST(PageWalk, RunsPushedDownByNewRunsAreNotReturnedTwice) {
    // Page 1 (per_page 3) returned r9 r8 r7. Two runs arrive at the top; Buildkite's page 2 now
    // starts with r8 r7 (pushed down), then r6.
    std::string page1 = "[" + run_json("r9", "2026-05-20T12:09:00Z") + "," +
                        run_json("r8", "2026-05-20T12:08:00Z") + "," +
                        run_json("r7", "2026-05-20T12:08:00Z") + "]";
    std::string_view link = R"(<https://h/r?page=2>; rel="next")";
    auto p1 = parse_list_page(page1, link, {}, "bk", "s", {1, 3, {}, {}});
    ASSERT_TRUE(p1.ok());
    auto pos = decode_position(*p1.value->next);
    ASSERT_TRUE(pos);
    std::string page2 = "[" + run_json("r8", "2026-05-20T12:08:00Z") + "," +
                        run_json("r7", "2026-05-20T12:08:00Z") + "," +
                        run_json("r6", "2026-05-20T12:08:00Z") + "]";
    auto p2 = parse_list_page(page2, std::nullopt, {}, "bk", "s", *pos);
    ASSERT_TRUE(p2.ok());
    EXPECT_EQ(ids(*p2.value), (std::vector<std::string>{"r6"}));  // same instant, not yet seen
    EXPECT_FALSE(p2.value->next);
}

TEST(BuildkitePaging, GarbageIsMalformed) {
    page_position first{1, 10, {}, {}};
    for (const char* b : {"", "<html>oops</html>", R"({"message":"x"})", "[{\"id\":", "[1]",
                          R"([{"id":"a","state":"finished"}])"}) {
        auto p = parse_list_page(b, std::nullopt, {}, "bk", "s", first);
        ASSERT_FALSE(p.ok()) << b;
        EXPECT_EQ(p.error.kind, http::upstream_error_kind::malformed) << b;
    }
}
