#include "sandbox/core/fault_config.hpp"

#include <array>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>

#include "sandbox/core/seeded_data.hpp"

namespace runhub::sandbox {

namespace {

namespace json = boost::json;

struct rate_field {
    std::string_view name;
    double fault_config::*member;
};

constexpr std::array<rate_field, 6> rate_fields{{
    {"error_rate", &fault_config::error_rate},
    {"rate_429", &fault_config::rate_429},
    {"reset_rate", &fault_config::reset_rate},
    {"malformed_rate", &fault_config::malformed_rate},
    {"truncate_rate", &fault_config::truncate_rate},
    {"hang_rate", &fault_config::hang_rate},
}};

struct int_field {
    std::string_view name;
    std::int64_t fault_config::*member;
    std::int64_t max;
};

constexpr std::array<int_field, 3> int_fields{{
    {"latency_ms", &fault_config::latency_ms, max_latency_ms},
    {"jitter_ms", &fault_config::jitter_ms, max_latency_ms},
    {"rate_limit_per_min", &fault_config::rate_limit_per_min, 1'000'000'000},
}};

bool as_number(const json::value& v, double& out) {
    if (v.is_int64())
        out = static_cast<double>(v.get_int64());
    else if (v.is_uint64())
        out = static_cast<double>(v.get_uint64());
    else if (v.is_double())
        out = v.get_double();
    else
        return false;
    return std::isfinite(out);
}

// One field; returns "" or the error.
std::string set_field(std::string_view key, const json::value& v, fault_config& c) {
    for (const auto& f : rate_fields) {
        if (key != f.name) continue;
        double d = 0;
        if (!as_number(v, d) || d < 0 || d > 1)
            return std::string(key) + " must be a number from 0 to 1";
        c.*f.member = d;
        return {};
    }
    for (const auto& f : int_fields) {
        if (key != f.name) continue;
        double d = 0;
        if (!as_number(v, d) || d < 0 || d > static_cast<double>(f.max) || d != std::floor(d))
            return std::string(key) + " must be a whole number from 0 to " + std::to_string(f.max);
        c.*f.member = static_cast<std::int64_t>(d);
        return {};
    }
    if (key == "outcome") {
        const auto* s = v.if_string();
        if (!s || !valid_outcome(*s))
            return "outcome must be one of \"\", \"passed\", \"failed\", \"error\", \"canceled\"";
        c.outcome = std::string(*s);
        return {};
    }
    return "unknown fault key: " + std::string(key);
}

}  // namespace

bool valid_outcome(std::string_view o) {
    return o.empty() || o == "passed" || o == "failed" || o == "error" || o == "canceled";
}

std::string parse_fault_config(const json::value& v, fault_config& out) {
    const auto* obj = v.if_object();
    if (!obj) return "faults must be a JSON object";
    fault_config c;
    for (const auto& [key, value] : *obj) {
        if (auto err = set_field(key, value, c); !err.empty()) return err;
    }
    out = std::move(c);
    return {};
}

std::string parse_fault_config(std::string_view json_text, fault_config& out) {
    boost::system::error_code ec;
    auto v = json::parse(json_text, ec);
    if (ec) return "faults must be a JSON object: " + ec.message();
    return parse_fault_config(v, out);
}

std::string apply_fault_assignment(std::string_view assignment, fault_config& out) {
    auto eq = assignment.find('=');
    if (eq == std::string_view::npos || eq == 0)
        return "expected key=value, got '" + std::string(assignment) + "'";
    auto key = assignment.substr(0, eq);
    auto text = assignment.substr(eq + 1);
    json::value v;
    if (key == "outcome") {
        v = json::string(text);
    } else {
        double d = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
        if (ec != std::errc{} || end != text.data() + text.size())
            return std::string(key) + " needs a number, got '" + std::string(text) + "'";
        v = d;
    }
    fault_config c = out;
    if (auto err = set_field(key, v, c); !err.empty()) return err;
    out = std::move(c);
    return {};
}

json::object to_json(const fault_config& c) {
    json::object o;
    o["latency_ms"] = c.latency_ms;
    o["jitter_ms"] = c.jitter_ms;
    for (const auto& f : rate_fields) {
        // Whole rates as integers: Boost.JSON 1.81 would print 1.0 as "1E0".
        const double r = c.*f.member;
        if (r == std::floor(r))
            o[f.name] = static_cast<std::int64_t>(r);
        else
            o[f.name] = r;
    }
    o["outcome"] = c.outcome;
    o["rate_limit_per_min"] = c.rate_limit_per_min;
    return o;
}

fault_decision decide_fault(const fault_config& c, double kind_draw, double jitter_draw) {
    fault_decision d;
    auto jitter =
        static_cast<std::int64_t>(std::floor(jitter_draw * static_cast<double>(c.jitter_ms + 1)));
    if (jitter > c.jitter_ms) jitter = c.jitter_ms;
    d.delay = std::chrono::milliseconds(c.latency_ms + jitter);
    const std::array<std::pair<double, fault_kind>, 6> bands{{
        {c.hang_rate, fault_kind::hang},
        {c.reset_rate, fault_kind::reset},
        {c.error_rate, fault_kind::server_error},
        {c.rate_429, fault_kind::too_many_requests},
        {c.truncate_rate, fault_kind::truncate},
        {c.malformed_rate, fault_kind::malformed},
    }};
    double upper = 0;
    for (const auto& [rate, kind] : bands) {
        upper += rate;
        if (rate > 0 && kind_draw < upper) {
            d.kind = kind;
            break;
        }
    }
    return d;
}

fault_decision decide_fault(const fault_config& c, seeded_rng& rng) {
    double kind_draw = rng.real();
    double jitter_draw = rng.real();
    return decide_fault(c, kind_draw, jitter_draw);
}

std::string malform_body(std::string_view body) {
    std::string out(body.substr(0, body.size() / 2));
    out += "<malformed";
    return out;
}

std::string_view to_string(fault_kind k) {
    switch (k) {
        case fault_kind::none:
            return "none";
        case fault_kind::server_error:
            return "server_error";
        case fault_kind::too_many_requests:
            return "too_many_requests";
        case fault_kind::reset:
            return "reset";
        case fault_kind::malformed:
            return "malformed";
        case fault_kind::truncate:
            return "truncate";
        case fault_kind::hang:
            return "hang";
    }
    return "none";
}

}  // namespace runhub::sandbox
