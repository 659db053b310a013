#include "api/webhook_route.hpp"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "cache/entry.hpp"

namespace runhub::api {

namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// A webhook may carry less than a GET does (an event may lack the name, times or counts):
// what it says wins, what it does not say is kept from the run already cached.
model::run merged(model::run known, const model::run& news) {
    known.status = news.status;
    known.terminal = news.terminal;
    known.vendor_status = news.vendor_status;
    if (!news.name.empty()) known.name = news.name;
    if (news.project) known.project = news.project;
    if (news.counts) known.counts = news.counts;
    if (news.created_at) known.created_at = news.created_at;
    if (news.started_at) known.started_at = news.started_at;
    if (news.completed_at) known.completed_at = news.completed_at;
    if (news.duration_ms) known.duration_ms = news.duration_ms;
    if (news.branch) known.branch = news.branch;
    if (news.commit_sha) known.commit_sha = news.commit_sha;
    if (news.environment) known.environment = news.environment;
    if (news.web_url) known.web_url = news.web_url;
    return known;
}

// How far along a run is: queued, then running (or another unfinished state), then terminal.
int progress(const model::run& r) {
    if (r.terminal) return 2;
    return r.status == model::run_status::queued ? 0 : 1;
}

// Whether `news` would move `known` backwards: an unfinished state after a terminal one, queued
// after running, or a terminal state that ended before the known one did.
bool is_late(const model::run& known, const model::run& news) {
    if (progress(news) < progress(known)) return true;
    if (known.terminal && news.terminal && known.completed_at && news.completed_at)
        return *news.completed_at < *known.completed_at;
    return false;
}

// The run under `key` whatever its age, if it is readable.
asio::awaitable<std::optional<model::run>> cached_run(std::shared_ptr<cache::cache> run_cache,
                                                      cache::cache_key key) {
    auto peek = run_cache->peek(std::move(key));
    std::shared_ptr<const cache::entry> known = co_await std::move(peek);
    std::optional<model::run> out;
    boost::system::error_code ec;
    boost::json::value doc;
    if (known) doc = boost::json::parse(known->value, ec);
    if (known && !ec) out = model::run_from_json(doc);
    co_return out;
}

// What a first delivery did, kept under its dedupe key (a duplicate answers the same).
constexpr std::string_view applied_mark = "applied";
constexpr std::string_view late_mark = "late";

// The run an event tells of, read from the vendor (a hint: refresh). The cache's entry is
// dropped first so that the read reaches the vendor (and every waiter of the cache gets it).
// `known` is set to the run as cached before. A read that lags behind the event (still
// unfinished while the event reports the end) takes the event's status.
asio::awaitable<connectors::outcome<model::run>> refreshed(std::shared_ptr<connectors::connector> c,
                                                           std::shared_ptr<cache::cache> run_cache,
                                                           const model::run& hint,
                                                           std::optional<model::run>& known) {
    // Locals at function scope (GCC 12 coroutine bug, see lib/http/connection.cpp).
    auto key = cache::cache_key::for_run(hint.source, hint.native_id);
    connectors::outcome<model::run> read;
    known = co_await cached_run(run_cache, key);
    auto drop = run_cache->invalidate(key);
    co_await std::move(drop);
    read = co_await c->get(hint.native_id, connectors::clock::now() + 10s);
    if (!read.ok()) co_return read;
    if (read.value->native_id != hint.native_id) {
        // The vendor's name for the run was not ours (e.g. a bare group id): no entry under it.
        auto alias = run_cache->invalidate(std::move(key));
        co_await std::move(alias);
        key = cache::cache_key::for_run(read.value->source, read.value->native_id);
        known = co_await cached_run(run_cache, std::move(key));
    }
    if (!read.value->terminal && hint.terminal) *read.value = merged(std::move(*read.value), hint);
    co_return read;
}

// The work of a first delivery (the dedupe key's fetch): the run into the cache, the waiters
// woken, unless the event is older than what is known. The key remembers what was done for
// dedupe_ttl.
asio::awaitable<cache::fetch_outcome> apply_event(std::shared_ptr<connectors::connector> c,
                                                  std::shared_ptr<cache::cache> run_cache,
                                                  std::shared_ptr<run_watch> watch, model::run run,
                                                  bool refresh,
                                                  std::chrono::milliseconds dedupe_ttl) {
    // Locals at function scope (GCC 12 coroutine bug, see lib/http/connection.cpp).
    std::optional<model::run> before;
    connectors::outcome<model::run> read;
    auto key = cache::cache_key::for_run(run.source, run.native_id);
    bool late = false;
    cache::fill done;
    done.ttl = dedupe_ttl;
    if (refresh) {
        read = co_await refreshed(c, run_cache, run, before);
        if (!read.ok()) co_return cache::fetch_outcome::failure(std::move(read.error));
        late = before && is_late(*before, *read.value);
        // The refresh's read went through the cache: put back what was known when it is newer.
        run = late ? std::move(*before) : std::move(*read.value);
    } else {
        before = co_await cached_run(run_cache, key);
        // Nothing cached to fill in what the event leaves out: read the run once (the vendor
        // has it as the event says by now); without an answer, the event's run as it is.
        if (!before) read = co_await c->get(run.native_id, connectors::clock::now() + 10s);
        if (!before && read.ok()) before = std::move(*read.value);
        if (before && before->id == run.id) {
            late = is_late(*before, run);
            if (late) {
                spdlog::info("webhook {}: {} is {}, the event's {} is older: not applied",
                             run.source, run.id, model::to_string(before->status),
                             model::to_string(run.status));
                done.value = std::string(late_mark);
                co_return cache::fetch_outcome::success(std::move(done));
            }
            run = merged(std::move(*before), run);
        }
    }
    auto ttl = run_cache->policy().run_ttl(run.source, run);
    auto bytes = model::serialize_run(run, true);
    key = cache::cache_key::for_run(run.source, run.native_id);
    auto put = run_cache->put(std::move(key), std::move(bytes), ttl);
    co_await std::move(put);
    if (late) {
        spdlog::info("webhook {}: {} stays {}, the vendor's answer to the event is older",
                     run.source, run.id, model::to_string(run.status));
        done.value = std::string(late_mark);
        co_return cache::fetch_outcome::success(std::move(done));
    }
    watch->publish(run);
    done.value = std::string(applied_mark);
    co_return cache::fetch_outcome::success(std::move(done));
}

// {"ok": true, "duplicate": d, "applied": a}: applied false = the event was older than the run
// known (late), and changed nothing.
http::response ok(bool duplicate, bool applied) {
    boost::json::object o;
    o["ok"] = true;
    o["duplicate"] = duplicate;
    o["applied"] = applied;
    return http::response::json(200, boost::json::serialize(o));
}

}  // namespace

void add_webhook_route(http::router& r, std::shared_ptr<const source_set> sources,
                       std::shared_ptr<cache::cache> run_cache, std::shared_ptr<run_watch> watch,
                       webhook_options o) {
    auto opts = std::make_shared<const webhook_options>(std::move(o));
    r.add(
        "POST", "/v1/webhooks/{source}",
        [sources, run_cache, watch, opts](http::request& req) -> asio::awaitable<http::response> {
            // Locals at function scope (GCC 12 coroutine bug, see lib/http/connection.cpp).
            std::string source_name(req.param("source"));
            std::shared_ptr<connectors::connector> c = sources->find(source_name);
            auto secret = opts->secrets.find(source_name);
            connectors::outcome<connectors::webhook_event> ev;
            std::optional<cache::cache_key> key;
            cache::fetch_fn fetch;
            cache::lookup applied;
            if (!c || secret == opts->secrets.end() || secret->second.empty())
                co_return http::response::error(
                    404, "not_found", "no webhooks are configured for this source", req.request_id);
            ev = c->read_webhook(req.headers, req.body, secret->second);
            if (!ev.ok() && ev.error.unauthorized) {
                spdlog::warn("webhook {} refused: {}", source_name, ev.error.detail);
                co_return http::response::error(401, "unauthorized",
                                                "the webhook signature or secret is wrong",
                                                req.request_id);
            }
            if (!ev.ok() && ev.error.unsupported)
                co_return http::response::error(
                    404, "not_found", "this source sends no webhooks runhub reads", req.request_id);
            if (!ev.ok()) {
                spdlog::warn("webhook {} unreadable: {}", source_name, ev.error.detail);
                co_return http::response::error(400, "invalid_body",
                                                "the webhook body is not an event of the vendor",
                                                req.request_id);
            }
            if (!ev.value->run) co_return ok(false, false);  // an event runhub does not use

            key = cache::cache_key::for_idempotency("webhook", source_name, ev.value->id);
            fetch = [c, run_cache, watch, run = *ev.value->run, refresh = ev.value->refresh,
                     ttl = opts->dedupe_ttl] {
                return apply_event(c, run_cache, watch, run, refresh, ttl);
            };
            applied = co_await run_cache->get(std::move(*key), std::move(fetch));
            if (!applied.ok() && applied.error && applied.error->not_found) {
                // A hint naming no run the vendor knows (nothing recorded: a retry may succeed).
                spdlog::warn("webhook {}: no run {}: {}", source_name, ev.value->run->native_id,
                             applied.error->detail);
                co_return http::response::error(
                    404, "unknown_run", "the event names no run of this source", req.request_id);
            }
            if (!applied.ok())
                co_return http::response::error(503, "unavailable",
                                                "the event could not be recorded; send it again",
                                                req.request_id);
            co_return ok(applied.status == cache::lookup_status::hit || applied.coalesced,
                         applied.value->value == applied_mark);
        });
}

}  // namespace runhub::api
