#include "sandbox/zof/zof_wire.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "sandbox/core/seeded_data.hpp"

namespace runhub::sandbox::zof {

namespace json = boost::json;

namespace {

json::value ts(const std::optional<time_point>& t) {
    if (!t) return nullptr;
    return json::string(rfc3339_s(*t));
}

}  // namespace

json::object run_json(const run_record& r, const dataset& d, bool with_cases) {
    auto cases = case_outcomes(r, r.status, d);
    auto sum = summarize(cases);
    json::object o;
    o["id"] = r.id;
    o["object"] = "run";
    o["organization_id"] = d.organization_id;
    o["project_id"] = r.project_id;
    o["name"] = r.name;
    o["environment"] = r.environment;
    o["status"] = r.status;
    if (r.test_suite_id) {
        o["test_suite_id"] = *r.test_suite_id;
        o["test_case_ids"] = nullptr;
    } else {
        o["test_suite_id"] = nullptr;
        json::array ids;
        for (const auto& id : r.case_ids) ids.emplace_back(id);
        o["test_case_ids"] = std::move(ids);
    }
    o["trigger"] = r.trigger;
    o["metadata"] = {{"branch", r.branch}, {"commit_sha", r.commit_sha}};
    o["created_at"] = rfc3339_s(r.created_at);
    o["started_at"] = ts(r.started_at);
    o["completed_at"] = ts(r.completed_at);
    if (r.started_at && r.completed_at) {
        o["duration_ms"] =
            std::chrono::duration_cast<std::chrono::milliseconds>(*r.completed_at - *r.started_at)
                .count();
    } else {
        o["duration_ms"] = nullptr;
    }
    o["summary"] = {{"total", sum.total}, {"passed", sum.passed},   {"failed", sum.failed},
                    {"error", sum.error}, {"skipped", sum.skipped}, {"pending", sum.pending}};
    o["agents_run"] =
        static_cast<std::int64_t>(r.case_ids.size() ? (r.case_ids.size() + 2) / 3 : 0);
    o["issues_found"] = sum.failed + sum.error;
    o["url"] = "https://app.zof.ai/runs/" + r.id;
    if (with_cases) {
        json::array arr;
        for (const auto& c : cases) {
            json::object co{{"test_case_id", c.test_case_id},
                            {"name", c.name},
                            {"status", c.status},
                            {"duration_ms", c.duration_ms}};
            co["failure_message"] =
                c.failure_message ? json::value(json::string(*c.failure_message)) : nullptr;
            arr.emplace_back(std::move(co));
        }
        o["cases"] = std::move(arr);
    }
    return o;
}

std::string list_body(const page& p, const dataset& d) {
    // {"data":[...],"has_more":…,"next_cursor":…}, each run's JSON made once per change.
    std::string out = "{\"data\":[";
    for (std::size_t i = 0; i < p.data.size(); ++i) {
        const auto& r = *p.data[i];
        if (!r.list_json)
            r.list_json =
                std::make_shared<const std::string>(json::serialize(run_json(r, d, false)));
        if (i) out += ',';
        out += *r.list_json;
    }
    out += "],\"has_more\":";
    out += p.has_more ? "true" : "false";
    out += ",\"next_cursor\":";
    out += p.next_cursor ? json::serialize(json::string(*p.next_cursor)) : std::string("null");
    out += '}';
    return out;
}

std::string logs_body(const run_record& r, const std::vector<log_line>& lines) {
    json::array data;
    for (const auto& l : lines)
        data.emplace_back(json::object{
            {"timestamp", rfc3339_s(l.at)}, {"level", l.level}, {"message", l.message}});
    return json::serialize(json::object{{"run_id", r.id},
                                        {"data", std::move(data)},
                                        {"has_more", false},
                                        {"next_cursor", nullptr}});
}

std::string artifacts_body(const run_record& r, const std::vector<artifact>& items) {
    json::array data;
    for (const auto& a : items)
        data.emplace_back(json::object{{"id", a.id},
                                       {"run_id", r.id},
                                       {"name", a.name},
                                       {"type", a.type},
                                       {"content_type", a.content_type},
                                       {"size_bytes", a.size_bytes},
                                       {"url", a.url}});
    return json::serialize(json::object{{"run_id", r.id},
                                        {"data", std::move(data)},
                                        {"has_more", false},
                                        {"next_cursor", nullptr}});
}

http::response error_response(const api_error& e) {
    json::object err{{"code", e.code}, {"message", e.message}};
    if (!e.param.empty()) err["param"] = e.param;
    return http::response::json(e.status, json::serialize(json::object{{"error", std::move(err)}}));
}

http::response rate_limited_response(const rate_limit_state& s) {
    auto r = error_response({429, "rate_limit_exceeded",
                             "Too many requests. Retry after the time given in Retry-After.", ""});
    const auto retry_after = std::max<std::int64_t>(1, s.reset_in.count());
    r.headers.set("X-RateLimit-Limit", std::to_string(s.limit_per_min));
    r.headers.set("X-RateLimit-Remaining", std::to_string(std::max(0, s.remaining)));
    r.headers.set("X-RateLimit-Reset", std::to_string(s.reset_unix));
    r.headers.set("Retry-After", std::to_string(retry_after));
    return r;
}

http::response server_error_response() {
    return error_response(
        {500, "internal_error", "An unexpected error occurred. Retry idempotent requests.", ""});
}

}  // namespace runhub::sandbox::zof
