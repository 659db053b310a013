// The Sofy emulator: thin HTTP handlers over the store (vendor-notes.md §1).
#include "sandbox/sofy/sofy_emulator.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>

#include "sandbox/sofy/sofy_store.hpp"
#include "sandbox/sofy/sofy_wire.hpp"

namespace runhub::sandbox::sofy {

namespace {

constexpr std::string_view auth_key = "3f6c2a9e-8b1d-4e7a-9c05-d2b6f4a1e837";
constexpr std::string_view user_guid = "7d1e5b20-4c3a-4f9e-a6b8-0c2d9e4f1a73";
constexpr std::string_view scheduler = "/scheduler-microservice/scheduled-runs/{scheduledRunGuid}";

boost::asio::awaitable<http::response> ready(http::response r) { co_return r; }

bool is_guid(std::string_view s) {
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (dash ? c != '-' : !hex) return false;
    }
    return true;
}

std::string param_of(const std::vector<std::pair<std::string, std::string>>& params,
                     std::string_view key) {
    for (const auto& [k, v] : params)
        if (k == key) return v;
    return {};
}

class sofy_emulator final : public emulator {
  public:
    explicit sofy_emulator(const emulator_options& o)
        : opts_(o),
          store_({o.seed, o.runs, std::chrono::floor<std::chrono::minutes>(o.clock->now()),
                  o.queued_for, o.running_for}) {}

    std::string_view vendor() const override { return "sofy"; }
    std::string auth_header() const override { return "x-sofy-auth-key"; }
    std::string auth_value() const override { return std::string(auth_key); }
    boost::json::object scope() const override {
        const auto& c = store_.cat();
        return {{"application_guid", c.apps.front().guid},
                {"schedule_guid", c.schedules.front().guid},
                {"app_hash", c.apps.front().builds.front().app_hash}};
    }
    void reset() override {
        store_.reset();
        set_forced_outcome("");
    }
    http::response rate_limited(const rate_limit_state&) const override {
        return rate_limited_response(now());
    }
    http::response server_error() const override { return internal_error(now()); }
    // Sofy's test_completion webhook (vendor-notes §1.8; set up by its CSM, per schedule): here
    // for every schedule when a webhook URL is configured, once per triggered group that ends
    // (completes or is stopped). The setup's token goes in `Authorization: Bearer` [assumed].
    void tick() override {
        if (opts_.webhook_url.empty() || !opts_.webhooks) return;
        for (auto& c : store_.due_completions(now(), forced_outcome())) {
            std::vector<http::header_field> headers{
                {"Content-Type", "application/json"},
                {"User-Agent", "Sofy-Webhooks/1.0"},
                {"Authorization", "Bearer " + opts_.webhook_secret}};
            opts_.webhooks->post(
                opts_.webhook_url, std::move(headers),
                test_completion_body(c.group_id, c.outcome, c.details, c.ended_at));
        }
    }

    void add_routes(http::router& r) override {
        using fn = http::response (sofy_emulator::*)(http::request&);
        auto route = [this, &r](std::string_view method, std::string path, fn f) {
            r.add(method, path, [this, f](http::request& req) {
                if (auto denied = check_auth(req)) return ready(std::move(*denied));
                return ready((this->*f)(req));
            });
        };
        const std::string s(scheduler);
        route("GET", "/reports-microservice/schedule-report/fetch-scheduled-runs",
              &sofy_emulator::fetch_runs);
        route("GET", s + "/status/{testRunGroupId}", &sofy_emulator::group_status_route);
        route("POST", s + "/execute", &sofy_emulator::execute);
        route("GET", s + "/test-run-groups", &sofy_emulator::test_run_groups);
        route("PUT", "/scheduler-microservice/public/test-run/abort/{scheduledRunGuid}",
              &sofy_emulator::abort);
        route("GET", "/application-microservice/public/applications", &sofy_emulator::applications);
        route("GET", "/device-microservice/public/devices/{os}", &sofy_emulator::devices);
    }

  private:
    time_point now() const { return opts_.clock->now(); }

    std::optional<http::response> check_auth(const http::request& req) const {
        auto h = req.headers.get("x-sofy-auth-key");
        if (!h || h->empty()) return missing_auth(now());
        if (!is_guid(*h)) return invalid_guid_auth(now());
        if (*h != auth_key) return invalid_auth(now());
        return std::nullopt;
    }

    const schedule* schedule_of(const http::request& req) const {
        return store_.cat().find_schedule(std::string(req.param("scheduledRunGuid")));
    }

    http::response fetch_runs(http::request& req) {
        auto parsed = parse_fetch_query(req.query, now());
        if (!parsed.query) return error_response(400, parsed.message, parsed.details, now());
        const auto& q = *parsed.query;
        auto page = store_.fetch(q, now(), forced_outcome());
        // serialize({"pageNumber", "pageSize", "totalRecordsFound", "totalRecordsFetched",
        // "data"}) written out, with each record's JSON as the store keeps it.
        std::string body = "{\"pageNumber\":" + std::to_string(q.page_number) +
                           ",\"pageSize\":" + std::to_string(q.page_size) +
                           ",\"totalRecordsFound\":" + std::to_string(page.total) +
                           ",\"totalRecordsFetched\":" + std::to_string(page.json.size()) +
                           ",\"data\":[";
        for (std::size_t i = 0; i < page.json.size(); ++i) {
            if (i) body += ',';
            body += *page.json[i];
        }
        body += "]}";
        return http::response::json(200, std::move(body));
    }

    http::response group_status_route(http::request& req) {
        const auto* s = schedule_of(req);
        if (!s) return schedule_not_found(now());
        auto runs = store_.group_runs(s->guid, std::string(req.param("testRunGroupId")), now(),
                                      forced_outcome());
        if (!runs) return test_run_not_found(now());
        boost::json::array data;
        for (const auto& r : *runs) data.push_back(record_object(r, store_.cat()));
        return data_response(std::move(data), runs->size());
    }

    http::response test_run_groups(http::request& req) {
        const auto* s = schedule_of(req);
        if (!s) return schedule_not_found(now());
        boost::json::array data;
        const auto groups = store_.groups_of(s->guid, now(), forced_outcome());
        for (const auto& g : groups)
            data.push_back(boost::json::object{{"testRunGroupId", g.id},
                                               {"executedAt", rfc3339_ms(g.executed_at)},
                                               {"status", g.status},
                                               {"message", g.message}});
        return data_response(std::move(data), groups.size());
    }

    http::response execute(http::request& req) {
        const auto* s = schedule_of(req);
        if (!s) return schedule_not_found(now());
        auto params = parse_params(req.query);
        if (!params)
            return error_response(400, "Invalid query parameters.",
                                  "The query string could not be parsed.", now());
        const auto app_hash = param_of(*params, "appHash");
        if (app_hash.empty())
            return error_response(400, "Missing required parameter.", "appHash is required.",
                                  now());
        const auto* app = store_.cat().find_app(s->application_guid);
        const app_build* build = nullptr;
        for (const auto& b : app->builds)
            if (b.app_hash == app_hash) build = &b;
        if (!build)
            return error_response(400, "Invalid app hash.",
                                  "No build of the scheduled application has this app hash.",
                                  now());
        std::vector<std::string> devices;
        std::string serials = param_of(*params, "deviceSerials");
        if (serials.empty()) {
            for (const auto& d : s->device_serials) serials += (serials.empty() ? "" : ",") + d;
        }
        for (std::size_t pos = 0; pos <= serials.size();) {
            auto comma = std::min(serials.find(',', pos), serials.size());
            const auto serial = serials.substr(pos, comma - pos);
            const auto* d = store_.cat().find_device(serial);
            if (!d)
                return error_response(400, "Invalid device serial.",
                                      "Device " + serial + " is not available.", now());
            devices.push_back(d->name);
            pos = comma + 1;
        }
        const auto gid = store_.execute(*s, build->build_id, devices, now(), forced_outcome());
        return json_response(
            200, boost::json::object{{"testGroupsRunId", gid},
                                     {"message", "Test runs are scheduled and in queue."}});
    }

    http::response abort(http::request& req) {
        const auto* s = schedule_of(req);
        if (!s) return schedule_not_found(now());
        auto params = parse_params(req.query);
        if (!params) return test_run_not_found(now());
        std::optional<std::string> group;
        for (const auto& [k, v] : *params)
            if (k == "testRunGroupId") group = v;
        switch (store_.abort(s->guid, group, now(), forced_outcome())) {
            case store::abort_result::unknown_group:
                return test_run_not_found(now());
            case store::abort_result::nothing_to_abort:
                return json_response(
                    200,
                    boost::json::object{
                        {"message", "No test runs could be aborted for scheduled run " + s->guid +
                                        ". They may have already completed or are in a "
                                        "non-abortable state."}});
            case store::abort_result::aborted:
                break;
        }
        return json_response(
            200, boost::json::object{{"message", "Scheduled run " + s->guid + " aborted by user " +
                                                     std::string(user_guid) + " successfully."}});
    }

    http::response applications(http::request&) {
        boost::json::array data;
        for (const auto& a : store_.cat().apps) {
            boost::json::array builds;
            for (const auto& b : a.builds)
                builds.push_back(boost::json::object{{"app_hash", b.app_hash},
                                                     {"build_id", b.build_id},
                                                     {"build_friendly_name", b.friendly_name},
                                                     {"build_package_name", b.package_name}});
            data.push_back(boost::json::object{{"application_guid", a.guid},
                                               {"platform_name", a.platform},
                                               {"application_friendly_name", nullptr},
                                               {"application_builds", std::move(builds)}});
        }
        const auto n = data.size();
        return data_response(std::move(data), n);
    }

    http::response devices(http::request& req) {
        std::string os(req.param("os"));
        for (auto& c : os) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        boost::json::array data;
        for (const auto& d : store_.cat().devices) {
            if (d.os != os) continue;
            data.push_back(boost::json::object{{"os_version", d.os_version},
                                               {"manufacturer", d.manufacturer},
                                               {"device_name", d.name},
                                               {"device_serial", d.serial},
                                               {"STATE", d.state}});
        }
        const auto n = data.size();
        return data_response(std::move(data), n);
    }

    emulator_options opts_;
    store store_;
};

}  // namespace

std::unique_ptr<emulator> make_sofy_emulator(const emulator_options& o) {
    return std::make_unique<sofy_emulator>(o);
}

}  // namespace runhub::sandbox::sofy
