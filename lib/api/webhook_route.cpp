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

// The work of a first delivery (the dedupe key's fetch): the run into the cache, the waiters
// woken. The key remembers "applied" for dedupe_ttl.
asio::awaitable<cache::fetch_outcome> apply_event(std::shared_ptr<connectors::connector> c,
                                                  std::shared_ptr<cache::cache> run_cache,
                                                  std::shared_ptr<run_watch> watch, model::run run,
                                                  std::chrono::milliseconds dedupe_ttl) {
    auto key = cache::cache_key::for_run(run.source, run.native_id);
    auto peek = run_cache->peek(key);
    std::shared_ptr<const cache::entry> known = co_await std::move(peek);
    std::optional<model::run> before;
    boost::system::error_code ec;
    boost::json::value doc;
    if (known) doc = boost::json::parse(known->value, ec);
    if (known && !ec) before = model::run_from_json(doc);
    // Nothing cached to fill in what the event leaves out: read the run once (the vendor has
    // it as the event says by now); without an answer, the event's run as it is.
    connectors::outcome<model::run> read;
    if (!before) read = co_await c->get(run.native_id, connectors::clock::now() + 10s);
    if (!before && read.ok()) before = std::move(*read.value);
    if (before && before->id == run.id) run = merged(std::move(*before), run);
    auto ttl = run_cache->policy().run_ttl(run.source, run);
    auto bytes = boost::json::serialize(model::to_json(run, true));
    auto put = run_cache->put(std::move(key), std::move(bytes), ttl);
    co_await std::move(put);
    watch->publish(run);
    cache::fill applied;
    applied.value = "applied";
    applied.ttl = dedupe_ttl;
    co_return cache::fetch_outcome::success(std::move(applied));
}

http::response ok(bool duplicate) {
    boost::json::object o;
    o["ok"] = true;
    o["duplicate"] = duplicate;
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
            if (!ev.value->run) co_return ok(false);  // an event runhub does not use

            key = cache::cache_key::for_idempotency("webhook", source_name, ev.value->id);
            fetch = [c, run_cache, watch, run = *ev.value->run, ttl = opts->dedupe_ttl] {
                return apply_event(c, run_cache, watch, run, ttl);
            };
            applied = co_await run_cache->get(std::move(*key), std::move(fetch));
            if (!applied.ok())
                co_return http::response::error(503, "unavailable",
                                                "the event could not be recorded; send it again",
                                                req.request_id);
            co_return ok(applied.status == cache::lookup_status::hit || applied.coalesced);
        });
}

}  // namespace runhub::api
