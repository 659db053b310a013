#pragma once
// Testmo's wire format: automation run, thread and test objects, the page envelope with its
// `expands` block, the error collection and the 429 answer. Timestamps are ISO 8601 UTC with
// microseconds ("2026-11-23T12:00:00.000000Z").
#include <boost/json/fwd.hpp>

#include "http/response.hpp"
#include "sandbox/core/emulator.hpp"
#include "sandbox/testmo/testmo_error.hpp"
#include "sandbox/testmo/testmo_query.hpp"
#include "sandbox/testmo/testmo_run.hpp"

namespace runhub::sandbox::testmo {

std::string testmo_time(time_point t);

// With `with_threads` (GET of one run) the thread objects are included in `threads`.
boost::json::object run_json(const run_record& r, bool with_threads);
boost::json::object thread_json(const thread_record& t);
boost::json::object test_json(const test_record& t, const run_record& r);

// The referenced objects of `runs` for each requested expand; statuses are the whole table.
boost::json::object expands_json(const std::vector<std::string>& expands,
                                 const std::vector<const run_record*>& runs, const dataset& d);

// {"page", "prev_page", "next_page", "last_page", "per_page", "total", "result", "expands"?}
std::string page_body(const page_window& w, int per_page, boost::json::array result,
                      const boost::json::object* expands);

// The same, with each element of `result` already serialized.
std::string joined_page_body(const page_window& w, int per_page,
                             const std::vector<std::shared_ptr<const std::string>>& result,
                             const boost::json::object* expands);

http::response error_response(const api_error& e);
http::response not_found_response();
http::response rate_limited_response(const rate_limit_state& s);  // 429 + Retry-After
http::response server_error_response();

}  // namespace runhub::sandbox::testmo
