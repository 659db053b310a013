#pragma once
// fetch-scheduled-runs query parsing and paging (vendor-notes.md §1.4), pure: `fromDate` and
// `endDate` as `YYYY-MM-DD HH:MM` UTC (default: the last 7 days), `pageNumber` from 1 (default
// 1), `pageSize` default 20 and silently capped to 100, `applicationGuid`.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace runhub::sandbox::sofy {

using time_point = std::chrono::system_clock::time_point;

struct fetch_query {
    time_point from, until;  // scheduledAt in [from, until)
    int page_number = 1;
    int page_size = 20;
    std::string application_guid;
};

struct fetch_query_result {
    std::optional<fetch_query> query;
    std::string message, details;  // the 400 error when query is empty
};

// `now` gives the default window. An endDate names a whole minute, which is included [assumed].
fetch_query_result parse_fetch_query(std::string_view raw_query, time_point now);

// "2026-03-20 00:45" → time; false on anything else.
bool parse_sofy_date(std::string_view text, time_point& out);

// Decoded key/value pairs of a query string; nullopt when it does not parse.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_params(std::string_view raw);

struct page_slice {
    std::size_t begin = 0, end = 0;
};
// Page `page_number` of `total` items; empty past the end.
page_slice slice_page(std::size_t total, int page_number, int page_size);

}  // namespace runhub::sandbox::sofy
