#pragma once
// GET /api/v1/runs query parsing and cursor paging (vendor-notes.md §2.2), pure.
// Order is createdAt descending then id descending [assumed]; a cursor names the last run
// returned, so runs created meanwhile never shift a page.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runhub::sandbox::testerarmy {

struct list_query {
    int limit = 20;  // "default 20, max 100" (OpenAPI; the docs page says 10)
    std::string cursor, status, project_id, test_id;
};

// Either a query or the ValidationError message ("limit: ...").
struct list_query_result {
    std::optional<list_query> query;
    std::string error;
};
list_query_result parse_list_query(std::string_view raw_query);

// 8-4-4-4-12 hex, the `format: uuid` of path ids.
bool is_uuid(std::string_view s);

// queued | running | completed | failed | cancelled
bool is_run_status(std::string_view s);

struct run_key {
    std::int64_t created_ms = 0;
    std::string id;
};
std::string encode_cursor(const run_key& k);
std::optional<run_key> decode_cursor(std::string_view cursor);

struct page_slice {
    std::size_t begin = 0, end = 0;  // [begin, end) of the keys
    bool has_more = false;
};
// `keys` sorted newest first. The page starts after `after` (or at the top) and holds at most
// `limit` keys.
page_slice slice_after(const std::vector<run_key>& keys, const std::optional<run_key>& after,
                       int limit);

}  // namespace runhub::sandbox::testerarmy
