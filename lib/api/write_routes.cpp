#include "api/write_routes.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "cache/entry.hpp"
#include "model/error_envelope.hpp"

namespace runhub::api {

namespace {

namespace asio = boost::asio;
constexpr std::string_view scope_write = "runs:write";

http::response error_with_field(int status, std::string_view code, std::string_view message,
                                std::string_view field, std::string_view rid) {
    boost::json::object details;
    details["field"] = field;
    return http::response::json(status, model::error_envelope(code, message, rid, details));
}

// A failed write as the caller sees it: never the vendor's own text, except the messages the
// connector marked safe (validation, conflict, unsupported).
http::response write_failure(const connectors::connector_error& e, std::string_view rid) {
    if (e.invalid)
        return error_with_field(400, "invalid_target",
                                e.message.empty() ? "the target is not valid" : e.message,
                                e.field.empty() ? "target" : e.field, rid);
    if (e.unsupported)
        return http::response::error(
            501, "not_supported", e.message.empty() ? "the vendor cannot do this" : e.message, rid);
    if (e.conflict)
        return http::response::error(
            409, "conflict", e.message.empty() ? "the run's state forbids this" : e.message, rid);
    if (e.not_found) return http::response::error(404, "not_found", "no such run", rid);
    if (e.kind == http::upstream_error_kind::timeout)
        return http::response::error(504, "upstream_timeout", "the vendor did not answer in time",
                                     rid);
    return http::response::error(502, "upstream_error",
                                 "the vendor failed: " + std::string(http::to_string(e.kind)), rid);
}

// An answer kept under an Idempotency-Key: what was asked (its canonical hash) and what was
// answered.
struct kept_answer {
    std::string request_hash;
    int status = 0;
    std::string location;
    std::string body;
};

std::string to_bytes(const kept_answer& k) {
    boost::json::object o;
    o["request"] = k.request_hash;
    o["status"] = k.status;
    o["location"] = k.location;
    o["body"] = k.body;
    return boost::json::serialize(o);
}

std::optional<kept_answer> from_bytes(std::string_view bytes) {
    boost::system::error_code ec;
    auto v = boost::json::parse(bytes, ec);
    if (ec || !v.is_object()) return std::nullopt;
    const auto& o = v.get_object();
    const auto* h = o.if_contains("request");
    const auto* s = o.if_contains("status");
    const auto* l = o.if_contains("location");
    const auto* b = o.if_contains("body");
    if (!h || !h->is_string() || !s || !s->is_int64() || !l || !l->is_string() || !b ||
        !b->is_string())
        return std::nullopt;
    return kept_answer{std::string(h->get_string()), static_cast<int>(s->get_int64()),
                       std::string(l->get_string()), std::string(b->get_string())};
}

http::response answer_of(const kept_answer& k) {
    auto res = http::response::json(k.status, k.body);
    if (!k.location.empty()) res.headers.set("Location", k.location);
    return res;
}

kept_answer started(const connectors::trigger_result& t, std::string request_hash) {
    return {std::move(request_hash), t.queued_only ? 202 : 201, "/v1/runs/" + t.run.id,
            boost::json::serialize(model::to_json(t.run, false))};
}

// The upstream call of a keyed trigger: stored only when it started a run.
asio::awaitable<cache::fetch_outcome> keyed_trigger(std::shared_ptr<connectors::connector> c,
                                                    connectors::trigger_request req,
                                                    std::string request_hash,
                                                    connectors::clock::time_point deadline,
                                                    std::chrono::milliseconds ttl) {
    auto got = co_await c->trigger(std::move(req), deadline);
    if (!got.ok()) co_return cache::fetch_outcome::failure(std::move(got.error));
    co_return cache::fetch_outcome::success(
        cache::fill{to_bytes(started(*got.value, std::move(request_hash))), ttl});
}

bool valid_idempotency_key(std::string_view k) {
    if (k.empty() || k.size() > 255) return false;
    return std::all_of(k.begin(), k.end(), [](char ch) { return ch >= 0x21 && ch <= 0x7e; });
}

}  // namespace

std::string canonical_json(const boost::json::value& v) {
    if (v.is_object()) {
        std::vector<std::pair<std::string_view, const boost::json::value*>> members;
        for (const auto& m : v.get_object()) members.emplace_back(m.key(), &m.value());
        std::sort(members.begin(), members.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
        std::string out = "{";
        for (std::size_t i = 0; i < members.size(); ++i) {
            if (i) out += ',';
            out += boost::json::serialize(boost::json::string(members[i].first));
            out += ':';
            out += canonical_json(*members[i].second);
        }
        return out + "}";
    }
    if (v.is_array()) {
        std::string out = "[";
        const auto& a = v.get_array();
        for (std::size_t i = 0; i < a.size(); ++i) {
            if (i) out += ',';
            out += canonical_json(a[i]);
        }
        return out + "]";
    }
    return boost::json::serialize(v);
}

void add_write_routes(http::router& r, std::shared_ptr<const source_set> sources,
                      std::shared_ptr<const key_store> keys,
                      std::shared_ptr<cache::cache> idempotency, write_api_options o) {
    r.add("POST", "/v1/runs",
          [sources, keys, idempotency, o](http::request& req) -> asio::awaitable<http::response> {
              // Locals at function scope (GCC 12 coroutine bug, see lib/http/connection.cpp).
              auto auth = authorize(req, *keys, scope_write);
              boost::system::error_code ec;
              boost::json::value body;
              std::shared_ptr<connectors::connector> c;
              connectors::trigger_request tr;
              connectors::outcome<connectors::trigger_result> got;
              cache::lookup kept;
              std::optional<kept_answer> answer;
              std::string source_name, request_hash, idem;
              std::optional<cache::cache_key> key;
              cache::fetch_fn fetch;
              http::response res;
              const auto deadline = connectors::clock::now() + o.request_timeout;
              if (auto* refused = std::get_if<http::response>(&auth)) co_return std::move(*refused);
              const principal& who = *std::get<const principal*>(auth);

              body = boost::json::parse(req.body, ec);
              if (ec || !body.is_object())
                  co_return error_with_field(400, "invalid_body",
                                             "the body must be a JSON object {source, target}",
                                             "body", req.request_id);
              for (const auto& m : body.get_object())
                  if (m.key() != "source" && m.key() != "target")
                      co_return error_with_field(400, "invalid_body",
                                                 "unknown member '" + std::string(m.key()) + "'",
                                                 std::string(m.key()), req.request_id);
              if (!body.get_object().contains("source") ||
                  !body.get_object().at("source").is_string())
                  co_return error_with_field(400, "invalid_body",
                                             "source must be the name of a source", "source",
                                             req.request_id);
              if (!body.get_object().contains("target") ||
                  !body.get_object().at("target").is_object())
                  co_return error_with_field(400, "invalid_body",
                                             "target must be an object (the vendor's own)",
                                             "target", req.request_id);
              source_name = std::string(body.get_object().at("source").get_string());
              c = sources->find_for(who, source_name);
              if (!c)
                  co_return error_with_field(400, "invalid_body",
                                             "unknown source '" + source_name + "'", "source",
                                             req.request_id);
              tr.target = body.get_object().at("target").get_object();
              if (auto h = req.headers.get("Idempotency-Key")) idem = std::string(*h);
              if (req.headers.get("Idempotency-Key") && !valid_idempotency_key(idem))
                  co_return error_with_field(
                      400, "invalid_header",
                      "Idempotency-Key must be 1..255 visible ASCII characters", "Idempotency-Key",
                      req.request_id);

              if (idem.empty()) {
                  got = co_await c->trigger(std::move(tr), deadline);
                  if (!got.ok()) co_return write_failure(got.error, req.request_id);
                  co_return answer_of(started(*got.value, ""));
              }

              // Keyed: one flight per (caller, source, key); every caller with the same key
              // waits for it and gets its answer; a later one gets it from the cache.
              tr.idempotency_key = idem;
              request_hash = cache::make_etag(canonical_json(body));
              key = cache::cache_key::for_idempotency(who.name, source_name, idem);
              fetch = [c, tr, request_hash, deadline, ttl = o.idempotency_ttl] {
                  return keyed_trigger(c, tr, request_hash, deadline, ttl);
              };
              kept = co_await idempotency->get(std::move(*key), std::move(fetch), deadline);
              if (!kept.ok())
                  co_return write_failure(kept.error.value_or(connectors::connector_error{}),
                                          req.request_id);
              answer = from_bytes(kept.value->value);
              if (!answer)
                  co_return http::response::error(500, "internal_error",
                                                  "the kept answer is unreadable", req.request_id);
              if (answer->request_hash != request_hash)
                  co_return error_with_field(422, "idempotency_key_reused",
                                             "this Idempotency-Key was used with another body",
                                             "Idempotency-Key", req.request_id);
              res = answer_of(*answer);
              if (kept.status == cache::lookup_status::hit || kept.coalesced)
                  res.headers.set("Idempotent-Replayed", "true");
              co_return res;
          });

    r.add("POST", "/v1/runs/{id}/cancel",
          [sources, keys, o](http::request& req) -> asio::awaitable<http::response> {
              auto auth = authorize(req, *keys, scope_write);
              std::shared_ptr<connectors::connector> c;
              connectors::outcome<model::run> got;
              std::optional<model::run_id_parts> parts;
              if (auto* refused = std::get_if<http::response>(&auth)) co_return std::move(*refused);
              const principal& who = *std::get<const principal*>(auth);
              parts = model::parse_run_id(req.param("id"));
              if (parts) c = sources->find_for(who, parts->source);
              if (!c)
                  co_return http::response::error(404, "not_found", "no such run", req.request_id);
              got = co_await c->cancel(parts->native_id,
                                       connectors::clock::now() + o.request_timeout);
              if (!got.ok()) co_return write_failure(got.error, req.request_id);
              co_return http::response::json(
                  200, boost::json::serialize(model::to_json(*got.value, false)));
          });
}

}  // namespace runhub::api
