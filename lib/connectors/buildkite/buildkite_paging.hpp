#pragma once
// Buildkite's paging dialect (vendor-notes §4.2): `page` (from 1) and `per_page` (1..100,
// default 30) in the query; the body is a bare array; the next page is named only by the
// RFC 5988 `Link` header's rel="next" (no rel="next": the last page). Runs come newest first
// (documented). No runs filter but `build_id` exists, so every list_query filter is applied
// here; `since` ends the walk once the vendor order passes below it.
#include <optional>
#include <string>
#include <string_view>

#include "connectors/common/connector.hpp"
#include "connectors/common/page_walk.hpp"

namespace runhub::connectors::buildkite {

constexpr int max_per_page = 100;

// …/v2/analytics/organizations/{org}/suites/{suite}/runs?page=P&per_page=N; `base_url` is the
// API root (documented `https://api.buildkite.com`), segments percent-encoded.
std::string runs_url(std::string_view base_url, std::string_view org, std::string_view suite);
std::string list_url(std::string_view base_url, std::string_view org, std::string_view suite,
                     const page_position& at);

// The position of the first request: `limit` (clamped to 1..100) fixes per_page for the walk.
std::optional<page_position> start_position(std::string_view position, int limit);

// The vendor's next page from its Link header: nullopt = the last page; an error when the header
// cannot be parsed, names no page, or does not move forward.
outcome<std::optional<int>> next_page(std::optional<std::string_view> link_header, int current);

bool matches(const model::run& r, const list_query& q);

// A whole answer (body and Link header) -> the connector's page.
outcome<run_page> parse_list_page(std::string_view body,
                                  std::optional<std::string_view> link_header, const list_query& q,
                                  std::string_view source, std::string_view suite,
                                  const page_position& at);

}  // namespace runhub::connectors::buildkite
