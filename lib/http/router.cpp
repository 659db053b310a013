#include "http/router.hpp"

#include <stdexcept>

namespace runhub::http {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> out;
    if (path.empty() || path.front() != '/') return out;
    path.remove_prefix(1);
    while (true) {
        auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

bool is_capture(std::string_view seg) {
    return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

bool decode_segment(std::string_view in, std::string& out) {
    out.clear();
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '%') {
            if (i + 2 >= in.size()) return false;
            int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
            if (hi < 0 || lo < 0) return false;
            c = static_cast<char>(hi * 16 + lo);
            if (c == '/' || c == '\0') return false;
            i += 2;
        }
        out.push_back(c);
    }
    return true;
}

void router::add(std::string_view method, std::string_view pattern, handler h) {
    if (pattern.empty() || pattern.front() != '/')
        throw std::invalid_argument("route pattern must start with '/': " + std::string(pattern));
    route r{std::string(method), std::string(pattern), {}, std::move(h)};
    for (auto seg : split_path(pattern)) {
        if (seg.find_first_of("{}") != std::string_view::npos && !is_capture(seg))
            throw std::invalid_argument("malformed capture in route: " + std::string(pattern));
        r.segments.emplace_back(seg);
    }
    for (const auto& other : routes_)
        if (other.method == r.method && other.pattern == r.pattern)
            throw std::invalid_argument("duplicate route: " + r.method + " " + r.pattern);
    routes_.push_back(std::move(r));
}

void router::wrap(
    const std::function<handler(const std::string&, const std::string&, handler)>& f) {
    for (auto& r : routes_) r.h = f(r.method, r.pattern, std::move(r.h));
}

router::match_result router::match(std::string_view method, std::string_view path) const {
    match_result result;
    const auto segs = split_path(path);
    if (segs.empty()) return result;

    std::string allow;
    auto add_allow = [&](std::string_view m) {
        if (allow.find(m) != std::string::npos) return;
        if (!allow.empty()) allow += ", ";
        allow += m;
    };
    const route* fallback_get = nullptr;
    std::vector<std::pair<std::string, std::string>> fallback_params;

    std::vector<std::pair<std::string, std::string>> params;
    std::string decoded;
    for (const auto& r : routes_) {
        if (r.segments.size() != segs.size()) continue;
        params.clear();
        bool ok = true;
        for (std::size_t i = 0; ok && i < segs.size(); ++i) {
            const auto& pat = r.segments[i];
            if (is_capture(pat)) {
                ok = !segs[i].empty() && decode_segment(segs[i], decoded);
                if (ok) params.emplace_back(pat.substr(1, pat.size() - 2), decoded);
            } else {
                ok = pat == segs[i];
            }
        }
        if (!ok) continue;
        if (r.method == method) {
            result.outcome = match_result::kind::found;
            result.target = &r.h;
            result.route = r.pattern;
            result.params = std::move(params);
            return result;
        }
        if (method == "HEAD" && r.method == "GET" && !fallback_get) {
            fallback_get = &r;
            fallback_params = params;
        }
        result.route = r.pattern;
        add_allow(r.method);
        if (r.method == "GET") add_allow("HEAD");
    }
    if (fallback_get) {
        result.outcome = match_result::kind::found;
        result.target = &fallback_get->h;
        result.route = fallback_get->pattern;
        result.params = std::move(fallback_params);
        result.allow.clear();
        return result;
    }
    if (!allow.empty()) {
        result.outcome = match_result::kind::method_not_allowed;
        result.allow = std::move(allow);
    }
    return result;
}

}  // namespace runhub::http
