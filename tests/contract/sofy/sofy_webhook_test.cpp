// Sofy's test_completion webhook as the emulator sends it (vendor-notes §1.8): once per
// triggered group that ends, completed or stopped, to the configured URL with the secret as a
// bearer token [assumed], the documented body; none without a URL, none for seeded groups.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "sandbox/sofy/sofy_emulator.hpp"
#include "sandbox_fixture.hpp"

using namespace runhub;
using namespace runhub::test;
using namespace std::chrono_literals;

namespace {

const std::string scheduler = "/scheduler-microservice/scheduled-runs/";

std::string scope(const sandbox_fixture& fx, const char* key) {
    return std::string(parse_json(fx.get("/_sandbox/info").body).at("scope").at(key).as_string());
}

std::string execute(const sandbox_fixture& fx) {
    auto made = fx.post(
        scheduler + scope(fx, "schedule_guid") + "/execute?appHash=" + scope(fx, "app_hash"), "");
    EXPECT_EQ(made.status, 200) << made.body;
    return std::string(parse_json(made.body).at("testGroupsRunId").as_string());
}

}  // namespace

TEST(SofyWebhook, AnEndedGroupIsPostedOnceWithTheTokenAndTheDocumentedBody) {
    sandbox_fixture_options o;
    o.webhook_url = "http://127.0.0.1:1/v1/webhooks/sofy";
    sandbox_fixture fx(sandbox::sofy::make_sofy_emulator, o);
    fx.set_faults(R"({"outcome": "passed"})");
    const auto group = execute(fx);
    fx.emulator().tick();
    fx.advance(9s);  // still running (2 s queued + 8 s running)
    fx.emulator().tick();
    EXPECT_TRUE(fx.webhooks().posts().empty());
    fx.advance(2s);
    fx.emulator().tick();
    fx.emulator().tick();  // a second tick sends nothing twice
    auto posts = fx.webhooks().posts();
    ASSERT_EQ(posts.size(), 1u);
    EXPECT_EQ(posts[0].url, o.webhook_url);
    EXPECT_EQ(posts[0].header("Authorization"), "Bearer sandbox-webhook-secret");
    EXPECT_EQ(posts[0].header("Content-Type"), "application/json");
    auto body = parse_json(posts[0].body);
    EXPECT_EQ(body.at("event"), "test_completion");
    // The group ends 10 s after 2026-11-23T12:00:00Z; the time to the second, as documented.
    EXPECT_EQ(body.at("timestamp"), "2026-11-23T12:00:10Z");
    EXPECT_EQ(body.at("data").at("test_id"), boost::json::value(group));
    EXPECT_EQ(body.at("data").at("status"), "passed");
    EXPECT_TRUE(body.at("data").at("details").is_string());
}

TEST(SofyWebhook, AStoppedGroupSaysStoppedAFailedOneFailed) {
    sandbox_fixture_options o;
    o.webhook_url = "http://127.0.0.1:1/hook";
    sandbox_fixture fx(sandbox::sofy::make_sofy_emulator, o);
    fx.set_faults(R"({"outcome": "failed"})");
    const auto stopped = execute(fx);
    const auto failed = execute(fx);
    fx.advance(3s);
    auto abort = fx.client().request("PUT",
                                     "/scheduler-microservice/public/test-run/abort/" +
                                         scope(fx, "schedule_guid") + "?testRunGroupId=" + stopped,
                                     fx.auth());
    ASSERT_EQ(abort.status, 200) << abort.body;
    fx.emulator().tick();
    auto posts = fx.webhooks().posts();
    ASSERT_EQ(posts.size(), 1u);
    auto first = parse_json(posts[0].body);
    EXPECT_EQ(first.at("data").at("test_id"), boost::json::value(stopped));
    EXPECT_EQ(first.at("data").at("status"), "stopped");
    EXPECT_EQ(first.at("timestamp"), "2026-11-23T12:00:03Z");
    fx.advance(10s);
    fx.emulator().tick();
    posts = fx.webhooks().posts();
    ASSERT_EQ(posts.size(), 2u);
    auto second = parse_json(posts[1].body);
    EXPECT_EQ(second.at("data").at("test_id"), boost::json::value(failed));
    EXPECT_EQ(second.at("data").at("status"), "failed");
}

TEST(SofyWebhook, NoUrlNoPostAndResetForgets) {
    sandbox_fixture fx(sandbox::sofy::make_sofy_emulator);
    execute(fx);
    fx.advance(20s);
    fx.emulator().tick();
    EXPECT_TRUE(fx.webhooks().posts().empty());  // seeded groups never, triggered only with a URL

    sandbox_fixture_options o;
    o.webhook_url = "http://127.0.0.1:1/hook";
    sandbox_fixture hooked(sandbox::sofy::make_sofy_emulator, o);
    hooked.advance(1h);
    hooked.emulator().tick();
    EXPECT_TRUE(hooked.webhooks().posts().empty());  // nothing triggered: nothing to report
    execute(hooked);
    hooked.advance(11s);
    hooked.emulator().tick();
    EXPECT_EQ(hooked.webhooks().posts().size(), 1u);
    hooked.reset();  // the same group id again after a reset is a new group
    execute(hooked);
    hooked.advance(11s);
    hooked.emulator().tick();
    EXPECT_EQ(hooked.webhooks().posts().size(), 2u);
}
