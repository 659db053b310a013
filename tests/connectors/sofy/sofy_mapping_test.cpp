// Sofy records -> groups -> model::run, from the documented status-route example and from
// broken answers.
#include "connectors/sofy/sofy_mapping.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace sofy = runhub::connectors::sofy;
namespace json = boost::json;
using runhub::model::format_timestamp;
using runhub::model::run_status;

namespace {

// vendor-docs 000, "Schedule Run Status Route", response data[0].
const char* documented = R"js({
  "scheduledRunName": "tomorrow", "testRunGroupId": "XXXXXX", "scenarioName": "alextest",
  "scheduledAt": "2023-10-24T06:14:39.200Z", "build": "1.43.0.release-candidate(5768)",
  "device": "iPad 7th Gen", "status": "Run Stopped"})js";

sofy::sofy_record record(const std::string& text) {
    auto p = sofy::parse_record(json::parse(text));
    EXPECT_TRUE(p.record) << p.problem;
    return *p.record;
}

}  // namespace

TEST(SofyMapping, DocumentedStatusRecord) {
    auto r = record(documented);
    EXPECT_EQ(r.group_id, "XXXXXX");
    EXPECT_EQ(r.scheduled_run_guid, "");
    EXPECT_EQ(r.status, "Run Stopped");
    auto run = sofy::map_group({r}, "sofy", "9b1c2d3e-0000-4000-8000-000000000001");
    EXPECT_EQ(run.native_id, "9b1c2d3e-0000-4000-8000-000000000001.XXXXXX");
    EXPECT_EQ(run.id, "sofy:9b1c2d3e-0000-4000-8000-000000000001.XXXXXX");
    EXPECT_EQ(run.vendor, "sofy");
    EXPECT_EQ(run.name, "tomorrow");
    EXPECT_EQ(run.status, run_status::canceled);
    EXPECT_TRUE(run.terminal);
    EXPECT_EQ(run.vendor_status, "Run Stopped");
    EXPECT_EQ(format_timestamp(*run.created_at), "2023-10-24T06:14:39.200Z");
    EXPECT_EQ(run.build, "1.43.0.release-candidate(5768)");
    EXPECT_EQ(run.device, "iPad 7th Gen");
    ASSERT_TRUE(run.counts);
    EXPECT_EQ(run.counts->total, 1);
    EXPECT_EQ(run.counts->skipped, 1);
    EXPECT_EQ(run.project, std::nullopt);
    ASSERT_TRUE(run.raw);
    EXPECT_EQ(run.raw->at("records").as_array().size(), 1u);
}

TEST(SofyMapping, GroupOfSeveralTestRuns) {
    const char* base = R"({"scheduledRunName":"nightly","scheduledRunGuid":"g-1",
      "applicationGuid":"app-1","testRunGroupId":481768,"scheduledAt":"2026-11-23T13:19:20.033Z",
      "build":"2.3.6","device":"DEVICE","status":"STATUS","scenarioName":"SCENARIO"})";
    auto make = [&](const char* device, const char* status, const char* scenario) {
        std::string t = base;
        t.replace(t.find("DEVICE"), 6, device);
        t.replace(t.find("STATUS"), 6, status);
        t.replace(t.find("SCENARIO"), 8, scenario);
        return record(t);
    };
    std::vector<sofy::sofy_record> group = {
        make("Pixel 8", "Passed", "login"), make("Galaxy S23", "Failed", "login"),
        make("Pixel 8", "Not Executed", "cart"), make("Pixel 8", "Passed", "cart")};
    auto run = sofy::map_group(group, "sofy");
    EXPECT_EQ(run.native_id, "g-1.481768");  // numeric group ids become text
    EXPECT_EQ(run.status, run_status::failed);
    EXPECT_TRUE(run.terminal);
    EXPECT_EQ(run.vendor_status, "Passed, Failed, Not Executed");
    EXPECT_EQ(run.device, "Pixel 8, Galaxy S23");
    ASSERT_TRUE(run.project);
    EXPECT_EQ(run.project->id, "app-1");
    EXPECT_EQ(run.counts->total, 4);
    EXPECT_EQ(run.counts->passed, 2);
    EXPECT_EQ(run.counts->failed, 1);
    EXPECT_EQ(run.counts->untested, 1);

    auto failures = sofy::map_failures(group);
    ASSERT_EQ(failures.size(), 2u);
    EXPECT_EQ(failures[0].name, "login on Galaxy S23");
    EXPECT_EQ(failures[0].message, "Failed");
    EXPECT_EQ(failures[0].suite, "nightly");
    EXPECT_EQ(failures[1].name, "cart on Pixel 8");
    EXPECT_EQ(failures[1].message, "Not Executed");
}

TEST(SofyMapping, Timestamps) {
    EXPECT_EQ(format_timestamp(*sofy::parse_sofy_time("2023-10-24T06:14:39.200Z")),
              "2023-10-24T06:14:39.200Z");
    // Legacy records: no zone, two-digit fraction; UTC.
    EXPECT_EQ(format_timestamp(*sofy::parse_sofy_time("2022-10-07T20:39:26.02")),
              "2022-10-07T20:39:26.020Z");
    EXPECT_EQ(format_timestamp(*sofy::parse_sofy_time("2022-10-07T20:39:26")),
              "2022-10-07T20:39:26.000Z");
    EXPECT_FALSE(sofy::parse_sofy_time("2022-10-07 20:39"));
    EXPECT_FALSE(sofy::parse_sofy_time("yesterday"));
    EXPECT_FALSE(sofy::parse_sofy_time(""));
}

TEST(SofyMapping, NativeIds) {
    auto g = sofy::parse_group_native_id("26b3a887-ff45-4494-bffb-5e913036d833.481768");
    ASSERT_TRUE(g);
    EXPECT_EQ(g->scheduled_run_guid, "26b3a887-ff45-4494-bffb-5e913036d833");
    EXPECT_EQ(g->group_id, "481768");
    for (const char* bad : {"", "481768", ".1", "a.", "a/b.1", "a.1?x", "a.b c"})
        EXPECT_FALSE(sofy::parse_group_native_id(bad)) << bad;
}

TEST(SofyMapping, GarbageAndWrongTypesAreProblems) {
    const char* bad[] = {
        R"([])",
        R"({})",
        R"({"testRunGroupId":"1","scheduledAt":"2023-10-24T06:14:39.200Z"})",  // no status
        R"({"testRunGroupId":"1","status":"Passed"})",                         // no scheduledAt
        R"({"testRunGroupId":{},"status":"Passed","scheduledAt":"2023-10-24T06:14:39.200Z"})",
        R"({"testRunGroupId":"1","status":3,"scheduledAt":"2023-10-24T06:14:39.200Z"})",
        R"({"testRunGroupId":"1","status":"Passed","scheduledAt":"soon"})",
        R"({"testRunGroupId":"1","status":"Passed","scheduledAt":"2023-10-24T06:14:39.200Z",
            "device":5})",
        R"({"testRunGroupId":"1","status":"Passed","scheduledAt":"2023-10-24T06:14:39.200Z",
            "scheduledRunGuid":[]})",
    };
    for (const char* text : bad) {
        auto p = sofy::parse_record(json::parse(text));
        EXPECT_FALSE(p.record) << text;
        EXPECT_FALSE(p.problem.empty()) << text;
    }
}
