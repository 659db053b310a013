#include "http/upstream_error.hpp"

#include <charconv>
#include <ctime>

namespace runhub::http {

std::string_view to_string(upstream_error_kind k) {
    switch (k) {
        case upstream_error_kind::none:
            return "none";
        case upstream_error_kind::network:
            return "network";
        case upstream_error_kind::tls:
            return "tls";
        case upstream_error_kind::timeout:
            return "timeout";
        case upstream_error_kind::canceled:
            return "canceled";
        case upstream_error_kind::client:
            return "client";
        case upstream_error_kind::server:
            return "server";
        case upstream_error_kind::throttled:
            return "throttled";
        case upstream_error_kind::malformed:
            return "malformed";
        case upstream_error_kind::circuit_open:
            return "circuit_open";
    }
    return "unknown";
}

upstream_error_kind classify_status(int status) {
    if (status == 429) return upstream_error_kind::throttled;
    if (status == 408 || status >= 500) return upstream_error_kind::server;
    if (status >= 400) return upstream_error_kind::client;
    if (status >= 100) return upstream_error_kind::none;
    return upstream_error_kind::malformed;
}

bool retryable(upstream_error_kind k) {
    return k == upstream_error_kind::network || k == upstream_error_kind::server ||
           k == upstream_error_kind::throttled;
}

bool counts_as_failure(upstream_error_kind k) {
    return k == upstream_error_kind::network || k == upstream_error_kind::tls ||
           k == upstream_error_kind::timeout || k == upstream_error_kind::server ||
           k == upstream_error_kind::malformed;
}

std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now) {
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    if (value.empty()) return std::nullopt;
    if (value.front() >= '0' && value.front() <= '9') {
        long long secs = 0;
        auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), secs);
        if (ec != std::errc() || p != value.data() + value.size() || secs < 0) return std::nullopt;
        return std::chrono::milliseconds(secs * 1000);
    }
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    std::tm tm{};
    std::string copy(value);
    const char* end = strptime(copy.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (!end || *end != '\0') return std::nullopt;
    auto when = std::chrono::system_clock::from_time_t(timegm(&tm));
    auto delta = std::chrono::duration_cast<std::chrono::milliseconds>(when - now);
    return delta.count() < 0 ? std::chrono::milliseconds(0) : delta;
}

}  // namespace runhub::http
