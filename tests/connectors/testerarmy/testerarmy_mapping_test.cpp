// TesterArmy RunResponse -> model::run and -> failures, from the documented example object
// (vendor-docs 001, "Get test run status") and from broken answers.
#include "connectors/testerarmy/testerarmy_mapping.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "connectors/testerarmy/testerarmy_failures.hpp"

namespace ta = runhub::connectors::testerarmy;
namespace json = boost::json;
using runhub::model::format_timestamp;
using runhub::model::run_status;

namespace {

// The reference's example, trimmed of nested traces, with a real uuid.
const char* documented = R"({
  "id": "3f2b8c1e-5d4a-4b6c-9e7f-1a2b3c4d5e6f", "type": "ci", "status": "queued",
  "input": {}, "createdAt": "2024-01-15T09:30:00Z", "platform": "web", "source": "api",
  "projectId": "string",
  "output": {"featureName": "string", "result": "PASS", "description": "string",
    "screenshots": ["string"],
    "issues": [{"name": "string", "description": "string", "url": "string", "type": "issue",
      "severity": 1, "reproductionSteps": ["string"], "expectedBehavior": "string",
      "actualBehavior": "string", "screenshotUrl": "string", "tMs": 1}],
    "steps": [{"stepIndex": 1, "title": "string", "status": "passed", "type": "act",
      "summary": "string", "error": "string", "errorCode": "AUTH_CREDENTIAL_UNAVAILABLE",
      "startedAtMs": 1, "completedAtMs": 1, "reusableActionTrace": null}]},
  "testPlan": {"instructions": "string"},
  "error": {"code": "string", "message": "string"},
  "durationMs": 1.1, "webhookUrl": "string", "webhookStatus": "pending", "testId": "string",
  "stepResults": [{}], "userName": "string", "externalRef": {}, "executionMode": "fast",
  "startedAt": "2024-01-15T09:30:00Z", "completedAt": "2024-01-15T09:30:00Z"
})";

json::value completed_failed() {
    return json::parse(R"({
      "id": "551a8250-02af-48ac-8932-87e736cedb91", "type": "test", "status": "completed",
      "input": {"prompt": "check the cart"}, "createdAt": "2026-11-23T02:48:24.586Z",
      "platform": "ios", "deviceModel": "iphone", "projectId": "p1",
      "output": {"featureName": "add item to cart", "result": "FAILED",
        "issues": [
          {"name": "cart total wrong", "description": "expected 2 items", "type": "issue",
           "url": "https://shop.example.com/cart"},
          {"name": "slow page", "description": "3 s", "type": "warning"}],
        "steps": [
          {"stepIndex": 1, "title": "Open the cart", "status": "passed",
           "startedAtMs": 1000, "completedAtMs": 2000},
          {"stepIndex": 2, "title": "Pay", "status": "failed", "error": "card declined",
           "startedAtMs": 2000, "completedAtMs": 2500}]},
      "error": null, "durationMs": null,
      "startedAt": "2026-11-23T02:48:30.000Z", "completedAt": "2026-11-23T02:49:30.250Z"
    })");
}

}  // namespace

TEST(TesterArmyMapping, DocumentedExample) {
    auto v = json::parse(documented);
    auto m = ta::map_run(v, "ta");
    ASSERT_TRUE(m.run) << m.problem;
    const auto& r = *m.run;
    EXPECT_EQ(r.id, "ta:3f2b8c1e-5d4a-4b6c-9e7f-1a2b3c4d5e6f");
    EXPECT_EQ(r.native_id, "3f2b8c1e-5d4a-4b6c-9e7f-1a2b3c4d5e6f");
    EXPECT_EQ(r.source, "ta");
    EXPECT_EQ(r.vendor, "testerarmy");
    EXPECT_EQ(r.name, "string");  // output.featureName
    EXPECT_EQ(r.status, run_status::queued);
    EXPECT_FALSE(r.terminal);
    EXPECT_EQ(r.vendor_status, "queued");
    ASSERT_TRUE(r.created_at);
    EXPECT_EQ(format_timestamp(*r.created_at), "2024-01-15T09:30:00.000Z");
    EXPECT_EQ(format_timestamp(*r.started_at), "2024-01-15T09:30:00.000Z");
    EXPECT_EQ(format_timestamp(*r.completed_at), "2024-01-15T09:30:00.000Z");
    EXPECT_EQ(r.duration_ms, 1);  // 1.1 ms, rounded
    EXPECT_EQ(r.platform, "web");
    EXPECT_EQ(r.device, std::nullopt);
    ASSERT_TRUE(r.project);
    EXPECT_EQ(r.project->id, "string");
    ASSERT_TRUE(r.counts);
    EXPECT_EQ(r.counts->total, 1);
    EXPECT_EQ(r.counts->passed, 1);
    EXPECT_EQ(r.branch, std::nullopt);
    EXPECT_EQ(r.web_url, std::nullopt);
    ASSERT_TRUE(r.raw);
    EXPECT_EQ(*r.raw, v);
}

TEST(TesterArmyMapping, CompletedFailedRun) {
    auto m = ta::map_run(completed_failed(), "ta");
    ASSERT_TRUE(m.run) << m.problem;
    EXPECT_EQ(m.run->status, run_status::failed);
    EXPECT_TRUE(m.run->terminal);
    EXPECT_EQ(m.run->vendor_status, "completed/FAILED");
    EXPECT_EQ(m.run->name, "add item to cart");
    EXPECT_EQ(m.run->device, "iphone");
    EXPECT_EQ(m.run->duration_ms, 60'250);  // from startedAt..completedAt when durationMs null
    EXPECT_EQ(format_timestamp(*m.run->created_at), "2026-11-23T02:48:24.586Z");
    ASSERT_TRUE(m.run->counts);
    EXPECT_EQ(m.run->counts->total, 2);
    EXPECT_EQ(m.run->counts->passed, 1);
    EXPECT_EQ(m.run->counts->failed, 1);
}

TEST(TesterArmyMapping, NameFallsBackToPrompt) {
    auto v = json::parse(R"({"id":"a","status":"running","type":"chat",
      "createdAt":"2026-02-12T00:00:00.000Z","input":{"prompt":"log in"},"output":{}})");
    auto m = ta::map_run(v, "ta");
    ASSERT_TRUE(m.run) << m.problem;
    EXPECT_EQ(m.run->name, "log in");
    EXPECT_EQ(m.run->counts, std::nullopt);
}

TEST(TesterArmyMapping, Timestamps) {
    EXPECT_EQ(format_timestamp(*ta::parse_testerarmy_time("2026-02-12T00:00:00.000Z")),
              "2026-02-12T00:00:00.000Z");
    EXPECT_EQ(format_timestamp(*ta::parse_testerarmy_time("2024-01-15T09:30:00Z")),
              "2024-01-15T09:30:00.000Z");
    EXPECT_FALSE(ta::parse_testerarmy_time("2024-01-15 09:30"));
    EXPECT_FALSE(ta::parse_testerarmy_time(""));
}

TEST(TesterArmyMapping, GarbageAndWrongTypesAreProblems) {
    const char* bad[] = {
        R"([])",
        R"("run")",
        R"({})",
        R"({"id":"a","status":"queued"})",                                   // no createdAt
        R"({"id":7,"status":"queued","createdAt":"2024-01-15T09:30:00Z"})",  // id not a string
        R"({"id":"a","status":1,"createdAt":"2024-01-15T09:30:00Z"})",
        R"({"id":"a","status":"queued","createdAt":"yesterday"})",
        R"({"id":"a","status":"queued","createdAt":"2024-01-15T09:30:00Z","startedAt":5})",
        R"({"id":"a","status":"queued","createdAt":"2024-01-15T09:30:00Z","durationMs":"5"})",
        R"({"id":"a","status":"queued","createdAt":"2024-01-15T09:30:00Z","output":"x"})",
        R"({"id":"a","status":"queued","createdAt":"2024-01-15T09:30:00Z",
            "output":{"steps":{}}})",
        R"({"id":"a","status":"queued","createdAt":"2024-01-15T09:30:00Z",
            "output":{"steps":[1]}})",
        R"({"id":"a","status":"queued","createdAt":"2024-01-15T09:30:00Z","platform":[]})",
    };
    for (const char* text : bad) {
        auto m = ta::map_run(json::parse(text), "ta");
        EXPECT_FALSE(m.run) << text;
        EXPECT_FALSE(m.problem.empty()) << text;
    }
}

TEST(TesterArmyFailures, IssuesAndFailedSteps) {
    auto f = ta::map_failures(completed_failed());
    ASSERT_TRUE(f.failures) << f.problem;
    ASSERT_EQ(f.failures->size(), 2u);  // the warning is not a failure
    const auto& issue = (*f.failures)[0];
    EXPECT_EQ(issue.name, "cart total wrong");
    EXPECT_EQ(issue.message, "expected 2 items");
    EXPECT_EQ(issue.suite, "add item to cart");
    EXPECT_EQ(issue.location, "https://shop.example.com/cart");
    const auto& step = (*f.failures)[1];
    EXPECT_EQ(step.name, "Pay");
    EXPECT_EQ(step.message, "card declined");
    EXPECT_EQ(step.duration_ms, 500);
}

TEST(TesterArmyFailures, RunErrorWhenItFailedWithoutOutput) {
    auto v = json::parse(R"({"id":"a","status":"failed","output":null,
      "error":{"code":"STEP_DEADLINE_EXHAUSTED","message":"Test execution exceeded time limit"}})");
    auto f = ta::map_failures(v);
    ASSERT_TRUE(f.failures);
    ASSERT_EQ(f.failures->size(), 1u);
    EXPECT_EQ((*f.failures)[0].name, "STEP_DEADLINE_EXHAUSTED");
    EXPECT_EQ((*f.failures)[0].message, "Test execution exceeded time limit");
}

TEST(TesterArmyFailures, PassedRunHasNone) {
    auto f = ta::map_failures(json::parse(documented));
    ASSERT_TRUE(f.failures);
    EXPECT_EQ(f.failures->size(), 1u);  // the example lists one issue, though result is PASS
    auto none = ta::map_failures(json::parse(R"({"id":"a","status":"completed",
      "output":{"result":"PASS","issues":[],"steps":[{"status":"passed"}]}})"));
    ASSERT_TRUE(none.failures);
    EXPECT_TRUE(none.failures->empty());
}

TEST(TesterArmyFailures, WrongTypesAreProblems) {
    EXPECT_FALSE(ta::map_failures(json::parse(R"([1])")).failures);
    EXPECT_FALSE(ta::map_failures(json::parse(R"({"id":"a","output":{"issues":"x"}})")).failures);
    EXPECT_FALSE(ta::map_failures(json::parse(R"({"id":"a","output":{"steps":[2]}})")).failures);
    EXPECT_FALSE(ta::map_failures(json::parse(R"({"id":"a","output":7})")).failures);
}
