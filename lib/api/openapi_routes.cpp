#include "api/openapi_routes.hpp"

namespace runhub::api {

void add_openapi_route(http::router& r) {
    r.add("GET", "/openapi.json", [](http::request&) -> boost::asio::awaitable<http::response> {
        co_return http::response::json(200, std::string(openapi_document()));
    });
}

}  // namespace runhub::api
