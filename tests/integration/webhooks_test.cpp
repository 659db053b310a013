// POST /v1/webhooks/{source} through `runhub serve --sandbox`: a Zof event signed with the
// sandbox's secret updates the cached run and wakes a waiter; a forged signature is 401 and
// changes nothing; a second delivery of one event id changes nothing. TesterArmy: the shared
// secret header, wrong → 401, right → 200. (Sofy's test_completion is not emulated.)
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json.hpp>
#include <future>
#include <thread>

#include "common/sandboxed_facade.hpp"

using namespace runhub;
using namespace std::chrono_literals;

namespace {

constexpr const char* hook_key = "webhooks-test-key";
// What `serve --sandbox` gives every emulator (sandbox_runner_options::webhook_secret).
constexpr const char* sandbox_secret = "sandbox-webhook-secret";

std::string hmac_hex(std::string_view key, std::string_view data) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
        out += digits[mac[i] >> 4];
        out += digits[mac[i] & 0xF];
    }
    return out;
}

struct facade : test::sandboxed_facade {
    facade() : test::sandboxed_facade(hook_key) {}

    std::string scope_of(const std::string& vendor, const std::string& name) {
        auto info = boost::json::parse(
            test::sandbox_request(ca_file(), "GET", vendor_base(vendor) + "/_sandbox/info").body);
        const auto& v = info.at("scope").at(name);
        return v.is_string() ? std::string(v.as_string()) : boost::json::serialize(v);
    }
    std::uint64_t vendor_calls(const std::string& vendor, const std::string& route) {
        auto stats = boost::json::parse(
            test::sandbox_request(ca_file(), "GET", vendor_base(vendor) + "/_sandbox/stats").body);
        const auto* n = stats.at("by_route").as_object().if_contains(route);
        return n ? n->to_number<std::uint64_t>() : 0;
    }
    test::http_reply get(test::http_client& c, const std::string& target,
                         std::chrono::seconds timeout = 30s) {
        return c.request("GET", target, {{"Authorization", std::string("Bearer ") + hook_key}}, "",
                         timeout);
    }
};

std::string zof_event(const std::string& event_id, const std::string& type,
                      const std::string& run_id, const std::string& project,
                      const std::string& status) {
    boost::json::object obj{{"id", run_id},     {"organization_id", "org_sandbox"},
                            {"run_id", run_id}, {"project_id", project},
                            {"status", status}, {"duration_ms", 1234}};
    boost::json::object ev{{"id", event_id},
                           {"type", type},
                           {"created", "2026-01-01T00:00:00Z"},
                           {"data", boost::json::object{{"object", obj}}}};
    return boost::json::serialize(ev);
}

test::http_reply post_hook(test::http_client& c, const std::string& source,
                           const std::string& header, const std::string& value,
                           const std::string& body) {
    return c.request("POST", "/v1/webhooks/" + source,
                     {{header, value}, {"Content-Type", "application/json"}}, body, 30s);
}

std::string status_of(const test::http_reply& r) {
    return std::string(boost::json::parse(r.body).at("status").as_string());
}

}  // namespace

TEST(Webhooks, ZofSignedEventUpdatesTheCacheWakesWaitersForgedAndDuplicateChangeNothing) {
    facade f;
    ASSERT_NE(f.port(), 0) << f.process().err();
    test::http_client c(f.port());
    const std::string project = f.scope_of("zof", "project_id");
    auto started = c.request("POST", "/v1/runs",
                             {{"Authorization", std::string("Bearer ") + hook_key},
                              {"Content-Type", "application/json"}},
                             R"({"source":"zof","target":{"project_id":")" + project +
                                 R"(","environment":"staging","test_case_ids":["tc_a"]}})",
                             30s);
    ASSERT_EQ(started.status, 201) << started.body;
    auto run = boost::json::parse(started.body);
    const std::string id(run.at("id").as_string());
    const std::string native(run.at("native_id").as_string());
    test::set_faults(f, "zof", R"({"outcome": "passed"})");  // the sandbox's own webhook agrees
    // Queued for 2 s, then running for 8 s: wait for running, so a waiter on it wakes only by news.
    std::string before;
    for (int i = 0; i < 40 && before != "running"; ++i) {
        before = status_of(f.get(c, "/v1/runs/" + id));
        if (before != "running") std::this_thread::sleep_for(250ms);
    }
    ASSERT_EQ(before, "running");

    // Forged: 401, the run unchanged.
    auto body = zof_event("evt_hook_1", "run.completed", native, project, "passed");
    auto forged = post_hook(c, "zof", "X-Zof-Signature", hmac_hex("not-the-secret", body), body);
    EXPECT_EQ(forged.status, 401) << forged.body;
    auto unsigned_ = post_hook(c, "zof", "X-Other", "x", body);
    EXPECT_EQ(unsigned_.status, 401) << unsigned_.body;
    EXPECT_EQ(status_of(f.get(c, "/v1/runs/" + id)), before);

    // A waiter on the run's current status wakes when the valid event arrives.
    auto waiter = std::async(std::launch::async, [&f, id, before] {
        test::http_client wc(f.port());
        auto t0 = std::chrono::steady_clock::now();
        auto r = f.get(wc, "/v1/runs/" + id + "?wait=60s&status=" + before, 90s);
        return std::make_pair(r, std::chrono::steady_clock::now() - t0);
    });
    std::this_thread::sleep_for(500ms);
    const auto gets_before = f.vendor_calls("zof", "GET /v1/runs/{id}");
    auto good = post_hook(c, "zof", "X-Zof-Signature", hmac_hex(sandbox_secret, body), body);
    ASSERT_EQ(good.status, 200) << good.body;
    EXPECT_EQ(boost::json::parse(good.body).at("duplicate"), false);
    auto [woke, took] = waiter.get();
    EXPECT_EQ(woke.status, 200) << woke.body;
    EXPECT_EQ(status_of(woke), "passed");
    EXPECT_LT(took, 30s);

    auto after = f.get(c, "/v1/runs/" + id);
    ASSERT_EQ(after.status, 200);
    EXPECT_EQ(status_of(after), "passed");
    EXPECT_NE(after.header("cache-status").find("hit"), std::string::npos)
        << after.header("cache-status");
    EXPECT_EQ(boost::json::parse(after.body).at("name"), run.at("name"));  // kept from the GET
    EXPECT_EQ(f.vendor_calls("zof", "GET /v1/runs/{id}"), gets_before);

    // The same event id again (even with another status): a duplicate, nothing changes.
    auto again = zof_event("evt_hook_1", "run.failed", native, project, "failed");
    auto dup = post_hook(c, "zof", "X-Zof-Signature", hmac_hex(sandbox_secret, again), again);
    ASSERT_EQ(dup.status, 200) << dup.body;
    EXPECT_EQ(boost::json::parse(dup.body).at("duplicate"), true);
    EXPECT_EQ(status_of(f.get(c, "/v1/runs/" + id)), "passed");

    // An event runhub does not use is accepted and ignored; unknown sources are 404.
    auto other = zof_event("evt_hook_2", "run.started", native, project, "running");
    EXPECT_EQ(post_hook(c, "zof", "X-Zof-Signature", hmac_hex(sandbox_secret, other), other).status,
              200);
    EXPECT_EQ(status_of(f.get(c, "/v1/runs/" + id)), "passed");
    EXPECT_EQ(post_hook(c, "nosuch", "X-Zof-Signature", "00", body).status, 404);
    EXPECT_EQ(post_hook(c, "buildkite", "X-Zof-Signature", "00", body).status, 404);
}

TEST(Webhooks, TesterArmySharedSecretWrongIs401RightIsApplied) {
    facade f;
    ASSERT_NE(f.port(), 0) << f.process().err();
    test::http_client c(f.port());
    auto page = f.get_json(c, "/v1/runs?source=testerarmy&limit=1", 200);
    const std::string id(page.at("data").at(0).at("id").as_string());
    const std::string native(page.at("data").at(0).at("native_id").as_string());
    auto raw = test::sandbox_request(f.ca_file(), "GET",
                                     f.vendor_base("testerarmy") + "/api/v1/runs/" + native, "",
                                     f.vendor_auth("testerarmy"));
    ASSERT_EQ(raw.status, 200) << raw.body;
    auto wrong = post_hook(c, "testerarmy", "X-TesterArmy-Webhook-Secret", "wrong", raw.body);
    EXPECT_EQ(wrong.status, 401) << wrong.body;
    auto none = post_hook(c, "testerarmy", "X-Other", sandbox_secret, raw.body);
    EXPECT_EQ(none.status, 401) << none.body;
    auto right =
        post_hook(c, "testerarmy", "X-TesterArmy-Webhook-Secret", sandbox_secret, raw.body);
    ASSERT_EQ(right.status, 200) << right.body;
    EXPECT_EQ(boost::json::parse(right.body).at("duplicate"), false);
    auto dup = post_hook(c, "testerarmy", "X-TesterArmy-Webhook-Secret", sandbox_secret, raw.body);
    EXPECT_EQ(boost::json::parse(dup.body).at("duplicate"), true);
    auto after = f.get(c, "/v1/runs/" + id);
    EXPECT_EQ(after.status, 200);
    EXPECT_NE(after.header("cache-status").find("hit"), std::string::npos);
}
