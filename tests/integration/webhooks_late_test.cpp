// Late webhook events (issue 6 point 6): an event never moves a run backwards. Through
// `runhub serve --sandbox`: a TesterArmy run body saying `running` after the run ended, or an
// end earlier than the known one, is answered "applied": false and the cached run stays; a later
// end is applied. Zof: `queued` after the run was seen running, `running` after it ended.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json.hpp>
#include <thread>

#include "common/sandboxed_facade.hpp"

using namespace runhub;
using namespace std::chrono_literals;

namespace {

constexpr const char* hook_key = "late-webhooks-test-key";
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
    std::string auth() const { return std::string("Bearer ") + hook_key; }
    test::http_reply get(test::http_client& c, const std::string& target) {
        return c.request("GET", target, {{"Authorization", auth()}}, "", 30s);
    }
    std::string status(test::http_client& c, const std::string& id) {
        auto r = get(c, "/v1/runs/" + id);
        EXPECT_EQ(r.status, 200) << r.body;
        return std::string(boost::json::parse(r.body).at("status").as_string());
    }
};

test::http_reply post_hook(test::http_client& c, const std::string& source,
                           const std::string& header, const std::string& value,
                           const std::string& body) {
    return c.request("POST", "/v1/webhooks/" + source,
                     {{header, value}, {"Content-Type", "application/json"}}, body, 30s);
}

// {"ok":true,"duplicate":false,"applied":<applied>} expected.
void expect_answer(const test::http_reply& r, bool applied) {
    ASSERT_EQ(r.status, 200) << r.body;
    auto said = boost::json::parse(r.body);
    EXPECT_EQ(said.at("duplicate"), false) << r.body;
    EXPECT_EQ(said.at("applied"), applied) << r.body;
}

std::string zof_event(const std::string& event_id, const std::string& run_id,
                      const std::string& status) {
    boost::json::object obj{{"id", run_id}, {"run_id", run_id}, {"status", status}};
    return boost::json::serialize(
        boost::json::object{{"id", event_id},
                            {"type", "run.completed"},
                            {"created", "2026-01-01T00:00:00Z"},
                            {"data", boost::json::object{{"object", obj}}}});
}

}  // namespace

TEST(LateWebhooks, TesterArmyRunningAfterTheEndOrAnEarlierEndChangesNothingALaterEndDoes) {
    facade f;
    ASSERT_NE(f.port(), 0) << f.process().err();
    test::http_client c(f.port());
    auto page = f.get_json(c, "/v1/runs?source=testerarmy&status=passed&limit=1", 200);
    ASSERT_FALSE(page.at("data").as_array().empty());
    const std::string id(page.at("data").at(0).at("id").as_string());
    const std::string native(page.at("data").at(0).at("native_id").as_string());
    auto raw = test::sandbox_request(f.ca_file(), "GET",
                                     f.vendor_base("testerarmy") + "/api/v1/runs/" + native, "",
                                     f.vendor_auth("testerarmy"));
    ASSERT_EQ(raw.status, 200) << raw.body;
    const auto original = boost::json::parse(raw.body).as_object();
    ASSERT_TRUE(original.at("completedAt").is_string()) << raw.body;
    ASSERT_EQ(f.status(c, id), "passed");  // cached now

    // A delivery of the run as it was while running, arriving after its end.
    auto running = original;
    running["status"] = "running";
    running["output"] = boost::json::object{};
    running["completedAt"] = nullptr;
    expect_answer(post_hook(c, "testerarmy", "X-TesterArmy-Webhook-Secret", sandbox_secret,
                            boost::json::serialize(running)),
                  false);
    EXPECT_EQ(f.status(c, id), "passed");

    // Another end, earlier than the known one.
    auto earlier = original;
    earlier["output"].as_object()["result"] = "FAILED";
    earlier["completedAt"] = "2000-01-01T00:00:00.000Z";
    expect_answer(post_hook(c, "testerarmy", "X-TesterArmy-Webhook-Secret", sandbox_secret,
                            boost::json::serialize(earlier)),
                  false);
    EXPECT_EQ(f.status(c, id), "passed");

    // An end later than the known one is news.
    auto later = original;
    later["status"] = "cancelled";
    later["completedAt"] = "2099-01-01T00:00:00.000Z";
    expect_answer(post_hook(c, "testerarmy", "X-TesterArmy-Webhook-Secret", sandbox_secret,
                            boost::json::serialize(later)),
                  true);
    EXPECT_EQ(f.status(c, id), "canceled");
}

TEST(LateWebhooks, ZofQueuedAfterRunningAndRunningAfterTheEndChangeNothing) {
    facade f;
    ASSERT_NE(f.port(), 0) << f.process().err();
    test::http_client c(f.port());
    auto started = c.request("POST", "/v1/runs",
                             {{"Authorization", f.auth()}, {"Content-Type", "application/json"}},
                             R"({"source":"zof","target":{"environment":"staging",)"
                             R"("test_case_ids":["tc_a"]}})",
                             30s);
    ASSERT_EQ(started.status, 201) << started.body;
    auto run = boost::json::parse(started.body);
    const std::string id(run.at("id").as_string());
    const std::string native(run.at("native_id").as_string());
    test::set_faults(f, "zof", R"({"outcome": "passed"})");
    std::string now;
    for (int i = 0; i < 40 && now != "running"; ++i) {
        now = f.status(c, id);
        if (now != "running") std::this_thread::sleep_for(250ms);
    }
    ASSERT_EQ(now, "running");

    auto sign = [](const std::string& body) { return hmac_hex(sandbox_secret, body); };
    auto queued = zof_event("evt_late_1", native, "queued");
    expect_answer(post_hook(c, "zof", "X-Zof-Signature", sign(queued), queued), false);
    EXPECT_EQ(f.status(c, id), "running");

    auto passed = zof_event("evt_late_2", native, "passed");
    expect_answer(post_hook(c, "zof", "X-Zof-Signature", sign(passed), passed), true);
    EXPECT_EQ(f.status(c, id), "passed");

    auto late = zof_event("evt_late_3", native, "running");
    expect_answer(post_hook(c, "zof", "X-Zof-Signature", sign(late), late), false);
    EXPECT_EQ(f.status(c, id), "passed");
    // A duplicate of a late event is still a duplicate, and still not applied.
    auto dup = post_hook(c, "zof", "X-Zof-Signature", sign(late), late);
    ASSERT_EQ(dup.status, 200) << dup.body;
    EXPECT_EQ(boost::json::parse(dup.body).at("duplicate"), true);
    EXPECT_EQ(boost::json::parse(dup.body).at("applied"), false);
}
