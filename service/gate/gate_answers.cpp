#include "gate/gate_answers.hpp"

#include <boost/json/parse.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace runhub::service::ci_gate {

namespace {

std::optional<long long> int_of(const boost::json::value* v) {
    if (!v) return std::nullopt;
    if (v->is_int64()) return v->get_int64();
    if (v->is_uint64()) return static_cast<long long>(v->get_uint64());
    if (v->is_double()) return static_cast<long long>(v->get_double());
    return std::nullopt;
}

std::string str_of(const boost::json::object& o, std::string_view k) {
    const auto* v = o.if_contains(k);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

}  // namespace

std::optional<run_view> run_of(std::string_view body) {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    if (ec || !v.is_object()) return std::nullopt;
    const auto& o = v.get_object();
    run_view r;
    r.id = str_of(o, "id");
    r.status = str_of(o, "status");
    if (r.id.empty() || r.status.empty()) return std::nullopt;
    r.source = str_of(o, "source");
    r.web_url = str_of(o, "web_url");
    if (const auto* t = o.if_contains("terminal"); t && t->is_bool())
        r.terminal = t->get_bool();
    else
        r.terminal = r.status == "passed" || r.status == "failed" || r.status == "error" ||
                     r.status == "canceled";
    if (const auto* c = o.if_contains("counts"); c && c->is_object()) {
        const auto& co = c->get_object();
        counts_view cv;
        cv.total = int_of(co.if_contains("total")).value_or(0);
        cv.passed = int_of(co.if_contains("passed")).value_or(0);
        cv.failed = int_of(co.if_contains("failed")).value_or(0);
        cv.skipped = int_of(co.if_contains("skipped")).value_or(0);
        cv.untested = int_of(co.if_contains("untested")).value_or(0);
        r.counts = cv;
    }
    r.duration_ms = int_of(o.if_contains("duration_ms"));
    return r;
}

std::optional<std::vector<failure_view>> failures_of(std::string_view body) {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    if (ec || !v.is_object()) return std::nullopt;
    const auto* data = v.get_object().if_contains("data");
    if (!data || !data->is_array()) return std::nullopt;
    std::vector<failure_view> out;
    for (const auto& f : data->get_array()) {
        if (!f.is_object()) continue;
        const auto& o = f.get_object();
        out.push_back({str_of(o, "name"), str_of(o, "message"), str_of(o, "suite"),
                       str_of(o, "location"), str_of(o, "web_url"),
                       int_of(o.if_contains("duration_ms"))});
    }
    return out;
}

// "400 invalid_body: target.project_id is required (field target.project_id)"
std::string describe(const http::client_result& r) {
    if (!r.response)
        return std::string(http::to_string(r.error)) + (r.detail.empty() ? "" : ": " + r.detail);
    std::string out = "HTTP " + std::to_string(r.response->status);
    boost::system::error_code ec;
    auto v = boost::json::parse(r.response->body, ec);
    const boost::json::object* err = nullptr;
    if (!ec && v.is_object())
        if (const auto* e = v.get_object().if_contains("error"); e && e->is_object())
            err = &e->get_object();
    if (!err) return out;
    if (auto code = str_of(*err, "code"); !code.empty()) out += " " + code;
    if (auto msg = str_of(*err, "message"); !msg.empty()) out += ": " + msg;
    if (const auto* d = err->if_contains("details"); d && d->is_object())
        if (auto field = str_of(d->get_object(), "field"); !field.empty())
            out += " (field " + field + ")";
    return out;
}

std::string encode(std::string_view s) {
    return boost::urls::encode(s, boost::urls::unreserved_chars + ':');
}

std::string counts_text(const run_view& r) {
    if (!r.counts) return "";
    std::string out =
        " (" + std::to_string(r.counts->passed) + "/" + std::to_string(r.counts->total) + " passed";
    if (r.counts->failed) out += ", " + std::to_string(r.counts->failed) + " failed";
    if (r.counts->skipped) out += ", " + std::to_string(r.counts->skipped) + " skipped";
    return out + ")";
}

}  // namespace runhub::service::ci_gate
