#include "connectors/testerarmy/testerarmy_connector.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>

#include "connectors/common/json_access.hpp"
#include "connectors/testerarmy/testerarmy_failures.hpp"
#include "connectors/testerarmy/testerarmy_mapping.hpp"
#include "connectors/testerarmy/testerarmy_paging.hpp"

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

// Run ids are UUIDs ("format: uuid"); anything else cannot name a run.
bool uuid_shaped(std::string_view id) {
    if (id.size() != 36) return false;
    for (std::size_t i = 0; i < id.size(); ++i) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? id[i] != '-' : !std::isxdigit(static_cast<unsigned char>(id[i]))) return false;
    }
    return true;
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
        std::optional<boost::json::value> doc;
        connector_error err;
        co_await fetch_run(native_id, deadline, doc, err);
        if (!doc) co_return outcome<model::run>::failure(std::move(err));
        mapped_run m = map_run(*doc, cfg_.name);
        if (!m.run) co_return outcome<model::run>::failure(malformed(200, m.problem));
        co_return outcome<model::run>::success(std::move(*m.run));
    }

    asio::awaitable<outcome<std::vector<model::test_failure>>> failures(
        std::string native_id, clock::time_point deadline) override {
        using result_t = outcome<std::vector<model::test_failure>>;
        std::optional<boost::json::value> doc;
        connector_error err;
        co_await fetch_run(native_id, deadline, doc, err);
        if (!doc) co_return result_t::failure(std::move(err));
        mapped_failures m = map_failures(*doc);
        if (!m.failures) co_return result_t::failure(malformed(200, m.problem));
        co_return result_t::success(std::move(*m.failures));
    }

  private:
    // GET /api/v1/runs/{id} as JSON into `doc`, else the error into `err`.
    asio::awaitable<void> fetch_run(std::string native_id, clock::time_point deadline,
                                    std::optional<boost::json::value>& doc, connector_error& err) {
        if (!uuid_shaped(native_id)) {
            err.kind = http::upstream_error_kind::client;
            err.not_found = true;
            err.detail = "testerarmy: run ids are UUIDs";
            co_return;
        }
        std::string target = "/api/v1/runs/" + native_id;
        http::client_result r = co_await get_json(std::move(target), deadline);
        if (!r.ok()) {
            err = to_connector_error(r);
            co_return;
        }
        doc = parse_json(r.response->body);
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
};

}  // namespace

std::unique_ptr<connector> make_testerarmy_connector(source_config cfg, connector_deps deps) {
    return std::make_unique<testerarmy_connector>(std::move(cfg), std::move(deps));
}

}  // namespace runhub::connectors::testerarmy
