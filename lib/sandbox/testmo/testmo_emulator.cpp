#include "sandbox/testmo/testmo_emulator.hpp"

#include <algorithm>
#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>
#include <charconv>
#include <mutex>

#include "sandbox/testmo/testmo_data.hpp"
#include "sandbox/testmo/testmo_lifecycle.hpp"
#include "sandbox/testmo/testmo_store.hpp"
#include "sandbox/testmo/testmo_tests.hpp"
#include "sandbox/testmo/testmo_wire.hpp"

namespace runhub::sandbox::testmo {

namespace {

std::optional<std::int64_t> id_param(std::string_view s) {
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || v < 1) return std::nullopt;
    return v;
}

http::response no_content() {
    http::response r;
    r.status = 204;
    return r;
}

class testmo_emulator final : public emulator {
  public:
    explicit testmo_emulator(emulator_options opts) : opts_(std::move(opts)) { reset(); }

    std::string_view vendor() const override { return "testmo"; }
    std::string auth_header() const override { return "Authorization"; }
    std::string auth_value() const override {
        std::lock_guard lock(mu_);
        return "Bearer " + store_.data().token;
    }
    boost::json::object scope() const override {
        std::lock_guard lock(mu_);
        return {{"project_id", store_.data().project_ids.at(0)},
                {"instance", "sandbox"},
                {"source", store_.data().sources.at(0).name}};
    }
    void reset() override {
        auto fresh = generate_dataset(opts_.seed, opts_.runs, opts_.clock->now());
        std::lock_guard lock(mu_);
        store_ = run_store(std::move(fresh), opts_.seed,
                           lifecycle_timing{opts_.queued_for, opts_.running_for});
        set_forced_outcome("");
    }
    http::response rate_limited(const rate_limit_state& s) const override {
        return rate_limited_response(s);
    }
    http::response server_error() const override { return server_error_response(); }
    void tick() override {
        std::lock_guard lock(mu_);
        store_.settle(opts_.clock->now(), forced_outcome());
    }

    void add_routes(http::router& r) override {
        const std::string p = "/api/v1/projects/{project_id}/automation/runs";
        const std::string a = "/api/v1/automation/runs";
        add(r, "GET", p, &testmo_emulator::list);
        add(r, "POST", p, &testmo_emulator::create);
        add(r, "GET", a + "/{automation_run_id}", &testmo_emulator::get);
        add(r, "POST", a + "/{automation_run_id}/append", &testmo_emulator::append);
        add(r, "POST", a + "/{automation_run_id}/complete", &testmo_emulator::complete);
        add(r, "POST", a + "/{automation_run_id}/threads", &testmo_emulator::create_thread);
        add(r, "GET", a + "/{automation_run_id}/tests", &testmo_emulator::tests);
        add(r, "POST", a + "/threads/{automation_run_thread_id}/append",
            &testmo_emulator::append_thread);
        add(r, "POST", a + "/threads/{automation_run_thread_id}/complete",
            &testmo_emulator::complete_thread);
    }

  private:
    using member = http::response (testmo_emulator::*)(const http::request&);

    static boost::asio::awaitable<http::response> call(testmo_emulator* self, member fn,
                                                       http::request& req) {
        if (!self->authorized(req))
            co_return error_response(
                {401, "Unauthenticated. The API token is missing or invalid.", {}});
        co_return (self->*fn)(req);
    }

    void add(http::router& r, std::string_view method, std::string_view pattern, member fn) {
        r.add(method, pattern, [this, fn](http::request& req) { return call(this, fn, req); });
    }

    bool authorized(const http::request& req) const {
        auto h = req.headers.get("Authorization");
        const std::string_view scheme = "bearer ";
        if (!h || h->size() <= scheme.size() || !http::iequals(h->substr(0, scheme.size()), scheme))
            return false;
        std::lock_guard lock(mu_);
        return h->substr(scheme.size()) == store_.data().token;
    }

    // Locks, settles the lifecycles and hands the store to `f`.
    template <class F>
    http::response with_store(F&& f) {
        std::lock_guard lock(mu_);
        const auto now = opts_.clock->now();
        store_.settle(now, forced_outcome());
        return f(store_, now);
    }

    http::response list(const http::request& req) {
        auto project = id_param(req.param("project_id"));
        auto q = parse_run_list_query(req.query);
        return with_store([&](run_store& s, time_point) {
            if (!project || !s.has_project(*project)) return not_found_response();
            if (auto* e = std::get_if<api_error>(&q)) return error_response(*e);
            return http::response::json(200, s.list_body(*project, std::get<run_list_query>(q)));
        });
    }

    http::response get(const http::request& req) {
        auto id = id_param(req.param("automation_run_id"));
        auto ex = parse_expands_only(req.query);
        return with_store([&](run_store& s, time_point) {
            const run_record* r = id ? s.find(*id) : nullptr;
            if (!r) return not_found_response();
            if (auto* e = std::get_if<api_error>(&ex)) return error_response(*e);
            return http::response::json(200,
                                        s.get_body(*r, std::get<std::vector<std::string>>(ex)));
        });
    }

    http::response create(const http::request& req) {
        auto project = id_param(req.param("project_id"));
        return with_store([&](run_store& s, time_point now) {
            if (!project || !s.has_project(*project)) return not_found_response();
            auto parsed = parse_create_run(req.body);
            if (auto* e = std::get_if<api_error>(&parsed)) return error_response(*e);
            auto created = s.create_run(*project, std::get<create_run_request>(parsed), now);
            if (auto* e = std::get_if<api_error>(&created)) return error_response(*e);
            return http::response::json(201, boost::json::serialize(boost::json::object{
                                                 {"id", std::get<std::int64_t>(created)}}));
        });
    }

    http::response append(const http::request& req) {
        auto id = id_param(req.param("automation_run_id"));
        return with_store([&](run_store& s, time_point now) {
            if (!id || !s.find(*id)) return not_found_response();
            auto parsed = parse_run_append(req.body);
            if (auto* e = std::get_if<api_error>(&parsed)) return error_response(*e);
            if (auto e = s.append_run(*id, std::get<attachments>(parsed), now))
                return error_response(*e);
            return no_content();
        });
    }

    http::response complete(const http::request& req) {
        auto id = id_param(req.param("automation_run_id"));
        return with_store([&](run_store& s, time_point now) {
            if (!id || !s.find(*id)) return not_found_response();
            auto parsed = parse_complete_run(req.body);
            if (auto* e = std::get_if<api_error>(&parsed)) return error_response(*e);
            if (auto e = s.complete_run(*id, std::get<bool>(parsed), now))
                return error_response(*e);
            return no_content();
        });
    }

    http::response create_thread(const http::request& req) {
        auto id = id_param(req.param("automation_run_id"));
        return with_store([&](run_store& s, time_point now) {
            if (!id || !s.find(*id)) return not_found_response();
            auto parsed = parse_thread_body(req.body, false);
            if (auto* e = std::get_if<api_error>(&parsed)) return error_response(*e);
            auto created = s.create_thread(*id, std::get<thread_request>(parsed), now);
            if (auto* e = std::get_if<api_error>(&created)) return error_response(*e);
            return http::response::json(201, boost::json::serialize(boost::json::object{
                                                 {"id", std::get<std::int64_t>(created)}}));
        });
    }

    http::response append_thread(const http::request& req) {
        auto id = id_param(req.param("automation_run_thread_id"));
        return with_store([&](run_store& s, time_point now) {
            if (!id || !s.find_thread(*id)) return not_found_response();
            auto parsed = parse_thread_body(req.body, true);
            if (auto* e = std::get_if<api_error>(&parsed)) return error_response(*e);
            if (auto e = s.append_thread(*id, std::get<thread_request>(parsed), now))
                return error_response(*e);
            return no_content();
        });
    }

    http::response complete_thread(const http::request& req) {
        auto id = id_param(req.param("automation_run_thread_id"));
        return with_store([&](run_store& s, time_point now) {
            if (!id || !s.find_thread(*id)) return not_found_response();
            auto parsed = parse_thread_body(req.body, false);
            if (auto* e = std::get_if<api_error>(&parsed)) return error_response(*e);
            if (auto e = s.complete_thread(*id, std::get<thread_request>(parsed), now))
                return error_response(*e);
            return no_content();
        });
    }

    http::response tests(const http::request& req) {
        auto id = id_param(req.param("automation_run_id"));
        auto q = parse_test_list_query(req.query);
        return with_store([&](run_store& s, time_point) {
            const run_record* r = id ? s.find(*id) : nullptr;
            if (!r) return not_found_response();
            if (auto* e = std::get_if<api_error>(&q)) return error_response(*e);
            const auto& tq = std::get<test_list_query>(q);
            auto rows = select_tests(run_tests(*r), tq);
            auto w = window(static_cast<std::int64_t>(rows.size()), tq.page, tq.per_page);
            boost::json::array result;
            for (std::size_t i = w.first; i < w.first + w.count; ++i)
                result.emplace_back(test_json(rows[i], *r));
            return http::response::json(200, page_body(w, tq.per_page, std::move(result), nullptr));
        });
    }

    emulator_options opts_;
    mutable std::mutex mu_;
    run_store store_;
};

}  // namespace

std::unique_ptr<emulator> make_testmo_emulator(const emulator_options& opts) {
    return std::make_unique<testmo_emulator>(opts);
}

}  // namespace runhub::sandbox::testmo
