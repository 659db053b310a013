#include "sandbox/buildkite/buildkite_wire.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "sandbox/core/seeded_data.hpp"

namespace runhub::sandbox::buildkite {

boost::json::object run_object(const run_record& r, const run_status& s, const run_urls& u) {
    return {{"id", r.id},
            {"branch", r.branch},
            {"commit_sha", r.commit_sha},
            {"state", s.state},
            {"result", s.result},
            {"url", u.api_runs + "/" + r.id},
            {"web_url", u.web_runs + "/" + r.id},
            {"build_id", r.build_id},
            {"created_at", rfc3339_ms(r.created_at)}};
}

boost::json::object failed_execution_object(const failed_execution& f, const run_record& r,
                                            const run_urls& u, bool expanded) {
    const std::string tests = u.web_runs.substr(0, u.web_runs.rfind('/')) + "/tests/";
    boost::json::object o{
        {"execution_id", f.execution_id},
        {"run_id", r.id},
        {"test_id", f.test_id},
        {"run_name", r.id},
        {"commit_sha", r.commit_sha},
        {"created_at", rfc3339_ms(f.created_at)},
        {"branch", r.branch},
        {"failure_reason", f.failure_reason},
        {"duration", f.duration_s},
        {"location", f.location},
        {"test_name", f.test_name},
        {"run_url", u.web_runs + "/" + r.id},
        {"test_url", tests + f.test_id},
        {"test_execution_url", tests + f.test_id + "?execution_id=" + f.execution_id},
        {"tags", boost::json::object{{"language", "ruby"}, {"framework", "rspec"}}}};
    if (expanded) {
        boost::json::array backtrace;
        for (const auto& line : f.backtrace) backtrace.emplace_back(line);
        o["failure_expanded"] = boost::json::array{
            boost::json::object{{"backtrace", std::move(backtrace)},
                                {"expanded", boost::json::array{f.failure_reason}}}};
    }
    return o;
}

http::response json_response(int status, const boost::json::value& body) {
    return http::response::json(status, boost::json::serialize(body));
}

http::response message_response(int status, std::string_view message) {
    return json_response(status, boost::json::object{{"message", message}});
}

http::response unauthorized() {
    return message_response(401,
                            "Authentication required. Please supply a valid API Access Token: "
                            "https://buildkite.com/docs/apis/rest-api#authentication");
}

http::response not_found() { return message_response(404, "Not Found"); }

http::response rate_limited_response(const rate_limit_state& s) {
    const auto reset = std::max<std::int64_t>(s.reset_in.count(), 1);
    auto r = json_response(
        429, boost::json::object{
                 {"message", "You have exceeded your API rate limit. Please wait " +
                                 std::to_string(reset) + " seconds before making more requests."},
                 {"scope", "rest"},
                 {"limit", s.limit_per_min},
                 {"current", s.limit_per_min - s.remaining + 1},
                 {"reset", reset}});
    r.headers.set("RateLimit-Scope", "rest");
    r.headers.set("RateLimit-Limit", std::to_string(s.limit_per_min));
    r.headers.set("RateLimit-Remaining", std::to_string(std::max(s.remaining, 0)));
    r.headers.set("RateLimit-Reset", std::to_string(reset));
    return r;
}

http::response internal_error() { return message_response(500, "Internal Server Error"); }

}  // namespace runhub::sandbox::buildkite
