#pragma once
// `GET /v1/runs`: the query parameters and cursor paging, as pure functions.
// limit 1..100 (default 20), starting_after = the previous page's next_cursor (the id of its
// last run), filters project_id, status (comma list), created_after, created_before.
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sandbox/zof/zof_error.hpp"
#include "sandbox/zof/zof_run.hpp"

namespace runhub::sandbox::zof {

inline constexpr int default_limit = 20;
inline constexpr int max_limit = 100;

struct list_query {
    int limit = default_limit;
    std::optional<std::string> starting_after;
    std::optional<std::string> project_id;
    std::vector<std::string> statuses;         // empty = any
    std::optional<time_point> created_after;   // strictly after
    std::optional<time_point> created_before;  // strictly before
};

// Parses a raw query string ("limit=5&status=failed,error"). Errors name the parameter.
std::variant<list_query, api_error> parse_list_query(std::string_view raw_query);

// Decoded (key, value) pairs of a raw query string; nullopt when it does not parse.
std::optional<std::vector<std::pair<std::string, std::string>>> decode_query(std::string_view raw);

bool matches(const list_query& q, const run_record& r);

struct page {
    std::vector<const run_record*> data;
    bool has_more = false;
    std::optional<std::string> next_cursor;
};

// `runs` are the current states of all runs, newest first (created_at desc, id desc). The page
// holds the matching runs after the cursor run's position; an unknown cursor is a 400.
std::variant<page, api_error> paginate(const std::vector<run_record>& runs, const list_query& q);

}  // namespace runhub::sandbox::zof
