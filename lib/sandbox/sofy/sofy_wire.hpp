#pragma once
// Sofy's wire format (vendor-notes.md §1.3, §1.6, §1.7): the scheduled-run record, test-run
// groups, the `{data, message}` envelope and the `{"error": {message, details, timestamp}}`
// error body. Timestamps are `2023-10-24T06:14:39.200Z`.
#include <boost/json/fwd.hpp>
#include <string>
#include <string_view>

#include "http/response.hpp"
#include "sandbox/sofy/sofy_data.hpp"

namespace runhub::sandbox::sofy {

// The status route's record plus scheduledRunGuid, applicationGuid and testRunId [assumed].
boost::json::object record_object(const test_run& r, const catalog& cat);

// The test_completion webhook body (vendor-notes §1.8): {"event":"test_completion",
// "timestamp":"2024-04-15T12:34:56Z","data":{"test_id","status","details"}}; test_id is the
// group id (execute's testGroupsRunId) [assumed], timestamp the group's end to the second.
std::string test_completion_body(const std::string& group_id, const std::string& status,
                                 const std::string& details, time_point ended_at);

http::response json_response(int status, const boost::json::value& body);
// {"data": data, "message": "Fetched N record(s)."}
http::response data_response(boost::json::value data, std::size_t n);
http::response error_response(int status, std::string_view message, std::string_view details,
                              time_point now);

http::response missing_auth(time_point now);           // 400 Missing required headers.
http::response invalid_guid_auth(time_point now);      // 500 … Invalid GUID.
http::response invalid_auth(time_point now);           // 401 Invalid Auth Key.
http::response schedule_not_found(time_point now);     // 400 Scheduled run ID not found or invalid.
http::response test_run_not_found(time_point now);     // 400 Test run ID not found or invalid.
http::response rate_limited_response(time_point now);  // 429, envelope only, no headers
http::response internal_error(time_point now);

}  // namespace runhub::sandbox::sofy
