#pragma once
// Asks several sources for one page each, concurrently, under one request deadline with a
// per-source deadline inside it. Every outcome comes back as a value: one source failing or
// hanging never loses the others' pages.
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aggregate/source_status.hpp"
#include "connectors/common/connector.hpp"

namespace runhub::aggregate {

struct fetch_job {
    std::shared_ptr<connectors::connector> source;
    connectors::list_query query;
    std::string position;
    int limit = 0;
};

struct fetch_result {
    source_status status = source_status::error;  // ok, stale, error or timeout
    std::optional<connectors::run_page> page;     // set when ok or stale
    connectors::connector_error error;            // meaningful when not ok
    connectors::cache_note cache;                 // how the page was had (ok or stale)
};

// Calls source->list() of every job at once, each with the deadline
// min(request_deadline, now + source().timeout). Returns one result per job, in job order, as
// soon as all calls have answered or, at the latest, at the request deadline: a call still
// running at its deadline is sent a cancellation, left to finish on its own (it keeps its
// connector alive through the shared_ptr), and reported as `timeout`. A connector error of
// kind timeout is reported as `timeout` too; an exception escaping a connector as `error`.
// The calls run on a strand of the caller's executor.
boost::asio::awaitable<std::vector<fetch_result>> fan_out(
    std::vector<fetch_job> jobs, connectors::clock::time_point request_deadline);

}  // namespace runhub::aggregate
