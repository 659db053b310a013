// Sofy's test_completion webhook through `runhub serve --sandbox` (issue 6 point 6): the
// sandbox's Sofy posts it (Authorization: Bearer <secret>) when a triggered group ends, and the
// facade, which reads the group from the vendor on it, wakes ?wait= and /events callers at once:
// with the sandbox's running runs cached for 60 s, nothing else could tell them before a minute.
// Posted by hand: a wrong or missing token is 401 and reads nothing; a good one refreshes the
// run once; the same payload again is a duplicate and reads nothing; a test_id no run has is
// 404 unknown_run, every time.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <future>
#include <thread>

#include "common/sandboxed_facade.hpp"

using namespace runhub;
using namespace std::chrono_literals;

namespace {

constexpr const char* hook_key = "sofy-webhooks-test-key";
constexpr const char* sandbox_secret = "sandbox-webhook-secret";  // serve --sandbox gives it
constexpr const char* status_route =
    "GET /scheduler-microservice/scheduled-runs/{scheduledRunGuid}/status/{testRunGroupId}";
constexpr const char* list_route = "GET /reports-microservice/schedule-report/fetch-scheduled-runs";

// Running runs stay fresh in the cache for a minute: only news can change them sooner.
constexpr const char* long_cache = R"({"sandbox": {"cache": {"active_run_ttl_ms": 60000}}})";

struct facade : test::sandboxed_facade {
    facade() : test::sandboxed_facade(hook_key, {}, {}, long_cache) {}

    std::string auth() const { return std::string("Bearer ") + hook_key; }
    std::string scope_of(const std::string& name) {
        auto info = boost::json::parse(
            test::sandbox_request(ca_file(), "GET", vendor_base("sofy") + "/_sandbox/info").body);
        return std::string(info.at("scope").at(name).as_string());
    }
    std::uint64_t sofy_calls(const std::string& route) {
        auto stats = boost::json::parse(
            test::sandbox_request(ca_file(), "GET", vendor_base("sofy") + "/_sandbox/stats").body);
        const auto* n = stats.at("by_route").as_object().if_contains(route);
        return n ? n->to_number<std::uint64_t>() : 0;
    }
    test::http_reply get(test::http_client& c, const std::string& target,
                         std::chrono::seconds timeout = 30s) {
        return c.request("GET", target, {{"Authorization", auth()}}, "", timeout);
    }
    // A new group of the sandbox's first schedule; the facade's answer.
    boost::json::value trigger(test::http_client& c) {
        auto r = c.request(
            "POST", "/v1/runs", {{"Authorization", auth()}, {"Content-Type", "application/json"}},
            R"({"source":"sofy","target":{"schedule_guid":")" + scope_of("schedule_guid") +
                R"(","app_hash":")" + scope_of("app_hash") + R"("}})",
            30s);
        EXPECT_EQ(r.status, 202) << r.body;
        return boost::json::parse(r.body);
    }
};

std::string completion(const std::string& test_id, const std::string& status,
                       const std::string& timestamp = "2024-04-15T12:34:56Z") {
    return boost::json::serialize(boost::json::object{
        {"event", "test_completion"},
        {"timestamp", timestamp},
        {"data", boost::json::object{{"test_id", test_id},
                                     {"status", status},
                                     {"details", "Test completed successfully with no errors."}}}});
}

test::http_reply post_hook(test::http_client& c, const std::string& auth, const std::string& body) {
    std::vector<std::pair<std::string, std::string>> headers{{"Content-Type", "application/json"}};
    if (!auth.empty()) headers.emplace_back("Authorization", auth);
    return c.request("POST", "/v1/webhooks/sofy", headers, body, 30s);
}

std::string status_of(const test::http_reply& r) {
    return std::string(boost::json::parse(r.body).at("status").as_string());
}

std::string group_of(const std::string& native_id) {
    return native_id.substr(native_id.rfind('.') + 1);
}

}  // namespace

TEST(SofyWebhooks, TheSandboxsCompletionWakesWaitersAndStreamsBeforeTheCacheWould) {
    facade f;
    ASSERT_NE(f.port(), 0) << f.process().err();
    test::http_client c(f.port());
    test::set_faults(f, "sofy", R"({"outcome": "passed"})");
    auto run = f.trigger(c);
    const std::string id(run.at("id").as_string());
    // Sofy's status route has no queued state: the group reads running from the start, and the
    // facade now holds it running for 60 s.
    auto now = f.get(c, "/v1/runs/" + id);
    ASSERT_EQ(now.status, 200) << now.body;
    ASSERT_EQ(status_of(now), "running");

    const auto t0 = std::chrono::steady_clock::now();
    auto waiter = std::async(std::launch::async, [&f, id] {
        test::http_client wc(f.port());
        auto r = f.get(wc, "/v1/runs/" + id + "?wait=60s&status=running", 90s);
        return std::make_pair(r, std::chrono::steady_clock::now());
    });
    auto stream = std::async(std::launch::async, [&f, id] {
        test::http_client sc(f.port());
        sc.send_raw("GET /v1/runs/" + id +
                    "/events HTTP/1.1\r\nHost: x\r\nAuthorization: " + f.auth() + "\r\n\r\n");
        return sc.read_all_raw(45s);  // ends after the terminal event
    });
    auto [woke, at] = waiter.get();
    ASSERT_EQ(woke.status, 200) << woke.body;
    EXPECT_EQ(status_of(woke), "passed") << woke.body;
    // The group ends 10 s after its trigger (2 s queued + 8 s running in the sandbox); the
    // cache alone would have kept it running until the wait's end at 60 s.
    EXPECT_LT(at - t0, 30s);
    auto woken = boost::json::parse(woke.body);
    EXPECT_EQ(woken.at("id"), run.at("id"));
    EXPECT_FALSE(woken.at("counts").is_null()) << woke.body;  // the full run, read from Sofy
    auto text = stream.get();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 35s);
    auto running = text.find("id: running\nevent: status");
    auto passed = text.find("id: passed\nevent: status");
    ASSERT_NE(running, std::string::npos) << text;
    ASSERT_NE(passed, std::string::npos) << text;
    EXPECT_LT(running, passed);

    auto after = f.get(c, "/v1/runs/" + id);
    EXPECT_EQ(status_of(after), "passed");
    EXPECT_NE(after.header("cache-status").find("hit"), std::string::npos)
        << after.header("cache-status");
}

TEST(SofyWebhooks, WrongTokenIs401GoodRefreshesOnceDuplicateAndUnknownChangeNothing) {
    facade f;
    ASSERT_NE(f.port(), 0) << f.process().err();
    test::http_client c(f.port());
    test::set_faults(f, "sofy", R"({"outcome": "failed"})");
    auto run = f.trigger(c);
    const std::string id(run.at("id").as_string());
    const std::string native(run.at("native_id").as_string());
    const std::string group = group_of(native);
    ASSERT_EQ(status_of(f.get(c, "/v1/runs/" + id)), "running");

    // Wrong or missing token: 401, no read of the vendor, the cached run as it was.
    const auto reads = f.sofy_calls(status_route);
    auto body = completion(group, "failed");
    const std::vector<std::string> wrongs{"Bearer not-the-secret", sandbox_secret,
                                          "Basic c2FuZGJveC13ZWJob29rLXNlY3JldA==", ""};
    for (const auto& wrong : wrongs) {
        auto r = post_hook(c, wrong, body);
        EXPECT_EQ(r.status, 401) << wrong << ": " << r.body;
    }
    EXPECT_EQ(f.sofy_calls(status_route), reads);
    auto same = f.get(c, "/v1/runs/" + id);
    EXPECT_EQ(status_of(same), "running");
    EXPECT_NE(same.header("cache-status").find("hit"), std::string::npos);

    // The right token: the group is found and read from the vendor once, the event's end wins
    // over the read (the sandbox still runs it), the cache holds the result.
    const auto lists = f.sofy_calls(list_route);
    auto good = post_hook(c, std::string("Bearer ") + sandbox_secret, body);
    ASSERT_EQ(good.status, 200) << good.body;
    auto said = boost::json::parse(good.body);
    EXPECT_EQ(said.at("duplicate"), false);
    EXPECT_EQ(said.at("applied"), true);
    EXPECT_EQ(f.sofy_calls(status_route), reads + 1);
    EXPECT_EQ(f.sofy_calls(list_route), lists + 1);  // the bare group id's scheduled run
    auto now = f.get(c, "/v1/runs/" + id);
    EXPECT_EQ(status_of(now), "failed") << now.body;
    EXPECT_NE(now.header("cache-status").find("hit"), std::string::npos);
    EXPECT_EQ(boost::json::parse(now.body).at("name"), run.at("name"));

    // The same payload again: a duplicate, no read.
    auto dup = post_hook(c, std::string("Bearer ") + sandbox_secret, body);
    ASSERT_EQ(dup.status, 200) << dup.body;
    EXPECT_EQ(boost::json::parse(dup.body).at("duplicate"), true);
    EXPECT_EQ(f.sofy_calls(status_route), reads + 1);
    EXPECT_EQ(f.sofy_calls(list_route), lists + 1);

    // runhub's whole id as test_id: read directly, no search.
    auto full = post_hook(c, std::string("Bearer ") + sandbox_secret,
                          completion(native, "failed", "2024-04-15T12:35:00Z"));
    ASSERT_EQ(full.status, 200) << full.body;
    EXPECT_EQ(boost::json::parse(full.body).at("duplicate"), false);
    EXPECT_EQ(f.sofy_calls(status_route), reads + 2);
    EXPECT_EQ(f.sofy_calls(list_route), lists + 1);

    // No run has this test_id: 404 unknown_run, and not remembered (again 404, not duplicate).
    for (int i = 0; i < 2; ++i) {
        auto unknown = post_hook(c, std::string("Bearer ") + sandbox_secret,
                                 completion("123456789", "passed"));
        EXPECT_EQ(unknown.status, 404) << unknown.body;
        EXPECT_NE(unknown.body.find("unknown_run"), std::string::npos) << unknown.body;
    }
    // Not an event of Sofy's: 400; another event: accepted, ignored.
    EXPECT_EQ(post_hook(c, std::string("Bearer ") + sandbox_secret, R"({"data":{}})").status, 400);
    auto other = post_hook(c, std::string("Bearer ") + sandbox_secret,
                           R"({"event":"test_started","data":{"test_id":")" + group + R"("}})");
    EXPECT_EQ(other.status, 200) << other.body;
    EXPECT_EQ(status_of(f.get(c, "/v1/runs/" + id)), "failed");
}
