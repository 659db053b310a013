// The TesterArmy emulator: thin HTTP handlers over the store (vendor-notes.md §2).
#include "sandbox/testerarmy/testerarmy_emulator.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>

#include "sandbox/testerarmy/testerarmy_store.hpp"
#include "sandbox/testerarmy/testerarmy_wire.hpp"

namespace runhub::sandbox::testerarmy {

namespace {

constexpr std::string_view api_key = "sk_sandbox0001_7f3a9c2e5b8d4f61";
constexpr std::string_view webhook_secret_header = "X-TesterArmy-Webhook-Secret";

boost::asio::awaitable<http::response> ready(http::response r) { co_return r; }

time_point floor_to_minute(time_point t) { return std::chrono::floor<std::chrono::minutes>(t); }

// Reads an optional JSON object body; "" is an empty object. False on anything else.
bool parse_body(const std::string& body, boost::json::object& out) {
    if (body.find_first_not_of(" \t\r\n") == std::string::npos) return true;
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    if (ec || !v.is_object()) return false;
    out = std::move(v.as_object());
    return true;
}

// An optional string field: true and `out` set when absent or a string, false otherwise.
bool string_field(const boost::json::object& o, std::string_view key, std::string& out) {
    auto it = o.find(key);
    if (it == o.end() || it->value().is_null()) return true;
    if (!it->value().is_string()) return false;
    out = std::string(it->value().get_string());
    return true;
}

class testerarmy_emulator final : public emulator {
  public:
    explicit testerarmy_emulator(const emulator_options& o)
        : opts_(o),
          store_({o.seed, o.runs, floor_to_minute(o.clock->now()), o.queued_for, o.running_for,
                  o.webhook_url}) {}

    std::string_view vendor() const override { return "testerarmy"; }
    std::string auth_header() const override { return "Authorization"; }
    std::string auth_value() const override { return "Bearer " + std::string(api_key); }

    boost::json::object scope() const override {
        const auto& c = store_.cat();
        return {{"project_id", c.projects.front().id},
                {"test_id", c.tests.front().id},
                {"group_id", c.groups.front().id}};
    }

    void reset() override {
        store_.reset();
        set_forced_outcome("");
    }

    http::response rate_limited(const rate_limit_state&) const override {
        return rate_limited_response();
    }
    http::response server_error() const override { return internal_error(); }

    void tick() override {
        for (auto& d : store_.due_webhooks(now(), forced_outcome())) {
            std::vector<http::header_field> headers{
                {"Content-Type", "application/json"},
                {"User-Agent", "TesterArmy-Webhooks/1.0"},
                {std::string(webhook_secret_header), opts_.webhook_secret}};
            opts_.webhooks->post(d.url, std::move(headers), std::move(d.body));
        }
    }

    void add_routes(http::router& r) override {
        auto route = [this, &r](std::string_view method, std::string_view path,
                                http::response (testerarmy_emulator::*fn)(http::request&)) {
            r.add(method, path, [this, fn](http::request& req) {
                if (!authorized(req)) return ready(unauthorized());
                return ready((this->*fn)(req));
            });
        };
        route("GET", "/api/v1/runs", &testerarmy_emulator::list_runs);
        route("POST", "/api/v1/runs", &testerarmy_emulator::create_run);
        route("GET", "/api/v1/runs/{id}", &testerarmy_emulator::get_run);
        route("POST", "/api/v1/runs/{id}/cancel", &testerarmy_emulator::cancel_run);
        route("POST", "/api/v1/tests/{testId}/runs", &testerarmy_emulator::trigger_test);
        route("POST", "/api/v1/groups/{groupId}/runs", &testerarmy_emulator::trigger_group);
        route("POST", "/api/v1/batches/{batchId}/cancel", &testerarmy_emulator::cancel_batch);
    }

  private:
    time_point now() const { return opts_.clock->now(); }

    bool authorized(const http::request& req) const {
        auto h = req.headers.get("Authorization");
        return h && *h == auth_value();
    }

    http::response list_runs(http::request& req) {
        auto parsed = parse_list_query(req.query);
        if (!parsed.query) return error_response(400, "ValidationError", parsed.error);
        auto page = store_.list(*parsed.query, now(), forced_outcome());
        if (page.bad_cursor)
            return error_response(400, "ValidationError", "cursor: Invalid cursor");
        // {"runs":[...],"nextCursor":...}: the runs' JSON as the store keeps it, joined.
        std::size_t size = 64;
        for (const auto& r : page.runs) size += r->size() + 1;
        std::string body;
        body.reserve(size);
        body += "{\"runs\":[";
        for (std::size_t i = 0; i < page.runs.size(); ++i) {
            if (i) body += ',';
            body += *page.runs[i];
        }
        body += "],\"nextCursor\":";
        body += page.next_cursor
                    ? boost::json::serialize(boost::json::string_view(*page.next_cursor))
                    : std::string("null");
        body += '}';
        return http::response::json(200, std::move(body));
    }

    http::response get_run(http::request& req) {
        const std::string id(req.param("id"));
        if (!is_uuid(id)) return error_response(400, "ValidationError", "id: Invalid uuid");
        auto r = store_.get(id, now(), forced_outcome());
        if (!r) return not_found("Run");
        return json_response(200, run_object(*r));
    }

    http::response cancel_run(http::request& req) {
        const std::string id(req.param("id"));
        if (!is_uuid(id)) return error_response(400, "ValidationError", "id: Invalid uuid");
        switch (store_.cancel(id, now(), forced_outcome())) {
            case store::cancel_result::not_found:
                return not_found("Run");
            case store::cancel_result::terminal:
                return error_response(409, "Conflict",
                                      "Run is already terminal or cannot be cancelled");
            case store::cancel_result::cancelled:
                break;
        }
        return json_response(200, boost::json::object{{"id", id}, {"status", "cancelled"}});
    }

    static http::response accepted(const run_record& r) {
        return json_response(
            202, boost::json::object{
                     {"id", r.id}, {"status", r.status}, {"createdAt", rfc3339_ms(r.created_at)}});
    }

    http::response create_run(http::request& req) {
        boost::json::object body;
        if (!parse_body(req.body, body))
            return error_response(400, "ValidationError", "body: Expected a JSON object");
        trigger_spec spec;
        spec.type = "chat";
        if (!string_field(body, "prompt", spec.prompt))
            return error_response(400, "ValidationError", "prompt: Expected string");
        if (spec.prompt.empty()) return error_response(400, "ValidationError", "prompt: Required");
        if (!string_field(body, "webhookUrl", spec.webhook_url))
            return error_response(400, "ValidationError", "webhookUrl: Invalid url");
        if (auto it = body.find("credentials"); it != body.end() && !it->value().is_array())
            return error_response(400, "ValidationError", "credentials: Expected array");
        spec.feature_name = spec.prompt.substr(0, 80);
        spec.project_id = store_.cat().projects.front().id;
        return accepted(store_.trigger(spec, now(), forced_outcome()));
    }

    http::response trigger_test(http::request& req) {
        boost::json::object body;
        if (!parse_body(req.body, body))
            return error_response(400, "ValidationError", "body: Expected a JSON object");
        const auto* t = store_.cat().find_test(std::string(req.param("testId")));
        if (!t) return not_found("Test");
        trigger_spec spec{"test", t->project_id, t->id, "", "", "", t->name, t->platform, ""};
        if (!string_field(body, "webhookUrl", spec.webhook_url))
            return error_response(400, "ValidationError", "webhookUrl: Invalid url");
        spec.prompt = "Run saved test: " + t->name;
        return accepted(store_.trigger(spec, now(), forced_outcome()));
    }

    http::response trigger_group(http::request& req) {
        boost::json::object body;
        if (!parse_body(req.body, body))
            return error_response(400, "ValidationError", "body: Expected a JSON object");
        const auto* g = store_.cat().find_group(std::string(req.param("groupId")));
        if (!g) return not_found("Group");
        std::string webhook;
        if (!string_field(body, "webhookUrl", webhook))
            return error_response(400, "ValidationError", "webhookUrl: Invalid url");
        const std::string batch = store_.new_batch_id();
        boost::json::array ids;
        for (const auto& test_id : g->test_ids) {
            const auto* t = store_.cat().find_test(test_id);
            trigger_spec spec{"test",  g->project_id, test_id,
                              g->id,   batch,         "Run saved test: " + t->name,
                              t->name, t->platform,   webhook};
            ids.emplace_back(store_.trigger(spec, now(), forced_outcome()).id);
        }
        return json_response(202, boost::json::object{{"status", "queued"},
                                                      {"groupId", g->id},
                                                      {"batchId", batch},
                                                      {"runIds", ids},
                                                      {"queuedRunIds", ids},
                                                      {"cancelledRunIds", boost::json::array{}},
                                                      {"count", ids.size()},
                                                      {"metadata", boost::json::object{}}});
    }

    http::response cancel_batch(http::request& req) {
        const std::string batch(req.param("batchId"));
        auto result = store_.cancel_batch(batch, now(), forced_outcome());
        if (!result) return not_found("Batch");
        auto ids = [](const std::vector<std::string>& v) {
            boost::json::array a;
            for (const auto& id : v) a.emplace_back(id);
            return a;
        };
        return json_response(
            200, boost::json::object{{"batchId", batch},
                                     {"cancelled", result->cancelled.size()},
                                     {"alreadyFinished", result->already_finished.size()},
                                     {"cancelledRunIds", ids(result->cancelled)},
                                     {"alreadyFinishedRunIds", ids(result->already_finished)}});
    }

    emulator_options opts_;
    store store_;
};

}  // namespace

std::unique_ptr<emulator> make_testerarmy_emulator(const emulator_options& o) {
    return std::make_unique<testerarmy_emulator>(o);
}

}  // namespace runhub::sandbox::testerarmy
