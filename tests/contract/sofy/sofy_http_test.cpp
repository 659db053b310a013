// The Sofy API over HTTP behind a real sandbox vendor_server: fetch-scheduled-runs walked to its
// last page, page-size cap, date window, auth failures, unknown ids (400), statuses, 429,
// execute → status by group → abort, forced outcomes, same seed.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "sandbox/sofy/sofy_emulator.hpp"
#include "sandbox_fixture.hpp"

using namespace runhub;
using namespace runhub::test;
using namespace std::chrono_literals;

namespace {

const std::string fetch = "/reports-microservice/schedule-report/fetch-scheduled-runs";
const std::string month = "fromDate=2026-10-20%2000%3A00&endDate=2026-11-23%2012%3A00";
const std::string scheduler = "/scheduler-microservice/scheduled-runs/";

sandbox_fixture make_fixture(sandbox_fixture_options o = {}) {
    return sandbox_fixture(sandbox::sofy::make_sofy_emulator, std::move(o));
}

std::string scope(const sandbox_fixture& fx, const char* key) {
    return std::string(parse_json(fx.get("/_sandbox/info").body).at("scope").at(key).as_string());
}

struct walk_result {
    std::vector<boost::json::object> records;
    std::int64_t total = 0;
    int pages = 0;
};

// Fetches pages 1.. until pageNumber == ceil(totalRecordsFound / pageSize), as the docs say.
walk_result walk(const sandbox_fixture& fx, const std::string& query, int page_size) {
    walk_result w;
    for (int page = 1;; ++page) {
        auto r = fx.get(fetch + "?" + query + (query.empty() ? "" : "&") + "pageSize=" +
                        std::to_string(page_size) + "&pageNumber=" + std::to_string(page));
        EXPECT_EQ(r.status, 200) << r.body;
        if (r.status != 200) break;
        auto body = parse_json(r.body).as_object();
        EXPECT_EQ(body.at("pageNumber"), page);
        w.total = body.at("totalRecordsFound").to_number<std::int64_t>();
        const auto& data = body.at("data").as_array();
        EXPECT_EQ(body.at("totalRecordsFetched").to_number<std::size_t>(), data.size());
        for (const auto& rec : data) w.records.push_back(rec.as_object());
        ++w.pages;
        const auto total_pages = (w.total + page_size - 1) / page_size;
        if (page >= total_pages || page > 400) break;
    }
    return w;
}

std::set<std::string> ids_of(const walk_result& w) {
    std::set<std::string> ids;
    for (const auto& r : w.records) ids.emplace(r.at("testRunId").as_string());
    return ids;
}

}  // namespace

TEST(SofyHttp, WalkingEveryPageYieldsEveryRunOnce) {
    auto fx = make_fixture();
    for (int size : {7, 20, 100}) {
        auto w = walk(fx, month, size);
        EXPECT_EQ(w.total, 300);
        EXPECT_EQ(w.records.size(), 300u) << size;
        EXPECT_EQ(ids_of(w).size(), 300u) << size;
        EXPECT_EQ(w.pages, (300 + size - 1) / size);
    }
}

TEST(SofyHttp, DefaultWindowIsTheLastSevenDays) {
    auto fx = make_fixture();
    auto all = walk(fx, month, 100);
    std::set<std::string> recent;
    for (const auto& r : all.records)
        if (std::string(r.at("scheduledAt").as_string()) >= "2026-11-16T12:00:00.000Z")
            recent.emplace(r.at("testRunId").as_string());
    auto def = walk(fx, "", 20);
    EXPECT_EQ(static_cast<std::size_t>(def.total), recent.size());
    EXPECT_EQ(ids_of(def), recent);
    EXPECT_LT(recent.size(), 300u);
    auto body = parse_json(fx.get(fetch).body);
    EXPECT_EQ(body.at("pageSize"), 20);
    EXPECT_EQ(body.at("pageNumber"), 1);
}

TEST(SofyHttp, PageSizeIsSilentlyCappedAndPastTheEndIsEmpty) {
    auto fx = make_fixture();
    auto body = parse_json(fx.get(fetch + "?" + month + "&pageSize=500").body);
    EXPECT_EQ(body.at("pageSize"), 100);
    EXPECT_EQ(body.at("data").as_array().size(), 100u);
    auto past = parse_json(fx.get(fetch + "?" + month + "&pageNumber=99").body);
    EXPECT_TRUE(past.at("data").as_array().empty());
    EXPECT_EQ(past.at("totalRecordsFetched"), 0);
    EXPECT_EQ(past.at("totalRecordsFound"), 300);
    auto bad = fx.get(fetch + "?fromDate=2026-11-01T00:00:00Z");
    EXPECT_EQ(bad.status, 400);
    EXPECT_TRUE(parse_json(bad.body).at("error").at("message").is_string());
}

TEST(SofyHttp, ApplicationFilterAndEveryStatus) {
    auto fx = make_fixture();
    const auto app = scope(fx, "application_guid");
    auto w = walk(fx, month + "&applicationGuid=" + app, 50);
    EXPECT_GT(w.total, 0);
    EXPECT_LT(w.total, 300);
    for (const auto& r : w.records) EXPECT_EQ(r.at("applicationGuid"), boost::json::value(app));
    std::set<std::string> statuses;
    for (const auto& r : walk(fx, "", 100).records) statuses.emplace(r.at("status").as_string());
    EXPECT_EQ(statuses, (std::set<std::string>{"Passed", "Failed", "Running", "Stopped",
                                               "Run Stopped", "Incomplete", "Not Executed"}));
}

TEST(SofyHttp, AuthFailuresAsSofyAnswersThem) {
    auto fx = make_fixture();
    auto c = fx.client();
    auto missing = c.request("GET", fetch);
    EXPECT_EQ(missing.status, 400);
    EXPECT_EQ(parse_json(missing.body).at("error").at("message"), "Missing required headers.");
    auto not_guid = c.request("GET", fetch, {{"x-sofy-auth-key", "abc"}});
    EXPECT_EQ(not_guid.status, 500);
    auto wrong =
        c.request("GET", fetch, {{"x-sofy-auth-key", "00000000-0000-4000-8000-000000000000"}});
    EXPECT_EQ(wrong.status, 401);
    EXPECT_EQ(parse_json(wrong.body).at("error").at("message"), "Invalid Auth Key.");
    EXPECT_TRUE(parse_json(wrong.body).at("error").at("timestamp").is_string());
    EXPECT_EQ(c.request("GET", fetch, {{"Authorization", "Bearer x"}}).status, 400);
}

TEST(SofyHttp, UnknownIdsAre400) {
    auto fx = make_fixture();
    const std::string nope = "11111111-2222-4333-8444-555555555555";
    const auto schedule = scope(fx, "schedule_guid");
    auto check = [](const http_reply& r, const char* message) {
        EXPECT_EQ(r.status, 400) << r.body;
        EXPECT_EQ(parse_json(r.body).at("error").at("message"), message);
    };
    check(fx.get(scheduler + nope + "/status/481000"), "Scheduled run ID not found or invalid.");
    check(fx.get(scheduler + nope + "/test-run-groups"), "Scheduled run ID not found or invalid.");
    check(fx.post(scheduler + nope + "/execute?appHash=x", ""),
          "Scheduled run ID not found or invalid.");
    auto c = fx.client();
    auto abort =
        c.request("PUT", "/scheduler-microservice/public/test-run/abort/" + nope, fx.auth());
    check(abort, "Scheduled run ID not found or invalid.");
    check(fx.get(scheduler + schedule + "/status/1"), "Test run ID not found or invalid.");
    check(
        c.request("PUT",
                  "/scheduler-microservice/public/test-run/abort/" + schedule + "?testRunGroupId=1",
                  fx.auth()),
        "Test run ID not found or invalid.");
}

TEST(SofyHttp, OverTheRateLimitAnswersABare429) {
    auto fx = make_fixture();
    fx.set_faults(R"({"rate_limit_per_min": 1})");
    EXPECT_EQ(fx.get(fetch).status, 200);
    auto r = fx.get(fetch);
    EXPECT_EQ(r.status, 429);
    EXPECT_TRUE(parse_json(r.body).at("error").at("message").is_string());
    EXPECT_EQ(r.header("retry-after"), "");
    EXPECT_EQ(r.header("ratelimit-reset"), "");
    EXPECT_EQ(r.header("x-ratelimit-reset"), "");
}

TEST(SofyHttp, ExecuteThenStatusByGroupFollowsTheLifecycle) {
    auto fx = make_fixture();
    const auto schedule = scope(fx, "schedule_guid");
    const auto app_hash = scope(fx, "app_hash");
    EXPECT_EQ(fx.post(scheduler + schedule + "/execute", "").status, 400);  // appHash missing
    EXPECT_EQ(fx.post(scheduler + schedule + "/execute?appHash=nope", "").status, 400);
    fx.set_faults(R"({"outcome": "passed"})");
    auto made = fx.post(scheduler + schedule + "/execute?appHash=" + app_hash, "");
    ASSERT_EQ(made.status, 200) << made.body;
    auto body = parse_json(made.body);
    EXPECT_EQ(body.at("message"), "Test runs are scheduled and in queue.");
    const std::string gid(body.at("testGroupsRunId").as_string());

    // The newest group is listed first.
    auto group_status = [&] {
        auto groups = parse_json(fx.get(scheduler + schedule + "/test-run-groups").body);
        return std::string(groups.at("data").at(0).at("testRunGroupId").as_string()) + " " +
               std::string(groups.at("data").at(0).at("status").as_string());
    };
    auto run_statuses = [&] {
        auto r = parse_json(fx.get(scheduler + schedule + "/status/" + gid).body);
        std::set<std::string> s;
        for (const auto& rec : r.at("data").as_array()) s.emplace(rec.at("status").as_string());
        return s;
    };
    EXPECT_EQ(group_status(), gid + " Queued");
    EXPECT_EQ(run_statuses(), std::set<std::string>{"Running"});
    fx.advance(3s);
    EXPECT_EQ(group_status(), gid + " Running");
    fx.advance(8s);
    EXPECT_EQ(group_status(), gid + " Complete");
    EXPECT_EQ(run_statuses(), std::set<std::string>{"Passed"});
    // The list shows the same records, on top.
    auto top = parse_json(fx.get(fetch + "?pageSize=1").body).at("data").at(0);
    EXPECT_EQ(top.at("testRunGroupId"), boost::json::value(gid));
    EXPECT_EQ(top.at("status"), "Passed");

    fx.set_faults(R"({"outcome": "error"})");
    auto failed =
        parse_json(fx.post(scheduler + schedule + "/execute?appHash=" + app_hash, "").body);
    fx.advance(11s);
    auto statuses = parse_json(fx.get(scheduler + schedule + "/status/" +
                                      std::string(failed.at("testGroupsRunId").as_string()))
                                   .body);
    for (const auto& rec : statuses.at("data").as_array()) {
        const std::string s(rec.at("status").as_string());
        EXPECT_TRUE(s == "Incomplete" || s == "Not Executed") << s;
    }
    EXPECT_EQ(group_status(),
              std::string(failed.at("testGroupsRunId").as_string()) + " Complete with errors");
}

TEST(SofyHttp, AbortStopsUnfinishedRuns) {
    auto fx = make_fixture();
    const auto schedule = scope(fx, "schedule_guid");
    const auto app_hash = scope(fx, "app_hash");
    auto made = parse_json(fx.post(scheduler + schedule + "/execute?appHash=" + app_hash, "").body);
    const std::string gid(made.at("testGroupsRunId").as_string());
    fx.advance(3s);
    auto c = fx.client();
    const auto abort_path =
        "/scheduler-microservice/public/test-run/abort/" + schedule + "?testRunGroupId=" + gid;
    auto r = c.request("PUT", abort_path, fx.auth());
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_NE(std::string(parse_json(r.body).at("message").as_string()).find("successfully"),
              std::string::npos);
    fx.advance(30s);
    auto statuses = parse_json(fx.get(scheduler + schedule + "/status/" + gid).body);
    for (const auto& rec : statuses.at("data").as_array())
        EXPECT_EQ(rec.at("status"), "Run Stopped");
    auto again = c.request("PUT", abort_path, fx.auth());
    EXPECT_EQ(again.status, 200);
    EXPECT_EQ(
        std::string(parse_json(again.body).at("message").as_string()).rfind("No test runs", 0), 0u);
}

TEST(SofyHttp, ApplicationsAndDevicesGiveWhatExecuteNeeds) {
    auto fx = make_fixture();
    auto apps = parse_json(fx.get("/application-microservice/public/applications").body);
    EXPECT_EQ(apps.at("data").at(0).at("application_guid"),
              boost::json::value(scope(fx, "application_guid")));
    EXPECT_EQ(apps.at("data").at(0).at("application_builds").at(0).at("app_hash"),
              boost::json::value(scope(fx, "app_hash")));
    auto devices = parse_json(fx.get("/device-microservice/public/devices/ANDROID").body);
    ASSERT_FALSE(devices.at("data").as_array().empty());
    const std::string serial(devices.at("data").at(0).at("device_serial").as_string());
    auto made = fx.post(scheduler + scope(fx, "schedule_guid") + "/execute?appHash=" +
                            scope(fx, "app_hash") + "&deviceSerials=" + serial,
                        "");
    EXPECT_EQ(made.status, 200) << made.body;
    EXPECT_EQ(fx.post(scheduler + scope(fx, "schedule_guid") +
                          "/execute?appHash=" + scope(fx, "app_hash") + "&deviceSerials=NOPE",
                      "")
                  .status,
              400);
}

TEST(SofyHttp, SameSeedSameDataOtherSeedOtherDataAndResetRestores) {
    auto a = make_fixture();
    auto b = make_fixture();
    sandbox_fixture_options o;
    o.seed = 9;
    auto c = make_fixture(o);
    const auto target = fetch + "?" + month + "&pageSize=100";
    const auto page = a.get(target).body;
    EXPECT_TRUE(page == b.get(target).body);
    EXPECT_FALSE(page == c.get(target).body);
    a.post(scheduler + scope(a, "schedule_guid") + "/execute?appHash=" + scope(a, "app_hash"), "");
    EXPECT_FALSE(page == a.get(target).body);
    a.reset();
    EXPECT_TRUE(page == a.get(target).body);
}
