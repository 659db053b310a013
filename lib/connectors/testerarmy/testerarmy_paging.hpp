#pragma once
// TesterArmy's list dialect, as pure functions: GET /api/v1/runs?limit=1..100&cursor=…&
// status=…&projectId=… answers {"runs": [...], "nextCursor": string|null}. The connector's
// position is the vendor's cursor ("" = the first page). See README.md for the order and the
// filters the connector applies itself.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/common/connector.hpp"

namespace runhub::connectors::testerarmy {

inline constexpr int max_page_size = 100;

// The vendor's limit for a requested page size: 1..100.
int page_limit(int requested);

// The vendor `status` value that selects a superset of the wanted statuses, when one does.
std::optional<std::string> native_status_filter(const std::vector<model::run_status>& wanted);

// Path and query of one list call.
std::string list_target(const list_query& q, std::string_view project_id, std::string_view cursor,
                        int limit);

// One vendor page, mapped; `problem` is set (and the rest meaningless) when it is malformed.
struct vendor_page {
    std::vector<model::run> runs;
    std::optional<std::string> next_cursor;
    std::string problem;
};
vendor_page parse_list(std::string_view body, std::string_view source_name);

// Whether a run matches the query's filters (since, until, statuses, branch).
bool matches(const model::run& r, const list_query& q);

// The connector's page from a vendor page: only matching runs, newest first; the walk ends
// early once the vendor's newest-first order has passed below `since`.
run_page finish_page(vendor_page p, const list_query& q);

}  // namespace runhub::connectors::testerarmy
