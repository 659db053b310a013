#include "sandbox/core/fault_middleware.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>

namespace runhub::sandbox {

namespace {

namespace asio = boost::asio;

std::int64_t real_now_ms() { return unix_millis(std::chrono::system_clock::now()); }

// Parameters by value: the coroutine outlives the lambda's call (GCC 12 and coroutine lambdas).
asio::awaitable<http::response> guarded(std::shared_ptr<port_state> port, std::string route_key,
                                        std::shared_ptr<const http::handler> inner,
                                        http::request& req) {
    // Every local at function scope: GCC 12 miscompiles block-scoped locals across co_await.
    request_record rec;
    rec.method = req.method;
    rec.path = req.path;
    rec.start_ms = real_now_ms();
    const fault_decision fault = port->next_fault();
    const auto limit = port->faults().rate_limit_per_min;
    std::optional<rate_limit_state> over;
    http::response res;
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer timer(executor);

    if (fault.delay.count() > 0) {
        timer.expires_after(fault.delay);
        co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    over = port->window().admit(port->clock().now(), limit);
    if (over) {
        res = port->vendor().rate_limited(*over);
    } else {
        switch (fault.kind) {
            case fault_kind::server_error:
                res = port->vendor().server_error();
                break;
            case fault_kind::too_many_requests:
                // An injected 429 with no budget configured still names one (assumed: 100,
                // Zof's documented typical limit).
                res = port->vendor().rate_limited(
                    window_state(port->clock().now(), limit > 0 ? limit : 100, 0));
                break;
            case fault_kind::reset:
                res.how = http::delivery::reset;
                break;
            case fault_kind::hang:
                res.how = http::delivery::hang;
                break;
            case fault_kind::none:
            case fault_kind::malformed:
            case fault_kind::truncate:
                break;
        }
        if (fault.kind == fault_kind::none || fault.kind == fault_kind::malformed ||
            fault.kind == fault_kind::truncate) {
            try {
                res = co_await (*inner)(req);
            } catch (const std::exception& e) {
                // Counted like any answer; the server would answer the same 500.
                spdlog::error("sandbox {} {}: handler threw: {}", port->vendor().vendor(),
                              route_key, e.what());
                res = http::response::error(500, "internal", "internal error", req.request_id);
            }
            if (fault.kind == fault_kind::malformed) {
                res.body = malform_body(res.body_view());
                res.shared_body.reset();
            }
            if (fault.kind == fault_kind::truncate) res.how = http::delivery::truncate;
        }
    }
    rec.status =
        res.how == http::delivery::reset || res.how == http::delivery::hang ? 0 : res.status;
    rec.end_ms = real_now_ms();
    port->stats().record(route_key, std::move(rec));
    co_return res;
}

}  // namespace

http::handler guard_route(std::shared_ptr<port_state> port, const std::string& method,
                          const std::string& pattern, http::handler inner) {
    auto shared_inner = std::make_shared<const http::handler>(std::move(inner));
    std::string key = method + " " + pattern;
    return [port = std::move(port), key = std::move(key), shared_inner = std::move(shared_inner)](
               http::request& req) { return guarded(port, key, shared_inner, req); };
}

}  // namespace runhub::sandbox
