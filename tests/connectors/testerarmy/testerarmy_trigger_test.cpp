// TesterArmy's trigger target and the answers of its trigger routes, without I/O.
#include "connectors/testerarmy/testerarmy_trigger.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace ta = runhub::connectors::testerarmy;
namespace json = boost::json;

namespace {
const std::string uuid = "0b7e4c1a-2f3d-4e5f-8a9b-0c1d2e3f4a5b";
}

TEST(TesterArmyTrigger, EachFormHasItsRoute) {
    auto c = ta::check_trigger_target({{"test_id", uuid}});
    ASSERT_TRUE(c.call);
    EXPECT_EQ(c.call->form, ta::trigger_form::test);
    EXPECT_EQ(c.call->target, "/api/v1/tests/" + uuid + "/runs");
    EXPECT_EQ(c.call->field, "target.test_id");
    c = ta::check_trigger_target({{"group_id", "g 1/2"}});
    ASSERT_TRUE(c.call);
    EXPECT_EQ(c.call->form, ta::trigger_form::group);
    EXPECT_EQ(c.call->target, "/api/v1/groups/g%201%2F2/runs");
    c = ta::check_trigger_target({{"prompt", "say \"hi\""}});
    ASSERT_TRUE(c.call);
    EXPECT_EQ(c.call->form, ta::trigger_form::prompt);
    EXPECT_EQ(c.call->target, "/api/v1/runs");
    EXPECT_EQ(json::parse(c.call->body), (json::object{{"prompt", "say \"hi\""}}));
}

TEST(TesterArmyTrigger, MalformedTargetsNameTheirMember) {
    struct row {
        json::object target;
        const char* field;
    };
    const std::vector<row> rows = {
        {{}, "target"},
        {{{"group_id", "g"}, {"test_id", uuid}}, "target.test_id"},
        {{{"test_id", uuid}, {"group_id", "g"}}, "target.group_id"},
        {{{"test_id", 1}}, "target.test_id"},
        {{{"test_id", "1"}}, "target.test_id"},
        {{{"group_id", true}}, "target.group_id"},
        {{{"prompt", json::object{}}}, "target.prompt"},
        {{{"prompt", ""}}, "target.prompt"},
        {{{"credentials", json::array{}}}, "target.credentials"},
    };
    for (const auto& r : rows) {
        auto c = ta::check_trigger_target(r.target);
        ASSERT_FALSE(c.call) << json::serialize(r.target);
        EXPECT_TRUE(c.error.invalid);
        EXPECT_EQ(c.error.field, r.field) << json::serialize(r.target);
        EXPECT_FALSE(c.error.message.empty());
    }
}

TEST(TesterArmyTrigger, VendorRefusalsByField) {
    auto prompt = *ta::check_trigger_target({{"prompt", "p"}}).call;
    auto test = *ta::check_trigger_target({{"test_id", uuid}}).call;
    auto group = *ta::check_trigger_target({{"group_id", "g"}}).call;
    // {"error":"ValidationError","message":"prompt: Required"} (vendor-notes §2.5)
    EXPECT_EQ(ta::field_of_refusal(prompt, 400,
                                   R"({"error":"ValidationError","message":"prompt: Required"})"),
              "target.prompt");
    EXPECT_EQ(ta::field_of_refusal(
                  test, 400, R"({"error":"ValidationError","message":"testId: Invalid uuid"})"),
              "target.test_id");
    // Members the caller cannot set are not the caller's fault.
    EXPECT_EQ(
        ta::field_of_refusal(prompt, 400,
                             R"({"error":"ValidationError","message":"webhookUrl: Invalid url"})"),
        "");
    EXPECT_EQ(ta::field_of_refusal(test, 404, R"({"error":"NotFound","message":"Test not found"})"),
              "target.test_id");
    EXPECT_EQ(ta::field_of_refusal(group, 404, ""), "target.group_id");
    EXPECT_EQ(ta::field_of_refusal(group, 401, R"({"error":"Unauthorized","message":"x"})"), "");
    EXPECT_EQ(ta::field_of_refusal(prompt, 400, "<html>"), "");
}

TEST(TesterArmyTrigger, GroupAnswer) {
    auto ids = ta::group_run_ids(
        R"({"status":"queued","groupId":"g","batchId":"b","runIds":["r1","r2"],"queuedRunIds":["r1","r2"],"cancelledRunIds":[],"count":2,"metadata":{}})");
    ASSERT_TRUE(ids);
    EXPECT_EQ(*ids, (std::vector<std::string>{"r1", "r2"}));
    EXPECT_FALSE(ta::group_run_ids(R"({"runIds":[1]})"));
    EXPECT_FALSE(ta::group_run_ids(R"({"status":"queued"})"));
    EXPECT_FALSE(ta::group_run_ids("nope"));
}
