// Pure parts of the Testmo connector's write side: the target checked into a create body,
// Testmo's refusals turned into connector errors, the run as created.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "connectors/testmo/testmo_mapping.hpp"
#include "connectors/testmo/testmo_trigger.hpp"

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

TEST(TestmoTriggerBody, NameSourceAndTagsInAFixedOrder) {
    json::object target{{"tags", json::array{"a", "b"}}, {"source", "web"}, {"name", "Run 1"}};
    auto b = testmo::trigger_body(target, "runhub");
    ASSERT_TRUE(b.ok()) << b.error.message;
    EXPECT_EQ(json::serialize(*b.value), R"({"name":"Run 1","source":"web","tags":["a","b"]})");
}

TEST(TestmoTriggerBody, TheSourceDefaultsAndNullCountsAsAbsent) {
    json::object target{{"name", "Run 1"}, {"source", nullptr}, {"tags", nullptr}};
    auto b = testmo::trigger_body(target, "runhub");
    ASSERT_TRUE(b.ok()) << b.error.message;
    EXPECT_EQ(json::serialize(*b.value), R"({"name":"Run 1","source":"runhub"})");
}

TEST(TestmoTriggerError, A422NamesTheTargetMember) {
    auto e = testmo::trigger_error(answered(
        422,
        R"({"message":"The given data was invalid.","errors":{"name":["The name may not be greater than 255 characters."]}})"));
    EXPECT_TRUE(e.invalid);
    EXPECT_EQ(e.field, "target.name");
    EXPECT_EQ(e.http_status, 422);
    EXPECT_NE(e.message.find("255"), std::string::npos);
    auto tag = testmo::trigger_error(
        answered(422, R"({"message":"The given data was invalid.","errors":{"tags.1":["bad"]}})"));
    EXPECT_TRUE(tag.invalid);
    EXPECT_EQ(tag.field, "target.tags");
}

TEST(TestmoTriggerError, A422OnAMemberRunhubSentOfItsOwnIsNotTheCallersFault) {
    auto e = testmo::trigger_error(answered(
        422, R"({"message":"The given data was invalid.","errors":{"config_id":["invalid"]}})"));
    EXPECT_FALSE(e.invalid);
    EXPECT_EQ(e.kind, http::upstream_error_kind::client);
    EXPECT_FALSE(testmo::trigger_error(answered(422, "not json")).invalid);
}

TEST(TestmoTriggerError, AMissingProjectIsNotNoSuchRun) {
    auto e = testmo::trigger_error(answered(404, R"({"message":"Not found."})"));
    EXPECT_FALSE(e.not_found);
    EXPECT_FALSE(e.invalid);
    EXPECT_EQ(e.kind, http::upstream_error_kind::client);
    EXPECT_EQ(e.http_status, 404);
}

TEST(TestmoTriggerError, ServerAndThrottledStayAsTheyAre) {
    EXPECT_EQ(testmo::trigger_error(answered(500, "{}")).kind, http::upstream_error_kind::server);
    EXPECT_EQ(testmo::trigger_error(answered(429, "{}")).kind,
              http::upstream_error_kind::throttled);
}

TEST(TestmoCreatedRun, MapsToARunningRunOfTheProject) {
    json::object body{{"name", "Run 7"}, {"source", "runhub"}, {"tags", json::array{"x"}}};
    const auto now =
        std::chrono::sys_days{std::chrono::year{2026} / 11 / 23} + std::chrono::hours{12};
    auto made = testmo::created_run(42, "3", body, now);
    auto run = testmo::map_run(json::value(made), "testmo-sb", "https://x.testmo.net");
    ASSERT_TRUE(run.ok()) << run.error.detail;
    EXPECT_EQ(run.value->native_id, "42");
    EXPECT_EQ(run.value->name, "Run 7");
    EXPECT_EQ(run.value->status, model::run_status::running);
    EXPECT_FALSE(run.value->terminal);
    ASSERT_TRUE(run.value->project);
    EXPECT_EQ(run.value->project->id, "3");
    EXPECT_EQ(model::format_timestamp(*run.value->created_at), "2026-11-23T12:00:00.000Z");
}
