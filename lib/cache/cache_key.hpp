#pragma once
// What the cache is keyed by: a run by (source, native id), a run's failures likewise, a list
// page by (source, normalized query, position, page hint).
//
// The key text is a format version and a one-letter kind, then the fields, each
// length-prefixed ("<decimal length>:<bytes>", netstring-like), e.g. run ci/42 ->
// "v1|r|2:ci2:42", run a:b/c -> "v1|r|3:a:b1:c", run a/b:c -> "v1|r|1:a3:b:c". Every field
// is read back by its length, so no bytes inside a field (':' or '|' included) can shift a field
// boundary: two keys are equal exactly when kind and every field are equal. Keys of different
// sources, or of a run and a page, can never collide.
#include <compare>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/common/connector.hpp"

namespace runhub::cache {

enum class key_kind : char {
    run = 'r',
    failures = 'f',
    page = 'p',
    idempotency = 'i',
    answer = 'a'
};

class cache_key {
  public:
    static cache_key for_run(std::string_view source, std::string_view native_id);
    static cache_key for_failures(std::string_view source, std::string_view native_id);
    // `normalized_query` as made by normalize_query (or any canonical text of the caller's).
    static cache_key for_page(std::string_view source, std::string_view normalized_query,
                              std::string_view position);
    // The usual form: the query normalized here, `limit` the walk's page hint (a connector's
    // page depends on it, so it is part of what the page is).
    static cache_key for_page(std::string_view source, const connectors::list_query& q,
                              std::string_view position, int limit);

    // A trigger's Idempotency-Key, per caller (API key name) and source: the first answer is
    // kept under it (24 h) and replayed.
    static cache_key for_idempotency(std::string_view caller, std::string_view source,
                                     std::string_view key);

    // A finished answer of the facade, per caller (API key name) and the request's query
    // text; kept by the process that made it (see api/list_answers.hpp).
    static cache_key for_answer(std::string_view caller, std::string_view query);

    key_kind kind() const { return kind_; }
    const std::string& source() const { return source_; }  // for per-source policy
    const std::string& str() const { return text_; }       // the whole key (store / Redis key)

    friend bool operator==(const cache_key& a, const cache_key& b) { return a.text_ == b.text_; }
    friend std::strong_ordering operator<=>(const cache_key& a, const cache_key& b) {
        return a.text_ <=> b.text_;
    }

  private:
    cache_key(key_kind k, std::string source, std::string text)
        : kind_(k), source_(std::move(source)), text_(std::move(text)) {}
    key_kind kind_;
    std::string source_;
    std::string text_;
};

// The canonical text of a list query: since and until in RFC 3339 UTC milliseconds, the set of
// statuses sorted and deduplicated, branch, limit; each field length-prefixed, absent fields
// distinct from empty ones. Two queries that select the same runs in the same pages give the
// same text (status order and repeats do not matter).
std::string normalize_query(const connectors::list_query& q, int limit);

// Splits a key's text back into kind and fields; nullopt when it is not a well-formed key.
// (Tests prove injectivity with it; a Redis store may use it to check what it reads.)
struct key_parts {
    key_kind kind;
    std::vector<std::string> fields;
};
std::optional<key_parts> parse_key(std::string_view text);

}  // namespace runhub::cache

template <>
struct std::hash<runhub::cache::cache_key> {
    std::size_t operator()(const runhub::cache::cache_key& k) const noexcept {
        return std::hash<std::string>{}(k.str());
    }
};
