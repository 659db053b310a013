#pragma once
// Buildkite REST paging (vendor-notes.md §4.2), pure: `page` (from 1, default 1) and `per_page`
// (default 30, max 100; larger values are capped [assumed]), and the RFC 5988 `Link` header
// with rel next/prev/first/last as absolute URLs. The body is a bare array; the end of the list
// is a page without rel="next".
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runhub::sandbox::buildkite {

struct page_query {
    int page = 1;
    int per_page = 30;
    std::string build_id;           // runs: the only filter
    bool failure_expanded = false;  // failed_executions: include_failure_expanded
};

struct page_query_result {
    std::optional<page_query> query;
    std::string error;  // the {"message"} text when query is empty
};
page_query_result parse_page_query(std::string_view raw_query);

struct page_slice {
    std::size_t begin = 0, end = 0;  // [begin, end) of the items; empty past the end
    int last_page = 1;
};
page_slice slice_page(std::size_t total, int page, int per_page);

// Percent-encodes a query parameter value (unreserved characters stay).
std::string encode_param(std::string_view value);

// `Link: <url?page=2&per_page=30>; rel="next", <...>; rel="last", ...`; "" when there is only
// one page and it is this one. `url` is absolute, without a query; `extra` holds the other
// query parameters to keep ("build_id=…"), already encoded.
std::string link_header(const std::string& url, const std::string& extra, int page, int per_page,
                        int last_page);

}  // namespace runhub::sandbox::buildkite
