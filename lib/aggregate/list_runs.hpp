#pragma once
// One page of GET /v1/runs: decode the cursor, then merge the selected sources' streams,
// fetching their pages lazily and concurrently (merge + fan_out), and encode the next cursor.
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aggregate/cursor_codec.hpp"
#include "aggregate/source_status.hpp"
#include "connectors/common/connector.hpp"
#include "model/run.hpp"

namespace runhub::aggregate {

struct list_request {
    connectors::list_query query;
    // The selected sources, each name once; reports come back in this order.
    std::vector<std::shared_ptr<connectors::connector>> sources;
    std::size_t limit = 50;                  // the facade has checked 1..200
    std::string cursor;                      // "" = the first page
    std::string key_identity;                // who asks: a cursor only works for the same identity
    connectors::clock::time_point deadline;  // the whole request's
};

struct list_result {
    std::vector<model::run> data;            // model::newer_first order
    std::optional<std::string> next_cursor;  // nullopt at the end of the walk
    std::vector<source_report> sources;      // one per selected source
    // How the pages of this answer were had, when a cache stands in front of the sources:
    // stale if any page was served stale, else hit if every page was a hit, else miss (none
    // when no cache answered); age is the oldest cached page's; fresh_until the first expiry
    // of the pages merged, when every page had one and none was stale.
    connectors::cache_note cache;
};

// A refused cursor is a cursor_error (the facade answers 400); failing sources are marked in
// `sources`, never an error here. Whether a partial or empty answer is an error
// (?consistency=strict, every source failing) is for the caller to decide from `sources`.
boost::asio::awaitable<boost::system::result<list_result>> list_runs(
    list_request req, std::shared_ptr<const cursor_codec> codec);

}  // namespace runhub::aggregate
