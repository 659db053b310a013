#pragma once
// The contract between the aggregator (fan-out, merge, cursor) and one vendor's connector.
// A connector speaks its vendor's API through the shared HTTP client and hands back
// model::run values; vendor types and quirks never leave its folder.
//
// Thread-safety: a connector may be called concurrently from several coroutines.
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "http/client.hpp"
#include "http/header_fields.hpp"
#include "http/upstream_error.hpp"
#include "model/failure.hpp"
#include "model/run.hpp"

namespace runhub::connectors {

// One configured source (several may share a vendor).
struct source_config {
    std::string name;        // "zof", "testmo-mobile"; the prefix of run ids
    std::string vendor;      // sofy | testerarmy | testmo | buildkite | zof
    std::string base_url;    // the vendor API root as documented, e.g. "https://api.zof.ai"
                             // (the sandbox: its /_sandbox/info base_url); no trailing slash
    std::string credential;  // the secret itself (resolved from env/file by the config loader)
    // The vendor's scope ids: sofy {application_guid, schedule_guid}, testmo {project_id},
    // buildkite {org, suite}, testerarmy {project_id}, zof {project_id}.
    std::map<std::string, std::string> scope;
    std::chrono::milliseconds timeout{10'000};  // per upstream call, within the request's deadline
};

// What GET /v1/runs asks of every source. Empty/absent members filter nothing.
struct list_query {
    std::optional<model::timestamp> since;  // created_at >= since
    std::optional<model::timestamp> until;  // created_at <  until
    std::vector<model::run_status> statuses;
    std::optional<std::string> branch;
};

// One page of a source's runs, newest first (model::newer_first), all matching the query.
struct run_page {
    std::vector<model::run> runs;
    // Where the next page starts, opaque to everyone but the connector; nullopt at the end.
    std::optional<std::string> next;
};

// A failed upstream call, classified once.
struct connector_error {
    http::upstream_error_kind kind = http::upstream_error_kind::network;
    int http_status = 0;       // the vendor's status when it answered, else 0
    std::string detail;        // for logs only; may hold vendor text, never shown verbatim
    bool not_found = false;    // the vendor said the id does not exist
    bool unsupported = false;  // the vendor cannot do this operation (facade answers 501)
    // The caller's request is wrong (facade answers 400 naming `field`, with `message`): a
    // target member missing or of the wrong type, found by the connector before any call, or
    // the vendor's own validation answer translated.
    bool invalid = false;
    bool conflict = false;  // the run is in a state that forbids it, e.g. already terminal (409)
    bool unauthorized = false;  // a webhook's signature or secret is wrong (facade answers 401)
    std::string field;          // with invalid: the target member at fault ("target.test_id")
    std::string message;        // with invalid/conflict/unsupported: safe to show the caller
};

// How a value reached the caller when a cache stands in front of the connector (set by the
// cache, never by a connector).
struct cache_note {
    enum class kind { none, hit, miss, stale };
    kind how = kind::none;        // none: no cache asked
    std::chrono::seconds age{0};  // of the value (RFC 9111 Age)
    // stale: the failure that made the cache serve an expired value
    std::optional<connector_error> stale_because;
    // hit or miss: until when the cached value stays fresh (wall clock)
    std::optional<std::chrono::system_clock::time_point> fresh_until;
};

template <class T>
struct outcome {
    std::optional<T> value;  // set on success
    connector_error error;   // meaningful when !value
    cache_note cache;        // set on success when a cache answered
    bool ok() const { return value.has_value(); }
    static outcome success(T v) { return {std::move(v), {}, {}}; }
    static outcome failure(connector_error e) { return {std::nullopt, std::move(e), {}}; }
};

using clock = std::chrono::steady_clock;

// POST /v1/runs: start a run. `target` is the vendor's own (DESIGN.md, issue 6), e.g. Zof
// {project_id, environment, test_case_ids | test_suite_id}; the connector checks it.
struct trigger_request {
    boost::json::object target;
    std::string idempotency_key;  // "" = none; forwarded where the vendor honours one (Zof)
};

struct trigger_result {
    model::run run;            // the started run, normalized (as get() would give it)
    bool queued_only = false;  // the vendor only queued it (the facade answers 202, else 201)
};

// A vendor's webhook, verified and read: its event id (duplicates share it) and the run it
// reports (none: an event runhub does not use, accepted and ignored).
struct webhook_event {
    std::string id;
    std::optional<model::run> run;
    // The event is a hint, not the run: `run` carries only its native id (as the vendor names
    // it; get() takes it) and the status the event reports. The facade reads the run from the
    // vendor and applies that (the event's terminal status wins over a read that lags).
    bool refresh = false;
};

// A run serialized as the API sends it, and its ETag (unquoted; empty: not computed yet).
struct serialized_run {
    std::string body;
    std::string etag;
};

class connector {
  public:
    virtual ~connector() = default;
    virtual const source_config& source() const = 0;

    // The page of runs matching `q` that starts at `position` ("" = the newest), holding at most
    // about `limit` runs (a hint: the connector may return fewer, never more than the vendor's
    // page). Every run of the source matching q appears in exactly one page of a walk.
    virtual boost::asio::awaitable<outcome<run_page>> list(list_query q, std::string position,
                                                           int limit,
                                                           clock::time_point deadline) = 0;
    virtual boost::asio::awaitable<outcome<model::run>> get(std::string native_id,
                                                            clock::time_point deadline) = 0;
    virtual boost::asio::awaitable<outcome<std::vector<model::test_failure>>> failures(
        std::string native_id, clock::time_point deadline) = 0;
    // The run as GET /v1/runs/{id} sends it: model::to_json(run, include_raw), serialized.
    // Default: get() and serialize; a layer that keeps runs serialized (the cache) answers
    // with the bytes it holds and their ETag.
    virtual boost::asio::awaitable<outcome<serialized_run>> get_json(std::string native_id,
                                                                     clock::time_point deadline,
                                                                     bool include_raw);

    // Starts a run. Default: the vendor cannot (unsupported). Not idempotent by itself: the
    // facade deduplicates by Idempotency-Key; never retried on an ambiguous failure.
    virtual boost::asio::awaitable<outcome<trigger_result>> trigger(trigger_request req,
                                                                    clock::time_point deadline);
    // Cancels a run; answers the run as it is after the cancel (get() may show it later as
    // canceled). Default: unsupported. Already terminal: conflict.
    virtual boost::asio::awaitable<outcome<model::run>> cancel(std::string native_id,
                                                               clock::time_point deadline);
    // POST /v1/webhooks/{source}: checks the vendor's signature or shared secret over the raw
    // body with the source's `secret` (a wrong or missing one: kind client, unauthorized) and
    // reads the event. No I/O. Default: unsupported (the vendor sends no webhooks runhub reads).
    virtual outcome<webhook_event> read_webhook(const http::header_fields& h, std::string_view body,
                                                std::string_view secret) const;
};

// What every connector is built with.
struct connector_deps {
    std::shared_ptr<http::client> client;  // shared pool, TLS settings (CA file) included
    http::retry_policy retry;              // for idempotent calls
    std::function<std::chrono::system_clock::time_point()> now = [] {
        return std::chrono::system_clock::now();
    };
};

// Turns a client_result into a connector_error (when it is not a success).
connector_error to_connector_error(const http::client_result& r);

// A caller's target refused before any call: kind client, invalid, naming `field`
// ("target.environment"), with `message` safe to show; `vendor` prefixes the log detail.
connector_error invalid_target(std::string_view vendor, std::string field, std::string message);

// Percent-encodes all but RFC 3986 unreserved characters (Boost.URL), for a path segment or a
// query value.
std::string encode_component(std::string_view s);

// Joins base_url and a path; the path must start with '/'.
std::string join_url(std::string_view base_url, std::string_view path);

}  // namespace runhub::connectors
