// Sofy's test_completion webhook read (connectors/sofy/sofy_webhook.cpp): the bearer token,
// the payload of vendor-notes §1.8, the hint it makes (a run id and a mapped status, refresh),
// and an event id that is the same for a redelivery and differs for another completion.
#include "connectors/sofy/sofy_webhook.hpp"

#include <gtest/gtest.h>

namespace sofy = runhub::connectors::sofy;
using runhub::model::run_status;

namespace {

constexpr const char* secret = "hook-secret-123";
constexpr const char* documented =
    R"({"event":"test_completion","timestamp":"2024-04-15T12:34:56Z",)"
    R"("data":{"test_id":"123456","status":"passed",)"
    R"("details":"Test completed successfully with no errors."}})";

runhub::http::header_fields auth(const std::string& value) {
    runhub::http::header_fields h;
    h.set("Authorization", value);
    return h;
}

}  // namespace

TEST(SofyWebhook, TheDocumentedPayloadIsAHintForItsGroup) {
    auto ev = sofy::read_webhook(auth("Bearer hook-secret-123"), documented, secret, "sofy-prod");
    ASSERT_TRUE(ev.ok()) << ev.error.detail;
    ASSERT_TRUE(ev.value->run);
    EXPECT_TRUE(ev.value->refresh);
    EXPECT_EQ(ev.value->run->native_id, "123456");
    EXPECT_EQ(ev.value->run->source, "sofy-prod");
    EXPECT_EQ(ev.value->run->status, run_status::passed);
    EXPECT_TRUE(ev.value->run->terminal);
    EXPECT_EQ(ev.value->run->vendor_status, "passed");
    EXPECT_EQ(ev.value->id.rfind("tc:", 0), 0u);
    // The scheme is case-insensitive.
    auto lower = sofy::read_webhook(auth("bearer hook-secret-123"), documented, secret, "s");
    ASSERT_TRUE(lower.ok());
    EXPECT_EQ(lower.value->id, ev.value->id);
}

TEST(SofyWebhook, AWrongOrMissingTokenIsUnauthorized) {
    for (const char* value : {"Bearer hook-secret-124", "Bearer hook-secret-12", "hook-secret-123",
                              "Basic aG9vay1zZWNyZXQtMTIz", "Bearer ", ""}) {
        auto ev = sofy::read_webhook(auth(value), documented, secret, "s");
        EXPECT_FALSE(ev.ok()) << value;
        EXPECT_TRUE(ev.error.unauthorized) << value;
    }
    auto none = sofy::read_webhook({}, documented, secret, "s");
    EXPECT_TRUE(none.error.unauthorized);
    // No secret configured: nothing is accepted, not even an empty token.
    auto empty = sofy::read_webhook(auth("Bearer "), documented, "", "s");
    EXPECT_TRUE(empty.error.unauthorized);
}

TEST(SofyWebhook, EventIdsFollowTestIdStatusAndTimestamp) {
    auto id_of = [](const std::string& body) {
        auto ev = sofy::read_webhook(auth("Bearer hook-secret-123"), body, secret, "s");
        EXPECT_TRUE(ev.ok()) << body;
        return ev.ok() ? ev.value->id : std::string();
    };
    const std::string base = id_of(documented);
    // Other details or key order: the same completion.
    EXPECT_EQ(id_of(R"({"data":{"details":"x","status":"passed","test_id":"123456"},)"
                    R"("timestamp":"2024-04-15T12:34:56Z","event":"test_completion"})"),
              base);
    EXPECT_NE(id_of(R"({"event":"test_completion","timestamp":"2024-04-15T12:34:57Z",)"
                    R"("data":{"test_id":"123456","status":"passed"}})"),
              base);
    EXPECT_NE(id_of(R"({"event":"test_completion","timestamp":"2024-04-15T12:34:56Z",)"
                    R"("data":{"test_id":"123456","status":"failed"}})"),
              base);
    EXPECT_NE(id_of(R"({"event":"test_completion","timestamp":"2024-04-15T12:34:56Z",)"
                    R"("data":{"test_id":"123457","status":"passed"}})"),
              base);
    // A numeric test_id is the same id as its text.
    EXPECT_EQ(id_of(R"({"event":"test_completion","timestamp":"2024-04-15T12:34:56Z",)"
                    R"("data":{"test_id":123456,"status":"passed"}})"),
              base);
}

TEST(SofyWebhook, StatusesAndIdsOfTheRun) {
    auto read = [](const std::string& test_id, const std::string& status) {
        std::string body = R"({"event":"test_completion","timestamp":"2024-04-15T12:34:56Z",)"
                           R"("data":{"test_id":")" +
                           test_id + R"(","status":")" + status + R"("}})";
        return sofy::read_webhook(auth("Bearer hook-secret-123"), body, secret, "sofy");
    };
    auto failed = read("77", "failed");
    ASSERT_TRUE(failed.ok());
    EXPECT_EQ(failed.value->run->status, run_status::failed);
    auto stopped = read("77", "Stopped");
    EXPECT_EQ(stopped.value->run->status, run_status::canceled);
    auto errors = read("77", "Complete with errors");
    EXPECT_EQ(errors.value->run->status, run_status::failed);
    // runhub's own native id is taken as it is.
    auto full = read("3f6c2a9e-8b1d-4e7a-9c05-d2b6f4a1e837.900001", "passed");
    ASSERT_TRUE(full.ok());
    EXPECT_EQ(full.value->run->native_id, "3f6c2a9e-8b1d-4e7a-9c05-d2b6f4a1e837.900001");
    EXPECT_EQ(full.value->run->id, "sofy:3f6c2a9e-8b1d-4e7a-9c05-d2b6f4a1e837.900001");
    // An unknown status is not an end: the refresh decides.
    auto odd = read("77", "Exploded");
    ASSERT_TRUE(odd.ok());
    EXPECT_FALSE(odd.value->run->terminal);
    // Ids that could not be a group or a run id of ours are refused.
    for (const char* bad : {"", "../x", "a b", "12/34", "a.b.c/"}) {
        auto ev = read(bad, "passed");
        EXPECT_FALSE(ev.ok()) << bad;
        EXPECT_FALSE(ev.error.unauthorized) << bad;
    }
}

TEST(SofyWebhook, OtherEventsAreIgnoredAndBrokenBodiesRefused) {
    auto h = auth("Bearer hook-secret-123");
    auto other = sofy::read_webhook(
        h, R"({"event":"test_started","timestamp":"x","data":{"test_id":"1"}})", secret, "s");
    ASSERT_TRUE(other.ok());
    EXPECT_FALSE(other.value->run);
    for (const char* bad :
         {"", "not json", "[]", R"({"data":{}})", R"({"event":"test_completion"})",
          R"({"event":"test_completion","data":{"status":"passed"}})",
          R"({"event":"test_completion","data":{"test_id":"1"}})",
          R"({"event":"test_completion","data":{"test_id":"1","status":""}})",
          R"({"event":"test_completion","data":"x"})"}) {
        auto ev = sofy::read_webhook(h, bad, secret, "s");
        EXPECT_FALSE(ev.ok()) << bad;
        EXPECT_FALSE(ev.error.unauthorized) << bad;
    }
}
