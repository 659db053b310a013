#pragma once
// Sofy's list dialect as pure functions. fetch-scheduled-runs pages test-run records (not
// groups) by pageNumber/pageSize within a date window (fromDate/endDate, "YYYY-MM-DD HH:MM"
// UTC, default the last 7 days) and says totalRecordsFound. The connector turns that into pages
// of whole groups; see README.md for the walk (frozen window, record offset, watermark).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/common/connector.hpp"
#include "connectors/sofy/sofy_mapping.hpp"

namespace runhub::connectors::sofy {

inline constexpr int vendor_page_size = 100;  // the documented maximum
inline constexpr std::chrono::days default_lookback{90};

// Where a walk stands. The window is fixed by the first page so that every page of a walk
// asks the vendor the same question.
struct sofy_position {
    std::int64_t offset = 0;              // records of the window consumed so far
    std::int64_t from_min = 0;            // fromDate, minutes since the epoch
    std::int64_t end_min = 0;             // endDate, minutes since the epoch
    std::optional<std::int64_t> mark_ms;  // created_at of the last run returned
    std::string mark_id;                  // and its id: runs at or above it were returned
};

std::string encode_position(const sofy_position& p);
std::optional<sofy_position> decode_position(std::string_view text);

// The window a new walk asks for: [floor(since), floor(until or now) + 1 min], since defaulting
// to now - lookback.
sofy_position first_position(const list_query& q, model::timestamp now,
                             std::chrono::days lookback = default_lookback);

std::string format_minute(std::int64_t minutes);  // "YYYY-MM-DD HH:MM"

// The page size (at most 100) whose page holding record `offset` has the most records from
// `offset` on: 100 when offset is a multiple of 100, else the size that lets a walk resuming in
// the middle of a vendor page (at a group deferred from that page's end) read on from there
// instead of reading the start of that page again and then the next one.
int page_size_for(std::int64_t offset);

// Path and query of the vendor page of `page_size` records holding record `offset`
// (+ `extra_pages`).
std::string list_target(const sofy_position& p, std::string_view application_guid,
                        int extra_pages = 0, int page_size = vendor_page_size);

struct vendor_page {
    std::vector<sofy_record> records;
    std::int64_t total = 0;  // totalRecordsFound
    std::string problem;     // set when malformed
};
vendor_page parse_list(std::string_view body);

// Whether a run matches the query (statuses, since, until; Sofy runs have no branch).
bool matches(const model::run& r, const list_query& q);

// Turns the window's records from `p.offset` on into whole groups. `records` starts at record
// p.offset; `at_end` says it reaches the end of the window. At most `limit` groups are taken.
struct assembled {
    std::vector<model::run> runs;       // the taken groups that match q, newest first
    std::optional<sofy_position> next;  // nullopt: the walk is over
    bool need_more = false;             // no whole group yet: append the next vendor page
};
assembled assemble(const std::vector<sofy_record>& records, const sofy_position& p, bool at_end,
                   int limit, const list_query& q, std::string_view source_name,
                   std::string_view default_guid = "");

}  // namespace runhub::connectors::sofy
