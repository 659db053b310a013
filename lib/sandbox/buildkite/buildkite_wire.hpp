#pragma once
// Buildkite's wire format (vendor-notes.md §4.3–§4.6): the Run and failed-execution objects
// (timestamps `2023-06-25T05:32:53.228Z`), the `{"message"}` error body, and the 429 with
// RateLimit-* headers whose reset is in seconds.
#include <boost/json/fwd.hpp>
#include <string_view>

#include "http/response.hpp"
#include "sandbox/buildkite/buildkite_data.hpp"
#include "sandbox/core/emulator.hpp"

namespace runhub::sandbox::buildkite {

// Where a run lives: the API base ("http://127.0.0.1:9104/v2/analytics/organizations/o/suites/s")
// and the UI base for web_url.
struct run_urls {
    std::string api_runs;  // …/suites/{suite}/runs
    std::string
        web_runs;  // https://buildkite.com/organizations/{org}/analytics/suites/{suite}/runs
};

boost::json::object run_object(const run_record& r, const run_status& s, const run_urls& u);
boost::json::object failed_execution_object(const failed_execution& f, const run_record& r,
                                            const run_urls& u, bool expanded);

http::response json_response(int status, const boost::json::value& body);
http::response message_response(int status, std::string_view message);  // {"message": …}
http::response unauthorized();
http::response not_found();
http::response rate_limited_response(const rate_limit_state& s);
http::response internal_error();

}  // namespace runhub::sandbox::buildkite
