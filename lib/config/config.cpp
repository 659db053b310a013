#include "config/config.hpp"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <fstream>
#include <set>
#include <sstream>

#include "config/listen_address.hpp"

namespace runhub::config {

namespace {

void read_ms(json_reader& r, std::string_view key, std::chrono::milliseconds& out, std::int64_t min,
             std::int64_t max) {
    std::int64_t v = out.count();
    r.read(key, v, min, max);
    out = std::chrono::milliseconds(v);
}

void read_size(json_reader& r, std::string_view key, std::size_t& out, std::int64_t min,
               std::int64_t max) {
    auto v = static_cast<std::int64_t>(out);
    r.read(key, v, min, max);
    out = static_cast<std::size_t>(v);
}

void read_server(json_reader& r, http::server_options& s) {
    read_size(r, "max_header_bytes", s.max_header_bytes, 1024, 1 << 20);
    read_size(r, "max_body_bytes", s.max_body_bytes, 0, 1LL << 30);
    read_size(r, "max_target_bytes", s.max_target_bytes, 256, 1 << 20);
    read_ms(r, "header_timeout_ms", s.header_timeout, 1, 3'600'000);
    read_ms(r, "idle_timeout_ms", s.idle_timeout, 1, 86'400'000);
    read_ms(r, "write_timeout_ms", s.write_timeout, 1, 3'600'000);
    read_ms(r, "drain_timeout_ms", s.drain_timeout, 0, 3'600'000);
    r.read("access_log", s.access_log);
}

void read_api(json_reader& r, api_options& a, const env_lookup& env) {
    read_ms(r, "request_timeout_ms", a.request_timeout, 100, 600'000);
    read_secret(r, "cursor_key", env, a.cursor_key);
    read_ms(r, "sse_heartbeat_ms", a.sse_heartbeat, 100, 600'000);
    if (a.cursor_key && a.cursor_key->value.size() < 16)
        r.add_problem("cursor_key", "must be at least 16 bytes");
}

// Calls f(reader) for each object of the array at `key`.
template <class F>
void each_object(json_reader& r, std::string_view key, std::vector<problem>& problems, F&& f) {
    const boost::json::value* v = r.find(key);
    if (!v) return;
    if (!v->is_array()) return r.add_problem(key, "must be an array");
    const auto& arr = v->get_array();
    for (std::size_t i = 0; i < arr.size(); ++i) {
        std::string path = r.path_of(key) + "[" + std::to_string(i) + "]";
        if (!arr[i].is_object()) {
            problems.push_back({path, "must be an object"});
            continue;
        }
        json_reader item(arr[i].get_object(), path, problems);
        f(item);
        item.reject_unknown();
    }
}

// An array of strings at `key`; nullopt when absent or wrong.
std::optional<std::vector<std::string>> read_strings(json_reader& r, std::string_view key) {
    const boost::json::value* v = r.find(key);
    if (!v) return std::nullopt;
    if (!v->is_array()) {
        r.add_problem(key, "must be an array of strings");
        return std::nullopt;
    }
    std::vector<std::string> out;
    for (const auto& e : v->get_array()) {
        if (!e.is_string()) {
            r.add_problem(key, "must be an array of strings");
            return std::nullopt;
        }
        out.emplace_back(e.get_string());
    }
    return out;
}

bool loopback_host(std::string_view host) {
    return host == "127.0.0.1" || host == "localhost" || host == "[::1]" || host == "::1";
}

void check_base_url(json_reader& r, std::string& url) {
    while (!url.empty() && url.back() == '/') url.pop_back();
    auto parsed = boost::urls::parse_absolute_uri(url);
    if (!parsed || !parsed->has_authority() || parsed->host().empty() || parsed->has_query() ||
        parsed->has_fragment())
        return r.add_problem("base_url", "must be an absolute http(s) URL with no query");
    auto scheme = parsed->scheme();
    if (scheme == "https") return;
    if (scheme == "http" && loopback_host(parsed->host())) return;
    r.add_problem("base_url", scheme == "http" ? "plain http is allowed only to loopback; use https"
                                               : "must be an http(s) URL");
}

void read_circuit(json_reader& r, http::breaker_options& b) {
    r.nested("circuit", [&](json_reader& c) {
        std::int64_t threshold = b.failure_threshold;
        c.read("failure_threshold", threshold, 1, 1000);
        b.failure_threshold = static_cast<int>(threshold);
        read_ms(c, "open_ms", b.open_for, 100, 3'600'000);
    });
}

void read_budget(json_reader& r, http::budget_options& b) {
    r.read("per_minute", b.per_minute, 0, 1'000'000);
    r.read("burst", b.burst, 0, 1'000'000);
}

void read_opt_ms(json_reader& r, std::string_view key,
                 std::optional<std::chrono::milliseconds>& out, std::int64_t min,
                 std::int64_t max) {
    if (!r.find(key)) return;
    std::chrono::milliseconds v = out.value_or(std::chrono::milliseconds(min));
    const std::size_t before = r.problem_count();
    read_ms(r, key, v, min, max);
    if (r.problem_count() == before) out = v;
}

void read_ttl(json_reader& r, ttl_settings& t) {
    read_opt_ms(r, "terminal_run_ttl_ms", t.terminal_run, 0, 7 * 86'400'000LL);
    read_opt_ms(r, "active_run_ttl_ms", t.active_run, 0, 3'600'000);
    read_opt_ms(r, "list_page_ttl_ms", t.list_page, 0, 3'600'000);
    read_opt_ms(r, "stale_window_ms", t.stale_window, 0, 7 * 86'400'000LL);
}

void read_cache(json_reader& r, cache_settings& c) {
    r.read("backend", c.backend);
    if (c.backend != "memory" && c.backend != "redis")
        r.add_problem("backend", "must be memory or redis");
    r.read("redis_url", c.redis_url);
    if (c.backend == "redis" && c.redis_url.rfind("redis://", 0) != 0)
        r.add_problem("redis_url", "must be redis://HOST:PORT[/DB] when backend is redis");
    read_size(r, "max_bytes", c.max_bytes, 1 << 20, 1LL << 40);
    read_size(r, "answer_max_bytes", c.answer_max_bytes, 0, 1LL << 40);
    read_ttl(r, c.ttl);
}

void read_source(json_reader& r, source_entry& s, const env_lookup& env) {
    r.read("name", s.name);
    if (!r.find("name"))
        r.add_problem("name", "is required");
    else if (!valid_source_name(s.name))
        r.add_problem("name", "must match [a-z0-9][a-z0-9_-]* (at most 64 characters)");
    r.read("vendor", s.vendor);
    if (!r.find("vendor")) r.add_problem("vendor", "is required");
    r.read("base_url", s.base_url);
    if (!r.find("base_url"))
        r.add_problem("base_url", "is required");
    else
        check_base_url(r, s.base_url);
    std::optional<secret> credential;
    read_secret(r, "credential", env, credential);
    if (credential)
        s.credential = std::move(*credential);
    else if (!r.find("credential"))
        r.add_problem("credential", "is required ({\"env\": \"NAME\"} or {\"file\": \"/path\"})");
    if (const auto* scope = r.find("scope")) {
        if (!scope->is_object()) {
            r.add_problem("scope", "must be an object of strings");
        } else {
            for (const auto& [k, v] : scope->get_object()) {
                if (!v.is_string()) {
                    r.add_problem("scope", "must be an object of strings");
                    break;
                }
                s.scope[std::string(k)] = std::string(v.get_string());
            }
        }
    }
    read_ms(r, "timeout_ms", s.timeout, 100, 600'000);
    r.read("ca_file", s.ca_file);
    read_secret(r, "webhook_secret", env, s.webhook_secret);
    read_circuit(r, s.circuit);
    if (r.find("budget")) {
        s.budget.emplace();
        r.nested("budget", [&](json_reader& b) { read_budget(b, *s.budget); });
    }
    r.nested("cache", [&](json_reader& c) { read_ttl(c, s.cache); });
}

void read_api_key(json_reader& r, api_key_entry& k, const env_lookup& env) {
    r.read("name", k.name);
    if (k.name.empty()) r.add_problem("name", "is required");
    std::optional<secret> key;
    read_secret(r, "key", env, key);
    if (key) {
        k.key = std::move(*key);
        if (k.key.value.size() < 8) r.add_problem("key", "must be at least 8 characters");
    } else if (!r.find("key")) {
        r.add_problem("key", "is required ({\"env\": \"NAME\"} or {\"file\": \"/path\"})");
    }
    if (auto scopes = read_strings(r, "scopes")) k.scopes = std::move(*scopes);
    if (!r.find("scopes")) r.add_problem("scopes", "is required");
    for (const auto& s : k.scopes)
        if (s != scope_runs_read && s != scope_runs_write)
            r.add_problem("scopes", "unknown scope '" + s + "' (runs:read, runs:write)");
    k.sources = read_strings(r, "sources");
}

void check_unique(const std::vector<std::string>& names, std::string_view what,
                  std::vector<problem>& problems) {
    std::set<std::string_view> seen;
    for (std::size_t i = 0; i < names.size(); ++i)
        if (!names[i].empty() && !seen.insert(names[i]).second)
            problems.push_back({std::string(what) + "[" + std::to_string(i) + "].name",
                                "'" + names[i] + "' is used twice"});
}

}  // namespace

bool valid_source_name(std::string_view name) {
    if (name.empty() || name.size() > 64) return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        char c = name[i];
        bool ok =
            (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && (c == '-' || c == '_'));
        if (!ok) return false;
    }
    return true;
}

bool valid_log_level(std::string_view level) {
    for (auto l : {"trace", "debug", "info", "warn", "error", "off"})
        if (level == l) return true;
    return false;
}

load_result parse_config(std::string_view text, const env_lookup& env) {
    load_result out;
    boost::json::parse_options opts;
    opts.allow_comments = true;
    opts.allow_trailing_commas = true;
    boost::system::error_code ec;
    boost::json::value root = boost::json::parse(text, ec, {}, opts);
    if (ec) {
        out.problems.push_back({"", "not valid JSON: " + ec.message()});
        return out;
    }
    if (!root.is_object()) {
        out.problems.push_back({"", "the configuration must be a JSON object"});
        return out;
    }
    auto& c = out.config;
    json_reader r(root.get_object(), "", out.problems);
    r.read("listen", c.listen);
    if (r.find("listen") && !parse_listen_address(c.listen))
        r.add_problem("listen", "must be IP:PORT, e.g. 127.0.0.1:8080 or [::1]:8080");
    std::int64_t threads = c.threads;
    r.read("threads", threads, 0, 256);
    c.threads = static_cast<int>(threads);
    r.read("log_level", c.log_level);
    if (!valid_log_level(c.log_level))
        r.add_problem("log_level", "must be one of trace, debug, info, warn, error, off");
    r.nested("server", [&](json_reader& s) { read_server(s, c.server); });
    r.nested("api", [&](json_reader& a) { read_api(a, c.api, env); });
    r.nested("cache", [&](json_reader& k) { read_cache(k, c.cache); });
    each_object(r, "sources", out.problems, [&](json_reader& item) {
        c.sources.emplace_back();
        read_source(item, c.sources.back(), env);
    });
    each_object(r, "api_keys", out.problems, [&](json_reader& item) {
        c.api_keys.emplace_back();
        read_api_key(item, c.api_keys.back(), env);
    });
    r.nested("sandbox", [&](json_reader& sb) {
        read_ms(sb, "timeout_ms", c.sandbox.timeout, 100, 600'000);
        read_circuit(sb, c.sandbox.circuit);
        sb.nested("budget", [&](json_reader& b) { read_budget(b, c.sandbox.budget); });
        sb.nested("cache", [&](json_reader& t) { read_ttl(t, c.sandbox.cache); });
    });
    std::vector<std::string> names;
    for (const auto& s : c.sources) names.push_back(s.name);
    check_unique(names, "sources", out.problems);
    names.clear();
    for (const auto& k : c.api_keys) names.push_back(k.name);
    check_unique(names, "api_keys", out.problems);
    r.reject_unknown();
    return out;
}

load_result load_config_file(const std::string& path, const env_lookup& env) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        load_result out;
        out.problems.push_back({"", "cannot read " + path});
        return out;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return parse_config(ss.str(), env);
}

}  // namespace runhub::config
