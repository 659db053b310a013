// Sofy's trigger target and the answers of execute and abort, without I/O.
#include "connectors/sofy/sofy_trigger.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace sofy = runhub::connectors::sofy;
namespace json = boost::json;

TEST(SofyTrigger, TargetBecomesTheExecuteRoute) {
    auto c = sofy::check_execute_target({{"schedule_guid", "abc-1"}, {"app_hash", "h/1 2"}});
    ASSERT_TRUE(c.call);
    EXPECT_EQ(c.call->schedule_guid, "abc-1");
    EXPECT_EQ(c.call->target,
              "/scheduler-microservice/scheduled-runs/abc-1/execute?appHash=h%2F1%202");
    c = sofy::check_execute_target({{"schedule_guid", "g"},
                                    {"app_hash", "h"},
                                    {"device_serials", json::array{"S1", "emulator 5554"}}});
    ASSERT_TRUE(c.call);
    EXPECT_EQ(c.call->target,
              "/scheduler-microservice/scheduled-runs/g/execute?appHash=h&deviceSerials=S1,"
              "emulator%205554");
}

TEST(SofyTrigger, MalformedTargetsNameTheirMember) {
    struct row {
        json::object target;
        const char* field;
    };
    const std::vector<row> rows = {
        {{}, "target.schedule_guid"},
        {{{"schedule_guid", nullptr}, {"app_hash", "h"}}, "target.schedule_guid"},
        {{{"schedule_guid", "g"}}, "target.app_hash"},
        {{{"schedule_guid", "g"}, {"app_hash", 1}}, "target.app_hash"},
        {{{"schedule_guid", "g"}, {"app_hash", "h"}, {"device_serials", "S1"}},
         "target.device_serials"},
        {{{"schedule_guid", "g"}, {"app_hash", "h"}, {"device_serials", json::array{""}}},
         "target.device_serials"},
        {{{"schedule_guid", "g"}, {"app_hash", "h"}, {"appHash", "h"}}, "target.appHash"},
    };
    for (const auto& r : rows) {
        auto c = sofy::check_execute_target(r.target);
        ASSERT_FALSE(c.call) << json::serialize(r.target);
        EXPECT_TRUE(c.error.invalid);
        EXPECT_EQ(c.error.field, r.field) << json::serialize(r.target);
        EXPECT_FALSE(c.error.message.empty());
    }
}

TEST(SofyTrigger, VendorRefusalsByField) {
    auto body = [](const char* message, const char* details) {
        return json::serialize(
            json::object{{"error", json::object{{"message", message},
                                                {"details", details},
                                                {"timestamp", "2023-10-23T09:23:51.845Z"}}}});
    };
    EXPECT_EQ(sofy::field_of_execute_refusal(body("Scheduled run ID not found or invalid.",
                                                  "Please verify the GUID for the scheduled run.")),
              "target.schedule_guid");
    EXPECT_EQ(sofy::field_of_execute_refusal(body("Invalid app hash.", "")), "target.app_hash");
    EXPECT_EQ(
        sofy::field_of_execute_refusal(body("Missing required parameter.", "appHash is required.")),
        "target.app_hash");
    EXPECT_EQ(sofy::field_of_execute_refusal(
                  body("Invalid device serial.", "Device X is not available.")),
              "target.device_serials");
    // The caller's target is not at fault for runhub's credential.
    EXPECT_EQ(sofy::field_of_execute_refusal(body("Missing required headers.",
                                                  "Kindly provide valid authentication headers.")),
              "");
    EXPECT_EQ(sofy::field_of_execute_refusal("<html>"), "");
}

TEST(SofyTrigger, AbortAnswers) {
    EXPECT_EQ(
        sofy::classify_abort(R"({"message":"Scheduled run 1 aborted by user 2 successfully."})"),
        sofy::abort_answer::aborted);
    EXPECT_EQ(
        sofy::classify_abort(
            R"({"message":"No test runs could be aborted for scheduled run 1. They may have already completed or are in a non-abortable state."})"),
        sofy::abort_answer::nothing_aborted);
    EXPECT_EQ(sofy::classify_abort("{}"), sofy::abort_answer::unknown);
    EXPECT_EQ(sofy::classify_abort("x"), sofy::abort_answer::unknown);
}
