#pragma once
// Exactly-once walks over page-number paging (Buildkite, Testmo: `page`/`per_page`). A page number
// is not a stable position: runs created during a walk push older runs down one page, so the next
// page would start with runs already returned. The position therefore carries, besides the page
// number and the page size fixed at the walk's start, a watermark: the oldest created_at seen
// so far and the ids seen at exactly that instant. Runs at or above the watermark that were
// already seen are dropped. This relies on the vendor's documented newest-first order.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/common/connector.hpp"

namespace runhub::connectors {

struct page_position {
    int page = 1;
    int per_page = 0;  // 0: not fixed yet (first page)
    std::optional<model::timestamp> watermark;
    std::vector<std::string> seen_at_watermark;  // native ids
};

// "" is the first page; anything else is what encode_position made. nullopt when garbled.
std::optional<page_position> decode_position(std::string_view text);
std::string encode_position(const page_position& p);

// One vendor page, mapped, in vendor order -> the connector's page. `next_page` is the vendor's
// next page number (nullopt at the end). Drops runs already seen, stops early once the vendor
// order passes below `q.since`, filters by `keep`, sorts newest first.
run_page finish_page(std::vector<model::run> vendor_order, const page_position& at,
                     std::optional<int> next_page, const list_query& q,
                     const std::function<bool(const model::run&)>& keep);

}  // namespace runhub::connectors
