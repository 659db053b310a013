#pragma once
// POST /v1/webhooks/{source}: a vendor's news of a run, pushed. No API key: the vendor proves
// itself by a signature or shared secret, which the source's connector (read_webhook) checks
// against the source's configured `webhook_secret`.
//
//   unknown source, or no webhook secret configured for it -> 404 (as if the route were absent)
//   wrong or missing signature/secret                      -> 401, nothing changes
//   a body the vendor would not send                       -> 400
//   a hint naming a run the vendor does not know           -> 404 unknown_run, nothing recorded
//   the vendor unreachable while a hint is read            -> 503, nothing recorded (send again)
//   a valid event                                          -> 200 {"ok": true, "duplicate": d,
//                                                                  "applied": a}
//
// A valid event is applied once per (source, event id) for `dedupe_ttl` (the key is kept in the
// run-state cache, so replicas sharing Redis agree): its run goes into the cache (fresh for the
// run's TTL) and run_watch::publish() wakes every ?wait= and /events caller at once. A second
// delivery of the same event changes nothing. An event that carries the run is merged over the
// run known (cached, else read once); an event that is only a hint (webhook_event::refresh: an
// id and a status) makes the run be read from the vendor past the cache.
//
// Late events: an event never moves a run backwards. One that reports an unfinished state of a
// run known terminal, `queued` of a run known running, or an end earlier than the known run's
// `completed_at` is recorded (a duplicate of it stays a duplicate) but changes nothing and wakes
// nobody: "applied": false.
#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "api/run_watch.hpp"
#include "api/runs_routes.hpp"
#include "cache/cache.hpp"
#include "http/router.hpp"

namespace runhub::api {

struct webhook_options {
    std::map<std::string, std::string, std::less<>> secrets;  // by source name
    std::chrono::milliseconds dedupe_ttl{24 * 3'600'000};
};

void add_webhook_route(http::router& r, std::shared_ptr<const source_set> sources,
                       std::shared_ptr<cache::cache> run_cache, std::shared_ptr<run_watch> watch,
                       webhook_options o);

}  // namespace runhub::api
