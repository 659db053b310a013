#pragma once
// Routes used by the server tests: an echo, a slow route and one that throws.
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>

#include "http/router.hpp"

namespace runhub::test {

inline std::shared_ptr<http::router> test_router() {
    auto r = std::make_shared<http::router>();
    r->add("GET", "/hello", [](http::request& req) -> boost::asio::awaitable<http::response> {
        co_return http::response::json(200, R"({"hello":"world","query":")" + req.query + "\"}");
    });
    r->add("POST", "/echo", [](http::request& req) -> boost::asio::awaitable<http::response> {
        co_return http::response::text(200, req.body);
    });
    r->add("GET", "/items/{id}", [](http::request& req) -> boost::asio::awaitable<http::response> {
        co_return http::response::text(200, std::string(req.param("id")));
    });
    r->add("GET", "/slow", [](http::request&) -> boost::asio::awaitable<http::response> {
        boost::asio::steady_timer t(co_await boost::asio::this_coro::executor,
                                    std::chrono::milliseconds(400));
        co_await t.async_wait(boost::asio::use_awaitable);
        co_return http::response::text(200, "slow done");
    });
    r->add("GET", "/throws", [](http::request&) -> boost::asio::awaitable<http::response> {
        throw std::runtime_error("secret internal detail");
        co_return http::response::text(200, "unreachable");
    });
    return r;
}

}  // namespace runhub::test
