#pragma once
// TesterArmy's wire format (vendor-notes.md §2.4, §2.5, §2.8): the RunResponse object, the
// `{"error","message"}` error body and the bare 429. Timestamps use the docs' millisecond form
// `2026-02-12T00:00:00.000Z`.
#include <boost/json/fwd.hpp>
#include <string_view>

#include "http/response.hpp"
#include "sandbox/testerarmy/testerarmy_data.hpp"

namespace runhub::sandbox::testerarmy {

boost::json::object run_object(const run_record& r);

http::response json_response(int status, const boost::json::value& body);
// {"error": code, "message": message}
http::response error_response(int status, std::string_view code, std::string_view message);
http::response unauthorized();                    // 401 Unauthorized
http::response not_found(std::string_view what);  // 404 NotFound [assumed code]
http::response rate_limited_response();           // 429 RateLimited, no headers (none documented)
http::response internal_error();                  // 500 InternalError

}  // namespace runhub::sandbox::testerarmy
