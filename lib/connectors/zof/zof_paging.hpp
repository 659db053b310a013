#pragma once
// Zof's paging dialect (vendor-notes §5.3): `limit` (1..100, default 20) and
// `starting_after=<next_cursor>`; the answer is {"data":[...],"has_more":bool,"next_cursor":..}.
// A connector position is the vendor's cursor itself ("" = the first page).
//
// Filters: `project_id`, `status` (comma list), `created_after`, `created_before` are sent to
// Zof (their names are not documented: vendor-notes §5.2 [assumed]); every filter is applied
// again to the mapped runs, so a vendor that ignores one still yields exactly the matching runs.
#include <string>
#include <string_view>

#include "connectors/common/connector.hpp"

namespace runhub::connectors::zof {

constexpr int max_limit = 100;

// The list URL for one page. `limit` is clamped to 1..100.
std::string list_url(std::string_view base_url, const list_query& q, std::string_view project_id,
                     std::string_view position, int limit);

// True when no run can match (only statuses Zof has no value for were asked): skip the call.
bool matches_nothing(const list_query& q);

// Whether a mapped run matches the query and the configured project ("" = any).
bool matches(const model::run& r, const list_query& q, std::string_view project_id);

// One answer body -> the page: runs mapped, filtered, newest first; `next` from has_more and
// next_cursor. A non-JSON body, a wrong type, has_more without a new cursor -> malformed.
outcome<run_page> parse_list_page(std::string_view body, const list_query& q,
                                  std::string_view source, std::string_view project_id,
                                  std::string_view position);

}  // namespace runhub::connectors::zof
