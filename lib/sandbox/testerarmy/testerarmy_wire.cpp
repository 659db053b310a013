#include "sandbox/testerarmy/testerarmy_wire.hpp"

#include <boost/json.hpp>

#include "sandbox/core/seeded_data.hpp"

namespace runhub::sandbox::testerarmy {

namespace {

boost::json::value str_or_null(const std::string& s) {
    if (s.empty()) return nullptr;
    return boost::json::value(s);
}

boost::json::value time_or_null(const std::optional<time_point>& t) {
    if (!t) return nullptr;
    return boost::json::value(rfc3339_ms(*t));
}

boost::json::object issue_object(const issue& i) {
    boost::json::array repro;
    for (const auto& s : i.reproduction_steps) repro.emplace_back(s);
    return {{"name", i.name},
            {"description", i.description},
            {"url", i.url},
            {"type", i.type},
            {"severity", i.severity},
            {"reproductionSteps", std::move(repro)},
            {"expectedBehavior", i.expected},
            {"actualBehavior", i.actual},
            {"screenshotUrl", i.screenshot_url},
            {"tMs", i.t_ms}};
}

boost::json::object step_object(const step& s) {
    return {{"stepIndex", s.index},
            {"title", s.title},
            {"status", s.status},
            {"type", s.type},
            {"summary", s.summary},
            {"error", str_or_null(s.error)},
            {"errorCode", str_or_null(s.error_code)},
            {"startedAtMs", s.started_ms},
            {"completedAtMs", s.completed_ms},
            {"reusableActionTrace", nullptr}};
}

boost::json::value output_value(const run_record& r) {
    if (r.status != "completed") return nullptr;
    boost::json::array issues, steps, shots;
    for (const auto& i : r.issues) {
        issues.push_back(issue_object(i));
        shots.emplace_back(i.screenshot_url);
    }
    for (const auto& s : r.steps) steps.push_back(step_object(s));
    const bool pass = r.result == "PASS";
    return boost::json::object{
        {"featureName", r.feature_name},
        {"result", r.result},
        {"description", pass ? "All steps passed; no issues found."
                             : std::to_string(r.issues.size()) + " issue(s) found."},
        {"screenshots", std::move(shots)},
        {"issues", std::move(issues)},
        {"steps", std::move(steps)}};
}

}  // namespace

boost::json::object run_object(const run_record& r) {
    boost::json::object input;
    if (!r.prompt.empty()) input["prompt"] = r.prompt;
    if (!r.test_id.empty()) input["testId"] = r.test_id;
    boost::json::value test_plan = nullptr, external_ref = nullptr;
    if (r.type == "ci") {
        test_plan = boost::json::object{
            {"instructions", "Verify the changes of PR #" + std::to_string(r.pr_number)},
            {"focusAreas", boost::json::array{"checkout", "cart"}},
            {"complexity", "simple"},
            {"changeType", "frontend"},
            {"steps",
             boost::json::array{boost::json::object{{"title", r.feature_name}, {"type", "act"}}}}};
        external_ref =
            boost::json::object{{"github", boost::json::object{{"repository", "acme/storefront"},
                                                               {"pullRequestNumber", r.pr_number},
                                                               {"commitSha", r.commit_sha}}}};
    }
    boost::json::value error = nullptr;
    if (!r.error_code.empty())
        error = boost::json::object{{"code", r.error_code}, {"message", r.error_message}};
    boost::json::value duration = nullptr;
    if (r.started_at && r.completed_at)
        duration =
            std::chrono::duration_cast<std::chrono::milliseconds>(*r.completed_at - *r.started_at)
                .count();
    return {{"id", r.id},
            {"type", r.type},
            {"status", r.status},
            {"input", std::move(input)},
            {"createdAt", rfc3339_ms(r.created_at)},
            {"platform", str_or_null(r.platform)},
            {"source", str_or_null(r.source)},
            {"projectId", str_or_null(r.project_id)},
            {"output", output_value(r)},
            {"testPlan", std::move(test_plan)},
            {"error", std::move(error)},
            {"durationMs", std::move(duration)},
            {"webhookUrl", str_or_null(r.webhook_url)},
            {"webhookStatus", str_or_null(r.webhook_status)},
            {"testId", str_or_null(r.test_id)},
            {"stepResults", nullptr},
            {"userName", str_or_null(r.user_name)},
            {"externalRef", std::move(external_ref)},
            {"executionMode", str_or_null(r.execution_mode)},
            {"autoRetryCount", r.auto_retry_count},
            {"startedAt", time_or_null(r.started_at)},
            {"completedAt", time_or_null(r.completed_at)}};
}

http::response json_response(int status, const boost::json::value& body) {
    return http::response::json(status, boost::json::serialize(body));
}

http::response error_response(int status, std::string_view code, std::string_view message) {
    return json_response(status, boost::json::object{{"error", code}, {"message", message}});
}

http::response unauthorized() {
    return error_response(401, "Unauthorized", "Invalid or missing API key");
}

http::response not_found(std::string_view what) {
    return error_response(404, "NotFound", std::string(what) + " not found");
}

http::response rate_limited_response() {
    return error_response(429, "RateLimited", "Too many requests - back off and retry");
}

http::response internal_error() {
    return error_response(500, "InternalError", "An unexpected error occurred");
}

}  // namespace runhub::sandbox::testerarmy
