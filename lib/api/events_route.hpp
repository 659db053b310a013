#pragma once
// GET /v1/runs/{id}/events: Server-Sent Events of a run's status. One `status` event with the
// run's JSON at once and on every change after, each with the status as its event id (statuses
// only move forward, so the id names the change); `Last-Event-ID` resumes: the status it names
// is not sent again. A heartbeat comment every 15 s (events_options); the stream ends after the
// terminal event. Shares run_watch's poller with ?wait=.
#include <chrono>
#include <memory>

#include "api/api_keys.hpp"
#include "api/run_watch.hpp"
#include "api/runs_routes.hpp"
#include "http/router.hpp"

namespace runhub::api {

struct events_options {
    // A comment line (": heartbeat") when the run has not changed for this long; serve takes it
    // from the setting api.sse_heartbeat_ms.
    std::chrono::milliseconds heartbeat{15'000};
};

void add_events_route(http::router& r, std::shared_ptr<const source_set> sources,
                      std::shared_ptr<const key_store> keys, std::shared_ptr<run_watch> watch,
                      events_options o = {});

}  // namespace runhub::api
