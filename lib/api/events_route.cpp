#include "api/events_route.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <tuple>

namespace runhub::api {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

std::string status_event(const model::run& r) {
    return "id: " + std::string(model::to_string(r.status)) +
           "\nevent: status\ndata: " + boost::json::serialize(model::to_json(r, false)) + "\n\n";
}

std::string error_event(const connectors::connector_error& e) {
    boost::json::object o;
    o["kind"] = http::to_string(e.kind);
    if (e.not_found) o["code"] = "not_found";
    return "event: error\ndata: " + boost::json::serialize(o) + "\n\n";
}

// The stream: the current run unless the caller has it, then every change, heartbeats between.
// `now` is the run as the handler found it.
asio::awaitable<void> stream_run(std::shared_ptr<run_watch> watch,
                                 std::shared_ptr<connectors::connector> c, std::string native_id,
                                 std::optional<model::run_status> known, model::run now,
                                 events_options o, http::body_writer& out) {
    connectors::outcome<model::run> got;
    bool open = co_await out.write(": runhub events\n\n");
    if (open && (!known || now.status != *known)) {
        known = now.status;
        open = co_await out.write(status_event(now));
    }
    if (now.terminal) co_return;
    while (open) {
        got = co_await watch->wait(c, native_id, known, connectors::clock::now() + o.heartbeat);
        if (!got.ok()) {
            co_await out.write(error_event(got.error));
            co_return;
        }
        if (got.value->status != *known) {
            known = got.value->status;
            open = co_await out.write(status_event(*got.value));
            if (got.value->terminal) co_return;
        } else if (got.value->terminal) {
            co_return;  // resumed after the terminal event: nothing more will come
        } else {
            open = co_await out.write(": heartbeat\n\n");
        }
    }
}

// The streamed answer (built outside the handler's coroutine frame).
http::response stream_response(std::shared_ptr<run_watch> watch,
                               std::shared_ptr<connectors::connector> c, std::string native_id,
                               std::optional<model::run_status> resume, model::run now,
                               events_options o) {
    http::response res;
    res.status = 200;
    res.content_type = "text/event-stream";
    res.headers.set("Cache-Control", "no-cache");
    auto state = std::make_shared<
        std::tuple<std::shared_ptr<run_watch>, std::shared_ptr<connectors::connector>, std::string,
                   std::optional<model::run_status>, model::run>>(
        std::move(watch), std::move(c), std::move(native_id), resume, std::move(now));
    res.stream = [state, o](http::body_writer& out) -> asio::awaitable<void> {
        auto& [w, src, id, known, run] = *state;
        return stream_run(w, src, id, known, run, o, out);
    };
    return res;
}

}  // namespace

void add_events_route(http::router& r, std::shared_ptr<const source_set> sources,
                      std::shared_ptr<const key_store> keys, std::shared_ptr<run_watch> watch,
                      events_options o) {
    r.add("GET", "/v1/runs/{id}/events",
          [sources, keys, watch, o](http::request& req) -> asio::awaitable<http::response> {
              auto auth = authorize(req, *keys, "runs:read");
              std::shared_ptr<connectors::connector> c;
              std::optional<model::run_status> resume;
              connectors::outcome<model::run> got;
              // The first answer is due within a heartbeat, but not sooner than a vendor call's
              // usual timeout (a short heartbeat must not cut the first read short).
              const auto first_read = std::max<std::chrono::milliseconds>(o.heartbeat, 10s);
              if (auto* refused = std::get_if<http::response>(&auth)) co_return std::move(*refused);
              const principal& who = *std::get<const principal*>(auth);
              auto parts = model::parse_run_id(req.param("id"));
              if (parts) c = sources->find_for(who, parts->source);
              if (!c)
                  co_return http::response::error(404, "not_found", "no such run", req.request_id);
              if (auto last = req.headers.get("Last-Event-ID"))
                  resume = model::parse_run_status(*last);
              got = co_await c->get(parts->native_id, connectors::clock::now() + first_read);
              if (!got.ok()) {
                  if (got.error.not_found)
                      co_return http::response::error(404, "not_found", "no such run",
                                                      req.request_id);
                  co_return http::response::error(502, "upstream_error", "the vendor failed",
                                                  req.request_id);
              }
              co_return stream_response(watch, c, parts->native_id, resume, *got.value, o);
          });
}

}  // namespace runhub::api
