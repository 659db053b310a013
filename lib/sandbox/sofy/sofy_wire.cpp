#include "sandbox/sofy/sofy_wire.hpp"

#include <boost/json.hpp>
#include <ctime>

#include "sandbox/core/seeded_data.hpp"

namespace runhub::sandbox::sofy {

boost::json::object record_object(const test_run& r, const catalog& cat) {
    const auto* s = cat.find_schedule(r.schedule_guid);
    return {{"scheduledRunName", s ? s->name : ""},
            {"scheduledRunGuid", r.schedule_guid},
            {"applicationGuid", s ? s->application_guid : ""},
            {"testRunGroupId", r.group_id},
            {"testRunId", r.test_run_id},
            {"scenarioName", r.scenario},
            {"scheduledAt", rfc3339_ms(r.scheduled_at)},
            {"build", r.build},
            {"device", r.device},
            {"status", r.status}};
}

std::string test_completion_body(const std::string& group_id, const std::string& status,
                                 const std::string& details, time_point ended_at) {
    // RFC 3339 to the second, as the documented example: "2024-04-15T12:34:56Z".
    const std::time_t t = std::chrono::system_clock::to_time_t(ended_at);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return boost::json::serialize(boost::json::object{
        {"event", "test_completion"},
        {"timestamp", stamp},
        {"data",
         boost::json::object{{"test_id", group_id}, {"status", status}, {"details", details}}}});
}

http::response json_response(int status, const boost::json::value& body) {
    return http::response::json(status, boost::json::serialize(body));
}

http::response data_response(boost::json::value data, std::size_t n) {
    return json_response(
        200, boost::json::object{{"data", std::move(data)},
                                 {"message", "Fetched " + std::to_string(n) + " record(s)."}});
}

http::response error_response(int status, std::string_view message, std::string_view details,
                              time_point now) {
    return json_response(
        status,
        boost::json::object{{"error", boost::json::object{{"message", message},
                                                          {"details", details},
                                                          {"timestamp", rfc3339_ms(now)}}}});
}

http::response missing_auth(time_point now) {
    return error_response(400, "Missing required headers.",
                          "Kindly provide valid authentication headers.", now);
}

http::response invalid_guid_auth(time_point now) {
    return error_response(500, "Internal Server Error.",
                          "Validation failed for parameter 'subscriptionAuth'. Invalid GUID.", now);
}

http::response invalid_auth(time_point now) {
    return error_response(401, "Invalid Auth Key.",
                          "Provided Auth key is invalid, please ensure you're using the provided "
                          "Auth key correctly.",
                          now);
}

http::response schedule_not_found(time_point now) {
    return error_response(400, "Scheduled run ID not found or invalid.",
                          "Please verify the GUID for the scheduled run.", now);
}

http::response test_run_not_found(time_point now) {
    return error_response(400, "Test run ID not found or invalid.",
                          "Please verify the test run group ID.", now);
}

http::response rate_limited_response(time_point now) {
    return error_response(429, "Too Many Requests.", "Rate limit exceeded, please retry later.",
                          now);
}

http::response internal_error(time_point now) {
    return error_response(500, "Internal Server Error.", "An unexpected error occurred.", now);
}

}  // namespace runhub::sandbox::sofy
