#include "config/secret.hpp"

#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace runhub::config {

env_lookup process_env() {
    return [](std::string_view name) -> std::optional<std::string> {
        const char* v = std::getenv(std::string(name).c_str());
        if (!v) return std::nullopt;
        return std::string(v);
    };
}

namespace {

void strip_trailing_newlines(std::string& s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
}

}  // namespace

void read_secret(json_reader& r, std::string_view key, const env_lookup& env,
                 std::optional<secret>& out) {
    const boost::json::value* v = r.find(key);
    if (!v) return;
    if (v->is_string())
        return r.add_problem(key,
                             "secrets are never written inline: use {\"env\": \"NAME\"} or "
                             "{\"file\": \"/path\"}");
    if (!v->is_object() || v->get_object().size() != 1)
        return r.add_problem(key, "must be {\"env\": \"NAME\"} or {\"file\": \"/path\"}");
    const auto& o = v->get_object();
    secret s;
    if (auto* name = o.if_contains("env")) {
        if (!name->is_string() || name->get_string().empty())
            return r.add_problem(key, "env must name an environment variable");
        std::string var(name->get_string());
        s.origin = "env " + var;
        auto value = env(var);
        if (!value) return r.add_problem(key, "environment variable " + var + " is not set");
        s.value = std::move(*value);
        if (s.value.empty()) return r.add_problem(key, "environment variable " + var + " is empty");
    } else if (auto* path = o.if_contains("file")) {
        if (!path->is_string() || path->get_string().empty())
            return r.add_problem(key, "file must be a path");
        std::string p(path->get_string());
        s.origin = "file " + p;
        std::ifstream in(p, std::ios::binary);
        if (!in) return r.add_problem(key, "cannot read " + p);
        std::ostringstream ss;
        ss << in.rdbuf();
        s.value = ss.str();
        strip_trailing_newlines(s.value);
        if (s.value.empty()) return r.add_problem(key, p + " is empty");
    } else {
        return r.add_problem(key, "must be {\"env\": \"NAME\"} or {\"file\": \"/path\"}");
    }
    out = std::move(s);
}

}  // namespace runhub::config
