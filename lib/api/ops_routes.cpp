#include "api/ops_routes.hpp"

#include <boost/json.hpp>

namespace runhub::api {

void add_ops_routes(http::router& r, std::shared_ptr<readiness> ready,
                    std::shared_ptr<http::metrics_registry> metrics) {
    r.add("GET", "/healthz", [](http::request&) -> boost::asio::awaitable<http::response> {
        co_return http::response::json(200, R"({"status":"ok"})");
    });
    r.add("GET", "/readyz", [ready](http::request&) -> boost::asio::awaitable<http::response> {
        boost::json::object body;
        body["status"] = ready->ready() ? "ready" : "not_ready";
        body["listening"] = ready->listening();
        body["sources_ready"] = ready->sources_ready();
        body["draining"] = ready->draining();
        co_return http::response::json(ready->ready() ? 200 : 503, boost::json::serialize(body));
    });
    r.add("GET", "/metrics", [metrics](http::request&) -> boost::asio::awaitable<http::response> {
        co_return http::response::text(200, metrics->render(),
                                       "text/plain; version=0.0.4; charset=utf-8");
    });
}

}  // namespace runhub::api
