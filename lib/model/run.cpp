#include "model/run.hpp"

#include <boost/json.hpp>
#include <cstdint>

#include "model/json_text.hpp"

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
    std::string out;
    out.reserve(source.size() + 1 + native_id.size());
    out += source;
    out += ':';
    std::size_t run_start = 0;  // appended in spans of safe characters, not one by one
    for (std::size_t i = 0; i < native_id.size(); ++i) {
        const char c = native_id[i];
        if (url_safe(c)) continue;
        out.append(native_id.data() + run_start, i - run_start);
        run_start = i + 1;
        auto u = static_cast<unsigned char>(c);
        out += '%';
        out += hex[u >> 4];
        out += hex[u & 0xF];
    }
    out.append(native_id.data() + run_start, native_id.size() - run_start);
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

namespace {

void append_opt_string(std::string& out, std::string_view key,
                       const std::optional<std::string>& v) {
    json_text::append_key(out, key);
    if (v)
        json_text::append_string(out, *v);
    else
        json_text::append_null(out);
}

void append_opt_time(std::string& out, std::string_view key, const std::optional<timestamp>& t) {
    json_text::append_key(out, key);
    if (t) {
        out += '"';
        append_timestamp(out, *t);
        out += '"';
    } else {
        json_text::append_null(out);
    }
}

// The raw object's own serialization, written straight into `out`.
void append_value(std::string& out, const boost::json::value& v) {
    boost::json::serializer sr;
    sr.reset(&v);
    constexpr std::size_t chunk = 4096;
    while (!sr.done()) {
        const auto old = out.size();
        out.resize(old + chunk);
        auto got = sr.read(out.data() + old, chunk);
        out.resize(old + got.size());
    }
}

}  // namespace

void append_run_json(std::string& out, const run& r, bool include_raw) {
    using namespace json_text;
    out += '{';
    append_key(out, "id", true);
    append_string(out, r.id);
    append_key(out, "source");
    append_string(out, r.source);
    append_key(out, "vendor");
    append_string(out, r.vendor);
    append_key(out, "native_id");
    append_string(out, r.native_id);
    append_key(out, "name");
    append_string(out, r.name);
    append_key(out, "project");
    if (r.project) {
        out += '{';
        append_key(out, "id", true);
        append_string(out, r.project->id);
        append_key(out, "name");
        append_string(out, r.project->name);
        out += '}';
    } else {
        append_null(out);
    }
    append_key(out, "status");
    append_string(out, to_string(r.status));
    append_key(out, "terminal");
    append_bool(out, r.terminal);
    append_key(out, "vendor_status");
    append_string(out, r.vendor_status);
    append_key(out, "counts");
    if (r.counts) {
        out += '{';
        append_key(out, "total", true);
        append_int(out, r.counts->total);
        append_key(out, "passed");
        append_int(out, r.counts->passed);
        append_key(out, "failed");
        append_int(out, r.counts->failed);
        append_key(out, "skipped");
        append_int(out, r.counts->skipped);
        append_key(out, "untested");
        append_int(out, r.counts->untested);
        out += '}';
    } else {
        append_null(out);
    }
    append_opt_time(out, "created_at", r.created_at);
    append_opt_time(out, "started_at", r.started_at);
    append_opt_time(out, "completed_at", r.completed_at);
    append_key(out, "duration_ms");
    if (r.duration_ms)
        append_int(out, *r.duration_ms);
    else
        append_null(out);
    append_opt_string(out, "branch", r.branch);
    append_opt_string(out, "commit_sha", r.commit_sha);
    append_opt_string(out, "build", r.build);
    append_opt_string(out, "device", r.device);
    append_opt_string(out, "environment", r.environment);
    append_opt_string(out, "platform", r.platform);
    append_opt_string(out, "web_url", r.web_url);
    if (include_raw && r.raw) {
        append_key(out, "raw");
        append_value(out, *r.raw);
    }
    out += '}';
}

std::pair<std::string, std::string> serialize_run_both(const run& r) {
    std::pair<std::string, std::string> out;
    append_run_json(out.first, r, false);
    if (!r.raw) {
        out.second = out.first;
        return out;
    }
    out.second.reserve(out.first.size() + 1024);
    out.second.append(out.first, 0, out.first.size() - 1);  // without the closing '}'
    out.second += ",\"raw\":";
    append_value(out.second, *r.raw);
    out.second += '}';
    return out;
}

std::string serialize_run(const run& r, bool include_raw) {
    std::string out;
    out.reserve(640);
    append_run_json(out, r, include_raw);
    return out;
}

namespace {

// Reads members of one object, remembering whether every one had the expected shape.
struct reader {
    const boost::json::object& o;
    bool ok = true;

    const boost::json::value* member(const char* key) {
        const auto* m = o.if_contains(key);
        if (!m) ok = false;
        return m;
    }
    void str(const char* key, std::string& out) {
        const auto* m = member(key);
        if (m && m->is_string())
            out = std::string(m->get_string());
        else
            ok = false;
    }
    void opt_str(const char* key, std::optional<std::string>& out) {
        const auto* m = member(key);
        if (!m || m->is_null()) return;
        if (m->is_string())
            out = std::string(m->get_string());
        else
            ok = false;
    }
    void opt_time(const char* key, std::optional<timestamp>& out) {
        std::optional<std::string> text;
        opt_str(key, text);
        if (!text) return;
        out = parse_timestamp(*text);
        if (!out) ok = false;
    }
    std::int64_t integer(const boost::json::object& from, const char* key) {
        const auto* m = from.if_contains(key);
        if (m && m->is_int64()) return m->get_int64();
        if (m && m->is_uint64() && m->get_uint64() <= INT64_MAX)
            return static_cast<std::int64_t>(m->get_uint64());
        ok = false;
        return 0;
    }
};

}  // namespace

std::optional<run> run_from_json(const boost::json::value& v) {
    const auto* obj = v.if_object();
    if (!obj) return std::nullopt;
    reader in{*obj};
    run r;
    in.str("id", r.id);
    in.str("source", r.source);
    in.str("vendor", r.vendor);
    in.str("native_id", r.native_id);
    in.str("name", r.name);
    if (const auto* p = in.member("project"); p && !p->is_null()) {
        const auto* po = p->if_object();
        r.project.emplace();
        if (po) {
            reader pin{*po};
            pin.str("id", r.project->id);
            pin.str("name", r.project->name);
            in.ok = in.ok && pin.ok;
        } else {
            in.ok = false;
        }
    }
    std::string status;
    in.str("status", status);
    if (auto s = parse_run_status(status))
        r.status = *s;
    else
        in.ok = false;
    if (const auto* t = in.member("terminal"); t && t->is_bool())
        r.terminal = t->get_bool();
    else
        in.ok = false;
    in.str("vendor_status", r.vendor_status);
    if (const auto* c = in.member("counts"); c && !c->is_null()) {
        if (const auto* co = c->if_object())
            r.counts = run_counts{in.integer(*co, "total"), in.integer(*co, "passed"),
                                  in.integer(*co, "failed"), in.integer(*co, "skipped"),
                                  in.integer(*co, "untested")};
        else
            in.ok = false;
    }
    in.opt_time("created_at", r.created_at);
    in.opt_time("started_at", r.started_at);
    in.opt_time("completed_at", r.completed_at);
    if (const auto* d = in.member("duration_ms"); d && !d->is_null())
        r.duration_ms = in.integer(*obj, "duration_ms");
    in.opt_str("branch", r.branch);
    in.opt_str("commit_sha", r.commit_sha);
    in.opt_str("build", r.build);
    in.opt_str("device", r.device);
    in.opt_str("environment", r.environment);
    in.opt_str("platform", r.platform);
    in.opt_str("web_url", r.web_url);
    if (const auto* raw = obj->if_contains("raw"))
        r.raw = std::make_shared<const boost::json::value>(*raw);
    if (!in.ok) return std::nullopt;
    return r;
}

}  // namespace runhub::model
