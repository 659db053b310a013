// The Buildkite Test Engine emulator: thin HTTP handlers over the store (vendor-notes.md §4).
#include "sandbox/buildkite/buildkite_emulator.hpp"

#include <algorithm>
#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>

#include "sandbox/buildkite/buildkite_paging.hpp"
#include "sandbox/buildkite/buildkite_store.hpp"
#include "sandbox/buildkite/buildkite_wire.hpp"

namespace runhub::sandbox::buildkite {

namespace {

constexpr std::string_view org_slug = "acme";
constexpr std::string_view suite_slug = "storefront-e2e";
constexpr std::string_view api_token = "bkua_5c0ffee5a4d8e2b7c19f3e6d0a8b4c2f7e1d9a36";
constexpr std::string_view suite_token = "bkst_sandbox_9d2f4a7c1e8b3d6f";
constexpr std::string_view runs_path = "/v2/analytics/organizations/{org}/suites/{suite}/runs";

boost::asio::awaitable<http::response> ready(http::response r) { co_return r; }

std::string string_or(const boost::json::object& o, std::string_view key) {
    auto it = o.find(key);
    if (it == o.end() || !it->value().is_string()) return {};
    return std::string(it->value().get_string());
}

class buildkite_emulator final : public emulator {
  public:
    explicit buildkite_emulator(const emulator_options& o)
        : opts_(o),
          store_({o.seed, o.runs, std::chrono::floor<std::chrono::minutes>(o.clock->now()),
                  o.queued_for, o.running_for}) {
        const std::string suite_part = "/organizations/" + std::string(org_slug) + "/";
        urls_.api_runs = o.base_url + "/v2/analytics" + suite_part + "suites/" +
                         std::string(suite_slug) + "/runs";
        urls_.web_runs = "https://buildkite.com" + suite_part + "analytics/suites/" +
                         std::string(suite_slug) + "/runs";
    }

    std::string_view vendor() const override { return "buildkite"; }
    std::string auth_header() const override { return "Authorization"; }
    std::string auth_value() const override { return "Bearer " + std::string(api_token); }
    boost::json::object scope() const override {
        return {{"org", org_slug},
                {"suite", suite_slug},
                {"upload_token", "Token token=\"" + std::string(suite_token) + "\""}};
    }
    void reset() override {
        store_.reset();
        set_forced_outcome("");
    }
    http::response rate_limited(const rate_limit_state& s) const override {
        return rate_limited_response(s);
    }
    http::response server_error() const override { return internal_error(); }
    void tick() override {}  // no run webhooks in Test Engine (vendor-notes §4.7)

    void add_routes(http::router& r) override {
        using fn = http::response (buildkite_emulator::*)(http::request&);
        auto route = [this, &r](std::string_view method, std::string path, fn f) {
            r.add(method, path, [this, f](http::request& req) {
                if (!bearer_ok(req)) return ready(unauthorized());
                if (req.param("org") != org_slug || req.param("suite") != suite_slug)
                    return ready(not_found());
                return ready((this->*f)(req));
            });
        };
        route("GET", std::string(runs_path), &buildkite_emulator::list_runs);
        route("GET", std::string(runs_path) + "/{id}", &buildkite_emulator::get_run);
        route("GET", std::string(runs_path) + "/{id}/failed_executions",
              &buildkite_emulator::failed_executions);
        r.add("POST", "/v1/uploads", [this](http::request& req) {
            auto h = req.headers.get("Authorization");
            if (!h || *h != "Token token=\"" + std::string(suite_token) + "\"")
                return ready(message_response(401, "Authorization failed"));
            return ready(upload(req));
        });
    }

  private:
    time_point now() const { return opts_.clock->now(); }

    bool bearer_ok(const http::request& req) const {
        auto h = req.headers.get("Authorization");
        return h && *h == auth_value();
    }

    // The page of `items` with its Link header; `render(i)` gives the i-th item's JSON text.
    template <class Render>
    http::response paged(const page_query& q, std::size_t total, const std::string& url,
                         const std::string& extra, Render render) {
        const auto s = slice_page(total, q.page, q.per_page);
        std::string body = "[";
        for (auto i = s.begin; i < s.end; ++i) {
            if (i != s.begin) body += ',';
            body += render(i);
        }
        body += ']';
        auto resp = http::response::json(200, std::move(body));
        auto link = link_header(url, extra, q.page, q.per_page, s.last_page);
        if (!link.empty()) resp.headers.set("Link", std::move(link));
        resp.headers.set("Access-Control-Expose-Headers", "Link");
        return resp;
    }

    http::response list_runs(http::request& req) {
        auto parsed = parse_page_query(req.query);
        if (!parsed.query) return message_response(400, parsed.error);
        const auto& q = *parsed.query;
        // The page's runs only (the window slice_page will take), each as the store keeps it.
        const auto per = static_cast<std::size_t>(std::max(q.per_page, 1));
        const std::size_t first = static_cast<std::size_t>(std::max(q.page, 1) - 1) * per;
        const auto w = store_.list_json_window(q.build_id, now(), first, per, urls_);
        const std::string extra = q.build_id.empty() ? "" : "build_id=" + encode_param(q.build_id);
        return paged(q, w.total, urls_.api_runs, extra,
                     [&](std::size_t i) -> const std::string& { return *w.runs.at(i - first); });
    }

    http::response get_run(http::request& req) {
        auto v = store_.get(std::string(req.param("id")), now());
        if (!v) return not_found();
        return json_response(200, run_object(v->record, v->status, urls_));
    }

    http::response failed_executions(http::request& req) {
        auto parsed = parse_page_query(req.query);
        if (!parsed.query) return message_response(400, parsed.error);
        const auto& q = *parsed.query;
        auto v = store_.get(std::string(req.param("id")), now());
        if (!v) return not_found();
        const auto failures = store_.failures_of(*v, now());
        const std::string extra = q.failure_expanded ? "include_failure_expanded=true" : "";
        return paged(q, failures.size(), urls_.api_runs + "/" + v->record.id + "/failed_executions",
                     extra, [&](std::size_t i) {
                         return boost::json::serialize(failed_execution_object(
                             failures[i], v->record, urls_, q.failure_expanded));
                     });
    }

    http::response upload(http::request& req) {
        boost::system::error_code ec;
        auto doc = boost::json::parse(req.body, ec);
        if (ec || !doc.is_object()) return message_response(422, "Request body must be JSON");
        const auto& o = doc.as_object();
        if (string_or(o, "format") != "json")
            return message_response(422, "format must be json (junit uploads are multipart)");
        const auto* env = o.if_contains("run_env");
        if (!env || !env->is_object()) return message_response(422, "run_env is required");
        upload_spec spec;
        spec.key = string_or(env->get_object(), "key");
        spec.branch = string_or(env->get_object(), "branch");
        spec.commit_sha = string_or(env->get_object(), "commit_sha");
        if (spec.key.empty()) return message_response(422, "run_env[key] is required");
        const auto* data = o.if_contains("data");
        if (!data || !data->is_array()) return message_response(422, "data must be an array");
        if (data->get_array().size() > 5000)
            return message_response(422, "data is limited to 5000 results per upload");
        for (const auto& item : data->get_array()) {
            if (!item.is_object()) return message_response(422, "data[] entries must be objects");
            const auto& it = item.get_object();
            uploaded_result res{string_or(it, "name"), string_or(it, "location"),
                                string_or(it, "result"), string_or(it, "failure_reason"), 0};
            if (res.result != "passed" && res.result != "failed" && res.result != "skipped")
                return message_response(422, "data[].result must be passed, failed or skipped");
            if (const auto* h = it.if_contains("history"); h && h->is_object()) {
                if (const auto* d = h->get_object().if_contains("duration"); d && d->is_number())
                    res.duration_s = d->to_number<double>();
            }
            spec.results.push_back(std::move(res));
        }
        auto a = store_.upload(std::move(spec), now(), forced_outcome());
        return json_response(202,
                             boost::json::object{{"id", a.upload_id},
                                                 {"run_id", a.run_id},
                                                 {"queued", a.queued},
                                                 {"skipped", 0},
                                                 {"errors", boost::json::array{}},
                                                 {"run_url", urls_.web_runs + "/" + a.run_id}});
    }

    emulator_options opts_;
    store store_;
    run_urls urls_;
};

}  // namespace

std::unique_ptr<emulator> make_buildkite_emulator(const emulator_options& o) {
    return std::make_unique<buildkite_emulator>(o);
}

}  // namespace runhub::sandbox::buildkite
