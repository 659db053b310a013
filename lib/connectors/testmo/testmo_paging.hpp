#pragma once
// Testmo's paging dialect (vendor-notes §3.2): `page` and `per_page` ∈ {15, 25, 50, 100}
// (another value is a 422); the answer is {page, prev_page, next_page, last_page, per_page,
// total, result:[...]}; the last page has next_page null or page == last_page. Sorted by
// created_at, `order=desc` (the documented default) gives newest first.
//
// Native filters: `created_after`, `created_before` (ISO 8601 UTC; widened by a second since
// their inclusivity is undocumented), `status` (comma list of 2/3/4). Every filter is applied
// again to the mapped runs; `branch` (not a Testmo filter) only there.
#include <boost/json/fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "connectors/common/connector.hpp"
#include "connectors/common/page_walk.hpp"

namespace runhub::connectors::testmo {

// The smallest allowed page size holding `limit` runs (100 at most).
int page_size_for(int limit);

// The position of a request; `limit` fixes per_page for the walk on the first page.
std::optional<page_position> start_position(std::string_view position, int limit);

// True when no Testmo run can match the statuses asked (only queued/canceled/stale).
bool matches_nothing(const list_query& q);

std::string list_url(std::string_view base_url, std::string_view project_id, const list_query& q,
                     const page_position& at);

bool matches(const model::run& r, const list_query& q);

// A whole answer -> the connector's page.
outcome<run_page> parse_list_page(std::string_view body, const list_query& q,
                                  std::string_view source, std::string_view base_url,
                                  const page_position& at);

// The next page of any Testmo page envelope: nullopt at the end; malformed when it does not
// move forward.
outcome<std::optional<int>> next_page(const boost::json::value& envelope, int current);

}  // namespace runhub::connectors::testmo
