#include "sandbox/testerarmy/testerarmy_paging.hpp"

#include <algorithm>
#include <array>
#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>

namespace runhub::sandbox::testerarmy {

namespace {

// The OpenAPI pattern of `limit`: ^(?:[1-9]|[1-9][0-9]|100)$
std::optional<int> parse_limit(std::string_view s) {
    if (s.empty() || s.size() > 3 || s[0] == '0') return std::nullopt;
    int v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    if (v < 1 || v > 100) return std::nullopt;
    return v;
}

// Newest first: a precedes b when created later, or at the same ms with a greater id.
bool before(const run_key& a, const run_key& b) {
    return a.created_ms != b.created_ms ? a.created_ms > b.created_ms : a.id > b.id;
}

}  // namespace

bool is_uuid(std::string_view s) {
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return true;
}

bool is_run_status(std::string_view s) {
    static constexpr std::array<std::string_view, 5> all{"queued", "running", "completed", "failed",
                                                         "cancelled"};
    return std::find(all.begin(), all.end(), s) != all.end();
}

list_query_result parse_list_query(std::string_view raw) {
    list_query_result out;
    auto parsed = boost::urls::parse_query(raw);
    if (!parsed) {
        out.error = "query: Invalid query string";
        return out;
    }
    boost::urls::encoding_opts opt;
    opt.space_as_plus = true;
    list_query q;
    for (auto p : boost::urls::params_view(raw, opt)) {
        if (p.key == "limit") {
            auto v = parse_limit(p.value);
            if (!v) {
                out.error = "limit: Expected a number from 1 to 100";
                return out;
            }
            q.limit = *v;
        } else if (p.key == "cursor") {
            q.cursor = p.value;
        } else if (p.key == "status") {
            if (!is_run_status(p.value)) {
                out.error =
                    "status: Invalid enum value. Expected 'queued' | 'running' | 'completed' | "
                    "'failed' | 'cancelled'";
                return out;
            }
            q.status = p.value;
        } else if (p.key == "projectId") {
            q.project_id = p.value;
        } else if (p.key == "testId") {
            q.test_id = p.value;
        }
    }
    out.query = std::move(q);
    return out;
}

std::string encode_cursor(const run_key& k) {
    static constexpr char digits[] = "0123456789abcdef";
    const std::string plain = std::to_string(k.created_ms) + "." + k.id;
    std::string out;
    for (unsigned char c : plain) {
        out += digits[c >> 4];
        out += digits[c & 0xF];
    }
    return out;
}

std::optional<run_key> decode_cursor(std::string_view cursor) {
    if (cursor.empty() || cursor.size() % 2 != 0 || cursor.size() > 256) return std::nullopt;
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    };
    std::string plain;
    for (std::size_t i = 0; i < cursor.size(); i += 2) {
        const int hi = nibble(cursor[i]), lo = nibble(cursor[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        plain += static_cast<char>(hi * 16 + lo);
    }
    const auto dot = plain.find('.');
    if (dot == std::string::npos || dot == 0 || dot > 15 || dot + 1 == plain.size())
        return std::nullopt;
    run_key k;
    for (std::size_t i = 0; i < dot; ++i) {
        if (plain[i] < '0' || plain[i] > '9') return std::nullopt;
        k.created_ms = k.created_ms * 10 + (plain[i] - '0');
    }
    k.id = plain.substr(dot + 1);
    return k;
}

page_slice slice_after(const std::vector<run_key>& keys, const std::optional<run_key>& after,
                       int limit) {
    page_slice s;
    if (after) {
        s.begin = static_cast<std::size_t>(
            std::upper_bound(keys.begin(), keys.end(), *after, before) - keys.begin());
    }
    s.end = std::min(keys.size(), s.begin + static_cast<std::size_t>(std::max(limit, 0)));
    s.has_more = s.end < keys.size();
    return s;
}

}  // namespace runhub::sandbox::testerarmy
