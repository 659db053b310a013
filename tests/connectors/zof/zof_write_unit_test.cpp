// Pure parts of the Zof connector's write side: the target checked into a body, Zof's refusals
// turned into connector errors.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "connectors/zof/zof_trigger.hpp"

using namespace runhub;
using namespace runhub::connectors;
namespace json = boost::json;

namespace {

http::client_result answered(int status, std::string body) {
    http::client_result r;
    r.error = http::classify_status(status);
    r.response = http::client_response{status, {}, std::move(body)};
    return r;
}

}  // namespace

TEST(ZofTriggerBody, TheScopedProjectIsFilledInAndMembersKeepAFixedOrder) {
    json::object target{{"test_case_ids", json::array{"tc_a", "tc_b"}}, {"environment", "qa"}};
    auto b = zof::trigger_body(target, "proj_1");
    ASSERT_TRUE(b.ok()) << b.error.message;
    EXPECT_EQ(json::serialize(*b.value),
              R"({"project_id":"proj_1","environment":"qa","test_case_ids":["tc_a","tc_b"]})");
    // The same target in another member order gives the same bytes (Zof compares bodies per key).
    json::object reordered{{"environment", "qa"}, {"test_case_ids", json::array{"tc_a", "tc_b"}}};
    EXPECT_EQ(json::serialize(*zof::trigger_body(reordered, "proj_1").value),
              json::serialize(*b.value));
}

TEST(ZofTriggerBody, NullCountsAsAbsent) {
    json::object target{{"project_id", nullptr},
                        {"environment", "staging"},
                        {"test_case_ids", nullptr},
                        {"test_suite_id", "ts_1"}};
    auto b = zof::trigger_body(target, "proj_1");
    ASSERT_TRUE(b.ok()) << b.error.message;
    EXPECT_EQ(json::serialize(*b.value),
              R"({"project_id":"proj_1","environment":"staging","test_suite_id":"ts_1"})");
}

TEST(ZofTriggerBody, TheScopedProjectMayBeRepeatedButNotReplaced) {
    json::object same{{"project_id", "proj_1"}, {"environment", "e"}, {"test_suite_id", "s"}};
    EXPECT_TRUE(zof::trigger_body(same, "proj_1").ok());
    json::object other{{"project_id", "proj_2"}, {"environment", "e"}, {"test_suite_id", "s"}};
    auto b = zof::trigger_body(other, "proj_1");
    ASSERT_FALSE(b.ok());
    EXPECT_TRUE(b.error.invalid);
    EXPECT_EQ(b.error.field, "target.project_id");
    EXPECT_NE(b.error.message.find("proj_1"), std::string::npos);
    // Unscoped: any project of the organization, but one must be named.
    EXPECT_TRUE(zof::trigger_body(other, "").ok());
    json::object none{{"environment", "e"}, {"test_suite_id", "s"}};
    EXPECT_EQ(zof::trigger_body(none, "").error.field, "target.project_id");
}

TEST(ZofIdempotencyKey, VisibleAsciiUpTo255) {
    EXPECT_FALSE(zof::check_idempotency_key("ci-123_ABC:x/y"));
    EXPECT_FALSE(zof::check_idempotency_key(std::string(255, 'k')));
    EXPECT_TRUE(zof::check_idempotency_key(std::string(256, 'k')));
    EXPECT_TRUE(zof::check_idempotency_key("a b"));
    EXPECT_TRUE(zof::check_idempotency_key("a\r\nX-Injected: 1"));
    EXPECT_TRUE(zof::check_idempotency_key(""));
}

TEST(ZofTriggerError, ValidationNamesTheTargetMember) {
    auto e = zof::trigger_error(answered(
        400,
        R"({"error":{"code":"invalid_request","message":"environment is at most 64 characters.","param":"environment"}})"));
    EXPECT_TRUE(e.invalid);
    EXPECT_EQ(e.field, "target.environment");
    EXPECT_EQ(e.http_status, 400);
    EXPECT_NE(e.message.find("at most 64"), std::string::npos);
}

TEST(ZofTriggerError, AnUnknownSuiteIsInvalidNotNotFound) {
    auto e = zof::trigger_error(answered(
        404,
        R"({"error":{"code":"not_found","message":"No test suite.","param":"test_suite_id"}})"));
    EXPECT_TRUE(e.invalid);
    EXPECT_FALSE(e.not_found);
    EXPECT_EQ(e.field, "target.test_suite_id");
}

TEST(ZofTriggerError, AReusedKeyIsAConflict) {
    auto e = zof::trigger_error(answered(
        409,
        R"({"error":{"code":"idempotency_key_reused","message":"different body","param":"Idempotency-Key"}})"));
    EXPECT_TRUE(e.conflict);
    EXPECT_FALSE(e.invalid);
    EXPECT_NE(e.message.find("Idempotency-Key"), std::string::npos);
}

TEST(ZofTriggerError, ARefusalNamingNoTargetMemberIsNotTheCallersFault) {
    auto e = zof::trigger_error(answered(
        400,
        R"({"error":{"code":"invalid_request","message":"Content-Type must be application/json."}})"));
    EXPECT_FALSE(e.invalid);
    EXPECT_EQ(e.kind, http::upstream_error_kind::client);
    auto odd = zof::trigger_error(answered(400, R"({"error":{"param":"metadata"}})"));
    EXPECT_FALSE(odd.invalid);
    auto html = zof::trigger_error(answered(400, "<html>"));
    EXPECT_FALSE(html.invalid);
}

TEST(ZofTriggerError, VendorTextIsClippedToPrintableAscii) {
    std::string msg(500, 'x');
    msg.insert(3, "\\n\\u0007");  // JSON escapes of a newline and a bell
    auto e = zof::trigger_error(answered(400, R"({"error":{"code":"invalid_request","message":")" +
                                                  msg + R"(","param":"environment"}})"));
    ASSERT_TRUE(e.invalid);
    EXPECT_EQ(e.message.find('\n'), std::string::npos);
    EXPECT_EQ(e.message.find('\a'), std::string::npos);
    EXPECT_LT(e.message.size(), 300u);
}

TEST(ZofTriggerError, ServerAndThrottledStayAsTheyAre) {
    auto s = zof::trigger_error(answered(500, R"({"error":{"code":"internal_error"}})"));
    EXPECT_EQ(s.kind, http::upstream_error_kind::server);
    EXPECT_FALSE(s.invalid || s.conflict);
    auto t = zof::trigger_error(answered(429, "{}"));
    EXPECT_EQ(t.kind, http::upstream_error_kind::throttled);
}

TEST(ZofCancelError, TerminalIsAConflictUnknownIsNotFound) {
    auto c = zof::cancel_error(
        answered(409,
                 R"({"error":{"code":"run_not_cancelable","message":"Run is already passed."}})"),
        "run_1");
    EXPECT_TRUE(c.conflict);
    EXPECT_NE(c.message.find("run_1"), std::string::npos);
    auto n =
        zof::cancel_error(answered(404, R"({"error":{"code":"not_found","param":"id"}})"), "run_2");
    EXPECT_TRUE(n.not_found);
    EXPECT_FALSE(n.conflict);
}
