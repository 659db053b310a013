#pragma once
// What a GET /v1/runs cursor carries between pages (see README.md, "The cursor"): the watermark
// of the last run returned and, per source, where its unconsumed runs start.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/run.hpp"
#include "model/timestamp.hpp"

namespace runhub::aggregate {

// The merge-order key of the last run returned. A run belongs to a later page only when it
// sorts strictly after the watermark in model::newer_first order.
struct watermark {
    std::optional<model::timestamp> created_at;  // missing sorts last, as in newer_first
    std::string id;
    bool operator==(const watermark&) const = default;
};

watermark watermark_of(const model::run& r);

// True when `r` comes strictly after `w` in model::newer_first order (it is "older").
bool after_watermark(const model::run& r, const watermark& w);

// One source's place in a walk.
struct source_position {
    std::string source;      // configured source name
    std::string position;    // the connector's opaque position of the page holding the source's
                             // next unconsumed run ("" = its newest page)
    bool exhausted = false;  // the source has no runs left for this walk
    bool operator==(const source_position&) const = default;
};

struct cursor_state {
    watermark last;                        // the last run of the previous page
    std::uint32_t page_hint = 0;           // the limit passed to every connector in this walk,
                                           // so that their positions stay meaningful
    std::vector<source_position> sources;  // sorted by source name, one per selected source
    bool operator==(const cursor_state&) const = default;
};

}  // namespace runhub::aggregate
