#include "model/run.hpp"

#include <boost/json.hpp>

namespace runhub::model {

namespace {
bool url_safe(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '~' || c == '-';
}
int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}
template <class T>
boost::json::value opt(const std::optional<T>& v) {
    if (!v) return nullptr;
    return boost::json::value_from(*v);
}
boost::json::value opt_time(const std::optional<timestamp>& t) {
    if (!t) return nullptr;
    return boost::json::value(format_timestamp(*t));
}
}  // namespace

std::string make_run_id(std::string_view source, std::string_view native_id) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out(source);
    out += ':';
    for (char c : native_id) {
        if (url_safe(c)) {
            out += c;
        } else {
            auto u = static_cast<unsigned char>(c);
            out += '%';
            out += hex[u >> 4];
            out += hex[u & 0xF];
        }
    }
    return out;
}

std::optional<run_id_parts> parse_run_id(std::string_view id) {
    auto colon = id.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == id.size())
        return std::nullopt;
    run_id_parts parts{std::string(id.substr(0, colon)), {}};
    for (char c : parts.source)
        if (!url_safe(c)) return std::nullopt;
    auto rest = id.substr(colon + 1);
    for (std::size_t i = 0; i < rest.size(); ++i) {
        if (rest[i] == '%') {
            if (i + 2 >= rest.size()) return std::nullopt;
            int hi = hex_value(rest[i + 1]), lo = hex_value(rest[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            parts.native_id += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else if (url_safe(rest[i])) {
            parts.native_id += rest[i];
        } else {
            return std::nullopt;
        }
    }
    return parts;
}

bool newer_first(const run& a, const run& b) {
    if (a.created_at != b.created_at) {
        if (!a.created_at) return false;
        if (!b.created_at) return true;
        return *a.created_at > *b.created_at;
    }
    return a.id > b.id;
}

void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const run& r) {
    v = to_json(r, false);
}

boost::json::value to_json(const run& r, bool include_raw) {
    boost::json::object o;
    o["id"] = r.id;
    o["source"] = r.source;
    o["vendor"] = r.vendor;
    o["native_id"] = r.native_id;
    o["name"] = r.name;
    if (r.project)
        o["project"] = {{"id", r.project->id}, {"name", r.project->name}};
    else
        o["project"] = nullptr;
    o["status"] = to_string(r.status);
    o["terminal"] = r.terminal;
    o["vendor_status"] = r.vendor_status;
    if (r.counts)
        o["counts"] = {{"total", r.counts->total},
                       {"passed", r.counts->passed},
                       {"failed", r.counts->failed},
                       {"skipped", r.counts->skipped},
                       {"untested", r.counts->untested}};
    else
        o["counts"] = nullptr;
    o["created_at"] = opt_time(r.created_at);
    o["started_at"] = opt_time(r.started_at);
    o["completed_at"] = opt_time(r.completed_at);
    o["duration_ms"] = opt(r.duration_ms);
    o["branch"] = opt(r.branch);
    o["commit_sha"] = opt(r.commit_sha);
    o["build"] = opt(r.build);
    o["device"] = opt(r.device);
    o["environment"] = opt(r.environment);
    o["platform"] = opt(r.platform);
    o["web_url"] = opt(r.web_url);
    if (include_raw && r.raw) o["raw"] = *r.raw;
    return o;
}

}  // namespace runhub::model
