#include "connectors/testerarmy/testerarmy_connector.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>

#include "connectors/common/json_access.hpp"
#include "connectors/testerarmy/testerarmy_failures.hpp"
#include "connectors/testerarmy/testerarmy_mapping.hpp"
#include "connectors/testerarmy/testerarmy_paging.hpp"
#include "connectors/testerarmy/testerarmy_trigger.hpp"
#include "connectors/testerarmy/testerarmy_webhook.hpp"

namespace runhub::connectors::testerarmy {
namespace {

namespace asio = boost::asio;

connector_error malformed(int status, std::string detail) {
    connector_error e;
    e.kind = http::upstream_error_kind::malformed;
    e.http_status = status;
    e.detail = "testerarmy: " + std::move(detail);
    return e;
}

connector_error not_a_run_id() {
    connector_error e;
    e.kind = http::upstream_error_kind::client;
    e.not_found = true;
    e.detail = "testerarmy: run ids are UUIDs";
    return e;
}

class testerarmy_connector final : public connector {
  public:
    testerarmy_connector(source_config cfg, connector_deps deps)
        : cfg_(std::move(cfg)), deps_(std::move(deps)) {
        if (auto it = cfg_.scope.find("project_id"); it != cfg_.scope.end())
            project_id_ = it->second;
        auth_ =
            cfg_.credential.starts_with("Bearer ") ? cfg_.credential : "Bearer " + cfg_.credential;
    }

    const source_config& source() const override { return cfg_; }

    asio::awaitable<outcome<run_page>> list(list_query q, std::string position, int limit,
                                            clock::time_point deadline) override {
        // No TesterArmy run has a branch: nothing to ask for.
        if (q.branch) co_return outcome<run_page>::success(run_page{});
        std::string target = list_target(q, project_id_, position, limit);
        http::client_result r = co_await get_json(std::move(target), deadline);
        if (!r.ok()) co_return outcome<run_page>::failure(to_connector_error(r));
        vendor_page page = parse_list(r.response->body, cfg_.name);
        if (!page.problem.empty())
            co_return outcome<run_page>::failure(malformed(r.response->status, page.problem));
        co_return outcome<run_page>::success(finish_page(std::move(page), q));
    }

    asio::awaitable<outcome<model::run>> get(std::string native_id,
                                             clock::time_point deadline) override {
        shared_json doc;
        connector_error err;
        co_await fetch_run(native_id, deadline, doc, err);
        if (!doc) co_return outcome<model::run>::failure(std::move(err));
        mapped_run m = map_run(*doc, cfg_.name, doc);
        if (!m.run) co_return outcome<model::run>::failure(malformed(200, m.problem));
        co_return outcome<model::run>::success(std::move(*m.run));
    }

    asio::awaitable<outcome<std::vector<model::test_failure>>> failures(
        std::string native_id, clock::time_point deadline) override {
        using result_t = outcome<std::vector<model::test_failure>>;
        shared_json doc;
        connector_error err;
        co_await fetch_run(native_id, deadline, doc, err);
        if (!doc) co_return result_t::failure(std::move(err));
        mapped_failures m = map_failures(*doc);
        if (!m.failures) co_return result_t::failure(malformed(200, m.problem));
        co_return result_t::success(std::move(*m.failures));
    }

    // One POST (vendor-notes §2.3), never retried: TesterArmy documents no idempotency key, so
    // a repeat could start a second run. The started run is then read back with get(). For a
    // group (several runs, one batch) the answer is the first run of `runIds` (README).
    asio::awaitable<outcome<trigger_result>> trigger(trigger_request req,
                                                     clock::time_point deadline) override {
        using result_t = outcome<trigger_result>;
        trigger_check check = check_trigger_target(req.target);
        if (!check.call) co_return result_t::failure(std::move(check.error));
        // GCC 12: locals that live across a co_await stay at function scope, named.
        std::string path = check.call->target;
        std::string body = check.call->body;
        std::optional<std::vector<std::string>> ids;
        mapped_run m;
        http::client_result r = co_await post(std::move(path), std::move(body), deadline);
        if (!r.ok()) {
            connector_error e = to_connector_error(r);
            if (r.response) {
                e.not_found = false;  // a 404 here names the test or group, not a run
                e.field = field_of_refusal(*check.call, r.response->status, r.response->body);
                if (!e.field.empty()) {
                    e.invalid = true;
                    e.message =
                        r.response->status == 404
                            ? "TesterArmy has no " +
                                  std::string(check.call->form == trigger_form::test ? "test"
                                                                                     : "group") +
                                  " with this " + e.field
                            : "TesterArmy refused " + e.field;
                }
            }
            co_return result_t::failure(std::move(e));
        }
        trigger_result out;
        out.queued_only = r.response->status == 202;
        std::optional<boost::json::value> answer = parse_json(r.response->body);
        std::string id;
        if (check.call->form == trigger_form::group) {
            ids = group_run_ids(r.response->body);
            if (!ids)
                co_return result_t::failure(malformed(r.response->status,
                                                      "group answer without runIds (runs may have "
                                                      "started)"));
            if (ids->empty()) {
                connector_error e;
                e.kind = http::upstream_error_kind::client;
                e.invalid = true;
                e.field = check.call->field;
                e.message = "the group has no tests: TesterArmy started no run";
                co_return result_t::failure(std::move(e));
            }
            id = ids->front();
        } else if (answer) {
            id = get_id(*answer, "id").value_or("");
        }
        if (id.empty())
            co_return result_t::failure(malformed(
                r.response->status, "trigger answer without a run id (a run may have started)"));
        outcome<model::run> got = co_await get(id, deadline);
        if (got.ok()) {
            out.run = std::move(*got.value);
            co_return result_t::success(std::move(out));
        }
        // Started but not readable yet: what the answer says ({id, status, createdAt}).
        spdlog::debug("testerarmy {}: started {} but could not read it back: {}", cfg_.name, id,
                      got.error.detail);
        if (check.call->form != trigger_form::group && answer) m = map_run(*answer, cfg_.name);
        out.run = m.run ? std::move(*m.run) : placeholder(id, model::run_status::queued, "queued");
        co_return result_t::success(std::move(out));
    }

    // POST /api/v1/runs/{id}/cancel (vendor-notes §2.3): 409 when the run is terminal. Not
    // retried: a repeat of a cancel that went through would answer 409.
    asio::awaitable<outcome<model::run>> cancel(std::string native_id,
                                                clock::time_point deadline) override {
        using result_t = outcome<model::run>;
        if (!uuid_shaped(native_id)) co_return result_t::failure(not_a_run_id());
        std::string target = "/api/v1/runs/" + native_id + "/cancel";
        std::string body = "{}";
        http::client_result r = co_await post(std::move(target), std::move(body), deadline);
        if (!r.ok()) {
            connector_error e = to_connector_error(r);
            if (r.response && r.response->status == 409) {
                e.conflict = true;
                e.message = "the run is already terminal or cannot be cancelled";
            }
            if (r.response && r.response->status == 400) e.not_found = true;  // not a run id
            co_return result_t::failure(std::move(e));
        }
        outcome<model::run> got = co_await get(native_id, deadline);
        if (got.ok()) co_return got;
        co_return result_t::success(
            placeholder(native_id, model::run_status::canceled, "cancelled"));
    }

  private:
    model::run placeholder(const std::string& id, model::run_status status,
                           std::string vendor_status) {
        model::run r;
        r.source = cfg_.name;
        r.vendor = "testerarmy";
        r.native_id = id;
        r.id = model::make_run_id(cfg_.name, id);
        r.status = status;
        r.terminal = status == model::run_status::canceled;
        r.vendor_status = std::move(vendor_status);
        return r;
    }

    asio::awaitable<http::client_result> post(std::string target, std::string body,
                                              clock::time_point deadline) {
        http::client_request req;
        req.method = "POST";
        req.url = join_url(cfg_.base_url, target);
        req.headers.set("Authorization", auth_);
        req.headers.set("Accept", "application/json");
        req.headers.set("Content-Type", "application/json");
        req.body = std::move(body);
        auto d = std::min(deadline, clock::now() + cfg_.timeout);
        http::client_result r = co_await deps_.client->send(std::move(req), d);
        if (!r.ok())
            spdlog::debug("testerarmy {}: POST {}: {} {}", cfg_.name, target,
                          http::to_string(r.error), r.detail);
        co_return r;
    }

    // GET /api/v1/runs/{id} as JSON into `doc`, else the error into `err`.
    asio::awaitable<void> fetch_run(std::string native_id, clock::time_point deadline,
                                    shared_json& doc, connector_error& err) {
        if (!uuid_shaped(native_id)) {
            err = not_a_run_id();
            co_return;
        }
        std::string target = "/api/v1/runs/" + native_id;
        http::client_result r = co_await get_json(std::move(target), deadline);
        if (!r.ok()) {
            err = to_connector_error(r);
            co_return;
        }
        doc = parse_json_doc(r.response->body);
        if (!doc || !doc->is_object()) {
            doc.reset();
            err = malformed(r.response->status, "run answer is not a JSON object");
        }
    }

    asio::awaitable<http::client_result> get_json(std::string target, clock::time_point deadline) {
        http::client_request req;
        req.method = "GET";
        req.url = join_url(cfg_.base_url, target);
        req.headers.set("Authorization", auth_);
        req.headers.set("Accept", "application/json");
        auto d = std::min(deadline, clock::now() + cfg_.timeout);
        http::client_result r =
            co_await deps_.client->send_with_retry(std::move(req), d, deps_.retry);
        if (!r.ok())
            spdlog::debug("testerarmy {}: GET {}: {} {}", cfg_.name, target,
                          http::to_string(r.error), r.detail);
        co_return r;
    }

    source_config cfg_;
    connector_deps deps_;
    std::string project_id_;
    std::string auth_;

  public:
    outcome<webhook_event> read_webhook(const http::header_fields& h, std::string_view body,
                                        std::string_view secret) const override {
        return testerarmy::read_webhook(h, body, secret, cfg_.name);
    }
};

}  // namespace

std::unique_ptr<connector> make_testerarmy_connector(source_config cfg, connector_deps deps) {
    return std::make_unique<testerarmy_connector>(std::move(cfg), std::move(deps));
}

}  // namespace runhub::connectors::testerarmy
