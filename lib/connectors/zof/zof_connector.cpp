#include "connectors/zof/zof_connector.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <boost/url.hpp>

#include "connectors/common/bearer_get.hpp"
#include "connectors/common/json_access.hpp"
#include "connectors/zof/zof_mapping.hpp"
#include "connectors/zof/zof_paging.hpp"
#include "connectors/zof/zof_trigger.hpp"
#include "connectors/zof/zof_webhook.hpp"

namespace runhub::connectors::zof {

namespace {

namespace asio = boost::asio;
namespace json = boost::json;

connector_error malformed(std::string detail) {
    connector_error e;
    e.kind = http::upstream_error_kind::malformed;
    e.detail = "zof: " + std::move(detail);
    return e;
}

class zof_connector final : public connector {
  public:
    zof_connector(source_config src, connector_deps deps)
        : src_(std::move(src)), deps_(std::move(deps)) {
        if (auto it = src_.scope.find("project_id"); it != src_.scope.end()) project_ = it->second;
    }

    const source_config& source() const override { return src_; }

    asio::awaitable<outcome<run_page>> list(list_query q, std::string position, int limit,
                                            clock::time_point deadline) override {
        run_page none;  // a named local: no braced temporary in a coroutine statement (GCC 12)
        if (matches_nothing(q)) co_return outcome<run_page>::success(std::move(none));
        auto url = list_url(src_.base_url, q, project_, position, limit);
        auto body = co_await get_body(std::move(url), deadline);
        if (!body.ok()) co_return outcome<run_page>::failure(body.error);
        co_return parse_list_page(*body.value, q, src_.name, project_, position);
    }

    asio::awaitable<outcome<model::run>> get(std::string native_id,
                                             clock::time_point deadline) override {
        auto doc = co_await get_run_json(std::move(native_id), deadline);
        if (!doc.ok()) co_return outcome<model::run>::failure(doc.error);
        co_return map_run(*doc.value, src_.name);
    }

    asio::awaitable<outcome<std::vector<model::test_failure>>> failures(
        std::string native_id, clock::time_point deadline) override {
        using result = outcome<std::vector<model::test_failure>>;
        auto doc = co_await get_run_json(std::move(native_id), deadline);
        if (!doc.ok()) co_return result::failure(doc.error);
        co_return map_failures(*doc.value);
    }

    // POST /v1/runs with the checked target; the caller's Idempotency-Key travels as Zof's own
    // header (Zof replays the original run for a repeated key). With a key the POST may be
    // retried (the client counts it idempotent); without one it is sent once.
    asio::awaitable<outcome<trigger_result>> trigger(trigger_request req,
                                                     clock::time_point deadline) override {
        using result = outcome<trigger_result>;
        // Locals at function scope; the request is named before it is sent (GCC 12).
        http::client_request post;
        http::client_result r;
        trigger_result started;
        auto body = trigger_body(req.target, project_);
        if (!body.ok()) co_return result::failure(body.error);
        if (!req.idempotency_key.empty())
            if (auto bad = check_idempotency_key(req.idempotency_key))
                co_return result::failure(*bad);
        post.method = "POST";
        post.url = join_url(src_.base_url, "/v1/runs");
        post.headers.set("Authorization", "Bearer " + src_.credential);
        post.headers.set("Accept", "application/json");
        post.headers.set("Content-Type", "application/json");
        if (!req.idempotency_key.empty()) post.headers.set("Idempotency-Key", req.idempotency_key);
        post.body = json::serialize(*body.value);
        r = co_await deps_.client->send_with_retry(post, call_deadline(deadline), deps_.retry);
        if (!r.ok()) co_return result::failure(trigger_error(r));
        auto doc = parse_json(r.response->body);
        if (!doc) co_return result::failure(malformed("POST /v1/runs answer is not JSON"));
        auto run = map_run(*doc, src_.name);
        if (!run.ok()) co_return result::failure(run.error);
        started.run = std::move(*run.value);
        // Zof answers the created run under its id (queued at first): a run that exists, so
        // the facade's 201; only a 202 from Zof would mean it merely accepted the request.
        started.queued_only = r.response->status == 202;
        co_return result::success(std::move(started));
    }

    // POST /v1/runs/{id}/cancel. On a scoped source the run is read first: a run of another
    // project is not found and never canceled. Sent once (a retry after a cancel that went
    // through would meet a 409).
    asio::awaitable<outcome<model::run>> cancel(std::string native_id,
                                                clock::time_point deadline) override {
        using result = outcome<model::run>;
        http::client_request post;
        http::client_result r;
        outcome<json::value> scoped;
        if (!project_.empty()) {
            scoped = co_await get_run_json(native_id, deadline);
            if (!scoped.ok()) co_return result::failure(scoped.error);
        }
        boost::urls::url u(join_url(src_.base_url, "/v1/runs"));
        u.segments().push_back(native_id);
        u.segments().push_back("cancel");
        post.method = "POST";
        post.url = std::string(u.buffer());
        post.headers.set("Authorization", "Bearer " + src_.credential);
        post.headers.set("Accept", "application/json");
        r = co_await deps_.client->send_with_retry(post, call_deadline(deadline), deps_.retry);
        if (!r.ok()) co_return result::failure(cancel_error(r, native_id));
        auto doc = parse_json(r.response->body);
        if (!doc) co_return result::failure(malformed("cancel answer is not JSON"));
        co_return map_run(*doc, src_.name);
    }

  private:
    clock::time_point call_deadline(clock::time_point deadline) const {
        return std::min(deadline, clock::now() + src_.timeout);
    }

    // GET /v1/runs/{id} as JSON; a run of another project than the source's is not found.
    asio::awaitable<outcome<json::value>> get_run_json(std::string native_id,
                                                       clock::time_point deadline) {
        using result = outcome<json::value>;
        boost::urls::url u(join_url(src_.base_url, "/v1/runs"));
        u.segments().push_back(native_id);
        std::string url(u.buffer());
        auto body = co_await get_body(url, deadline);
        if (!body.ok()) co_return result::failure(body.error);
        auto doc = parse_json(*body.value);
        if (!doc || !doc->is_object()) co_return result::failure(malformed("run body is not JSON"));
        auto project = get_string(*doc, "project_id");
        if (!project_.empty() && project && *project != project_) {
            connector_error e;
            e.kind = http::upstream_error_kind::client;
            e.http_status = 404;
            e.not_found = true;
            e.detail = "zof: run belongs to another project";
            co_return result::failure(e);
        }
        co_return result::success(std::move(*doc));
    }

    asio::awaitable<outcome<std::string>> get_body(std::string url, clock::time_point deadline) {
        using result = outcome<std::string>;
        auto r = co_await bearer_get(src_, deps_, std::move(url), deadline);
        if (!r.ok()) co_return result::failure(r.error);
        co_return result::success(std::move(r.value->body));
    }

    source_config src_;
    connector_deps deps_;
    std::string project_;

  public:
    outcome<webhook_event> read_webhook(const http::header_fields& h, std::string_view body,
                                        std::string_view secret) const override {
        return zof::read_webhook(h, body, secret, src_.name);
    }
};

}  // namespace

std::unique_ptr<connector> make_zof_connector(source_config source, connector_deps deps) {
    return std::make_unique<zof_connector>(std::move(source), std::move(deps));
}

}  // namespace runhub::connectors::zof
