#include "cache/cache_key.hpp"

#include <algorithm>
#include <charconv>

#include "model/run_status.hpp"
#include "model/timestamp.hpp"

namespace runhub::cache {
namespace {

constexpr std::string_view version_prefix = "v1|";

void append_field(std::string& out, std::string_view field) {
    out += std::to_string(field.size());
    out += ':';
    out += field;
}

// "-" for absent, "+" then the text for present: absent and empty stay distinct.
void append_optional(std::string& out, const std::optional<std::string>& v) {
    append_field(out, v ? "+" + *v : std::string("-"));
}

std::string start(key_kind k) {
    std::string out(version_prefix);
    out += static_cast<char>(k);
    out += '|';
    return out;
}

}  // namespace

cache_key cache_key::for_run(std::string_view source, std::string_view native_id) {
    std::string text = start(key_kind::run);
    append_field(text, source);
    append_field(text, native_id);
    return cache_key(key_kind::run, std::string(source), std::move(text));
}

cache_key cache_key::for_idempotency(std::string_view caller, std::string_view source,
                                     std::string_view key) {
    std::string text = start(key_kind::idempotency);
    append_field(text, caller);
    append_field(text, source);
    append_field(text, key);
    return cache_key(key_kind::idempotency, std::string(source), std::move(text));
}

cache_key cache_key::for_answer(std::string_view caller, std::string_view query) {
    std::string text = start(key_kind::answer);
    append_field(text, caller);
    append_field(text, query);
    return cache_key(key_kind::answer, std::string(), std::move(text));
}

cache_key cache_key::for_failures(std::string_view source, std::string_view native_id) {
    std::string text = start(key_kind::failures);
    append_field(text, source);
    append_field(text, native_id);
    return cache_key(key_kind::failures, std::string(source), std::move(text));
}

cache_key cache_key::for_page(std::string_view source, std::string_view normalized_query,
                              std::string_view position) {
    std::string text = start(key_kind::page);
    append_field(text, source);
    append_field(text, normalized_query);
    append_field(text, position);
    return cache_key(key_kind::page, std::string(source), std::move(text));
}

cache_key cache_key::for_page(std::string_view source, const connectors::list_query& q,
                              std::string_view position, int limit) {
    return for_page(source, normalize_query(q, limit), position);
}

std::string normalize_query(const connectors::list_query& q, int limit) {
    std::string out;
    std::optional<std::string> since, until;
    if (q.since) since = model::format_timestamp(*q.since);
    if (q.until) until = model::format_timestamp(*q.until);
    append_optional(out, since);
    append_optional(out, until);
    std::vector<model::run_status> statuses = q.statuses;
    std::sort(statuses.begin(), statuses.end());
    statuses.erase(std::unique(statuses.begin(), statuses.end()), statuses.end());
    std::string status_field;
    for (auto s : statuses) append_field(status_field, model::to_string(s));
    append_field(out, status_field);
    append_optional(out, q.branch);
    append_field(out, std::to_string(limit));
    return out;
}

std::optional<key_parts> parse_key(std::string_view text) {
    if (!text.starts_with(version_prefix)) return std::nullopt;
    text.remove_prefix(version_prefix.size());
    if (text.size() < 2 || text[1] != '|') return std::nullopt;
    key_parts parts{};
    switch (text[0]) {
        case 'r':
            parts.kind = key_kind::run;
            break;
        case 'f':
            parts.kind = key_kind::failures;
            break;
        case 'p':
            parts.kind = key_kind::page;
            break;
        case 'i':
            parts.kind = key_kind::idempotency;
            break;
        case 'a':
            parts.kind = key_kind::answer;
            break;
        default:
            return std::nullopt;
    }
    text.remove_prefix(2);
    while (!text.empty()) {
        std::size_t len = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), len);
        if (ec != std::errc{} || end == text.data() + text.size() || *end != ':') {
            return std::nullopt;
        }
        // Canonical lengths only: no leading zeros ("0" itself is fine).
        std::size_t digits = static_cast<std::size_t>(end - text.data());
        if (digits > 1 && text[0] == '0') return std::nullopt;
        text.remove_prefix(digits + 1);
        if (len > text.size()) return std::nullopt;
        parts.fields.emplace_back(text.substr(0, len));
        text.remove_prefix(len);
    }
    std::size_t want = parts.kind == key_kind::page || parts.kind == key_kind::idempotency ? 3 : 2;
    if (parts.fields.size() != want) return std::nullopt;
    return parts;
}

}  // namespace runhub::cache
