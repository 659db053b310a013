// The Buildkite Test Engine API over HTTP behind a real sandbox vendor_server: the Link header
// walked to its end, page-size caps, auth, unknown ids, state/result, 429 headers, uploads.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <set>

#include "sandbox/buildkite/buildkite_emulator.hpp"
#include "sandbox_fixture.hpp"

using namespace runhub;
using namespace runhub::test;
using namespace std::chrono_literals;

namespace {

const std::string runs = "/v2/analytics/organizations/acme/suites/storefront-e2e/runs";

sandbox_fixture make_fixture(sandbox_fixture_options o = {}) {
    return sandbox_fixture(sandbox::buildkite::make_buildkite_emulator, std::move(o));
}

// rel → URL of a Link header, as go-buildkite reads it: split on ',' then on ';'.
std::map<std::string, std::string> parse_link(const std::string& h) {
    std::map<std::string, std::string> out;
    std::size_t pos = 0;
    while (pos < h.size()) {
        auto end = h.find(',', pos);
        if (end == std::string::npos) end = h.size();
        const auto part = h.substr(pos, end - pos);
        const auto lt = part.find('<'), gt = part.find('>');
        const auto rel = part.find("rel=\"");
        if (lt != std::string::npos && gt != std::string::npos && rel != std::string::npos) {
            const auto q = part.find('"', rel + 5);
            out[part.substr(rel + 5, q - rel - 5)] = part.substr(lt + 1, gt - lt - 1);
        }
        pos = end + 1;
    }
    return out;
}

// Follows rel="next" until there is none; every URL must be absolute on the base URL.
std::vector<std::string> walk(const sandbox_fixture& fx, const std::string& first, int* pages) {
    std::vector<std::string> ids;
    std::string target = first;
    *pages = 0;
    for (;;) {
        auto r = fx.get(target);
        EXPECT_EQ(r.status, 200) << target << " " << r.body;
        if (r.status != 200) break;
        auto arr = parse_json(r.body);
        EXPECT_TRUE(arr.is_array()) << "bare JSON array";
        for (const auto& run : arr.as_array()) ids.emplace_back(run.at("id").as_string());
        ++*pages;
        auto links = parse_link(r.header("link"));
        if (!links.count("next")) break;
        const auto& next = links["next"];
        EXPECT_EQ(next.rfind(fx.base_url(), 0), 0u) << next;
        target = next.substr(fx.base_url().size());
        if (*pages > 400) {
            ADD_FAILURE() << "no end";
            break;
        }
    }
    return ids;
}

std::string upload_body(const std::string& key, const std::string& results) {
    return R"({"format":"json","run_env":{"CI":"buildkite","key":")" + key +
           R"(","branch":"main","commit_sha":"0123456789abcdef0123456789abcdef01234567"},"data":[)" +
           results + "]}";
}

const std::string passed = R"({"name":"a","location":"./a_spec.rb:3","result":"passed"})";
const std::string failed =
    R"({"name":"b","location":"./b_spec.rb:9","result":"failed","failure_reason":"boom","history":{"duration":1.5}})";

}  // namespace

TEST(BuildkiteHttp, WalkingTheLinkHeaderYieldsEveryRunOnce) {
    auto fx = make_fixture();
    for (int per_page : {7, 30, 100}) {
        int pages = 0;
        auto ids = walk(fx, runs + "?per_page=" + std::to_string(per_page), &pages);
        EXPECT_EQ(ids.size(), 300u) << per_page;
        EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 300u) << per_page;
        EXPECT_EQ(pages, (300 + per_page - 1) / per_page);
    }
    int pages = 0;
    EXPECT_EQ(walk(fx, runs, &pages).size(), 300u);
    EXPECT_EQ(pages, 10);  // default per_page 30
}

TEST(BuildkiteHttp, PerPageIsCappedAt100AndLinksNameFirstPrevLast) {
    auto fx = make_fixture();
    auto r = fx.get(runs + "?per_page=500&page=2");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(parse_json(r.body).as_array().size(), 100u);
    auto links = parse_link(r.header("link"));
    EXPECT_EQ(links["next"], fx.base_url() + runs + "?page=3&per_page=100");
    EXPECT_EQ(links["last"], fx.base_url() + runs + "?page=3&per_page=100");
    EXPECT_EQ(links["first"], fx.base_url() + runs + "?page=1&per_page=100");
    EXPECT_EQ(links["prev"], fx.base_url() + runs + "?page=1&per_page=100");
    auto first = parse_link(fx.get(runs).header("link"));
    EXPECT_FALSE(first.count("prev"));
    EXPECT_FALSE(first.count("first"));
    auto past = fx.get(runs + "?page=99");
    EXPECT_EQ(past.status, 200);
    EXPECT_EQ(past.body, "[]");
    EXPECT_FALSE(parse_link(past.header("link")).count("next"));
    EXPECT_EQ(fx.get(runs + "?page=0").status, 400);
    EXPECT_TRUE(parse_json(fx.get(runs + "?per_page=abc").body).at("message").is_string());
}

TEST(BuildkiteHttp, NewestFirstAndBuildIdFilters) {
    auto fx = make_fixture();
    auto page = parse_json(fx.get(runs + "?per_page=100").body).as_array();
    for (std::size_t i = 1; i < page.size(); ++i)
        EXPECT_GE(page[i - 1].at("created_at").as_string(), page[i].at("created_at").as_string());
    const std::string build(page[5].at("build_id").as_string());
    auto one = fx.get(runs + "?build_id=" + build);
    auto arr = parse_json(one.body).as_array();
    ASSERT_EQ(arr.size(), 1u);
    EXPECT_EQ(arr[0], page[5]);
    EXPECT_EQ(fx.get(runs + "?build_id=none").body, "[]");
    auto run = parse_json(fx.get(runs + "/" + std::string(page[5].at("id").as_string())).body);
    EXPECT_EQ(run, page[5]);
    EXPECT_EQ(run.at("url"), boost::json::value(fx.base_url() + runs + "/" +
                                                std::string(page[5].at("id").as_string())));
}

TEST(BuildkiteHttp, EveryStateAndResultIsPresent) {
    auto fx = make_fixture();
    std::set<std::string> seen;
    for (int p = 1; p <= 3; ++p) {
        auto arr = parse_json(fx.get(runs + "?per_page=100&page=" + std::to_string(p)).body);
        for (const auto& r : arr.as_array())
            seen.insert(std::string(r.at("state").as_string()) + "/" +
                        std::string(r.at("result").as_string()));
    }
    EXPECT_EQ(seen, (std::set<std::string>{"finished/passed", "finished/failed", "finished/stale",
                                           "running/pending", "running/passed", "running/failed"}));
}

TEST(BuildkiteHttp, AuthFailuresAndUnknownIds) {
    auto fx = make_fixture();
    auto c = fx.client();
    for (auto h :
         {header_list{}, header_list{{"Authorization", "Bearer nope"}},
          header_list{{"Authorization", "Token token=\"bkst_sandbox_9d2f4a7c1e8b3d6f\""}}}) {
        auto r = c.request("GET", runs, h);
        EXPECT_EQ(r.status, 401);
        EXPECT_TRUE(parse_json(r.body).at("message").is_string());
    }
    EXPECT_EQ(fx.get("/v2/analytics/organizations/other/suites/storefront-e2e/runs").status, 404);
    EXPECT_EQ(fx.get("/v2/analytics/organizations/acme/suites/other/runs").status, 404);
    auto missing = fx.get(runs + "/00000000-0000-4000-8000-000000000000");
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(parse_json(missing.body), parse_json(R"({"message":"Not Found"})"));
    EXPECT_EQ(fx.get(runs + "/nope/failed_executions").status, 404);
    EXPECT_EQ(fx.post("/v1/uploads", upload_body("k", passed)).status, 401);  // Bearer is not it
}

TEST(BuildkiteHttp, OverTheRateLimitAnswers429WithRateLimitHeadersInSeconds) {
    auto fx = make_fixture();
    fx.set_faults(R"({"rate_limit_per_min": 2})");
    EXPECT_EQ(fx.get(runs).status, 200);
    EXPECT_EQ(fx.get(runs).status, 200);
    auto r = fx.get(runs);
    ASSERT_EQ(r.status, 429);
    EXPECT_EQ(r.header("ratelimit-scope"), "rest");
    EXPECT_EQ(r.header("ratelimit-limit"), "2");
    EXPECT_EQ(r.header("ratelimit-remaining"), "0");
    const int reset = std::stoi(r.header("ratelimit-reset"));
    EXPECT_GE(reset, 1);
    EXPECT_LE(reset, 60);  // seconds until the window resets, not a Unix time
    auto body = parse_json(r.body);
    EXPECT_EQ(body.at("reset"), reset);
    EXPECT_EQ(body.at("scope"), "rest");
}

TEST(BuildkiteHttp, FailedExecutionsArePagedAndExpandable) {
    auto fx = make_fixture();
    auto arr = parse_json(fx.get(runs + "?per_page=100").body).as_array();
    std::string failed_id, passed_id;
    for (const auto& r : arr) {
        if (r.at("result") == "failed" && failed_id.empty()) failed_id = r.at("id").as_string();
        if (r.at("result") == "passed" && passed_id.empty()) passed_id = r.at("id").as_string();
    }
    ASSERT_FALSE(failed_id.empty());
    EXPECT_EQ(fx.get(runs + "/" + passed_id + "/failed_executions").body, "[]");
    auto all = parse_json(fx.get(runs + "/" + failed_id + "/failed_executions").body).as_array();
    ASSERT_FALSE(all.empty());
    for (const auto& e : all) {
        EXPECT_EQ(e.at("run_id"), boost::json::value(failed_id));
        for (auto key : {"execution_id", "test_id", "test_name", "location", "failure_reason",
                         "duration", "commit_sha", "branch", "created_at", "test_url"})
            EXPECT_TRUE(e.as_object().contains(key)) << key;
        EXPECT_FALSE(e.as_object().contains("failure_expanded"));
    }
    auto expanded = parse_json(
        fx.get(runs + "/" + failed_id + "/failed_executions?include_failure_expanded=true").body);
    EXPECT_TRUE(expanded.at(0).at("failure_expanded").at(0).at("backtrace").is_array());
    auto one = fx.get(runs + "/" + failed_id + "/failed_executions?per_page=1");
    EXPECT_EQ(parse_json(one.body).as_array().size(), 1u);
    if (all.size() > 1) EXPECT_TRUE(parse_link(one.header("link")).count("next"));
}

TEST(BuildkiteHttp, UploadsCreateARunThatFinishesAndReturnsToRunning) {
    auto fx = make_fixture();
    const auto token = parse_json(fx.get("/_sandbox/info").body).at("scope").at("upload_token");
    header_list h{{"Authorization", std::string(token.as_string())},
                  {"Content-Type", "application/json"}};
    auto c = fx.client();
    auto up = c.request("POST", "/v1/uploads", h, upload_body("job-42", passed));
    ASSERT_EQ(up.status, 202) << up.body;
    const std::string id(parse_json(up.body).at("run_id").as_string());
    EXPECT_EQ(parse_json(up.body).at("queued"), 1);
    auto status = [&] {
        auto run = parse_json(fx.get(runs + "/" + id).body);
        auto top = parse_json(fx.get(runs + "?per_page=1").body).at(0);
        EXPECT_EQ(top, run);  // list and get agree; the new run is on top
        return std::string(run.at("state").as_string()) + "/" +
               std::string(run.at("result").as_string());
    };
    EXPECT_EQ(status(), "running/pending");
    fx.advance(3s);
    EXPECT_EQ(status(), "running/passed");
    fx.advance(8s);
    EXPECT_EQ(status(), "finished/passed");
    // More results: back to running, passed turns failed, and failed is final.
    ASSERT_EQ(c.request("POST", "/v1/uploads", h, upload_body("job-42", failed)).status, 202);
    EXPECT_EQ(status(), "running/passed");
    fx.advance(3s);
    EXPECT_EQ(status(), "running/failed");
    EXPECT_EQ(
        parse_json(fx.get(runs + "/" + id + "/failed_executions").body).at(0).at("failure_reason"),
        "boom");
    ASSERT_EQ(c.request("POST", "/v1/uploads", h, upload_body("job-42", passed)).status, 202);
    fx.advance(20s);
    EXPECT_EQ(status(), "finished/failed");
    // An upload with no results ends stale.
    auto empty = c.request("POST", "/v1/uploads", h, upload_body("job-43", ""));
    const std::string stale_id(parse_json(empty.body).at("run_id").as_string());
    fx.advance(11s);
    EXPECT_EQ(parse_json(fx.get(runs + "/" + stale_id).body).at("result"), "stale");
    EXPECT_EQ(c.request("POST", "/v1/uploads", h, "{").status, 422);
    EXPECT_EQ(c.request("POST", "/v1/uploads", h, R"({"format":"json","data":[]})").status, 422);
}

TEST(BuildkiteHttp, ForcedOutcomesOverrideUploadedResults) {
    auto fx = make_fixture();
    const auto token = parse_json(fx.get("/_sandbox/info").body).at("scope").at("upload_token");
    header_list h{{"Authorization", std::string(token.as_string())}};
    const std::map<std::string, std::string> want{
        {"failed", "failed"}, {"passed", "passed"}, {"error", "stale"}};
    for (const auto& [outcome, result] : want) {
        fx.set_faults(R"({"outcome": ")" + outcome + "\"}");
        auto up = fx.client().request("POST", "/v1/uploads", h,
                                      upload_body("forced-" + outcome, passed + "," + failed));
        ASSERT_EQ(up.status, 202);
        fx.advance(11s);
        auto run = parse_json(
            fx.get(runs + "/" + std::string(parse_json(up.body).at("run_id").as_string())).body);
        EXPECT_EQ(run.at("result"), boost::json::value(result)) << outcome;
        EXPECT_EQ(run.at("state"), "finished");
    }
}

TEST(BuildkiteHttp, SameSeedSameDataOtherSeedOtherDataAndResetRestores) {
    auto a = make_fixture();
    auto b = make_fixture();
    sandbox_fixture_options o;
    o.seed = 7;
    auto c = make_fixture(o);
    // The page of a fixture, without its port (API URLs are absolute).
    auto page_of = [](const sandbox_fixture& fx) {
        auto body = fx.get(runs + "?per_page=100").body;
        for (auto p = body.find(fx.base_url()); p != std::string::npos;
             p = body.find(fx.base_url(), p))
            body.erase(p, fx.base_url().size());
        return body;
    };
    const auto page = page_of(a);
    EXPECT_TRUE(page == page_of(b));
    EXPECT_FALSE(page == page_of(c));
    const auto token = parse_json(a.get("/_sandbox/info").body).at("scope").at("upload_token");
    a.client().request("POST", "/v1/uploads", {{"Authorization", std::string(token.as_string())}},
                       upload_body("x", passed));
    EXPECT_FALSE(page == page_of(a));
    a.reset();
    EXPECT_TRUE(page == page_of(a));
}
