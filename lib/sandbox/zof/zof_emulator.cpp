#include "sandbox/zof/zof_emulator.hpp"

#include <algorithm>
#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>
#include <mutex>

#include "sandbox/core/seeded_data.hpp"
#include "sandbox/zof/zof_data.hpp"
#include "sandbox/zof/zof_idempotency.hpp"
#include "sandbox/zof/zof_lifecycle.hpp"
#include "sandbox/zof/zof_trigger.hpp"
#include "sandbox/zof/zof_webhook.hpp"
#include "sandbox/zof/zof_wire.hpp"

namespace runhub::sandbox::zof {

namespace {

struct pending_event {
    std::string type;
    run_record run;
};

class zof_emulator final : public emulator {
  public:
    explicit zof_emulator(emulator_options opts) : opts_(std::move(opts)) { reset(); }

    std::string_view vendor() const override { return "zof"; }
    std::string auth_header() const override { return "Authorization"; }
    std::string auth_value() const override {
        std::lock_guard lock(mu_);
        return "Bearer " + data_.api_key;
    }
    boost::json::object scope() const override {
        std::lock_guard lock(mu_);
        boost::json::array cases;
        for (std::size_t i = 0; i < 2 && i < data_.cases.size(); ++i)
            cases.emplace_back(data_.cases[i].first);
        return {{"project_id", data_.project_ids.at(0)},
                {"organization_id", data_.organization_id},
                {"test_suite_id", data_.suites.at(0).id},
                {"test_case_ids", std::move(cases)}};
    }

    void reset() override {
        auto fresh = generate_dataset(opts_.seed, opts_.runs, opts_.clock->now());
        std::lock_guard lock(mu_);
        data_ = std::move(fresh);
        keys_.clear();
        triggered_ = 0;
        events_sent_ = 0;
        pending_.clear();
        set_forced_outcome("");
    }

    http::response rate_limited(const rate_limit_state& s) const override {
        return rate_limited_response(s);
    }
    http::response server_error() const override { return server_error_response(); }

    void tick() override {
        std::vector<pending_event> out;
        std::uint64_t first_event = 0;
        {
            std::lock_guard lock(mu_);
            settle_locked(opts_.clock->now());
            out.swap(pending_);
            first_event = events_sent_;
            events_sent_ += out.size();
        }
        if (opts_.webhook_url.empty() || !opts_.webhooks) return;
        const auto now = opts_.clock->now();
        for (std::size_t i = 0; i < out.size(); ++i) {
            seeded_rng rng(opts_.seed, "zof-event-" + std::to_string(first_event + i));
            auto body =
                event_body("evt_" + rng.hex(24), out[i].type, out[i].run, organization_id(), now);
            std::vector<http::header_field> headers{
                {"Content-Type", "application/json"},
                {"X-Zof-Signature", hmac_sha256_hex(opts_.webhook_secret, body)}};
            opts_.webhooks->post(opts_.webhook_url, std::move(headers), std::move(body));
        }
    }

    void add_routes(http::router& r) override {
        add(r, "GET", "/v1/runs", &zof_emulator::list);
        add(r, "POST", "/v1/runs", &zof_emulator::create);
        add(r, "GET", "/v1/runs/{id}", &zof_emulator::get);
        add(r, "POST", "/v1/runs/{id}/cancel", &zof_emulator::cancel);
        add(r, "GET", "/v1/runs/{id}/logs", &zof_emulator::logs);
        add(r, "GET", "/v1/runs/{id}/artifacts", &zof_emulator::artifacts);
    }

  private:
    using member = http::response (zof_emulator::*)(const http::request&);

    static boost::asio::awaitable<http::response> call(zof_emulator* self, member fn,
                                                       http::request& req) {
        if (auto denied = self->check_auth(req)) co_return std::move(*denied);
        co_return (self->*fn)(req);
    }

    void add(http::router& r, std::string_view method, std::string_view pattern, member fn) {
        r.add(method, pattern, [this, fn](http::request& req) { return call(this, fn, req); });
    }

    std::string organization_id() const {
        std::lock_guard lock(mu_);
        return data_.organization_id;
    }

    std::optional<http::response> check_auth(const http::request& req) const {
        auto h = req.headers.get("Authorization");
        if (!h || h->empty())
            return error_response({401, "unauthorized",
                                   "No API key provided. Send 'Authorization: Bearer <API key>'.",
                                   ""});
        std::string_view v = *h;
        const std::string_view scheme = "bearer ";
        std::lock_guard lock(mu_);
        if (v.size() <= scheme.size() || !http::iequals(v.substr(0, scheme.size()), scheme) ||
            v.substr(scheme.size()) != data_.api_key)
            return error_response({401, "unauthorized", "Invalid or expired API key.", ""});
        return std::nullopt;
    }

    // Moves triggered runs along their lifecycle; a run that ends here freezes its outcome and
    // queues its webhooks. Caller holds mu_.
    void settle_locked(time_point now) {
        const lifecycle_timing timing{opts_.queued_for, opts_.running_for};
        for (auto& r : data_.runs) {
            if (!r.triggered || r.settled) continue;
            r.list_json.reset();
            auto s = lifecycle_at(r.created_at, now, timing, r.canceled_at);
            r.started_at = s.started_at;
            r.completed_at = s.completed_at;
            if (s.at == phase::queued || s.at == phase::running) {
                r.status = s.at == phase::queued ? "queued" : "running";
                continue;
            }
            r.status = s.at == phase::canceled
                           ? std::string("canceled")
                           : resolve_outcome(forced_outcome(), r.seeded_outcome);
            r.settled = true;
            queue_events_locked(r);
        }
    }

    void queue_events_locked(const run_record& r) {
        for (auto& type : events_for(r.status)) pending_.push_back({std::move(type), r});
    }

    run_record* find_locked(std::string_view id) {
        for (auto& r : data_.runs)
            if (r.id == id) return &r;
        return nullptr;
    }

    static http::response unknown_run(std::string_view id) {
        return error_response(
            {404, "not_found", "No run with id '" + std::string(id) + "'.", "id"});
    }

    http::response list(const http::request& req) {
        auto q = parse_list_query(req.query);
        if (auto* e = std::get_if<api_error>(&q)) return error_response(*e);
        std::lock_guard lock(mu_);
        settle_locked(opts_.clock->now());
        auto p = paginate(data_.runs, std::get<list_query>(q));
        if (auto* e = std::get_if<api_error>(&p)) return error_response(*e);
        return http::response::json(200, list_body(std::get<page>(p), data_));
    }

    http::response get(const http::request& req) {
        std::lock_guard lock(mu_);
        settle_locked(opts_.clock->now());
        auto* r = find_locked(req.param("id"));
        if (!r) return unknown_run(req.param("id"));
        return http::response::json(200, boost::json::serialize(run_json(*r, data_, true)));
    }

    http::response create(const http::request& req) {
        auto ct = req.headers.get("Content-Type");
        if (!ct || ct->substr(0, 16) != "application/json")
            return error_response(
                {400, "invalid_request", "Content-Type must be application/json.", ""});
        std::optional<std::string> key;
        if (auto k = req.headers.get("Idempotency-Key")) {
            if (k->empty() || k->size() > max_idempotency_key_length)
                return error_response({400, "invalid_request",
                                       "Idempotency-Key must be 1 to 255 characters.",
                                       "Idempotency-Key"});
            key = std::string(*k);
        }
        std::lock_guard lock(mu_);
        const auto now = opts_.clock->now();
        if (key) {
            auto found = keys_.lookup(*key, req.body, now);
            if (found.v == idempotency_store::verdict::mismatch)
                return error_response(
                    {409, "idempotency_key_reused",
                     "This Idempotency-Key was used with a different request body.",
                     "Idempotency-Key"});
            if (found.v == idempotency_store::verdict::replay) {
                auto res = http::response::json(found.answer.status, found.answer.body);
                res.headers.set("Idempotent-Replayed", "true");
                return res;
            }
        }
        auto parsed = parse_trigger(req.body, data_);
        if (auto* e = std::get_if<api_error>(&parsed)) return error_response(*e);
        const auto& t = std::get<trigger_request>(parsed);

        const auto n = triggered_++;
        run_record r;
        r.id = triggered_run_id(opts_.seed, n);
        r.project_id = t.project_id;
        r.environment = t.environment;
        r.test_suite_id = t.test_suite_id;
        if (t.test_suite_id) {
            for (const auto& s : data_.suites)
                if (s.id == *t.test_suite_id) {
                    r.case_ids = s.case_ids;
                    r.name = s.name;
                }
        } else {
            r.case_ids = t.test_case_ids;
            r.name = std::to_string(r.case_ids.size()) + " test case" +
                     (r.case_ids.size() == 1 ? "" : "s");
        }
        r.trigger = "api";
        r.branch = "main";
        r.commit_sha = seeded_rng(opts_.seed, "zof-trigger-sha-" + std::to_string(n)).hex(40);
        r.detail_seed = triggered_detail_seed(opts_.seed, n);
        r.created_at = std::chrono::time_point_cast<std::chrono::milliseconds>(now);
        r.status = "queued";
        r.triggered = true;
        r.seeded_outcome = triggered_outcome(opts_.seed, n);
        auto body = boost::json::serialize(run_json(r, data_, false));
        data_.runs.insert(data_.runs.begin(), std::move(r));
        sort_locked();
        if (key) keys_.remember(*key, req.body, {201, body}, now);
        return http::response::json(201, std::move(body));
    }

    http::response cancel(const http::request& req) {
        std::lock_guard lock(mu_);
        const auto now = opts_.clock->now();
        settle_locked(now);
        auto* r = find_locked(req.param("id"));
        if (!r) return unknown_run(req.param("id"));
        if (is_terminal(r->status))
            return error_response({409, "run_not_cancelable",
                                   "Run '" + r->id + "' is already " + r->status +
                                       "; only queued or running runs can be canceled.",
                                   ""});
        r->list_json.reset();
        if (r->triggered) {
            r->canceled_at = now;
            settle_locked(now);
        } else {
            r->status = "canceled";
            r->completed_at = now;
            queue_events_locked(*r);
        }
        return http::response::json(200, boost::json::serialize(run_json(*r, data_, false)));
    }

    http::response logs(const http::request& req) {
        std::lock_guard lock(mu_);
        settle_locked(opts_.clock->now());
        auto* r = find_locked(req.param("id"));
        if (!r) return unknown_run(req.param("id"));
        auto cases = case_outcomes(*r, r->status, data_);
        return http::response::json(200, logs_body(*r, run_logs(*r, r->status, cases)));
    }

    http::response artifacts(const http::request& req) {
        std::lock_guard lock(mu_);
        settle_locked(opts_.clock->now());
        auto* r = find_locked(req.param("id"));
        if (!r) return unknown_run(req.param("id"));
        return http::response::json(200, artifacts_body(*r, run_artifacts(*r, r->status)));
    }

    void sort_locked() {
        std::stable_sort(
            data_.runs.begin(), data_.runs.end(), [](const run_record& a, const run_record& b) {
                return a.created_at != b.created_at ? a.created_at > b.created_at : a.id > b.id;
            });
    }

    emulator_options opts_;
    mutable std::mutex mu_;
    dataset data_;
    idempotency_store keys_;
    std::uint64_t triggered_ = 0;
    std::uint64_t events_sent_ = 0;
    std::vector<pending_event> pending_;
};

}  // namespace

std::unique_ptr<emulator> make_zof_emulator(const emulator_options& opts) {
    return std::make_unique<zof_emulator>(opts);
}

}  // namespace runhub::sandbox::zof
