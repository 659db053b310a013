#pragma once
// Query parameters and page-number paging of Testmo's list endpoints, as pure functions.
// Automation runs: page, per_page ∈ {15, 25, 50, 100} (default 100), sort, order, created_after,
// created_before, status (2/3/4 comma list; `state` as an alias), config_id, created_by,
// milestone_id, source_id, tags, expands. Run tests: page, per_page 100..1000, sort, order,
// thread_id, status_id.
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sandbox/testmo/testmo_error.hpp"
#include "sandbox/testmo/testmo_run.hpp"

namespace runhub::sandbox::testmo {

struct run_list_query {
    std::int64_t page = 1;
    int per_page = 100;
    bool ascending = false;
    std::optional<time_point> created_after;   // strictly after
    std::optional<time_point> created_before;  // strictly before
    std::vector<std::int64_t> statuses, config_ids, created_by, milestone_ids, source_ids;
    std::vector<std::string> tags;  // a run matches when it has any of them
    std::vector<std::string> expands;
};

struct test_list_query {
    std::int64_t page = 1;
    int per_page = 100;
    std::string sort = "id";  // id | name | status | elapsed | created_at
    bool ascending = false;
    std::vector<std::int64_t> thread_ids, status_ids;
};

std::variant<run_list_query, api_error> parse_run_list_query(std::string_view raw);
std::variant<test_list_query, api_error> parse_test_list_query(std::string_view raw);
// `expands` of GET /automation/runs/{id}.
std::variant<std::vector<std::string>, api_error> parse_expands_only(std::string_view raw);

std::optional<std::vector<std::pair<std::string, std::string>>> decode_query(std::string_view raw);

bool matches(const run_list_query& q, const run_record& r);

// The page envelope's numbers: page and last_page are null for an empty result.
struct page_window {
    std::optional<std::int64_t> page, prev_page, next_page, last_page;
    std::int64_t total = 0;
    std::size_t first = 0, count = 0;  // the slice of the matching items
};
page_window window(std::int64_t total, std::int64_t page, int per_page);

}  // namespace runhub::sandbox::testmo
