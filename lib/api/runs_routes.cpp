#include "api/runs_routes.hpp"

#include <boost/json.hpp>
#include <charconv>

#include "aggregate/list_runs.hpp"
#include "api/list_answers.hpp"
#include "api/run_watch.hpp"
#include "api/runs_query.hpp"
#include "cache/entry.hpp"
#include "model/json_text.hpp"

namespace runhub::api {

namespace {

using http::upstream_error_kind;

// What the caller sees of a source's failure: its kind, never the vendor's own text.
boost::json::object error_summary(const connectors::connector_error& e) {
    boost::json::object o;
    o["kind"] = http::to_string(e.kind);
    if (e.http_status) o["vendor_status"] = e.http_status;
    return o;
}

// 502 for an upstream failure, 504 when it was the deadline.
http::response upstream_failure(const connectors::connector_error& e, std::string_view rid) {
    if (e.kind == upstream_error_kind::timeout)
        return http::response::error(504, "upstream_timeout", "the vendor did not answer in time",
                                     rid);
    return http::response::error(502, "upstream_error",
                                 "the vendor failed: " + std::string(http::to_string(e.kind)), rid);
}

std::string_view query_param(std::string_view query, std::string_view name) {
    // Only for the simple flags of the single-run routes (?include=raw).
    std::size_t pos = 0;
    while (pos <= query.size()) {
        auto amp = query.find('&', pos);
        auto part = query.substr(pos, amp == std::string_view::npos ? amp : amp - pos);
        if (part.substr(0, name.size()) == name && part.size() > name.size() &&
            part[name.size()] == '=')
            return part.substr(name.size() + 1);
        if (amp == std::string_view::npos) break;
        pos = amp + 1;
    }
    return {};
}

constexpr std::string_view config_scope_read = "runs:read";

// RFC 9211 Cache-Status and RFC 9111 Age, from how the answer's values were had.
void add_cache_headers(http::response& res, const connectors::cache_note& n) {
    using how = connectors::cache_note::kind;
    switch (n.how) {
        case how::none:
            return;
        case how::hit:
            res.headers.set("Cache-Status", "runhub; hit");
            break;
        case how::miss:
            res.headers.set("Cache-Status", "runhub; fwd=miss; stored");
            return;  // fetched now: no Age
        case how::stale: {
            std::string v = "runhub; hit; fwd=stale";
            if (n.stale_because) {
                if (n.stale_because->http_status)
                    v += "; fwd-status=" + std::to_string(n.stale_because->http_status);
                v += "; detail=\"upstream " + std::string(http::to_string(n.stale_because->kind)) +
                     "\"";
            }
            res.headers.set("Cache-Status", std::move(v));
            break;
        }
    }
    res.headers.set("Age", std::to_string(n.age.count()));
}

// Whether an If-None-Match value matches `etag` (quoted): "*" or any listed tag, weak or not
// (GET compares weakly, RFC 9110 13.1.2).
bool none_match(std::string_view header, std::string_view etag) {
    while (!header.empty()) {
        auto comma = header.find(',');
        auto item = header.substr(0, comma);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (item == "*") return true;
        if (item.substr(0, 2) == "W/") item.remove_prefix(2);
        if (item == etag) return true;
        if (comma == std::string_view::npos) break;
        header.remove_prefix(comma + 1);
    }
    return false;
}

// A 200 answer with its ETag (a hash of the bytes sent: `tag` when the caller has it, else
// computed here), or 304 when the caller has them.
// `res` (a 200 with its body) with its ETag and cache headers, or a 304 when If-None-Match holds
// it.
http::response with_validators(const http::request& req, http::response res,
                               const std::string& etag, const connectors::cache_note& note) {
    if (auto inm = req.headers.get("If-None-Match"); inm && none_match(*inm, etag)) {
        res.status = 304;
        res.body.clear();
        res.shared_body.reset();
    }
    res.headers.set("ETag", etag);
    add_cache_headers(res, note);
    return res;
}

http::response conditional(const http::request& req, std::string body,
                           const connectors::cache_note& note, std::string_view tag = {}) {
    std::string etag = cache::quoted_etag(tag.empty() ? cache::make_etag(body) : tag);
    return with_validators(req, http::response::json(200, std::move(body)), etag, note);
}

// A kept answer, sent from the entry's own bytes (a list page is ~34 kB: no copy per hit).
http::response conditional(const http::request& req, std::shared_ptr<const cache::entry> kept,
                           const connectors::cache_note& note) {
    std::string etag =
        cache::quoted_etag(kept->etag.empty() ? cache::make_etag(kept->value) : kept->etag);
    auto res = http::response::json(200, {});
    res.shared_body = std::shared_ptr<const std::string>(kept, &kept->value);
    return with_validators(req, std::move(res), etag, note);
}

std::string rfc3339(std::chrono::system_clock::time_point t) {
    return model::format_timestamp(std::chrono::time_point_cast<std::chrono::milliseconds>(t));
}

// One entry of GET /v1/sources: who the source is and how it fares.
boost::json::object source_json(const connectors::monitored_connector& c) {
    auto h = c.health();
    boost::json::object o;
    o["name"] = c.source().name;
    o["vendor"] = c.source().vendor;
    o["health"] = connectors::to_string(h.state);
    o["circuit"] = http::to_string(h.circuit);
    o["consecutive_failures"] = h.consecutive_failures;
    if (h.last_latency)
        o["last_latency_ms"] = h.last_latency->count();
    else
        o["last_latency_ms"] = nullptr;
    if (h.last_success_at)
        o["last_success_at"] = rfc3339(*h.last_success_at);
    else
        o["last_success_at"] = nullptr;
    if (auto b = c.budget()) {
        boost::json::object budget;
        budget["per_minute"] = b->per_minute;
        budget["available"] = static_cast<std::int64_t>(b->tokens < 0 ? 0 : b->tokens);
        budget["waits"] = b->waits;
        budget["refusals"] = b->refusals;
        o["budget"] = std::move(budget);
    } else {
        o["budget"] = nullptr;
    }
    if (h.last_error) {
        auto e = error_summary(*h.last_error);
        e["at"] = rfc3339(*h.last_error_at);
        o["last_error"] = std::move(e);
    } else {
        o["last_error"] = nullptr;
    }
    return o;
}

}  // namespace

std::shared_ptr<connectors::connector> source_set::find(std::string_view name) const {
    for (const auto& s : all)
        if (s.name() == name) return s.call;
    return nullptr;
}

std::shared_ptr<connectors::connector> source_set::find_for(const principal& who,
                                                            std::string_view name) const {
    return who.sees(name) ? find(name) : nullptr;
}

std::optional<std::chrono::milliseconds> parse_wait(std::string_view text) {
    std::int64_t n = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || n < 0 || p == text.data()) return std::nullopt;
    std::string_view unit(p, text.data() + text.size() - p);
    if (unit.empty() || unit == "s") return std::chrono::seconds(n);
    if (unit == "ms") return std::chrono::milliseconds(n);
    if (unit == "m") return std::chrono::minutes(n);
    return std::nullopt;
}

void add_runs_routes(http::router& r, std::shared_ptr<const source_set> sources,
                     std::shared_ptr<const aggregate::cursor_codec> codec,
                     std::shared_ptr<const key_store> keys, std::shared_ptr<run_watch> watch,
                     runs_api_options o) {
    r.add("GET", "/v1/runs",
          [sources, codec, keys, o](http::request& req) -> boost::asio::awaitable<http::response> {
              // Locals at function scope (GCC 12 coroutine bug, see lib/http/connection.cpp).
              auto auth = authorize(req, *keys, config_scope_read);
              if (auto* refused = std::get_if<http::response>(&auth)) co_return std::move(*refused);
              const principal& who = *std::get<const principal*>(auth);
              if (o.answers) {  // the same caller asked the same a moment ago
                  if (auto kept = o.answers->find(who.name, req.query)) {
                      connectors::cache_note note;
                      note.how = connectors::cache_note::kind::hit;
                      note.age = kept->age(o.answers->now());
                      co_return conditional(req, std::move(kept), note);
                  }
              }
              auto parsed = parse_runs_query(req.query);
              aggregate::list_request lr;
              boost::system::result<aggregate::list_result> result;
              boost::json::array reports;
              std::string answer;
              if (auto* bad = std::get_if<query_problem>(&parsed)) {
                  auto res = http::response::error(
                      400, "invalid_parameter", bad->param + ": " + bad->message, req.request_id);
                  co_return res;
              }
              auto& q = std::get<runs_query>(parsed);
              for (const auto& name : q.sources) {
                  auto c = sources->find_for(who, name);
                  if (!c)
                      co_return http::response::error(400, "invalid_parameter",
                                                      "source: unknown source '" + name + "'",
                                                      req.request_id);
                  bool dup = false;
                  for (const auto& s : lr.sources) dup = dup || s == c;
                  if (!dup) lr.sources.push_back(c);
              }
              if (q.sources.empty())
                  for (const auto& s : sources->all)
                      if (who.sees(s.name())) lr.sources.push_back(s.call);
              lr.query = q.filters;
              lr.limit = q.limit;
              lr.cursor = q.cursor;
              lr.key_identity = who.name;
              lr.deadline = connectors::clock::now() + o.request_timeout;
              result = co_await aggregate::list_runs(lr, codec);
              if (!result)
                  co_return http::response::error(400, "invalid_cursor",
                                                  "the cursor is not valid for this query",
                                                  req.request_id);
              std::size_t failed = 0, timed_out = 0;
              for (const auto& rep : result->sources) {
                  boost::json::object s;
                  s["name"] = rep.name;
                  s["status"] = aggregate::to_string(rep.status);
                  if (rep.error) s["error"] = error_summary(*rep.error);
                  if (rep.status == aggregate::source_status::error) ++failed;
                  if (rep.status == aggregate::source_status::timeout) ++timed_out;
                  reports.push_back(std::move(s));
              }
              const std::size_t asked = result->sources.size();
              if ((failed + timed_out > 0 && (q.strict || failed + timed_out == asked))) {
                  auto res =
                      timed_out > 0 && failed == 0
                          ? http::response::error(504, "upstream_timeout",
                                                  "sources did not answer in time", req.request_id)
                          : http::response::error(502, "upstream_error", "sources failed",
                                                  req.request_id);
                  co_return res;
              }
              // {"data":[...],"next_cursor":...,"sources":[...]}, written run by run (no tree
              // of the whole page).
              answer.reserve(1024 + result->data.size() * 640);
              answer = "{\"data\":[";
              for (std::size_t i = 0; i < result->data.size(); ++i) {
                  if (i) answer += ',';
                  model::append_run_json(answer, result->data[i], false);
              }
              answer += "],\"next_cursor\":";
              if (result->next_cursor)
                  model::json_text::append_string(answer, *result->next_cursor);
              else
                  answer += "null";
              answer += ",\"sources\":";
              answer += boost::json::serialize(reports);
              answer += '}';
              if (o.answers && failed + timed_out == 0 && result->cache.fresh_until)
                  o.answers->keep(who.name, req.query, answer, *result->cache.fresh_until,
                                  result->cache.age);
              co_return conditional(req, std::move(answer), result->cache);
          });

    r.add("GET", "/v1/runs/{id}",
          [sources, keys, watch, o](http::request& req) -> boost::asio::awaitable<http::response> {
              auto auth = authorize(req, *keys, config_scope_read);
              if (auto* refused = std::get_if<http::response>(&auth)) co_return std::move(*refused);
              const principal& who = *std::get<const principal*>(auth);
              auto parts = model::parse_run_id(req.param("id"));
              std::shared_ptr<connectors::connector> c;
              connectors::outcome<model::run> got;
              connectors::outcome<connectors::serialized_run> as_json;
              const bool raw = query_param(req.query, "include") == "raw";
              std::optional<std::chrono::milliseconds> wait;
              std::optional<model::run_status> known;
              const auto wait_text = query_param(req.query, "wait");
              const auto status_text = query_param(req.query, "status");
              if (!wait_text.empty()) {
                  wait = parse_wait(wait_text);
                  if (!wait || *wait > o.max_wait)
                      co_return http::response::error(
                          400, "invalid_parameter",
                          "wait: a duration such as 30s or 500ms, at most " +
                              std::to_string(o.max_wait.count() / 1000) + "s",
                          req.request_id);
              }
              if (!status_text.empty()) {
                  known = model::parse_run_status(status_text);
                  if (!known || !wait)
                      co_return http::response::error(
                          400, "invalid_parameter",
                          "status: one of queued, running, passed, failed, error, canceled, "
                          "stale, with wait",
                          req.request_id);
              }
              if (parts) c = sources->find_for(who, parts->source);
              if (!c)
                  co_return http::response::error(404, "not_found", "no such run", req.request_id);
              if (!wait) {  // the run as the layers below hold it serialized (the cache)
                  as_json = co_await c->get_json(parts->native_id,
                                                 connectors::clock::now() + o.request_timeout, raw);
                  if (!as_json.ok()) {
                      if (as_json.error.not_found)
                          co_return http::response::error(404, "not_found", "no such run",
                                                          req.request_id);
                      co_return upstream_failure(as_json.error, req.request_id);
                  }
                  co_return conditional(req, std::move(as_json.value->body), as_json.cache,
                                        as_json.value->etag);
              }
              got = co_await watch->wait(c, parts->native_id, known,
                                         connectors::clock::now() + *wait);
              if (!got.ok()) {
                  if (got.error.not_found)
                      co_return http::response::error(404, "not_found", "no such run",
                                                      req.request_id);
                  co_return upstream_failure(got.error, req.request_id);
              }
              co_return conditional(req, model::serialize_run(*got.value, raw), got.cache);
          });

    r.add("GET", "/v1/runs/{id}/failures",
          [sources, keys, o](http::request& req) -> boost::asio::awaitable<http::response> {
              auto auth = authorize(req, *keys, config_scope_read);
              if (auto* refused = std::get_if<http::response>(&auth)) co_return std::move(*refused);
              const principal& who = *std::get<const principal*>(auth);
              auto parts = model::parse_run_id(req.param("id"));
              std::shared_ptr<connectors::connector> c;
              connectors::outcome<std::vector<model::test_failure>> got;
              boost::json::object body;
              if (parts) c = sources->find_for(who, parts->source);
              if (!c)
                  co_return http::response::error(404, "not_found", "no such run", req.request_id);
              got = co_await c->failures(parts->native_id,
                                         connectors::clock::now() + o.request_timeout);
              if (!got.ok()) {
                  if (got.error.not_found)
                      co_return http::response::error(404, "not_found", "no such run",
                                                      req.request_id);
                  if (got.error.unsupported)
                      co_return http::response::error(
                          501, "not_supported", "this vendor cannot list failures", req.request_id);
                  co_return upstream_failure(got.error, req.request_id);
              }
              body["data"] = boost::json::value_from(*got.value);
              co_return conditional(req, boost::json::serialize(body), got.cache);
          });

    r.add("GET", "/v1/sources",
          [sources, keys](http::request& req) -> boost::asio::awaitable<http::response> {
              auto auth = authorize(req, *keys, config_scope_read);
              if (auto* refused = std::get_if<http::response>(&auth)) co_return std::move(*refused);
              const principal& who = *std::get<const principal*>(auth);
              boost::json::array list;
              for (const auto& s : sources->all)
                  if (who.sees(s.name())) list.push_back(source_json(*s.health));
              boost::json::object body;
              body["data"] = std::move(list);
              co_return http::response::json(200, boost::json::serialize(body));
          });
}

}  // namespace runhub::api
